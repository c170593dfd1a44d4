"""Blocking XREAD and XREADGROUP (issue 16) with several clients,
differential: every scenario runs on the server under test and on a
redis-server 7.0 started beside it, and the two transcripts (each client's
exact reply frames, what was still unanswered, blocked_clients, XPENDING
summaries...) must be equal. IDs made from the clock (XADD *) are numbered
in the order they first appear on each side before comparing.

Each scenario also asserts a few facts of its own on the transcript, so a
server that never answers cannot pass by agreeing with nothing.

Covered: served in the order they blocked (XREADGROUP `>`) or all at once
(XREAD), `$` semantics, wakes from XADD in MULTI and from a script, several
keys, COUNT, timeouts in RESP2 and RESP3, BLOCK 0 ended by CLIENT UNBLOCK
TIMEOUT / ERROR, disconnects while blocked, the key deleted, its type
changed, FLUSHALL, SWAPDB, RENAME, the group destroyed, NOACK, databases,
pipelined commands behind a blocked one, BLOCK inside MULTI and scripts.

Runs against kilat and against redis-server (then both sides are Redis).
"""

import re
import time

import pytest

from conftest import reference_redis, RawConn, SLOW

SCENARIOS = {}


def scenario(f):
    SCENARIOS[f.__name__] = f
    return f


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-streamblk-")


class World:
    """One server: a control connection and more clients; a transcript."""

    def __init__(self, port):
        self.port = port
        self.conns = []
        self.log = []
        self.ctrl = self.client()
        self.ctrl.cmd("FLUSHALL")
        self.info = self.client()   # never in MULTI

    def client(self, resp3=False, db=None):
        c = RawConn("127.0.0.1", self.port, timeout=10 * SLOW)
        self.conns.append(c)
        if resp3:
            c.cmd("HELLO", "3")
        if db is not None:
            c.cmd("SELECT", str(db))
        return c

    def close(self):
        for c in self.conns:
            c.close()

    # --- observing
    def blocked(self):
        info = self.info.cmd("INFO", "clients")
        m = re.search(rb"blocked_clients:(\d+)", info)
        return int(m.group(1))

    def wait_blocked(self, n, timeout=5.0):
        end = time.time() + timeout * SLOW
        while time.time() < end:
            if self.blocked() == n:
                return
            time.sleep(0.003)
        raise AssertionError("blocked_clients stayed %d, expected %d"
                             % (self.blocked(), n))

    def block(self, conn, *cmd):
        """conn sends cmd, which must block."""
        n = self.blocked()
        conn.send_command(*cmd)
        self.wait_blocked(n + 1)

    # --- recording
    def rec(self, label, value):
        self.log.append((label, value))
        return value

    def reply(self, label, conn):
        """The next reply frame of conn, verbatim."""
        return self.rec(label, conn.read_reply_raw())

    def silent(self, label, conn, wait=0.15):
        """What conn received within `wait` (b"" = still blocked). Only to
        confirm that a client stays blocked: a client that Redis answers
        is read with reply(), which waits as long as a loaded machine
        needs (a late answer here would be recorded as silence)."""
        return self.rec(label, conn.read_available(wait))

    def do(self, label, *cmd, conn=None):
        return self.rec(label, (conn or self.ctrl).cmd_raw(*cmd))

    def nblocked(self, label):
        return self.rec(label, self.blocked())

    def keyspace_stats(self, label):
        """keyspace_hits/misses: serving a blocked reader is no lookup that
        counts (Redis serves it without one), only the first call is."""
        info = self.info.cmd("INFO", "stats")
        return self.rec(label, re.findall(rb"keyspace_(?:hits|misses):(\d+)", info))


CLOCK_ID = re.compile(rb"\$(\d+)\r\n(\d{13,}-\d+)\r\n")


