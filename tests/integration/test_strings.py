"""String commands: exact replies and exact errors, every option."""

import time

import pytest

from conftest import (OK, NIL, SYNTAX, NOT_INT, NOT_FLOAT, OVERFLOW, bulk,
                      integer, err, array, invalid_expire, wrong_args, run)



def pttl(raw, key):
    return int(raw.cmd_raw("PTTL", key)[1:-2])


# --------------------------------------------------------------------- SET

def test_get_set_basic(raw):
    run(raw, [
        ("GET k", NIL),
        ("SET k v", OK),
        ("GET k", bulk("v")),
        ("SET k v2", OK),
        ("GET k", bulk("v2")),
        (["SET", "", "empty-key"], OK),
        (["GET", ""], bulk("empty-key")),
        (["SET", "e", ""], OK),
        ("GET e", bulk("")),
    ])


def test_set_ex_px_exat_pxat(raw):
    run(raw, [("SET k v EX 100", OK)])
    assert 99000 < pttl(raw, "k") <= 100000
    run(raw, [("SET k v PX 5000", OK)])
    assert 4000 < pttl(raw, "k") <= 5000
    at = int(time.time()) + 1000
    run(raw, [("SET k v EXAT %d" % at, OK),
              ("EXPIRETIME k", integer(at))])
    atms = int(time.time() * 1000) + 50000
    run(raw, [("SET k v PXAT %d" % atms, OK),
              ("PEXPIRETIME k", integer(atms))])
    run(raw, [("SET k v", OK), ("TTL k", integer(-1))])


def test_set_lowercase_options(raw):
    run(raw, [("set k v ex 100 nx", OK),
              ("set k v px 100000 xx", OK),
              ("set k v2 keepttl get", bulk("v"))])
    assert 90000 < pttl(raw, "k") <= 100000


def test_set_nx_xx(raw):
    run(raw, [
        ("SET k v XX", NIL),
        ("EXISTS k", integer(0)),
        ("SET k v NX", OK),
        ("SET k v2 NX", NIL),
        ("GET k", bulk("v")),
        ("SET k v3 XX", OK),
        ("GET k", bulk("v3")),
        ("SET k v NX NX", NIL),
    ])


def test_set_get_option(raw):
    run(raw, [
        ("SET k v GET", NIL),
        ("GET k", bulk("v")),
        ("SET k v2 GET", bulk("v")),
        ("SET k v3 GET GET", bulk("v2")),
        # Redis 7: NX and GET together are allowed
        ("SET k v4 NX GET", bulk("v3")),
        ("GET k", bulk("v3")),
        ("SET nk v4 NX GET", NIL),
        ("GET nk", bulk("v4")),
        ("SET k v5 XX GET", bulk("v3")),
        ("SET missing v XX GET", NIL),
        ("EXISTS missing", integer(0)),
    ])


def test_set_keepttl(raw):
    run(raw, [("SET k v EX 100", OK), ("SET k v2 KEEPTTL", OK),
              ("GET k", bulk("v2"))])
    assert 99000 < pttl(raw, "k") <= 100000
    run(raw, [("SET k v3", OK), ("TTL k", integer(-1)),
              ("SET n v KEEPTTL", OK), ("TTL n", integer(-1))])


def test_set_repeated_same_option_is_fine(raw):
    run(raw, [("SET k v EX 10 EX 100", OK), ("TTL k", integer(100)),
              ("SET k v PX 1000 PX 100000", OK)])
    assert pttl(raw, "k") > 90000


@pytest.mark.parametrize("opts", [
    "EX 10 PX 100", "PX 100 EX 10", "EX 10 EXAT 10", "PXAT 10 EXAT 10",
    "NX XX", "XX NX", "KEEPTTL EX 10", "EX 10 KEEPTTL", "KEEPTTL PX 10",
    "PXAT 1 KEEPTTL", "FOO", "EX", "PX", "EXAT", "PXAT", "GET FOO",
    "NX EX", "EX 10 FOO",
])
def test_set_syntax_errors(raw, opts):
    run(raw, [("SET k v " + opts, SYNTAX), ("EXISTS k", integer(0))])


