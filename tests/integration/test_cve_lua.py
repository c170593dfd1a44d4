"""Regression tests for Redis's Lua CVEs, one test per CVE named by its id,
each running the kind of script the advisory describes (our own scripts)
and asserting the exact reply redis-server 7.0.15 (Debian, with the later
fixes as patches) gives, then that the server still answers. The rest of
the Lua hardening (CVE-2022-0543's package.loadlib, cjson nesting, struct
and cmsgpack overflows) is in test_scripting_cve.py; the non-Lua CVEs are
in test_cve.py.

kilat runs Debian's liblua5.1 and lua-cjson, which are not built with ASan:
under KILAT_ASAN=1 these tests check kilat's own code around them (the
bridge, the allocator, the proxies), not the library's insides."""

import pytest

from test_scripting_cve import bulk, lua_err, sha


def check(raw, body, expected, *args):
    got = raw.cmd_raw("EVAL", body, str(len(args)), *args)
    assert got == expected, (body, got[:300])
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


STACK_LIMIT = b"-ERR reached lua stack limit\r\n"
READONLY = "Attempt to modify a readonly table"
TOO_MANY = "too many results to unpack"


# ----------------------------------------------------------- CVE-2021-32626
def test_cve_2021_32626_lua_stack_and_many_values(raw):
    """Scripts that push many values onto the Lua stack (unpack, redis.call
    with thousands of arguments, huge replies) or return a table that
    contains itself: bounded by the Lua stack, answered with Redis's
    frames, never a stack overflow."""
    # a table that contains itself: nested as deep as the stack allows
    # (read as bytes: the frame is too deep for the harness's parser)
    def frame(body, n):
        raw.send_command("EVAL", body, "0")
        return raw.read_exact_bytes(n)
    deep = b"*1\r\n" * 7995 + STACK_LIMIT
    assert frame("local a = {} a[1] = a return a", len(deep)) == deep
    assert frame("local a = {} local b = {a} a[1] = b return {b}", len(deep)) == deep
    # through a RESP3 map
    got = frame("redis.setresp(3) local a = {} a.map = {x = a} return a", 29368)
    assert got.startswith(b"*2\r\n$1\r\nx\r\n" * 100) and got.endswith(STACK_LIMIT)
    assert raw.cmd_raw("PING") == b"+PONG\r\n"
    # many values at once
    fill = "local t = {} for i = 1, %d do t[i] = %s end "
    check(raw, fill % (7999, "i") + "return select('#', unpack(t))", b":7999\r\n")
    check(raw, fill % (8000, "i") + "return select('#', unpack(t))",
          lua_err(fill % (8000, "i") + "return select('#', unpack(t))", TOO_MANY))
    check(raw, fill % (7998, "'v' .. i") + "return redis.call('rpush', KEYS[1], unpack(t))",
          b":7998\r\n", "l")
    check(raw, fill % (7999, "'k' .. i") + "return redis.call('del', unpack(t))", b":0\r\n")
    # big replies into and out of Lua
    for i in range(0, 100000, 10000):
        raw.cmd_raw("RPUSH", "big", *range(i, i + 10000))
    check(raw, "return #redis.call('lrange', KEYS[1], 0, -1)", b":100000\r\n", "big")
    got = raw.cmd_raw("EVAL", "return redis.call('lrange', KEYS[1], 0, -1)", "1", "big")
    assert got.startswith(b"*100000\r\n$1\r\n0\r\n") and got.endswith(b"$5\r\n99999\r\n")
    got = raw.cmd_raw("EVAL", fill % (200000, "i") + "return t", "0")
    assert got.startswith(b"*200000\r\n:1\r\n") and got.endswith(b":200000\r\n")
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


# ----------------------------------------------------------- CVE-2024-46981
def test_cve_2024_46981_lua_gc_after_script_flush(r, raw):
    """SCRIPT FLUSH closes the Lua state while scripts left garbage behind:
    metatables with functions, suspended coroutines that called into the
    server, closures over redis.call, cjson/cmsgpack values. Repeated, in
    both modes; the scripts keep working and the memory goes back."""
    leave_garbage = [
        "local t = setmetatable({}, {__index = function(t, k) return redis.call('get', k) end, "
        "__gc = function() redis.call('set', 'gc', '1') end}) return t.x",
        "local co = coroutine.create(function() redis.call('set', 'x', 'y') "
        "coroutine.yield(1) redis.call('set', 'x', 'z') end) coroutine.resume(co) return 1",
        "local f = redis.call local g = function() return f('ping') end "
        "local t = {} for i = 1, 1000 do t[i] = {g, tostring(i), {i}} end t[1001] = t return #t",
        "return #cjson.encode(cjson.decode('[1,{\"a\":[2,3]},\"x\"]')) + #cmsgpack.pack({1, 2, {3}})",
    ]
    for round in range(20):
        for body in leave_garbage:
            got = raw.cmd_raw("EVAL", body, "0")
            assert not got.startswith(b"-"), (body, got)
        mode = ["SYNC", "ASYNC", None][round % 3]
        assert raw.cmd_raw(*(["SCRIPT", "FLUSH"] + ([mode] if mode else []))) == b"+OK\r\n"
        assert raw.cmd_raw("SCRIPT", "EXISTS", sha(leave_garbage[0]).decode()) == b"*1\r\n:0\r\n"
    assert r.get("x") == b"y"        # the coroutine never resumed
    assert r.exists("gc") == 0       # __gc does not run on tables in Lua 5.1
    assert raw.cmd_raw("EVAL", "return redis.call('get', 'x')", "0") == bulk("y")
    assert r.info("memory")["used_memory_lua"] < 1 << 20


