"""maxmemory (issue 13): the OOM error under noeviction and what still
works, MULTI/EXEC and EVAL under OOM, the eviction policies (allkeys-*
honour the limit; volatile-* never touch keys without a TTL; volatile-ttl
takes the soonest-expiring first), the INFO fields -- the same on kilat and
redis-server. kilat's maxmemory-policy-db extension is kilat_only.

Each test runs its own server (a maxmemory left behind would break the
session server's other tests). Assertions are about behaviour, not counts
that depend on the allocator."""

import time

import pytest

from conftest import OK, SLOW, bulk, run, err

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
EXECABORT_OOM = (b"-EXECABORT Transaction discarded because of: OOM command "
                 b"not allowed when used memory > 'maxmemory'.\r\n")
EXECABORT_PREV = (b"-EXECABORT Transaction discarded because of previous "
                  b"errors.\r\n")
VALUE = b"x" * 1000


def info(c, section):
    text = bytes(c.cmd("INFO", section)).decode()
    return dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)


def used(c):
    return int(info(c, "memory")["used_memory"])


def evicted(c):
    return int(info(c, "stats")["evicted_keys"])


def pipeline_set(c, keys, ex=None):
    """SET every key (pipelined); returns the raw replies."""
    for k in keys:
        if ex is None:
            c.send(c.encode("SET", k, VALUE))
        else:
            c.send(c.encode("SET", k, VALUE, "EX", str(ex(k))))
    return [c.read_reply_raw() for _ in keys]


def limit_above_use(c, extra):
    """maxmemory = used_memory now + extra bytes; returns the limit."""
    limit = used(c) + extra
    run(c, [("CONFIG SET maxmemory %d" % limit, OK)])
    return limit


@pytest.fixture
def srv(start_server):
    return start_server()


@pytest.fixture
def c(srv, connect):
    return connect(srv)


# ------------------------------------------------------------ noeviction

def test_noeviction_oom_error_and_what_still_works(c, connect, srv):
    base = used(c)
    # one command at a time: a pipelined burst would leave a big query
    # buffer on this client, which counts as used memory too
    for i in range(1000):
        assert c.cmd_raw("SET", "k%d" % i, VALUE) == OK
    run(c, [("CONFIG GET maxmemory-policy",
             b"*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n")])
    # the limit: the empty server's use plus 512 KB, below the 1 MB written
    # (and well above what an emptied server keeps of its peak)
    limit = base + 512 * 1024
    run(c, [("CONFIG SET maxmemory %d" % limit, OK)])
    assert used(c) > limit
    # deny-oom commands: the exact error, and nothing is written
    for cmd in (["SET", "new", "v"], ["SET", "k1", "v"], ["APPEND", "k1", "z"],
                ["LPUSH", "l", "a"], ["SADD", "s", "a"], ["HSET", "h", "f", "v"],
                ["ZADD", "z", "1", "a"], ["INCR", "counter"],
                ["MSET", "a", "1", "b", "2"], ["SETEX", "e", "100", "v"],
                ["RESTORE", "r", "0", "x"], ["COPY", "k1", "k1copy"]):
        assert c.cmd_raw(*cmd) == OOM, cmd
    assert c.cmd("EXISTS", "new", "l", "s", "h", "z", "counter", "a",
                 "e", "r", "k1copy") == 0
    assert c.cmd("GET", "k1") == VALUE
    # reads, deletes and housekeeping still work
    assert c.cmd("DBSIZE") == 1000
    assert c.cmd("STRLEN", "k2") == 1000
    assert len(c.cmd("MGET", "k3", "k4")) == 2
    assert c.cmd("EXPIRE", "k5", "100") == 1   # not deny-oom
    assert c.cmd("DEL", "k0") == 1
    assert c.cmd("UNLINK", "k6") == 1
    assert c.cmd_raw("PING") == b"+PONG\r\n"
    # another client sees the same
    other = connect(srv)
    assert other.cmd_raw("SET", "x", "1") == OOM
    assert other.cmd("GET", "k7") == VALUE
    # the OOM errors are counted as OOM in errorstats
    assert "errorstat_OOM" in info(c, "errorstats")
    # FLUSHALL is allowed and frees memory: writes work again
    run(c, [("FLUSHALL", OK)])
    assert used(c) < limit
    run(c, [("SET new v", OK), ("GET new", b"$1\r\nv\r\n")])


