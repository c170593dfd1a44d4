"""Hash commands: exact replies and errors, RESP3 shapes, encodings and
their conversions, keyspace statistics, and the generic commands on hashes.
Every expectation was observed on redis-server 7.0.15."""

import time

import pytest

from conftest import (OK, NIL, SYNTAX, NOT_INT, NOT_FLOAT, OVERFLOW,
                      WRONGTYPE, EMPTY_SCAN, bulk, integer, err, array,
                      wrong_args, Map, Null, run, encoding)

NOT_HASH_INT = err("ERR hash value is not an integer")
NOT_HASH_FLOAT = err("ERR hash value is not a float")




@pytest.fixture
def limits(raw):
    """set(entries, value): CONFIG SET the listpack thresholds for one test;
    the defaults (128, 64) come back afterwards."""
    def set_limits(entries, value=64):
        raw.cmd("CONFIG", "SET", "hash-max-listpack-entries", str(entries))
        raw.cmd("CONFIG", "SET", "hash-max-listpack-value", str(value))
    yield set_limits
    set_limits(128, 64)


def stats(raw):
    """(keyspace_hits, keyspace_misses, rdb_changes_since_last_save)"""
    text = raw.cmd("INFO", "stats") + raw.cmd("INFO", "persistence")
    d = dict(line.split(b":", 1) for line in text.split(b"\r\n")
             if b":" in line)
    return (int(d[b"keyspace_hits"]), int(d[b"keyspace_misses"]),
            int(d[b"rdb_changes_since_last_save"]))


def pairs_of(flat):
    return dict(zip(flat[::2], flat[1::2]))


# ------------------------------------------------------------ HSET family

def test_hset_hget_basic(raw):
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("HSET h a 10 d 4", integer(1)),
        ("HSET h a 1 a 2", integer(0)),
        ("HGET h a", bulk("2")),
        ("HGET h d", bulk("4")),
        ("HGET h zz", NIL),
        ("HGET nokey a", NIL),
        ("HLEN h", integer(4)),
        ("HLEN nokey", integer(0)),
        ("HMSET h e 5 f 6", OK),
        ("HLEN h", integer(6)),
        (["HSET", "h", "", ""], integer(1)),
        (["HGET", "h", ""], bulk("")),
        (["HSET", "bin", "f\x00\r\n", "v\x00\r\n"], integer(1)),
        (["HGET", "bin", "f\x00\r\n"], bulk("v\x00\r\n")),
    ])


def test_hset_arity(raw):
    run(raw, [
        ("HSET h a", wrong_args("hset")),
        ("HSET h a 1 b", wrong_args("hset")),
        ("HMSET h a", wrong_args("hmset")),
        ("HMSET h a 1 b", wrong_args("hmset")),
        ("HSET h", wrong_args("hset")),
        ("HSETNX h a", wrong_args("hsetnx")),
        ("HGET h", wrong_args("hget")),
        ("HMGET h", wrong_args("hmget")),
        ("HDEL h", wrong_args("hdel")),
        ("HINCRBY h a", wrong_args("hincrby")),
        ("HINCRBYFLOAT h a", wrong_args("hincrbyfloat")),
        ("HRANDFIELD", wrong_args("hrandfield")),
        ("HSCAN h", wrong_args("hscan")),
        ("HGETALL h x", wrong_args("hgetall")),
        ("EXISTS h", integer(0)),
    ])


def test_hsetnx(raw):
    run(raw, [
        ("HSETNX h a 1", integer(1)),
        ("HSETNX h a 2", integer(0)),
        ("HGET h a", bulk("1")),
        ("HSETNX h b 2", integer(1)),
        ("HLEN h", integer(2)),
    ])


def test_hmget(raw):
    run(raw, [
        ("HSET h a 1 b 2", integer(2)),
        ("HMGET h a zz b a", array("1", None, "2", "1")),
        ("HMGET nokey a b", array(None, None)),
    ])


def test_hexists_hstrlen(raw):
    run(raw, [
        ("HSET h a hello n 12345 neg -7 e", wrong_args("hset")),
        (["HSET", "h", "a", "hello", "n", "12345", "neg", "-7", "e", ""],
         integer(4)),
        ("HEXISTS h a", integer(1)),
        ("HEXISTS h zz", integer(0)),
        ("HEXISTS nokey a", integer(0)),
        ("HSTRLEN h a", integer(5)),
        ("HSTRLEN h n", integer(5)),
        ("HSTRLEN h neg", integer(2)),
        ("HSTRLEN h e", integer(0)),
        ("HSTRLEN h zz", integer(0)),
        ("HSTRLEN nokey a", integer(0)),
    ])


