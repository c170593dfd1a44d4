"""SORT and SORT_RO: every option and error as redis-server 7.0.15 has
them (the fixed tests run on both targets), ACL refusals of BY/GET for a
user without full key access, SORT inside scripts, STORE's notifications
and propagation, and a seeded random stream of SORTs over lists, sets and
sorted sets compared reply by reply with a reference redis-server."""

import random

import pytest
import redis

from conftest import RawConn, reference_redis

LONG_MAX = 9223372036854775807
LONG_MIN = -9223372036854775808


def err(r, *args):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    return str(e.value)


def sort(r, *args):
    return r.execute_command("SORT", *args)


# ------------------------------------------------------------ basics


def test_numeric_alpha_desc(r):
    r.rpush("l", 3, 1, 2, 10, "1.5", "-inf", "0x10", " 4")
    assert sort(r, "l") == [b"-inf", b"1", b"1.5", b"2", b"3", b" 4", b"10", b"0x10"]
    assert sort(r, "l", "DESC") == [b"0x10", b"10", b" 4", b"3", b"2", b"1.5", b"1", b"-inf"]
    assert sort(r, "l", "ALPHA") == [b" 4", b"-inf", b"0x10", b"1", b"1.5", b"10", b"2", b"3"]
    assert sort(r, "l", "alpha", "desc", "asc") == sort(r, "l", "ALPHA")
    assert r.execute_command("SORT_RO", "l", "DESC") == sort(r, "l", "DESC")


def test_numeric_errors(r):
    r.rpush("l", 1, "x")
    assert err(r, "SORT", "l") == "One or more scores can't be converted into double"
    r.rpush("n", 1, "nan")
    assert err(r, "SORT", "n") == "One or more scores can't be converted into double"
    # an empty string reads as 0, trailing junk does not
    r.rpush("e", 1, "", "-1")
    assert sort(r, "e") == [b"-1", b"", b"1"]
    r.rpush("t", "1 ")
    assert "converted" in err(r, "SORT", "t")
    # the error comes after the lookup: nothing is stored
    r.rpush("dst", "keep")
    assert "converted" in err(r, "SORT", "l", "STORE", "dst")
    assert r.lrange("dst", 0, -1) == [b"keep"]
    # ALPHA never parses
    assert sort(r, "l", "ALPHA") == [b"1", b"x"]


def test_numeric_out_of_range(start_server):
    """Overflow and underflow are errors. On its own server: Redis does not
    clear errno before strtod, so after an ERANGE a later numeric SORT of
    non-integer strings on the same connection may fail too (kilat clears
    it: docs/sort.md)."""
    srv = start_server()
    c = redis.Redis(host=srv.host, port=srv.port)
    try:
        c.rpush("big", 1, "1e999")
        assert err(c, "SORT", "big") == "One or more scores can't be converted into double"
        c.rpush("tiny", 1, "1e-400")
        assert err(c, "SORT", "tiny") == "One or more scores can't be converted into double"
        c.rpush("ints", 2, 1)  # integers are never parsed
        assert sort(c, "ints") == [b"1", b"2"]
    finally:
        c.close()


def test_equal_scores_order_by_element_bytes(r):
    r.rpush("l", "b", "a", "c", "a", "10", "9")
    for el in ["a", "b", "c", "10", "9"]:
        r.set("w_" + el, 5)
    assert sort(r, "l", "BY", "w_*") == [b"10", b"9", b"a", b"a", b"b", b"c"]
    assert sort(r, "l", "BY", "w_*", "DESC") == [b"c", b"b", b"a", b"a", b"9", b"10"]
    # missing weights count as 0
    r.delete("w_c")
    assert sort(r, "l", "BY", "w_*") == [b"c", b"10", b"9", b"a", b"a", b"b"]


