"""Client-side caching: CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO,
over raw RESP2 and RESP3 connections, frames checked byte for byte.

Default mode, BCAST with prefixes, OPTIN, OPTOUT, REDIRECT (RESP2 pub/sub
and RESP3 push), NOLOOP, flushes, expiry, eviction, scripts, MULTI,
tracking-table-max-keys and every error. A connection is "synced" with a
PING: its reply comes after every frame written before it, so no sleeps are
needed to prove that nothing else was sent."""

import time

import pytest

from conftest import OK, SYNTAX, NOT_INT, bulk, integer, err, wait_for

CHANNEL = "__redis__:invalidate"


@pytest.fixture(autouse=True)
def flushed(r):
    """Each test starts with an empty keyspace and tracking table."""
    yield


def keys_array(keys):
    if keys is None:
        return None
    return b"*%d\r\n" % len(keys) + b"".join(bulk(k) for k in keys)


def push(keys, null=b"_\r\n"):
    """A RESP3 invalidation push; keys None: a flush's null."""
    body = null if keys is None else keys_array(keys)
    return b">2\r\n$10\r\ninvalidate\r\n" + body


def message(keys, null=b"$-1\r\n"):
    """A RESP2 invalidation on __redis__:invalidate; keys None: a flush."""
    body = null if keys is None else keys_array(keys)
    return b"*3\r\n$7\r\nmessage\r\n" + bulk(CHANNEL) + body


def hello3(conn):
    conn.send_command("HELLO", "3")
    conn.read_reply()


def tinfo(conn):
    """CLIENT TRACKINGINFO as a dict (RESP2 gives a flat array)."""
    v = conn.cmd("CLIENT", "TRACKINGINFO")
    return v if isinstance(v, dict) else dict(zip(v[::2], v[1::2]))


def client_id(conn):
    return conn.cmd("CLIENT", "ID")


