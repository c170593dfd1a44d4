"""Lua scripting (EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT): the exact replies
of Redis 7.0.15 for conversions both ways, redis.* helpers, error texts with
the script name and line, the sandbox (no os/io/package/debug, read-only
globals and libraries, no bytecode, CVE-2022-0543), the script cache, and
Laravel's own lock and queue scripts. Every expectation was recorded on
redis-server 7.0.15 and runs against it in differential mode."""

import json

import pytest
import redis

from conftest import IS_KILAT

# (command, exact reply frame), run in order on one connection after FLUSHALL
# (some cases read keys written by earlier ones).
SEQUENCE = [
    (["eval", "return x", 0],
     b"-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.\r\n"),
    (["eval", "x = 1", 0],
     b'-ERR user_script:1: Attempt to modify a readonly table script: 34bce5f775de97f557a34088509c8bfe1ea17e52, on @user_script:1.\r\n'),
    (["eval", "string.x = 1 return string.x", 0],
     b'-ERR user_script:1: Attempt to modify a readonly table script: 3f40442ea3626e7bbcd2b15960a0a22ef5e6da36, on @user_script:1.\r\n'),
    (["eval", "return redis.call('incr','k1') + redis.call('incr', 'nokey' , 'a')", 0],
     b'-ERR Wrong number of args calling Redis command from script script: 5dd8445eb02febf7d9632749246e28a3aa52840d, on @user_script:1.\r\n'),
    (["set", "s", "abc"],
     b'+OK\r\n'),
    (["eval", "return redis.call('incr','s')", 0],
     b'-ERR value is not an integer or out of range script: c243b9f46db13ba8f69da41b45a77708832babed, on @user_script:1.\r\n'),
    (["eval", "return redis.pcall('incr','s')", 0],
     b'-ERR value is not an integer or out of range\r\n'),
    (["eval", "return redis.call('nosuch')", 0],
     b'-ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.\r\n'),
    (["eval", "return redis.call()", 0],
     b'-ERR Please specify at least one argument for this redis lib call script: 0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n'),
    (["eval", "return redis.call('get', {})", 0],
     b'-ERR Lua redis lib command arguments must be strings or integers script: 4368e88f98d93af9caf358186e5fbf273374ee91, on @user_script:1.\r\n'),
    (["eval", "return redis.call('auth','x')", 0],
     b'-ERR This Redis command is not allowed from script script: 77dd246f5853174bf6a07731bd82f21f06395120, on @user_script:1.\r\n'),
    (["eval_ro", "return redis.call('set','x', 0)", 0],
     b'-ERR Write commands are not allowed from read-only scripts. script: 31e3643fabbb01a0356e874369cec09ad9f5601c, on @user_script:1.\r\n'),
    (["eval", "return {err='boom'}", 0],
     b'-boom\r\n'),
    (["eval", "return {err='ERR boom'}", 0],
     b'-ERR boom\r\n'),
    (["eval", "return redis.error_reply('boom')", 0],
     b'-ERR boom\r\n'),
    (["eval", "return redis.error_reply('-boom')", 0],
     b'-ERR boom\r\n'),
    (["eval", "return redis.error_reply('boom x')", 0],
     b'-boom x\r\n'),
    (["eval", "return {ok='fine'}", 0],
     b'+fine\r\n'),
    (["eval", "return {ok='a\\r\\nb'}", 0],
     b'+a  b\r\n'),
    (["eval", "return redis.status_reply('x')", 0],
     b'+x\r\n'),
    (["eval", "return 'x", 0],
     b"-ERR Error compiling script (new function): user_script:1: unfinished string near '<eof>'\r\n"),
    (["eval", "return {1,2,3.99,'a',nil,4}", 0],
     b'*4\r\n:1\r\n:2\r\n:3\r\n$1\r\na\r\n'),
    (["eval", "return {true,false,{1,{2}}}", 0],
     b'*3\r\n:1\r\n$-1\r\n*2\r\n:1\r\n*1\r\n:2\r\n'),
    (["eval", "return true", 0],
     b':1\r\n'),
    (["eval", "return false", 0],
     b'$-1\r\n'),
    (["eval", "return nil", 0],
     b'$-1\r\n'),
    (["eval", "return -3.7", 0],
     b':-3\r\n'),
    (["eval", "error('hi')", 0],
     b'-ERR user_script:1: hi script: 69182155b37d47e14707caf1be65b6f12d041493, on @user_script:1.\r\n'),
    (["eval", "error({err='ERR custom'})", 0],
     b'-ERR custom script: 73ff5eeb6eff61b1e18516730c7cd70737558f3e, on @user_script:1.\r\n'),
    (["eval", "return redis.call('set','f',0.1)", 0],
     b'+OK\r\n'),
    (["get", "f"],
     b'$19\r\n0.10000000000000001\r\n'),
    (["eval", "redis.call('set','f',3.0) return redis.call('get','f')", 0],
     b'$1\r\n3\r\n'),
    (["eval", "return redis.sha1hex('')", 0],
     b'$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n'),
    (["eval", "return redis.sha1hex('abc')", 0],
     b'$40\r\na9993e364706816aba3e25717850c26c9cd0d89d\r\n'),
    (["eval", "return redis.sha1hex(string.rep('a', 1000))", 0],
     b'$40\r\n291e9a6c66994949b57ba5e650361e98fc36b1ba\r\n'),
    (["eval", "return loadstring('\\27Lua')", 0],
     b'$-1\r\n'),
    (["eval", "return {loadstring(string.char(27)..'Lua')}", 0],
     b'*0\r\n'),
    (["eval", "return type(package)", 0],
     b"-ERR user_script:1: Script attempted to access nonexistent global variable 'package' script: 9d2e094dbe8b2fe1613bf6e8e2abe7b98d1569b8, on @user_script:1.\r\n"),
    (["eval", "return type(os)", 0],
     b"-ERR user_script:1: Script attempted to access nonexistent global variable 'os' script: 88bfcb2247db0b6fa4925f3cddc3fd0651459f99, on @user_script:1.\r\n"),
    (["eval", "return type(debug)", 0],
     b"-ERR user_script:1: Script attempted to access nonexistent global variable 'debug' script: 21bcbd6f0f3639ee18732cb6907e65a4859b9625, on @user_script:1.\r\n"),
    (["eval", "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM", 0],
     b'$13\r\n7.0.15 458767\r\n'),
    (["eval", "return 1", -1],
     b"-ERR Number of keys can't be negative\r\n"),
    (["eval", "return 1", 2, "a"],
     b"-ERR Number of keys can't be greater than number of args\r\n"),
    (["eval", "return 1", "x"],
     b'-ERR value is not an integer or out of range\r\n'),
    (["evalsha", "0000000000000000000000000000000000000000", 0],
     b'-NOSCRIPT No matching script. Please use EVAL.\r\n'),
    (["evalsha", "abc", 0],
     b'-NOSCRIPT No matching script. Please use EVAL.\r\n'),
    (["eval", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", 2, "k1", "k2", "a1", "a2"],
     b'*6\r\n$2\r\nk1\r\n$2\r\nk2\r\n$2\r\na1\r\n$2\r\na2\r\n:2\r\n:2\r\n'),
    (["eval", "return redis.error_reply('boom').err", 0],
     b'$8\r\nERR boom\r\n'),
    (["eval", "return redis.error_reply('-boom').err", 0],
     b'$8\r\nERR boom\r\n'),
    (["eval", "return redis.sha1hex()", 0],
     b'-ERR wrong number of arguments script: 3c7ce947ae74a835cc575b6ee87fb27503cb7ba4, on @user_script:1.\r\n'),
    (["eval", "return redis.setresp(4)", 0],
     b'-ERR RESP version must be 2 or 3. script: 921c0a48021d97dfd5884aeea41875972c7804d9, on @user_script:1.\r\n'),
    (["eval", "return redis.call('ping')", 0],
     b'+PONG\r\n'),
    (["eval", "return redis.log(9, 'hello')", 0],
     b'-ERR Invalid debug level. script: 68e6507773b3564cc8e43db1fd59e20405dca787, on @user_script:1.\r\n'),
    (["eval", "return redis.log(1)", 0],
     b'-ERR redis.log() requires two arguments or more. script: f5438245431406aa19fc387d93c6d03a0d5bcb0f, on @user_script:1.\r\n'),
    (["eval", "return redis.set_repl(redis.REPL_ALL)", 0],
     b'$-1\r\n'),
    (["eval", "return redis.set_repl(9)", 0],
     b'-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE. script: f43d522179aeb2c4dadb59b026d11ed249ca02e0, on @user_script:1.\r\n'),
    (["eval", "return redis.replicate_commands()", 0],
     b':1\r\n'),
    (["eval", "local f = load(function() return nil end) return type(f)", 0],
     b'$8\r\nfunction\r\n'),
    (["eval", "local s = string.dump(function() return 1 end) local f = load(function() local x = s s = nil return x end) return type(f)", 0],
     b'$3\r\nnil\r\n'),
    (["eval", "return {loadstring('return 1')()}", 0],
     b'*1\r\n:1\r\n'),
    (["eval", "return redis.call('get', 'x', nil, 'y')", 0],
     b'-ERR Lua redis lib command arguments must be strings or integers script: cb544881cb840da1ab621c4b33fb3df5d4181739, on @user_script:1.\r\n'),
    (["script", "help"],
     b'*17\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DEBUG (YES|SYNC|NO)\r\n+    Set the debug mode for subsequent scripts executed.\r\n+EXISTS <sha1> [<sha1> ...]\r\n+    Return information about the existence of the scripts in the script cache.\r\n+FLUSH [ASYNC|SYNC]\r\n+    Flush the Lua scripts cache. Very dangerous on replicas.\r\n+    When called without the optional mode argument, the behavior is determined by the\r\n+    lazyfree-lazy-user-flush configuration directive. Valid modes are:\r\n+    * ASYNC: Asynchronously flush the scripts cache.\r\n+    * SYNC: Synchronously flush the scripts cache.\r\n+KILL\r\n+    Kill the currently executing Lua script.\r\n+LOAD <script>\r\n+    Load a script into the scripts cache without executing it.\r\n+HELP\r\n+    Prints this help.\r\n'),
    (["script", "flush", "x"],
     b'-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n'),
    (["script", "kill"],
     b'-NOTBUSY No scripts in execution right now.\r\n'),
    (["script", "exists"],
     b"-ERR wrong number of arguments for 'script|exists' command\r\n"),
    (["script", "load", "return"],
     b'$40\r\n63143b6f8007b98c53ca2149822777b3566f9241\r\n'),
    (["script", "load", "return 1", 2],
     b"-ERR wrong number of arguments for 'script|load' command\r\n"),
    (["script", "exists", "63143b6f8007b98c53ca2149822777b3566f9241", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "x"],
     b'*4\r\n:1\r\n:0\r\n:0\r\n:0\r\n'),
    (["evalsha", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", 0],
     b'-NOSCRIPT No matching script. Please use EVAL.\r\n'),
    (["eval", "\u001bLua", 0],
     b"-ERR Error compiling script (new function): user_script:1: unexpected symbol near 'char(27)'\r\n"),
    (["eval", "return package.loadlib('/usr/lib/x86_64-linux-gnu/liblua5.1.so.0', 'luaopen_os')", 0],
     b"-ERR user_script:1: Script attempted to access nonexistent global variable 'package' script: 35093df417dbd8226bbf2d5800ec9408c580d07b, on @user_script:1.\r\n"),
    (["eval", "return cjson.encode({a=1})", 0],
     b'$7\r\n{"a":1}\r\n'),
    (["eval", "return cjson.decode('[1,2,\"x\"]')", 0],
     b'*3\r\n:1\r\n:2\r\n$1\r\nx\r\n'),
    (["eval", "return bit.band(0xff, 0x0f) + bit.bxor(1,3)", 0],
     b':17\r\n'),
    (["eval", "return bit.tohex(65535)", 0],
     b'$8\r\n0000ffff\r\n'),
    (["eval", "_G.x = 1", 0],
     b'-ERR user_script:1: Attempt to modify a readonly table script: e5cf4a26667af1721988fe8c9829d5cd2e26c62e, on @user_script:1.\r\n'),
    (["eval", "rawset(_G, 'x', 1)", 0],
     b'-ERR Attempt to modify a readonly table script: e2c706419da183d6229a1230c3be09cc32cdeee0, on @user_script:1.\r\n'),
    (["eval", "setmetatable(_G, nil)", 0],
     b'-ERR Attempt to modify a readonly table script: 22fdd3b51da2d4bc6703d71d651cd782d8e5a35f, on @user_script:1.\r\n'),
    (["eval", "return getmetatable(_G)", 0],
     b'*0\r\n'),
    (["eval", "redis = nil", 0],
     b'-ERR user_script:1: Attempt to modify a readonly table script: f3fd7dd12033660a6251e9580faba253187a8a12, on @user_script:1.\r\n'),
    (["eval", "cjson.encode = nil", 0],
     b'-ERR user_script:1: Attempt to modify a readonly table script: ca8772b89bfaafed79b4e978e804ff876bb3abc5, on @user_script:1.\r\n'),
    (["eval", "local t = {} t[1] = t return 1", 0],
     b':1\r\n'),
    (["eval", "return redis.call('set', 'k')", 0],
     b'-ERR Wrong number of args calling Redis command from script script: 01433d584f462b92b28fbdf2f934bdfeeb39f624, on @user_script:1.\r\n'),
    (["eval", "return redis.call('lpush', 'l', 'a', 'b') .. ' ' .. redis.call('type', 'l').ok", 0],
     b'$6\r\n2 list\r\n'),
    (["eval", "return redis.call('lrange', 'l', 0, -1)", 0],
     b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (["eval", "return redis.call('get', 'l')", 0],
     b'-WRONGTYPE Operation against a key holding the wrong kind of value script: e471b73f1ef44774987ab00bdf51f21fd9f7974a, on @user_script:1.\r\n'),
    (["eval", "return redis.pcall('get', 'l')", 0],
     b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (["eval", "return redis.call('blpop', 'nol', 0)", 0],
     b'-ERR This Redis command is not allowed from script script: 7214291958ccfd2eb19472c9f6b30b1e427462ad, on @user_script:1.\r\n'),
    (["eval", "return redis.call('hgetall', 'nohash')", 0],
     b'*0\r\n'),
    (["eval", "return redis.call('get', 'nokey')", 0],
     b'$-1\r\n'),
    (["eval", "return {redis.call('get', 'nokey')}", 0],
     b'*1\r\n$-1\r\n'),
    (["eval", "return redis.call('eval', 'return 1', 0)", 0],
     b'-ERR This Redis command is not allowed from script script: 310efa61ec0f2edf6c2e5b4007966dd555e75546, on @user_script:1.\r\n'),
    (["eval", "return redis.call('script', 'load', 'return 1')", 0],
     b'-ERR This Redis command is not allowed from script script: a490477d6bc12575fb844107684e6cd178d473fe, on @user_script:1.\r\n'),
    (["eval", "return redis.call('select', 1)", 0],
     b'+OK\r\n'),
    (["eval", "return redis.call('config', 'set', 'loglevel', 'notice')", 0],
     b'-ERR This Redis command is not allowed from script script: 102af43f7c302e19b56d8f6656e82b0307c10b1a, on @user_script:1.\r\n'),
    (["eval", "return redis.call('client', 'id')", 0],
     b'-ERR This Redis command is not allowed from script script: 9d62628b738307e9bc386eed63edab758ee76b57, on @user_script:1.\r\n'),
    (["eval", "return redis.call('hello')", 0],
     b'-ERR This Redis command is not allowed from script script: d0169abe9a451faf8a4132e9c783cc064ee9a6ac, on @user_script:1.\r\n'),
    (["eval", "return redis.call('shutdown')", 0],
     b'-ERR This Redis command is not allowed from script script: efed7e6fbac55a79c47e5a9e6bd695e63e9dcada, on @user_script:1.\r\n'),
    (["eval", "return redis.call('debug', 'sleep', 0)", 0],
     b'-ERR This Redis command is not allowed from script script: dff3594caa03824d030e33e07d3516f851839f52, on @user_script:1.\r\n'),]


def test_sequence_exact_replies(r, raw):
    for cmd, expected in SEQUENCE:
        assert raw.cmd_raw(*cmd) == expected, cmd


LOCK_RELEASE = """if redis.call("get",KEYS[1]) == ARGV[1] then
    return redis.call("del",KEYS[1])
else
    return 0
end"""

QUEUE_POP = """-- Pop the first job off of the queue...
local job = redis.call('lpop', KEYS[1])
local reserved = false

if(job ~= false) then
    -- Increment the attempt count and place job on the reserved queue...
    reserved = cjson.decode(job)
    reserved['attempts'] = reserved['attempts'] + 1
    reserved = cjson.encode(reserved)
    redis.call('zadd', KEYS[2], ARGV[1], reserved)
    redis.call('lpop', KEYS[3])
end

return {job, reserved}"""


def test_laravel_lock_release(r):
    assert r.set("lock", "owner-1", nx=True, ex=10)
    release = r.register_script(LOCK_RELEASE)
    assert release(keys=["lock"], args=["someone-else"]) == 0
    assert r.get("lock") == b"owner-1"
    assert release(keys=["lock"], args=["owner-1"]) == 1
    assert r.exists("lock") == 0
    assert release(keys=["lock"], args=["owner-1"]) == 0


def test_laravel_queue_pop_with_cjson(r):
    job = json.dumps({"uuid": "u1", "displayName": "App\\Jobs\\Send",
                      "attempts": 0, "data": {"n": [1, 2, 3]}})
    r.rpush("queues:default", job)
    r.rpush("queues:default:notify", "1")
    pop = r.register_script(QUEUE_POP)
    got, reserved = pop(keys=["queues:default", "queues:default:reserved",
                              "queues:default:notify"], args=[1700000090])
    assert json.loads(got) == json.loads(job)
    assert json.loads(reserved)["attempts"] == 1
    assert json.loads(reserved)["data"] == {"n": [1, 2, 3]}
    assert r.zrange("queues:default:reserved", 0, -1, withscores=True) == \
        [(reserved, 1700000090.0)]
    assert r.llen("queues:default:notify") == 0
    # empty queue: {false, false} -> two nil bulks (false is not nil)
    assert pop(keys=["queues:default", "queues:default:reserved",
                     "queues:default:notify"], args=[1]) == [None, None]


def test_script_cache(r):
    sha = r.script_load("return 'cached'")
    assert len(sha) == 40
    assert r.evalsha(sha, 0) == b"cached"
    assert r.evalsha(sha.upper(), 0) == b"cached"
    assert r.script_exists(sha, "0" * 40) == [True, False]
    assert r.eval("return redis.sha1hex('return \\'cached\\'')", 0).decode() == sha
    assert r.script_flush() is True
    assert r.script_exists(sha) == [False]
    with pytest.raises(Exception, match="No matching script. Please use EVAL."):
        r.evalsha(sha, 0)
    # EVAL caches too
    r.eval("return 'cached'", 0)
    assert r.script_exists(sha) == [True]
    assert r.execute_command("SCRIPT", "FLUSH", "SYNC") in (True, b"OK")


def test_eval_ro(r):
    r.set("k", "v")
    assert r.execute_command("EVAL_RO", "return redis.call('get', KEYS[1])", 1, "k") == b"v"
    sha = r.script_load("return redis.call('set', KEYS[1], 'x')")
    with pytest.raises(Exception, match="Write commands are not allowed from read-only scripts"):
        r.execute_command("EVALSHA_RO", sha, 1, "k")
    assert r.get("k") == b"v"
    assert r.evalsha(sha, 1, "k") == b"OK"
    assert r.get("k") == b"x"


def test_select_inside_script_keeps_caller_db(r):
    r.set("k", "db0")
    assert r.eval("redis.call('select', 1) redis.call('set', 'k', 'db1') return redis.call('get','k')", 0) == b"db1"
    assert r.get("k") == b"db0"
    r.execute_command("SELECT", 1)
    assert r.get("k") == b"db1"
    r.execute_command("SELECT", 0)


def test_blocking_commands_are_refused_in_scripts(r):
    # Redis 7.0 flags BLPOP & co. noscript
    r.rpush("l", "a")
    for cmd in ("'blpop', 'l', 0", "'brpop', 'l', 0", "'blmove', 'l', 'm', 'left', 'left', 0",
                "'bzpopmin', 'z', 0"):
        with pytest.raises(Exception, match="This Redis command is not allowed from script"):
            r.eval("return redis.call(%s)" % cmd, 0)
    assert r.lrange("l", 0, -1) == [b"a"]


def test_resp3_conversions(connect):
    c = connect()
    c.cmd("HELLO", "3")
    c.cmd("HSET", "h", "f", "v")
    c.cmd("SADD", "s", "m")
    c.cmd("ZADD", "z", "1.5", "m")
    # RESP3 replies seen by Lua after redis.setresp(3), then returned
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", 0) == \
        b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('smembers', 's')", 0) == \
        b"~1\r\n$1\r\nm\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm')", 0) == \
        b",1.5\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'x')", 0) == \
        b"_\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return type(redis.call('get', 'nokey'))", 0) == \
        b"$3\r\nnil\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('hgetall', 'h').map.f", 0) == \
        b"$1\r\nv\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm').double", 0) == \
        b":1\r\n"
    assert c.cmd_raw("EVAL", "redis.setresp(3) return {true, false}", 0) == b"*2\r\n#t\r\n#f\r\n"
    assert c.cmd_raw("EVAL", "return {true, false}", 0) == b"*2\r\n:1\r\n_\r\n"
    assert c.cmd_raw("EVAL", "return {map={a=1}}", 0) == b"%1\r\n$1\r\na\r\n:1\r\n"
    assert c.cmd_raw("EVAL", "return {set={a=true}}", 0) == b"~1\r\n$1\r\na\r\n"
    assert c.cmd_raw("EVAL", "return {double=3.5}", 0) == b",3.5\r\n"
    # RESP2 view of a table returned by a RESP2 script
    assert c.cmd_raw("EVAL", "return redis.call('hgetall', 'h')", 0) == \
        b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"


