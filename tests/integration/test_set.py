"""Set commands: exact replies and errors, RESP3 shapes, the intset and
hashtable encodings and their conversions, randomness of SPOP/SRANDMEMBER,
SSCAN, keyspace statistics, and the generic commands on sets. Every
expectation was observed on redis-server 7.0.15 (which has no listpack
sets: set-max-listpack-entries arrived in 7.2)."""

import collections
import random
import time

import pytest

from conftest import (OK, NIL, SYNTAX, NOT_INT, WRONGTYPE, EMPTY_SCAN, bulk,
                      integer, err, array, wrong_args, Set, Null, run,
                      encoding)

NOT_POSITIVE = err("ERR value is out of range, must be positive")
EMPTY_ARRAY = b"*0\r\n"




def members(raw, key):
    return sorted(raw.cmd("SMEMBERS", key))


def bset(*items):
    return sorted(str(i).encode() for i in items)


@pytest.fixture
def limit(raw):
    """limit(n): CONFIG SET set-max-intset-entries for one test; the
    default (512) comes back afterwards."""
    def set_limit(n):
        assert raw.cmd("CONFIG", "SET", "set-max-intset-entries", str(n)) \
            == b"OK"
    yield set_limit
    set_limit(512)


def stats(raw):
    """(keyspace_hits, keyspace_misses, rdb_changes_since_last_save)"""
    text = raw.cmd("INFO", "stats") + raw.cmd("INFO", "persistence")
    d = dict(line.split(b":", 1) for line in text.split(b"\r\n")
             if b":" in line)
    return (int(d[b"keyspace_hits"]), int(d[b"keyspace_misses"]),
            int(d[b"rdb_changes_since_last_save"]))


# ------------------------------------------------------ basic membership

def test_sadd_srem_scard_sismember(raw):
    run(raw, [
        ("SADD s a b c", integer(3)),
        ("SADD s a d a", integer(1)),
        ("SCARD s", integer(4)),
        ("SCARD nokey", integer(0)),
        ("SISMEMBER s a", integer(1)),
        ("SISMEMBER s zz", integer(0)),
        ("SISMEMBER nokey a", integer(0)),
        ("SMISMEMBER s a zz d a", array(1, 0, 1, 1)),
        ("SMISMEMBER nokey a b", array(0, 0)),
        ("SREM s a zz", integer(1)),
        ("SREM s a", integer(0)),
        ("SREM nokey a", integer(0)),
        ("SCARD s", integer(3)),
        (["SADD", "s", ""], integer(1)),
        (["SISMEMBER", "s", ""], integer(1)),
        (["SADD", "bin", b"a\x00\r\nb", b"\xff"], integer(2)),
        (["SISMEMBER", "bin", b"a\x00\r\nb"], integer(1)),
        (["SISMEMBER", "bin", "a"], integer(0)),
        ("SCARD bin", integer(2)),
    ])
    assert members(raw, "s") == [b"", b"b", b"c", b"d"]
    assert members(raw, "bin") == sorted([b"a\x00\r\nb", b"\xff"])


def test_long_members(raw):
    big = "x" * 300
    huge = "y" * 70000
    run(raw, [
        (["SADD", "s", big, huge, "short"], integer(3)),
        (["SISMEMBER", "s", big], integer(1)),
        (["SISMEMBER", "s", huge], integer(1)),
        (["SISMEMBER", "s", big[:-1]], integer(0)),
        (["SREM", "s", huge], integer(1)),
    ])
    assert members(raw, "s") == sorted([big.encode(), b"short"])


def test_arity(raw):
    run(raw, [
        ("SADD s", wrong_args("sadd")),
        ("SREM s", wrong_args("srem")),
        ("SMEMBERS", wrong_args("smembers")),
        ("SMEMBERS a b", wrong_args("smembers")),
        ("SISMEMBER s", wrong_args("sismember")),
        ("SISMEMBER s a b", wrong_args("sismember")),
        ("SMISMEMBER s", wrong_args("smismember")),
        ("SCARD", wrong_args("scard")),
        ("SCARD a b", wrong_args("scard")),
        ("SPOP", wrong_args("spop")),
        ("SRANDMEMBER", wrong_args("srandmember")),
        ("SMOVE a b", wrong_args("smove")),
        ("SMOVE a b c d", wrong_args("smove")),
        ("SINTER", wrong_args("sinter")),
        ("SUNION", wrong_args("sunion")),
        ("SDIFF", wrong_args("sdiff")),
        ("SINTERSTORE d", wrong_args("sinterstore")),
        ("SUNIONSTORE d", wrong_args("sunionstore")),
        ("SDIFFSTORE d", wrong_args("sdiffstore")),
        ("SINTERCARD 1", wrong_args("sintercard")),
        ("SSCAN s", wrong_args("sscan")),
    ])