def sync(conn, resp=3):
    """PING, and the next frame is its pong: nothing else was queued."""
    if resp == 3 or not getattr(conn, "subscribed", False):
        assert conn.cmd_raw("PING") == b"+PONG\r\n"
    else:
        assert conn.cmd_raw("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"


def tracker(connect, *opts, resp=3):
    c = connect()
    if resp == 3:
        hello3(c)
    assert c.cmd_raw("CLIENT", "TRACKING", "on", *opts) == OK
    return c


def subscriber(connect):
    """A RESP2 client subscribed to __redis__:invalidate; returns (conn, id)."""
    s = connect()
    sid = client_id(s)
    s.send_command("SUBSCRIBE", CHANNEL)
    s.read_reply()
    s.subscribed = True
    return s, sid


# ------------------------------------------------------------- default mode
def test_default_mode_resp3(connect):
    c, w = tracker(connect), connect()
    w.cmd("SET", "k", "1")
    assert c.cmd_raw("GET", "k") == bulk("1")
    w.cmd("SET", "k", "2")
    assert c.read_reply_raw() == push(["k"])
    w.cmd("SET", "k", "3")  # forgotten after the first change
    sync(c)
    # a key never read is not tracked
    w.cmd("SET", "other", "x")
    sync(c)


def test_own_write_after_reply(connect):
    c = tracker(connect)
    c.cmd("HSET", "h", "f", "1")
    c.cmd("HGET", "h", "f")
    assert c.cmd_raw("HDEL", "h", "f") == integer(1)
    assert c.read_reply_raw() == push(["h"])


def test_mget_multi_keys_and_rename(connect):
    c, w = tracker(connect), connect()
    w.cmd("MSET", "a", "1", "b", "2")
    c.cmd("MGET", "a", "b", "c")
    w.cmd("RENAME", "a", "c")
    assert sorted([c.read_reply_raw(), c.read_reply_raw()]) == sorted([push(["a"]), push(["c"])])
    w.cmd("DEL", "b")
    assert c.read_reply_raw() == push(["b"])
    sync(c)


def test_resp2_without_redirect_gets_nothing(connect):
    c, w = tracker(connect, resp=2), connect()
    c.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    sync(c, resp=2)


def test_noloop_default_mode(connect):
    c, w = tracker(connect, "NOLOOP"), connect()
    c.cmd("MGET", "mine", "theirs")
    assert c.cmd_raw("SET", "mine", "1") == OK
    w.cmd("SET", "theirs", "1")
    assert c.read_reply_raw() == push(["theirs"])
    sync(c)


def test_multi_invalidation_after_exec_reply(connect):
    c = tracker(connect)
    c.cmd("MSET", "a", "1", "b", "2")
    c.cmd("GET", "a")
    c.cmd("MULTI")
    c.cmd("INCR", "a")
    c.cmd("GET", "b")
    assert c.cmd_raw("EXEC") == b"*2\r\n:2\r\n$1\r\n2\r\n"
    assert c.read_reply_raw() == push(["a"])


def test_switch_to_bcast_forgets_old_keys(connect):
    c, w = tracker(connect), connect()
    c.cmd("GET", "k")
    c.cmd("CLIENT", "TRACKING", "off")
    c.cmd("CLIENT", "TRACKING", "on", "BCAST")
    w.cmd("SET", "k", "1")
    assert c.read_reply_raw() == push(["k"])  # from BCAST, once
    sync(c)


def test_tracking_off_in_the_transaction_of_its_own_write(connect):
    """The invalidation of a client's own write in a transaction goes out
    after the EXEC reply, to the redirection it had then, even when the
    same transaction turned tracking off (as Redis 7.0)."""
    def write_and_turn_off(c, key):
        c.cmd("GET", key)
        c.cmd("MULTI")
        c.cmd("SET", key, "x")
        c.cmd("CLIENT", "TRACKING", "off")
        assert c.cmd_raw("EXEC") == b"*2\r\n+OK\r\n+OK\r\n"

    s, sid = subscriber(connect)
    c = tracker(connect, "REDIRECT", sid, resp=2)
    write_and_turn_off(c, "k")
    assert s.read_reply_raw() == message(["k"])
    sync(s, resp=2)
    # tracking is off now: a later write is not sent anywhere
    c.cmd("GET", "k")
    c.cmd("SET", "k", "y")
    sync(s, resp=2)
    # a RESP3 client without redirection gets its push after the reply
    t = tracker(connect)
    write_and_turn_off(t, "j")
    assert t.read_reply_raw() == push(["j"])
    sync(t)


def test_tracking_turned_on_inside_multi(connect):
    """CLIENT TRACKING ON queued in a transaction applies to the reads
    queued after it."""
    s, sid = subscriber(connect)
    c, w = connect(), connect()
    c.cmd("MULTI")
    c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", sid)
    c.cmd("GET", "k")
    assert c.cmd_raw("EXEC") == b"*2\r\n+OK\r\n$-1\r\n"
    w.cmd("SET", "k", "1")
    assert s.read_reply_raw() == message(["k"])
    sync(s, resp=2)


# ----------------------------------------------------------------- redirect
def test_redirect_resp2_pubsub(connect):
    s, sid = subscriber(connect)
    c, w = tracker(connect, "REDIRECT", sid, resp=2), connect()
    c.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    assert s.read_reply_raw() == message(["k"])
    sync(s, resp=2)
    sync(c, resp=2)


def test_redirect_resp3_target(connect):
    t = connect()
    hello3(t)
    tid = client_id(t)
    c, w = tracker(connect, "REDIRECT", tid, resp=2), connect()
    c.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    assert t.read_reply_raw() == push(["k"])
    sync(t)


def test_redirect_resp2_not_subscribed_gets_nothing(connect):
    t = connect()
    tid = client_id(t)
    c, w = tracker(connect, "REDIRECT", tid), connect()
    c.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    sync(t, resp=2)
    sync(c)


def test_redirect_broken(connect):
    t = connect()
    tid = client_id(t)
    c, w = tracker(connect, "REDIRECT", tid), connect()
    c.cmd("GET", "k")
    t.close()
    wait_for(lambda: b"id=%d " % tid not in w.cmd("CLIENT", "LIST"))
    w.cmd("SET", "k", "1")
    assert c.read_reply_raw() == b">2\r\n$21\r\ntracking-redir-broken\r\n" + integer(tid)
    info = tinfo(c)
    assert info[b"flags"] == [b"on", b"broken_redirect"]
    assert info[b"redirect"] == tid
    line = c.cmd("CLIENT", "INFO")
    assert b" flags=tR " in line and b" redir=%d " % tid in line


def test_redirect_errors(connect):
    c = connect()
    me = client_id(c)
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", "abc") == NOT_INT
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", "999999") == \
        err("ERR The client ID you want redirect to does not exist")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", "0") == \
        err("ERR The client ID you want redirect to does not exist")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", me, "REDIRECT", me) == \
        err("ERR A client can only redirect to a single other client")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT") == SYNTAX
    # options are parsed before ON/OFF
    assert c.cmd_raw("CLIENT", "TRACKING", "maybe", "REDIRECT", "999999") == \
        err("ERR The client ID you want redirect to does not exist")
    assert c.cmd_raw("CLIENT", "TRACKING", "maybe") == SYNTAX
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", me) == OK
    assert c.cmd("CLIENT", "GETREDIR") == me


