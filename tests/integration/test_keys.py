"""Keyspace commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY MOVE KEYS
SCAN RANDOMKEY TOUCH OBJECT."""

import time

import pytest

from conftest import (OK, NIL, SYNTAX, NOT_INT, bulk, integer, err, array,
                      wrong_args, Simple, wait_for)
from test_strings import run


def keys_of(raw, pattern):
    rep = raw.cmd("KEYS", pattern)
    return sorted(rep)


# ------------------------------------------------------ DEL UNLINK EXISTS

def test_del_exists_unlink(raw):
    run(raw, [("MSET a 1 b 2 c 3 d 4", OK),
              ("DEL a a b nokey", integer(2)),
              ("EXISTS a b c c c nokey", integer(3)),
              ("EXISTS c", integer(1)), ("EXISTS nokey", integer(0)),
              ("UNLINK c c nokey", integer(1)),
              ("UNLINK d", integer(1)),
              ("EXISTS c d", integer(0)),
              ("DEL nokey", integer(0)),
              ("EXISTS", wrong_args("exists")),
              ("DEL", wrong_args("del")),
              ("UNLINK", wrong_args("unlink"))])


def test_del_many(raw, r):
    r.mset({"k%d" % i: i for i in range(1000)})
    args = ["k%d" % i for i in range(0, 1000, 2)] + ["missing"]
    assert raw.cmd_raw("DEL", *args) == integer(500)
    assert raw.cmd_raw("DBSIZE") == integer(500)
    args = ["k%d" % i for i in range(1, 1000, 2)]
    assert raw.cmd_raw("UNLINK", *args) == integer(500)
    assert raw.cmd_raw("DBSIZE") == integer(0)


def test_type(raw):
    run(raw, [("SET a 1", OK), ("TYPE a", b"+string\r\n"),
              ("SET b hello", OK), ("TYPE b", b"+string\r\n"),
              ("TYPE nokey", b"+none\r\n"),
              ("TYPE", wrong_args("type")), ("TYPE a b", wrong_args("type"))])


# ------------------------------------------------------- RENAME RENAMENX

def test_rename(raw):
    run(raw, [("SET a 1", OK), ("RENAME a b", OK), ("EXISTS a", integer(0)),
              ("GET b", bulk("1")),
              ("SET c 3", OK), ("RENAME b c", OK), ("GET c", bulk("1")),
              ("DBSIZE", integer(1))])


def test_rename_same_key(raw):
    run(raw, [("SET a 1 EX 100", OK), ("RENAME a a", OK), ("GET a", bulk("1")),
              ("TTL a", integer(100)), ("RENAMENX a a", integer(0))])


def test_rename_missing_key(raw):
    e = err("ERR no such key")
    run(raw, [("RENAME nokey x", e), ("RENAME nokey nokey", e),
              ("RENAMENX nokey x", e), ("EXISTS x", integer(0)),
              ("RENAME", wrong_args("rename")),
              ("RENAME a", wrong_args("rename")),
              ("RENAMENX a", wrong_args("renamenx"))])


def test_renamenx(raw):
    run(raw, [("MSET a 1 b 2", OK), ("RENAMENX a b", integer(0)),
              ("GET a", bulk("1")), ("GET b", bulk("2")),
              ("RENAMENX a c", integer(1)), ("EXISTS a", integer(0)),
              ("GET c", bulk("1"))])


def test_rename_carries_ttl(raw):
    run(raw, [("SETEX x 100 v", OK), ("RENAME x y", OK),
              ("TTL y", integer(100)), ("RENAMENX y z", integer(1)),
              ("TTL z", integer(100)),
              # the destination's own TTL is replaced
              ("SET w 1 EX 500", OK), ("RENAME z w", OK),
              ("TTL w", integer(100)),
              # renaming a persistent key over a volatile one: no TTL
              ("SET p 1", OK), ("SET q 1 EX 50", OK), ("RENAME p q", OK),
              ("TTL q", integer(-1))])


def test_rename_keeps_value_encoding(raw):
    run(raw, [("SET n 12345", OK), ("RENAME n m", OK),
              ("OBJECT ENCODING m", bulk("int")), ("INCR m", integer(12346))])


# -------------------------------------------------------------------- COPY

def test_copy(raw):
    run(raw, [("SET w 1 EX 100", OK), ("COPY w w2", integer(1)),
              ("GET w2", bulk("1")), ("TTL w2", integer(100)),
              ("COPY w w2", integer(0)),
              ("SET w 2", OK), ("COPY w w2 REPLACE", integer(1)),
              ("GET w2", bulk("2")), ("TTL w2", integer(-1)),
              ("COPY nokey w3", integer(0)), ("EXISTS w3", integer(0)),
              # independent copies
              ("APPEND w2 x", integer(2)), ("GET w", bulk("2"))])