def test_wrongtype(raw):
    raw.cmd("SET", "str", "x")
    raw.cmd("SADD", "s", "1")
    for cmd in ["SADD str a", "SREM str a", "SMEMBERS str", "SISMEMBER str a",
                "SMISMEMBER str a", "SCARD str", "SPOP str", "SPOP str 0",
                "SPOP str 2", "SRANDMEMBER str", "SRANDMEMBER str 0",
                "SRANDMEMBER str -2", "SMOVE str s a", "SMOVE s str 1",
                "SMOVE s str 99", "SINTER s str", "SINTER str nokey",
                "SINTER nokey str", "SUNION nokey str", "SDIFF nokey str",
                "SDIFF str nokey", "SINTERSTORE d nokey str",
                "SUNIONSTORE d s str", "SDIFFSTORE d nokey str",
                "SINTERCARD 1 str", "SINTERCARD 2 nokey str",
                "SSCAN str 0", "SSCAN str 0 COUNT 0"]:
        assert raw.cmd_raw(*cmd.split(" ")) == WRONGTYPE, cmd
    run(raw, [
        # a missing source is checked before the destination's type
        ("SMOVE nokey str a", integer(0)),
        # argument errors come before the type check
        ("SPOP str -1", NOT_POSITIVE),
        ("SPOP str 1 2", SYNTAX),
        ("SRANDMEMBER str x", NOT_INT),
        ("SSCAN str x", err("ERR invalid cursor")),
        ("SINTERCARD 1 str LIMIT -1", err("ERR LIMIT can't be negative")),
        ("GET str", bulk("x")),
        ("SMEMBERS s", array("1")),
        ("EXISTS d", integer(0)),
    ])


def test_smembers(raw):
    run(raw, [
        ("SMEMBERS nokey", EMPTY_ARRAY),
        ("SADD s 3 -1 2 100000 -5000000000", integer(5)),
        # an intset replies in ascending order
        ("SMEMBERS s", array("-5000000000", "-1", "2", "3", "100000")),
    ])
    raw.cmd("SADD", "h", "b", "a", "c")
    assert members(raw, "h") == [b"a", b"b", b"c"]


# --------------------------------------------------------------- encodings

@pytest.mark.parametrize("member,enc", [
    ("1", b"intset"), ("0", b"intset"), ("-1", b"intset"),
    ("9223372036854775807", b"intset"), ("-9223372036854775808", b"intset"),
    ("9223372036854775808", b"hashtable"), ("-0", b"hashtable"),
    ("01", b"hashtable"), ("+1", b"hashtable"), (" 1", b"hashtable"),
    ("1 ", b"hashtable"), ("1.0", b"hashtable"), ("0x10", b"hashtable"),
    ("", b"hashtable"), ("a", b"hashtable"),
])
def test_intset_needs_canonical_integers(raw, member, enc):
    assert raw.cmd("SADD", "s", member) == 1
    assert encoding(raw, "s") == enc
    assert raw.cmd("SMEMBERS", "s") == [member.encode()]


def test_intset_widths_and_order(raw):
    vals = [0, 1, -1, 32767, -32768, 32768, -32769, 2147483647, -2147483648,
            2147483648, -2147483649, 9223372036854775807,
            -9223372036854775808]
    for v in vals:
        raw.cmd("SADD", "s", str(v))
    assert encoding(raw, "s") == b"intset"
    assert raw.cmd("SMEMBERS", "s") == [str(v).encode() for v in sorted(vals)]
    assert raw.cmd("SISMEMBER", "s", "-32769") == 1
    assert raw.cmd("SISMEMBER", "s", "5") == 0
    assert raw.cmd("SREM", "s", "-9223372036854775808", "32767") == 2
    assert raw.cmd("SCARD", "s") == len(vals) - 2


def test_encoding_threshold(raw, limit):
    limit(4)
    run(raw, [
        ("SADD s 1 2 3 4", integer(4)),
        ("OBJECT ENCODING s", bulk("intset")),
        ("SADD s 4", integer(0)),
        ("OBJECT ENCODING s", bulk("intset")),
        ("SADD s 5", integer(1)),
        ("OBJECT ENCODING s", bulk("hashtable")),
        # one-way: removing members keeps the hashtable
        ("SREM s 1 2 3 4", integer(4)),
        ("OBJECT ENCODING s", bulk("hashtable")),
        ("SADD t 1 2 3 4 5 6", integer(6)),
        ("OBJECT ENCODING t", bulk("hashtable")),
        # a non-integer converts at once
        ("SADD u 1 2", integer(2)),
        ("SADD u x", integer(1)),
        ("OBJECT ENCODING u", bulk("hashtable")),
        ("SREM u x", integer(1)),
        ("OBJECT ENCODING u", bulk("hashtable")),
    ])
    # the first member decides the starting encoding, later ones convert
    raw.cmd("SADD", "v", "a", "1")
    assert encoding(raw, "v") == b"hashtable"


def test_lowered_limit_applies_at_next_add(raw, limit):
    raw.cmd("SADD", "s", *range(10))
    limit(3)
    assert encoding(raw, "s") == b"intset"
    assert raw.cmd("SADD", "s", "5") == 0          # nothing added
    assert encoding(raw, "s") == b"intset"
    assert raw.cmd("SADD", "s", "10") == 1
    assert encoding(raw, "s") == b"hashtable"
    assert members(raw, "s") == bset(*range(11))


def test_limit_zero(raw, limit):
    limit(0)
    raw.cmd("SADD", "s", "1")
    assert encoding(raw, "s") == b"hashtable"


def test_conversion_keeps_every_member(raw, limit):
    limit(64)
    vals = [(-1) ** i * (7 ** (i % 20)) + i for i in range(64)]
    raw.cmd("SADD", "s", *vals)
    assert encoding(raw, "s") == b"intset"
    raw.cmd("SADD", "s", "extra")
    assert encoding(raw, "s") == b"hashtable"
    assert members(raw, "s") == sorted(
        [str(v).encode() for v in vals] + [b"extra"])
    for v in vals:
        assert raw.cmd("SISMEMBER", "s", str(v)) == 1
    assert raw.cmd("SISMEMBER", "s", "0" + str(abs(vals[1]))) == 0


