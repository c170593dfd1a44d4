"""Sorted-set commands: exact replies and errors, option combinations, score
formatting (RESP2 bulk "%.17g", RESP3 doubles), RESP3 shapes, encodings and
their conversions, blocking pops with several clients, and the generic
commands on sorted sets. Every expectation was observed on redis-server
7.0.15."""

import random
import time

import pytest

from conftest import (OK, NIL, NIL_ARRAY, EMPTY_ARRAY, SYNTAX, NOT_INT,
                      NOT_FLOAT, WRONGTYPE, EMPTY_SCAN, bulk, integer,
                      err, array, wrong_args, run)
from conftest import blocked, wait_blocked, block

NOT_RANGE_FLOAT = err("ERR min or max is not a float")
NOT_RANGE_LEX = err("ERR min or max not valid string range item")
LIMIT_ERR = err("ERR syntax error, LIMIT is only supported in combination "
                "with either BYSCORE or BYLEX")
WITHSCORES_LEX = err("ERR syntax error, WITHSCORES not supported in "
                     "combination with BYLEX")
NAN_RESULT = err("ERR resulting score is not a number (NaN)")
NOT_POSITIVE = err("ERR value is out of range, must be positive")
NUMKEYS = err("ERR numkeys should be greater than 0")
COUNT_GT0 = err("ERR count should be greater than 0")
NULL3 = b"_\r\n"



def dbl(text):
    """A RESP3 double as the server writes it."""
    return b",%s\r\n" % text.encode()


def pair(member, score):
    """A RESP3 [member, double] pair."""
    return array(bulk(member), dbl(score))


@pytest.fixture
def limits(raw):
    """set(entries, value): CONFIG SET the listpack thresholds for one test;
    the defaults (128, 64) come back afterwards."""
    def set_limits(entries, value=64):
        raw.cmd("CONFIG", "SET", "zset-max-listpack-entries", str(entries))
        raw.cmd("CONFIG", "SET", "zset-max-listpack-value", str(value))
    yield set_limits
    set_limits(128, 64)


def enc(raw, key):
    return raw.cmd("OBJECT", "ENCODING", key)


# Tests that must hold in both encodings take `encoding`: "skiplist" sets
# zset-max-listpack-entries to 0, so every set is born a skiplist.
@pytest.fixture(params=["listpack", "skiplist"])
def encoding(request, limits):
    limits(128 if request.param == "listpack" else 0)
    return request.param


# ------------------------------------------------------------------ ZADD

def test_zadd_basic(raw, encoding):
    run(raw, [
        ("ZADD z 1 a 2 b 3 c", integer(3)),
        ("ZADD z 1 a 5 b 4 d", integer(1)),
        ("ZADD z 1 a 1 a 1 a", integer(0)),
        ("ZRANGE z 0 -1 WITHSCORES",
         array("a", "1", "c", "3", "d", "4", "b", "5")),
        ("ZCARD z", integer(4)),
        ("OBJECT ENCODING z", bulk(encoding)),
        (["ZADD", "z", "0", ""], integer(1)),
        (["ZSCORE", "z", ""], bulk("0")),
        (["ZADD", "bin", "1", "a\x00b\r\n"], integer(1)),
        ("ZRANGE bin 0 -1", array("a\x00b\r\n")),
    ])


def test_zadd_options(raw, encoding):
    run(raw, [
        ("ZADD z XX 1 a", integer(0)),
        ("EXISTS z", integer(0)),
        ("ZADD z XX INCR 1 a", NIL),
        ("EXISTS z", integer(0)),
        ("ZADD z NX 1 a", integer(1)),
        ("ZADD z NX 5 a 2 b", integer(1)),
        ("ZSCORE z a", bulk("1")),
        ("ZADD z XX 7 a 3 c", integer(0)),
        ("ZSCORE z a", bulk("7")),
        ("ZSCORE z c", NIL),
        ("ZADD z CH 7 a 8 b 9 c", integer(2)),
        ("ZADD z GT CH 1 a 10 b 9 c 4 d", integer(2)),
        ("ZRANGE z 0 -1 WITHSCORES",
         array("d", "4", "a", "7", "c", "9", "b", "10")),
        ("ZADD z LT CH 1 a 11 b 9 c 0 e", integer(2)),
        ("ZRANGE z 0 -1 WITHSCORES",
         array("e", "0", "a", "1", "d", "4", "c", "9", "b", "10")),
        ("ZADD z XX GT CH 100 a 100 zz", integer(1)),
        ("ZCARD z", integer(5)),
        # option words repeat and end at a NUL byte (strcasecmp)
        ("ZADD z ch CH 1 a", integer(1)),
        (["ZADD", "z", "nx\x00junk", "5", "a"], integer(0)),
        ("ZSCORE z a", bulk("1")),
    ])


def test_zadd_incr(raw, encoding):
    run(raw, [
        ("ZADD z INCR 1.5 a", bulk("1.5")),
        ("ZADD z INCR 1.5 a", bulk("3")),
        ("ZADD z INCR INCR 1 a", bulk("4")),
        ("ZADD z NX INCR 1 a", NIL),
        ("ZADD z XX INCR 1 nope", NIL),
        ("ZADD z GT INCR -1 a", NIL),
        ("ZADD z LT INCR 1 a", NIL),
        ("ZADD z GT INCR 1 a", bulk("5")),
        ("ZADD z INCR 0 a", bulk("5")),
        ("ZADD z INCR -inf a", bulk("-inf")),
        ("ZADD z INCR +inf a", NAN_RESULT),
        ("ZSCORE z a", bulk("-inf")),
        ("ZADD z INCR inf b", bulk("inf")),
        ("ZADD z INCR -inf b", NAN_RESULT),
        ("ZADD z INCR 1e308 c", bulk("1e+308")),
        ("ZADD z INCR 1e308 c", bulk("inf")),
        ("ZINCRBY z 2 d", bulk("2")),
        ("ZINCRBY z -0.5 d", bulk("1.5")),
        ("ZINCRBY z inf a", NAN_RESULT),
        ("ZINCRBY z abc a", NOT_FLOAT),
        ("ZINCRBY z nan a", NOT_FLOAT),
        # ZINCRBY parses ZADD's options: the option eats an argument
        ("ZINCRBY z nx a", SYNTAX),
        ("ZINCRBY z incr a", SYNTAX),
        ("ZINCRBY z xx 5", SYNTAX),
        ("ZINCRBY z 1 nx", bulk("1")),
    ])


def test_zadd_errors(raw):
    raw.cmd("SET", "str", "x")
    run(raw, [
        ("ZADD z", wrong_args("zadd")),
        ("ZADD z 1", wrong_args("zadd")),
        ("ZADD z nx", wrong_args("zadd")),
        ("ZADD z 1 a 2", SYNTAX),
        ("ZADD z nx xx", SYNTAX),
        ("ZADD z nx xx 1 a", err("ERR XX and NX options at the same time are "
                                 "not compatible")),
        ("ZADD z nx xx gt 1 a", err("ERR XX and NX options at the same time "
                                    "are not compatible")),
        ("ZADD z nx gt 1 a", err("ERR GT, LT, and/or NX options at the same "
                                 "time are not compatible")),
        ("ZADD z nx lt 1 a", err("ERR GT, LT, and/or NX options at the same "
                                 "time are not compatible")),
        ("ZADD z gt lt 1 a", err("ERR GT, LT, and/or NX options at the same "
                                 "time are not compatible")),
        ("ZADD z incr 1 a 2 b", err("ERR INCR option supports a single "
                                    "increment-element pair")),
        ("ZADD z incr nx xx 1 a 2 b", err("ERR XX and NX options at the same "
                                          "time are not compatible")),
        ("ZADD z abc a", NOT_FLOAT),
        ("ZADD z nan a", NOT_FLOAT),
        ("ZADD z 1e309 a", NOT_FLOAT),
        ("ZADD z 1e-400 a", NOT_FLOAT),
        (["ZADD", "z", " 1", "a"], NOT_FLOAT),
        (["ZADD", "z", "1 ", "a"], NOT_FLOAT),
        (["ZADD", "z", "", "a"], NOT_FLOAT),
        # every score is checked before anything is added
        ("ZADD z 1 a 2 b x c", NOT_FLOAT),
        ("EXISTS z", integer(0)),
        ("ZADD str 1 a", WRONGTYPE),
        ("ZADD str xx 1 a", WRONGTYPE),
        ("ZADD str xx abc a", NOT_FLOAT),
        ("ZINCRBY str 1 a", WRONGTYPE),
        ("ZINCRBY z 1", wrong_args("zincrby")),
        # accepted number forms
        ("ZADD z 0x10 hex +inf pinf -inf ninf 1e2 e .5 h", integer(5)),
        ("ZRANGE z 0 -1 WITHSCORES", array("ninf", "-inf", "h", "0.5", "hex",
                                           "16", "e", "100", "pinf", "inf")),
    ])