def test_alpha_by_ties_keep_list_order(r):
    r.rpush("l", "d", "b", "a", "c", "e")
    r.mset({"w_a": "x", "w_b": "x", "w_c": "y"})  # d and e have none
    assert sort(r, "l", "BY", "w_*", "ALPHA") == [b"d", b"e", b"b", b"a", b"c"]
    assert sort(r, "l", "BY", "w_*", "ALPHA", "DESC") == [b"c", b"b", b"a", b"d", b"e"]
    assert sort(r, "l", "BY", "w_*", "ALPHA", "LIMIT", 1, 3) == [b"e", b"b", b"a"]


PQ_DESC = [b"e10", b"e13", b"e16", b"e19", b"e22", b"e25"]


def test_partial_sort_ties_as_redis(r):
    """BY + LIMIT runs Redis's partial quicksort: equal ALPHA weights end
    in its order, which is not the list order (values seen on 7.0.15)."""
    els = ["e%02d" % i for i in range(50)]
    r.rpush("l", *els)
    for i, el in enumerate(els):
        r.set("w_" + el, "k%d" % (i % 3))
    assert sort(r, "l", "BY", "w_*", "ALPHA", "LIMIT", 0, 5) == [
        b"e06", b"e18", b"e03", b"e33", b"e21"]
    assert sort(r, "l", "BY", "w_*", "ALPHA", "DESC", "LIMIT", 20, 6) == PQ_DESC
    # without LIMIT the sort is stable: list order among equals
    assert sort(r, "l", "BY", "w_*", "ALPHA")[:4] == [b"e00", b"e03", b"e06", b"e09"]


# ------------------------------------------------------------ LIMIT


def test_limit_edges(r):
    r.rpush("l", 5, 4, 3, 2, 1)
    assert sort(r, "l", "LIMIT", 0, 2) == [b"1", b"2"]
    assert sort(r, "l", "LIMIT", 3, 100) == [b"4", b"5"]
    assert sort(r, "l", "LIMIT", -5, 2) == [b"1", b"2"]
    assert sort(r, "l", "LIMIT", 2, -7) == [b"3", b"4", b"5"]
    assert sort(r, "l", "LIMIT", 2, 0) == []
    assert sort(r, "l", "LIMIT", 5, 1) == []
    assert sort(r, "l", "LIMIT", LONG_MAX, LONG_MAX) == []
    assert sort(r, "l", "LIMIT", LONG_MIN, LONG_MIN) == [b"1", b"2", b"3", b"4", b"5"]
    assert sort(r, "l", "LIMIT", 1, LONG_MAX) == [b"2", b"3", b"4", b"5"]
    assert "not an integer" in err(r, "SORT", "l", "LIMIT", "1", "x")
    assert "not an integer" in err(r, "SORT", "l", "LIMIT", str(LONG_MAX + 1), "1")
    # LIMIT needs two arguments, else it is no option at all
    assert err(r, "SORT", "l", "LIMIT", "1") == "syntax error"
    # later options win
    assert sort(r, "l", "LIMIT", 0, 1, "LIMIT", 1, 1) == [b"2"]
    # a missing key is an empty list
    assert sort(r, "nokey", "LIMIT", 0, 10) == []