def test_resp2_caller_sees_resp3_shapes_degraded(raw):
    assert raw.cmd_raw("EVAL", "return {map={a=1}}", 0) == b"*2\r\n$1\r\na\r\n:1\r\n"
    assert raw.cmd_raw("EVAL", "return {double=3.5}", 0) == b"$3\r\n3.5\r\n"
    assert raw.cmd_raw("EVAL", "redis.setresp(3) return {true, false}", 0) == b"*2\r\n:1\r\n:0\r\n"


SANDBOX_ESCAPES = [
    "return package.loadlib('/usr/lib/x86_64-linux-gnu/liblua5.1.so.0', 'luaopen_os')",
    "return io.open('/etc/passwd')",
    "return os.execute('true')",
    "return require('os')",
    "return dofile('/etc/passwd')",
    "return loadfile('/etc/passwd')",
    "return debug.getregistry()",
    "return getfenv(0)",
    "return module('x')",
    "return newproxy(true)",
]


@pytest.mark.parametrize("body", SANDBOX_ESCAPES)
def test_sandbox_escapes_fail(r, body):
    with pytest.raises(Exception, match="Script attempted to access nonexistent global variable"):
        r.eval(body, 0)


def test_no_bytecode(r):
    assert r.eval("local f = loadstring(string.dump(function() return 1 end)) return type(f)", 0) == b"nil"
    assert r.eval("local s = string.dump(function() return 1 end) "
                  "local f = load(function() local x = s s = nil return x end) return type(f)", 0) == b"nil"
    with pytest.raises(Exception, match="Error compiling script"):
        r.eval("\x1bLua", 0)