@pytest.mark.parametrize("opts", [
    "EX 0", "EX -1", "PX 0", "PX -100", "EXAT 0", "PXAT 0", "EXAT -5",
    "EX 9223372036854775807", "EX 9223372036854775",
    "PX 9223372036854775807", "EXAT 9223372036854775807",
])
def test_set_invalid_expire(raw, opts):
    run(raw, [("SET k v " + opts, invalid_expire("set")),
              ("EXISTS k", integer(0))])


@pytest.mark.parametrize("opts", [
    "EX abc", "EX 1.5", "EX 9223372036854775808", "EX 0x10", "EX 010",
    "EX +10", ["EX", " 10"], ["EX", "10 "], ["EX", ""], "PX 1e3",
])
def test_set_expire_not_integer(raw, opts):
    opts = opts.split(" ") if isinstance(opts, str) else opts
    run(raw, [(["SET", "k", "v"] + opts, NOT_INT)])


def test_set_expire_edge_values(raw):
    # the largest relative EX that does not overflow once made absolute
    run(raw, [("SET k v EX 9223372036854", OK),
              ("SET k v PXAT 9223372036854775807", OK),
              ("SET k v EXAT 9223372036854775", OK)])
    assert pttl(raw, "k") > 10 ** 18


def test_set_exat_in_the_past_deletes(raw):
    run(raw, [("SET k v", OK), ("SET k v EXAT 1", OK),
              ("EXISTS k", integer(0)), ("GET k", NIL),
              ("SET k v PXAT 1", OK), ("EXISTS k", integer(0))])


def test_set_wrong_args(raw):
    run(raw, [("SET", wrong_args("set")), ("SET k", wrong_args("set"))])


def test_set_clears_ttl(raw):
    run(raw, [("SET k v EX 100", OK), ("SET k v2", OK), ("TTL k", integer(-1))])


# ------------------------------------------------- SETNX SETEX PSETEX GETSET

def test_setnx(raw):
    run(raw, [("SETNX k 1", integer(1)), ("SETNX k 2", integer(0)),
              ("GET k", bulk("1")), ("SETNX k", wrong_args("setnx"))])


def test_setex_psetex(raw):
    run(raw, [("SETEX k 10 v", OK), ("GET k", bulk("v")),
              ("TTL k", integer(10)),
              ("PSETEX p 10000 v", OK)])
    assert 9000 < pttl(raw, "p") <= 10000
    run(raw, [
        ("SETEX k 0 v", invalid_expire("setex")),
        ("SETEX k -1 v", invalid_expire("setex")),
        ("SETEX k 9223372036854775 v", invalid_expire("setex")),
        ("SETEX k abc v", NOT_INT),
        ("SETEX k 10", wrong_args("setex")),
        ("PSETEX k 0 v", invalid_expire("psetex")),
        ("PSETEX k -1 v", invalid_expire("psetex")),
        ("PSETEX k 9223372036854775807 v", invalid_expire("psetex")),
        ("PSETEX k x v", NOT_INT),
        ("PSETEX k", wrong_args("psetex")),
    ])


def test_getset(raw):
    run(raw, [("GETSET k 1", NIL), ("GETSET k 2", bulk("1")),
              ("GET k", bulk("2")), ("GETSET k", wrong_args("getset")),
              ("SET t v EX 100", OK), ("GETSET t w", bulk("v")),
              ("TTL t", integer(-1))])


def test_getdel(raw):
    run(raw, [("SET k v EX 100", OK), ("GETDEL k", bulk("v")),
              ("GETDEL k", NIL), ("EXISTS k", integer(0)),
              ("TTL k", integer(-2)),
              ("GETDEL", wrong_args("getdel")),
              ("GETDEL a b", wrong_args("getdel"))])


# ------------------------------------------------------------------- GETEX