def test_no_listpack_sets_in_7_0(raw):
    assert raw.cmd("CONFIG", "GET", "set-max-listpack-entries") == []
    assert raw.cmd_raw("CONFIG", "SET", "set-max-listpack-entries", "5") == \
        err("ERR Unknown option or number of arguments for CONFIG SET - "
            "'set-max-listpack-entries'")
    raw.cmd("SADD", "s", "a", "b")
    assert encoding(raw, "s") == b"hashtable"


# ------------------------------------------------------------ empty keys

def test_empty_sets_are_deleted(raw):
    run(raw, [
        ("SADD s 1 2", integer(2)),
        ("SREM s 1 2 3", integer(2)),
        ("EXISTS s", integer(0)),
        ("SADD s a", integer(1)),
        ("SPOP s", bulk("a")),
        ("EXISTS s", integer(0)),
        ("SADD s 7", integer(1)),
        ("SPOP s 5", array("7")),
        ("EXISTS s", integer(0)),
        ("SADD s x", integer(1)),
        ("SMOVE s t x", integer(1)),
        ("EXISTS s", integer(0)),
        ("SMEMBERS t", array("x")),
    ])


# ------------------------------------------------------------------ SPOP

def test_spop_errors_and_edges(raw):
    raw.cmd("SADD", "s", "1", "2", "3")
    run(raw, [
        ("SPOP nokey", NIL),
        ("SPOP nokey 0", EMPTY_ARRAY),
        ("SPOP nokey 5", EMPTY_ARRAY),
        ("SPOP s 0", EMPTY_ARRAY),
        ("SPOP s -1", NOT_POSITIVE),
        ("SPOP s a", NOT_POSITIVE),
        ("SPOP s 01", NOT_POSITIVE),
        ("SPOP s +1", NOT_POSITIVE),
        ("SPOP s -9223372036854775808", NOT_POSITIVE),
        ("SPOP s 99999999999999999999", NOT_POSITIVE),
        ("SPOP s 1 2", SYNTAX),
        ("SPOP nokey 1 2", SYNTAX),
        ("SCARD s", integer(3)),
        # a count covering the set returns it all (intset: ascending)
        ("SPOP s 9223372036854775807", array("1", "2", "3")),
        ("EXISTS s", integer(0)),
    ])


@pytest.mark.parametrize("kind", ["int", "str"])
def test_spop_counts(raw, kind):
    items = [str(i) if kind == "int" else "m%d" % i for i in range(30)]
    for count in (1, 3, 10, 20, 25, 29):
        raw.cmd("DEL", "s")
        raw.cmd("SADD", "s", *items)
        got = raw.cmd("SPOP", "s", str(count))
        assert len(got) == count and len(set(got)) == count
        left = raw.cmd("SMEMBERS", "s")
        assert len(left) == 30 - count
        assert sorted(got + left) == sorted(i.encode() for i in items)
    raw.cmd("DEL", "s")
    raw.cmd("SADD", "s", *items)
    popped = [raw.cmd("SPOP", "s") for _ in range(30)]
    assert sorted(popped) == sorted(i.encode() for i in items)
    assert raw.cmd("EXISTS", "s") == 0


def test_spop_keeping_few_builds_a_new_set(raw, limit):
    """When few members stay (remaining * 5 <= count), Redis moves them to
    a new set that replaces the old one: integers become an intset again."""
    limit(4)
    raw.cmd("SADD", "s", *range(1, 11))
    assert encoding(raw, "s") == b"hashtable"
    raw.cmd("PEXPIRE", "s", "100000")
    assert len(raw.cmd("SPOP", "s", "9")) == 9
    assert encoding(raw, "s") == b"intset"
    assert raw.cmd("SCARD", "s") == 1
    assert raw.cmd("PTTL", "s") > 0           # the key keeps its TTL
    # more remaining: members are popped one by one, the table stays
    raw.cmd("SADD", "t", *range(1, 11))
    raw.cmd("SPOP", "t", "8")
    assert encoding(raw, "t") == b"hashtable"
    assert raw.cmd("SCARD", "t") == 2
    # an intset whose limit was lowered meanwhile becomes a table
    limit(512)
    raw.cmd("SADD", "u", *range(100))
    limit(3)
    raw.cmd("SPOP", "u", "90")
    assert encoding(raw, "u") == b"hashtable"
    assert raw.cmd("SCARD", "u") == 10


def test_spop_uniform(raw):
    raw.cmd("SADD", "s", *range(10))
    counts = collections.Counter()
    for _ in range(40):
        counts.update(raw.cmd("SPOP", "s", "3"))
        raw.cmd("DEL", "s")
        raw.cmd("SADD", "s", *range(10))
    assert len(counts) == 10
    assert min(counts.values()) >= 2


# ----------------------------------------------------------- SRANDMEMBER

