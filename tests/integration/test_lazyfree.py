"""Lazy freeing's INFO counters: lazyfree_pending_objects and
lazyfreed_objects (reset by CONFIG RESETSTAT), for UNLINK of a big value
and FLUSHDB/FLUSHALL ASYNC -- the same on kilat and redis-server."""

from conftest import OK, run, wait_for


def mem_info(conn):
    text = bytes(conn.cmd("INFO", "memory")).decode()
    return dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)


def lazy(conn):
    m = mem_info(conn)
    return int(m["lazyfree_pending_objects"]), int(m["lazyfreed_objects"])


def test_lazyfree_counters(raw):
    run(raw, [("CONFIG RESETSTAT", OK)])
    assert lazy(raw) == (0, 0)
    # a small value is freed at once
    raw.cmd("SADD", "small", "a", "b", "c")
    assert raw.cmd("UNLINK", "small") == 1
    assert lazy(raw) == (0, 0)
    # a big one (1000 members in a hash table) goes to the background
    raw.cmd("SADD", "big", *["member:%d" % i for i in range(1000)])
    assert raw.cmd("UNLINK", "big") == 1
    assert wait_for(lambda: lazy(raw) == (0, 1)), lazy(raw)
    # FLUSHDB ASYNC counts each key of the database
    raw.cmd("MSET", *[x for i in range(100) for x in ("k%d" % i, "v")])
    run(raw, [("FLUSHDB ASYNC", OK)])
    assert wait_for(lambda: lazy(raw) == (0, 101)), lazy(raw)
    assert raw.cmd("DBSIZE") == 0
    run(raw, [("CONFIG RESETSTAT", OK)])
    assert lazy(raw) == (0, 0)
