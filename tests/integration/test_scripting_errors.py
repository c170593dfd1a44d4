"""Errors inside scripts and the reply types scripts build, differential
against redis-server 7.0.15: redis.call raising and redis.pcall returning
their argument errors, Lua's pcall handing back the `err` field of a table
error (Redis 7.0's pcall), big_number and verbatim_string replies for RESP2
and RESP3 callers, DEBUG PROTOCOL read through redis.call, SCRIPT DEBUG,
the cached-script count in INFO, and lua-enable-deprecated-api.

CASES were recorded on redis-server 7.0.15: the EVAL reply as redis-py
parses it, or ("ERR", the text before " script: ")."""

import pytest
import redis

CASES = [
    ("local ok, e = pcall(redis.call, 'get', {}) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Lua redis lib command arguments must be strings or integers']),
    ("local ok, e = pcall(redis.call) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Please specify at least one argument for this redis lib call']),
    ("local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Unknown Redis command called from script']),
    ("local ok, e = pcall(redis.call, 'incr', 'x', 'y') return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Wrong number of args calling Redis command from script']),
    ("local ok, e = pcall(redis.pcall, 'get', {}) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'table', b'ERR Lua redis lib command arguments must be strings or integers']),
    ("local ok, e = pcall(redis.pcall) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'table', b'ERR Please specify at least one argument for this redis lib call']),
    ("local e = redis.pcall('nosuch') return {type(e), type(e) == 'table' and e.err or e}",
     [b'table', b'ERR Unknown Redis command called from script']),
    ("local ok, e = pcall(redis.error_reply) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'table', b'ERR wrong number or type of arguments']),
    ("local ok, e = pcall(redis.status_reply, 1) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'table', b'ERR wrong number or type of arguments']),
    ("local ok, e = pcall(redis.sha1hex) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR wrong number of arguments']),
    ("local ok, e = pcall(redis.log) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR redis.log() requires two arguments or more.']),
    ("local ok, e = pcall(redis.log, 'x', 'y') return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR First argument must be a number (log level).']),
    ("local ok, e = pcall(redis.log, 99, 'y') return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Invalid debug level.']),
    ("local ok, e = pcall(redis.setresp, 4) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR RESP version must be 2 or 3.']),
    ("local ok, e = pcall(redis.setresp) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR redis.setresp() requires one argument.']),
    ("local ok, e = pcall(redis.set_repl, 9) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.']),
    ("local ok, e = pcall(redis.set_repl) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR redis.set_repl() requires two arguments.']),
    ("local ok, e = pcall(redis.call, 'get', 1.5) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'boolean', None]),
    ("local ok, e = pcall(redis.call, 'get', true) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR Lua redis lib command arguments must be strings or integers']),
    ("return redis.call('get', nil)",
     ('ERR', 'Lua redis lib command arguments must be strings or integers')),
    ("return redis.pcall('get', {})",
     ('ERR', 'Lua redis lib command arguments must be strings or integers')),
    ("return redis.call('get', {})",
     ('ERR', 'Lua redis lib command arguments must be strings or integers')),
    ("local ok, e = pcall(redis.error_reply, {}) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'true', b'table', b'ERR wrong number or type of arguments']),
    ("local ok, e = pcall(redis.call, 'eval', 'return 1', 0) return {tostring(ok), type(e), type(e) == 'table' and e.err or e}",
     [b'false', b'string', b'ERR This Redis command is not allowed from script']),
    ('local ok, e = pcall(redis.breakpoint) return {tostring(ok), type(e)}',
     [b'true', b'boolean']),
    ('local ok, e = pcall(redis.debug, 1) return {tostring(ok), type(e)}',
     [b'true', b'nil']),
    ('local ok, e = pcall(redis.replicate_commands) return {tostring(ok), type(e), tostring(e)}',
     [b'true', b'boolean', b'true']),
    ('return redis.sha1hex(1, 2)',
     ('ERR', 'wrong number of arguments')),
    ('return redis.sha1hex({})',
     b'da39a3ee5e6b4b0d3255bfef95601890afd80709'),
    ('return redis.status_reply()',
     ('ERR', 'wrong number or type of arguments')),
    ("return redis.error_reply('')",
     ('ERR', '')),
    ("return redis.error_reply('-')",
     ('ERR', '')),
    ("return redis.status_reply('')\n",
     b''),
    ('return {pcall()}',
     [None, b'attempt to call a boolean value']),
    ('return {pcall(nil)}',
     [None, b'attempt to call a nil value']),
    ("local ok, e = pcall(error, {err='X y'}) return {tostring(ok), e}",
     [b'false', b'X y']),
    ("local ok, e = pcall(error, {foo='X y'}) return type(e)",
     b'table'),
    ('local ok, e = pcall(error, {err=5}) return {type(e), tostring(e)}',
     [b'number', b'5']),
    ("local ok, e = xpcall(function() error({err='X y'}) end, function(m) return m end) return type(e)",
     b'table'),
    ("local t = setmetatable({}, {__index=function() error({err='Q r'}) end}) local ok, e = pcall(function() return t.x end) return {type(e), tostring(e)}",
     [b'string', b'Q r']),
    ("local co = coroutine.create(function() error({err='X y'}) end) local ok, e = coroutine.resume(co) return type(e)",
     b'table'),
    ('local ok, e = pcall(error, 5) return {type(e), tostring(e)}',
     [b'string', b'5']),
    ('local ok, e = pcall(error, true) return {type(e), tostring(e)}',
     [b'boolean', b'true']),
    ('return {pcall(function() return 1, 2, nil end)}',
     [1, 1, 2]),
    ("redis.call('set', 's', 'abc') local ok, e = pcall(redis.call, 'incr', 's') return {tostring(ok), type(e), e}",
     [b'false', b'string', b'ERR value is not an integer or out of range']),
    ("redis.call('set', 's', 'abc') local ok, e = pcall(redis.call, 'lpush', 's', 'x') return {tostring(ok), e}",
     [b'false', b'WRONGTYPE Operation against a key holding the wrong kind of value']),
    ("redis.call('set', 's', 'abc') local e = redis.pcall('lpush', 's', 'x') return {type(e), e.err}",
     [b'table', b'WRONGTYPE Operation against a key holding the wrong kind of value']),
    ("local ok, e = pcall(function() redis.call('get', {}) end) return {tostring(ok), type(e), e}",
     [b'false', b'string', b'ERR Lua redis lib command arguments must be strings or integers']),
    ("error({err='X y'})",
     ('ERR', 'X y')),
    ("error({err='X y'}, 2)",
     ('ERR', 'X y')),
    ("error('plain')",
     ('ERR', 'user_script:1: plain')),
    ("local a = {} for i=1,7999 do a[i] = 1 end return redis.call('lpush', 'l7999', unpack(a))",
     7999),
    ("return {big_number='123\\r\\n123'}",
     b'123  123'),
    ('return {big_number=5}',
     []),
    ("return {verbatim_string={format='txt', string='ab\\r\\nc'}}",
     b'ab\r\nc'),
    ("return {verbatim_string={format='markdown', string='ab'}}",
     b'ab'),
    ("return {verbatim_string={string='ab'}}",
     []),
    ("return {double=1.5, big_number='1'}",
     b'1.5'),
    ("return {big_number='1', map={a=1}}",
     b'1'),
    ("return {verbatim_string={format='txt', string='x'}, set={a=true}}",
     b'x'),
]


def run(r, script):
    try:
        return r.eval(script, 0)
    except redis.ResponseError as e:
        return ("ERR", str(e).split(" script: ")[0])


@pytest.mark.parametrize("script,expected", CASES, ids=[c[0][:60] for c in CASES])
def test_script_errors_and_replies(r, script, expected):
    assert run(r, script) == expected


def eval_frame(conn, body, proto, expected):
    """The next len(expected) bytes after EVAL: the harness's parser takes
    "(123  123" for a malformed big number, so the bytes are read as is."""
    conn.cmd_raw("HELLO", str(proto))
    conn.send_command("EVAL", body, "0")
    return conn.read_exact_bytes(len(expected))


@pytest.mark.parametrize("proto", [2, 3])
def test_big_number_and_verbatim_frames(raw, proto):
    three = proto == 3
    for body, resp3, resp2 in [
        ("return {big_number='123\\r\\n123'}", b"(123  123\r\n", b"$8\r\n123  123\r\n"),
        ("return {verbatim_string={format='txt', string='ab\\r\\nc'}}",
         b"=9\r\ntxt:ab\r\nc\r\n", b"$5\r\nab\r\nc\r\n"),
        ("return {verbatim_string={format='markdown', string='ab'}}", b"=6\r\nmar:ab\r\n",
         b"$2\r\nab\r\n"),
    ]:
        expected = resp3 if three else resp2
        assert eval_frame(raw, body, proto, expected) == expected, body


# (type, frame for a RESP2 client, frame for a RESP3 client) when the
# script runs redis.setresp(3) and returns what DEBUG PROTOCOL gave it
DEBUG_PROTOCOL = [
    ("bignum", b"$37\r\n1234567999999999999999999999999999999\r\n",
     b"(1234567999999999999999999999999999999\r\n"),
    # (maps and sets come back in the Lua table's order)
    ("map", b"*6\r\n:1\r\n:1\r\n:2\r\n:0\r\n:0\r\n:0\r\n", b"%3\r\n:1\r\n#t\r\n:2\r\n#f\r\n:0\r\n#f\r\n"),
    ("set", b"*3\r\n:1\r\n:2\r\n:0\r\n", b"~3\r\n:1\r\n:2\r\n:0\r\n"),
    ("double", b"$5\r\n3.141\r\n", b",3.141\r\n"),
    ("null", b"$-1\r\n", b"_\r\n"),
    ("verbatim", b"$25\r\nThis is a verbatim\nstring\r\n", b"=29\r\ntxt:This is a verbatim\nstring\r\n"),
    ("true", b":1\r\n", b"#t\r\n"),
    ("false", b":0\r\n", b"#f\r\n"),
    ("attrib", b"$39\r\nSome real reply following the attribute\r\n",
     b"$39\r\nSome real reply following the attribute\r\n"),
]


def test_debug_protocol_through_scripts(start_server):
    srv = start_server("--enable-debug-command", "yes")
    c = srv.raw()
    try:
        # DEBUG SET-DISABLE-DENY-SCRIPTS opens noscript commands (DEBUG too)
        deny = b"-ERR This Redis command is not allowed from script script: "
        assert c.cmd_raw("EVAL", "return redis.call('client', 'id') > 0", "0").startswith(deny)
        assert c.cmd_raw("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1") == b"+OK\r\n"
        assert c.cmd_raw("EVAL", "return redis.call('client', 'id') > 0", "0") == b":1\r\n"
        for proto in (2, 3):
            c.cmd_raw("HELLO", str(proto))
            for name, resp2, resp3 in DEBUG_PROTOCOL:
                body = "redis.setresp(3) return redis.call('debug', 'protocol', '%s')" % name
                assert c.cmd_raw("EVAL", body, "0") == (resp3 if proto == 3 else resp2), (name, proto)
                body2 = "return redis.call('debug', 'protocol', '%s')" % name
                got = c.cmd_raw("EVAL", body2, "0")  # the script reads RESP2
                resp2_read = {"map": b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
                              "set": b"*3\r\n:0\r\n:1\r\n:2\r\n",
                              "null": b"_\r\n" if proto == 3 else b"$-1\r\n"}
                assert got == resp2_read.get(name, resp2), (name, proto, got)
        assert c.cmd_raw("DEBUG", "PROTOCOL", "nope").startswith(b"-ERR Wrong protocol type name.")
        assert c.cmd_raw("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "x") == b"+OK\r\n"  # atoi: 0
        assert c.cmd_raw("EVAL", "return redis.call('client', 'id') > 0", "0").startswith(deny)
    finally:
        c.close()


def test_script_debug_modes(raw):
    for mode in ("yes", "sync", "no", "NO"):
        assert raw.cmd_raw("SCRIPT", "DEBUG", mode) == b"+OK\r\n"
    assert raw.cmd_raw("SCRIPT", "DEBUG", "maybe") == b"-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n"
    assert raw.cmd_raw("SCRIPT", "DEBUG") == \
        b"-ERR wrong number of arguments for 'script|debug' command\r\n"
    assert raw.cmd_raw("EVAL", "return 'hello'", "0") == b"$5\r\nhello\r\n"


def test_info_counts_cached_scripts(r):
    r.script_flush()
    assert r.info("memory")["number_of_cached_scripts"] == 0
    for i in range(3):
        r.script_load("return %d" % i)
    r.eval("return 'x'", 0)
    r.eval("return 'x'", 0)
    assert r.info("memory")["number_of_cached_scripts"] == 4
    r.script_flush("ASYNC")
    assert r.info("memory")["number_of_cached_scripts"] == 0


DEPRECATED = [
    "local f = function() return 1 end setfenv(f, {}) return 0",
    "local f = function() return 1 end getfenv(f) return 0",
    "getmetatable(newproxy(true)).__gc = function() return 1 end return 0",
]


@pytest.mark.parametrize("enabled", ["no", "yes"])
def test_lua_enable_deprecated_api(start_server, enabled):
    srv = start_server("--lua-enable-deprecated-api", enabled)
    c = srv.client()
    assert c.config_get("lua-enable-deprecated-api") == {"lua-enable-deprecated-api": enabled}
    with pytest.raises(redis.ResponseError, match="can't set immutable config"):
        c.config_set("lua-enable-deprecated-api", "yes")
    for body, name in zip(DEPRECATED, ("setfenv", "getfenv", "newproxy")):
        if enabled == "yes":
            assert c.eval(body, 0) == 0
        else:
            with pytest.raises(redis.ResponseError,
                               match="nonexistent global variable '%s'" % name):
                c.eval(body, 0)
    # the directive keeps the rest of the sandbox closed
    with pytest.raises(redis.ResponseError, match="nonexistent global variable 'loadfile'"):
        c.eval("return loadfile('x')", 0)
    c.close()