def test_srandmember_errors_and_edges(raw):
    raw.cmd("SADD", "s", "1", "2", "3")
    run(raw, [
        ("SRANDMEMBER nokey", NIL),
        ("SRANDMEMBER nokey 0", EMPTY_ARRAY),
        ("SRANDMEMBER nokey 3", EMPTY_ARRAY),
        ("SRANDMEMBER nokey -3", EMPTY_ARRAY),
        ("SRANDMEMBER s 0", EMPTY_ARRAY),
        ("SRANDMEMBER s a", NOT_INT),
        ("SRANDMEMBER s +1", NOT_INT),
        ("SRANDMEMBER s 1.5", NOT_INT),
        ("SRANDMEMBER s -9223372036854775808", err(
            "ERR value is out of range, value must between "
            "-9223372036854775807 and 9223372036854775807")),
        ("SRANDMEMBER s 1 2", SYNTAX),
        ("SRANDMEMBER s 3", array("1", "2", "3")),
        ("SRANDMEMBER s 9223372036854775807", array("1", "2", "3")),
        ("SCARD s", integer(3)),
    ])


@pytest.mark.parametrize("kind", ["int", "str"])
def test_srandmember_counts(raw, kind):
    items = [str(i) if kind == "int" else "m%d" % i for i in range(30)]
    raw.cmd("SADD", "s", *items)
    universe = set(i.encode() for i in items)
    for count in (1, 5, 9, 10, 11, 20, 29, 30, 31, 100):
        got = raw.cmd("SRANDMEMBER", "s", str(count))
        assert len(got) == min(count, 30)
        assert len(set(got)) == len(got)
        assert set(got) <= universe
    for count in (1, 5, 30, 100):
        got = raw.cmd("SRANDMEMBER", "s", str(-count))
        assert len(got) == count and set(got) <= universe
    assert raw.cmd("SCARD", "s") == 30
    one = raw.cmd("SRANDMEMBER", "s")
    assert one in universe


@pytest.mark.parametrize("kind", ["int", "str"])
def test_srandmember_is_uniformish(raw, kind):
    items = [str(i) if kind == "int" else "m%d" % i for i in range(20)]
    raw.cmd("SADD", "s", *items)
    counts = collections.Counter(raw.cmd("SRANDMEMBER", "s", "-4000"))
    assert len(counts) == 20
    assert min(counts.values()) > 80 and max(counts.values()) < 400
    counts = collections.Counter()
    for _ in range(100):
        counts.update(raw.cmd("SRANDMEMBER", "s", "5"))
    assert len(counts) == 20 and min(counts.values()) > 5


# ------------------------------------------------------------------ SMOVE

def test_smove(raw, limit):
    run(raw, [
        ("SADD a 1 2 3", integer(3)),
        ("SADD b x", integer(1)),
        ("SMOVE a b 1", integer(1)),
        ("SMOVE a b 1", integer(0)),
        ("SMOVE a b 99", integer(0)),
        ("SMOVE nokey b 1", integer(0)),
        ("SMEMBERS a", array("2", "3")),
        ("SISMEMBER b 1", integer(1)),
        ("SMOVE a a 2", integer(1)),
        ("SMOVE a a 99", integer(0)),
        ("SMEMBERS a", array("2", "3")),
        # the destination is created in the encoding of the member
        ("SMOVE a new 2", integer(1)),
        ("OBJECT ENCODING new", bulk("intset")),
        ("SADD c y", integer(1)),
        ("SMOVE c new2 y", integer(1)),
        ("OBJECT ENCODING new2", bulk("hashtable")),
        ("EXISTS c", integer(0)),
        # moving into a set that already has the member
        ("SADD d 3", integer(1)),
        ("SMOVE a d 3", integer(1)),
        ("EXISTS a", integer(0)),
        ("SMEMBERS d", array("3")),
    ])
    limit(0)
    raw.cmd("SADD", "e", "5")
    raw.cmd("SMOVE", "e", "f", "5")
    assert encoding(raw, "f") == b"hashtable"


# ------------------------------------------------------ SINTER SUNION SDIFF

def test_algebra_replies(raw):
    raw.cmd("SADD", "a", "1", "2", "3", "4")
    raw.cmd("SADD", "b", "3", "4", "5")
    raw.cmd("SADD", "c", "4", "x", "3")
    run(raw, [
        ("SINTER a b", array("3", "4")),
        ("SINTER a", array("1", "2", "3", "4")),
        ("SINTER a b nokey", EMPTY_ARRAY),
        ("SINTER a a", array("1", "2", "3", "4")),
        ("SUNION a b", array("1", "2", "3", "4", "5")),
        ("SUNION a nokey b", array("1", "2", "3", "4", "5")),
        ("SUNION nokey", EMPTY_ARRAY),
        ("SDIFF a b", array("1", "2")),
        ("SDIFF a nokey", array("1", "2", "3", "4")),
        ("SDIFF nokey a", EMPTY_ARRAY),
        ("SDIFF a a", EMPTY_ARRAY),
        ("SDIFF b a c", array("5")),
        ("SDIFF b a c b", EMPTY_ARRAY),
        ("SINTERCARD 2 a b", integer(2)),
    ])
    assert sorted(raw.cmd("SINTER", "a", "b", "c")) == [b"3", b"4"]
    assert sorted(raw.cmd("SUNION", "b", "c")) == [b"3", b"4", b"5", b"x"]
    assert sorted(raw.cmd("SDIFF", "c", "a")) == [b"x"]