def test_getex_options(raw):
    run(raw, [("GETEX k", NIL), ("SET k v", OK), ("GETEX k", bulk("v")),
              ("TTL k", integer(-1)),
              ("GETEX k EX 100", bulk("v")), ("TTL k", integer(100)),
              ("GETEX k PX 50000", bulk("v"))])
    assert 49000 < pttl(raw, "k") <= 50000
    run(raw, [("GETEX k EXAT 4000000000", bulk("v")),
              ("EXPIRETIME k", integer(4000000000)),
              ("GETEX k PXAT 4000000000123", bulk("v")),
              ("PEXPIRETIME k", integer(4000000000123)),
              ("GETEX k PERSIST", bulk("v")), ("TTL k", integer(-1)),
              ("GETEX k PERSIST PERSIST", bulk("v")),
              ("GETEX k EX 10 EX 20", bulk("v")), ("TTL k", integer(20)),
              ("getex k persist", bulk("v")), ("TTL k", integer(-1))])


def test_getex_past_time_deletes(raw):
    run(raw, [("SET k v", OK), ("GETEX k EXAT 1", bulk("v")),
              ("EXISTS k", integer(0)),
              ("SET k v", OK), ("GETEX k PXAT 1", bulk("v")),
              ("GET k", NIL)])


@pytest.mark.parametrize("opts,exp", [
    ("EX 10 PX 10", SYNTAX), ("EX 10 PERSIST", SYNTAX),
    ("PERSIST EX 10", SYNTAX), ("EX", SYNTAX), ("KEEPTTL", SYNTAX),
    ("FOO", SYNTAX), ("NX", SYNTAX), ("GET", SYNTAX),
    ("EX 0", invalid_expire("getex")), ("EX -5", invalid_expire("getex")),
    ("PX 0", invalid_expire("getex")), ("EXAT 0", invalid_expire("getex")),
    ("PXAT -1", invalid_expire("getex")),
    ("EX 9223372036854775", invalid_expire("getex")),
    ("EX abc", NOT_INT), ("PX 1.5", NOT_INT),
])
def test_getex_errors(raw, opts, exp):
    run(raw, [("SET k v EX 100", OK), ("GETEX k " + opts, exp),
              ("TTL k", integer(100))])


def test_getex_missing_key_checks_syntax_but_not_values(raw):
    # option *names* are checked first; values only when the key exists
    run(raw, [("GETEX nokey FOO", SYNTAX),
              ("GETEX nokey EX 10 PX 10", SYNTAX),
              ("GETEX nokey EX 0", NIL),
              ("GETEX nokey EX abc", NIL),
              ("GETEX nokey PX -1", NIL),
              ("GETEX", wrong_args("getex"))])


# ------------------------------------------------------------- MGET / MSET

def test_mget_mset(raw):
    run(raw, [("MSET a 1 b 2", OK),
              ("MGET a b c a", array("1", "2", None, "1")),
              ("MGET nokey", array(None)),
              ("MSET a 10 a 20", OK), ("GET a", bulk("20")),
              ("MGET", wrong_args("mget")), ("MSET", wrong_args("mset")),
              ("MSET a", wrong_args("mset")),
              ("MSET a 1 b", wrong_args("mset"))])


def test_mset_clears_ttl(raw):
    run(raw, [("SET k v EX 100", OK), ("MSET k 1", OK),
              ("TTL k", integer(-1))])


def test_msetnx(raw):
    run(raw, [("MSETNX a 1 b 2", integer(1)),
              ("MSETNX a 5 c 3", integer(0)),
              ("EXISTS c", integer(0)), ("GET a", bulk("1")),
              ("MSETNX c 3 d 4", integer(1)),
              ("MSETNX e 1 e 2", integer(1)), ("GET e", bulk("2")),
              ("MSETNX", wrong_args("msetnx")),
              ("MSETNX a", wrong_args("msetnx")),
              ("MSETNX a 1 b", wrong_args("msetnx"))])


# ------------------------------------------------------------ INCR family

def test_incr_decr(raw):
    run(raw, [("INCR n", integer(1)), ("INCR n", integer(2)),
              ("DECR n", integer(1)), ("INCRBY n 10", integer(11)),
              ("INCRBY n -3", integer(8)), ("DECRBY n 5", integer(3)),
              ("DECRBY n -5", integer(8)), ("GET n", bulk("8")),
              ("DECR fresh", integer(-1)), ("DECRBY f2 10", integer(-10)),
              ("INCRBY f3 0", integer(0)), ("EXISTS f3", integer(1))])