def canonical(log):
    """Clock IDs (13+ digit ms) replaced by their order of appearance."""
    seen = {}

    def sub(m):
        sym = seen.setdefault(m.group(2), b"<id%d>" % len(seen))
        return b"$?\r\n" + sym + b"\r\n"

    out = []
    for label, v in log:
        if isinstance(v, bytes):
            v = CLOCK_ID.sub(sub, v)
        out.append((label, v))
    return out


def run_both(server, reference, f):
    """The reference first, then the server under test; a step that fails
    on ours (timeout: a client not served) is shown beside Redis's."""
    logs = []
    for port in (reference, server.port):
        w = World(port)
        try:
            f(w)
        except Exception as e:
            if not logs:
                raise
            ref = canonical(logs[0])
            i = len(w.log)
            raise AssertionError(
                "failed at step %d (%s: %s) on the server under test;\n"
                " ours so far (last 3): %r\n redis at this step: %r" % (
                    i, type(e).__name__, e, canonical(w.log)[-3:],
                    ref[i] if i < len(ref) else None)) from e
        finally:
            w.close()
        logs.append(w.log)
    theirs, ours = canonical(logs[0]), canonical(logs[1])
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, "step %d %r:\n ours:   %r\n theirs: %r" % (
            i, a[0], a[1], b[1])
    assert len(ours) == len(theirs)
    return dict(ours)


# ------------------------------------------------------------ scenarios
# Each returns nothing; assertions inside them check facts on this side.

NIL2 = b"*-1\r\n"
EMPTY_S = b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"   # [[s, []]]: woken, entry gone
NULL3 = b"_\r\n"


@scenario
def xread_serves_every_waiter(w):
    w.do("resetstat", "CONFIG", "RESETSTAT")
    w.do("add0", "XADD", "s", "1-1", "f", "v0")
    cs = [w.client() for _ in range(3)]
    for c in cs:
        w.block(c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.nblocked("blocked")
    w.do("add", "XADD", "s", "2-1", "f", "v1")
    for i, c in enumerate(cs):
        r = w.reply("served%d" % i, c)
        assert b"2-1" in r and b"1-1" not in r
    w.nblocked("after")
    assert w.blocked() == 0
    assert w.keyspace_stats("stats") == [b"6", b"0"]  # 3 calls x 2 lookups


@scenario
def xreadgroup_served_in_order(w):
    w.do("resetstat", "CONFIG", "RESETSTAT")
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    cs = [w.client() for _ in range(3)]
    for i, c in enumerate(cs):
        w.block(c, "XREADGROUP", "GROUP", "g", "c%d" % i, "BLOCK", "0",
                "STREAMS", "s", ">")
    for n in range(3):
        w.do("add%d" % n, "XADD", "s", "%d-1" % (n + 1), "f", "v%d" % n)
        r = w.reply("served%d" % n, cs[n])
        assert b"%d-1" % (n + 1) in r
        for m in range(n + 1, 3):
            assert w.silent("waiting%d-%d" % (n, m), cs[m], 0.05) == b""
    w.do("pending", "XPENDING", "s", "g")
    w.do("groups", "XINFO", "GROUPS", "s")
    assert w.blocked() == 0
    # the three first calls (two lookups each), XPENDING and XINFO
    assert w.keyspace_stats("stats") == [b"8", b"0"]


@scenario
def one_xadd_per_group(w):
    """Each group's first waiter gets the entry; other waiters stay."""
    w.do("create1", "XGROUP", "CREATE", "s", "g1", "$", "MKSTREAM")
    w.do("create2", "XGROUP", "CREATE", "s", "g2", "$")
    a, b, c, d = (w.client() for _ in range(4))
    w.block(a, "XREADGROUP", "GROUP", "g1", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREADGROUP", "GROUP", "g2", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(c, "XREADGROUP", "GROUP", "g1", "c", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(d, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add", "XADD", "s", "5-5", "f", "v")
    w.reply("a", a)
    w.reply("b", b)
    w.reply("d", d)
    assert w.silent("c", c) == b""
    w.nblocked("left")
    w.do("add2", "XADD", "s", "6-6", "f", "v")
    assert b"6-6" in w.reply("c2", c)


@scenario
def dollar_means_entries_after_the_call(w):
    w.do("add1", "XADD", "s", "1-1", "f", "old")
    a = w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add2", "XADD", "s", "2-2", "f", "new")
    r = w.reply("served", a)
    assert b"new" in r and b"old" not in r
    # an ID that is already behind data: answered at once, no blocking
    w.do("past", "XREAD", "BLOCK", "0", "STREAMS", "s", "0", conn=a)
    w.do("past1", "XREAD", "BLOCK", "0", "STREAMS", "s", "1-1", conn=a)
    # $ on a key that does not exist yet, then created with a small ID
    b = w.client()
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "nokey", "$")
    w.do("add3", "XADD", "nokey", "0-1", "f", "tiny")
    assert b"tiny" in w.reply("served_tiny", b)


