#!/usr/bin/env python3
"""Writes the seed corpora of the text targets: tests/fuzz/corpus-resp
(fuzz_resp_parse), corpus-script (fuzz_script) and corpus-config
(fuzz_config). Run from the repository root; the files are checked in, so
this only needs running again when the seeds below change."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def write(corpus, seeds):
    d = os.path.join(HERE, corpus)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def bulk(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


# ---- fuzz_resp_parse: byte 0 flags (1 unauthenticated, 2 small bulk
# limit, 4 small multibulk limit, 8 small unauthenticated bulk limit),
# byte 1 the cut seed (0: byte by byte), then the client's bytes.
resp = [
    ("ping", bulk("PING")),
    ("set", bulk("SET", "key", "value")),
    ("pipeline", bulk("SET", "a", "1") + bulk("INCR", "a") + bulk("GET", "a")),
    ("binary", bulk("SET", b"k\x00\r\n", b"\xff\x00\r\n\r\n")),
    ("empty-bulk", bulk("SET", "", "")),
    ("zero-args", b"*0\r\n" + bulk("PING")),
    ("neg-count", b"*-1\r\n" + bulk("PING")),
    ("hello3", bulk("HELLO", "3") + bulk("HGETALL", "h")),
    ("hello3-auth", bulk("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "c1")),
    ("inline", b"PING\r\nSET a b\r\nGET a\n"),
    ("inline-quotes", b'SET "a b" "c\\x41\\n\\"d"\r\nSET \'x y\' \'it\\\'s\'\r\n'),
    ("inline-unbalanced", b'SET "a b\r\n'),
    ("inline-bad-close", b'SET "a"b c\r\n'),
    ("inline-empty", b"\r\n\r\n  \r\nPING\r\n"),
    ("inline-tabs", b"  SET\ta\t  b  \r\n"),
    ("mixed", b"PING\r\n" + bulk("ECHO", "x") + b"ECHO y\n"),
    ("partial", bulk("SET", "key", "value")[:-3]),
    ("bad-dollar", b"*2\r\n$3\r\nGET\r\n:1\r\n"),
    ("bad-bulk-len", b"*1\r\n$-5\r\nPING\r\n"),
    ("bad-mbulk-len", b"*abc\r\n"),
    ("big-mbulk-len", b"*2147483648\r\n"),
    ("big-bulk-len", b"*1\r\n$9223372036854775807\r\n"),
    ("plus-sign", b"*+1\r\n$+4\r\nPING\r\n"),
    ("leading-zero", b"*01\r\n$04\r\nPING\r\n"),
    ("lf-only", b"*1\n$4\nPING\n"),
    ("cr-no-lf", b"*1\r$4\rPING\r"),
    ("long-inline", b"SET k " + b"x" * 300 + b"\r\n"),
    ("long-bulk", bulk("SET", "k", "v" * 1000)),
    ("many-args", bulk(*(["MSET"] + ["k%d" % i for i in range(40)]))),
    ("multi-exec", bulk("MULTI") + bulk("SET", "a", "b") + bulk("EXEC")),
    ("eval", bulk("EVAL", "return redis.call('get',KEYS[1])", "1", "k")),
]
flags = [0, 1, 2, 4, 8, 15]
seeds = []
for i, (name, data) in enumerate(resp):
    f = flags[i % len(flags)]
    seeds.append((name, bytes([f, 0 if i % 3 == 0 else (i * 37) % 256]) + data))
write("corpus-resp", seeds)

# ---- fuzz_script: body \0 control \0 keys and args (\0 between). Control
# byte 0 picks numkeys (modulo the number of pieces left + 1, for values
# below 0xc0), byte 1: bit 0 EVAL_RO, bit 1 EVALSHA again, bit 2 SELECT 1
# first.
def script(body, nkeys=0, flags=0, *rest):
    # neither control byte may be 0 (NUL splits pieces): numkeys 0 is
    # written as len(rest) + 1 (taken modulo len(rest) + 1), and flags get
    # bit 3, which the target ignores
    if nkeys == 0:
        nkeys = len(rest) + 1
    out = body.encode() + b"\0" + bytes([nkeys, flags | 8])
    for r in rest:
        out += b"\0" + (r if isinstance(r, bytes) else r.encode())
    return out

scripts = [
    ("set", script("return redis.call('set',KEYS[1],ARGV[1])", 1, 0, "k", "v")),
    ("get", script("return redis.call('get',KEYS[1])", 1, 2, "k")),
    ("pcall-incr", script("redis.call('set',KEYS[1],'x') return redis.pcall('incr', KEYS[1])", 1, 0, "k")),
    ("call-error", script("return redis.call('nosuchcommand')", 0, 0)),
    ("call-wrongtype", script("redis.call('lpush',KEYS[1],'a') return redis.call('get',KEYS[1])", 1, 0, "l")),
    ("call-noargs", script("return redis.call()", 0, 0)),
    ("call-badarg", script("return redis.call('set', {}, 1)", 0, 0)),
    ("pcall-table", script("local r = redis.pcall('get') return {type(r), r.err}", 0, 0)),
    ("error-table", script("return pcall(error, {err='x'})", 0, 0)),
    ("error-reply", script("return redis.error_reply(ARGV[1])", 0, 0, "ERR x")),
    ("status-reply", script("return redis.status_reply('OK')", 0, 0)),
    ("error-raise", script("error('boom')", 0, 0)),
    ("error-raise-table", script("error({err='MYERR custom'})", 0, 0)),
    ("sha1hex", script("return redis.sha1hex(ARGV[1])", 0, 2, "x")),
    ("log", script("redis.log(redis.LOG_WARNING, 'hello') return 1", 0, 0)),
    ("cjson-decode", script("return cjson.decode(ARGV[1])", 0, 0, '{"a":[1,2,{"b":null}],"c":"\\u00e9"}')),
    ("cjson-roundtrip", script("return cjson.encode(cjson.decode(ARGV[1]))", 0, 0, "[[[[1.5e300]]]]")),
    ("cjson-bad", script("return cjson.decode(ARGV[1])", 0, 0, '{"a":')),
    ("cjson-encode", script("return cjson.encode({1,2,{a='b'},true})", 0, 0)),
    ("cmsgpack", script("return cmsgpack.unpack(cmsgpack.pack({1,2,{a='b'},-1.5,'x'}))", 0, 0)),
    ("cmsgpack-bad", script("return cmsgpack.unpack(ARGV[1])", 0, 0, b"\xdd\xff\xff\xff\xff")),
    ("struct", script("return {struct.unpack('>I2i4', struct.pack('>I2i4', 7, -9))}", 0, 0)),
    ("struct-bad", script("return struct.pack(ARGV[1], 1)", 0, 0, "!17i99")),
    ("bit", script("return bit.tohex(tonumber(ARGV[1]), tonumber(ARGV[2]))", 0, 0, "-1", "-2147483648")),
    ("bit-ops", script("return {bit.band(0xff,0x0f), bit.bor(1,2), bit.bxor(3,1), bit.lshift(1,31), bit.arshift(-8,1)}", 0, 0)),
    ("unpack", script("return {unpack({1,2,3}, 1, tonumber(ARGV[1]))}", 0, 0, "3")),
    ("strrep", script("return #string.rep(ARGV[1], tonumber(ARGV[2]))", 0, 0, "ab", "1000")),
    ("resp3", script("redis.setresp(3); redis.call('hset',KEYS[1],'f','v'); return redis.call('hgetall', KEYS[1])", 1, 0, "h")),
    ("resp3-types", script("redis.setresp(3); return {map={a=1}, double=1.5, set={x=true}}", 0, 0)),
    ("table-array", script("local t = {} for i=1,100 do t[i]=i end return t", 0, 0)),
    ("lpush-unpack", script("return redis.call('lpush', KEYS[1], unpack(ARGV))", 1, 0, "l", "a", "b", "c")),
    ("shebang-nowrites", script("#!lua flags=no-writes\nreturn redis.call('set','x','y')", 0, 0)),
    ("shebang-bad", script("#!lua flags=no-such-flag\nreturn 1", 0, 0)),
    ("eval-in-eval", script("return redis.call('eval', 'return 1', 0)", 0, 0)),
    ("globals", script("x = 1 return x", 0, 0)),
    ("metatable", script("setmetatable(_G, nil)", 0, 0)),
    ("loadstring", script("return loadstring(ARGV[1])()", 0, 0, "return 1")),
    ("ro-write", script("return redis.call('set',KEYS[1],'v')", 1, 1, "k")),
    ("select", script("redis.call('select', '1') return redis.call('set',KEYS[1],'v')", 1, 4, "k")),
    ("numkeys-neg", script("return 1", 0xc3, 0)),
    ("numkeys-big", script("return 1", 0xe1, 0)),
    ("syntax-error", script("return (", 0, 0)),
    ("coroutine", script("local co = coroutine.create(function() coroutine.yield(1) end) return {coroutine.resume(co)}", 0, 0)),
    ("acl-check", script("return redis.acl_check_cmd('get', 'x')", 0, 0)),
    ("replicate", script("redis.set_repl(redis.REPL_ALL) return redis.REPL_NONE", 0, 0)),
    ("tostring-number", script("return {tostring(1/0), tostring(0/0), 3.99, -0.5}", 0, 0)),
    ("zadd-floats", script("return redis.call('zadd', KEYS[1], ARGV[1], 'm')", 1, 0, "z", "inf")),
    ("hash-incrbyfloat", script("return redis.call('hincrbyfloat', KEYS[1], 'f', ARGV[1])", 1, 0, "h", "1e308")),
]
write("corpus-script", scripts)

# ---- fuzz_config: a config file's text; after a NUL, CONFIG SET
# name\0value pairs applied once it loads.
configs = [
    ("redis-defaults", """# redis.conf, the usual lines