def test_no_state_leaks_between_scripts(r):
    r.eval("pcall(table.insert, _G, 'x') pcall(function() string.y = 1 end)", 0)
    assert r.eval("return {#_G, type(string.y)}", 0) == [0, b"nil"]
    with pytest.raises(Exception, match="readonly table"):
        r.eval("getmetatable('').__index = {}", 0)
    assert r.eval("return ('abc'):upper()", 0) == b"ABC"


def test_cjson_and_bit(r):
    assert r.eval("return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}]}'))", 0) == \
        b'{"a":[1,2,{"b":null}]}'
    assert r.eval("return cjson.decode('[1,2,3]')[2]", 0) == 2
    with pytest.raises(Exception, match="Expected object key string"):
        r.eval("return cjson.decode('{x')", 0)
    assert r.eval("return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.lshift(1, 4), bit.tobit(0xffffffff)}", 0) == \
        [15, 3, 16, -1]


def test_math_random_sequence_of_a_fresh_server(start_server, connect):
    # Redis 7.0 seeds its lrand48 once per process: the same sequence on
    # every start, so a fresh server gives these numbers.
    srv = start_server()
    c = connect(srv)
    assert c.cmd("EVAL", "return math.random(1000)", 0) == 397
    assert c.cmd("EVAL", "return math.random(1000)", 0) == 841
    assert c.cmd("EVAL", "math.randomseed(7) return {math.random(1,10), tostring(math.random()), math.random(5)}", 0) == \
        [3, b"0.68203523041775", 2]