@scenario
def xread_explicit_id_blocks_until_newer(w):
    w.do("add1", "XADD", "s", "10-0", "f", "a")
    a = w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "10-0")
    w.do("add2", "XADD", "s", "10-1", "f", "b")
    assert b"10-1" in w.reply("served", a)
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "20")
    w.do("add3", "XADD", "s", "15-0", "f", "c")   # not after 20-0
    w.silent("still", a)
    w.do("add4", "XADD", "s", "20-1", "f", "d")
    assert b"20-1" in w.reply("served2", a)


@scenario
def wake_from_multi(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b, c = w.client(), w.client(), w.client()
    w.block(a, "XREAD", "COUNT", "10", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "COUNT", "1", "BLOCK", "0",
            "STREAMS", "s", ">")
    w.block(c, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("multi", "MULTI")
    w.do("q1", "XADD", "s", "1-1", "f", "v1")
    w.do("q2", "XADD", "s", "1-2", "f", "v2")
    w.do("q3", "XADD", "s", "*", "f", "v3")
    w.nblocked("during")
    w.do("exec", "EXEC")
    ra = w.reply("a", a)
    assert b"v1" in ra and b"v2" in ra and b"v3" in ra
    w.reply("b", b)
    w.reply("c", c)
    w.do("pending", "XPENDING", "s", "g")
    w.nblocked("after")


@scenario
def wake_from_multi_xadd_then_xdel(w):
    """An entry added and deleted in one transaction: Redis 7.0 answers the
    waiters with an empty entry list (the key was signalled ready)."""
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("multi", "MULTI")
    w.do("q1", "XADD", "s", "7-0", "f", "v")
    w.do("q2", "XDEL", "s", "7-0")
    w.do("exec", "EXEC")
    assert w.reply("a", a) == EMPTY_S
    assert w.reply("b", b) == EMPTY_S
    w.nblocked("after")
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add", "XADD", "s", "8-0", "f", "w")
    assert b"8-0" in w.reply("a2", a)
    assert b"8-0" in w.reply("b2", b)


@scenario
def wake_from_script(w):
    a, b = w.client(), w.client()
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("eval", "EVAL",
         "redis.call('XADD', KEYS[1], '3-1', 'f', 'a'); "
         "redis.call('XADD', KEYS[1], '3-2', 'f', 'b'); return 1", "1", "s")
    assert b"3-2" in w.reply("a", a)
    assert b"3-1" in w.reply("b", b)
    # BLOCK from a script is an error; in MULTI it does not block
    w.do("script_block", "EVAL",
         "return redis.call('XREAD', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')",
         "1", "s")
    w.do("script_block_g", "EVAL",
         "return redis.call('XREADGROUP', 'GROUP', 'g', 'x', 'BLOCK', '0', "
         "'STREAMS', KEYS[1], '>')", "1", "s")
    w.do("multi", "MULTI")
    w.do("q1", "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("q2", "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("exec", "EXEC")


@scenario
def several_keys(w):
    w.do("add", "XADD", "b", "1-0", "f", "x")
    a = w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "c", "$", "$", "$")
    w.do("add_c", "XADD", "c", "2-0", "f", "y")
    r = w.reply("served", a)
    assert b"\r\nc\r\n" in r and b"\r\nb\r\n" not in r
    # both keys get data in one transaction: one reply with both
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$")
    w.do("multi", "MULTI")
    w.do("q1", "XADD", "b", "3-0", "f", "z")
    w.do("q2", "XADD", "a", "3-0", "f", "z")
    w.do("exec", "EXEC")
    w.reply("served2", a)
    # groups on two keys
    w.do("g1", "XGROUP", "CREATE", "a", "g", "$")
    w.do("g2", "XGROUP", "CREATE", "b", "g", "$")
    w.block(a, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS",
            "a", "b", ">", ">")
    w.do("add_b", "XADD", "b", "4-0", "f", "w")
    assert b"4-0" in w.reply("served3", a)
    # the same key twice
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "a", "a", "$", "$")
    w.do("add_a", "XADD", "a", "5-0", "f", "twice")
    w.reply("served4", a)


@scenario
def count_limits_what_is_served(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    w.block(a, "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "COUNT", "2", "BLOCK", "0",
            "STREAMS", "s", ">")
    w.do("multi", "MULTI")
    for i in range(5):
        w.do("q%d" % i, "XADD", "s", "1-%d" % (i + 1), "f", "v%d" % i)
    w.do("exec", "EXEC")
    ra = w.reply("a", a)
    assert b"1-1" in ra and b"1-2" in ra and b"1-3" not in ra
    w.reply("b", b)
    w.do("pending", "XPENDING", "s", "g")
    w.do("rest", "XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">")


@scenario
def timeouts_resp2(w):
    a = w.client()
    t0 = time.time()
    w.do("xread", "XREAD", "BLOCK", "60", "STREAMS", "s", "$", conn=a)
    assert time.time() - t0 >= 0.05
    w.do("xread_data_key", "XADD", "s", "1-0", "f", "v")
    assert w.do("xread2", "XREAD", "BLOCK", "30", "STREAMS", "s", "$",
                conn=a) == NIL2
    w.do("create", "XGROUP", "CREATE", "s", "g", "$")
    assert w.do("xreadgroup", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "30",
                "STREAMS", "s", ">", conn=a) == NIL2
    w.do("xreadgroup_count", "XREADGROUP", "GROUP", "g", "c", "COUNT", "3",
         "BLOCK", "30", "STREAMS", "s", ">", conn=a)
    # the consumer exists although it got nothing
    w.do("groups", "XINFO", "GROUPS", "s")
    # history IDs never block
    w.do("history", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0",
         "STREAMS", "s", "0", conn=a)
    w.nblocked("none")


@scenario
def timeouts_resp3(w):
    a = w.client(resp3=True)
    assert w.do("xread", "XREAD", "BLOCK", "30", "STREAMS", "s", "$",
                conn=a) == NULL3
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    assert w.do("xreadgroup", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "30",
                "STREAMS", "s", ">", conn=a) == NULL3
    # served over RESP3: a map of key -> entries
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add", "XADD", "s", "1-0", "f", "v")
    assert w.reply("served", a).startswith(b"%1\r\n")
    w.do("drain", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">",
         conn=a)
    w.block(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS",
            "s", ">")
    w.do("add2", "XADD", "s", "2-0", "f", "v")
    w.reply("served_group", a)
    w.do("nonblocking_nil", "XREAD", "STREAMS", "s", "$", conn=a)


@scenario
def client_unblock(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client(resp3=True)
    ida = a.cmd("CLIENT", "ID")
    idb = b.cmd("CLIENT", "ID")
    for label, cmd in [("xread", ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]),
                       ("xreadgroup", ["XREADGROUP", "GROUP", "g", "c",
                                       "BLOCK", "0", "STREAMS", "s", ">"])]:
        for how in ("TIMEOUT", "ERROR"):
            for conn, cid in ((a, ida), (b, idb)):
                w.block(conn, *cmd)
                w.do("unblock", "CLIENT", "UNBLOCK", str(cid), how)
                r = w.reply("%s_%s_%d" % (label, how, cid == idb), conn)
                if how == "ERROR":
                    assert r.startswith(b"-UNBLOCKED")
    w.do("not_blocked", "CLIENT", "UNBLOCK", str(ida))
    w.do("bad_how", "CLIENT", "UNBLOCK", str(ida), "MAYBE")
    w.do("pending", "XPENDING", "s", "g")
    w.do("add", "XADD", "s", "1-0", "f", "v")
    w.silent("nobody", a)
    w.nblocked("none")


@scenario
def disconnect_while_blocked(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b, c = w.client(), w.client(), w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(c, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    a.close()
    b.close()
    w.wait_blocked(1)
    w.nblocked("one left")
    w.do("add", "XADD", "s", "1-0", "f", "v")
    assert b"1-0" in w.reply("c", c)
    w.do("pending_c", "XPENDING", "s", "g", "-", "+", "10", "a")
    w.do("pending", "XPENDING", "s", "g")
    w.nblocked("none")


@scenario
def key_deleted(w):
    w.do("resetstat", "CONFIG", "RESETSTAT")
    w.do("add", "XADD", "s", "666", "f", "v")
    w.do("create", "XGROUP", "CREATE", "s", "g", "$")
    a, b = w.client(), w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("del", "DEL", "s")
    rb = w.reply("b", b)
    assert rb.startswith(b"-")
    w.silent("a_still", a)
    w.do("add2", "XADD", "s", "667", "f", "v")
    assert b"667-0" in w.reply("a", a)
    w.keyspace_stats("stats")


@scenario
def key_type_changed(w):
    w.do("add", "XADD", "s", "666", "f", "v")
    w.do("create", "XGROUP", "CREATE", "s", "g", "$")
    a, b = w.client(), w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("set", "SET", "s", "val1")
    w.reply("b", b)
    w.silent("a_still", a)
    w.do("del", "DEL", "s")
    w.do("add2", "XADD", "s", "667", "f", "v")
    assert b"667-0" in w.reply("a", a)
    # in a transaction: DEL then SADD
    w.do("create2", "XGROUP", "CREATE", "s", "g", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("multi", "MULTI")
    w.do("q1", "DEL", "s")
    w.do("q2", "SADD", "s", "e1")
    w.do("exec", "EXEC")
    w.reply("b2", b)
    w.nblocked("none")


@scenario
def flushall_and_swapdb(w):
    w.do("add", "XADD", "s", "666", "f", "v")
    w.do("create", "XGROUP", "CREATE", "s", "g", "$")
    a, b = w.client(), w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("flushall", "FLUSHALL")
    w.reply("a", a)
    w.silent("b_still", b)
    w.do("add2", "XADD", "s", "1-0", "f", "v")   # not after 666-0
    w.silent("b_still2", b)
    w.do("add3", "XADD", "s", "667-0", "f", "v")
    assert b"667-0" in w.reply("b", b)
    # SWAPDB brings a key that is not a stream / no key
    c = w.client(db=9)
    w.do("sel9", "SELECT", "9")
    w.do("add9", "XADD", "s", "666", "f", "v")
    w.do("create9", "XGROUP", "CREATE", "s", "g", "$")
    w.do("sel4", "SELECT", "4")
    w.do("list4", "LPUSH", "s", "e1")
    w.block(c, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("swap", "SWAPDB", "4", "9")
    w.reply("c", c)
    w.do("sel0", "SELECT", "0")
    # SWAPDB bringing a stream with data to a waiting XREAD
    d = w.client(db=3)
    w.block(d, "XREAD", "BLOCK", "0", "STREAMS", "q", "0")
    w.do("sel5", "SELECT", "5")
    w.do("add5", "XADD", "q", "9-9", "f", "swapped")
    w.do("swap2", "SWAPDB", "3", "5")
    w.reply("d", d)
    w.do("sel0b", "SELECT", "0")
    w.nblocked("none")


def stats_of(w, label):
    """The calls / failed_calls of XREADGROUP and the NOGROUP error count
    (not the times)."""
    info = w.info.cmd("INFO", "commandstats").decode()
    m = re.search(r"cmdstat_xreadgroup:calls=(\d+),.*rejected_calls=(\d+),"
                  r"failed_calls=(\d+)", info)
    errs = w.info.cmd("INFO", "errorstats").decode()
    e = re.search(r"errorstat_NOGROUP:count=(\d+)", errs)
    return w.rec(label, (m and m.groups(), e and e.group(1)))


@scenario
def group_destroyed(w):
    w.do("resetstat", "CONFIG", "RESETSTAT")
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client(resp3=True)
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("destroy", "XGROUP", "DESTROY", "s", "g")
    assert w.reply("a", a).startswith(b"-NOGROUP")
    w.reply("b", b)
    w.nblocked("none")
    # a failed blocked command counts once, as failed, and its error too
    assert stats_of(w, "stats") == (("2", "0", "2"), "2")
    # recreated group, then SETID past new entries: still blocked until newer
    w.do("create2", "XGROUP", "CREATE", "s", "g", "$")
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("delconsumer", "XGROUP", "DELCONSUMER", "s", "g", "a")
    w.silent("a_still", a)
    w.do("add", "XADD", "s", "1-0", "f", "v")
    w.reply("a2", a)
    w.do("consumers", "XINFO", "GROUPS", "s")


@scenario
def rename_unblocks(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a = w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("create2", "XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM")
    w.do("add2", "XADD", "s2", "100", "f1", "v1")
    w.do("rename", "RENAME", "s2", "s")
    assert b"100-0" in w.reply("data", a)
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("add3", "XADD", "s3", "100", "f1", "v1")
    w.do("rename2", "RENAME", "s3", "s")
    assert w.reply("nogroup", a).startswith(b"-NOGROUP")
    # XREAD waiting on a key that a RENAME brings
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "t", "0")
    w.do("add4", "XADD", "t2", "5-5", "f", "v")
    w.do("rename3", "RENAME", "t2", "t")
    assert b"5-5" in w.reply("renamed", a)


@scenario
def move_and_copy_serve(w):
    """MOVE and COPY bring a stream into a key a client waits on."""
    a, b = w.client(), w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "0")
    w.do("sel1", "SELECT", "1")
    w.do("add1", "XADD", "s", "1-1", "f", "moved")
    w.do("move", "MOVE", "s", "0")
    w.do("sel0", "SELECT", "0")
    assert b"moved" in w.reply("a", a)
    w.do("create", "XGROUP", "CREATE", "src", "g", "0", "MKSTREAM")
    w.do("add2", "XADD", "src", "2-2", "f", "copied")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "dst", "0")
    w.do("copy", "COPY", "src", "dst")
    assert b"copied" in w.reply("b", b)
    # a group that came with the copy serves a waiting XREADGROUP
    w.do("del", "DEL", "dst")
    w.do("create2", "XGROUP", "CREATE", "dst", "g", "$", "MKSTREAM")
    w.block(b, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS",
            "dst", ">")
    w.do("copy2", "COPY", "src", "dst", "REPLACE")
    w.reply("b2", b)
    w.nblocked("none")


@scenario
def client_kill_while_blocked(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    ida = a.cmd("CLIENT", "ID")
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("kill", "CLIENT", "KILL", "ID", str(ida))
    w.wait_blocked(1)
    w.do("add", "XADD", "s", "1-0", "f", "v")
    assert b"1-0" in w.reply("b", b)
    w.do("pending", "XPENDING", "s", "g")
    w.do("groups", "XINFO", "GROUPS", "s")


@scenario
def noack(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "NOACK", "BLOCK", "0",
            "STREAMS", "s", ">")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("add", "XADD", "s", "1-0", "f", "v")
    assert b"1-0" in w.reply("a", a)
    w.silent("b_still", b)
    w.do("pending", "XPENDING", "s", "g")
    w.do("add2", "XADD", "s", "2-0", "f", "v")
    w.reply("b", b)
    w.do("pending2", "XPENDING", "s", "g")
    w.do("groups", "XINFO", "GROUPS", "s")


@scenario
def stream_ran_dry(w):
    a = w.client()
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    w.do("add", "XADD", "s", "666", "key", "value")
    w.do("del", "XDEL", "s", "666")
    w.do("timeout", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS",
         "s", ">", conn=a)
    w.do("smaller", "XADD", "s", "665", "k", "v")
    w.block(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("add2", "XADD", "s", "667", "key", "value")
    assert b"667-0" in w.reply("served", a)
    for i in ("0", "600", "667", "700"):
        w.do("hist" + i, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0",
             "STREAMS", "s", i, conn=a)


@scenario
def trimmed_before_served(w):
    """XADD with MAXLEN 0: the entry is gone before the waiters are served."""
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("add", "XADD", "s", "MAXLEN", "0", "1-0", "f", "v")
    # Redis 7.0 serves them an empty entry list here
    assert w.reply("a", a) == EMPTY_S
    assert w.reply("b", b) == EMPTY_S
    w.nblocked("after")
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.block(b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
    w.do("add2", "XADD", "s", "2-0", "f", "v")
    assert b"2-0" in w.reply("a2", a)
    assert b"2-0" in w.reply("b2", b)


@scenario
def databases_are_separate(w):
    a = w.client(db=1)
    w.block(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add0", "XADD", "s", "1-0", "f", "db0")
    w.silent("a_still", a)
    w.do("sel1", "SELECT", "1")
    w.do("add1", "XADD", "s", "1-0", "f", "db1")
    assert b"db1" in w.reply("a", a)
    w.do("sel0", "SELECT", "0")


@scenario
def pipelined_behind_blocked(w):
    a = w.client()
    a.send(RawConn.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$") +
           RawConn.encode("PING") + RawConn.encode("XLEN", "s"))
    w.wait_blocked(1)
    w.silent("nothing", a)
    w.do("add", "XADD", "s", "1-0", "f", "v")
    w.reply("xread", a)
    w.reply("ping", a)
    w.reply("xlen", a)


@scenario
def clock_ids_serve(w):
    w.do("create", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    a, b = w.client(), w.client()
    w.block(a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    w.block(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    w.do("add", "XADD", "s", "*", "f", "v")
    w.reply("a", a)
    w.reply("b", b)
    w.do("pending", "XPENDING", "s", "g")
    w.do("info", "XINFO", "GROUPS", "s")


@scenario
def wrong_args_with_block(w):
    a = w.client()
    w.do("set", "SET", "str", "x")
    for cmd in (["XREAD", "BLOCK", "-1", "STREAMS", "s", "$"],
                ["XREAD", "BLOCK", "abc", "STREAMS", "s", "$"],
                ["XREAD", "BLOCK", "0", "STREAMS", "s"],
                ["XREAD", "BLOCK", "0", "STREAMS", "s", ">"],
                ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS",
                 "s", "$"],
                ["XREADGROUP", "GROUP", "nog", "c", "BLOCK", "0", "STREAMS",
                 "s", ">"],
                ["XREAD", "BLOCK", "0", "STREAMS", "str", "$"]):
        w.do(" ".join(cmd), *cmd, conn=a)
    w.nblocked("none")


# (after the scenarios: the list is built as they are defined)
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_blocking_matches_redis(server, reference, name):
    run_both(server, reference, SCENARIOS[name])
