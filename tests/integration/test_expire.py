"""Expiry: EXPIRE family with NX XX GT LT, TTL/PTTL, EXPIRETIME, PERSIST,
edge values, lazy expiry on access and the active expiry cycle."""

import threading
import time

import pytest

from conftest import (OK, NIL, NOT_INT, bulk, integer, err, invalid_expire,
                      wrong_args, wait_for, ASAN, SLOW, RawConn)
from test_strings import run


def info(raw, section):
    text = raw.cmd("INFO", section)
    out = {}
    for line in bytes(text).decode().split("\r\n"):
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


# ------------------------------------------------------------ EXPIRE basics

def test_expire_ttl_pttl(raw):
    run(raw, [("TTL nokey", integer(-2)), ("PTTL nokey", integer(-2)),
              ("SET k v", OK), ("TTL k", integer(-1)),
              ("PTTL k", integer(-1)),
              ("EXPIRE k 100", integer(1)), ("TTL k", integer(100)),
              ("PEXPIRE k 50000", integer(1))])
    p = raw.cmd("PTTL", "k")
    assert 49000 < p <= 50000
    run(raw, [("EXPIRE nokey 100", integer(0)),
              ("PEXPIRE nokey 100", integer(0)),
              ("EXPIREAT nokey 4000000000", integer(0)),
              ("PEXPIREAT nokey 4000000000000", integer(0)),
              ("EXISTS nokey", integer(0))])


def test_expireat_pexpireat_expiretime(raw):
    run(raw, [("SET k v", OK), ("EXPIRETIME k", integer(-1)),
              ("PEXPIRETIME k", integer(-1)),
              ("EXPIRETIME nokey", integer(-2)),
              ("PEXPIRETIME nokey", integer(-2)),
              ("EXPIREAT k 4000000000", integer(1)),
              ("EXPIRETIME k", integer(4000000000)),
              ("PEXPIRETIME k", integer(4000000000000)),
              ("PEXPIREAT k 4000000000123", integer(1)),
              ("EXPIRETIME k", integer(4000000000)),
              ("PEXPIRETIME k", integer(4000000000123)),
              # seconds are rounded to the nearest
              ("PEXPIREAT k 4000000000999", integer(1)),
              ("EXPIRETIME k", integer(4000000001)),
              ("PEXPIREAT k 4000000000500", integer(1)),
              ("EXPIRETIME k", integer(4000000001)),
              ("PEXPIREAT k 4000000000499", integer(1)),
              ("EXPIRETIME k", integer(4000000000)),
              ("EXPIRETIME", wrong_args("expiretime")),
              ("PEXPIRETIME a b", wrong_args("pexpiretime"))])


# (the margins keep the checks exact while a few ms pass)
@pytest.mark.parametrize("px,ttl", [(1700, 2), (1300, 1), (700, 1),
                                    (300, 0), (100000, 100)])
def test_ttl_rounds_to_nearest_second(raw, px, ttl):
    run(raw, [("SET k v PX %d" % px, OK), ("TTL k", integer(ttl))])


def test_persist(raw):
    run(raw, [("SET k v EX 100", OK), ("PERSIST k", integer(1)),
              ("TTL k", integer(-1)), ("PERSIST k", integer(0)),
              ("PERSIST nokey", integer(0)), ("GET k", bulk("v")),
              ("PERSIST", wrong_args("persist")),
              ("PERSIST a b", wrong_args("persist"))])


# ------------------------------------------------------------ NX XX GT LT

def test_expire_nx_xx(raw):
    run(raw, [("SET k v", OK),
              ("EXPIRE k 100 XX", integer(0)), ("TTL k", integer(-1)),
              ("EXPIRE k 100 NX", integer(1)), ("TTL k", integer(100)),
              ("EXPIRE k 200 NX", integer(0)), ("TTL k", integer(100)),
              ("EXPIRE k 200 XX", integer(1)), ("TTL k", integer(200)),
              ("EXPIRE k -1 NX", integer(0)), ("EXISTS k", integer(1)),
              ("expire k 300 xx", integer(1)), ("TTL k", integer(300))])