def test_noeviction_maxmemory_one_byte(c):
    run(c, [("SET x 1", OK), ("CONFIG SET maxmemory 1", OK),
            ("SET y 1", OOM), ("GET x", b"$1\r\n1\r\n"), ("DEL x", b":1\r\n"),
            # still over (the baseline alone is above one byte)
            ("SET y 1", OOM),
            ("CONFIG SET maxmemory 0", OK), ("SET y 1", OK)])


def test_oom_in_multi(c):
    """Queuing in MULTI is refused under OOM (queued commands use memory),
    even a read, which flags the transaction; DISCARD and EXEC are never
    refused ("DISCARD should not fail during OOM")."""
    run(c, [("CONFIG SET maxmemory 1", OK),
            ("MULTI", OK), ("SET x 1", OOM), ("DISCARD", OK),
            ("MULTI", OK), ("GET x", OOM), ("EXEC", EXECABORT_PREV),
            ("CONFIG SET maxmemory 0", OK), ("PING", b"+PONG\r\n")])


def test_exec_with_only_reads_runs_under_oom(c, connect, srv):
    other = connect(srv)
    run(c, [("SET x value", OK), ("MULTI", OK), ("GET x", b"+QUEUED\r\n"),
            ("PING", b"+QUEUED\r\n")])
    run(other, [("CONFIG SET maxmemory 1", OK)])
    assert c.cmd_raw("EXEC") == b"*2\r\n$5\r\nvalue\r\n+PONG\r\n"
    run(other, [("CONFIG SET maxmemory 0", OK)])


def test_exec_with_a_write_fails_under_oom(c, connect, srv):
    other = connect(srv)
    run(c, [("MULTI", OK), ("SET x 1", b"+QUEUED\r\n"),
            ("GET x", b"+QUEUED\r\n")])
    run(other, [("CONFIG SET maxmemory 1", OK)])
    assert c.cmd_raw("EXEC") == EXECABORT_OOM
    run(other, [("CONFIG SET maxmemory 0", OK)])
    assert c.cmd("EXISTS", "x") == 0


def test_eval_under_oom(c):
    run(c, [("SET x 123", OK), ("CONFIG SET maxmemory 1", OK)])
    # a script without flags: fails only when it calls a deny-oom command
    # (the error names the script: "... 'maxmemory'. script: <sha>, on
    # @user_script:1.")
    got = c.cmd_raw("EVAL", "redis.call('set','x',1) return 1", "1", "x")
    assert got.startswith(OOM[:-2] + b" script: "), got
    assert got.endswith(b", on @user_script:1.\r\n"), got
    assert c.cmd("EVAL", "return redis.call('get','x')", "1", "x") == b"123"
    assert c.cmd("EVAL_RO", "return redis.call('get','x')", "1", "x") == b"123"
    # pcall sees the message without the dash
    assert c.cmd("EVAL", "local t = redis.pcall('set','x','y') "
                 "return t['err']", "1", "x") == \
        b"OOM command not allowed when used memory > 'maxmemory'."
    # a shebang script with default flags is refused whatever it does
    assert c.cmd_raw("EVAL", "#!lua flags=\nreturn 1", "0") == OOM
    assert c.cmd_raw("EVAL", "#!lua\nreturn 1", "0") == OOM
    # allow-oom may run, and write; no-writes implies allow-oom
    assert c.cmd("EVAL", "#!lua flags=allow-oom\nreturn 1", "0") == 1
    assert c.cmd("EVAL", "#!lua flags=allow-oom\nredis.call('set','x',1) "
                 "return 1", "1", "x") == 1
    assert c.cmd("EVAL", "#!lua flags=no-writes\nredis.call('get','x') "
                 "return 1", "0") == 1
    run(c, [("CONFIG SET maxmemory 0", OK)])
    assert c.cmd("EVAL", "#!lua\nreturn 1", "0") == 1
    assert c.cmd("GET", "x") == b"1"


def test_function_under_oom(c):
    lib = ("#!lua name=oomlib\n"
           "redis.register_function('w', function(k) "
           "return redis.call('set', k[1], 'v') end)\n"
           "redis.register_function{function_name='r', callback=function(k) "
           "return redis.call('get', k[1]) end, flags={'no-writes'}}\n")
    got = c.cmd_raw("FUNCTION", "LOAD", lib)
    if got.lower().startswith(b"-err unknown command 'function'"):
        pytest.skip("FUNCTION is not implemented yet (issue 15)")
    assert got == bulk("oomlib")
    run(c, [("SET k v", OK), ("CONFIG SET maxmemory 1", OK)])
    assert c.cmd_raw("FCALL", "w", "1", "k") == OOM
    assert c.cmd("FCALL", "r", "1", "k") == b"v"
    assert c.cmd("FCALL_RO", "r", "1", "k") == b"v"
    run(c, [("CONFIG SET maxmemory 0", OK)])
    assert c.cmd_raw("FCALL", "w", "1", "k") == OK