def test_integer_looking_values_keep_their_text(raw):
    run(raw, [
        ("HSET h 01 -0 9223372036854775808 -9223372036854775808", integer(2)),
        ("HSET h 007 1.0 -9223372036854775809 +5", integer(2)),
        ("HGET h 01", bulk("-0")),
        ("HGET h 9223372036854775808", bulk("-9223372036854775808")),
        ("HGET h 007", bulk("1.0")),
        ("HGET h -9223372036854775809", bulk("+5")),
        ("HSTRLEN h 01", integer(2)),
        ("HGET h 1", NIL),
        ("HGET h 7", NIL),
    ])


# ------------------------------------------------------------------- HDEL

def test_hdel(raw):
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("HDEL h a zz a", integer(1)),
        ("HDEL h zz", integer(0)),
        ("HDEL nokey a", integer(0)),
        ("HLEN h", integer(2)),
        ("HDEL h b c d", integer(2)),
        ("EXISTS h", integer(0)),
        ("HDEL h b", integer(0)),
    ])


@pytest.mark.parametrize("entries", [128, 0])
def test_empty_hash_is_deleted(raw, limits, entries):
    limits(entries)
    run(raw, [
        ("HSET h a 1", integer(1)),
        ("HDEL h a", integer(1)),
        ("EXISTS h", integer(0)),
        ("TYPE h", b"+none\r\n"),
    ])


# ---------------------------------------------------------------- HINCRBY

def test_hincrby(raw):
    run(raw, [
        ("HINCRBY h a 5", integer(5)),
        ("HINCRBY h a -7", integer(-2)),
        ("HINCRBY h a 0", integer(-2)),
        ("HGET h a", bulk("-2")),
        ("HSET h s hello f 1.5 z 01", integer(3)),
        ("HINCRBY h s 1", NOT_HASH_INT),
        ("HINCRBY h f 1", NOT_HASH_INT),
        ("HINCRBY h z 1", NOT_HASH_INT),
        (["HSET", "h", "sp", " 1"], integer(1)),
        ("HINCRBY h sp 1", NOT_HASH_INT),
        ("HINCRBY h a abc", NOT_INT),
        ("HINCRBY h a 1.5", NOT_INT),
        ("HINCRBY h a +1", NOT_INT),
        ("HINCRBY h a 9223372036854775808", NOT_INT),
        ("HINCRBY nokey a abc", NOT_INT),
        ("EXISTS nokey", integer(0)),
        ("HINCRBY h q 9223372036854775807", integer(9223372036854775807)),
        ("HINCRBY h q 1", OVERFLOW),
        ("HGET h q", bulk("9223372036854775807")),
        ("HINCRBY h m -9223372036854775808", integer(-9223372036854775808)),
        ("HINCRBY h m -1", OVERFLOW),
        ("HINCRBY h m 9223372036854775807", integer(-1)),
        ("HSET h big 9223372036854775808", integer(1)),
        ("HINCRBY h big 1", NOT_HASH_INT),
    ])


def test_hincrby_on_both_encodings(raw, limits):
    limits(2)
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("OBJECT ENCODING h", bulk("hashtable")),
        ("HINCRBY h a 41", integer(42)),
        ("HINCRBY h a -1000000000000", integer(-999999999958)),
        ("HGET h a", bulk("-999999999958")),
        ("HINCRBY h new 3", integer(3)),
        ("HLEN h", integer(4)),
    ])


