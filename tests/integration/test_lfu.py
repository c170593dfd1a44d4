"""The LFU access counter (maxmemory-policy allkeys-lfu / volatile-lfu):
OBJECT FREQ and OBJECT IDLETIME in each mode with Redis's errors, the
logarithmic increment (deterministic with lfu-log-factor 0), what counts
as an access (reads, overwrites; OBJECT/EXISTS/TYPE do not), decay by
lfu-decay-time, RESTORE FREQ/IDLETIME and DEBUG RELOAD in each mode --
the same on kilat and redis-server. Values are never small integers:
Redis shares those objects (and their counter) when maxmemory is 0."""

import time

import pytest
import redis
from conftest import ASAN

FREQ_ERR = ("An LFU maxmemory policy is not selected, access frequency not "
            "tracked. Please note that when switching between policies at "
            "runtime LRU and LFU data will take some time to adjust.")
IDLE_ERR = ("An LFU maxmemory policy is selected, idle time not tracked. "
            "Please note that when switching between policies at runtime LRU "
            "and LFU data will take some time to adjust.")


@pytest.fixture
def lfu(r):
    """r under allkeys-lfu; the session server's settings come back after."""
    old = {k: r.config_get(k)[k] for k in
           ("maxmemory-policy", "lfu-log-factor", "lfu-decay-time")}
    r.config_set("maxmemory-policy", "allkeys-lfu")
    yield r
    for k, v in old.items():
        r.config_set(k, v)


def cmd(r, *args):
    # redis-py parses any OBJECT reply by subcommand: tell it which
    if args[0].upper() == "OBJECT" and len(args) > 1:
        return r.execute_command(*args, infotype=str(args[1]).lower())
    return r.execute_command(*args)


def error_of(r, *args):
    with pytest.raises(redis.ResponseError) as e:
        cmd(r, *args)
    return str(e.value)


def freq(r, key):
    return cmd(r, "OBJECT", "FREQ", key)


def idletime(r, key):
    return cmd(r, "OBJECT", "IDLETIME", key)


@pytest.mark.parametrize("policy", ["noeviction", "allkeys-lru",
                                    "volatile-lru", "allkeys-random",
                                    "volatile-ttl"])
def test_freq_refused_without_lfu_policy(r, policy):
    old = r.config_get("maxmemory-policy")["maxmemory-policy"]
    try:
        r.config_set("maxmemory-policy", policy)
        r.set("k", "v")
        assert error_of(r, "OBJECT", "FREQ", "k") == FREQ_ERR
        # a missing key answers null before the policy is looked at
        assert freq(r, "nokey") is None
        assert idletime(r, "k") == 0
    finally:
        r.config_set("maxmemory-policy", old)


@pytest.mark.parametrize("policy", ["allkeys-lfu", "volatile-lfu"])
def test_idletime_refused_under_lfu(lfu, policy):
    r = lfu
    r.config_set("maxmemory-policy", policy)
    r.set("k", "v")
    assert error_of(r, "OBJECT", "IDLETIME", "k") == IDLE_ERR
    assert idletime(r, "nokey") is None
    assert freq(r, "k") == 5  # LFU_INIT_VAL


def test_object_freq_arity(lfu):
    for args in (("OBJECT", "FREQ"), ("OBJECT", "FREQ", "a", "b")):
        assert error_of(lfu, *args) == (
            "wrong number of arguments for 'object|freq' command")


def test_counter_increments_logarithmically(lfu):
    r = lfu
    r.config_set("lfu-log-factor", "0")  # p = 1: every access counts
    r.set("k", "v")
    assert freq(r, "k") == 5
    for _ in range(10):
        r.get("k")
    assert freq(r, "k") == 15
    # OBJECT FREQ itself, EXISTS and TYPE are no accesses; TOUCH is
    r.exists("k")
    r.type("k")
    assert freq(r, "k") == 15
    r.touch("k")
    assert freq(r, "k") == 16
    # saturates at 255
    for _ in range(300):
        r.get("k")
    assert freq(r, "k") == 255