def test_algebra_store(raw, limit):
    raw.cmd("SADD", "a", "1", "2", "3")
    raw.cmd("SADD", "b", "x", "y", "1")
    run(raw, [
        ("SINTERSTORE d a", integer(3)),
        ("OBJECT ENCODING d", bulk("intset")),
        ("SINTERSTORE d a b", integer(1)),
        ("OBJECT ENCODING d", bulk("intset")),
        ("SMEMBERS d", array("1")),
        ("SDIFFSTORE d b a", integer(2)),
        ("OBJECT ENCODING d", bulk("hashtable")),
        ("SDIFFSTORE d a b", integer(2)),
        ("OBJECT ENCODING d", bulk("intset")),
        ("SMEMBERS d", array("2", "3")),
        ("SUNIONSTORE d a b", integer(5)),
        ("OBJECT ENCODING d", bulk("hashtable")),
        # a destination of another type is replaced, its TTL dropped
        ("SET str v EX 100", OK),
        ("SUNIONSTORE str a", integer(3)),
        ("TYPE str", b"+set\r\n"),
        ("TTL str", integer(-1)),
        # a source can be the destination
        ("SDIFFSTORE a a b", integer(2)),
        ("SMEMBERS a", array("2", "3")),
    ])
    limit(2)
    raw.cmd("SADD", "i", "1", "2")
    raw.cmd("SADD", "j", "3")
    assert raw.cmd("SUNIONSTORE", "k", "i", "j") == 3
    assert encoding(raw, "k") == b"hashtable"


def test_store_of_empty_result_deletes(raw):
    raw.cmd("SADD", "a", "1")
    raw.cmd("SADD", "b", "2")
    for cmd in ["SINTERSTORE d a b", "SINTERSTORE d a nokey",
                "SUNIONSTORE d nokey", "SDIFFSTORE d a a",
                "SDIFFSTORE d nokey a"]:
        raw.cmd("SET", "d", "x")
        assert raw.cmd_raw(*cmd.split(" ")) == integer(0), cmd
        assert raw.cmd("EXISTS", "d") == 0, cmd
        assert raw.cmd_raw(*cmd.split(" ")) == integer(0), cmd


def test_sintercard(raw):
    raw.cmd("SADD", "a", *range(10))
    raw.cmd("SADD", "b", *range(5, 20))
    raw.cmd("SET", "str", "x")
    run(raw, [
        ("SINTERCARD 2 a b", integer(5)),
        ("SINTERCARD 2 a b LIMIT 0", integer(5)),
        ("SINTERCARD 2 a b LIMIT 3", integer(3)),
        ("SINTERCARD 2 a b limit 30", integer(5)),
        ("SINTERCARD 2 a b LIMIT 1 LIMIT 2", integer(2)),
        ("SINTERCARD 1 a", integer(10)),
        ("SINTERCARD 2 a nokey", integer(0)),
        ("SINTERCARD 0 a", err("ERR numkeys should be greater than 0")),
        ("SINTERCARD -1 a", err("ERR numkeys should be greater than 0")),
        ("SINTERCARD x a", err("ERR numkeys should be greater than 0")),
        ("SINTERCARD 99999999999999999999 a",
         err("ERR numkeys should be greater than 0")),
        ("SINTERCARD 2 a", err(
            "ERR Number of keys can't be greater than number of args")),
        ("SINTERCARD 3 a b", err(
            "ERR Number of keys can't be greater than number of args")),
        ("SINTERCARD 1 a LIMIT -1", err("ERR LIMIT can't be negative")),
        ("SINTERCARD 1 a LIMIT x", err("ERR LIMIT can't be negative")),
        ("SINTERCARD 1 nokey LIMIT -1", err("ERR LIMIT can't be negative")),
        ("SINTERCARD 1 a LIMIT", SYNTAX),
        ("SINTERCARD 1 a foo", SYNTAX),
        ("SINTERCARD 1 a LIMIT 1 foo", SYNTAX),
        ("SINTERCARD 1 str", WRONGTYPE),
        ("SINTERCARD 2 nokey str", WRONGTYPE),
    ])


def test_algebra_on_hashtables(raw, limit):
    rnd = random.Random(7)
    sets = {}
    for k in "abc":
        vals = set(rnd.sample(range(300), 150)) | {"s%d" % i for i in
                                                   rnd.sample(range(50), 20)}
        sets[k] = set(str(v).encode() for v in vals)
        raw.cmd("SADD", k, *sets[k])
    a, b, c = sets["a"], sets["b"], sets["c"]
    assert sorted(raw.cmd("SINTER", "a", "b", "c")) == sorted(a & b & c)
    assert sorted(raw.cmd("SUNION", "a", "b", "c")) == sorted(a | b | c)
    assert sorted(raw.cmd("SDIFF", "a", "b", "c")) == sorted(a - b - c)
    assert raw.cmd("SINTERCARD", "3", "a", "b", "c") == len(a & b & c)
    assert raw.cmd("SINTERSTORE", "d", "a", "b") == len(a & b)
    assert sorted(raw.cmd("SMEMBERS", "d")) == sorted(a & b)
    assert raw.cmd("SUNIONSTORE", "d", "a", "b") == len(a | b)
    assert raw.cmd("SDIFFSTORE", "d", "c", "a") == len(c - a)
    assert sorted(raw.cmd("SMEMBERS", "d")) == sorted(c - a)