def test_incr_keeps_ttl(raw):
    run(raw, [("SET k 1 EX 100", OK), ("INCR k", integer(2)),
              ("INCRBYFLOAT k 1", bulk("3")), ("DECR k", integer(2)),
              ("TTL k", integer(100))])


def test_incr_limits(raw):
    run(raw, [
        ("SET n 9223372036854775807", OK),
        ("INCR n", OVERFLOW), ("INCRBY n 1", OVERFLOW),
        ("INCRBY n 0", integer(9223372036854775807)),
        ("DECR n", integer(9223372036854775806)),
        ("SET n -9223372036854775808", OK),
        ("DECR n", OVERFLOW), ("DECRBY n 1", OVERFLOW),
        ("INCRBY n -1", OVERFLOW),
        ("DECRBY n -9223372036854775807", integer(-1)),
        ("SET m 0", OK),
        ("DECRBY m -9223372036854775808",
         err("ERR decrement would overflow")),
        ("DECRBY m 9223372036854775807", integer(-9223372036854775807)),
        ("DECR m", integer(-9223372036854775808)),
        ("DECR m", OVERFLOW),
        ("GET m", bulk("-9223372036854775808")),
    ])


@pytest.mark.parametrize("value", [
    "abc", " 1", "1 ", "01", "+1", "-0", "1.0", "", "18446744073709551616",
    "9223372036854775808", "-9223372036854775809", "1e3", "0x10", "1a",
])
def test_incr_value_not_integer(raw, value):
    run(raw, [(["SET", "s", value], OK), ("INCR s", NOT_INT),
              ("DECR s", NOT_INT), ("INCRBY s 1", NOT_INT),
              ("DECRBY s 1", NOT_INT), ("GET s", bulk(value))])


@pytest.mark.parametrize("arg", [
    "abc", "1.5", "", "9223372036854775808", "-9223372036854775809", "01",
    "+1", " 1", "0x1",
])
def test_incrby_argument_not_integer(raw, arg):
    run(raw, [(["INCRBY", "n", arg], NOT_INT),
              (["DECRBY", "n", arg], NOT_INT),
              ("EXISTS n", integer(0))])


def test_incr_result_is_int_encoded(raw):
    run(raw, [("SET s -1", OK), ("INCR s", integer(0)),
              ("OBJECT ENCODING s", bulk("int")), ("TYPE s", b"+string\r\n"),
              ("INCRBY big 10000000", integer(10000000)),
              ("OBJECT ENCODING big", bulk("int"))])


def test_incr_wrong_args(raw):
    run(raw, [("INCR", wrong_args("incr")), ("INCR a b", wrong_args("incr")),
              ("DECR", wrong_args("decr")),
              ("INCRBY a", wrong_args("incrby")),
              ("DECRBY a", wrong_args("decrby")),
              ("INCRBYFLOAT a", wrong_args("incrbyfloat"))])


# ------------------------------------------------------------- INCRBYFLOAT

def test_incrbyfloat_basic(raw):
    run(raw, [("INCRBYFLOAT f 1.5", bulk("1.5")),
              ("INCRBYFLOAT f 0.1", bulk("1.6")),
              ("INCRBYFLOAT f -1.6", bulk("0")),
              ("INCRBYFLOAT f 1e3", bulk("1000")),
              ("INCRBYFLOAT f 1.0e2", bulk("1100")),
              ("GET f", bulk("1100")),
              ("SET g 10.50", OK), ("INCRBYFLOAT g 0.1", bulk("10.6")),
              ("SET g 5.0e3", OK), ("INCRBYFLOAT g 200", bulk("5200")),
              ("SET g 3", OK), ("INCRBYFLOAT g 0", bulk("3")),
              ("SET g 1", OK), ("INCRBYFLOAT g -1", bulk("0")),
              ("INCRBYFLOAT g -0.0", bulk("0")),
              ("SET g 0", OK), ("INCRBYFLOAT g 1e20", bulk("100000000000000000000")),
              ("INCRBYFLOAT g 1e20", bulk("200000000000000000000")),
              ("INCRBYFLOAT g5 .5", bulk("0.5")),
              ("INCRBYFLOAT g6 5.", bulk("5")),
              ("INCRBYFLOAT g7 +1", bulk("1")),
              ("INCRBYFLOAT g8 -2.25", bulk("-2.25")),
              # strtold syntax: hex floats are accepted
              ("INCRBYFLOAT g9 0x10", bulk("16"))])