def test_hincrbyfloat(raw):
    run(raw, [
        ("HINCRBYFLOAT h a 1.5", bulk("1.5")),
        ("HINCRBYFLOAT h a 1.5", bulk("3")),
        ("HGET h a", bulk("3")),
        ("HINCRBYFLOAT h a -3", bulk("0")),
        ("HSET h f 10.50 g 5.0e3 n 7", integer(3)),
        ("HINCRBYFLOAT h f 0.1", bulk("10.6")),
        ("HINCRBYFLOAT h g 1", bulk("5001")),
        ("HINCRBYFLOAT h n 0.25", bulk("7.25")),
        ("HINCRBYFLOAT h x 0x10", bulk("16")),
        ("HINCRBYFLOAT h y 1100", bulk("1100")),
        ("HINCRBYFLOAT h y 0.03", bulk("1100.03000000000000003")),
        ("HINCRBYFLOAT h x inf", err("ERR value is NaN or Infinity")),
        ("HINCRBYFLOAT h x -inf", err("ERR value is NaN or Infinity")),
        ("HINCRBYFLOAT h x nan", NOT_FLOAT),
        ("HINCRBYFLOAT h x abc", NOT_FLOAT),
        ("HINCRBYFLOAT h x 1e5000", NOT_FLOAT),
        (["HINCRBYFLOAT", "h", "x", ""], NOT_FLOAT),
        ("HINCRBYFLOAT nokey x inf", err("ERR value is NaN or Infinity")),
        ("EXISTS nokey", integer(0)),
        ("HSET h s hello", integer(1)),
        ("HINCRBYFLOAT h s 1", NOT_HASH_FLOAT),
        (["HSET", "h", "sp", " 1"], integer(1)),
        ("HINCRBYFLOAT h sp 1", NOT_HASH_FLOAT),
        ("HSET h u 1.1e4932", integer(1)),
        ("HINCRBYFLOAT h u 1.1e4932",
         err("ERR increment would produce NaN or Infinity")),
        ("HGET h u", bulk("1.1e4932")),
        ("HSET h i inf", integer(1)),
        ("HINCRBYFLOAT h i 1",
         err("ERR increment would produce NaN or Infinity")),
        ("HSET h i2 nan", integer(1)),
        ("HINCRBYFLOAT h i2 1", NOT_HASH_FLOAT),
    ])
    # a huge result is stored in full (and is too long for the listpack)
    got = raw.cmd("HINCRBYFLOAT", "h2", "f", "1e300")
    assert len(got) == 301 and got.startswith(b"1000000000000000000008")
    assert encoding(raw, "h2") == b"hashtable"
    assert raw.cmd("HSTRLEN", "h2", "f") == 301


# ------------------------------------------------- HGETALL / HKEYS / HVALS

def test_hgetall_hkeys_hvals(raw):
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("HGETALL h", array("a", "1", "b", "2", "c", "3")),
        ("HKEYS h", array("a", "b", "c")),
        ("HVALS h", array("1", "2", "3")),
        ("HGETALL nokey", b"*0\r\n"),
        ("HKEYS nokey", b"*0\r\n"),
        ("HVALS nokey", b"*0\r\n"),
    ])


def test_hgetall_big_hashtable(raw, limits):
    limits(16)
    n = 1000
    args = ["HSET", "h"]
    for i in range(n):
        args += ["f%d" % i, "v%d" % i]
    assert raw.cmd(*args) == n
    assert encoding(raw, "h") == b"hashtable"
    flat = raw.cmd("HGETALL", "h")
    assert pairs_of(flat) == {b"f%d" % i: b"v%d" % i for i in range(n)}
    keys = raw.cmd("HKEYS", "h")
    vals = raw.cmd("HVALS", "h")
    assert len(keys) == n and len(set(keys)) == n
    assert [pairs_of(flat)[k] for k in keys] == vals
    assert raw.cmd("HMGET", "h", "f1", "nope", "f999") == [b"v1", None,
                                                           b"v999"]


# -------------------------------------------------------------- HRANDFIELD

def test_hrandfield_errors(raw):
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("HRANDFIELD h abc", NOT_INT),
        (["HRANDFIELD", "h", ""], NOT_INT),
        ("HRANDFIELD h 1.5", NOT_INT),
        ("HRANDFIELD h -9223372036854775808",
         err("ERR value is out of range, value must between "
             "-9223372036854775807 and 9223372036854775807")),
        ("HRANDFIELD h 3 withvalue", SYNTAX),
        ("HRANDFIELD h 3 withvalues x", SYNTAX),
        ("HRANDFIELD h 4611686018427387904 withvalues",
         err("ERR value is out of range")),
        ("HRANDFIELD h -4611686018427387904 withvalues",
         err("ERR value is out of range")),
        # the count is checked before the key
        ("HRANDFIELD nokey abc", NOT_INT),
        ("HRANDFIELD nokey 1 foo", SYNTAX),
        ("SET s v", OK),
        ("HRANDFIELD s", WRONGTYPE),
        ("HRANDFIELD s 0", WRONGTYPE),
        ("HRANDFIELD s abc", NOT_INT),
    ])