def test_big_unpack_and_deep_tables_do_not_crash(r):
    with pytest.raises(Exception):
        r.eval("return unpack({1,2,3}, 1, 1e8)", 0)
    assert r.eval("local t = {} for i=1,200 do t = {t} end return 1", 0) == 1
    assert r.ping()


def test_script_error_after_write_keeps_the_write(r):
    with pytest.raises(Exception, match="value is not an integer or out of range script: "):
        r.set("s", "abc")
        r.eval("redis.call('set', 'a', '1') redis.call('incr', 's') return 1", 0)
    with pytest.raises(Exception, match=r"on @user_script:2\."):
        r.eval("redis.call('set', 'a', '2')\nreturn redis.call('incr', 's')", 0)
    assert r.get("a") == b"2"


SHEBANG = [
    (["eval", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", 0],
     b"-ERR Write commands are not allowed from read-only scripts. script: 6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n"),
    (["evalsha", "6acb400a50fe96e33eca4e0af6e9dcfb21193726", 0],
     b"-ERR Write commands are not allowed from read-only scripts. script: 6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n"),
    (["eval", "#!lua flags=bogus\nreturn 1", 0], b"-ERR Unexpected flag in script shebang: bogus\r\n"),
    (["eval", "#!py\nreturn 1", 0], b"-ERR Unexpected engine in script shebang: #!py\r\n"),
    (["eval", "#!lua foo=bar\nreturn 1", 0], b"-ERR Unknown lua shebang option: foo=bar\r\n"),
    (["eval", "#!lua flags=allow-oom,no-writes\nreturn 1", 0], b":1\r\n"),
    (["eval", "#!lua", 0], b"-ERR Invalid script shebang\r\n"),
]


def test_shebang_flags(raw):
    for cmd, expected in SHEBANG:
        assert raw.cmd_raw(*cmd) == expected, cmd


# --- the time limit: -BUSY, SCRIPT KILL, UNKILLABLE, SHUTDOWN NOSAVE --------

BUSY = (b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL "
        b"or SHUTDOWN NOSAVE.\r\n")
UNKILLABLE = (b"-UNKILLABLE Sorry the script already executed write commands "
              b"against the dataset. You can either wait the script termination "
              b"or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n")


def wait_busy(conn, deadline_s=10.0):
    """Pings until the server answers -BUSY (the script passed the limit)."""
    import time
    end = time.time() + deadline_s
    while time.time() < end:
        got = conn.cmd_raw("PING")
        if got == BUSY:
            return
        time.sleep(0.05)
    raise AssertionError("server never became busy")


def test_script_kill_ends_a_read_only_busy_script(start_server):
    srv = start_server("--busy-reply-threshold", "100")
    runner, other = srv.raw(), srv.raw()
    assert other.cmd_raw("SCRIPT", "KILL") == b"-NOTBUSY No scripts in execution right now.\r\n"
    runner.send_command("EVAL", "local i = 0 while true do i = i + 1 end", "0")
    wait_busy(other)
    assert other.cmd_raw("GET", "x") == BUSY
    assert other.cmd_raw("SCRIPT", "KILL") == b"+OK\r\n"
    got = runner.read_reply_raw()
    assert got.startswith(b"-ERR Script killed by user with SCRIPT KILL... script: ")
    assert other.cmd_raw("PING") == b"+PONG\r\n"
    assert other.cmd_raw("SCRIPT", "KILL") == b"-NOTBUSY No scripts in execution right now.\r\n"


def test_pcall_cannot_swallow_script_kill(start_server):
    srv = start_server("--busy-reply-threshold", "100")
    runner, other = srv.raw(), srv.raw()
    runner.send_command("EVAL", "while true do pcall(function() while true do end end) end", "0")
    wait_busy(other)
    assert other.cmd_raw("SCRIPT", "KILL") == b"+OK\r\n"
    assert runner.read_reply_raw().startswith(b"-ERR Script killed by user with SCRIPT KILL")
    assert other.cmd_raw("PING") == b"+PONG\r\n"


def test_a_script_that_wrote_is_unkillable_until_shutdown_nosave(start_server):
    srv = start_server("--busy-reply-threshold", "100")
    runner, other = srv.raw(), srv.raw()
    runner.send_command("EVAL", "redis.call('set', 'x', '1') while true do end", "0")
    wait_busy(other)
    assert other.cmd_raw("SCRIPT", "KILL") == UNKILLABLE
    assert other.cmd_raw("SHUTDOWN") == BUSY
    other.send_command("SHUTDOWN", "NOSAVE")
    assert other.is_closed()
    srv.proc.wait(timeout=10)
    assert not srv.alive()


@pytest.mark.kilat_only  # Redis 7.0 has no bound: it would grow until the OOM killer
def test_script_memory_is_bounded_and_given_back(r):
    # building 1 GB in Lua takes a few seconds on a loaded machine: allow it
    kw = r.connection_pool.connection_kwargs
    r = redis.Redis(host=kw["host"], port=kw["port"], socket_timeout=120)
    after = []
    for _ in range(3):
        with pytest.raises(Exception) as err:
            r.execute_command("EVAL", "return #string.rep('x', 2000000000)", 0)
        assert "not enough memory" in str(err.value)
        assert r.ping()
        after.append(r.info("memory")["used_memory_lua"])
    assert after[2] <= after[0] * 1.1  # each failure gives its memory back
    assert after[2] < 1 << 30
