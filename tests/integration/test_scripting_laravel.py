"""Laravel's own Lua scripts, read at test time from Debian's
php-laravel-framework (the php-illuminate-queue / -cache / -redis packages it
depends on), driven with the KEYS/ARGV the PHP code passes. Every expected
reply and every expected resulting data set was observed on redis-server
7.0.15 (KILAT_TARGET=redis) and is asserted unchanged against kilat.

Fixed timestamps are passed where Laravel passes time() / microtime(true),
so the replies are deterministic on both servers."""

import json
import os
import re

import pytest

ILLUMINATE = "/usr/share/php/Illuminate"
FILES = {
    "queue": "Queue/LuaScripts.php",
    "cache": "Cache/LuaScripts.php",
    "duration": "Redis/Limiters/DurationLimiter.php",
    "concurrency": "Redis/Limiters/ConcurrencyLimiter.php",
}

# function name() { return <<<'LUA' ... LUA; }   (nowdoc or heredoc, the
# closing marker possibly indented as PHP 7.3+ allows)
_PHP_LUA = re.compile(
    r"function\s+(\w+)\s*\(\s*\)\s*\{\s*return\s+<<<\s*(['\"]?)(\w+)\2[ \t]*\n"
    r"(.*?)\n([ \t]*)\3\s*;", re.S)


def _scripts(which):
    path = os.path.join(ILLUMINATE, FILES[which])
    if not os.path.isfile(path):
        pytest.skip("%s not found: install Debian's php-laravel-framework "
                    "(scripts/deps.sh installs it)" % path)
    with open(path, encoding="utf-8") as f:
        src = f.read()
    out = {}
    for m in _PHP_LUA.finditer(src):
        name, body, indent = m.group(1), m.group(4), m.group(5)
        if indent:  # PHP strips the closing marker's indentation from each line
            body = "\n".join(l[len(indent):] if l.startswith(indent) else l
                             for l in body.split("\n"))
        out[name] = body
    assert out, "no Lua heredoc found in %s" % path
    return out


def _lua(which, name):
    s = _scripts(which)
    assert name in s, "%s has no Lua script %s() (found %s)" % (
        FILES[which], name, sorted(s))
    return s[name]


def snapshot(r):
    """Every key with its type, full contents and whether it has a TTL."""
    out = {}
    for k in sorted(r.keys("*")):
        t = r.type(k).decode()
        if t == "string":
            v = r.get(k)
        elif t == "list":
            v = r.lrange(k, 0, -1)
        elif t == "zset":
            v = r.zrange(k, 0, -1, withscores=True)
        elif t == "hash":
            v = sorted(r.hgetall(k).items())
        elif t == "set":
            v = sorted(r.smembers(k))
        else:
            v = None
        out[k.decode()] = (t, v, r.ttl(k))
    return out


# A payload shaped like Queue::createPayloadArray's, JSON-encoded as PHP does
# (escaped slashes and backslashes, null, a nested object).
def job(n):
    return json.dumps({
        "uuid": "00000000-0000-4000-8000-00000000000%d" % n,
        "displayName": "App\\Jobs\\SendMail",
        "job": "Illuminate\\Queue\\CallQueuedHandler@call",
        "maxTries": None, "maxExceptions": None, "failOnTimeout": False,
        "backoff": None, "timeout": None, "retryUntil": None,
        "data": {"commandName": "App\\Jobs\\SendMail",
                 "command": 'O:17:"App\\Jobs\\SendMail":1:{s:2:"to";s:9:"a@b.c/d";}'},
        "id": "job%d" % n, "attempts": 0,
    }, separators=(",", ":")).replace("/", "\\/")


Q = "queues:default"


def test_scripts_are_read_from_the_package():
    q = _scripts("queue")
    for name in ("size", "push", "pop", "release", "migrateExpiredJobs", "clear"):
        assert name in q
    assert "cjson.decode(job)" in q["pop"]
    assert "redis.call(\"get\",KEYS[1]) == ARGV[1]" in _lua("cache", "releaseLock")
    assert set(_scripts("duration")) == {"luaScript", "tooManyAttemptsLuaScript"}
    assert set(_scripts("concurrency")) == {"lockScript", "releaseScript"}