def test_expire_gt_lt(raw):
    # absolute times keep the comparisons exact
    T = 4000000000
    run(raw, [("SET k v", OK), ("EXPIREAT k %d" % T, integer(1)),
              ("EXPIREAT k %d GT" % (T - 10), integer(0)),
              ("EXPIRETIME k", integer(T)),
              ("EXPIREAT k %d GT" % (T + 10), integer(1)),
              ("EXPIRETIME k", integer(T + 10)),
              ("EXPIREAT k %d LT" % (T + 20), integer(0)),
              ("EXPIREAT k %d LT" % T, integer(1)),
              ("EXPIRETIME k", integer(T)),
              # equal is neither greater nor less
              ("EXPIREAT k %d GT" % T, integer(0)),
              ("EXPIREAT k %d LT" % T, integer(0)),
              ("PEXPIREAT k %d GT" % (T * 1000 + 1), integer(1)),
              ("PEXPIRETIME k", integer(T * 1000 + 1)),
              ("EXPIREAT k %d XX GT" % (T + 5), integer(1)),
              ("EXPIREAT k %d XX LT" % (T + 1), integer(1)),
              ("EXPIRETIME k", integer(T + 1)),
              ("EXPIREAT k %d GT GT" % (T + 2), integer(1)),
              ("EXPIRETIME k", integer(T + 2))])
    # relative forms compare against the current expire time too
    run(raw, [("SET j v EX 100", OK),
              ("EXPIRE j 50 GT", integer(0)), ("TTL j", integer(100)),
              ("EXPIRE j 300 GT", integer(1)), ("TTL j", integer(300)),
              ("EXPIRE j 400 LT", integer(0)), ("TTL j", integer(300)),
              ("EXPIRE j 100 LT", integer(1)), ("TTL j", integer(100)),
              ("PEXPIRE j 200000 XX GT", integer(1)),
              ("TTL j", integer(200))])


def test_expire_gt_lt_on_persistent_key(raw):
    # a key without TTL counts as an infinite TTL
    run(raw, [("SET k v", OK),
              ("EXPIRE k 100 GT", integer(0)), ("TTL k", integer(-1)),
              ("EXPIRE k -1 GT", integer(0)), ("EXISTS k", integer(1)),
              ("EXPIRE k 100 XX LT", integer(0)),
              ("EXPIRE k 100 LT", integer(1)), ("TTL k", integer(100)),
              ("PERSIST k", integer(1)),
              ("EXPIRE k -1 LT", integer(1)), ("EXISTS k", integer(0))])


def test_pexpire_family_accepts_flags(raw):
    run(raw, [("SET k v", OK),
              ("PEXPIRE k 100000 NX", integer(1)),
              ("PEXPIRE k 200000 GT", integer(1)),
              ("PEXPIREAT k 4000000000000 XX", integer(1)),
              ("EXPIREAT k 3000000000 GT", integer(0)),
              ("EXPIREAT k 3000000000 LT", integer(1)),
              ("EXPIRETIME k", integer(3000000000))])


@pytest.mark.parametrize("flags,msg", [
    ("NX XX", "NX and XX, GT or LT options at the same time are not compatible"),
    ("XX NX", "NX and XX, GT or LT options at the same time are not compatible"),
    ("NX GT", "NX and XX, GT or LT options at the same time are not compatible"),
    ("NX LT", "NX and XX, GT or LT options at the same time are not compatible"),
    ("GT LT", "GT and LT options at the same time are not compatible"),
    ("LT GT", "GT and LT options at the same time are not compatible"),
    ("FOO", "Unsupported option FOO"),
    ("NX foo", "Unsupported option foo"),
])
def test_expire_flag_errors(raw, flags, msg):
    for cmd, t in (("EXPIRE", "100"), ("PEXPIRE", "100000"),
                   ("EXPIREAT", "4000000000"), ("PEXPIREAT", "4000000000000")):
        run(raw, [("SET k v", OK),
                  (" ".join([cmd, "k", t, flags]), err("ERR " + msg)),
                  ("TTL k", integer(-1))])


def test_expire_flag_checked_even_on_missing_key(raw):
    run(raw, [("EXPIRE nokey 10 NX XX",
               err("ERR NX and XX, GT or LT options at the same time are "
                   "not compatible")),
              ("EXPIRE nokey 10 BAR", err("ERR Unsupported option BAR"))])


@pytest.mark.parametrize("val", ["abc", "1.5", "", " 1", "10 ", "0x10",
                                 "9223372036854775808", "1e3"])
def test_expire_not_integer(raw, val):
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        run(raw, [("SET k v", OK), ([cmd, "k", val], NOT_INT),
                  ("TTL k", integer(-1))])


def test_expire_wrong_args(raw):
    for cmd in ("expire", "pexpire", "expireat", "pexpireat"):
        run(raw, [(cmd.upper(), wrong_args(cmd)),
                  (cmd.upper() + " k", wrong_args(cmd))])
    run(raw, [("TTL", wrong_args("ttl")), ("TTL k x", wrong_args("ttl")),
              ("PTTL", wrong_args("pttl"))])