# ------------------------------------------------------------- allkeys-*

@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-random",
                                    "allkeys-lfu"])
def test_allkeys_policy_honours_the_limit(c, policy):
    run(c, [("CONFIG SET maxmemory-policy %s" % policy, OK)])
    limit = limit_above_use(c, 2 * 1024 * 1024)
    assert evicted(c) == 0
    # ~5x the room: 10,000 values of 1 KB into 2 MB; every write succeeds
    n = 10000
    for start in range(0, n, 1000):
        replies = pipeline_set(c, ["key:%d" % i for i in range(start, start + 1000)])
        assert replies == [OK] * 1000
        assert used(c) <= limit * 1.10, (used(c), limit)
    ev = evicted(c)
    keys = c.cmd("DBSIZE")
    assert ev > 0
    assert keys < n // 2            # most of the data had to go
    # every key written is either held or evicted (the commands in between,
    # INFO and DBSIZE, may evict one or two more before they run)
    assert n - 5 <= keys + ev <= n, (keys, ev)
    # Which keys went is not asserted here: the LRU clock ticks once a
    # second, so every key written in the last second ties, the newest one
    # included, and INFO/DBSIZE may evict any of them (redis-server did so
    # in CI runs, under LRU and under LFU).
    # test_allkeys_lru_evicts_the_idle_keys
    # checks recency with keys a clock tick apart.
    assert info(c, "memory")["maxmemory_policy"] == policy


def test_allkeys_lru_evicts_the_idle_keys(c):
    """The LRU clock ticks once a second: keys written, then left idle for
    more than a second, go before keys used since."""
    run(c, [("CONFIG SET maxmemory-policy allkeys-lru", OK)])
    limit_above_use(c, 2 * 1024 * 1024)
    pipeline_set(c, ["old:%d" % i for i in range(1000)])
    time.sleep(2.3 * SLOW)  # two ticks: old keys never tie with hot ones
    hot = ["hot:%d" % i for i in range(50)]
    pipeline_set(c, hot)
    pipeline_set(c, ["new:%d" % i for i in range(1200)])
    ev = evicted(c)
    assert ev > 100
    assert c.cmd("EXISTS", *hot) == 50
    # nearly everything evicted was old (new keys are as recent as hot ones;
    # the sampling may take a few of them)
    old_left = c.cmd("EXISTS", *["old:%d" % i for i in range(1000)])
    assert 1000 - old_left >= ev * 0.9, (old_left, ev)


# ------------------------------------------------------------ volatile-*

@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu",
                                    "volatile-random", "volatile-ttl"])
def test_volatile_policy_spares_persistent_keys(c, policy):
    run(c, [("CONFIG SET maxmemory-policy %s" % policy, OK)])
    persistent = ["p:%d" % i for i in range(300)]
    pipeline_set(c, persistent)
    limit = limit_above_use(c, 1024 * 1024)
    # 3 MB of volatile keys into 1 MB of room: they evict each other
    replies = pipeline_set(c, ["v:%d" % i for i in range(3000)],
                           ex=lambda k: 1000 + int(k[2:]))
    assert replies == [OK] * 3000
    assert evicted(c) > 0
    assert used(c) <= limit * 1.10
    assert c.cmd("EXISTS", *persistent) == 300
    assert int(info(c, "keyspace")["db0"].split(",")[1].split("=")[1]) > 0
    # persistent keys cannot make room: writes end in OOM once no volatile
    # key is left, and the persistent keys are all still there
    replies = pipeline_set(c, ["q:%d" % i for i in range(3000)])
    assert OOM in replies
    first = replies.index(OOM)
    assert set(replies[:first]) <= {OK}
    assert c.cmd("EXISTS", *persistent) == 300
    # no volatile key is left when the OOM came (all were evicted first)
    assert c.cmd("RANDOMKEY")[:2] in (b"p:", b"q:")
    db0 = info(c, "keyspace")["db0"]
    assert "expires=0" in db0, db0
    # reads and deletes still work
    assert c.cmd("GET", "p:0") == VALUE
    assert c.cmd("DEL", "p:0") == 1