def test_copy_same_key(raw):
    e = err("ERR source and destination objects are the same")
    run(raw, [("SET w 1", OK), ("COPY w w", e), ("COPY w w REPLACE", e),
              ("COPY w w DB 0", e)])


def test_copy_db(raw):
    run(raw, [("SET w hello EX 100", OK), ("COPY w w3 DB 1", integer(1)),
              ("COPY w w DB 1", integer(1)), ("COPY w w DB 1", integer(0)),
              ("COPY w w DB 1 REPLACE", integer(1)),
              ("SELECT 1", OK), ("GET w3", bulk("hello")),
              ("TTL w3", integer(100)), ("GET w", bulk("hello")),
              ("DBSIZE", integer(2)), ("SELECT 0", OK),
              ("DBSIZE", integer(1))])


def test_copy_errors(raw):
    run(raw, [("SET w 1", OK),
              ("COPY w w3 DB 16", err("ERR DB index is out of range")),
              ("COPY w w3 DB -1", err("ERR DB index is out of range")),
              ("COPY w w3 DB x", NOT_INT),
              ("COPY w w3 FOO", SYNTAX), ("COPY w w3 DB", SYNTAX),
              ("COPY w w3 REPLACE FOO", SYNTAX),
              ("COPY w", wrong_args("copy")),
              ("EXISTS w3", integer(0))])


# -------------------------------------------------------------------- MOVE

def test_move(raw):
    run(raw, [("SET k v EX 100", OK), ("MOVE k 1", integer(1)),
              ("EXISTS k", integer(0)), ("SELECT 1", OK),
              ("GET k", bulk("v")), ("TTL k", integer(100)),
              ("MOVE k 0", integer(1)), ("SELECT 0", OK),
              ("GET k", bulk("v")),
              ("MOVE nokey 1", integer(0))])


def test_move_target_exists(raw):
    run(raw, [("SET q 1", OK), ("SELECT 1", OK), ("SET q 2", OK),
              ("SELECT 0", OK), ("MOVE q 1", integer(0)),
              ("GET q", bulk("1")), ("SELECT 1", OK), ("GET q", bulk("2"))])


def test_move_errors(raw):
    run(raw, [("SET k v", OK),
              ("MOVE k 0", err("ERR source and destination objects are the same")),
              ("MOVE k 16", err("ERR DB index is out of range")),
              ("MOVE k -1", err("ERR DB index is out of range")),
              ("MOVE k x", NOT_INT),
              ("MOVE k", wrong_args("move")),
              ("MOVE", wrong_args("move")),
              ("EXISTS k", integer(1))])


# -------------------------------------------------------------------- KEYS

GLOB_KEYS = ["hello", "hallo", "hxllo", "hllo", "heeeello", "a*b", "a?b",
             "a[b", "a\\b", "abc", "", "x]", "a-c", "ab", "a", "a\\",
             "a!c", "A"]


@pytest.mark.parametrize("pattern,expected", [
    ("h?llo", ["hallo", "hello", "hxllo"]),
    ("h*llo", ["hallo", "heeeello", "hello", "hllo", "hxllo"]),
    ("h[ae]llo", ["hallo", "hello"]),
    ("h[^e]llo", ["hallo", "hxllo"]),
    ("h[a-b]llo", ["hallo"]),
    ("h[b-a]llo", ["hallo"]),            # reversed range
    ("a\\*b", ["a*b"]),
    ("a\\?b", ["a?b"]),
    ("a[\\[]b", ["a[b"]),
    ("a\\\\b", ["a\\b"]),
    ("a[", []),                          # unterminated class at the end
    ("a[b", ["ab"]),                     # unterminated class still matches
    ("*]", ["x]"]),
    ("", [""]),
    ("a[!b]c", ["a!c", "abc"]),         # '!' is not negation
    ("a?", ["a\\", "ab"]),
    ("?", ["A", "a"]),
    ("*c", ["a!c", "a-c", "abc"]),
    ("a\\", ["a\\"]),                    # trailing backslash is literal
    ("[a-a]b[b-c]", ["abc"]),
    ("a", ["a"]),
    ("a*", ["a", "a!c", "a*b", "a-c", "a?b", "a[b", "a\\", "a\\b", "ab",
            "abc"]),
    ("[A]", ["A"]),
    ("nomatch*", []),
])
def test_keys_glob(raw, r, pattern, expected):
    r.mset({k: "1" for k in GLOB_KEYS})
    got = keys_of(raw, pattern)
    assert got == sorted(k.encode() for k in expected)