def test_hot_key_stays_above_cold_key(lfu):
    r = lfu  # lfu-log-factor 10, Redis's default
    r.set("hot", "v")
    r.set("cold", "v")
    for _ in range(300):
        r.get("hot")
    hot, cold = freq(r, "hot"), freq(r, "cold")
    assert cold == 5
    # the first access past LFU_INIT_VAL is certain, the next are 1/11,
    # 1/21, ...: 300 reads give a few increments, never 295
    assert 7 <= hot < 40, hot
    r.config_set("lfu-log-factor", "100")
    before = freq(r, "hot")
    for _ in range(100):
        r.get("hot")
    assert before <= freq(r, "hot") <= before + 2


def test_writes_and_overwrites(lfu):
    r = lfu
    r.config_set("lfu-log-factor", "0")
    r.set("k", "v")
    for _ in range(10):
        r.get("k")
    assert freq(r, "k") == 15
    r.set("k", "w")                 # an overwrite keeps the counter, +1
    assert freq(r, "k") == 16
    r.set("k", "x", nx=True)        # not set, but looked up: +1
    assert freq(r, "k") == 17
    r.set("k", "y", xx=True)
    assert freq(r, "k") == 18
    r.append("k", "z")
    assert freq(r, "k") == 19
    r.rename("k", "k2")             # the value moves with its counter
    assert freq(r, "k2") == 20
    r.copy("k2", "k3")              # a copy is a new value
    assert freq(r, "k3") == 5
    r.sadd("s1", "a")
    r.sadd("s2", "b")
    r.sunionstore("s1", ["s2"])     # a STORE overwrite counts as an access
    assert freq(r, "s1") == 6
    r.delete("k2")
    r.set("k2", "v")                # a new key starts over
    assert freq(r, "k2") == 5


def test_restore_freq_and_idletime(lfu):
    r = lfu
    r.set("src", "value")
    payload = r.dump("src")
    r.restore("a", 0, payload, frequency=100)
    assert freq(r, "a") == 100
    r.restore("b", 0, payload)
    assert freq(r, "b") == 5
    r.restore("c", 0, payload, idletime=1000)  # ignored under LFU
    assert freq(r, "c") == 5
    assert error_of(r, "RESTORE", "d", 0, payload, "FREQ", 256) == \
        "Invalid FREQ value, must be >= 0 and <= 255"
    # under an LRU policy FREQ is ignored and IDLETIME applies
    r.config_set("maxmemory-policy", "allkeys-lru")
    assert error_of(r, "RESTORE", "d", 0, payload, "IDLETIME", 1, "FREQ",
                    1) == "syntax error"
    r.restore("e", 0, payload, idletime=1000)
    assert idletime(r, "e") >= 1000
    r.restore("f", 0, payload, frequency=100)
    assert idletime(r, "f") == 0
    assert error_of(r, "OBJECT", "FREQ", "e") == FREQ_ERR


def test_switching_policies(lfu):
    r = lfu
    r.config_set("lfu-log-factor", "0")
    r.set("k", "v")
    r.get("k")
    assert freq(r, "k") == 6
    r.config_set("maxmemory-policy", "volatile-lru")
    assert error_of(r, "OBJECT", "FREQ", "k") == FREQ_ERR
    r.get("k")  # the word holds the LRU clock again
    assert idletime(r, "k") == 0
    r.config_set("maxmemory-policy", "volatile-lfu")
    assert error_of(r, "OBJECT", "IDLETIME", "k") == IDLE_ERR
    r.set("n", "v")
    assert freq(r, "n") == 5
    # several directives in one CONFIG SET
    r.config_set("maxmemory-policy", "noeviction")
    r.execute_command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu",
                      "lfu-log-factor", "0")
    r.set("m", "v")
    r.get("m")
    assert freq(r, "m") == 6