def test_incrbyfloat_long_double_precision(raw):
    # Redis computes in long double and prints with %.17Lf, then trims
    run(raw, [("SET f 1100", OK),
              ("INCRBYFLOAT f 3.0e-2", bulk("1100.03000000000000003")),
              ("SET g 10", OK),
              ("INCRBYFLOAT g 1.1234567890123456789",
               bulk("11.12345678901234568")),
              ("SET h 0", OK), ("INCRBYFLOAT h 1e-20", bulk("0")),
              ("SET i 3", OK), ("INCRBYFLOAT i 0.0000001", bulk("3.0000001"))])


def test_incrbyfloat_beyond_double_range(raw):
    # long double holds 2 * DBL_MAX without becoming infinite
    raw.cmd_raw("SET", "g", "1")
    rep = raw.cmd_raw("INCRBYFLOAT", "g", "1.7976931348623157e308")
    assert rep.startswith(b"$309\r\n1797693134862315")
    rep = raw.cmd_raw("INCRBYFLOAT", "g", "1.7976931348623157e308")
    assert rep.startswith(b"$309\r\n3595386269724631")


def test_incrbyfloat_result_is_a_string(raw):
    run(raw, [("SET g 1.5", OK), ("INCRBYFLOAT g 1.5", bulk("3")),
              ("OBJECT ENCODING g", bulk("embstr")),
              ("INCR g", integer(4))])


@pytest.mark.parametrize("arg", ["abc", "nan", "", " 1", "1 ", "1.5.5",
                                 "--1", "1e", "e1"])
def test_incrbyfloat_argument_not_float(raw, arg):
    run(raw, [(["INCRBYFLOAT", "f", arg], NOT_FLOAT),
              ("EXISTS f", integer(0))])


@pytest.mark.parametrize("value", ["abc", "  1.5", "1.5 ", "", "1,5"])
def test_incrbyfloat_value_not_float(raw, value):
    run(raw, [(["SET", "g", value], OK),
              ("INCRBYFLOAT g 1", NOT_FLOAT), ("GET g", bulk(value))])


def test_incrbyfloat_nan_or_infinity(raw):
    e = err("ERR increment would produce NaN or Infinity")
    run(raw, [("SET f 1", OK), ("INCRBYFLOAT f inf", e),
              ("INCRBYFLOAT f -inf", e), ("INCRBYFLOAT f +inf", e),
              ("GET f", bulk("1")),
              ("SET g inf", OK), ("INCRBYFLOAT g 1", e),
              ("SET g -inf", OK), ("INCRBYFLOAT g inf", e)])


# ---------------------------------------------------------- APPEND STRLEN

def test_append_strlen(raw):
    run(raw, [("APPEND a hello", integer(5)),
              (["APPEND", "a", " world"], integer(11)),
              ("GET a", bulk("hello world")), ("STRLEN a", integer(11)),
              ("STRLEN nokey", integer(0)),
              (["APPEND", "a", ""], integer(11)),
              (["APPEND", "empty", ""], integer(0)),
              ("EXISTS empty", integer(1)),
              ("APPEND", wrong_args("append")),
              ("APPEND a", wrong_args("append")),
              ("STRLEN", wrong_args("strlen"))])


def test_append_to_integer(raw):
    run(raw, [("SET n 123", OK), ("OBJECT ENCODING n", bulk("int")),
              ("APPEND n 4", integer(4)), ("GET n", bulk("1234")),
              ("OBJECT ENCODING n", bulk("raw")),
              ("INCR n", integer(1235))])


def test_append_keeps_ttl(raw):
    run(raw, [("SET k v EX 100", OK), ("APPEND k x", integer(2)),
              ("TTL k", integer(100))])


def test_strlen_of_integers(raw):
    run(raw, [("SET n 12345", OK), ("STRLEN n", integer(5)),
              ("SET n -12345", OK), ("STRLEN n", integer(6)),
              ("SET n 0", OK), ("STRLEN n", integer(1))])


