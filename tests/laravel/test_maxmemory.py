"""The memory-limit trap of issue 13, through the real framework.

Database 0 holds what must never be evicted: live quota locks
(Cache::lock, the soonest keys to expire), sessions (TTL = the session
lifetime) and a queue (a list, no TTL); database 1 then receives cache
writes (Cache::put, TTL one day) until the memory is full many times over.

- With the seed's production advice, `maxmemory-policy volatile-ttl`, the
  server evicts the keys closest to expiry first: the live locks (a second
  worker then takes each lock: a second registration in the critical
  section), then the sessions. The test runs on the server under test
  (redis-server with KILAT_TARGET=redis, where it proves the hazard is
  real; kilat behaves the same with the same setting) and prints how many
  locks and sessions were lost (`-s` shows the HAZARD line).
- kilat's setup, `maxmemory-policy noeviction` + `maxmemory-policy-db
  "1 allkeys-lru"`: nothing in database 0 is lost and the cache is evicted.
  kilat only; it FAILS until the eviction engine (src/core/evict.c) and
  maxmemory-policy-db land -- run it then:
      KILAT_SERVER=$PWD/build/kilat-server /usr/bin/python3 -m pytest -q \\
          -p no:cacheprovider tests/laravel/test_maxmemory.py -s

Own servers (a maxmemory must not leak into the session's server)."""

import json
import os

import pytest

from conftest import IS_REDIS, Server, _harness

LOCKS, SESSIONS, JOBS = 200, 200, 50
LOCK_SECONDS = 30          # Laravel's quota lock is 10 s; 30 s leaves the
                           # test time to finish before any expires by itself
ROOM = 3 * 1024 * 1024     # maxmemory = use after the app's data + 3 MB
FLOOD, VALUE_BYTES, CACHE_TTL = 3000, 4096, 86400   # 12 MB of cache writes


@pytest.fixture
def own_server():
    started = []

    def start(conf):
        srv = Server(conf=conf, name="maxmemory server")
        started.append(srv)
        return srv.start()

    yield start
    _harness.stop_all(started)


def info(c, section):
    return c.info(section)


def scenario(php, srv, tmp_path, tag):
    """hold the app's data, set the limit, flood the cache, check."""
    call = lambda *a: php("memory_ops.php", *a, env={"REDIS_PORT": str(srv.port)})
    held = call("hold", tag, LOCKS, SESSIONS, JOBS, LOCK_SECONDS)
    assert len(held["owners"]) == LOCKS and held["queued"] == JOBS
    path = tmp_path / "held.json"
    path.write_text(json.dumps(held))
    c = srv.client()
    try:
        db0_before = c.dbsize()
        used = c.info("memory")["used_memory"]
        c.config_set("maxmemory", used + ROOM)
        flood = call("flood", tag, FLOOD, VALUE_BYTES, CACHE_TTL)
        check = call("check", tag, str(path))
        stats = {
            "evicted_keys": c.info("stats")["evicted_keys"],
            "used_memory": c.info("memory")["used_memory"],
            "maxmemory": used + ROOM,
            "db0_before": db0_before,
            "db0_after": c.dbsize(),
        }
        c.execute_command("SELECT", 1)
        stats["db1_after"] = c.dbsize()
    finally:
        c.close()
    return flood, check, stats


def report(what, flood, check, stats):
    line = ("HAZARD %s: locks lost %d/%d, sessions lost %d/%d, jobs kept "
            "%d/%d; cache writes stored %d/%d; evicted_keys %d; db0 keys "
            "%d -> %d, db1 keys %d; used_memory %d, maxmemory %d" % (
                what, check["locks_stolen"], LOCKS,
                SESSIONS - check["sessions_read"], SESSIONS,
                check["queued"], JOBS, flood["stored"], FLOOD,
                stats["evicted_keys"], stats["db0_before"], stats["db0_after"],
                stats["db1_after"], stats["used_memory"], stats["maxmemory"]))
    print("\n" + line)
    return line


def test_volatile_ttl_loses_locks_and_sessions(php, own_server, tmp_path, client):
    srv = own_server("maxmemory-policy volatile-ttl\n")
    flood, check, stats = scenario(php, srv, tmp_path, "vttl-" + client)
    line = report("%s volatile-ttl (%s)" % (
        "redis-server" if IS_REDIS else "kilat", client), flood, check, stats)
    # the cache writes all succeed: the server made room ...
    assert flood["stored"] == FLOOD and flood["failed"] == 0, (flood, line)
    assert stats["evicted_keys"] > 0, line
    # ... by evicting the live locks (another worker takes them: the
    # critical section is entered twice) and the sessions
    assert check["locks_stolen"] > 0, line
    assert check["sessions_read"] < SESSIONS, line
    # the queue (no TTL) is not a volatile key
    assert check["queued"] == JOBS, line


@pytest.mark.skipif(IS_REDIS, reason="kilat's maxmemory-policy-db")
def test_per_database_policy_keeps_locks_sessions_and_queue(php, own_server,
                                                            tmp_path, client):
    """kilat only; fails until the lead's eviction engine lands."""
    srv = own_server('maxmemory-policy noeviction\n'
                     'maxmemory-policy-db "1 allkeys-lru"\n')
    flood, check, stats = scenario(php, srv, tmp_path, "perdb-" + client)
    line = report("kilat noeviction + db 1 allkeys-lru (%s)" % client,
                  flood, check, stats)
    assert check["locks_stolen"] == 0, line
    assert check["sessions_read"] == SESSIONS, line
    assert check["queued"] == JOBS, line
    assert stats["db0_after"] == stats["db0_before"], line
    # the cache made the room: every write stored, most of it evicted
    assert flood["stored"] == FLOOD and flood["failed"] == 0, (flood, line)
    assert stats["evicted_keys"] > 0, line
    assert stats["db1_after"] < FLOOD, line
    assert stats["used_memory"] <= stats["maxmemory"] * 1.10, line
