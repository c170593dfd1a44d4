"""Randomised differential run: the same seeded stream of commands from
three connections goes to kilat and to redis-server side by side, while a
fourth connection PSUBSCRIBEs to every keyspace notification (keymiss
included); every reply, the whole notification stream and, at the end,
the keyspace hit/miss counts, INFO commandstats' calls / rejected /
failed counts and INFO errorstats must be identical. The commands mix writes and
reads of every type with MULTI/EXEC/DISCARD, WATCH/UNWATCH, expiry,
FLUSHDB, SWAPDB, SELECT, scripts, blocking pops that time out, PUBLISH and
errors, so transactions, WATCH, notifications and pub/sub are exercised
together in orders nobody wrote by hand. (40 seeds agreed when the reads
were added; 6 run here.)

Runs against kilat only (it starts its own redis-server as the reference).
"""

import random

import pytest

from conftest import counted_stats, reference_redis, SLOW, RawConn

pytestmark = pytest.mark.kilat_only

KEYS = ["a", "b", "c", "l", "h", "z", "s"]


def random_command(rng):
    k, k2 = rng.choice(KEYS), rng.choice(KEYS)
    return rng.choice([
        ("SET", k, rng.randint(0, 5)), ("SET", k, "v", "NX"),
        ("SET", k, "v", "XX", "EX", 100), ("GET", k), ("DEL", k, k2),
        ("INCR", k), ("APPEND", k, "x"), ("EXPIRE", k, rng.choice([0, 100, -1])),
        ("PERSIST", k), ("RENAME", k, k2), ("LPUSH", k, "x", "y"), ("RPOP", k),
        ("LMOVE", k, k2, "LEFT", "RIGHT"), ("LTRIM", k, 0, 0),
        ("HSET", k, "f", "1"), ("HDEL", k, "f"), ("HINCRBY", k, "f", 2),
        ("SADD", k, "m"), ("SREM", k, "m"), ("SPOP", k), ("SMOVE", k, k2, "m"),
        ("SUNIONSTORE", k, k, k2), ("ZADD", k, rng.randint(0, 3), "m"),
        ("ZINCRBY", k, 1, "m"), ("ZREM", k, "m"), ("ZPOPMIN", k),
        ("ZUNIONSTORE", k, 2, k, k2), ("COPY", k, k2, "REPLACE"), ("MOVE", k, 1),
        ("GETDEL", k), ("GETEX", k, "PX", 100000), ("TYPE", k), ("EXISTS", k, k2),
        ("MULTI",), ("EXEC",), ("DISCARD",), ("WATCH", k), ("UNWATCH",),
        ("FLUSHDB",), ("SWAPDB", 0, 1), ("SELECT", rng.choice([0, 1])),
        ("EVAL", "return redis.call('incr', KEYS[1])", 1, k),
        ("BLPOP", k, "0.01"), ("PUBLISH", "ch", k), ("NOSUCHCOMMAND",), ("GET",),
        # reads of every type, for the keyspace hit/miss counts
        ("MGET", k, k2), ("STRLEN", k), ("GETRANGE", k, 0, 1), ("TTL", k),
        ("HGET", k, "f"), ("HGETALL", k), ("HEXISTS", k, "f"), ("LRANGE", k, 0, -1),
        ("LLEN", k), ("LINDEX", k, 0), ("SMEMBERS", k), ("SISMEMBER", k, "m"),
        ("SINTER", k, k2), ("ZRANGE", k, 0, -1), ("ZSCORE", k, "m"), ("ZCARD", k),
        ("OBJECT", "ENCODING", k), ("SORT", k), ("DUMP", k), ("XLEN", k),
        ("PFCOUNT", k), ("BITCOUNT", k), ("GEOPOS", k, "m"),
        ("TOUCH", k), ("SINTERCARD", 2, k, k2), ("LPOS", k, "x"), ("HRANDFIELD", k),
        ("ZMSCORE", k, "m"), ("SMISMEMBER", k, "m"), ("GETBIT", k, 0),
        ("XRANGE", k, "-", "+"), ("ZRANGEBYSCORE", k, 0, 5), ("HSTRLEN", k, "f"),
    ])


def run_stream(port, seed, count):
    rng = random.Random(seed)
    sub = RawConn("127.0.0.1", port)
    sub.send_command("PSUBSCRIBE", "*")
    sub.read_reply()
    conns = [RawConn("127.0.0.1", port) for _ in range(3)]
    assert conns[0].cmd("FLUSHALL") == b"OK"
    assert conns[0].cmd("CONFIG", "SET", "notify-keyspace-events", "KEAm") == b"OK"
    assert conns[0].cmd("CONFIG", "RESETSTAT") == b"OK"
    replies = []
    for _ in range(count):
        i = rng.randrange(len(conns))
        cmd = random_command(rng)
        replies.append((i, cmd, conns[i].cmd_raw(*cmd)))
    events = bytes(sub.read_available(0.5 * SLOW))
    with RawConn("127.0.0.1", port) as c:
        # which lookups count as hits, what counts as a failed call: each
        # command's own
        replies.append((-1, ("INFO",), counted_stats(c)))
    for c in conns + [sub]:
        c.close()
    with RawConn("127.0.0.1", port) as c:  # conns may have been left in MULTI
        assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "") == b"OK"
    return replies, events


@pytest.fixture(scope="module")
def reference():
    """A redis-server 7.0 of our own, as the reference."""
    yield from reference_redis(prefix="kilat-ref-")


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_stream_matches_redis(start_server, reference, seed):
    srv = start_server()
    ours, our_events = run_stream(srv.port, seed, 300)
    theirs, their_events = run_stream(reference, seed, 300)
    for (conn, cmd, got), (_, _, want) in zip(ours, theirs):
        assert got == want, "connection %d, %r" % (conn, cmd)
    assert len(ours) == len(theirs)
    assert our_events == their_events
    assert our_events.count(b"pmessage") > 50  # the stream did exercise events