def test_nosort_keeps_native_order_and_limit(r):
    r.rpush("l", 3, 1, 2, 5, 4)
    assert sort(r, "l", "BY", "nosort") == [b"3", b"1", b"2", b"5", b"4"]
    assert sort(r, "l", "BY", "nosort", "DESC") == [b"4", b"5", b"2", b"1", b"3"]
    assert sort(r, "l", "BY", "nosort", "LIMIT", 1, 2) == [b"1", b"2"]
    assert sort(r, "l", "BY", "nosort", "DESC", "LIMIT", 1, 2) == [b"5", b"2"]
    assert sort(r, "l", "BY", "nosort", "LIMIT", 4, 10) == [b"4"]
    assert sort(r, "l", "BY", "nosort", "LIMIT", 5, 10) == []
    assert sort(r, "l", "BY", "nosort", "ALPHA", "DESC", "LIMIT", -3, 2) == [b"4", b"5"]
    r.zadd("z", {"a": 1, "b": 5, "c": 2, "d": 10, "e": 3, "f": 3})
    assert sort(r, "z", "BY", "nosort") == [b"a", b"c", b"e", b"f", b"b", b"d"]
    assert sort(r, "z", "BY", "nosort", "DESC") == [b"d", b"b", b"f", b"e", b"c", b"a"]
    assert sort(r, "z", "BY", "nosort", "LIMIT", 2, 2) == [b"e", b"f"]
    assert sort(r, "z", "BY", "nosort", "DESC", "LIMIT", 2, 2) == [b"f", b"e"]
    assert sort(r, "z", "BY", "nosort", "DESC", "LIMIT", 5, LONG_MAX) == [b"a"]
    assert sort(r, "z", "BY", "nosort", "LIMIT", LONG_MIN, 1) == [b"a"]
    # once a BY without '*' was seen, nothing is sorted, whatever BY follows
    r.set("w_3", -1)
    assert sort(r, "l", "BY", "nosort", "BY", "w_*") == [b"3", b"1", b"2", b"5", b"4"]
    assert sort(r, "l", "BY", "w_*", "BY", "nosort", "DESC") == [b"4", b"5", b"2", b"1", b"3"]
    assert sort(r, "l", "BY", "w_*") == [b"3", b"1", b"2", b"4", b"5"]
    # a pattern with no '*' (or only after a NUL) is "nosort" too
    assert sort(r, "z", "BY", "const") == sort(r, "z", "BY", "nosort")
    assert sort(r, "z", "BY", b"x\x00*") == sort(r, "z", "BY", "nosort")


def test_sort_converts_listpack_zset(r):
    r.zadd("z", {"a": 1, "b": 2})
    assert r.object("encoding", "z") == b"listpack"
    assert r.execute_command("SORT_RO", "z", "ALPHA") == [b"a", b"b"]
    assert r.object("encoding", "z") == b"skiplist"


# ------------------------------------------------------------ BY / GET


def test_by_and_get_patterns(r):
    r.rpush("l", "a", "b", "c")
    r.mset({"w_a": 3, "w_b": 1, "w_c": 2, "v_a": "A", "v_c": "C"})
    r.hset("h_a", mapping={"f": 30, "g": "ga"})
    r.hset("h_b", mapping={"f": 10})
    r.hset("h_c", mapping={"f": 20, "g": "gc"})
    assert sort(r, "l", "BY", "w_*") == [b"b", b"c", b"a"]
    assert sort(r, "l", "BY", "h_*->f", "DESC") == [b"a", b"c", b"b"]
    assert sort(r, "l", "BY", "w_*", "GET", "#", "GET", "v_*", "GET", "h_*->g") == [
        b"b", None, None, b"c", b"C", b"gc", b"a", b"A", b"ga"]
    # GET of a constant, of a wrong type, of a hash without the field
    assert sort(r, "l", "ALPHA", "GET", "const") == [None, None, None]
    assert sort(r, "l", "BY", "nosort", "GET", "h_*") == [None, None, None]
    assert sort(r, "l", "BY", "h_*->g", "ALPHA", "GET", "w_*") == [b"1", b"3", b"2"]
    assert sort(r, "l", "ALPHA", "GET", "w_*->f") == [None, None, None]
    # "->" at the very end is part of the key name
    r.set("x_a->", "end")
    assert sort(r, "l", "ALPHA", "GET", "x_*->") == [b"end", None, None]
    # BY a hash pattern on a string key: weight missing (0)
    assert sort(r, "l", "BY", "w_*->f") == [b"a", b"b", b"c"]
    # integer-valued hash fields and strings
    r.hset("hi", "n", 7)
    r.rpush("one", "i")
    assert sort(r, "one", "BY", "nosort", "GET", "h*->n") == [b"7"]
    # a non-numeric weight
    r.set("w_b", "x")
    assert "converted" in err(r, "SORT", "l", "BY", "w_*")
    assert sort(r, "l", "BY", "w_*", "ALPHA") == [b"c", b"a", b"b"]


def test_get_hash_sign_variants(r):
    r.rpush("l", 2, 1)
    assert sort(r, "l", "GET", "#") == [b"1", b"2"]
    assert sort(r, "l", "GET", b"#\x00x") == [b"1", b"2"]
    assert sort(r, "l", "GET", "##") == [None, None]