def test_lfu_config_values(lfu):
    r = lfu
    assert r.config_get("lfu-log-factor") == {"lfu-log-factor": "10"}
    assert r.config_get("lfu-decay-time") == {"lfu-decay-time": "1"}
    for name in ("lfu-log-factor", "lfu-decay-time"):
        assert error_of(r, "CONFIG", "SET", name, "-1") == (
            "CONFIG SET failed (possibly related to argument '%s') - "
            "argument must be between 0 and 2147483647 inclusive" % name)
        assert error_of(r, "CONFIG", "SET", name, "abc") == (
            "CONFIG SET failed (possibly related to argument '%s') - "
            "argument couldn't be parsed into an integer" % name)
    r.config_set("lfu-log-factor", "2147483647")
    r.set("k", "v")
    for _ in range(50):
        r.get("k")
    assert freq(r, "k") in (6, 7)  # one certain step, then p ~ 5e-10


def test_debug_reload_keeps_counter_and_idle(start_server):
    # the policy and factor from the command line, as at start
    r = start_server("--enable-debug-command", "yes", "--maxmemory-policy",
                     "allkeys-lfu", "--lfu-log-factor", "0").client()
    r.set("k", "v")
    for _ in range(20):
        r.get("k")
    assert freq(r, "k") == 25
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert freq(r, "k") == 25
    # under an LRU policy the file carries the idle time instead
    r.config_set("maxmemory-policy", "allkeys-lru")
    r.restore("old", 0, r.dump("k"), idletime=5000)
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert idletime(r, "old") >= 5000


@pytest.mark.skipif(ASAN, reason="waits up to a minute for the clock's minute to turn, on the "
                    "ASan run's critical path; the release runs (kilat and redis-server) cover it")
def test_decay_per_lfu_decay_time(lfu):
    """Decay counts whole minutes of the clock: wait for the next minute
    to begin (at most a minute), then each setting is read back without
    touching the key."""
    r = lfu
    r.set("src", "value")
    start_min = int(time.time()) // 60
    r.restore("k", 0, r.dump("src"), frequency=100)
    if int(time.time()) // 60 != start_min:  # crossed already: again
        start_min = int(time.time()) // 60
        r.restore("k", 0, r.dump("src"), frequency=100, replace=True)
    assert freq(r, "k") == 100
    while int(time.time()) // 60 == start_min:
        time.sleep(0.2)
    time.sleep(1.2)  # the server's cached clock follows within a tick
    r.config_set("lfu-decay-time", "1")
    assert freq(r, "k") == 99
    assert freq(r, "k") == 99   # reading does not stamp it
    r.config_set("lfu-decay-time", "0")  # no decay
    assert freq(r, "k") == 100
    r.config_set("lfu-decay-time", "2")  # one minute is no whole period
    assert freq(r, "k") == 100
    r.config_set("lfu-decay-time", "1")
    r.config_set("lfu-log-factor", "0")
    r.get("k")  # an access applies the decay, then counts
    assert freq(r, "k") == 100


def test_small_integers_unshared_under_lru_lfu_limit(lfu):
    """An LRU/LFU policy with a maxmemory limit gives each key its own
    object (its own access word): OBJECT REFCOUNT says 1, not shared."""
    r = lfu
    old = r.config_get("maxmemory")["maxmemory"]
    shared = 2147483647
    try:
        r.config_set("maxmemory-policy", "noeviction")
        r.set("a", "1")
        assert r.object("refcount", "a") == shared
        r.config_set("maxmemory", "1gb")
        r.set("b", "2")
        assert r.object("refcount", "b") == shared  # a non-LRU policy shares
        for policy in ("allkeys-lfu", "volatile-lru"):
            r.config_set("maxmemory-policy", policy)
            r.set("c", "3")
            assert r.object("refcount", "c") == 1
        r.set("d", "10000")  # beyond the shared range in any mode
        assert r.object("refcount", "d") == 1
    finally:
        r.config_set("maxmemory", old)