# ------------------------------------------------------ zero / negative / huge

@pytest.mark.parametrize("cmd", ["EXPIRE k 0", "EXPIRE k -100",
                                 "PEXPIRE k 0", "PEXPIRE k -1",
                                 "EXPIREAT k 1", "EXPIREAT k 0",
                                 "PEXPIREAT k 1", "EXPIREAT k -5",
                                 "PEXPIRE k -9223372036854775808",
                                 "PEXPIRE k -9223372036854775807",
                                 "EXPIRE k -9223372036854775",
                                 "EXPIREAT k -9223372036854775",
                                 "PEXPIREAT k -9223372036854775808"])
def test_expire_in_the_past_deletes(raw, cmd):
    run(raw, [("SET k v", OK), (cmd, integer(1)), ("EXISTS k", integer(0)),
              ("GET k", NIL), ("TTL k", integer(-2))])


@pytest.mark.parametrize("cmd", [
    "EXPIRE k 9223372036854775807", "EXPIRE k 9223372036854775",
    "EXPIRE k 9223372036854774", "EXPIRE k -9223372036854775808",
    "PEXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775000",
    "EXPIREAT k 9223372036854775807", "EXPIREAT k 9223372036854776",
    "EXPIREAT k -9223372036854775808",
])
def test_expire_overflow_is_invalid(raw, cmd):
    name = cmd.split(" ")[0].lower()
    run(raw, [("SET k v", OK), (cmd, invalid_expire(name)),
              ("TTL k", integer(-1))])


def test_expire_largest_valid_values(raw):
    run(raw, [("SET k v", OK),
              ("PEXPIREAT k 9223372036854775807", integer(1)),
              ("PEXPIRETIME k", integer(9223372036854775807)),
              ("EXPIREAT k 9223372036854775", integer(1)),
              ("PEXPIRETIME k", integer(9223372036854775000)),
              ("EXPIRE k 9223372036854", integer(1)),
              ("PEXPIRE k 9223300000000000000", integer(1))])
    # PTTL is read a moment later: a millisecond may pass in between (ASan).
    pttl = int(raw.cmd_raw("PTTL", "k")[1:-2])
    assert 9223300000000000000 - 50 <= pttl <= 9223300000000000000


# ---------------------------------------------------------- expiry in time

def test_key_expires_after_sleep(raw):
    run(raw, [("SET k v PX 300", OK), ("GET k", bulk("v")),
              ("SET s v EX 1", OK)])
    time.sleep(0.5)
    run(raw, [("GET k", NIL), ("EXISTS k", integer(0)),
              ("TTL k", integer(-2)), ("PTTL k", integer(-2)),
              ("GET s", bulk("v"))])
    time.sleep(0.7)
    run(raw, [("GET s", NIL)])


def test_pexpire_short(raw):
    run(raw, [("SET k v", OK), ("PEXPIRE k 100", integer(1))])
    time.sleep(0.25)
    run(raw, [("EXISTS k", integer(0))])


def test_lazy_expiry_seen_by_every_command(raw, r):
    """Each check runs on its own key, all of which expired a moment ago."""
    checks = [
        [("GET {k}", NIL)],
        [("MGET {k} {k}", b"*2\r\n$-1\r\n$-1\r\n")],
        [("STRLEN {k}", integer(0))],
        [("TYPE {k}", b"+none\r\n")],
        [("INCR {k}", integer(1)), ("TTL {k}", integer(-1))],
        [("APPEND {k} x", integer(1)), ("TTL {k}", integer(-1))],
        [("SETNX {k} 5", integer(1)), ("GET {k}", bulk("5"))],
        [("SET {k} 7 NX", OK)],
        [("SET {k} 7 XX", NIL), ("EXISTS {k}", integer(0))],
        [("RENAME {k} j", err("ERR no such key"))],
        [("GETRANGE {k} 0 -1", bulk(""))],
        [("PERSIST {k}", integer(0)), ("EXISTS {k}", integer(0))],
        [("EXPIRE {k} 100", integer(0))],
        [("KEYS {k}", b"*0\r\n")],
        [("COPY {k} j", integer(0)), ("MOVE {k} 1", integer(0))],
        [("GETDEL {k}", NIL), ("GETEX {k}", NIL), ("GETSET {k} 1", NIL)],
        [("OBJECT ENCODING {k}", NIL), ("LCS {k} {k}", bulk(""))],
        [("MSETNX {k} 1", integer(1))],
        [("TOUCH {k}", integer(0)), ("DEL {k}", integer(0)),
         ("EXISTS {k}", integer(0))],
        [("SETRANGE {k} 1 x", integer(2)), ("GET {k}", bulk(b"\x00x"))],
        [("INCRBYFLOAT {k} 1.5", bulk("1.5"))],
    ]
    pipe = r.pipeline(transaction=False)
    for i in range(len(checks)):
        pipe.set("lazy:%d" % i, "10", px=60)
    pipe.execute()
    time.sleep(0.15)
    for i, steps in enumerate(checks):
        k = "lazy:%d" % i
        run(raw, [(c.format(k=k), exp) for c, exp in steps])
    # with everything above, nothing expired is visible to KEYS or SCAN
    r.set("other", "1", px=60)
    time.sleep(0.15)
    assert b"other" not in raw.cmd("KEYS", "*")
    assert b"other" not in raw.cmd("SCAN", "0", "COUNT", "1000")[1]