bind 127.0.0.1 -::1
protected-mode yes
port 6379
tcp-backlog 511
timeout 0
tcp-keepalive 300
daemonize no
pidfile /var/run/redis_6379.pid
loglevel notice
databases 16
always-show-logo no
set-proc-title yes
proc-title-template "{title} {listen-addr} {server-mode}"
save 3600 1 300 100 60 10000
stop-writes-on-bgsave-error yes
rdbcompression yes
rdbchecksum yes
dbfilename dump.rdb
dir ./
"""),
    ("memory-units", """maxmemory 100mb
maxmemory-policy allkeys-lru
maxmemory-samples 5
proto-max-bulk-len 512MB
client-query-buffer-limit 1gb
hash-max-listpack-value 64b
zset-max-listpack-value 1K
auto-aof-rewrite-min-size 64mb
active-defrag-ignore-bytes 100Kb
repl-backlog-size 1g
"""),
    ("percent", "maxmemory-clients 10%\nhz 100\n"),
    ("enums", """loglevel verbose
appendfsync always
repl-diskless-load swapdb
oom-score-adj relative
oom-score-adj-values 0 200 800
sanitize-dump-payload clients
enable-protected-configs local
enable-debug-command yes
supervised auto
syslog-facility local7
acl-pubsub-default allchannels
"""),
    ("save-forms", 'save ""\nsave 900 1\nsave "300 10 60 10000"\n'),
    ("save-empty", 'save ""\n'),
    ("obuf", """client-output-buffer-limit normal 0 0 0
