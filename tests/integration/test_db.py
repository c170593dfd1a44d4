"""Databases: SELECT, SWAPDB, MOVE, DBSIZE, FLUSHDB, FLUSHALL, `databases`."""

import time

import pytest

from conftest import (OK, NIL, SYNTAX, NOT_INT, bulk, integer, err,
                      wrong_args, wait_for)
from test_strings import run

OUT_OF_RANGE = err("ERR DB index is out of range")


def test_select_each_db_is_separate(raw):
    for db in range(16):
        run(raw, [("SELECT %d" % db, OK), ("SET k %d" % db, OK)])
    for db in range(16):
        run(raw, [("SELECT %d" % db, OK), ("GET k", bulk(str(db))),
                  ("DBSIZE", integer(1))])


def test_select_errors(raw):
    run(raw, [("SELECT 16", OUT_OF_RANGE), ("SELECT -1", OUT_OF_RANGE),
              ("SELECT 1000", OUT_OF_RANGE),
              ("SELECT x", NOT_INT), ("SELECT 1.5", NOT_INT),
              (["SELECT", ""], NOT_INT),
              ("SELECT 2147483648",
               err("ERR value is out of range, value must between "
                   "-2147483648 and 2147483647")),
              ("SELECT", wrong_args("select")),
              ("SELECT 1 2", wrong_args("select"))])


def test_select_is_per_connection(raw, connect):
    other = connect()
    run(raw, [("SELECT 4", OK), ("SET k four", OK)])
    run(other, [("GET k", NIL), ("SELECT 4", OK), ("GET k", bulk("four"))])


def test_swapdb(raw, connect):
    other = connect()
    run(other, [("SELECT 1", OK)])
    run(raw, [("SET a 1", OK), ("SET t 1 EX 100", OK), ("SWAPDB 0 1", OK),
              ("EXISTS a", integer(0)), ("DBSIZE", integer(0))])
    # a client that had selected db 1 now sees the former db 0
    run(other, [("GET a", bulk("1")), ("TTL t", integer(100)),
                ("DBSIZE", integer(2))])
    run(raw, [("SWAPDB 1 0", OK), ("GET a", bulk("1")),
              ("SWAPDB 0 0", OK), ("GET a", bulk("1")),
              ("swapdb 15 0", OK), ("DBSIZE", integer(0)),
              ("SELECT 15", OK), ("GET a", bulk("1"))])


def test_swapdb_errors(raw):
    run(raw, [("SWAPDB 0 16", OUT_OF_RANGE), ("SWAPDB 16 0", OUT_OF_RANGE),
              ("SWAPDB -1 0", OUT_OF_RANGE),
              ("SWAPDB x 0", err("ERR invalid first DB index")),
              ("SWAPDB 0 x", err("ERR invalid second DB index")),
              ("SWAPDB x y", err("ERR invalid first DB index")),
              ("SWAPDB 0", wrong_args("swapdb")),
              ("SWAPDB 0 1 2", wrong_args("swapdb"))])


def test_swapdb_expiry_follows(raw):
    run(raw, [("SET k v PX 400", OK), ("SWAPDB 0 2", OK), ("SELECT 2", OK),
              ("EXISTS k", integer(1))])
    time.sleep(0.6)
    run(raw, [("GET k", NIL)])


def test_move_between_dbs(raw):
    run(raw, [("SET k v", OK), ("MOVE k 3", integer(1)),
              ("DBSIZE", integer(0)), ("SELECT 3", OK),
              ("DBSIZE", integer(1)), ("GET k", bulk("v")),
              ("MOVE k 15", integer(1)), ("SELECT 15", OK),
              ("GET k", bulk("v"))])


def test_dbsize(raw, r):
    run(raw, [("DBSIZE", integer(0)), ("DBSIZE x", wrong_args("dbsize"))])
    r.mset({"k%d" % i: i for i in range(123)})
    run(raw, [("DBSIZE", integer(123)), ("DEL k1 k2", integer(2)),
              ("DBSIZE", integer(121))])