# ------------------------------------------------------------ STORE


def test_store(r):
    r.rpush("l", 3, 1, 2)
    r.set("dst", "x")
    r.expire("dst", 100)
    assert sort(r, "l", "STORE", "dst") == 3
    assert r.lrange("dst", 0, -1) == [b"1", b"2", b"3"]
    assert r.ttl("dst") == -1
    assert sort(r, "l", "GET", "#", "GET", "nokey_*", "STORE", "dst") == 6
    assert r.lrange("dst", 0, -1) == [b"1", b"", b"2", b"", b"3", b""]
    # an empty result deletes the destination
    assert sort(r, "l", "LIMIT", 10, 1, "STORE", "dst") == 0
    assert r.exists("dst") == 0
    assert sort(r, "nokey", "STORE", "dst") == 0
    # storing onto the sorted key itself
    assert sort(r, "l", "DESC", "STORE", "l") == 3
    assert r.lrange("l", 0, -1) == [b"3", b"2", b"1"]
    # the last STORE wins; SORT_RO has none
    assert sort(r, "l", "STORE", "a", "STORE", "b") == 3
    assert r.exists("a") == 0 and r.llen("b") == 3
    assert err(r, "SORT_RO", "l", "STORE", "b") == "syntax error"
    # STORE needs its argument
    assert err(r, "SORT", "l", "STORE") == "syntax error"


def test_store_sorts_sets_alpha_with_nosort(r):
    r.sadd("s", "b", "c", "a", "10", "9")
    assert sort(r, "s", "BY", "nosort", "STORE", "d") == 5
    assert r.lrange("d", 0, -1) == [b"10", b"9", b"a", b"b", b"c"]
    assert sort(r, "s", "BY", "nosort", "DESC", "LIMIT", 0, 2, "STORE", "d") == 2
    assert r.lrange("d", 0, -1) == [b"c", b"b"]


def test_store_notifications(r, connect):
    r.config_set("notify-keyspace-events", "KEAnm")
    try:
        sub = connect()
        sub.send_command("PSUBSCRIBE", "__keyevent@0__:*")
        sub.read_reply()
        r.rpush("l", 1)
        sort(r, "l", "STORE", "d")
        sort(r, "l", "GET", "nokey", "STORE", "d")
        sort(r, "nokey", "STORE", "d")
        sort(r, "nokey", "STORE", "d")  # nothing to delete: only the miss
        r.rpush("marker", 1)
        got = []
        while len(got) < 10:
            m = sub.read_reply()
            got.append((m[2].decode().split(":", 1)[1], m[3]))
        assert got == [("new", b"l"), ("rpush", b"l"), ("new", b"d"), ("sortstore", b"d"),
                       ("sortstore", b"d"), ("keymiss", b"nokey"), ("del", b"d"),
                       ("keymiss", b"nokey"), ("new", b"marker"), ("rpush", b"marker")]
    finally:
        r.config_set("notify-keyspace-events", "")


def test_store_dirty_and_watch(r, connect):
    r.rpush("l", 1, 2, 3)
    before = r.info("persistence")["rdb_changes_since_last_save"]
    sort(r, "l", "GET", "#", "GET", "x", "STORE", "d")
    assert r.info("persistence")["rdb_changes_since_last_save"] - before == 6
    c = connect()
    assert c.cmd("WATCH", "d") == b"OK"
    sort(r, "nokey", "STORE", "d")  # deletes d: the transaction fails
    assert c.cmd("MULTI") == b"OK"
    assert c.cmd("PING") == b"QUEUED"
    assert c.cmd("EXEC") is None
    assert c.cmd("WATCH", "l") == b"OK"
    sort(r, "l", "STORE", "other")  # only read l
    assert c.cmd("MULTI") == b"OK"
    assert c.cmd("PING") == b"QUEUED"
    assert c.cmd("EXEC") == [b"PONG"]


# ------------------------------------------------------------ errors