def test_queue_push_pop_release_migrate(r):
    size = r.register_script(_lua("queue", "size"))
    push = r.register_script(_lua("queue", "push"))
    pop = r.register_script(_lua("queue", "pop"))
    release = r.register_script(_lua("queue", "release"))
    migrate = r.register_script(_lua("queue", "migrateExpiredJobs"))
    sizekeys = [Q, Q + ":delayed", Q + ":reserved"]
    popkeys = [Q, Q + ":reserved", Q + ":notify"]

    assert size(keys=sizekeys) == 0
    # RedisQueue::pushRaw: eval(push, 2, queue, queue:notify, payload)
    for n in (1, 2, 3):
        assert push(keys=[Q, Q + ":notify"], args=[job(n)]) is None
    assert size(keys=sizekeys) == 3
    assert r.lrange(Q, 0, -1) == [job(n).encode() for n in (1, 2, 3)]
    assert r.lrange(Q + ":notify", 0, -1) == [b"1", b"1", b"1"]

    # RedisQueue::retrieveNextJob: eval(pop, 3, queue, queue:reserved,
    # queue:notify, availableAt(retryAfter))
    reserved = []
    for n in (1, 2, 3):
        got, res = pop(keys=popkeys, args=[1700000000 + 60 + n])
        assert got == job(n).encode()
        assert json.loads(res) == dict(json.loads(job(n)), attempts=1)
        reserved.append(res)
    # cjson re-encodes the job: the exact bytes (key order, "\/") are
    # Redis's; Laravel later ZREMs exactly these bytes.
    assert reserved[0] == (
        b'{"uuid":"00000000-0000-4000-8000-000000000001","timeout":null,"id":"job1","backoff":null,'
        b'"displayName":"App\\\\Jobs\\\\SendMail","maxTries":null,"failOnTimeout":false,"maxExceptions":null,'
        b'"retryUntil":null,"data":{"command":"O:17:\\"App\\\\Jobs\\\\SendMail\\":1:{s:2:\\"to\\";s:9:\\"a@b.c\\/d\\";}",'
        b'"commandName":"App\\\\Jobs\\\\SendMail"},"job":"Illuminate\\\\Queue\\\\CallQueuedHandler@call","attempts":1}')
    assert pop(keys=popkeys, args=[1700000099]) == [None, None]
    assert size(keys=sizekeys) == 3
    assert r.exists(Q, Q + ":notify") == 0
    assert r.zrange(Q + ":reserved", 0, -1, withscores=True) == \
        [(reserved[i], 1700000061.0 + i) for i in range(3)]

    # RedisQueue::deleteAndRelease: eval(release, 2, queue:delayed,
    # queue:reserved, reservedJob, availableAt(delay))  -> true -> 1
    assert release(keys=[Q + ":delayed", Q + ":reserved"],
                   args=[reserved[1], 1700000300]) == 1
    assert size(keys=sizekeys) == 3
    assert r.zrange(Q + ":delayed", 0, -1, withscores=True) == [(reserved[1], 1700000300.0)]

    # RedisQueue::migrate: delayed -> queue, then reserved -> queue
    mkeys = lambda frm: [frm, Q, Q + ":notify"]
    assert migrate(keys=mkeys(Q + ":delayed"), args=[1700000299]) == []
    assert migrate(keys=mkeys(Q + ":delayed"), args=[1700000300]) == [reserved[1]]
    assert migrate(keys=mkeys(Q + ":reserved"), args=[1700000061]) == [reserved[0]]
    assert r.lrange(Q, 0, -1) == [reserved[1], reserved[0]]
    assert r.lrange(Q + ":notify", 0, -1) == [b"1", b"1"]

    # popped again: attempts counts up to 2
    got, res = pop(keys=popkeys, args=[1700000400])
    assert got == reserved[1]
    assert json.loads(res)["attempts"] == 2 and json.loads(res)["id"] == "job2"
    assert snapshot(r) == {
        Q: ("list", [reserved[0]], -1),
        Q + ":notify": ("list", [b"1"], -1),
        Q + ":reserved": ("zset", [(reserved[2], 1700000063.0), (res, 1700000400.0)], -1),
    }
    clear = r.register_script(_lua("queue", "clear"))
    assert clear(keys=[Q, Q + ":delayed", Q + ":reserved", Q + ":notify"]) == 3
    assert snapshot(r) == {}


def test_queue_migrate_more_than_100_jobs_in_chunks(r):
    migrate = r.register_script(_lua("queue", "migrateExpiredJobs"))
    r.zadd(Q + ":delayed", {"j%03d" % i: 1000 + i for i in range(250)})
    got = migrate(keys=[Q + ":delayed", Q, Q + ":notify"], args=[1000 + 204])
    assert got == [b"j%03d" % i for i in range(205)]
    assert r.lrange(Q, 0, -1) == got
    assert r.llen(Q + ":notify") == 205
    assert r.zcard(Q + ":delayed") == 45


def test_queue_pop_of_a_payload_without_attempts_fails_as_redis(r):
    pop = r.register_script(_lua("queue", "pop"))
    r.rpush(Q, '{"id":"x"}')
    with pytest.raises(Exception) as e:
        pop(keys=[Q, Q + ":reserved", Q + ":notify"], args=[1])
    assert "attempt to perform arithmetic on field 'attempts' (a nil value)" in str(e.value)
    assert str(e.value).startswith("user_script:8: attempt to perform")
    assert str(e.value).endswith(", on @user_script:8.")
    # the LPOP before the error stays done
    assert r.exists(Q, Q + ":reserved") == 0