# ---------------------------------------------------------- score format

def test_score_formatting(raw, encoding):
    run(raw, [
        ("ZADD z 1.1 a 1e17 b 0.1 c 123456789012345678 d -1e-300 e 2.5e-5 f",
         integer(6)),
        ("ZSCORE z a", bulk("1.1000000000000001")),
        ("ZSCORE z b", bulk("1e+17")),
        ("ZSCORE z c", bulk("0.10000000000000001")),
        ("ZSCORE z d", bulk("1.2345678901234568e+17")),
        ("ZSCORE z e", bulk("-1e-300")),
        ("ZSCORE z f", bulk("2.5000000000000001e-05")),
        ("ZADD z 4503599627370497 g 9007199254740993 h", integer(2)),
        ("ZSCORE z g", bulk("4503599627370497")),
        ("ZSCORE z h", bulk("9007199254740992")),
        ("ZMSCORE z a b nope", array("1.1000000000000001", "1e+17", None)),
    ])


def test_negative_zero(raw, limits):
    # a listpack keeps -0 as the integer 0; a skiplist keeps the double
    run(raw, [
        ("ZADD lp -0 a", integer(1)),
        ("ZSCORE lp a", bulk("0")),
        ("ZADD lp 0 a", integer(0)),
        ("ZADD lp CH 0 a", integer(0)),
    ])
    limits(0)
    run(raw, [
        ("ZADD sk -0 a", integer(1)),
        ("ZSCORE sk a", bulk("-0")),
        ("ZADD sk CH 0 a", integer(0)),
        ("ZSCORE sk a", bulk("-0")),
    ])


def test_zscan_score_text(raw, limits):
    # ZSCAN prints what the encoding holds: a listpack's integers in full,
    # a skiplist's doubles as "%.17g"
    raw.cmd("ZADD", "lp", "1e17", "a", "9.2e18", "b", "1.5", "c")
    assert raw.cmd_raw("ZSCAN", "lp", "0") == b"*2\r\n$1\r\n0\r\n" + array(
        "c", "1.5", "a", "100000000000000000", "b", "9.2e+18")
    limits(0)
    raw.cmd("ZADD", "sk", "1e17", "a")
    assert raw.cmd_raw("ZSCAN", "sk", "0") == b"*2\r\n$1\r\n0\r\n" + array(
        "a", "1e+17")


# -------------------------------------------------- ZREM, ZCARD, ZSCORE

def test_member_commands(raw, encoding):
    raw.cmd("SET", "str", "x")
    run(raw, [
        ("ZADD z 1 a 2 b 3 c", integer(3)),
        ("ZREM z a nope a", integer(1)),
        ("ZREM nokey a", integer(0)),
        ("ZREM str a", WRONGTYPE),
        ("ZREM z", wrong_args("zrem")),
        ("ZCARD z", integer(2)),
        ("ZCARD nokey", integer(0)),
        ("ZCARD str", WRONGTYPE),
        ("ZSCORE z b", bulk("2")),
        ("ZSCORE z a", NIL),
        ("ZSCORE nokey a", NIL),
        ("ZSCORE str a", WRONGTYPE),
        ("ZMSCORE z b a c", array("2", None, "3")),
        ("ZMSCORE nokey a b", array(None, None)),
        ("ZMSCORE str a", WRONGTYPE),
        ("ZMSCORE z", wrong_args("zmscore")),
        ("ZRANK z b", integer(0)),
        ("ZRANK z c", integer(1)),
        ("ZREVRANK z c", integer(0)),
        ("ZRANK z a", NIL),
        ("ZRANK nokey a", NIL),
        ("ZRANK str a", WRONGTYPE),
        ("ZREVRANK str a", WRONGTYPE),
        # 7.0 has no WITHSCORE
        ("ZRANK z b WITHSCORE", wrong_args("zrank")),
        ("ZREVRANK z b WITHSCORE", wrong_args("zrevrank")),
        # the last member removed deletes the key
        ("ZREM z b c", integer(2)),
        ("EXISTS z", integer(0)),
    ])


# ---------------------------------------------------------------- ranges

def test_zrange_by_rank(raw, encoding):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
    run(raw, [
        ("ZRANGE z 0 -1", array("a", "b", "c", "d", "e")),
        ("ZRANGE z 1 3", array("b", "c", "d")),
        ("ZRANGE z -2 -1 WITHSCORES", array("d", "4", "e", "5")),
        ("ZRANGE z -100 100", array("a", "b", "c", "d", "e")),
        ("ZRANGE z 3 1", EMPTY_ARRAY),
        ("ZRANGE z 5 10", EMPTY_ARRAY),
        ("ZRANGE z -1 -1", array("e")),
        ("ZRANGE z 0 1 REV", array("e", "d")),
        ("ZRANGE z 0 1 REV WITHSCORES WITHSCORES", array("e", "5", "d", "4")),
        ("ZREVRANGE z 0 -1", array("e", "d", "c", "b", "a")),
        ("ZREVRANGE z 1 2 WITHSCORES", array("d", "4", "c", "3")),
        ("ZRANGE nokey 0 -1", EMPTY_ARRAY),
        ("ZRANGE z 0 abc", NOT_INT),
        ("ZRANGE z (1 2", NOT_INT),
        ("ZRANGE z 0 -1 LIMIT 0 1", LIMIT_ERR),
        ("ZRANGE z 0 -1 LIMIT 0 -2", LIMIT_ERR),
        # LIMIT x -1 is LIMIT's default: no error, nothing limited
        ("ZRANGE z 0 -1 LIMIT 3 -1", array("a", "b", "c", "d", "e")),
        ("ZRANGE z 0 -1 REV REV", SYNTAX),
        ("ZRANGE z 0 -1 BYSCORE BYLEX", SYNTAX),
        ("ZRANGE z 0 -1 LIMIT 1", SYNTAX),
        ("ZRANGE z 0 -1 foo", SYNTAX),
        ("ZREVRANGE z 0 -1 REV", SYNTAX),
        ("ZREVRANGE z 0 -1 BYSCORE", SYNTAX),
        ("ZREVRANGE z 0 -1 LIMIT 0 1", LIMIT_ERR),
        ("ZRANGE z", wrong_args("zrange")),
    ])