def test_append_binary(raw):
    run(raw, [(["APPEND", "b", b"\x00\r\n"], integer(3)),
              (["APPEND", "b", b"\xff"], integer(4)),
              ("GET b", bulk(b"\x00\r\n\xff"))])


# ------------------------------------------------------- GETRANGE / SUBSTR

@pytest.mark.parametrize("start,end,exp", [
    (0, 4, "hello"), (-5, -1, "world"), (0, -1, "hello world"),
    (0, 100, "hello world"), (5, 3, ""), (-100, 2, "hel"),
    (-100, -50, "h"), (100, 200, ""), (3, 3, "l"), (-1, 0, ""),
    (0, -100, "h"), (11, 11, ""), (10, 11, "d"), (-1, -1, "d"),
    (9223372036854775807, 9223372036854775807, ""),
    (-9223372036854775808, 9223372036854775807, "hello world"),
])
def test_getrange(raw, start, end, exp):
    raw.cmd_raw("SET", "a", "hello world")
    assert raw.cmd_raw("GETRANGE", "a", start, end) == bulk(exp)
    assert raw.cmd_raw("SUBSTR", "a", start, end) == bulk(exp)


def test_getrange_misc(raw):
    run(raw, [("GETRANGE nokey 0 -1", bulk("")),
              ("SET n 12345", OK), ("GETRANGE n 1 2", bulk("23")),
              ("GETRANGE n -2 -1", bulk("45")),
              (["SET", "e", ""], OK), ("GETRANGE e 0 -1", bulk("")),
              ("GETRANGE e 0 0", bulk("")), ("GETRANGE e -1 -1", bulk("")),
              ("SET a abc", OK),
              ("GETRANGE a x 1", NOT_INT), ("GETRANGE a 0 1.5", NOT_INT),
              ("GETRANGE a 0", wrong_args("getrange")),
              ("SUBSTR a 0", wrong_args("substr")),
              ("GETRANGE a 0 1 2", wrong_args("getrange"))])


# --------------------------------------------------------------- SETRANGE

def test_setrange(raw):
    run(raw, [("SETRANGE s 0 abc", integer(3)),
              ("SETRANGE s 5 xy", integer(7)),
              ("GET s", bulk(b"abc\x00\x00xy")),
              ("SETRANGE s 1 Z", integer(7)),
              ("GET s", bulk(b"aZc\x00\x00xy")),
              (["SETRANGE", "s", "100", ""], integer(7)),
              ("STRLEN s", integer(7)),
              ("SETRANGE p 3 x", integer(4)), ("GET p", bulk(b"\x00\x00\x00x"))])


def test_setrange_empty_value_on_missing_key_creates_nothing(raw):
    run(raw, [(["SETRANGE", "t", "0", ""], integer(0)),
              ("EXISTS t", integer(0)),
              (["SETRANGE", "t", "10", ""], integer(0)),
              ("EXISTS t", integer(0)),
              (["SETRANGE", "t", "536870912", ""], integer(0)),
              ("EXISTS t", integer(0))])


def test_setrange_integer_value(raw):
    run(raw, [("SET n 12345", OK), ("SETRANGE n 0 9", integer(5)),
              ("GET n", bulk("92345")), ("SETRANGE n 5 !", integer(6)),
              ("GET n", bulk("92345!"))])


def test_setrange_errors(raw):
    big = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    run(raw, [("SET s abc", OK),
              ("SETRANGE s -1 x", err("ERR offset is out of range")),
              ("SETRANGE s x x", NOT_INT),
              ("SETRANGE s 536870912 x", big),
              ("SETRANGE t 536870912 x", big),
              ("EXISTS t", integer(0)),
              ("SETRANGE t -1 x", err("ERR offset is out of range")),
              ("SETRANGE", wrong_args("setrange")),
              ("SETRANGE a 1", wrong_args("setrange"))])


def test_setrange_keeps_ttl(raw):
    run(raw, [("SET k hello EX 100", OK), ("SETRANGE k 0 J", integer(5)),
              ("GET k", bulk("Jello")), ("TTL k", integer(100))])