def test_hrandfield_missing_and_zero(raw):
    run(raw, [
        ("HRANDFIELD nokey", NIL),
        ("HRANDFIELD nokey 5", b"*0\r\n"),
        ("HRANDFIELD nokey -5 WITHVALUES", b"*0\r\n"),
        ("HRANDFIELD nokey 4611686018427387903 withvalues", b"*0\r\n"),
        ("HSET h a 1", integer(1)),
        ("HRANDFIELD h 0", b"*0\r\n"),
        ("HRANDFIELD h 0 withvalues", b"*0\r\n"),
        ("HRANDFIELD h", bulk("a")),
        ("HRANDFIELD h 1", array("a")),
        ("HRANDFIELD h -1 WithValues", array("a", "1")),
        ("HRANDFIELD h 5 WITHVALUES", array("a", "1")),
        ("HRANDFIELD h -3", array("a", "a", "a")),
        # option names compare as C strings (strcasecmp): up to a NUL
        (["HRANDFIELD", "h", "-1", "withvalues\x00x"], array("a", "1")),
        (["HSCAN", "h", "0", "count\x00x", "5"],
         b"*2\r\n$1\r\n0\r\n" + array("a", "1")),
    ])


@pytest.mark.parametrize("entries", [128, 4])
def test_hrandfield_counts(raw, limits, entries):
    limits(entries)
    fields = {b"f%d" % i: b"%d" % i for i in range(30)}
    args = ["HSET", "h"]
    for f, v in fields.items():
        args += [f, v]
    raw.cmd(*args)
    assert encoding(raw, "h") == (b"listpack" if entries == 128
                                  else b"hashtable")
    assert raw.cmd("HRANDFIELD", "h") in fields
    # positive: distinct, at most the size
    for count in (1, 2, 9, 10, 11, 25, 29, 30, 31, 100):
        got = raw.cmd("HRANDFIELD", "h", count)
        assert len(got) == min(count, 30)
        assert len(set(got)) == len(got)
        assert set(got) <= set(fields)
        got = raw.cmd("HRANDFIELD", "h", count, "WITHVALUES")
        assert len(got) == 2 * min(count, 30)
        p = pairs_of(got)
        assert len(p) == min(count, 30)
        assert all(fields[f] == v for f, v in p.items())
    # negative: exactly |count|, repeats allowed
    got = raw.cmd("HRANDFIELD", "h", -200)
    assert len(got) == 200 and set(got) <= set(fields)
    assert len(set(got)) < 200
    got = raw.cmd("HRANDFIELD", "h", -50, "withvalues")
    assert len(got) == 100
    assert all(fields[f] == v for f, v in zip(got[::2], got[1::2]))
    # every field shows up sooner or later
    seen = set()
    for _ in range(20):
        seen |= set(raw.cmd("HRANDFIELD", "h", -100))
    assert seen == set(fields)


