"""MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP and OBJECT HELP:
reply shapes, field names and Redis 7.0's errors."""

from conftest import (NIL, SYNTAX, NOT_INT, OK, Map, Double, err, wrong_args,
                      run, encoding)


def usage(raw, *args):
    return raw.cmd("MEMORY", "USAGE", *args)


def test_usage_of_each_type_and_missing_key(raw):
    raw.cmd("SET", "s", "v")
    raw.cmd("SET", "n", "12345")
    raw.cmd("RPUSH", "l", "a", "b")
    raw.cmd("SADD", "set", "a", "b")
    raw.cmd("ZADD", "z", "1", "a")
    raw.cmd("HSET", "h", "f", "v")
    for key in ("s", "n", "l", "set", "z", "h"):
        n = usage(raw, key)
        assert isinstance(n, int) and 0 < n < 4096, (key, n)
    assert raw.cmd_raw("MEMORY", "USAGE", "missing") == NIL


def test_usage_grows_with_the_value(raw):
    raw.cmd("SET", "small", "x")
    raw.cmd("SET", "big", "x" * 100000)
    assert usage(raw, "big") >= 100000 > usage(raw, "small")
    raw.cmd("HSET", "h", "f", "v")
    one = usage(raw, "h")
    for i in range(200):
        raw.cmd("HSET", "h", "field%d" % i, "value%d" % i)
    assert usage(raw, "h") > one


def test_usage_hash_encodings(raw):
    """type/hash asserts MEMORY USAGE > 0 for both encodings."""
    raw.cmd("HSET", "lp", "a", "1")
    assert encoding(raw, "lp") == b"listpack"
    raw.cmd("HSET", "ht", "a", "x" * 100)
    assert encoding(raw, "ht") == b"hashtable"
    assert usage(raw, "lp") > 0 and usage(raw, "ht") > usage(raw, "lp")


def test_usage_samples_option(raw):
    raw.cmd("SET", "k", "v")
    n = usage(raw, "k")
    run(raw, [
        (["MEMORY", "USAGE", "k", "SAMPLES", "0"], b":%d\r\n" % n),
        (["MEMORY", "USAGE", "k", "samples", "5"], b":%d\r\n" % n),
        (["MEMORY", "USAGE", "k", "SAMPLES"], SYNTAX),
        (["MEMORY", "USAGE", "k", "SAMPLES", "x"], NOT_INT),
        (["MEMORY", "USAGE", "k", "SAMPLES", "-1"], SYNTAX),
        (["MEMORY", "USAGE", "k", "bogus"], SYNTAX),
        (["MEMORY", "USAGE", "k", "SAMPLES", "1", "SAMPLES"], SYNTAX),
        # a missing key is checked after the options, as Redis does
        (["MEMORY", "USAGE", "missing", "SAMPLES", "x"], NOT_INT),
        (["MEMORY", "USAGE", "missing", "SAMPLES", "3"], NIL),
    ])


def test_memory_errors(raw):
    run(raw, [
        (["MEMORY"], wrong_args("memory")),
        (["MEMORY", "USAGE"], wrong_args("memory|usage")),
        (["MEMORY", "STATS", "x"], wrong_args("memory|stats")),
        (["MEMORY", "DOCTOR", "x"], wrong_args("memory|doctor")),
        (["MEMORY", "PURGE", "x"], wrong_args("memory|purge")),
        (["MEMORY", "MALLOC-STATS", "x"], wrong_args("memory|malloc-stats")),
        (["MEMORY", "HELP", "x"], wrong_args("memory|help")),
        (["MEMORY", "foo"],
         err("ERR unknown subcommand 'foo'. Try MEMORY HELP.")),
    ])


def test_stats_field_names(raw):
    raw.cmd("SET", "k", "v")
    raw.cmd("SELECT", "3")
    raw.cmd("SET", "k3", "v")
    reply = raw.cmd("MEMORY", "STATS")
    names = [reply[i] for i in range(0, len(reply), 2)]
    assert names == [
        b"peak.allocated", b"total.allocated", b"startup.allocated",
        b"replication.backlog", b"clients.slaves", b"clients.normal",
        b"cluster.links", b"aof.buffer", b"lua.caches", b"functions.caches",
        b"db.0", b"db.3", b"overhead.total", b"keys.count",
        b"keys.bytes-per-key", b"dataset.bytes", b"dataset.percentage",
        b"peak.percentage", b"allocator.allocated", b"allocator.active",
        b"allocator.resident", b"allocator-fragmentation.ratio",
        b"allocator-fragmentation.bytes", b"allocator-rss.ratio",
        b"allocator-rss.bytes", b"rss-overhead.ratio", b"rss-overhead.bytes",
        b"fragmentation", b"fragmentation.bytes"]
    d = dict(zip(names, reply[1::2]))
    assert d[b"keys.count"] == 2
    assert d[b"total.allocated"] > 0
    assert d[b"peak.allocated"] >= d[b"total.allocated"] - 65536
    db0 = d[b"db.0"]
    assert db0[0::2] == [b"overhead.hashtable.main",
                         b"overhead.hashtable.expires",
                         b"overhead.hashtable.slot-to-keys"]
    assert db0[1] > 0
    float(d[b"fragmentation"])     # a double, as a bulk string in RESP2


def test_stats_resp3_is_a_map(raw):
    raw.cmd("HELLO", "3")
    reply = raw.cmd("MEMORY", "STATS")
    assert isinstance(reply, Map)
    assert list(reply)[:3] == [b"peak.allocated", b"total.allocated",
                               b"startup.allocated"]
    assert isinstance(reply[b"fragmentation"], Double)


def test_doctor_on_an_empty_instance(raw):
    text = raw.cmd("MEMORY", "DOCTOR")
    assert text.startswith(b"Hi Sam, this instance is empty or is using very "
                           b"little memory")


def test_purge_and_malloc_stats(raw):
    assert raw.cmd_raw("MEMORY", "PURGE") == OK
    text = raw.cmd("MEMORY", "MALLOC-STATS")
    assert isinstance(text, bytes) and len(text) > 0


def test_memory_help(raw):
    lines = raw.cmd("MEMORY", "HELP")
    assert lines[0] == (b"MEMORY <subcommand> [<arg> [value] [opt] ...]. "
                        b"Subcommands are:")
    for word in (b"DOCTOR", b"MALLOC-STATS", b"PURGE", b"STATS",
                 b"USAGE <key> [SAMPLES <count>]", b"HELP"):
        assert word in lines
    assert lines[-1] == b"    Prints this help."


def test_object_help(raw):
    lines = raw.cmd("OBJECT", "HELP")
    assert lines[0] == (b"OBJECT <subcommand> [<arg> [value] [opt] ...]. "
                        b"Subcommands are:")
    for word in (b"ENCODING <key>", b"FREQ <key>", b"IDLETIME <key>",
                 b"REFCOUNT <key>", b"HELP"):
        assert word in lines
    run(raw, [(["OBJECT", "HELP", "x"], wrong_args("object|help")),
              (["OBJECT", "foo"],
               err("ERR unknown subcommand 'foo'. Try OBJECT HELP."))])


def test_command_getkeys_memory_usage(raw):
    assert raw.cmd("COMMAND", "GETKEYS", "MEMORY", "USAGE", "key") == [b"key"]