# -------------------------------------------------------------------- BCAST
def test_bcast_prefixes(connect):
    c, w = tracker(connect, "BCAST", "PREFIX", "b:", "PREFIX", "a:"), connect()
    w.cmd("MSET", "a:2", "1", "c:1", "1", "b:1", "1", "a:1", "1")
    # one message per prefix, in byte order, keys sorted
    assert c.read_reply_raw() == push(["a:1", "a:2"])
    assert c.read_reply_raw() == push(["b:1"])
    sync(c)
    assert tinfo(c)[b"prefixes"] == [b"a:", b"b:"]
    # adding a prefix keeps the old ones
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c:") == OK
    w.cmd("SET", "c:9", "1")
    assert c.read_reply_raw() == push(["c:9"])
    assert tinfo(c)[b"prefixes"] == [b"a:", b"b:", b"c:"]


def test_bcast_empty_prefix_redirect_resp2(connect):
    s, sid = subscriber(connect)
    c, w = tracker(connect, "BCAST", "REDIRECT", sid, resp=2), connect()
    w.cmd("MSET", "y", "1", "x", "2")
    assert s.read_reply_raw() == message(["x", "y"])
    assert tinfo(c)[b"prefixes"] == [b""]


def test_bcast_noloop(connect):
    c, w = tracker(connect, "BCAST", "NOLOOP"), connect()
    assert c.cmd_raw("SET", "mine", "1") == OK
    w.cmd("SET", "theirs", "1")
    assert c.read_reply_raw() == push(["theirs"])
    sync(c)


def test_bcast_noloop_multi_mixed(connect):
    c, w = tracker(connect, "BCAST", "NOLOOP"), connect()
    w2 = tracker(connect, "BCAST")
    c.cmd("MULTI")
    c.cmd("SET", "a", "1")
    c.cmd("SET", "b", "1")
    c.cmd("EXEC")
    w.cmd("SET", "b", "2")
    assert c.read_reply_raw() == push(["b"])
    assert w2.read_reply_raw() == push(["a", "b"])
    assert w2.read_reply_raw() == push(["b"])
    sync(c)
    sync(w2)


def test_bcast_prefix_errors(connect):
    c = connect()
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "PREFIX", "a") == \
        err("ERR PREFIX option requires BCAST mode to be enabled")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO") == \
        err("ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. "
            "Prefixes for a single client must not overlap.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR") == OK
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO") == \
        err("ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. "
            "Prefixes for a single client must not overlap.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB") == \
        err("ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. "
            "Prefixes for a single client must not overlap.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BAR") == \
        err("ERR Prefix 'BAR' overlaps with an existing prefix 'BAR'. "
            "Prefixes for a single client must not overlap.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on") == \
        err("ERR You can't switch BCAST mode on/off before disabling tracking for this "
            "client, and then re-enabling it with a different mode.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST", "OPTIN") == \
        err("ERR OPTIN and OPTOUT are not compatible with BCAST")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "PREFIX") == SYNTAX
    assert c.cmd_raw("CLIENT", "TRACKING", "off", "BCAST") == OK
    assert tinfo(c)[b"flags"] == [b"off"]


# ------------------------------------------------------------ OPTIN / OPTOUT
def test_optin(connect):
    c, w = tracker(connect, "OPTIN"), connect()
    c.cmd("GET", "k1")  # not cached: no CACHING yes
    w.cmd("SET", "k1", "1")
    sync(c)
    assert c.cmd_raw("CLIENT", "CACHING", "yes") == OK
    c.cmd("GET", "k2")
    c.cmd("GET", "k3")  # CACHING applied to the previous command only
    w.cmd("MSET", "k2", "1", "k3", "1")
    assert c.read_reply_raw() == push(["k2"])
    sync(c)
    # CLIENT commands keep it armed, a transaction uses it throughout
    c.cmd("CLIENT", "CACHING", "yes")
    assert tinfo(c)[b"flags"] == [b"on", b"optin", b"caching-yes"]
    c.cmd("MULTI")
    c.cmd("GET", "m1")
    c.cmd("GET", "m2")
    c.cmd("EXEC")
    assert tinfo(c)[b"flags"] == [b"on", b"optin"]
    w.cmd("MSET", "m1", "1", "m2", "1")
    assert sorted([c.read_reply_raw(), c.read_reply_raw()]) == [push(["m1"]), push(["m2"])]
    sync(c)