def _fill(raw):
    for db in (0, 1, 5):
        run(raw, [("SELECT %d" % db, OK), ("MSET a 1 b 2", OK),
                  ("SET c 3 EX 100", OK)])


def _sizes(raw):
    out = []
    for db in (0, 1, 5):
        raw.cmd("SELECT", db)
        out.append(raw.cmd("DBSIZE"))
    raw.cmd("SELECT", 0)
    return out


@pytest.mark.parametrize("arg", [[], ["ASYNC"], ["SYNC"], ["async"],
                                 ["sync"]])
def test_flushdb(raw, arg):
    _fill(raw)
    run(raw, [("SELECT 1", OK), (["FLUSHDB"] + arg, OK),
              ("DBSIZE", integer(0)), ("GET a", NIL)])
    assert _sizes(raw) == [3, 0, 3]


@pytest.mark.parametrize("arg", [[], ["ASYNC"], ["SYNC"], ["Async"]])
def test_flushall(raw, arg):
    _fill(raw)
    run(raw, [("SELECT 5", OK), (["FLUSHALL"] + arg, OK),
              ("DBSIZE", integer(0))])
    assert _sizes(raw) == [0, 0, 0]
    # the connection stays on its db
    run(raw, [("SELECT 5", OK), ("SET x 1", OK), ("SELECT 0", OK),
              ("EXISTS x", integer(0))])


def test_flush_errors(raw):
    run(raw, [("SET k v", OK),
              ("FLUSHDB FOO", SYNTAX), ("FLUSHDB ASYNC SYNC", SYNTAX),
              ("FLUSHALL foo", SYNTAX), ("FLUSHALL SYNC ASYNC", SYNTAX),
              ("FLUSHALL ASYNC ASYNC", SYNTAX),
              ("EXISTS k", integer(1))])


def test_flushall_async_big(raw, r):
    for start in range(0, 50000, 10000):
        r.mset({"big:%d" % i: "v" * 20 for i in range(start, start + 10000)})
    run(raw, [("DBSIZE", integer(50000)), ("FLUSHALL ASYNC", OK),
              ("DBSIZE", integer(0)), ("SET k v", OK), ("DBSIZE", integer(1))])


def test_flushdb_removes_volatile_keys(raw):
    run(raw, [("SET a 1 EX 100", OK), ("FLUSHDB", OK), ("TTL a", integer(-2)),
              ("SET a 1", OK), ("TTL a", integer(-1))])


def test_databases_config(start_server):
    srv = start_server("--databases", "4")
    c = srv.raw()
    try:
        run(c, [("CONFIG GET databases",
                 b"*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n"),
                ("SELECT 3", OK), ("SET k v", OK),
                ("SELECT 4", OUT_OF_RANGE),
                ("SWAPDB 0 4", OUT_OF_RANGE), ("MOVE k 4", OUT_OF_RANGE),
                ("COPY k k DB 4", OUT_OF_RANGE),
                ("SWAPDB 0 3", OK), ("SELECT 0", OK), ("GET k", bulk("v")),
                ("CONFIG SET databases 20",
                 err("ERR CONFIG SET failed (possibly related to argument "
                     "'databases') - can't set immutable config"))])
    finally:
        c.close()


def test_databases_one(start_server):
    srv = start_server("--databases", "1")
    c = srv.raw()
    try:
        run(c, [("SELECT 0", OK), ("SELECT 1", OUT_OF_RANGE),
                ("SET k v", OK), ("MOVE k 1", OUT_OF_RANGE),
                ("SWAPDB 0 0", OK)])
    finally:
        c.close()


def test_databases_many(start_server):
    srv = start_server("--databases", "100")
    c = srv.raw()
    try:
        run(c, [("SELECT 99", OK), ("SET k v", OK), ("SWAPDB 99 50", OK),
                ("SELECT 50", OK), ("GET k", bulk("v")),
                ("SELECT 100", OUT_OF_RANGE)])
    finally:
        c.close()