def test_hrandfield_resp3(raw):
    run(raw, [
        ("HSET h a 1", integer(1)),
        ("HELLO 3", raw.cmd_raw("HELLO", "3")),
        ("HRANDFIELD nokey", b"_\r\n"),
        ("HRANDFIELD h", bulk("a")),
        ("HRANDFIELD h 1", array("a")),
        ("HRANDFIELD h 2 withvalues", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ("HRANDFIELD h -2 withvalues",
         b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ("HRANDFIELD h 1 withvalues", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ("HRANDFIELD nokey 3 withvalues", b"*0\r\n"),
    ])
    raw.cmd("HSET", "h", "b", "2", "c", "3")
    got = raw.cmd("HRANDFIELD", "h", "2", "WITHVALUES")
    assert len(got) == 2 and all(len(p) == 2 for p in got)
    assert {bytes(p[0]): p[1] for p in got}.items() <= \
        {b"a": b"1", b"b": b"2", b"c": b"3"}.items()


# ------------------------------------------------------------------- HSCAN

def test_hscan_errors(raw):
    run(raw, [
        ("HSET h a 1", integer(1)),
        ("HSCAN h abc", err("ERR invalid cursor")),
        ("HSCAN h 1.5", err("ERR invalid cursor")),
        ("HSCAN h 18446744073709551616", err("ERR invalid cursor")),
        ("HSCAN h 0 foo", SYNTAX),
        ("HSCAN h 0 count", SYNTAX),
        ("HSCAN h 0 count 0", SYNTAX),
        ("HSCAN h 0 count -1", SYNTAX),
        ("HSCAN h 0 count abc", NOT_INT),
        ("HSCAN h 0 type string", SYNTAX),
        ("HSCAN h 0 match", SYNTAX),
        # the cursor is checked before the key, the options after it
        ("HSCAN nokey abc", err("ERR invalid cursor")),
        ("HSCAN nokey 0", EMPTY_SCAN),
        ("HSCAN nokey 0 foo", EMPTY_SCAN),
        ("HSCAN nokey 0 count 0", EMPTY_SCAN),
        ("SET s v", OK),
        ("HSCAN s 0", WRONGTYPE),
        ("HSCAN s abc", err("ERR invalid cursor")),
    ])


def test_hscan_listpack_returns_all(raw):
    run(raw, [
        ("HSET h a 1 b 2 c 3 ab 4", integer(4)),
        ("HSCAN h 0", b"*2\r\n$1\r\n0\r\n" +
         array("a", "1", "b", "2", "c", "3", "ab", "4")),
        ("HSCAN h 0 COUNT 1", b"*2\r\n$1\r\n0\r\n" +
         array("a", "1", "b", "2", "c", "3", "ab", "4")),
        # a listpack has no cursor: any value gives everything
        ("HSCAN h 12345", b"*2\r\n$1\r\n0\r\n" +
         array("a", "1", "b", "2", "c", "3", "ab", "4")),
        ("HSCAN h -1 match a*", b"*2\r\n$1\r\n0\r\n" +
         array("a", "1", "ab", "4")),
        ("HSCAN h +0 MATCH * count 5", b"*2\r\n$1\r\n0\r\n" +
         array("a", "1", "b", "2", "c", "3", "ab", "4")),
        ("HSCAN h 0 match zz*", b"*2\r\n$1\r\n0\r\n*0\r\n"),
        # MATCH looks at fields only, integer fields by their text
        ("HSET n 10 a 20 b 1 c", integer(3)),
        ("HSCAN n 0 match 1*", b"*2\r\n$1\r\n0\r\n" + array("10", "a", "1",
                                                             "c")),
    ])


def full_scan(raw, key, *opts):
    cursor = b"0"
    out = {}
    calls = 0
    while True:
        cursor, items = raw.cmd("HSCAN", key, cursor, *opts)
        calls += 1
        for f, v in zip(items[::2], items[1::2]):
            out[f] = v
        if cursor == b"0":
            return out, calls


def test_hscan_hashtable_cursor(raw, limits):
    limits(16)
    n = 500
    args = ["HSET", "h"]
    for i in range(n):
        args += ["f%d" % i, "v%d" % i]
    raw.cmd(*args)
    assert encoding(raw, "h") == b"hashtable"
    got, calls = full_scan(raw, "h")
    assert got == {b"f%d" % i: b"v%d" % i for i in range(n)}
    assert calls > 10
    got, calls = full_scan(raw, "h", "COUNT", "100")
    assert len(got) == n and calls < 20
    got, _ = full_scan(raw, "h", "MATCH", "f1*")
    assert set(got) == {b"f%d" % i for i in range(n)
                        if str(i).startswith("1")}
    # a big COUNT takes everything in one call
    cursor, items = raw.cmd("HSCAN", "h", "0", "COUNT", "9223372036854775807")
    assert cursor == b"0" and len(items) == 2 * n


def test_hscan_survives_changes(raw, limits):
    limits(8)
    raw.cmd("HSET", "h", *[x for i in range(100) for x in ("k%d" % i, "v")])
    cursor, seen = b"0", set()
    step = 0
    while True:
        cursor, items = raw.cmd("HSCAN", "h", cursor)
        seen |= set(items[::2])
        # grow the table while scanning: fields present throughout must
        # still be returned
        raw.cmd("HSET", "h", *[x for i in range(20) for x in
                               ("new%d_%d" % (step, i), "v")])
        step += 1
        if cursor == b"0":
            break
    assert {b"k%d" % i for i in range(100)} <= seen


# ------------------------------------------------------------- WRONGTYPE

def test_wrongtype(raw):
    raw.cmd("SET", "s", "v")
    for cmd in ["HSET s a 1", "HMSET s a 1", "HSETNX s a 1", "HGET s a",
                "HMGET s a", "HGETALL s", "HKEYS s", "HVALS s", "HLEN s",
                "HEXISTS s a", "HSTRLEN s a", "HDEL s a", "HINCRBY s a 1",
                "HINCRBYFLOAT s a 1", "HRANDFIELD s", "HRANDFIELD s 2",
                "HSCAN s 0"]:
        assert raw.cmd_raw(*cmd.split()) == WRONGTYPE, cmd
    assert raw.cmd("GET", "s") == b"v"
    raw.cmd("HSET", "h", "a", "1")
    assert raw.cmd_raw("GET", "h") == WRONGTYPE
    assert raw.cmd_raw("INCR", "h") == WRONGTYPE


# ------------------------------------------------------------------- RESP3

def test_resp3_shapes(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2")
    raw.cmd("HELLO", "3")
    run(raw, [
        ("HGETALL h", b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        ("HGETALL nokey", b"%0\r\n"),
        ("HKEYS h", array("a", "b")),
        ("HKEYS nokey", b"*0\r\n"),
        ("HVALS h", array("1", "2")),
        ("HGET h zz", b"_\r\n"),
        ("HMGET h a zz", b"*2\r\n$1\r\n1\r\n_\r\n"),
        ("HMGET nokey a", b"*1\r\n_\r\n"),
        ("HINCRBYFLOAT h a 1.5", bulk("2.5")),
        ("HINCRBY h b 1", integer(3)),
        ("HSCAN h 0", b"*2\r\n$1\r\n0\r\n" + array("a", "2.5", "b", "3")),
        ("HSCAN nokey 0", EMPTY_SCAN),
        ("HEXISTS h a", integer(1)),
    ])
    got = raw.cmd("HGETALL", "h")
    assert isinstance(got, Map) and got == {b"a": b"2.5", b"b": b"3"}
    assert raw.cmd("HGET", "h", "zz") is Null


# --------------------------------------------------------------- encodings

def test_encoding_thresholds(raw, limits):
    limits(4, 8)
    run(raw, [
        ("HSET h a 1 b 2 c 3 d 4", integer(4)),
        ("OBJECT ENCODING h", bulk("listpack")),
        ("HSET h a 11", integer(0)),
        ("OBJECT ENCODING h", bulk("listpack")),
        ("HSET h e 5", integer(1)),
        ("OBJECT ENCODING h", bulk("hashtable")),
        # one-way: back under the limit it stays a table
        ("HDEL h a b c d", integer(4)),
        ("OBJECT ENCODING h", bulk("hashtable")),
        ("HGETALL h", array("e", "5")),
        # value length: equal to the limit fits, one more converts
        ("HSET v f 12345678", integer(1)),
        ("OBJECT ENCODING v", bulk("listpack")),
        ("HSET v f 123456789", integer(0)),
        ("OBJECT ENCODING v", bulk("hashtable")),
        ("HGET v f", bulk("123456789")),
        # field length
        ("HSET k abcdefgh 1", integer(1)),
        ("OBJECT ENCODING k", bulk("listpack")),
        ("HSET k abcdefghi 1", integer(1)),
        ("OBJECT ENCODING k", bulk("hashtable")),
        ("HGET k abcdefgh", bulk("1")),
    ])


def test_encoding_conversion_paths(raw, limits):
    long = "x" * 65
    run(raw, [
        # HSETNX converts for a long field or value only when it sets
        ("HSET d x 1", integer(1)),
        ("HSETNX d x " + long, integer(0)),
        ("OBJECT ENCODING d", bulk("listpack")),
        ("HSETNX c " + long + " 1", integer(1)),
        ("OBJECT ENCODING c", bulk("hashtable")),
        ("HSETNX c2 x " + long, integer(1)),
        ("OBJECT ENCODING c2", bulk("hashtable")),
        # HINCRBY with a long field name
        ("HINCRBY b " + long + " 1", integer(1)),
        ("OBJECT ENCODING b", bulk("hashtable")),
        ("HGET b " + long, bulk("1")),
        # HINCRBYFLOAT whose result is longer than the limit
        ("HSET f x 1e70", integer(1)),
        ("OBJECT ENCODING f", bulk("listpack")),
    ])
    assert len(raw.cmd("HINCRBYFLOAT", "f", "x", "1")) == 71
    assert encoding(raw, "f") == b"hashtable"
    # thresholds lowered after creation apply to the next write
    run(raw, [("HSET g a 1 b 2", integer(2)),
              ("OBJECT ENCODING g", bulk("listpack"))])
    limits(128, 0)
    run(raw, [("HINCRBY g a 1", integer(2)),
              ("OBJECT ENCODING g", bulk("hashtable"))])
    assert pairs_of(raw.cmd("HGETALL", "g")) == {b"a": b"2", b"b": b"2"}
    # entries 0: every hash is a table
    limits(0)
    run(raw, [("HSET z a 1", integer(1)),
              ("OBJECT ENCODING z", bulk("hashtable")),
              ("HINCRBY z2 a 1", integer(1)),
              ("OBJECT ENCODING z2", bulk("hashtable")),
              ("HSETNX z3 a 1", integer(1)),
              ("OBJECT ENCODING z3", bulk("hashtable"))])
    # value limit 0: only empty fields and values fit
    limits(128, 0)
    run(raw, [(["HSET", "e", "", ""], integer(1)),
              ("OBJECT ENCODING e", bulk("listpack")),
              (["HSET", "e2", "", "1"], integer(1)),
              ("OBJECT ENCODING e2", bulk("hashtable"))])


def test_conversion_keeps_every_pair(raw, limits):
    limits(50)
    fields = {}
    for i in range(50):
        f = ("%d" % i) if i % 2 else "field:%d" % i
        v = ("%d" % (i * 1000 - 7)) if i % 3 else "val%d" % i
        fields[f.encode()] = v.encode()
        raw.cmd("HSET", "h", f, v)
    assert encoding(raw, "h") == b"listpack"
    raw.cmd("HSET", "h", "last", "1")
    fields[b"last"] = b"1"
    assert encoding(raw, "h") == b"hashtable"
    assert pairs_of(raw.cmd("HGETALL", "h")) == fields
    assert raw.cmd("HLEN", "h") == 51


# --------------------------------------------------- generic key commands

@pytest.mark.parametrize("entries", [128, 2])
def test_copy_rename_move_type(raw, limits, entries):
    limits(entries)
    enc = b"listpack" if entries == 128 else b"hashtable"
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("TYPE h", b"+hash\r\n"),
        ("COPY h h2", integer(1)),
        ("OBJECT ENCODING h2", bulk(enc)),
        ("HSET h2 a changed", integer(0)),
        ("HGET h a", bulk("1")),
        ("HGET h2 a", bulk("changed")),
        ("HDEL h2 a b c", integer(3)),
        ("EXISTS h2", integer(0)),
        ("HLEN h", integer(3)),
        ("RENAME h h3", OK),
        ("EXISTS h", integer(0)),
        ("HGET h3 b", bulk("2")),
        ("OBJECT ENCODING h3", bulk(enc)),
        ("MOVE h3 1", integer(1)),
        ("EXISTS h3", integer(0)),
        ("SELECT 1", OK),
        ("HGET h3 c", bulk("3")),
        ("COPY h3 h3 DB 0", integer(1)),
        ("FLUSHDB", OK),
        ("SELECT 0", OK),
        ("HLEN h3", integer(3)),
    ])
    assert raw.cmd("SCAN", "0", "TYPE", "hash")[1] == [b"h3"]
    raw.cmd("SET", "str", "v")
    assert raw.cmd("SCAN", "0", "TYPE", "HASH")[1] == [b"h3"]
    assert raw.cmd("SCAN", "0", "TYPE", "string")[1] == [b"str"]


def test_expiry(raw):
    run(raw, [
        ("HSET h a 1", integer(1)),
        ("PEXPIRE h 50", integer(1)),
        ("HSET h b 2", integer(1)),
    ])
    ttl = raw.cmd("PTTL", "h")
    assert 0 < ttl <= 50  # a write to the hash keeps its TTL
    time.sleep(0.1)
    run(raw, [
        ("HGET h a", NIL),
        ("EXISTS h", integer(0)),
        ("HINCRBY h a 1", integer(1)),
        ("TTL h", integer(-1)),
    ])


def test_overwrite_by_set_and_del(raw, limits):
    limits(2)
    run(raw, [
        ("HSET h a 1 b 2 c 3", integer(3)),
        ("SET h v", OK),
        ("GET h", bulk("v")),
        ("HSET h2 a 1", integer(1)),
        ("DEL h2", integer(1)),
        ("HSET big " + " ".join("f%d v" % i for i in range(200)),
         integer(200)),
        ("UNLINK big", integer(1)),
        ("EXISTS big", integer(0)),
    ])


# -------------------------------------------------------------- statistics

def test_keyspace_hits_and_dirty(raw):
    raw.cmd("HSET", "h", "a", "1")
    base = stats(raw)

    def delta(*args):
        nonlocal base
        raw.cmd(*args)
        now = stats(raw)
        d = tuple(x - y for x, y in zip(now, base))
        base = stats(raw)  # INFO does not move the counters
        return d

    # reads count hits and misses; writes count neither
    assert delta("HGET", "h", "a") == (1, 0, 0)
    assert delta("HGET", "nokey", "a") == (0, 1, 0)
    assert delta("HMGET", "h", "a", "b") == (1, 0, 0)
    assert delta("HLEN", "nokey") == (0, 1, 0)
    assert delta("HGETALL", "h") == (1, 0, 0)
    assert delta("HSCAN", "nokey", "0") == (0, 1, 0)
    assert delta("HRANDFIELD", "h", "2") == (1, 0, 0)
    assert delta("HEXISTS", "h", "a") == (1, 0, 0)
    assert delta("HSTRLEN", "nokey", "a") == (0, 1, 0)
    # dirty: one per pair set (even unchanged), per field deleted
    assert delta("HSET", "h", "a", "1", "b", "2", "a", "3") == (0, 0, 3)
    assert delta("HSET", "new", "a", "1", "b", "2") == (0, 0, 2)
    assert delta("HSETNX", "h", "a", "9") == (0, 0, 0)
    assert delta("HSETNX", "h", "z", "9") == (0, 0, 1)
    assert delta("HINCRBY", "h", "n", "0") == (0, 0, 1)
    assert delta("HINCRBYFLOAT", "h", "n", "1") == (0, 0, 1)
    assert delta("HINCRBY", "h", "a", "x") == (0, 0, 0)
    assert delta("HDEL", "h", "a", "zz") == (0, 0, 1)
    assert delta("HDEL", "new", "a", "b", "c") == (0, 0, 2)
    assert delta("HDEL", "nokey", "a") == (0, 0, 0)


# ------------------------------------------------------------ COMMAND INFO

def test_command_info(raw):
    got = raw.cmd("COMMAND", "INFO", "hset", "hgetall", "hscan")
    assert [g[:6] for g in got] == [
        [b"hset", -4, [b"write", b"denyoom", b"fast"], 1, 1, 1],
        [b"hgetall", 2, [b"readonly"], 1, 1, 1],
        [b"hscan", -3, [b"readonly"], 1, 1, 1],
    ]


# ------------------------------------------------------- model-based check

@pytest.mark.parametrize("entries", [128, 8])
def test_random_ops_against_model(raw, limits, entries):
    """Random writes and reads on a few hashes, checked against a dict;
    small limits make the hashes convert along the way."""
    import random
    rnd = random.Random(entries)
    limits(entries, 16)
    model = {}
    keys = ["k%d" % i for i in range(4)]
    fields = ["f%d" % i for i in range(20)] + ["%d" % i for i in range(-3, 8)]
    for step in range(1500):
        k = rnd.choice(keys)
        h = model.setdefault(k, {})
        f = rnd.choice(fields)
        op = rnd.randrange(9)
        if op == 0:
            v = rnd.choice(["x" * rnd.randrange(0, 20), str(rnd.randrange(
                -1000, 1000)), "01", ""])
            assert raw.cmd("HSET", k, f, v) == (f not in h)
            h[f] = v
        elif op == 1:
            fs = rnd.sample(fields, 3)
            assert raw.cmd("HDEL", k, *fs) == sum(x in h for x in fs)
            for x in fs:
                h.pop(x, None)
        elif op == 2:
            cur = h.get(f, "0")
            try:
                n = int(cur)
                ok = str(n) == cur
            except ValueError:
                ok = False
            got = raw.cmd_raw("HINCRBY", k, f, "3")
            if ok:
                assert got == integer(n + 3)
                h[f] = str(n + 3)
            else:
                assert got == NOT_HASH_INT
        elif op == 3:
            got = raw.cmd("HGET", k, f)
            assert got == (h[f].encode() if f in h else None)
        elif op == 4:
            fs = rnd.sample(fields, 4)
            assert raw.cmd("HMGET", k, *fs) == [
                h[x].encode() if x in h else None for x in fs]
        elif op == 5:
            assert raw.cmd("HLEN", k) == len(h)
            assert raw.cmd("HEXISTS", k, f) == (f in h)
            assert raw.cmd("HSTRLEN", k, f) == len(h.get(f, ""))
        elif op == 6:
            assert raw.cmd("HSETNX", k, f, "nx") == (f not in h)
            h.setdefault(f, "nx")
        elif op == 7:
            flat = raw.cmd("HGETALL", k)
            assert pairs_of(flat) == {a.encode(): b.encode()
                                      for a, b in h.items()}
            assert len(flat) == 2 * len(h)
            assert sorted(raw.cmd("HKEYS", k)) == sorted(
                a.encode() for a in h)
        else:
            if h:
                got = raw.cmd("HRANDFIELD", k, "-3", "WITHVALUES")
                for a, b in zip(got[::2], got[1::2]):
                    assert h[a.decode()].encode() == b
        if not h:
            assert raw.cmd("EXISTS", k) == 0
    for k, h in model.items():
        enc = encoding(raw, k)
        if h and enc == b"listpack":
            assert len(h) <= entries
            assert all(len(a) <= 16 and len(b) <= 16 for a, b in h.items())