def test_volatile_ttl_evicts_soonest_expiring_first(c):
    run(c, [("CONFIG SET maxmemory-policy volatile-ttl", OK)])
    # 1000 keys whose TTLs grow with the index, written in shuffled order
    order = list(range(1000))
    order = order[::7] + [i for i in order if i % 7]
    pipeline_set(c, ["t:%d" % i for i in order], ex=lambda k: 10000 + 10 * int(k[2:]))
    limit_above_use(c, 200 * 1024)
    # push out about half of them with keys that expire last of all
    pipeline_set(c, ["late:%d" % i for i in range(700)], ex=lambda k: 1000000)
    assert evicted(c) > 200
    kept = [i for i in range(1000) if c.cmd("EXISTS", "t:%d" % i)]
    gone = sorted(set(range(1000)) - set(kept))
    assert gone and kept
    # the shortest TTLs went first: of the 200 soonest-expiring keys, nearly
    # none is left; of the 200 latest (among t:*), nearly all are
    # (sampling is approximate: bounds with room to spare)
    print("kept", len(kept), "of the soonest 200:", sum(1 for i in kept if i < 200),
          "of the latest 200:", sum(1 for i in kept if i >= 800))
    assert sum(1 for i in kept if i < 200) <= 60, kept[:40]
    assert sum(1 for i in kept if i >= 800) >= 180
    assert sum(gone) / len(gone) < sum(kept) / len(kept)


# ------------------------------------------------------------------ INFO

def test_info_maxmemory_fields(c):
    m = info(c, "memory")
    assert m["maxmemory"] == "0"
    assert m["maxmemory_human"] == "0B"
    assert m["maxmemory_policy"] == "noeviction"
    assert info(c, "stats")["evicted_keys"] == "0"
    run(c, [("CONFIG SET maxmemory 64mb", OK),
            ("CONFIG SET maxmemory-policy volatile-lfu", OK),
            ("CONFIG GET maxmemory",
             b"*2\r\n$9\r\nmaxmemory\r\n$8\r\n67108864\r\n")])
    m = info(c, "memory")
    assert m["maxmemory"] == "67108864"
    assert m["maxmemory_human"] == "64.00M"
    assert m["maxmemory_policy"] == "volatile-lfu"
    run(c, [("CONFIG SET maxmemory 2gb", OK)])
    assert info(c, "memory")["maxmemory_human"] == "2.00G"
    run(c, [("CONFIG SET maxmemory 1500", OK)])
    assert info(c, "memory")["maxmemory_human"] == "1.46K"
    run(c, [("CONFIG SET maxmemory 0", OK)])


def test_info_memory_and_stats_fields(c):
    """The fields issue 13 names, in INFO memory and INFO stats."""
    m = info(c, "memory")
    for field in ("used_memory", "used_memory_human", "used_memory_rss",
                  "used_memory_peak", "used_memory_overhead",
                  "used_memory_dataset", "mem_fragmentation_ratio",
                  "mem_not_counted_for_evict", "lazyfree_pending_objects"):
        assert field in m, field
    s = info(c, "stats")
    for field in ("evicted_keys", "evicted_clients",
                  "total_eviction_exceeded_time",
                  "current_eviction_exceeded_time"):
        assert field in s, field


def test_evicted_keys_counts_and_resets(c):
    run(c, [("CONFIG SET maxmemory-policy allkeys-random", OK)])
    pipeline_set(c, ["k%d" % i for i in range(2000)])
    # lowering the limit below the use evicts at once (on the next command)
    limit_above_use(c, -1024 * 1024)
    c.cmd("SET", "trigger", "1")
    assert evicted(c) > 0
    n = evicted(c)
    assert c.cmd("DBSIZE") + n == 2001
    run(c, [("CONFIG RESETSTAT", OK)])
    assert evicted(c) == 0


def test_maxmemory_policy_bad_input(c):
    got = c.cmd_raw("CONFIG", "SET", "maxmemory-policy", "lru")
    assert got == err("ERR CONFIG SET failed (possibly related to argument "
                      "'maxmemory-policy') - argument(s) must be one of the "
                      "following: volatile-lru, volatile-lfu, volatile-random,"
                      " volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random"
                      ", noeviction")
    got = c.cmd_raw("CONFIG", "SET", "maxmemory", "12zz")
    assert got == err("ERR CONFIG SET failed (possibly related to argument "
                      "'maxmemory') - argument must be a memory value")