def test_syntax_and_type_errors(r):
    r.rpush("l", 1)
    r.set("str", "x")
    r.hset("h", "f", 1)
    assert err(r, "SORT") == "wrong number of arguments for 'sort' command"
    assert err(r, "SORT_RO") == "wrong number of arguments for 'sort_ro' command"
    assert err(r, "SORT", "l", "foo") == "syntax error"
    assert err(r, "SORT", "l", "BY") == "syntax error"
    assert err(r, "SORT", "l", "GET") == "syntax error"
    assert err(r, "SORT", "l", "ASC", "ALPHA", "LIMIT", 0) == "syntax error"
    assert err(r, "SORT", "str").startswith("WRONGTYPE")
    assert err(r, "SORT", "h").startswith("WRONGTYPE")
    # options are checked before the key's type
    assert err(r, "SORT", "str", "bad") == "syntax error"
    assert "not an integer" in err(r, "SORT", "str", "LIMIT", "a", "b")


# ------------------------------------------------------------ scripts


def test_sort_in_scripts(r):
    r.sadd("s", 1, 2, 3, 4, 10)
    ev = lambda body, *keys: r.eval(body, len(keys), *keys)
    assert ev("return redis.call('sort', KEYS[1], 'desc')", "s") == [
        b"10", b"4", b"3", b"2", b"1"]
    r.sadd("t", "b", "c", "a", "aa")
    # BY <constant> on a set sorts ALPHA inside scripts (replicas must agree)
    assert ev("return redis.call('sort', KEYS[1], 'by', '_')", "t") == [
        b"a", b"aa", b"b", b"c"]
    assert ev("return redis.call('sort', KEYS[1], 'by', '_', 'get', '#', 'get', '_:*')", "t") == [
        b"a", None, b"aa", None, b"b", None, b"c", None]
    # lists keep their order
    r.rpush("l", "b", "a")
    assert ev("return redis.call('sort', KEYS[1], 'by', 'nosort')", "l") == [b"b", b"a"]
    assert ev("return redis.call('sort_ro', KEYS[1], 'alpha')", "l") == [b"a", b"b"]
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return redis.call('sort_ro', KEYS[1], 'store', 'x')", 1, "l")
    assert "syntax error" in str(e.value)


# ------------------------------------------------------------ ACL


def test_acl_by_get_need_full_key_access(r, server):
    r.set("v1", 1)
    r.rpush("mylist", 1)
    r.hset("h1", "f", 1)
    u = redis.Redis(host=server.host, port=server.port)
    try:
        by = "BY option of SORT denied due to insufficient ACL permissions."
        get = "GET option of SORT denied due to insufficient ACL permissions."
        # no selector both runs SORT and reads every key
        for rules in (["~mylist"], ["~mylist", "~v*"], ["~mylist", "%W~*"],
                      ["~mylist", "(~* +get)"], ["~mylist", "~*x"]):
            r.execute_command("ACL", "SETUSER", "srt", "reset", "on", "nopass", "+sort",
                              "+sort_ro", *rules)
            u.execute_command("AUTH", "srt", "x")
            assert err(u, "SORT", "mylist", "BY", "v*") == by
            assert err(u, "SORT", "mylist", "GET", "v*") == get
            assert err(u, "SORT", "mylist", "GET", "#") == get
            # BY without '*' needs nothing, nor do the other options
            assert sort(u, "mylist", "BY", "nosort", "LIMIT", 0, 1, "ALPHA") == [b"1"]
        # the first refused option names the error; syntax errors come in order
        assert err(u, "SORT", "mylist", "foo", "GET", "v*") == "syntax error"
        assert err(u, "SORT", "mylist", "GET", "v*", "foo") == get
        # read permission on every key is enough
        r.execute_command("ACL", "SETUSER", "srt", "reset", "on", "nopass", "+sort", "+sort_ro",
                          "~mylist", "%R~*")
        assert sort(u, "mylist", "BY", "v*", "GET", "v*", "GET", "h*->f", "GET", "h*->g") == [
            b"1", b"1", None]
        assert u.execute_command("SORT_RO", "mylist", "GET", "#") == [b"1"]
        # a selector with allkeys that allows the command
        r.execute_command("ACL", "SETUSER", "srt", "reset", "on", "nopass", "+sort",
                          "~mylist", "(+sort allkeys)")
        assert sort(u, "mylist", "GET", "v*") == [b"1"]
        # in a script: the caller's user
        r.execute_command("ACL", "SETUSER", "srt", "reset", "on", "nopass", "+sort", "+eval",
                          "~mylist")
        with pytest.raises(redis.ResponseError) as e:
            u.eval("return redis.call('sort', KEYS[1], 'get', 'v*')", 1, "mylist")
        assert get in str(e.value)
    finally:
        u.close()
        r.execute_command("ACL", "DELUSER", "srt")