def test_optout(connect):
    c, w = tracker(connect, "OPTOUT"), connect()
    assert c.cmd_raw("CLIENT", "CACHING", "no") == OK
    c.cmd("GET", "k1")
    c.cmd("GET", "k2")
    w.cmd("MSET", "k1", "1", "k2", "1")
    assert c.read_reply_raw() == push(["k2"])
    sync(c)


def test_caching_errors(connect):
    c = connect()
    assert c.cmd_raw("CLIENT", "CACHING", "yes") == \
        err("ERR CLIENT CACHING can be called only when the client is in tracking mode "
            "with OPTIN or OPTOUT mode enabled")
    c.cmd("CLIENT", "TRACKING", "on")
    assert c.cmd_raw("CLIENT", "CACHING", "yes") == \
        err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
    assert c.cmd_raw("CLIENT", "CACHING", "no") == \
        err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
    assert c.cmd_raw("CLIENT", "CACHING", "maybe") == SYNTAX
    assert c.cmd_raw("CLIENT", "CACHING") == \
        err("ERR wrong number of arguments for 'client|caching' command")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT") == \
        err("ERR You can't specify both OPTIN mode and OPTOUT mode")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "OPTIN") == OK
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "OPTOUT") == \
        err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
            "client, and then re-enabling it with a different mode.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "BCAST") == \
        err("ERR You can't switch BCAST mode on/off before disabling tracking for this "
            "client, and then re-enabling it with a different mode.")
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "FOO") == SYNTAX
    assert c.cmd_raw("CLIENT", "TRACKING") == \
        err("ERR wrong number of arguments for 'client|tracking' command")
    assert c.cmd_raw("CLIENT", "GETREDIR", "x") == \
        err("ERR wrong number of arguments for 'client|getredir' command")
    assert c.cmd_raw("CLIENT", "TRACKINGINFO", "x") == \
        err("ERR wrong number of arguments for 'client|trackinginfo' command")


# -------------------------------------------------------------------- flush
@pytest.mark.parametrize("cmd", [("FLUSHALL",), ("FLUSHDB",), ("FLUSHALL", "ASYNC")])
def test_flush_null_invalidation(connect, cmd):
    c, w = tracker(connect), connect()
    s, sid = subscriber(connect)
    c2 = tracker(connect, "REDIRECT", sid, resp=2)
    c.cmd("GET", "k")
    c2.cmd("GET", "k")
    w.cmd(*cmd)
    assert c.read_reply_raw() == push(None)
    assert s.read_reply_raw() == message(None)
    assert w.cmd("INFO", "stats").count(b"tracking_total_keys:0\r\n") == 1
    # its own flush: the reply first
    assert c.cmd_raw(*cmd) == OK
    assert c.read_reply_raw() == push(None)
    assert s.read_reply_raw() == message(None)


def test_flush_null_in_tracking_clients_protocol(connect):
    """The null is the tracking client's (RESP3 `_`), even when it redirects
    to a RESP2 subscriber, as Redis does."""
    s, sid = subscriber(connect)
    c, w = tracker(connect, "REDIRECT", sid), connect()
    w.cmd("FLUSHDB")
    assert s.read_reply_raw() == message(None, null=b"_\r\n")


def test_flushdb_in_multi(connect):
    c = tracker(connect)
    c.cmd("SET", "a", "1")
    c.cmd("GET", "a")
    c.cmd("MULTI")
    c.cmd("FLUSHDB")
    assert c.cmd_raw("EXEC") == b"*1\r\n+OK\r\n"
    assert c.read_reply_raw() == push(None)


# ---------------------------------------------------- expiry and eviction
def test_active_expiry(connect):
    c, w = tracker(connect), connect()
    w.cmd("SET", "k", "v", "PX", "50")
    c.cmd("GET", "k")
    assert c.read_reply_raw() == push(["k"])


def debug_server(start_server, connect):
    srv = start_server("--enable-debug-command", "yes")
    return lambda: connect(srv)