def test_keys_star_and_empty_key(raw, r):
    # '*' is special-cased and returns every key, the empty one included;
    # other patterns never match the empty key (the matcher needs a char)
    r.mset({k: "1" for k in GLOB_KEYS})
    assert keys_of(raw, "*") == sorted(k.encode() for k in GLOB_KEYS)
    assert b"" not in keys_of(raw, "**")
    assert b"" not in keys_of(raw, "***")
    assert len(keys_of(raw, "**")) == len(GLOB_KEYS) - 1


def test_keys_case_sensitive_and_binary(raw, r):
    r.mset({b"Key\x00bin": "1", b"key": "2"})
    assert keys_of(raw, "key") == [b"key"]
    assert keys_of(raw, "K*") == [b"Key\x00bin"]
    assert keys_of(raw, b"Key\x00*") == [b"Key\x00bin"]


def test_keys_only_current_db_and_errors(raw):
    run(raw, [("SET a 1", OK), ("SELECT 2", OK), ("SET b 1", OK)])
    assert keys_of(raw, "*") == [b"b"]
    run(raw, [("KEYS", wrong_args("keys")), ("KEYS a b", wrong_args("keys")),
              ("SELECT 0", OK)])
    assert keys_of(raw, "*") == [b"a"]


def test_keys_empty_db(raw):
    assert raw.cmd_raw("KEYS", "*") == b"*0\r\n"


# -------------------------------------------------------------------- SCAN

def scan_all(raw, *opts):
    seen = []
    cursor = b"0"
    calls = 0
    while True:
        rep = raw.cmd("SCAN", cursor, *opts)
        assert isinstance(rep, list) and len(rep) == 2
        cursor, keys = rep
        assert isinstance(cursor, bytes) and cursor.isdigit()
        seen.extend(keys)
        calls += 1
        assert calls < 100000
        if cursor == b"0":
            return seen, calls