# ----------------------------------------- kilat: maxmemory-policy-db

PDB_ERR = b"-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy-db')"


@pytest.mark.kilat_only
def test_policy_db_config_round_trip(c):
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b""]
    run(c, [(["CONFIG", "SET", "maxmemory-policy-db", "1 allkeys-lru"], OK)])
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b"1 allkeys-lru"]
    run(c, [(["CONFIG", "SET", "maxmemory-policy-db",
              "1 allkeys-lru 3 volatile-ttl"], OK)])
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b"1 allkeys-lru 3 volatile-ttl"]
    # bad input: unknown policy, database out of range, odd word count;
    # the old value stays
    for bad in ("1 lru", "16 allkeys-lru", "-1 allkeys-lru", "x allkeys-lru",
                "1", "1 allkeys-lru 2"):
        got = c.cmd_raw("CONFIG", "SET", "maxmemory-policy-db", bad)
        assert got.startswith(PDB_ERR), (bad, got)
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b"1 allkeys-lru 3 volatile-ttl"]
    run(c, [(["CONFIG", "SET", "maxmemory-policy-db", ""], OK)])
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b""]


@pytest.mark.kilat_only
def test_policy_db_in_config_file(start_server, connect):
    srv = start_server(conf='maxmemory-policy-db "1 allkeys-lru 2 volatile-lfu"\n')
    c = connect(srv)
    assert c.cmd("CONFIG", "GET", "maxmemory-policy-db") == \
        [b"maxmemory-policy-db", b"1 allkeys-lru 2 volatile-lfu"]


@pytest.mark.kilat_only
def test_policy_db_evicts_only_where_allowed(c):
    """db 0 noeviction keeps every key (locks, sessions, a queue, with and
    without TTL); db 1 allkeys-lru (the cache) makes the room."""
    run(c, [("CONFIG SET maxmemory-policy noeviction", OK),
            (["CONFIG", "SET", "maxmemory-policy-db", "1 allkeys-lru"], OK)])
    locks = ["lock:%d" % i for i in range(200)]
    pipeline_set(c, locks, ex=lambda k: 10)
    pipeline_set(c, ["sess:%d" % i for i in range(200)], ex=lambda k: 7200)
    pipeline_set(c, ["job:%d" % i for i in range(200)])
    limit = limit_above_use(c, 2 * 1024 * 1024)
    run(c, [("SELECT 1", OK)])
    replies = pipeline_set(c, ["cache:%d" % i for i in range(8000)])
    assert replies == [OK] * 8000
    assert evicted(c) > 0
    assert used(c) <= limit * 1.10
    assert c.cmd("DBSIZE") < 4000
    run(c, [("SELECT 0", OK)])
    assert c.cmd("DBSIZE") == 600
    # once db 1 is empty and memory is still full, writes get OOM
    run(c, [("SELECT 1", OK), ("FLUSHDB", OK), ("SELECT 0", OK)])
    replies = pipeline_set(c, ["more:%d" % i for i in range(6000)])
    assert OOM in replies
    # every write answered OK is there, none other (memory freed later,
    # e.g. by the lazy free of db 1, lets some writes after an OOM succeed)
    assert set(replies) <= {OK, OOM}
    assert c.cmd("DBSIZE") == 600 + replies.count(OK)
    assert c.cmd("EXISTS", *locks) == 200


@pytest.mark.kilat_only
def test_policy_db_volatile_ttl_db_spares_noeviction_db(c):
    """The default policy volatile-ttl, db 0 overridden to noeviction: db 0's
    10 s locks (the soonest to expire) are never taken, db 2's keys are."""
    run(c, [("CONFIG SET maxmemory-policy volatile-ttl", OK),
            (["CONFIG", "SET", "maxmemory-policy-db", "0 noeviction"], OK)])
    locks = ["lock:%d" % i for i in range(300)]
    pipeline_set(c, locks, ex=lambda k: 10)
    limit_above_use(c, 1024 * 1024)
    run(c, [("SELECT 2", OK)])
    replies = pipeline_set(c, ["c:%d" % i for i in range(4000)],
                           ex=lambda k: 3600)
    assert replies == [OK] * 4000
    assert evicted(c) > 0
    run(c, [("SELECT 0", OK)])
    assert c.cmd("EXISTS", *locks) == 300