def test_same_key_twice_while_rehashing(raw):
    """A set repeated in SDIFF/SINTER: members must not be looked up in the
    table being walked (a lookup advances its rehash)."""
    for n in (600, 1100, 2100, 4200):
        raw.cmd("DEL", "s")
        raw.cmd("SADD", "s", *("m%d" % i for i in range(n)))
        run(raw, [
            ("SDIFF s s", EMPTY_ARRAY),
            ("SDIFF s nokey s", EMPTY_ARRAY),
            ("SDIFFSTORE d s s", integer(0)),
            ("SINTERCARD 2 s s", integer(n)),
            ("SINTERSTORE d s s s", integer(n)),
            ("SUNIONSTORE d s s", integer(n)),
        ])
        assert len(raw.cmd("SINTER", "s", "s")) == n


# ------------------------------------------------------------------ SSCAN

def test_sscan_errors(raw):
    raw.cmd("SADD", "s", "1", "2")
    raw.cmd("SET", "str", "x")
    run(raw, [
        ("SSCAN s x", err("ERR invalid cursor")),
        ("SSCAN nokey x", err("ERR invalid cursor")),
        ("SSCAN s 18446744073709551616", err("ERR invalid cursor")),
        ("SSCAN s 0 COUNT 0", SYNTAX),
        ("SSCAN s 0 COUNT -1", SYNTAX),
        ("SSCAN s 0 COUNT x", NOT_INT),
        ("SSCAN s 0 MATCH", SYNTAX),
        ("SSCAN s 0 foo bar", SYNTAX),
        ("SSCAN s 0 TYPE string", SYNTAX),
        # a missing key replies before the options are read
        ("SSCAN nokey 0", EMPTY_SCAN),
        ("SSCAN nokey 0 COUNT 0", EMPTY_SCAN),
        ("SSCAN nokey 0 TYPE string", EMPTY_SCAN),
    ])


def test_sscan_intset_returns_everything(raw):
    raw.cmd("SADD", "i", "1", "2", "3", "10", "11", "12", "100")
    all_ = array("1", "2", "3", "10", "11", "12", "100")
    for cursor in ("0", "5", "-1", "", "18446744073709551615"):
        assert raw.cmd_raw("SSCAN", "i", cursor) == b"*2\r\n$1\r\n0\r\n" + all_
    assert raw.cmd_raw("SSCAN", "i", "0", "COUNT", "1") == \
        b"*2\r\n$1\r\n0\r\n" + all_
    assert raw.cmd_raw("SSCAN", "i", "0", "MATCH", "1*") == \
        b"*2\r\n$1\r\n0\r\n" + array("1", "10", "11", "12", "100")
    assert raw.cmd_raw("SSCAN", "i", "0", "match", "2*", "MATCH", "1?") == \
        b"*2\r\n$1\r\n0\r\n" + array("10", "11", "12")


def test_sscan_hashtable_cursor(raw):
    items = set(b"e%d" % i for i in range(2000))
    raw.cmd("SADD", "s", *items)
    seen, cursor, calls = [], b"0", 0
    while True:
        cursor, got = raw.cmd("SSCAN", "s", cursor, "COUNT", "50")
        seen += got
        calls += 1
        if cursor == b"0":
            break
    assert set(seen) == items
    assert 10 < calls < 200
    cursor, got = raw.cmd("SSCAN", "s", "0", "COUNT", "100000")
    assert cursor == b"0" and set(got) == items
    seen, cursor = [], b"0"
    while True:
        cursor, got = raw.cmd("SSCAN", "s", cursor, "MATCH", "e1?")
        seen += got
        if cursor == b"0":
            break
    assert sorted(set(seen)) == sorted(b"e1%d" % i for i in range(10))


def test_sscan_survives_changes(raw):
    raw.cmd("SADD", "s", *("k%d" % i for i in range(500)))
    seen, cursor = set(), b"0"
    i = 0
    while True:
        cursor, got = raw.cmd("SSCAN", "s", cursor)
        seen.update(got)
        raw.cmd("SADD", "s", *("n%d" % j for j in range(i, i + 30)))
        i += 30
        if cursor == b"0":
            break
    # every member present for the whole scan was returned
    assert set(b"k%d" % i for i in range(500)) <= seen


# ------------------------------------------------------------------ RESP3