def test_string_size_limit_follows_proto_max_bulk_len(start_server):
    srv = start_server("--proto-max-bulk-len", "1mb")
    c = srv.raw()
    big = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    try:
        run(c, [("SETRANGE s 1048575 x", integer(1048576)),
                ("SETRANGE s 1048576 x", big),
                ("APPEND s y", big),
                ("STRLEN s", integer(1048576)),
                ("SETRANGE t 1048576 x", big),
                (["APPEND", "u", "a" * 1000], integer(1000)),
                (["APPEND", "u", "b" * (1048576 - 1000)], integer(1048576)),
                ("APPEND u c", big)])
    finally:
        c.close()


# -------------------------------------------------------------------- LCS

def _lcs_setup(raw):
    run(raw, [("MSET a ohmytext b mynewtext", OK)])


def test_lcs_string_and_len(raw):
    _lcs_setup(raw)
    run(raw, [("LCS a b", bulk("mytext")), ("LCS a b LEN", integer(6)),
              ("lcs a b len", integer(6)),
              ("LCS a b MINMATCHLEN 2", bulk("mytext")),
              ("LCS a b WITHMATCHLEN", bulk("mytext")),
              ("LCS a b LEN WITHMATCHLEN", integer(6)),
              ("LCS a a", bulk("ohmytext")),
              ("LCS a nokey", bulk("")), ("LCS nokey nokey2", bulk("")),
              ("LCS nokey nokey2 LEN", integer(0))])


def test_lcs_idx(raw):
    _lcs_setup(raw)
    m1 = array(array(4, 7), array(5, 8))
    m2 = array(array(2, 3), array(0, 1))
    run(raw, [
        ("LCS a b IDX", array("matches", array(m1, m2), "len", 6)),
        ("LCS a b IDX MINMATCHLEN 4", array("matches", array(m1), "len", 6)),
        ("LCS a b IDX WITHMATCHLEN",
         array("matches", array(array(array(4, 7), array(5, 8), 4),
                                array(array(2, 3), array(0, 1), 2)),
               "len", 6)),
        ("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN",
         array("matches", array(array(array(4, 7), array(5, 8), 4)),
               "len", 6)),
        ("LCS a b idx minmatchlen 0 withmatchlen",
         array("matches", array(array(array(4, 7), array(5, 8), 4),
                                array(array(2, 3), array(0, 1), 2)),
               "len", 6)),
        ("LCS a b IDX MINMATCHLEN -5", array("matches", array(m1, m2),
                                             "len", 6)),
        ("LCS nokey nokey2 IDX", array("matches", array(), "len", 0)),
        ("LCS a a IDX", array("matches", array(array(array(0, 7),
                                                     array(0, 7))), "len", 8)),
    ])


def test_lcs_tie_breaking(raw):
    run(raw, [("MSET x abcbdab y bdcaba", OK),
              ("LCS x y", bulk("bdab")), ("LCS y x", bulk("bcba")),
              ("LCS x y IDX WITHMATCHLEN",
               array("matches", array(array(array(5, 6), array(3, 4), 2),
                                      array(array(3, 4), array(0, 1), 2)),
                     "len", 4)),
              ("MSET p AGGTAB q GXTXAYB", OK), ("LCS p q", bulk("GTAB")),
              ("LCS p q IDX",
               array("matches", array(array(array(5, 5), array(6, 6)),
                                      array(array(4, 4), array(4, 4)),
                                      array(array(3, 3), array(2, 2)),
                                      array(array(2, 2), array(0, 0))),
                     "len", 4)),
              ("SET n 12345", OK), ("SET m 2345", OK),
              ("LCS n m", bulk("2345"))])


def test_lcs_errors(raw):
    _lcs_setup(raw)
    run(raw, [
        ("LCS a b LEN IDX",
         err("ERR If you want both the length and indexes, please just use "
             "IDX.")),
        ("LCS a b IDX MINMATCHLEN x", NOT_INT),
        ("LCS a b IDX MINMATCHLEN 9223372036854775808", NOT_INT),
        ("LCS a b IDX MINMATCHLEN", SYNTAX),
        ("LCS a b FOO", SYNTAX),
        ("LCS a", wrong_args("lcs")),
    ])