# ----------------------------------------------------------- CVE-2022-24834
def test_cve_2022_24834_cjson_encode_escaped_sizes(raw):
    """cjson.encode of strings whose escaped form is 2x and 6x their size
    (the sizes were computed in an int): the lengths are exact."""
    cases = [
        ("return #cjson.encode(string.rep('\\1', 2^24))", 6 * 2 ** 24 + 2),
        ("return #cjson.encode(string.rep('\"', 2^24))", 2 * 2 ** 24 + 2),
        ("local s = string.rep('\\31', 2^22) return #cjson.encode({s, s, s, s, s, s, s, s})",
         8 * (6 * 2 ** 22 + 2) + 9),
        ("return #cjson.encode({[string.rep('\\n', 2^20)] = string.rep('/', 2^20)})",
         2 * 2 ** 20 + 2 + 2 * 2 ** 20 + 2 + 3),
    ]
    for body, n in cases:
        check(raw, body, b":%d\r\n" % n)


@pytest.mark.kilat_only
def test_cve_2022_24834_cjson_encode_past_int_range(raw):
    """A string whose escaped form (6 x 360 MB) passes INT_MAX, where the
    buffer size overflowed: kilat refuses it as a script memory error
    (scripts are bounded to 1 GiB) and stays up. kilat_only: the fixed
    Redis builds the 2 GB reply, and 7.0.15 has no bound on script memory."""
    body = "return #cjson.encode(string.rep('\\1', 360000000))"
    got = raw.cmd_raw("EVAL", body, "0")
    assert got.startswith(b"-ERR ") and b"not enough memory" in got, got
    check(raw, "return #cjson.encode(string.rep('\\1', 1000))", b":6002\r\n")


# ----------------------------------------------------------- CVE-2024-31449
def test_cve_2024_31449_bit_tohex_int_min(raw):
    """bit.tohex with INT_MIN as the width (whose negation overflows and
    wrote past the buffer): 8 upper-case digits, as the fixed Redis."""
    check(raw, "return bit.tohex(65535, -2147483648)", bulk("0000FFFF"))
    check(raw, "return bit.tohex(-1, -2147483648)", bulk("FFFFFFFF"))
    check(raw, "return bit.tohex(1, -2147483647)", bulk("00000001"))
    check(raw, "return bit.tohex(1, 2147483647)", bulk("00000001"))


# ----------------------------------------------------------- CVE-2025-49844
def test_cve_2025_49844_parser_chunk_name_survives_gc(raw):
    """The parser's chunk name was not anchored while the reader ran: a
    load() reader that runs a full garbage collection on every call, with
    the default name and with names built at run time, many times over;
    the chunks compile, run and name themselves in errors correctly."""
    body = (
        "local out = {} "
        "for i = 1, 300 do "
        "  local parts = {'return ', tostring(i), ' + ', '1'} "
        "  local n = 0 "
        "  local reader = function() collectgarbage('collect') n = n + 1 return parts[n] end "
        "  local f = (i % 2 == 0) and load(reader) or load(reader, 'chunk' .. i) "
        "  out[#out + 1] = f() "
        "end "
        "local n = 0 "
        "local bad = function() collectgarbage('collect') n = n + 1 if n == 1 then return 'x = = 1' end end "
        "local f1, e1 = load(bad) "
        "n = 0 "
        "local f2, e2 = load(bad, '=named' .. #out) "
        "collectgarbage('collect') "
        "return {out[1], out[300], #out, e1, e2, tostring(f1)}")
    check(raw, body, b"*6\r\n:2\r\n:301\r\n:300\r\n" +
          bulk("(load):1: unexpected symbol near '='") +
          bulk("named300:1: unexpected symbol near '='") + bulk("nil"))
    # loadstring with names that exist only on the stack
    body = ("local s = 0 for i = 1, 300 do collectgarbage('collect') "
            "local f = loadstring('return ' .. i, string.rep('n', i % 50) .. i) s = s + f() end "
            "return s")
    check(raw, body, b":45150\r\n")