def test_active_expiry_without_access(raw, r):
    """Keys with a short TTL vanish from DBSIZE without being touched."""
    pipe = r.pipeline(transaction=False)
    for i in range(3000):
        pipe.set("short:%d" % i, "v", px=200)
    for i in range(100):
        pipe.set("long:%d" % i, "v")
    pipe.execute()
    assert r.dbsize() == 3100
    ok = wait_for(lambda: r.dbsize() == 100, timeout=8)
    assert ok, "active expiry left %d keys" % r.dbsize()
    ks = info(raw, "keyspace")
    assert ks["db0"].startswith("keys=100,expires=0,")
    st = info(raw, "stats")
    assert int(st["expired_keys"]) >= 3000


def test_active_expiry_in_other_databases(raw, server):
    c = server.client(db=7)
    try:
        pipe = c.pipeline(transaction=False)
        for i in range(500):
            pipe.set("k%d" % i, "v", px=100)
        pipe.execute()
        assert c.dbsize() == 500
        assert wait_for(lambda: c.dbsize() == 0, timeout=8)
        assert "db7" not in info(raw, "keyspace")
    finally:
        c.close()


@pytest.mark.slow
def test_many_keys_expire_and_memory_is_freed(raw, r):
    n = 100000 if ASAN else 200000
    base = int(info(raw, "memory")["used_memory"])
    val = "x" * 32
    # one absolute deadline for all, far enough to finish inserting first
    deadline = int(time.time() * 1000) + int(4000 * SLOW)
    d = str(deadline)
    payload = b"".join(RawConn.encode("SET", "exp:%d" % i, val, "PXAT", d)
                       for i in range(n))
    sender = threading.Thread(target=raw.send, args=(payload,))
    sender.start()
    assert raw.read_exact_bytes(len(OK) * n) == OK * n
    sender.join()
    assert time.time() * 1000 < deadline, "insertion too slow for the test"
    assert r.dbsize() == n
    full = int(info(raw, "memory")["used_memory"])
    assert full - base > n * 32          # the values really are held
    gone = wait_for(lambda: r.dbsize() == 0, timeout=25)
    assert gone, "%d keys left" % r.dbsize()
    # memory returns close to where it was (tables may shrink lazily)
    after = wait_for(lambda: (lambda m: m if m - base < (full - base) / 4
                              else 0)(int(info(raw, "memory")["used_memory"])),
                     timeout=5)
    assert after, "used_memory %s, base %d, full %d" % (
        info(raw, "memory")["used_memory"], base, full)


def test_info_keyspace_counts_expires(raw, r):
    r.set("a", "1")
    r.set("b", "1", ex=100)
    r.set("c", "1", ex=200)
    ks = info(raw, "keyspace")
    assert ks["db0"].startswith("keys=3,expires=2,avg_ttl=")
    assert int(ks["db0"].split("avg_ttl=")[1]) >= 0


def test_expire_then_set_clears_and_keepttl_keeps(raw):
    run(raw, [("SET k v", OK), ("EXPIRE k 100", integer(1)),
              ("SET k v2", OK), ("TTL k", integer(-1)),
              ("EXPIRE k 100", integer(1)), ("SET k v3 KEEPTTL", OK),
              ("TTL k", integer(100)),
              ("SETRANGE k 0 x", integer(2)), ("TTL k", integer(100)),
              ("GETEX k PERSIST", bulk("x3")), ("TTL k", integer(-1))])