def test_lazy_expiry_after_reply(start_server, connect):
    c = tracker(debug_server(start_server, connect))
    c.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    c.cmd("MSET", "x", "1", "y", "2")
    c.cmd("PEXPIRE", "y", "20")
    c.cmd("GET", "y")
    time.sleep(0.05)
    assert c.cmd_raw("MGET", "x", "y") == b"*2\r\n$1\r\n1\r\n_\r\n"
    assert c.read_reply_raw() == push(["y"])


def test_bcast_noloop_expiry_is_not_own(start_server, connect):
    c = tracker(debug_server(start_server, connect), "BCAST", "NOLOOP")
    c.cmd("MULTI")
    c.cmd("SET", "mykey", "v", "PX", "1")
    c.cmd("SET", "other", "v")
    c.cmd("DEBUG", "SLEEP", "0.05")
    c.cmd("GET", "mykey")
    c.cmd("EXEC")
    assert c.read_reply_raw() == push(["mykey"])
    sync(c)


def test_eviction_invalidates(connect):
    c, w = tracker(connect), connect()
    w.cmd("SET", "vol", "x", "EX", "1000")
    w.cmd("SET", "keep", "x")
    c.cmd("MGET", "vol", "keep")
    w.cmd("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
    try:
        w.cmd("CONFIG", "SET", "maxmemory", "1")
        w.cmd("GET", "keep")
        assert c.read_reply_raw() == push(["vol"])
    finally:
        w.cmd("CONFIG", "SET", "maxmemory", "0")
        w.cmd("CONFIG", "SET", "maxmemory-policy", "noeviction")
    sync(c)


# ------------------------------------------------------------------ scripts
def test_scripts_track_declared_keys_on_read(connect):
    c, w = tracker(connect), connect()
    # a script that reads nothing tracks nothing
    c.cmd("EVAL", "redis.call('set', 'k3', 'bar')", "2", "k1", "k2")
    w.cmd("MSET", "k1", "1", "k2", "1")
    sync(c)
    # one that reads tracks every declared key
    c.cmd("EVAL", "redis.call('get', 'k3')", "2", "k1", "k2")
    w.cmd("MSET", "k2", "2", "k1", "2")
    assert c.read_reply_raw() == push(["k2"])
    assert c.read_reply_raw() == push(["k1"])
    # EVAL_RO only through the commands it calls
    c.cmd("EVAL_RO", "redis.call('ping')", "1", "k1")
    w.cmd("SET", "k1", "3")
    sync(c)


def test_script_write_invalidates_after_reply(connect):
    c, w = tracker(connect), connect()
    w2 = tracker(connect)
    c.cmd("GET", "k")
    w2.cmd("GET", "k")
    assert c.cmd_raw("EVAL", "return redis.call('set', KEYS[1], '2')", "1", "k") == OK
    assert c.read_reply_raw() == push(["k"])
    assert w2.read_reply_raw() == push(["k"])
    # NOLOOP: the script's caller wrote it
    n = tracker(connect, "NOLOOP")
    n.cmd("GET", "k")
    n.cmd("EVAL", "return redis.call('set', KEYS[1], '3')", "1", "k")
    sync(n)
    w.cmd("GET", "k")


# ------------------------------------------------- tracking-table-max-keys
def test_tracking_table_max_keys(connect):
    c, w = tracker(connect), connect()
    c.cmd("MGET", "a", "b", "c")
    assert b"tracking_total_keys:3\r\n" in w.cmd("INFO", "stats")
    w.cmd("CONFIG", "SET", "tracking-table-max-keys", "1")
    try:
        got = sorted(c.read_reply()[1][0] for _ in range(2))
        assert len(set(got)) == 2 and set(got) < {b"a", b"b", b"c"}
        assert wait_for(lambda: b"tracking_total_keys:1\r\n" in w.cmd("INFO", "stats"))
    finally:
        w.cmd("CONFIG", "SET", "tracking-table-max-keys", "1000000")


# --------------------------------------------------------- introspection
def test_trackinginfo_and_getredir(connect):
    c = connect()
    assert c.cmd_raw("CLIENT", "GETREDIR") == integer(-1)
    assert c.cmd_raw("CLIENT", "TRACKINGINFO") == (
        b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n")
    me = client_id(c)
    c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", me, "NOLOOP", "OPTOUT")
    hello3(c)
    c.cmd("CLIENT", "CACHING", "no")
    assert c.cmd_raw("CLIENT", "GETREDIR") == integer(me)
    assert c.cmd_raw("CLIENT", "TRACKINGINFO") == (
        b"%3\r\n$5\r\nflags\r\n~4\r\n$2\r\non\r\n$6\r\noptout\r\n$10\r\ncaching-no\r\n"
        b"$6\r\nnoloop\r\n$8\r\nredirect\r\n" + integer(me) + b"$8\r\nprefixes\r\n*0\r\n")
    c.cmd("CLIENT", "TRACKING", "off")
    c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "a")
    assert c.cmd_raw("CLIENT", "GETREDIR") == integer(0)
    assert c.cmd_raw("CLIENT", "TRACKINGINFO") == (
        b"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
        b"$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nx\r\n")


def test_client_list_flags_and_info_fields(connect):
    w = connect()
    base = w.cmd("INFO")
    c = tracker(connect, "BCAST", "PREFIX", "p:", resp=2)
    d = tracker(connect, resp=2)
    d.cmd("MGET", "k1", "k2")
    e = tracker(connect, resp=2)
    e.cmd("GET", "k1")
    line = c.cmd("CLIENT", "INFO")
    assert b" flags=tB " in line and b" redir=0 " in line
    assert b" flags=t " in d.cmd("CLIENT", "INFO")
    assert b" flags=N " in w.cmd("CLIENT", "INFO") and b" redir=-1 " in w.cmd("CLIENT", "INFO")
    info = w.cmd("INFO")
    n0 = int(base.split(b"tracking_clients:")[1].split(b"\r\n")[0])
    assert b"tracking_clients:%d\r\n" % (n0 + 3) in info
    assert b"tracking_total_keys:2\r\n" in info
    assert b"tracking_total_items:3\r\n" in info
    assert b"tracking_total_prefixes:1\r\n" in info
    c.cmd("CLIENT", "TRACKING", "off")
    assert b"tracking_total_prefixes:0\r\n" in w.cmd("INFO")


def test_reset_turns_tracking_off(connect):
    c, w = tracker(connect), connect()
    c.cmd("CLIENT", "SETNAME", "x")
    c.cmd("GET", "k")
    assert c.cmd_raw("RESET") == b"+RESET\r\n"
    line = c.cmd("CLIENT", "INFO")
    assert b" flags=N " in line and b" redir=-1 " in line
    w.cmd("SET", "k", "1")
    sync(c, resp=2)
    assert tinfo(c)[b"flags"] == [b"off"]


def test_hello_switch_keeps_tracking(connect):
    c, w = tracker(connect, resp=2), connect()
    c.cmd("GET", "k")
    hello3(c)
    w.cmd("SET", "k", "1")
    assert c.read_reply_raw() == push(["k"])


def test_reply_off_still_pushes(connect):
    c, w = tracker(connect), connect()
    c.cmd("GET", "foo")
    c.send_command("CLIENT", "REPLY", "OFF")
    w.cmd("SET", "foo", "x")
    assert c.read_reply_raw() == push(["foo"])
    assert c.cmd_raw("CLIENT", "REPLY", "ON") == OK


def test_swapdb_and_move(connect):
    c, w = tracker(connect), connect()
    w.cmd("SET", "k", "1")
    c.cmd("GET", "k")
    w.cmd("SWAPDB", "0", "1")  # no invalidation in 7.0
    w.cmd("SWAPDB", "0", "1")
    sync(c)
    w.cmd("MOVE", "k", "2")
    assert c.read_reply_raw() == push(["k"])
    w.cmd("SELECT", "2")
    w.cmd("DEL", "k")


def test_redirect_to_itself_subscribed(connect):
    c, w = connect(), connect()
    me = client_id(c)
    assert c.cmd_raw("CLIENT", "TRACKING", "on", "REDIRECT", me) == OK
    c.cmd("GET", "k")
    c.send_command("SUBSCRIBE", CHANNEL)
    c.read_reply()
    c.subscribed = True
    w.cmd("SET", "k", "1")
    assert c.read_reply_raw() == message(["k"])
    sync(c, resp=2)


def test_blocked_move_invalidation_after_reply(connect):
    c, w = tracker(connect), connect()
    w.cmd("RPUSH", "dst", "a")
    c.cmd("LRANGE", "dst", "0", "-1")
    c.send_command("BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
    wait_for(lambda: w.cmd("INFO", "clients").count(b"blocked_clients:1\r\n"))
    w.cmd("RPUSH", "src", "foo")
    assert c.read_reply_raw() == bulk("foo")
    assert c.read_reply_raw() == push(["dst"])
    sync(c)