# ------------------------------------------------------------ COMMAND


def test_command_getkeys_and_info(raw):
    assert raw.cmd("COMMAND", "GETKEYS", "SORT", "abc", "STORE", "def") == [b"abc", b"def"]
    assert raw.cmd("COMMAND", "GETKEYS", "SORT", "abc", "STORE", "x", "STORE", "def") == [
        b"abc", b"def"]
    assert raw.cmd("COMMAND", "GETKEYS", "SORT_RO", "abc", "BY", "w*") == [b"abc"]
    info = raw.cmd("COMMAND", "INFO", "sort", "sort_ro")
    assert info[0][1] == -2 and info[1][1] == -2
    assert b"movablekeys" in info[0][2] and b"write" in info[0][2]
    assert b"readonly" in info[1][2]
    assert info[0][6] == [b"@write", b"@set", b"@sortedset", b"@list", b"@slow", b"@dangerous"]
    docs = raw.cmd("COMMAND", "DOCS", "sort_ro")
    assert b"Sort the elements in a list, set or sorted set. Read-only variant of SORT." in docs[1]


# ------------------------------------------------------------ random stream

ELEMS = ["a", "b", "c", "dd", "B", "10", "9", "-3", "2.5", "0", "x y", "", "07", "1e2"]
WEIGHTS = ["1", "2", "2", "-1", "0.5", "1e3", "abc", "", " 3", "inf", "-inf", "7"]


def build_dataset(rng, conn):
    conn.cmd("FLUSHALL")
    keys = []
    for i in range(4):
        n = rng.randint(0, 40)
        els = [rng.choice(ELEMS) if rng.random() < 0.6 else str(rng.randint(-50, 50))
               for _ in range(n)]
        if els:
            conn.cmd("RPUSH", "list%d" % i, *els)
            keys.append(("list%d" % i, "list"))
    ints = [str(rng.randint(-100, 100)) for _ in range(rng.randint(1, 20))]
    conn.cmd("SADD", "iset", *ints)
    keys.append(("iset", "intset"))
    # numbers go in front ("1e2" + "345" would overflow: see below)
    hs = [str(rng.randint(0, 30)) + rng.choice(ELEMS) for _ in range(rng.randint(1, 30))]
    conn.cmd("SADD", "hset", *hs)
    keys.append(("hset", "set"))
    for name, n in (("zsmall", 10), ("zbig", 200)):
        args = []
        for _ in range(rng.randint(1, n)):
            args += [str(rng.choice([1, 2, 3, 2.5, -1, rng.randint(0, 1000)])),
                     str(rng.randint(0, 500)) + rng.choice(ELEMS)]
        conn.cmd("ZADD", name, *args)
        keys.append((name, "zset"))
    universe = set(ELEMS) | set(str(i) for i in range(-100, 101)) | set(hs)
    for k in ("zsmall", "zbig"):
        universe |= set(x.decode() for x in conn.cmd("ZRANGE", k, 0, -1))
    for el in sorted(universe):
        if rng.random() < 0.7:
            w = rng.choice(WEIGHTS) if rng.random() < 0.15 else str(rng.randint(-5, 5))
            conn.cmd("SET", "w_" + el, w)
        if rng.random() < 0.6:
            conn.cmd("HSET", "h_" + el, "f", rng.randint(-3, 3), "g", rng.choice(ELEMS))
        if rng.random() < 0.3:
            conn.cmd("SET", "s_" + el, rng.choice(["A", "B", "C"]))
    return keys