def test_resp3_shapes(raw):
    raw.cmd("HELLO", "3")
    raw.cmd("SADD", "s", "1", "2", "3")
    run(raw, [
        ("SMEMBERS s", b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("SMEMBERS nokey", b"~0\r\n"),
        ("SINTER s nokey", b"~0\r\n"),
        ("SINTER s", b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("SUNION s nokey", b"~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("SDIFF nokey s", b"~0\r\n"),
        ("SPOP nokey", b"_\r\n"),
        ("SPOP nokey 1", b"~0\r\n"),
        ("SPOP s 0", b"~0\r\n"),
        ("SRANDMEMBER nokey", b"_\r\n"),
        ("SRANDMEMBER nokey 2", b"*0\r\n"),
        ("SRANDMEMBER s 0", b"*0\r\n"),
        ("SRANDMEMBER s 3", b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("SMISMEMBER s 1 9", b"*2\r\n:1\r\n:0\r\n"),
        ("SISMEMBER s 1", b":1\r\n"),
        ("SSCAN s 0", b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("SSCAN nokey 0", EMPTY_SCAN),
        ("SINTERCARD 1 s", b":3\r\n"),
    ])
    got = raw.cmd("SPOP", "s", "2")
    assert isinstance(got, Set) and len(got) == 2
    got = raw.cmd("SRANDMEMBER", "s", "-3")
    assert not isinstance(got, Set) and len(got) == 3
    assert raw.cmd_raw("SPOP", "s", "5") == b"~1\r\n" + bulk(got[0])
    assert raw.cmd("SPOP", "nokey") is Null


# ---------------------------------------------------- generic key commands

@pytest.mark.parametrize("kind", ["int", "str"])
def test_copy_rename_move_type(raw, kind):
    enc = b"intset" if kind == "int" else b"hashtable"
    m = ["1", "2", "3"] if kind == "int" else ["a", "b", "c"]
    run(raw, [
        (["SADD", "s"] + m, integer(3)),
        ("TYPE s", b"+set\r\n"),
        ("COPY s s2", integer(1)),
        ("OBJECT ENCODING s2", bulk(enc)),
        (["SREM", "s2", m[0]], integer(1)),
        (["SISMEMBER", "s", m[0]], integer(1)),
        ("SCARD s2", integer(2)),
        ("RENAME s s3", OK),
        ("EXISTS s", integer(0)),
        ("SCARD s3", integer(3)),
        ("OBJECT ENCODING s3", bulk(enc)),
        ("MOVE s3 1", integer(1)),
        ("EXISTS s3", integer(0)),
        ("SELECT 1", OK),
        ("SCARD s3", integer(3)),
        ("COPY s3 s3 DB 0", integer(1)),
        ("FLUSHDB", OK),
        ("SELECT 0", OK),
        ("SCARD s3", integer(3)),
    ])
    raw.cmd("SET", "str", "v")
    assert sorted(raw.cmd("SCAN", "0", "TYPE", "set")[1]) == [b"s2", b"s3"]
    assert raw.cmd("SCAN", "0", "TYPE", "SET", "MATCH", "*3")[1] == [b"s3"]
    assert raw.cmd("SCAN", "0", "TYPE", "string")[1] == [b"str"]


def test_copy_of_big_set_is_deep(raw):
    raw.cmd("SADD", "s", *("m%d" % i for i in range(1000)))
    raw.cmd("COPY", "s", "t")
    raw.cmd("SREM", "s", *("m%d" % i for i in range(500)))
    assert raw.cmd("SCARD", "t") == 1000
    assert raw.cmd("SCARD", "s") == 500
    raw.cmd("DEL", "s")
    assert raw.cmd("SISMEMBER", "t", "m999") == 1


def test_expiry(raw):
    run(raw, [
        ("SADD s a", integer(1)),
        ("PEXPIRE s 50", integer(1)),
        ("SADD s b", integer(1)),
    ])
    ttl = raw.cmd("PTTL", "s")
    assert 0 < ttl <= 50  # a write to the set keeps its TTL
    time.sleep(0.1)
    run(raw, [
        ("SISMEMBER s a", integer(0)),
        ("EXISTS s", integer(0)),
        ("SADD s c", integer(1)),
        ("TTL s", integer(-1)),
    ])


def test_overwrite_and_delete_big(raw):
    run(raw, [
        ("SADD s a b c", integer(3)),
        ("SET s v", OK),
        ("GET s", bulk("v")),
        (["SADD", "big"] + ["m%d" % i for i in range(300)], integer(300)),
        ("UNLINK big", integer(1)),
        (["SADD", "big"] + [str(i) for i in range(300)], integer(300)),
        ("DEL big", integer(1)),
        ("EXISTS big", integer(0)),
    ])


# -------------------------------------------------------------- statistics

def test_keyspace_hits_and_dirty(raw):
    raw.cmd("SADD", "a", "1", "2")
    raw.cmd("SADD", "b", "2", "3")
    base = stats(raw)

    def delta(*args):
        nonlocal base
        raw.cmd(*args)
        now = stats(raw)
        d = tuple(x - y for x, y in zip(now, base))
        base = stats(raw)
        return d

    # reads count a hit or miss per key; writes count neither
    assert delta("SINTER", "a", "b", "nokey") == (2, 1, 0)
    assert delta("SUNION", "a", "nokey") == (1, 1, 0)
    assert delta("SDIFF", "a", "nokey") == (1, 1, 0)
    assert delta("SINTERCARD", "2", "a", "nokey") == (1, 1, 0)
    assert delta("SISMEMBER", "a", "x") == (1, 0, 0)
    assert delta("SMISMEMBER", "nokey", "x") == (0, 1, 0)
    assert delta("SCARD", "nokey") == (0, 1, 0)
    assert delta("SMEMBERS", "a") == (1, 0, 0)
    assert delta("SRANDMEMBER", "a") == (1, 0, 0)
    assert delta("SRANDMEMBER", "nokey", "3") == (0, 1, 0)
    assert delta("SSCAN", "nokey", "0") == (0, 1, 0)
    assert delta("SREM", "nokey", "1") == (0, 0, 0)
    # store forms read their sources, not the destination
    assert delta("SINTERSTORE", "d", "a", "b", "nokey") == (2, 1, 0)
    # dirty: members added / removed / popped; creating or deleting the
    # key counts nothing more
    assert delta("SADD", "c", "1", "2", "3") == (0, 0, 3)
    assert delta("SADD", "c", "1", "4") == (0, 0, 1)
    assert delta("SADD", "c", "1") == (0, 0, 0)
    assert delta("SREM", "c", "1", "9") == (0, 0, 1)
    assert delta("SMOVE", "c", "b", "2") == (0, 0, 1)   # already in b
    assert delta("SMOVE", "c", "b", "4") == (0, 0, 2)
    assert delta("SMOVE", "c", "b", "99") == (0, 0, 0)
    assert delta("SMOVE", "c", "new", "3") == (0, 0, 2)  # c is gone now
    assert delta("SPOP", "new") == (0, 0, 1)
    raw.cmd("SADD", "p", *range(10))
    base = stats(raw)
    assert delta("SPOP", "p", "3") == (0, 0, 3)
    assert delta("SPOP", "p", "6") == (0, 0, 6)
    # a count covering the set goes through SUNION: one more hit
    assert delta("SPOP", "p", "5") == (1, 0, 1)
    assert delta("SINTERSTORE", "d", "a", "a") == (2, 0, 1)
    assert delta("SINTERSTORE", "d", "a", "nokey") == (1, 1, 1)
    assert delta("SINTERSTORE", "d", "a", "nokey") == (1, 1, 0)
    assert delta("SREM", "a", "1", "2") == (0, 0, 2)


# ------------------------------------------------------------ COMMAND INFO

def test_command_info(raw):
    got = raw.cmd("COMMAND", "INFO", "sadd", "smembers", "spop", "smove",
                  "sintercard", "sscan")
    assert [g[:6] for g in got] == [
        [b"sadd", -3, [b"write", b"denyoom", b"fast"], 1, 1, 1],
        [b"smembers", 2, [b"readonly"], 1, 1, 1],
        [b"spop", -2, [b"write", b"fast"], 1, 1, 1],
        [b"smove", 4, [b"write", b"fast"], 1, 2, 1],
        [b"sintercard", -3, [b"readonly", b"movablekeys"], 0, 0, 0],
        [b"sscan", -3, [b"readonly"], 1, 1, 1],
    ]


# ------------------------------------------------------- model-based check

def canonical_int(x):
    try:
        return str(int(x)) == x and x != "-0"
    except ValueError:
        return False


@pytest.mark.parametrize("max_intset", [512, 6])
def test_random_ops_against_model(raw, limit, max_intset):
    """Random writes and reads on a few sets, checked against Python sets;
    a small limit makes the sets convert along the way."""
    rnd = random.Random(max_intset)
    limit(max_intset)
    model = {}
    keys = ["k%d" % i for i in range(4)]
    pool = [str(i) for i in range(-5, 15)] + ["m%d" % i for i in range(10)]
    for step in range(1500):
        k = rnd.choice(keys)
        s = model.get(k, set())
        op = rnd.randrange(10)
        if op <= 2:
            # integers only, most of the time: intsets live long
            src = pool[:20] if rnd.random() < 0.8 else pool
            ms = [rnd.choice(src) for _ in range(rnd.randrange(1, 4))]
            assert raw.cmd("SADD", k, *ms) == len(set(ms) - s)
            model[k] = s | set(ms)
        elif op == 3:
            ms = [rnd.choice(pool) for _ in range(rnd.randrange(1, 4))]
            assert raw.cmd("SREM", k, *ms) == len(set(ms) & s)
            s -= set(ms)
            if s:
                model[k] = s
            else:
                model.pop(k, None)
        elif op == 4:
            got = raw.cmd("SPOP", k, str(rnd.randrange(0, 4)))
            got = set(x.decode() for x in got)
            assert got <= s
            s -= got
            if s:
                model[k] = s
            else:
                model.pop(k, None)
        elif op == 5:
            k2 = rnd.choice(keys)
            m = rnd.choice(pool)
            moved = raw.cmd("SMOVE", k, k2, m)
            assert moved == (1 if m in s else 0)
            if moved and k2 != k:
                s.discard(m)
                if s:
                    model[k] = s
                else:
                    model.pop(k, None)
                model[k2] = model.get(k2, set()) | {m}
        elif op == 6:
            k2, k3 = rnd.choice(keys), rnd.choice(keys)
            cmd = rnd.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
            a, b = model.get(k2, set()), model.get(k3, set())
            res = {"SINTERSTORE": a & b, "SUNIONSTORE": a | b,
                   "SDIFFSTORE": a - b}[cmd]
            assert raw.cmd(cmd, k, k2, k3) == len(res)
            if res:
                model[k] = set(res)
            else:
                model.pop(k, None)
        else:
            m = rnd.choice(pool)
            assert raw.cmd("SISMEMBER", k, m) == (1 if m in s else 0)
        if step % 50 == 0:
            for kk in keys:
                exp = model.get(kk, set())
                got = set(x.decode() for x in raw.cmd("SMEMBERS", kk))
                assert got == exp, (step, kk)
                if exp and not all(canonical_int(x) for x in exp):
                    assert encoding(raw, kk) == b"hashtable"
    assert set(raw.cmd("KEYS", "*")) == set(k.encode() for k in model)


def test_sscan_option_words_stop_at_nul(r):
    """Redis compares option words with strcasecmp, which stops at a NUL
    byte: "COUNT\\0xx" is COUNT, for SSCAN as for HSCAN and ZSCAN."""
    r.sadd("s", "a", "b")
    cursor, members = r.execute_command("SSCAN", "s", 0, b"COUNT\x00xx", 5)
    assert int(cursor) == 0 and sorted(members) == [b"a", b"b"]
    cursor, members = r.execute_command("SSCAN", "s", 0, b"match\x00", "a*")
    assert int(cursor) == 0 and members == [b"a"]
