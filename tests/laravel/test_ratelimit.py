"""Rate limiting through the framework: the cache-backed RateLimiter (redis
cache store, database 1), the throttle middleware (ThrottleRequestsWithRedis
and its DurationLimiter Lua script, database 0), Redis::throttle() and
Redis::funnel() (ConcurrencyLimiter's Lua scripts)."""

import hashlib
import json
import os
import shutil
import subprocess
import time

C = b"laravel_database_laravel_cache:"
D = b"laravel_database_"
SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
PHP = shutil.which("php") or "/usr/bin/php"
TIMEOUT = "Illuminate\\Contracts\\Redis\\LimiterTimeoutException"


def test_rate_limiter_hit_too_many_clear(php, server, r):
    cache = server.client(db=1)
    seen = [php("limit_ops.php", "limiter_hit", "login:ana", 3, 60) for _ in range(4)]
    assert [s["hits"] for s in seen] == [1, 2, 3, 4]
    assert [s["before"] for s in seen] == [False, False, False, True]
    assert [s["too_many"] for s in seen] == [False, False, True, True]
    assert [s["remaining"] for s in seen] == [2, 1, 0, -1]
    for s in seen:
        assert 55 <= s["available_in"] <= 60
    # The counter and its timer are cache entries in database 1.
    assert sorted(cache.keys("*")) == [C + b"login:ana", C + b"login:ana:timer"]
    assert cache.get(C + b"login:ana") == b"4"
    assert 55 <= cache.ttl(C + b"login:ana") <= 60
    assert 55 <= cache.ttl(C + b"login:ana:timer") <= 60
    assert r.dbsize() == 0

    out = php("limit_ops.php", "limiter_clear", "login:ana")
    assert out == {"too_many": False, "attempts": 0, "available_in": 0}
    assert cache.dbsize() == 0


def test_rate_limiter_attempt(php, server, r):
    out = php("limit_ops.php", "limiter_attempt", "send")
    assert out == {"results": ["done", "done", False], "runs": 2}
    assert server.client(db=1).get(C + b"send") == b"2"


def test_throttle_middleware_429(php, r):
    n = 3
    out = php("limit_http.php", "/api/register", n + 1, env={"API_PER_MINUTE": str(n)})
    assert [o["status"] for o in out] == [200] * n + [429]
    for i, o in enumerate(out[:n]):
        assert o["headers"]["X-RateLimit-Limit"] == str(n)
        assert o["headers"]["X-RateLimit-Remaining"] == str(n - 1 - i)
        assert o["headers"]["Retry-After"] is None
    last = out[n]["headers"]
    assert last["X-RateLimit-Limit"] == str(n)
    assert last["X-RateLimit-Remaining"] == "0"
    assert 55 <= int(last["Retry-After"]) <= 60
    # Laravel reads the clock for Reset and for Retry-After separately (and
    # the script for "now"): a second may tick between them on a busy machine
    assert abs(int(last["X-RateLimit-Reset"]) -
               (out[n]["now"] + int(last["Retry-After"]))) <= 1
    # DurationLimiter's hash, on the default connection: key md5("api" + ip).
    key = D + hashlib.md5(b"api127.0.0.1").hexdigest().encode()
    assert r.keys("*") == [key]
    h = r.hgetall(key)
    assert h[b"count"] == str(n + 1).encode()
    assert int(h[b"end"]) - int(h[b"start"]) == 60
    assert 110 <= r.ttl(key) <= 120             # EXPIRE decay * 2

    # Another process (another request) is refused too: the state is shared.
    again = php("limit_http.php", "/api/register", 1, env={"API_PER_MINUTE": str(n)})
    assert again[0]["status"] == 429
    # Once the window is gone, requests pass again.
    r.delete(key)
    again = php("limit_http.php", "/api/register", 1, env={"API_PER_MINUTE": str(n)})
    assert again[0]["status"] == 200
    assert again[0]["headers"]["X-RateLimit-Remaining"] == str(n - 1)


def test_redis_throttle(php, r):
    out = php("limit_ops.php", "throttle", "mail", 4)
    assert out == ["ran", "ran", "ran", TIMEOUT]
    key = D + b"mail"
    h = r.hgetall(key)
    assert h[b"count"] == b"4"
    assert int(h[b"end"]) - int(h[b"start"]) == 60
    assert 110 <= r.ttl(key) <= 120
    # Without a failure callback the exception is thrown to the caller,
    # from another process.
    assert php("limit_ops.php", "throttle_throws", "mail") == {"thrown": TIMEOUT}
    assert r.hget(key, b"count") == b"5"
    # A fresh window lets calls through again.
    r.delete(key)
    assert php("limit_ops.php", "throttle", "mail", 1) == ["ran"]


def test_redis_funnel_nested(php, r):
    out = php("limit_ops.php", "funnel", "jobs")
    first, second = out["slots_in_second"]
    assert out["slots_in_first"] == [first, None]
    assert first and second and first != second
    assert out["third"] == TIMEOUT
    assert out["outer"] == "inner"
    # Both slots were released (compare-and-delete) on the way out.
    assert out["slots_after"] == [None, None]
    assert r.dbsize() == 0


def test_redis_funnel_across_processes(php, php_env, r):
    holder = subprocess.Popen(
        [PHP, os.path.join(SCENARIOS, "limit_ops.php"), "funnel_hold", "jobs", "2"],
        env=php_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        slots = [D + b"jobs1", D + b"jobs2"]
        deadline = time.monotonic() + 30
        while r.exists(*slots) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert r.exists(*slots) == 2
        for s in slots:
            assert 25 <= r.ttl(s) <= 30            # releaseAfter(30)
        # Both slots taken: refused at once with block(0).
        assert php("limit_ops.php", "funnel_try", "jobs", 0) == {"result": TIMEOUT}
        # Waiting long enough gets a slot once the holder lets go.
        assert php("limit_ops.php", "funnel_try", "jobs", 20) == {"result": "ran"}
    finally:
        o, e = holder.communicate(timeout=60)
    assert holder.returncode == 0, (o, e)
    assert json.loads(o) == {"result": "held"}
    assert r.dbsize() == 0