BY_PATTERNS = ["w_*", "h_*->f", "h_*->g", "s_*", "nosort", "h_*->", "*", "w_*x"]


def random_sort(rng, key, kind):
    opts = []
    for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
        opts.append(["BY", rng.choice(BY_PATTERNS)])
    if rng.random() < 0.4:
        opts.append(["LIMIT", rng.choice([0, 1, 3, -2, 50, LONG_MAX, LONG_MIN]),
                     rng.choice([0, 1, 2, 5, -1, -5, 100, LONG_MAX, LONG_MIN])])
    for _ in range(rng.choice([0, 0, 1, 2])):
        opts.append(["GET", rng.choice(["#", "w_*", "h_*->g", "h_*->f", "s_*", "const"])])
    if rng.random() < 0.4:
        opts.append([rng.choice(["ASC", "DESC"])])
    alpha = rng.random() < 0.4
    if alpha:
        opts.append(["ALPHA"])
    store = rng.random() < 0.2
    if store:
        opts.append(["STORE", "dst"])
    rng.shuffle(opts)
    args = [key]
    for o in opts:
        args += o
    cmd = "SORT" if store or rng.random() < 0.7 else "SORT_RO"
    # Redis: any BY without '*' turns sorting off; the last BY is the pattern.
    bys = [o[1] for o in opts if o[0] == "BY"]
    dontsort = any("*" not in b for b in bys)
    # Where Redis's own order is not defined -- a hash table set's or a
    # sorted set's load order shows through ties (ALPHA BY) or through an
    # unsorted set -- only the multiset (or the count, with LIMIT) is fixed.
    loose = kind in ("set", "zset") and ((alpha and bys and not dontsort) or
                                        (kind == "set" and dontsort and not store))
    return [cmd] + args, loose, store


# Nothing in the stream overflows a double: after an ERANGE, Redis's stale
# errno fails later numeric SORTs of non-integer strings (docs/sort.md).
def run_stream(port, seed, count):
    rng = random.Random(seed)
    conn = RawConn("127.0.0.1", port)
    keys = build_dataset(rng, conn)
    out = []
    for _ in range(count):
        key, kind = rng.choice(keys + [("nokey", "list")])
        cmd, loose, store = random_sort(rng, key, kind)
        got = conn.cmd_raw(*cmd)
        stored = None
        if store:  # read, then dropped: each comparison stands alone
            stored = conn.cmd_raw("LRANGE", "dst", 0, -1)
            conn.cmd("DEL", "dst")
        out.append((cmd, loose, got, stored))
    conn.close()
    return out


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-ref-sort-")


def parse_array(raw):
    """The elements of a flat RESP2 array reply, for loose comparisons."""
    if not raw.startswith(b"*"):
        return raw
    lines = raw.split(b"\r\n")
    n = int(lines[0][1:])
    items, i = [], 1
    for _ in range(n):
        if lines[i] == b"$-1":
            items.append(None)
            i += 1
        else:
            items.append(lines[i + 1])
            i += 2
    return items


@pytest.mark.kilat_only
@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15, 16])
def test_random_sorts_match_redis(start_server, reference, seed):
    srv = start_server()
    ours = run_stream(srv.port, seed, 400)
    theirs = run_stream(reference, seed, 400)
    exact = 0
    for (cmd, loose, got, stored), (_, _, want, wstored) in zip(ours, theirs):
        if not loose:
            assert got == want, cmd
            assert stored == wstored, cmd
            exact += 1
            continue
        for a, b in ((got, want), (stored, wstored)):
            g, w = parse_array(a or b"*0\r\n"), parse_array(b or b"*0\r\n")
            if isinstance(g, bytes) or "LIMIT" in cmd:
                assert (len(g) if isinstance(g, list) else g) == \
                       (len(w) if isinstance(w, list) else w), cmd
            else:
                assert sorted(g, key=repr) == sorted(w, key=repr), cmd
    assert exact > 250