def test_zrange_by_score(raw, encoding):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
    run(raw, [
        ("ZRANGE z 2 4 BYSCORE", array("b", "c", "d")),
        ("ZRANGE z (2 (4 BYSCORE", array("c")),
        ("ZRANGE z -inf +inf BYSCORE LIMIT 1 2", array("b", "c")),
        ("ZRANGE z 4 1 BYSCORE REV LIMIT 1 2 WITHSCORES",
         array("c", "3", "b", "2")),
        ("ZRANGE z (4 (1 BYSCORE REV", array("c", "b")),
        ("ZRANGE z (4 (1 BYSCORE", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z (2 +inf LIMIT 2 10", array("e")),
        ("ZRANGEBYSCORE z 2 5 LIMIT 0 0", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z 2 5 LIMIT 0 -5", array("b", "c", "d", "e")),
        ("ZRANGEBYSCORE z -inf +inf LIMIT -1 2", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z -inf +inf LIMIT 5 2", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z -inf +inf LIMIT 4 2", array("e")),
        ("ZRANGEBYSCORE z +inf -inf", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z 3 3 WITHSCORES", array("c", "3")),
        ("ZRANGEBYSCORE z (3 3", EMPTY_ARRAY),
        ("ZRANGEBYSCORE z 1 5 WITHSCORES LIMIT 0 1 WITHSCORES",
         array("a", "1")),
        ("ZREVRANGEBYSCORE z 5 2 LIMIT 1 1", array("d")),
        ("ZREVRANGEBYSCORE z (5 (2", array("d", "c")),
        ("ZREVRANGEBYSCORE z 2 5", EMPTY_ARRAY),
        ("ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 2",
         array("e", "5", "d", "4")),
        ("ZRANGEBYSCORE z -inf +inf REV", SYNTAX),
        ("ZRANGEBYSCORE z -inf +inf BYLEX", SYNTAX),
        ("ZRANGEBYSCORE z -inf +inf LIMIT 1", SYNTAX),
        ("ZRANGEBYSCORE z a 1", NOT_RANGE_FLOAT),
        ("ZRANGEBYSCORE z 1 nan", NOT_RANGE_FLOAT),
        ("ZRANGEBYSCORE z 1 (", EMPTY_ARRAY),
        ("ZRANGEBYSCORE nokey a 1", NOT_RANGE_FLOAT),
        ("ZRANGEBYSCORE z 0 1 LIMIT x 1", NOT_INT),
        ("ZRANGEBYSCORE nokey 0 1 LIMIT 0 x", NOT_INT),
        ("ZRANGEBYSCORE z x 1 LIMIT x 1", NOT_INT),
    ])


def test_score_bounds_parse_like_strtod(raw, encoding):
    raw.cmd("ZADD", "z", "-5", "n", "0", "zero", "1.5", "b", "16", "h")
    run(raw, [
        (["ZRANGEBYSCORE", "z", "", "1"], array("zero")),
        (["ZRANGEBYSCORE", "z", "(", "1"], EMPTY_ARRAY),
        (["ZRANGEBYSCORE", "z", " 1", "2"], array("b")),
        (["ZRANGEBYSCORE", "z", "1", "2 "], NOT_RANGE_FLOAT),
        (["ZRANGEBYSCORE", "z", "0x10", "1e500"], array("h")),
        (["ZRANGEBYSCORE", "z", "1\x00x", "2"], array("b")),
        (["ZRANGEBYSCORE", "z", "-inf", "(-inf"], EMPTY_ARRAY),
        (["ZRANGEBYSCORE", "z", "-INF", "Infinity"],
         array("n", "zero", "b", "h")),
        (["ZCOUNT", "z", "(-5", "(16"], integer(2)),
    ])


def test_zrange_by_lex(raw, encoding):
    raw.cmd("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e")
    run(raw, [
        ("ZRANGEBYLEX z - +", array("a", "b", "c", "d", "e")),
        ("ZRANGEBYLEX z + -", EMPTY_ARRAY),
        ("ZRANGEBYLEX z [b (d", array("b", "c")),
        ("ZRANGEBYLEX z (b [d", array("c", "d")),
        ("ZRANGEBYLEX z [c [c", array("c")),
        ("ZRANGEBYLEX z (c [c", EMPTY_ARRAY),
        ("ZRANGEBYLEX z [d [c", EMPTY_ARRAY),
        ("ZRANGEBYLEX z [ (", EMPTY_ARRAY),
        ("ZRANGEBYLEX z [ +", array("a", "b", "c", "d", "e")),
        ("ZRANGEBYLEX z - + LIMIT 1 2", array("b", "c")),
        ("ZRANGEBYLEX z - + LIMIT 4 10", array("e")),
        ("ZRANGEBYLEX z [c + LIMIT 0 -5", array("c", "d", "e")),
        ("ZREVRANGEBYLEX z + -", array("e", "d", "c", "b", "a")),
        ("ZREVRANGEBYLEX z (d [b", array("c", "b")),
        ("ZREVRANGEBYLEX z - +", EMPTY_ARRAY),
        ("ZREVRANGEBYLEX z + - LIMIT 1 2", array("d", "c")),
        ("ZRANGE z [b [c BYLEX", array("b", "c")),
        ("ZRANGE z + (a BYLEX REV LIMIT 0 2", array("e", "d")),
        ("ZRANGEBYLEX z a c", NOT_RANGE_LEX),
        ("ZRANGEBYLEX z -a +", NOT_RANGE_LEX),
        (["ZRANGEBYLEX", "z", "", "+"], NOT_RANGE_LEX),
        ("ZRANGE z 0 1 BYLEX", NOT_RANGE_LEX),
        ("ZRANGE nokey a b BYLEX", NOT_RANGE_LEX),
        ("ZRANGEBYLEX z - + WITHSCORES", WITHSCORES_LEX),
        ("ZRANGE z [a + BYLEX WITHSCORES LIMIT 0 1", WITHSCORES_LEX),
        ("ZRANGEBYLEX z - + LIMIT 1", SYNTAX),
    ])


def test_zrangestore(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    run(raw, [
        ("ZRANGESTORE d z 1 2", integer(2)),
        ("ZRANGE d 0 -1 WITHSCORES", array("b", "2", "c", "3")),
        ("ZRANGESTORE d z 0 1 REV", integer(2)),
        ("ZRANGE d 0 -1", array("c", "d")),
        ("ZRANGESTORE d z (1 +inf BYSCORE LIMIT 0 2", integer(2)),
        ("ZRANGE d 0 -1", array("b", "c")),
        ("ZRANGESTORE d z [c + BYLEX", integer(2)),
        ("ZRANGESTORE d z 0 -1 WITHSCORES", SYNTAX),
        ("ZRANGESTORE d z 0 -1 LIMIT 0 1", LIMIT_ERR),
        ("ZRANGESTORE d str 0 -1", WRONGTYPE),
        # an empty result deletes the destination, whatever it held
        ("ZRANGESTORE d z 10 20", integer(0)),
        ("EXISTS d", integer(0)),
        ("ZRANGESTORE str nokey 0 -1", integer(0)),
        ("EXISTS str", integer(0)),
        ("SET str x", OK),
        ("ZRANGESTORE str z 0 0", integer(1)),
        ("TYPE str", b"+zset\r\n"),
        # source and destination may be the same key
        ("ZRANGESTORE z z 1 -1", integer(3)),
        ("ZRANGE z 0 -1", array("b", "c", "d")),
        ("ZRANGESTORE d", wrong_args("zrangestore")),
    ])


def test_zcount_zlexcount(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    raw.cmd("ZADD", "l", "0", "a", "0", "b", "0", "c")
    run(raw, [
        ("ZCOUNT z -inf +inf", integer(3)),
        ("ZCOUNT z (1 3", integer(2)),
        ("ZCOUNT z (1 (1", integer(0)),
        ("ZCOUNT z 5 1", integer(0)),
        ("ZCOUNT nokey 0 1", integer(0)),
        ("ZCOUNT z a b", NOT_RANGE_FLOAT),
        ("ZCOUNT nokey a b", NOT_RANGE_FLOAT),
        ("ZCOUNT str 0 1", WRONGTYPE),
        ("ZCOUNT str a 1", NOT_RANGE_FLOAT),
        ("ZLEXCOUNT l - +", integer(3)),
        ("ZLEXCOUNT l [b +", integer(2)),
        ("ZLEXCOUNT l (a (c", integer(1)),
        ("ZLEXCOUNT l + -", integer(0)),
        ("ZLEXCOUNT nokey - +", integer(0)),
        ("ZLEXCOUNT l a b", NOT_RANGE_LEX),
        ("ZLEXCOUNT str - +", WRONGTYPE),
    ])


def test_zremrange(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
            "6", "f")
    run(raw, [
        ("ZREMRANGEBYRANK z 10 20", integer(0)),
        ("ZREMRANGEBYRANK z -100 0", integer(1)),
        ("ZREMRANGEBYRANK z -1 -1", integer(1)),
        ("ZRANGE z 0 -1", array("b", "c", "d", "e")),
        ("ZREMRANGEBYSCORE z (2 (4", integer(1)),
        ("ZREMRANGEBYSCORE z 10 1", integer(0)),
        ("ZRANGE z 0 -1", array("b", "d", "e")),
        ("ZREMRANGEBYRANK z a 1", NOT_INT),
        ("ZREMRANGEBYRANK nokey a 1", NOT_INT),
        ("ZREMRANGEBYRANK nokey 0 1", integer(0)),
        ("ZREMRANGEBYRANK str 0 1", WRONGTYPE),
        ("ZREMRANGEBYSCORE z a 1", NOT_RANGE_FLOAT),
        ("ZREMRANGEBYSCORE nokey 0 1", integer(0)),
        ("ZREMRANGEBYSCORE str 0 1", WRONGTYPE),
        ("ZREMRANGEBYLEX z a b", NOT_RANGE_LEX),
        ("ZREMRANGEBYLEX str - +", WRONGTYPE),
        ("ZREMRANGEBYRANK z 0 -1", integer(3)),
        ("EXISTS z", integer(0)),
        ("ZADD l 0 a 0 b 0 c 0 d", integer(4)),
        ("ZREMRANGEBYLEX l (a [c", integer(2)),
        ("ZRANGE l 0 -1", array("a", "d")),
        ("ZREMRANGEBYLEX l - +", integer(2)),
        ("EXISTS l", integer(0)),
        ("ZADD s 1 a 2 b", integer(2)),
        ("ZREMRANGEBYSCORE s -inf +inf", integer(2)),
        ("EXISTS s", integer(0)),
    ])


# ------------------------------------------------------------------- pops

def test_zpop(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    run(raw, [
        ("ZPOPMIN z", array("a", "1")),
        ("ZPOPMAX z", array("d", "4")),
        ("ZPOPMIN z 1", array("b", "2")),
        ("ZPOPMIN z 0", EMPTY_ARRAY),
        ("ZPOPMAX z 10", array("c", "3")),
        ("EXISTS z", integer(0)),
        ("ZPOPMIN z", EMPTY_ARRAY),
        ("ZPOPMIN nokey 2", EMPTY_ARRAY),
        ("ZPOPMIN nokey 0", EMPTY_ARRAY),
        ("ZPOPMIN z -1", NOT_POSITIVE),
        ("ZPOPMIN z abc", NOT_POSITIVE),
        ("ZPOPMIN nokey -1", NOT_POSITIVE),
        ("ZPOPMIN z 1 2", SYNTAX),
        ("ZPOPMIN str", WRONGTYPE),
        ("ZPOPMIN str 0", WRONGTYPE),
        ("ZPOPMAX str 1", WRONGTYPE),
    ])


def test_zmpop(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    run(raw, [
        ("ZMPOP 1 z MIN", array("z", array(array("a", "1")))),
        ("ZMPOP 2 nokey z MAX COUNT 10",
         array("z", array(array("c", "3"), array("b", "2")))),
        ("EXISTS z", integer(0)),
        ("ZMPOP 1 z MIN", NIL_ARRAY),
        ("ZMPOP 0 z MIN", NUMKEYS),
        ("ZMPOP -1 z MIN", NUMKEYS),
        ("ZMPOP abc z MIN", NUMKEYS),
        ("ZMPOP 2 z MIN", SYNTAX),
        ("ZMPOP 1 z MID", SYNTAX),
        ("ZMPOP 1 z min COUNT 0", COUNT_GT0),
        ("ZMPOP 1 z min COUNT -1", COUNT_GT0),
        ("ZMPOP 1 z min COUNT abc", COUNT_GT0),
        ("ZMPOP 1 z min COUNT 1 COUNT 1", SYNTAX),
        ("ZMPOP 1 z min COUNT", SYNTAX),
        ("ZMPOP 1 z min foo", SYNTAX),
        ("ZMPOP 1 str MIN", WRONGTYPE),
        ("ZMPOP 2 nokey str MIN", WRONGTYPE),
        ("ZADD z 1 a", integer(1)),
        # the first non-empty key serves; later keys are not checked
        ("ZMPOP 2 z str MIN", array("z", array(array("a", "1")))),
        ("ZMPOP 2 str z MIN", WRONGTYPE),
        ("ZMPOP 1", wrong_args("zmpop")),
    ])


def test_pop_resp3_shapes(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
            "6", "f")
    raw.cmd("HELLO", "3")
    run(raw, [
        ("ZPOPMIN z", array(bulk("a"), dbl("1"))),
        ("ZPOPMIN z 1", array(pair("b", "2"))),
        ("ZPOPMAX z 2", array(pair("f", "6"), pair("e", "5"))),
        ("BZPOPMIN z 0", array(bulk("z"), bulk("c"), dbl("3"))),
        ("ZMPOP 1 z MAX", array(bulk("z"), array(pair("d", "4")))),
        ("ZMPOP 1 nokey MAX", NULL3),
        ("ZPOPMIN nokey", EMPTY_ARRAY),
        ("ZPOPMIN nokey 3", EMPTY_ARRAY),
    ])


# ------------------------------------------------------------ blocking

def nothing_yet(conn, wait=0.15):
    return conn.read_available(wait) == b""


def test_bzpop_immediate_and_errors(raw):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b")
    run(raw, [
        ("BZPOPMIN nokey z 0", array("z", "a", "1")),
        ("BZPOPMAX z 0", array("z", "b", "2")),
        ("EXISTS z", integer(0)),
        ("BZPOPMIN z abc", err("ERR timeout is not a float or out of range")),
        ("BZPOPMIN z -1", err("ERR timeout is negative")),
        ("BZPOPMIN str 0", WRONGTYPE),
        ("BZPOPMIN nokey str 0", WRONGTYPE),
        ("BZPOPMIN z", wrong_args("bzpopmin")),
        ("BZMPOP abc 1 z MIN", err("ERR timeout is not a float or out of "
                                   "range")),
        ("BZMPOP -1 1 z MIN", err("ERR timeout is negative")),
        ("BZMPOP 0 0 z MIN", NUMKEYS),
        # the timeout is checked after the other arguments
        ("BZMPOP x 0 z MIN", NUMKEYS),
        ("BZMPOP x 1 z MID", SYNTAX),
        ("BZMPOP x 1 z MIN COUNT 0", COUNT_GT0),
        ("BZMPOP 0 1 z MIN COUNT 0", COUNT_GT0),
        ("BZMPOP 0 1 str MIN", WRONGTYPE),
        ("ZADD z 1 a 2 b 3 c", integer(3)),
        ("BZMPOP 0 1 z MAX COUNT 2",
         array("z", array(array("c", "3"), array("b", "2")))),
    ])


def test_bzpop_timeout(raw):
    t = time.time()
    assert raw.cmd_raw("BZPOPMIN", "nokey", "0.1") == NIL_ARRAY
    assert raw.cmd_raw("BZMPOP", "0.1", "1", "nokey", "MIN") == NIL_ARRAY
    assert time.time() - t >= 0.19
    raw.cmd("HELLO", "3")
    assert raw.cmd_raw("BZPOPMAX", "nokey", "0.05") == NULL3
    assert raw.cmd_raw("BZMPOP", "0.05", "1", "nokey", "MAX") == NULL3


def test_bzpop_served_by_zadd_in_order(r, connect):
    a, b, c = connect(), connect(), connect()
    block(r, a, "BZPOPMIN", "k1", "k2", "0")
    block(r, b, "BZPOPMAX", "k2", "0")
    block(r, c, "BZMPOP", "0", "2", "k2", "k1", "MIN", "COUNT", "5")
    assert r.zadd("k2", {"x": 1, "y": 2, "z": 3, "w": 4}) == 4
    assert a.read_reply_raw() == array("k2", "x", "1")
    assert b.read_reply_raw() == array("k2", "w", "4")
    assert c.read_reply_raw() == array(
        "k2", array(array("y", "2"), array("z", "3")))
    assert blocked(r) == 0 and r.exists("k2") == 0


def test_bzpop_one_member_one_waiter(r, connect):
    a, b = connect(), connect()
    block(r, a, "BZPOPMIN", "k", "0")
    block(r, b, "BZPOPMIN", "k", "0")
    r.zadd("k", {"m": 1})
    assert a.read_reply_raw() == array("k", "m", "1")
    assert nothing_yet(b)
    r.zincrby("k", 5, "n")
    assert b.read_reply_raw() == array("k", "n", "5")
    assert blocked(r) == 0


def test_bzpop_woken_by_store_commands(r, connect):
    a, b = connect(), connect()
    r.zadd("src", {"a": 1, "b": 2})
    block(r, a, "BZPOPMAX", "d1", "0")
    block(r, b, "BZMPOP", "0", "1", "d2", "MIN")
    assert r.zunionstore("d1", ["src"]) == 2
    assert a.read_reply_raw() == array("d1", "b", "2")
    assert r.execute_command("ZRANGESTORE", "d2", "src", "0", "0") == 1
    assert b.read_reply_raw() == array("d2", array(array("a", "1")))
    assert r.zcard("d1") == 1 and r.exists("d2") == 0


def test_blocked_client_waits_through_wrong_type(r, connect):
    a = connect()
    block(r, a, "BZPOPMIN", "k", "0")
    r.set("k", "string")
    r.delete("k")
    r.sadd("k", "m")
    r.delete("k")
    assert nothing_yet(a)
    r.zadd("k", {"m": 7})
    assert a.read_reply_raw() == array("k", "m", "7")


def test_blocked_disconnect_and_unblock(r, connect):
    a, b = connect(), connect()
    block(r, a, "BZPOPMIN", "k", "0")
    a.close()
    wait_blocked(r, 0)
    block(r, b, "BZMPOP", "0", "1", "k", "MIN")
    ids = [c["id"] for c in r.client_list() if c.get("cmd") == "bzmpop"]
    assert len(ids) == 1
    assert r.execute_command("CLIENT", "UNBLOCK", ids[0]) == 1
    assert b.read_reply_raw() == NIL_ARRAY
    r.zadd("k", {"m": 1})
    assert r.zcard("k") == 1  # nobody left to take it


# -------------------------------------------------- union / inter / diff

def test_set_operations(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z1", "1", "a", "2", "b")
    raw.cmd("ZADD", "z2", "3", "b", "4", "c")
    raw.cmd("SADD", "s1", "a", "c", "d")
    run(raw, [
        ("ZUNION 2 z1 z2 WITHSCORES",
         array("a", "1", "c", "4", "b", "5")),
        ("ZUNION 2 z1 z2 AGGREGATE MIN WITHSCORES",
         array("a", "1", "b", "2", "c", "4")),
        ("ZUNION 2 z1 z2 AGGREGATE MAX AGGREGATE SUM WITHSCORES",
         array("a", "1", "c", "4", "b", "5")),
        ("ZUNION 2 z1 z2 WEIGHTS 2 3 WITHSCORES WEIGHTS 1 1",
         array("a", "1", "c", "4", "b", "5")),
        ("ZUNION 2 z1 z2 WEIGHTS 2 -1 WITHSCORES",
         array("c", "-4", "b", "1", "a", "2")),
        ("ZUNION 2 z1 z2 WEIGHTS inf 1 WITHSCORES",
         array("c", "4", "a", "inf", "b", "inf")),
        ("ZUNION 2 z1 z2 WEIGHTS 0 inf WITHSCORES",
         array("a", "0", "b", "inf", "c", "inf")),
        ("ZUNION 2 z1 s1 WITHSCORES",
         array("c", "1", "d", "1", "a", "2", "b", "2")),
        ("ZUNION 1 nokey", EMPTY_ARRAY),
        ("ZINTER 2 z1 z2 WITHSCORES", array("b", "5")),
        ("ZINTER 2 z1 s1 WITHSCORES", array("a", "2")),
        ("ZINTER 2 z1 nokey", EMPTY_ARRAY),
        ("ZINTER 2 z1 z1 AGGREGATE MAX WITHSCORES",
         array("a", "1", "b", "2")),
        ("ZDIFF 2 z1 z2 WITHSCORES", array("a", "1")),
        ("ZDIFF 2 s1 z1 WITHSCORES", array("c", "1", "d", "1")),
        ("ZDIFF 2 z1 nokey", array("a", "b")),
        ("ZDIFF 2 nokey z1", EMPTY_ARRAY),
        ("ZUNIONSTORE d 2 z1 z2", integer(3)),
        ("ZRANGE d 0 -1 WITHSCORES", array("a", "1", "c", "4", "b", "5")),
        ("ZINTERSTORE d 2 z1 z2 WEIGHTS 1 10", integer(1)),
        ("ZRANGE d 0 -1 WITHSCORES", array("b", "32")),
        ("ZDIFFSTORE d 2 z2 z1", integer(1)),
        ("ZRANGE d 0 -1 WITHSCORES", array("c", "4")),
        # an empty result deletes the destination, whatever it held
        ("ZINTERSTORE d 2 z1 nokey", integer(0)),
        ("EXISTS d", integer(0)),
        ("ZUNIONSTORE str 1 nokey", integer(0)),
        ("EXISTS str", integer(0)),
        # destination is a source
        ("ZUNIONSTORE z1 2 z1 z2", integer(3)),
        ("ZRANGE z1 0 -1 WITHSCORES", array("a", "1", "c", "4", "b", "5")),
    ])


def test_set_operation_errors(raw):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z1", "1", "a")
    raw.cmd("ZADD", "z2", "2", "a")
    need = "ERR at least 1 input key is needed for '%s' command"
    run(raw, [
        ("ZUNION 0 z1", err(need % "zunion")),
        ("ZUNION -1 z1", err(need % "zunion")),
        ("ZINTER 0 z1", err(need % "zinter")),
        ("ZDIFF 0 z1", err(need % "zdiff")),
        ("ZUNIONSTORE d 0 z1", err(need % "zunionstore")),
        ("ZINTERSTORE d 0 z1", err(need % "zinterstore")),
        ("ZDIFFSTORE d 0 z1", err(need % "zdiffstore")),
        ("ZINTERCARD 0 z1", err(need % "zintercard")),
        ("ZUNION abc z1", NOT_INT),
        ("ZUNION 3 z1 z2", SYNTAX),
        ("ZUNION 1 str", WRONGTYPE),
        # keys are checked before options
        ("ZUNION 2 z1 str WEIGHTS x", WRONGTYPE),
        ("ZUNION 2 z1 z2 WEIGHTS 1", SYNTAX),
        ("ZUNION 2 z1 z2 WEIGHTS 1 x", err("ERR weight value is not a float")),
        ("ZUNION 2 z1 z2 WEIGHTS nan 1", err("ERR weight value is not a "
                                             "float")),
        ("ZUNION 2 z1 z2 WEIGHTS 1e400 1", err("ERR weight value is not a "
                                               "float")),
        ("ZUNION 2 z1 z2 WEIGHTS 1 2 3", SYNTAX),
        ("ZUNION 2 z1 z2 AGGREGATE", SYNTAX),
        ("ZUNION 2 z1 z2 AGGREGATE foo", SYNTAX),
        ("ZDIFF 2 z1 z2 WEIGHTS 1 1", SYNTAX),
        ("ZDIFF 2 z1 z2 AGGREGATE SUM", SYNTAX),
        ("ZUNIONSTORE d 2 z1 z2 WITHSCORES", SYNTAX),
        ("ZUNIONSTORE d 1", wrong_args("zunionstore")),
        ("ZUNION 1", wrong_args("zunion")),
    ])


def test_sums_follow_redis_order(raw):
    # sources are visited from the smallest (ties in argument order), so
    # floating-point sums come out exactly as in Redis
    raw.cmd("ZADD", "z1", "0.1", "x")
    raw.cmd("ZADD", "z2", "0.2", "x", "1", "y", "1", "z")
    raw.cmd("ZADD", "z3", "0.3", "x", "1", "y")
    raw.cmd("ZADD", "t1", "0.1", "x")
    raw.cmd("ZADD", "t2", "0.2", "x")
    raw.cmd("ZADD", "t3", "0.3", "x")
    run(raw, [
        ("ZUNION 3 z3 z2 z1 WITHSCORES",
         array("x", "0.60000000000000009", "z", "1", "y", "2")),
        ("ZINTER 3 z2 z3 z1 WITHSCORES", array("x", "0.60000000000000009")),
        ("ZUNION 3 t2 t3 t1 WITHSCORES", array("x", "0.59999999999999998")),
        ("ZUNION 3 t1 t2 t3 WITHSCORES", array("x", "0.60000000000000009")),
        ("ZINTER 3 t2 t3 t1 WITHSCORES", array("x", "0.59999999999999998")),
        ("ZADD n1 -inf x", integer(1)),
        ("ZADD n2 inf x", integer(1)),
        # inf + -inf is NaN, which counts as 0
        ("ZUNION 2 n1 n2 WITHSCORES", array("x", "0")),
        ("ZINTER 2 n1 n2 WITHSCORES", array("x", "0")),
    ])


def test_zintercard(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z1", "1", "a", "2", "b", "3", "c")
    raw.cmd("ZADD", "z2", "1", "b", "2", "c", "3", "d")
    raw.cmd("SADD", "s", "a", "b", "c", "x")
    run(raw, [
        ("ZINTERCARD 2 z1 z2", integer(2)),
        ("ZINTERCARD 2 z1 z2 LIMIT 1", integer(1)),
        ("ZINTERCARD 2 z1 z2 LIMIT 0", integer(2)),
        ("ZINTERCARD 2 z1 z2 LIMIT 0 LIMIT 5", integer(2)),
        ("ZINTERCARD 2 z1 s", integer(3)),
        ("ZINTERCARD 2 s s", integer(4)),
        ("ZINTERCARD 2 z1 nokey", integer(0)),
        ("ZINTERCARD 2 z1 z2 LIMIT -1", err("ERR LIMIT can't be negative")),
        ("ZINTERCARD 2 z1 z2 LIMIT abc", err("ERR LIMIT can't be negative")),
        ("ZINTERCARD 2 z1 z2 WITHSCORES", SYNTAX),
        ("ZINTERCARD 2 z1 z2 WEIGHTS 1 1", SYNTAX),
        ("ZINTERCARD 2 z1", SYNTAX),
        ("ZINTERCARD abc z1", NOT_INT),
        ("ZINTERCARD 1 str", WRONGTYPE),
    ])


# ----------------------------------------------------------- ZRANDMEMBER

def test_zrandmember(raw, encoding):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    run(raw, [
        ("ZRANDMEMBER nokey", NIL),
        ("ZRANDMEMBER nokey 0", EMPTY_ARRAY),
        ("ZRANDMEMBER nokey 5", EMPTY_ARRAY),
        ("ZRANDMEMBER nokey abc", NOT_INT),
        ("ZRANDMEMBER str", WRONGTYPE),
        ("ZRANDMEMBER str 0", WRONGTYPE),
        ("ZRANDMEMBER z 0", EMPTY_ARRAY),
        ("ZRANDMEMBER z abc", NOT_INT),
        ("ZRANDMEMBER z 3 WITHSCORE", SYNTAX),
        ("ZRANDMEMBER z 3 WITHSCORES x", SYNTAX),
        ("ZRANDMEMBER z -9223372036854775808",
         err("ERR value is out of range, value must between "
             "-9223372036854775807 and 9223372036854775807")),
        ("ZRANDMEMBER z 9223372036854775807 WITHSCORES",
         err("ERR value is out of range")),
        ("ZRANDMEMBER z -4611686018427387904 WITHSCORES",
         err("ERR value is out of range")),
        # asking for the whole set (or more) gives it from the top down
        ("ZRANDMEMBER z 4", array("d", "c", "b", "a")),
        ("ZRANDMEMBER z 100 WITHSCORES",
         array("d", "4", "c", "3", "b", "2", "a", "1")),
    ])
    scores = {b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4"}
    assert raw.cmd("ZRANDMEMBER", "z") in scores
    for _ in range(20):
        got = raw.cmd("ZRANDMEMBER", "z", "3")
        assert len(got) == 3 and len(set(got)) == 3
        assert set(got) <= set(scores)
        got = raw.cmd("ZRANDMEMBER", "z", "2", "WITHSCORES")
        assert len(got) == 4 and got[0] != got[2]
        assert scores[got[0]] == got[1] and scores[got[2]] == got[3]
    got = raw.cmd("ZRANDMEMBER", "z", "-40")
    assert len(got) == 40 and set(got) == set(scores)  # repeats, all seen
    got = raw.cmd("ZRANDMEMBER", "z", "-5", "WITHSCORES")
    assert len(got) == 10
    assert all(scores[m] == s for m, s in zip(got[::2], got[1::2]))


def test_zrandmember_big_set(raw, limits):
    limits(16)
    members = ["m%d" % i for i in range(200)]
    raw.cmd("ZADD", "z", *[x for i, m in enumerate(members)
                           for x in (str(i), m)])
    assert enc(raw, "z") == b"skiplist"
    for count in (5, 150, 199):  # few picks, and most of the set
        got = raw.cmd("ZRANDMEMBER", "z", str(count))
        assert len(got) == count and len(set(got)) == count
        assert set(got) <= {m.encode() for m in members}


def test_zrandmember_resp3(raw):
    raw.cmd("ZADD", "z", "1.5", "a")
    raw.cmd("HELLO", "3")
    run(raw, [
        ("ZRANDMEMBER z 1 WITHSCORES", array(pair("a", "1.5"))),
        ("ZRANDMEMBER z -2 WITHSCORES", array(pair("a", "1.5"),
                                              pair("a", "1.5"))),
        ("ZRANDMEMBER z 5", array("a")),
        ("ZRANDMEMBER z", bulk("a")),
        ("ZRANDMEMBER nokey", NULL3),
    ])


# ------------------------------------------------------------------ ZSCAN

def test_zscan_small(raw):
    raw.cmd("SET", "str", "x")
    raw.cmd("ZADD", "z", "1", "a", "2.5", "b", "3", "ab")
    head = b"*2\r\n$1\r\n0\r\n"
    run(raw, [
        ("ZSCAN z 0", head + array("a", "1", "b", "2.5", "ab", "3")),
        ("ZSCAN z 0 MATCH a*", head + array("a", "1", "ab", "3")),
        ("ZSCAN z 0 COUNT 1", head + array("a", "1", "b", "2.5", "ab", "3")),
        ("ZSCAN z 0 MATCH nope", head + array()),
        ("ZSCAN nokey 0", EMPTY_SCAN),
        ("ZSCAN nokey 0 COUNT 0", EMPTY_SCAN),
        ("ZSCAN str 0", WRONGTYPE),
        ("ZSCAN str 0 COUNT 0", WRONGTYPE),
        ("ZSCAN z abc", err("ERR invalid cursor")),
        ("ZSCAN str abc", err("ERR invalid cursor")),
        ("ZSCAN z 0 COUNT 0", SYNTAX),
        ("ZSCAN z 0 COUNT x", NOT_INT),
        ("ZSCAN z 0 MATCH", SYNTAX),
        ("ZSCAN z 0 TYPE zset", SYNTAX),
        ("ZSCAN z 0 foo bar", SYNTAX),
        ("ZSCAN z", wrong_args("zscan")),
    ])
    raw.cmd("HELLO", "3")  # scores stay bulk strings in RESP3
    assert raw.cmd_raw("ZSCAN", "z", "0", "MATCH", "b") == head + array(
        "b", "2.5")


def test_zscan_big_set(raw, limits):
    limits(8)
    want = {("m%d" % i).encode(): str(i / 4).encode() for i in range(500)}
    want = {m: (s[:-2] if s.endswith(b".0") else s) for m, s in want.items()}
    raw.cmd("ZADD", "z", *[x for m, s in want.items() for x in (s, m)])
    assert enc(raw, "z") == b"skiplist"
    got, cursor, calls = {}, b"0", 0
    while True:
        cursor, items = raw.cmd("ZSCAN", "z", cursor, "COUNT", "20")
        calls += 1
        got.update(zip(items[::2], items[1::2]))
        if cursor == b"0":
            break
    assert got == want and 5 < calls < 200
    cursor, got = b"0", set()
    while True:
        cursor, items = raw.cmd("ZSCAN", "z", cursor, "MATCH", "m1*")
        got.update(items[::2])
        if cursor == b"0":
            break
    assert got == {m for m in want if m.startswith(b"m1")}


# ------------------------------------------------------------- encodings

def test_encoding_thresholds(raw, limits):
    limits(4, 8)
    run(raw, [
        ("ZADD z 1 a 2 b 3 c 4 d", integer(4)),
        ("OBJECT ENCODING z", bulk("listpack")),
        ("ZADD z 5 a", integer(0)),
        ("OBJECT ENCODING z", bulk("listpack")),
        ("ZADD z 5 e", integer(1)),
        ("OBJECT ENCODING z", bulk("skiplist")),
        # one-way
        ("ZREM z a b c d", integer(4)),
        ("OBJECT ENCODING z", bulk("skiplist")),
        ("ZRANGE z 0 -1 WITHSCORES", array("e", "5")),
        # member length: equal to the limit fits, one more converts
        ("ZADD v 1 12345678", integer(1)),
        ("OBJECT ENCODING v", bulk("listpack")),
        ("ZADD v 1 123456789", integer(1)),
        ("OBJECT ENCODING v", bulk("skiplist")),
        ("ZADD w 1 123456789", integer(1)),
        ("OBJECT ENCODING w", bulk("skiplist")),
        # duplicates do not count towards the entries limit
        ("ZADD dup 1 a 1 a 1 a 1 a 1 a", integer(1)),
        ("OBJECT ENCODING dup", bulk("listpack")),
        ("ZINCRBY dup 1 x", bulk("1")),
        ("ZADD dup 1 y 1 z 1 q", integer(3)),
        ("OBJECT ENCODING dup", bulk("skiplist")),
        ("ZRANGE dup 0 -1", array("a", "q", "x", "y", "z")),
        ("CONFIG SET zset-max-listpack-entries 0", OK),
        ("ZADD zero 1 a", integer(1)),
        ("OBJECT ENCODING zero", bulk("skiplist")),
    ])


def test_results_start_small_again(raw, limits):
    limits(128, 5)
    run(raw, [
        ("ZADD z 1 a 2 b 3 abcdefgh", integer(3)),
        ("OBJECT ENCODING z", bulk("skiplist")),
        ("ZREM z abcdefgh", integer(1)),
        ("OBJECT ENCODING z", bulk("skiplist")),
        ("ZUNIONSTORE d1 1 z", integer(2)),
        ("OBJECT ENCODING d1", bulk("listpack")),
        ("ZINTERSTORE d2 1 z", integer(2)),
        ("OBJECT ENCODING d2", bulk("listpack")),
        ("ZDIFFSTORE d3 1 z", integer(2)),
        ("OBJECT ENCODING d3", bulk("listpack")),
        ("ZRANGESTORE d4 z 0 -1", integer(2)),
        ("OBJECT ENCODING d4", bulk("listpack")),
        ("COPY z zc", integer(1)),
        ("OBJECT ENCODING zc", bulk("skiplist")),
        ("CONFIG SET zset-max-listpack-value 64", OK),
        ("ZADD z 4 c 5 d", integer(2)),
        ("CONFIG SET zset-max-listpack-entries 3", OK),
        ("ZUNIONSTORE d5 1 z", integer(4)),
        ("OBJECT ENCODING d5", bulk("skiplist")),
        ("ZRANGESTORE d6 z 0 2", integer(3)),
        ("OBJECT ENCODING d6", bulk("listpack")),
        ("ZRANGESTORE d6 z 0 3", integer(4)),
        ("OBJECT ENCODING d6", bulk("skiplist")),
    ])


def test_both_encodings_agree(raw, limits):
    """The same random operations on a listpack and on a skiplist set give
    the same replies (checked against a Python model)."""
    rnd = random.Random(7)
    limits(100000)
    raw.cmd("ZADD", "lp", "0", "seed")
    limits(0)
    raw.cmd("ZADD", "sk", "0", "seed")
    limits(100000)
    assert enc(raw, "lp") == b"listpack" and enc(raw, "sk") == b"skiplist"
    model = {b"seed": 0.0}
    for step in range(600):
        m = "m%d" % rnd.randrange(80)
        s = rnd.choice([rnd.randrange(-20, 20), rnd.randrange(40) / 4])
        op = rnd.randrange(10)
        if op < 5:
            for k in ("lp", "sk"):
                raw.cmd("ZADD", k, str(s), m)
            model[m.encode()] = float(s)
        elif op < 7:
            a = [raw.cmd("ZREM", k, m) for k in ("lp", "sk")]
            assert a[0] == a[1] == (1 if model.pop(m.encode(), None)
                                    is not None else 0)
        else:
            lo = rnd.randrange(-20, 20)
            cmd = rnd.choice([
                ["ZRANGEBYSCORE", "%d" % lo, "(%d" % (lo + 10), "WITHSCORES",
                 "LIMIT", "1", "5"],
                ["ZREVRANGEBYSCORE", "+inf", "(%d" % lo, "LIMIT", "2", "3"],
                ["ZRANGE", str(rnd.randrange(-10, 10)),
                 str(rnd.randrange(-10, 10)), "WITHSCORES"],
                ["ZCOUNT", "(%d" % lo, "+inf"],
                ["ZRANK", m], ["ZREVRANK", m], ["ZSCORE", m],
            ])
            a = [raw.cmd_raw(cmd[0], k, *cmd[1:]) for k in ("lp", "sk")]
            assert a[0] == a[1], cmd
    order = sorted(model.items(), key=lambda kv: (kv[1], kv[0]))
    expect = [m for m, _ in order]
    assert raw.cmd("ZRANGE", "lp", "0", "-1") == expect
    assert raw.cmd("ZRANGE", "sk", "0", "-1") == expect
    assert enc(raw, "lp") == b"listpack" and enc(raw, "sk") == b"skiplist"


# ------------------------------------------------------------------ RESP3

def test_resp3_shapes(raw):
    raw.cmd("ZADD", "z", "1", "a", "2.5", "b", "inf", "c")
    raw.cmd("ZADD", "z2", "1", "a")
    raw.cmd("HELLO", "3")
    run(raw, [
        ("ZSCORE z b", dbl("2.5")),
        ("ZSCORE z c", dbl("inf")),
        ("ZSCORE z nope", NULL3),
        ("ZMSCORE z a nope", array(dbl("1"), NULL3)),
        ("ZINCRBY z 1 a", dbl("2")),
        ("ZADD z INCR 0.5 a", dbl("2.5")),
        ("ZADD z NX INCR 1 a", NULL3),
        ("ZRANK z nope", NULL3),
        ("ZRANGE z 0 -1", array("a", "b", "c")),
        ("ZRANGE z 0 0 WITHSCORES", array(pair("a", "2.5"))),
        ("ZRANGEBYSCORE z (2.5 +inf WITHSCORES",
         array(pair("c", "inf"))),
        ("ZREVRANGE z 0 0 WITHSCORES", array(pair("c", "inf"))),
        ("ZRANGE nokey 0 -1 WITHSCORES", EMPTY_ARRAY),
        ("ZUNION 2 z z2 WITHSCORES",
         array(pair("b", "2.5"), pair("a", "3.5"), pair("c", "inf"))),
        ("ZINTER 2 z z2", array("a")),
        ("ZDIFF 2 z z2 WITHSCORES", array(pair("b", "2.5"), pair("c", "inf"))),
    ])


# ------------------------------------------------------- generic commands

@pytest.mark.parametrize("entries", [128, 2])
def test_copy_rename_move_type(raw, limits, entries):
    limits(entries)
    e = b"listpack" if entries == 128 else b"skiplist"
    run(raw, [
        ("ZADD z 1 a 2 b 3 c", integer(3)),
        ("TYPE z", b"+zset\r\n"),
        ("OBJECT ENCODING z", bulk(e)),
        ("COPY z z2", integer(1)),
        ("OBJECT ENCODING z2", bulk(e)),
        ("ZADD z2 10 a", integer(0)),
        ("ZSCORE z a", bulk("1")),
        ("ZSCORE z2 a", bulk("10")),
        ("ZREM z2 a b c", integer(3)),
        ("EXISTS z2", integer(0)),
        ("RENAME z z3", OK),
        ("EXISTS z", integer(0)),
        ("ZRANGE z3 0 -1", array("a", "b", "c")),
        ("OBJECT ENCODING z3", bulk(e)),
        ("MOVE z3 1", integer(1)),
        ("EXISTS z3", integer(0)),
        ("SELECT 1", OK),
        ("ZCARD z3", integer(3)),
        ("COPY z3 z3 DB 0", integer(1)),
        ("FLUSHDB", OK),
        ("SELECT 0", OK),
        ("ZSCORE z3 c", bulk("3")),
        ("GET z3", WRONGTYPE),
        ("SADD z3 x", WRONGTYPE),
    ])
    raw.cmd("SET", "str", "v")
    assert raw.cmd("SCAN", "0", "TYPE", "zset")[1] == [b"z3"]
    assert raw.cmd("SCAN", "0", "TYPE", "ZSET")[1] == [b"z3"]


def test_expiry_and_overwrite(raw):
    run(raw, [
        ("ZADD z 1 a", integer(1)),
        ("PEXPIRE z 50", integer(1)),
        ("ZADD z 2 b", integer(1)),
    ])
    assert 0 < raw.cmd("PTTL", "z") <= 50  # a write keeps the TTL
    time.sleep(0.1)
    run(raw, [
        ("ZCARD z", integer(0)),
        ("EXISTS z", integer(0)),
        ("ZADD z 1 a", integer(1)),
        ("TTL z", integer(-1)),
        ("SET z x", OK),
        ("GET z", bulk("x")),
        ("ZADD z 1 a", WRONGTYPE),
        ("DEL z", integer(1)),
    ])


def test_wrongtype_everywhere(raw):
    raw.cmd("SET", "s", "v")
    for cmd in ["ZADD s 1 a", "ZINCRBY s 1 a", "ZREM s a", "ZCARD s",
                "ZSCORE s a", "ZMSCORE s a", "ZRANK s a", "ZREVRANK s a",
                "ZRANGE s 0 -1", "ZRANGESTORE d s 0 -1", "ZREVRANGE s 0 -1",
                "ZRANGEBYSCORE s 0 1", "ZREVRANGEBYSCORE s 1 0",
                "ZRANGEBYLEX s - +", "ZREVRANGEBYLEX s + -", "ZCOUNT s 0 1",
                "ZLEXCOUNT s - +", "ZREMRANGEBYRANK s 0 1",
                "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +",
                "ZPOPMIN s", "ZPOPMAX s", "BZPOPMIN s 0", "BZPOPMAX s 0",
                "ZMPOP 1 s MIN", "BZMPOP 0 1 s MIN", "ZUNION 1 s",
                "ZINTER 1 s", "ZDIFF 1 s", "ZUNIONSTORE d 1 s",
                "ZINTERSTORE d 1 s", "ZDIFFSTORE d 1 s", "ZINTERCARD 1 s",
                "ZRANDMEMBER s", "ZRANDMEMBER s 1", "ZSCAN s 0"]:
        assert raw.cmd_raw(*cmd.split()) == WRONGTYPE, cmd
    raw.cmd("ZADD", "z", "1", "a")
    for cmd in ["GET z", "INCR z", "LPUSH z a", "HSET z a b", "SADD z a",
                "SMEMBERS z", "HGETALL z"]:
        got = raw.cmd_raw(*cmd.split())
        assert got == WRONGTYPE or got.startswith(b"-ERR unknown command"), cmd


def test_command_table(raw):
    info = raw.cmd("COMMAND", "INFO", "zadd", "bzpopmin", "zmpop",
                   "zrangestore", "zunionstore", "zscan")
    assert [x[0] for x in info] == [b"zadd", b"bzpopmin", b"zmpop",
                                    b"zrangestore", b"zunionstore", b"zscan"]
    assert [x[1:3] for x in info] == [
        [-4, [b"write", b"denyoom", b"fast"]],
        [-3, [b"write", b"noscript", b"blocking", b"fast"]],
        [-4, [b"write", b"movablekeys"]],
        [-5, [b"write", b"denyoom"]],
        [-4, [b"write", b"denyoom", b"movablekeys"]],
        [-3, [b"readonly"]],
    ]
    assert [x[3:6] for x in info] == [[1, 1, 1], [1, -2, 1], [0, 0, 0],
                                      [1, 2, 1], [1, 1, 1], [1, 1, 1]]


# ------------------------------------------------------------ Laravel

def test_laravel_delayed_queue_pattern(r):
    """Laravel's queue: delayed/reserved jobs in sorted sets scored by
    timestamps; due jobs are read with ZRANGEBYSCORE -inf now LIMIT, then
    removed with ZREMRANGEBYRANK, ZREM or popped."""
    now = 1700000000
    pipe = r.pipeline(transaction=False)
    for i in range(300):
        pipe.zadd("queues:default:delayed",
                  {'{"uuid":"%04d","job":"x"}' % i: now - 150 + i})
    pipe.execute()
    key = "queues:default:delayed"
    assert r.zcard(key) == 300
    due = r.zrangebyscore(key, "-inf", now, start=0, num=100)
    assert len(due) == 100 and due[0] == b'{"uuid":"0000","job":"x"}'
    assert r.zremrangebyrank(key, 0, len(due) - 1) == 100
    due = r.zrangebyscore(key, "-inf", now)
    assert len(due) == 51
    assert r.zrem(key, due[0]) == 1 and r.zrem(key, due[0]) == 0
    assert r.zcard(key) == 199
    assert r.zrangebyscore(key, "-inf", now - 1000) == []
    assert r.zrangebyscore(key, now + 149, "+inf", withscores=True) == [
        (b'{"uuid":"0299","job":"x"}', float(now + 149))]


# ------------------------------------------------------ keyspace counters

def stats(raw):
    """(keyspace_hits, keyspace_misses, rdb_changes_since_last_save)"""
    text = raw.cmd("INFO", "stats") + raw.cmd("INFO", "persistence")
    d = dict(line.split(b":", 1) for line in text.split(b"\r\n")
             if b":" in line)
    return (int(d[b"keyspace_hits"]), int(d[b"keyspace_misses"]),
            int(d[b"rdb_changes_since_last_save"]))


def test_hits_misses_and_changes(raw):
    """Reads count keyspace hits/misses (writes do not); changes count what
    Redis counts: members added/updated/removed, not the key's creation or
    deletion; a stored result is one change."""
    steps = [
        ("ZADD z 1 a 2 b 3 c", (0, 0, 3)),
        ("ZADD z CH 1 a 5 b 6 d", (0, 0, 2)),
        ("ZADD nokey XX 1 a", (0, 0, 0)),
        ("ZSCORE z a", (1, 0, 0)),
        ("ZSCORE nokey a", (0, 1, 0)),
        ("ZRANGE z 0 -1", (1, 0, 0)),
        ("ZRANGESTORE d z 0 -1", (1, 0, 1)),
        ("ZRANGESTORE d z 0 0", (1, 0, 1)),
        ("ZRANGESTORE d nokey 0 -1", (0, 1, 1)),
        ("ZUNIONSTORE d 2 z nokey", (1, 1, 1)),
        ("ZUNION 2 z nokey", (1, 1, 0)),
        ("ZPOPMIN nokey", (0, 0, 0)),
        ("ZPOPMIN z 2", (0, 0, 2)),
        ("ZREM z b nope", (0, 0, 1)),
        ("ZREM z d", (0, 0, 1)),
        ("EXISTS z", (0, 1, 0)),  # the last ZREM deleted it
        ("ZADD e 1 a 2 b", (0, 0, 2)),
        ("ZREMRANGEBYRANK e 0 -1", (0, 0, 2)),
        ("ZADD e 1 a", (0, 0, 1)),
        ("BZPOPMIN nokey e 0", (0, 0, 1)),
        ("ZINCRBY e 2 a", (0, 0, 1)),
        ("ZADD e INCR 0 a", (0, 0, 0)),
    ]
    for cmd, want in steps:
        before = stats(raw)
        raw.cmd(*cmd.split())
        after = stats(raw)
        got = tuple(a - b for a, b in zip(after, before))
        assert got == want, "%s: got %r, expected %r" % (cmd, got, want)