client-output-buffer-limit replica 256mb 64mb 60
client-output-buffer-limit pubsub 32mb 8mb 60
client-output-buffer-limit "slave 1gb 2mb 3"
"""),
    ("rename", 'rename-command CONFIG ""\nrename-command FLUSHALL "FA-new"\nrename-command keys k3ys\n'),
    ("users", """user default on nopass ~* &* +@all
user alice on >secret ~cached:* +get +@read -debug
user bob off #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 resetchannels &chan:*
user "carol x" on >p
"""),
    ("quoted", r'''requirepass "pa ss\"word\x41\n"
masterauth 'it\'s'
proc-title-template "{title} \t{port}"
ignore-warnings "ARM64-COW-BUG"
replica-announce-ip "10.0.0.1"
tls-ciphers 'DEFAULT:!MEDIUM'
syslog-ident "redis\x00x"
'''),
    ("notify", 'notify-keyspace-events "KEA"\nnotify-keyspace-events Egx$lshzxetdmn\n'),
    ("aliases", """slaveof 127.0.0.1 6380
slave-read-only no
hash-max-ziplist-entries 128
zset-max-ziplist-value 32
list-max-ziplist-size -3
lua-time-limit 100
slave-priority 10
"""),
    ("deprecated", "list-max-ziplist-entries 512\nlist-max-ziplist-value 64\nlua-replicate-commands yes\n"),
    ("sentinel", "sentinel monitor m 127.0.0.1 6379 2\n"),
    ("bad-directive", "port 6379\nnosuchdirective yes\n"),
    ("bad-number", "port 65536\n"),
    ("bad-enum", "loglevel loud\n"),
    ("bad-quotes", 'requirepass "abc\n'),
    ("bad-args", "port 1 2\n"),
    ("bad-modules", "loadmodule /x.so\n"),
    ("crlf", "port 7000\r\n\r\n   # comment\r\n\ttimeout 5\r\n"),
    ("bind-many", "bind 127.0.0.1 ::1 10.0.0.1 -192.168.0.1\n"),
    ("unixsocket", "unixsocket /tmp/kilat.sock\nunixsocketperm 700\n"),
    ("latency", "latency-tracking-info-percentiles 50 99 99.9 100\nlatency-monitor-threshold 100\nslowlog-log-slower-than -1\n"),
    ("shutdown", "shutdown-on-sigint nosave now force\nshutdown-on-sigterm save\n"),
    ("tls", "tls-port 6380\ntls-auth-clients optional\ntls-protocols \"TLSv1.2 TLSv1.3\"\ntls-session-cache-size 100\n"),
    ("cluster", "cluster-enabled yes\ncluster-config-file nodes-6379.conf\ncluster-node-timeout 15000\n"),
    ("aof", "appendonly yes\nappendfilename \"appendonly.aof\"\nappenddirname \"appendonlydir\"\naof-use-rdb-preamble no\n"),
    ("set-pairs", "port 6379\n\0maxmemory\0" + "2gb\0requirepass\0a\"b c\\x\0save\0" + "60 1 10 100\0notify-keyspace-events\0KEA"),
    ("set-strings", "\0replica-announce-ip\0a\nb\0masterauth\0'\"\0proc-title-template\0{title}\0bind\0" + "1.1.1.1 2.2.2.2"),
    ("set-bad", "\0port\0x\0nosuch\0" + "1\0daemonize\0yes\0dir\0/nonexistent"),
    # found by fuzz_config: CONFIG SET bind "1.1.1.1 " (an empty address)
    # was written back as `bind 1.1.1.1 `, which loads as one address
    ("regress-bind-empty-word", "\0bind\0" + "1.1.1.1 "),
    ("regress-bind-empty-first", "bind 127.0.0.1\n\0bind\0 ::1"),
    # found by fuzz_config: 9 addresses holding a space are 18 once joined
    # (left out of the round-trip check: see bind_writes_back)
    ("regress-bind-spaces", "bind " + " ".join('"10.0.0.%d x"' % i for i in range(9)) + "\n"),
    ("set-obuf", "\0client-output-buffer-limit\0normal 1mb 2mb 3 pubsub 0 0 0\0maxmemory-clients\0" + "5%"),
]
write("corpus-config", [(n, t.encode()) for n, t in configs])