# ------------------------------------------------------------ propagation


def test_store_propagates_as_itself(start_server):
    from test_aof_effects import AOF_ARGS, Aof
    srv = start_server(*AOF_ARGS)
    r = srv.client()
    aof = Aof(srv)
    r.rpush("l", 3, 1, 2)
    r.zadd("z", {"a": 1})
    aof.new()
    assert r.execute_command("sort", "l", "desc", "store", "d") == 3
    assert aof.new() == [[b"sort", b"l", b"desc", b"store", b"d"]]
    # reads, the zset conversion and an empty result on no key: nothing
    assert sort(r, "l") == [b"1", b"2", b"3"]
    assert r.execute_command("SORT_RO", "z", "ALPHA") == [b"a"]
    assert sort(r, "nokey", "STORE", "none") == 0
    assert "converted" in err(r, "SORT", "z", "STORE", "d")
    r.set("marker", 1)
    assert aof.new() == [[b"SET", b"marker", b"1"]]
    # deleting the destination is propagated too
    assert sort(r, "nokey", "STORE", "d") == 0
    assert aof.new() == [[b"SORT", b"nokey", b"STORE", b"d"]]
    # from a script: the SORT it ran (one write: no MULTI around it)
    r.sadd("s", "b", "a")
    aof.new()
    assert r.eval("return redis.call('sort', KEYS[1], 'by', 'x', 'store', KEYS[2])",
                  2, "s", "d") == 2
    assert aof.new() == [[b"sort", b"s", b"by", b"x", b"store", b"d"]]
    assert r.lrange("d", 0, -1) == [b"a", b"b"]


def test_lookups_count_hits_and_misses(r):
    r.rpush("l", "a", "b", "c")
    r.mset({"w_a": 1, "w_b": 2, "v_c": "C"})
    r.hset("h_a", "f", 1)

    def stats():
        s = r.info("stats")
        return s["keyspace_hits"], s["keyspace_misses"]

    h0, m0 = stats()
    # l, then BY for 3 elements (2 hits), then GET v_* (1 hit), GET h_*->f
    # (1 hit: h_a; a hash without the field still counts as a hit), GET #
    sort(r, "l", "BY", "w_*", "GET", "#", "GET", "v_*", "GET", "h_*->f", "GET", "h_*->g")
    h1, m1 = stats()
    assert (h1 - h0, m1 - m0) == (1 + 2 + 1 + 1 + 1, 1 + 2 + 2 + 2)
    # BY nosort looks nothing up; LIMIT narrows the GETs
    sort(r, "l", "BY", "nosort", "LIMIT", 0, 1, "GET", "w_*")
    h2, m2 = stats()
    assert (h2 - h1, m2 - m1) == (2, 0)
    sort(r, "nokey")
    h3, m3 = stats()
    assert (h3 - h2, m3 - m2) == (0, 1)


def test_resp3_flags_and_oom(r, connect):
    r.rpush("l", 2, 1)
    c = connect()
    c.cmd("HELLO", "3")
    assert c.cmd_raw("SORT", "l", "GET", "#", "GET", "nokey_*") == \
        b"*4\r\n$1\r\n1\r\n_\r\n$1\r\n2\r\n_\r\n"
    assert c.cmd_raw("SORT_RO", "nokey") == b"*0\r\n"
    # SORT is a write command even without STORE; SORT_RO is not
    with pytest.raises(redis.ResponseError) as e:
        r.eval_ro("return redis.call('sort', KEYS[1])", 1, "l")
    assert "Write commands are not allowed from read-only scripts" in str(e.value)
    assert r.eval_ro("return redis.call('sort_ro', KEYS[1])", 1, "l") == [b"1", b"2"]
    # deny-oom: SORT is refused over maxmemory, SORT_RO still runs
    r.config_set("maxmemory", 1)
    try:
        assert err(r, "SORT", "l").startswith("OOM command not allowed")
        assert r.execute_command("SORT_RO", "l") == [b"1", b"2"]
    finally:
        r.config_set("maxmemory", 0)