def test_cache_lock_acquire_and_release(r):
    release = r.register_script(_lua("cache", "releaseLock"))
    # RedisLock::acquire: SET name owner EX seconds NX
    assert r.set("laravel_cache:lock:report", "owner-a", ex=10, nx=True)
    assert r.set("laravel_cache:lock:report", "owner-b", ex=10, nx=True) is None
    # RedisLock::release: eval(releaseLock, 1, name, owner)
    assert release(keys=["laravel_cache:lock:report"], args=["owner-b"]) == 0
    assert r.get("laravel_cache:lock:report") == b"owner-a"
    assert release(keys=["laravel_cache:lock:report"], args=["owner-a"]) == 1
    assert release(keys=["laravel_cache:lock:report"], args=["owner-a"]) == 0
    assert snapshot(r) == {}
    r.set("laravel_cache:lock:report", "x")
    r.lpush("notastring", "a")
    with pytest.raises(Exception, match="WRONGTYPE Operation against a key holding the wrong kind of value script: "):
        release(keys=["notastring"], args=["x"])


def test_duration_limiter_throttle(r):
    acquire = r.register_script(_lua("duration", "luaScript"))
    too_many = r.register_script(_lua("duration", "tooManyAttemptsLuaScript"))
    # DurationLimiter::acquire: eval(script, 1, name, microtime(true), time(),
    # decay, maxLocks) -- Redis::throttle('key')->allow(3)->every(60)
    name = "throttle:key"

    def hit(micro, sec):
        return acquire(keys=[name], args=[micro, sec, 60, 3])

    assert too_many(keys=[name], args=["1700000000.1", 1700000000, 60, 3]) == [0, 1700000060]
    assert hit("1700000000.1234", 1700000000) == [1, 1700000060, 2]
    assert snapshot(r) == {name: ("hash", [(b"count", b"1"), (b"end", b"1700000060"),
                                           (b"start", b"1700000000")], 120)}
    assert hit("1700000001.5", 1700000001) == [1, b"1700000060", 1]
    assert hit("1700000002.5", 1700000002) == [1, b"1700000060", 0]
    # over the limit: false -> nil, remaining negative (PHP max(0, ...))
    assert hit("1700000003.5", 1700000003) == [None, b"1700000060", -1]
    assert hit("1700000004.5", 1700000004) == [None, b"1700000060", -2]
    assert too_many(keys=[name], args=["1700000005.5", 1700000005, 60, 3]) == [b"1700000060", -2]
    assert r.hget(name, "count") == b"5"
    # past the decay window: the bucket resets
    assert hit("1700000061.25", 1700000061) == [1, 1700000121, 2]
    assert too_many(keys=[name], args=["1700000062.5", 1700000062, 60, 3]) == [b"1700000121", 2]
    assert snapshot(r) == {name: ("hash", [(b"count", b"1"), (b"end", b"1700000121"),
                                           (b"start", b"1700000061")], 120)}
    assert too_many(keys=[name], args=["1700000200.5", 1700000200, 60, 3]) == [0, 1700000260]


def test_concurrency_limiter_funnel(r):
    lock = r.register_script(_lua("concurrency", "lockScript"))
    release = r.register_script(_lua("concurrency", "releaseScript"))
    # ConcurrencyLimiter::acquire, Redis::funnel('f')->limit(2)->releaseAfter(60):
    # eval(lockScript, 2, f1, f2, f, 60, id)
    slots = ["funnel:f1", "funnel:f2"]

    def acquire(id_):
        return lock(keys=slots, args=["funnel:f", 60, id_])

    assert acquire("id-a") == b"funnel:f1"
    assert acquire("id-b") == b"funnel:f2"
    assert acquire("id-c") is None  # the loop ends without a return
    assert snapshot(r) == {"funnel:f1": ("string", b"id-a", 60),
                           "funnel:f2": ("string", b"id-b", 60)}
    # ConcurrencyLimiter::release: eval(releaseScript, 1, slot, id)
    assert release(keys=["funnel:f1"], args=["id-b"]) == 0
    assert release(keys=["funnel:f1"], args=["id-a"]) == 1
    assert acquire("id-c") == b"funnel:f1"
    assert snapshot(r) == {"funnel:f1": ("string", b"id-c", 60),
                           "funnel:f2": ("string", b"id-b", 60)}
    assert release(keys=["funnel:f2"], args=["id-b"]) == 1
    assert release(keys=["funnel:f1"], args=["id-c"]) == 1
    assert snapshot(r) == {}