def test_scan_empty(raw):
    assert raw.cmd_raw("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*0\r\n"


def test_scan_returns_everything(raw, r):
    names = ["key:%d" % i for i in range(1000)]
    r.mset({k: "v" for k in names})
    seen, calls = scan_all(raw)
    assert set(seen) == set(k.encode() for k in names)
    seen, calls = scan_all(raw, "COUNT", 5)
    assert set(seen) == set(k.encode() for k in names)
    assert calls > 10


def test_scan_big_count_one_call(raw, r):
    r.mset({"k%d" % i: "v" for i in range(100)})
    rep = raw.cmd("SCAN", "0", "COUNT", "100000")
    assert rep[0] == b"0" and len(rep[1]) == 100


def test_scan_match(raw, r):
    r.mset({"user:%d" % i: "1" for i in range(200)})
    r.mset({"other:%d" % i: "1" for i in range(200)})
    seen, _ = scan_all(raw, "MATCH", "user:1*")
    expected = {("user:%d" % i).encode() for i in range(200)
                if str(i).startswith("1")}
    assert set(seen) == expected
    seen, _ = scan_all(raw, "MATCH", "*")
    assert len(set(seen)) == 400
    seen, _ = scan_all(raw, "MATCH", "")
    assert seen == []


def test_scan_match_star_includes_empty_key(raw, r):
    r.mset({"": "1", "a": "2"})
    seen, _ = scan_all(raw, "MATCH", "*")
    assert sorted(seen) == [b"", b"a"]
    seen, _ = scan_all(raw, "MATCH", "**")
    assert sorted(seen) == [b"a"]


def test_scan_type(raw, r):
    r.mset({"s%d" % i: "1" for i in range(50)})
    for t in ("string", "STRING", "String"):
        seen, _ = scan_all(raw, "TYPE", t)
        assert len(set(seen)) == 50
    for t in ("list", "hash", "set", "zset", "stream", "foo"):
        seen, _ = scan_all(raw, "TYPE", t)
        assert seen == []


def test_scan_options_combined_and_repeated(raw, r):
    r.mset({"a%d" % i: "1" for i in range(30)})
    r.mset({"b%d" % i: "1" for i in range(30)})
    seen, _ = scan_all(raw, "COUNT", "10", "MATCH", "*", "TYPE", "string",
                       "COUNT", "5", "MATCH", "a*")
    assert len(set(seen)) == 30 and all(k.startswith(b"a") for k in seen)


def test_scan_only_current_db(raw, r):
    r.mset({"x%d" % i: "1" for i in range(20)})
    run(raw, [("SELECT 3", OK), ("SET only 1", OK)])
    seen, _ = scan_all(raw)
    assert seen == [b"only"]


def test_scan_while_table_grows(raw, r):
    """A key present for the whole iteration is returned at least once,
    even while inserts make the table resize (several times)."""
    initial = ["init:%d" % i for i in range(500)]
    r.mset({k: "v" for k in initial})
    seen = set()
    cursor = b"0"
    added = 0
    calls = 0
    while True:
        cursor, keys = raw.cmd("SCAN", cursor, "COUNT", "20")
        seen.update(keys)
        calls += 1
        # grow the table between calls: 500 -> ~20000 keys
        r.mset({"new:%d" % (added + i): "v" for i in range(100)})
        added += 100
        if cursor == b"0" or calls > 2000:
            break
    assert cursor == b"0"
    missing = {k.encode() for k in initial} - seen
    assert not missing, "SCAN lost %d keys, e.g. %r" % (len(missing),
                                                       list(missing)[:5])


def test_scan_while_table_shrinks(raw, r):
    keep = ["keep:%d" % i for i in range(300)]
    drop = ["drop:%d" % i for i in range(5000)]
    r.mset({k: "v" for k in keep + drop})
    seen = set()
    cursor = b"0"
    i = 0
    while True:
        cursor, keys = raw.cmd("SCAN", cursor, "COUNT", "50")
        seen.update(keys)
        if i < len(drop):
            r.delete(*drop[i:i + 500])
            i += 500
        if cursor == b"0":
            break
    assert {k.encode() for k in keep} <= seen


def test_scan_errors(raw):
    run(raw, [("SCAN 0 COUNT 0", SYNTAX), ("SCAN 0 COUNT -1", SYNTAX),
              ("SCAN 0 COUNT x", NOT_INT), ("SCAN 0 COUNT 1.5", NOT_INT),
              ("SCAN 0 MATCH", SYNTAX), ("SCAN 0 COUNT", SYNTAX),
              ("SCAN 0 TYPE", SYNTAX), ("SCAN 0 FOO bar", SYNTAX),
              ("SCAN x", err("ERR invalid cursor")),
              ("SCAN 18446744073709551616", err("ERR invalid cursor")),
              ([" SCAN".strip(), " 1"], err("ERR invalid cursor")),
              ("SCAN 1x", err("ERR invalid cursor")),
              ("SCAN", wrong_args("scan"))])


def test_scan_cursor_parsing_is_lenient_unsigned(raw, r):
    # the cursor is parsed as an unsigned 64-bit number (strtoull)
    r.set("a", "1")
    for cur in ("18446744073709551615", "-1", "+1", "01", "123456789"):
        rep = raw.cmd("SCAN", cur)
        assert isinstance(rep, list) and len(rep) == 2, cur


# --------------------------------------------------------------- RANDOMKEY

def test_randomkey(raw, r):
    run(raw, [("RANDOMKEY", NIL), ("RANDOMKEY x", wrong_args("randomkey"))])
    r.mset({"a": 1, "b": 2, "c": 3})
    got = {raw.cmd("RANDOMKEY") for _ in range(200)}
    assert got == {b"a", b"b", b"c"}


def test_randomkey_skips_expired(raw, r):
    r.set("live", "1")
    for i in range(20):
        r.set("gone%d" % i, "1", px=30)
    time.sleep(0.1)
    for _ in range(20):
        assert raw.cmd("RANDOMKEY") == b"live"


# ------------------------------------------------------------------- TOUCH

def test_touch(raw):
    run(raw, [("SET a 1", OK), ("TOUCH a a nokey", integer(2)),
              ("TOUCH nokey", integer(0)), ("TOUCH", wrong_args("touch"))])


# ------------------------------------------------------------------ OBJECT

@pytest.mark.parametrize("value,enc", [
    ("12345", "int"), ("-5", "int"), ("0", "int"),
    ("9223372036854775807", "int"), ("-9223372036854775808", "int"),
    ("9223372036854775808", "embstr"), ("1.5", "embstr"), ("", "embstr"),
    ("01", "embstr"), ("+1", "embstr"), (" 1", "embstr"), ("-0", "embstr"),
    ("hello", "embstr"), ("x" * 44, "embstr"), ("x" * 45, "raw"),
    ("1" * 44, "embstr"), ("1" * 45, "raw"), ("x" * 1000, "raw"),
])
def test_object_encoding_on_set(raw, value, enc):
    run(raw, [(["SET", "k", value], OK), ("OBJECT ENCODING k", bulk(enc)),
              ("GET k", bulk(value))])


def test_object_encoding_after_commands(raw):
    run(raw, [("SETRANGE x 0 abc", integer(3)),
              ("OBJECT ENCODING x", bulk("raw")),
              ("APPEND y abc", integer(3)),
              ("OBJECT ENCODING y", bulk("embstr")),
              ("SET t abc", OK), ("APPEND t d", integer(4)),
              ("OBJECT ENCODING t", bulk("raw")),
              ("INCR t2", integer(1)), ("OBJECT ENCODING t2", bulk("int")),
              ("GETSET t4 5", NIL), ("OBJECT ENCODING t4", bulk("int")),
              ("MSET m1 7 m2 abc", OK), ("OBJECT ENCODING m1", bulk("int")),
              ("OBJECT ENCODING m2", bulk("embstr")),
              ("SETEX ex 100 7", OK), ("OBJECT ENCODING ex", bulk("int")),
              ("SET e2 12 EX 100", OK), ("OBJECT ENCODING e2", bulk("int")),
              ("SETNX n1 42", integer(1)), ("OBJECT ENCODING n1", bulk("int")),
              ("OBJECT ENCODING nokey", NIL),
              ("OBJECT encoding t", bulk("raw"))])


def test_object_refcount(raw):
    # integers 0..9999 are shared objects in Redis (refcount INT_MAX)
    run(raw, [("SET i 12345", OK), ("OBJECT REFCOUNT i", integer(1)),
              ("SET s hello", OK), ("OBJECT REFCOUNT s", integer(1)),
              ("SET i 9999", OK), ("OBJECT REFCOUNT i", integer(2147483647)),
              ("SET i 0", OK), ("OBJECT REFCOUNT i", integer(2147483647)),
              ("SET i 10000", OK), ("OBJECT REFCOUNT i", integer(1)),
              ("SET i -1", OK), ("OBJECT REFCOUNT i", integer(1)),
              ("OBJECT REFCOUNT nokey", NIL)])


def test_object_idletime(raw):
    run(raw, [("SET k v", OK), ("SET k2 v", OK),
              ("OBJECT IDLETIME k", integer(0)),
              ("OBJECT IDLETIME nokey", NIL)])
    time.sleep(2.2)
    idle = raw.cmd("OBJECT", "IDLETIME", "k")
    assert 1 <= idle <= 4
    # OBJECT itself does not touch the key
    assert raw.cmd("OBJECT", "IDLETIME", "k") >= 1
    run(raw, [("GET k", bulk("v")), ("OBJECT IDLETIME k", integer(0)),
              ("TOUCH k2", integer(1)), ("OBJECT IDLETIME k2", integer(0))])


def test_object_freq_requires_lfu(raw):
    run(raw, [("SET k v", OK),
              ("OBJECT FREQ k",
               err("ERR An LFU maxmemory policy is not selected, access "
                   "frequency not tracked. Please note that when switching "
                   "between policies at runtime LRU and LFU data will take "
                   "some time to adjust.")),
              ("OBJECT FREQ nokey", NIL)])


def test_object_freq_with_lfu_policy(start_server):
    srv = start_server("--maxmemory-policy", "allkeys-lfu")
    c = srv.raw()
    try:
        # new keys start at LFU_INIT_VAL (5); the first access increments
        run(c, [("SET k v", OK), ("OBJECT FREQ k", integer(5)),
                ("GET k", bulk("v")), ("OBJECT FREQ k", integer(6)),
                ("OBJECT IDLETIME k",
                 err("ERR An LFU maxmemory policy is selected, idle time not "
                     "tracked. Please note that when switching between "
                     "policies at runtime LRU and LFU data will take some "
                     "time to adjust."))])
    finally:
        c.close()


def test_object_errors_and_help(raw):
    run(raw, [("OBJECT", wrong_args("object")),
              ("OBJECT FOO",
               err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")),
              ("OBJECT FOO k",
               err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")),
              ("OBJECT ENCODING", wrong_args("object|encoding")),
              ("OBJECT ENCODING a b", wrong_args("object|encoding")),
              ("OBJECT REFCOUNT", wrong_args("object|refcount")),
              ("OBJECT IDLETIME", wrong_args("object|idletime")),
              ("OBJECT FREQ", wrong_args("object|freq"))])
    helps = raw.cmd("OBJECT", "HELP")
    assert isinstance(helps, list) and len(helps) > 5
    assert all(isinstance(h, Simple) for h in helps)
    assert helps[0].startswith(b"OBJECT <subcommand>")
    text = b"\n".join(helps)
    for sub in (b"ENCODING", b"FREQ", b"IDLETIME", b"REFCOUNT", b"HELP"):
        assert sub in text