# ----------------------------------------------------------- CVE-2025-46817
def test_cve_2025_46817_unpack_index_overflow(raw):
    """unpack ranges whose size overflows an int are refused; ranges that
    go below 1 or past the end give nils in place, as the fixed Redis."""
    cases = [
        ("return {unpack({1,2,3}, -2, 2147483647)}", lambda b: lua_err(b, TOO_MANY)),
        ("return {unpack({1,2,3}, 0, 2147483647)}", lambda b: lua_err(b, TOO_MANY)),
        ("return {unpack({1,2,3}, -2147483648, -2)}", lambda b: lua_err(b, TOO_MANY)),
        ("return {unpack({1,2,3}, -1, -2)}", lambda b: b"*0\r\n"),
        ("return {unpack({1,2,3}, 1, -1)}", lambda b: b"*0\r\n"),
        ("return select('#', unpack({1,2,3}, -1, 5))", lambda b: b":7\r\n"),
        ("local t = {} for i, v in pairs({unpack({1,2,3}, -1, 5)}) do t[#t+1] = i .. '=' .. v end "
         "return table.concat(t, ' ')", lambda b: bulk("3=1 4=2 5=3")),
        ("return select('#', unpack({1,2,3}, -2147483648, -2147483646))", lambda b: b":3\r\n"),
        ("return select('#', unpack({1,2,3}, 2147483646, 2147483647))", lambda b: b":2\r\n"),
    ]
    for body, expected in cases:
        check(raw, body, expected(body))


# ----------------------------------------------------------- CVE-2025-46818
def test_cve_2025_46818_basic_type_metatables(raw):
    """A script must not change what another script (of another user) runs
    through the metatables of basic types: the string metatable and its
    __index are read-only, the other basic types have none and cannot get
    one, and getfenv/setfenv are gone. Nothing carries to the next script."""
    E = lambda msg, pos=True: (lambda b: lua_err(b, msg, pos))
    cases = [
        ("getmetatable('').__index = {len = function() return 99 end} return 1", E(READONLY)),
        ("getmetatable('').__index.len = function() return 99 end return 1", E(READONLY)),
        ("getmetatable('').__newindex = tostring return 1", E(READONLY)),
        ("rawset(getmetatable(''), '__index', {})", E(READONLY, pos=False)),
        ("rawset(getmetatable('').__index, 'len', 1)", E(READONLY, pos=False)),
        ("return {type(getmetatable(1)), type(getmetatable(nil)), type(getmetatable(true)), "
         "type(getmetatable(redis.call)), type(getmetatable(coroutine.create(function() end)))}",
         lambda b: b"*5\r\n" + bulk("nil") * 5),
        ("return setmetatable(1, {})", E("bad argument #1 to 'setmetatable' (table expected, got number)")),
        ("return setmetatable('', {})", E("bad argument #1 to 'setmetatable' (table expected, got string)")),
        ("return setmetatable(nil, {})", E("bad argument #1 to 'setmetatable' (table expected, got nil)")),
        ("return setmetatable({}, 1)", E("bad argument #2 to 'setmetatable' (nil or table expected)")),
        ("return setmetatable(setmetatable({}, {__metatable = 1}), {})",
         E("cannot change a protected metatable")),
        ("return getfenv(0)", E("Script attempted to access nonexistent global variable 'getfenv'")),
        ("return setfenv(1, {})", E("Script attempted to access nonexistent global variable 'setfenv'")),
        ("return debug.setmetatable(1, {})", E("Script attempted to access nonexistent global variable 'debug'")),
    ]
    for body, expected in cases:
        check(raw, body, expected(body))
        assert raw.cmd_raw("EVAL", "return ('abc'):len() .. ('x'):rep(2) .. type(getmetatable('').__index)",
                           "0") == bulk("3xxtable")


# ----------------------------------------------------------- CVE-2025-46819
def test_cve_2025_46819_lexer_long_brackets(raw):
    """Malformed and very long long-bracket delimiters ('[==x', '[=', an
    unfinished '[==[', 100,000 '='): the lexer reports them with Redis's
    messages instead of reading out of bounds."""
    def ls(src):
        return "local f, e = loadstring(%s) return {tostring(f), e}" % src
    cases = [
        (ls("'return [==x'"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"return [==x\"]:1: invalid long string delimiter near '[=='")),
        (ls("'return [='"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"return [=\"]:1: invalid long string delimiter near '[='")),
        (ls("'[==['"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"[==[\"]:1: unfinished long string near '<eof>'")),
        (ls("'return [==[ab]=]'"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"return [==[ab]=]\"]:1: unfinished long string near '<eof>'")),
        (ls("'return ]==]'"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"return ]==]\"]:1: unexpected symbol near ']'")),
        (ls("'--[==[ x'"), b"*2\r\n" + bulk("nil") +
         bulk("[string \"--[==[ x\"]:1: unfinished long comment near '<eof>'")),
        ("local sep = string.rep('=', 100000) "
         "return loadstring('return [' .. sep .. '[x]' .. sep .. ']')()", bulk("x")),
        ("local sep = string.rep('=', 100000) "
         "return #{loadstring('return [' .. sep .. '[x]' .. sep:sub(2) .. ']')}", b":2\r\n"),
        ("return #{loadstring('return [' .. string.rep('=', 100000) .. 'x')}", b":2\r\n"),
        ("return [==[a]=]b]==]", bulk("a]=]b")),
    ]
    for body, expected in cases:
        check(raw, body, expected)
