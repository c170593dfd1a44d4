"""Streams (issue 16): seeded random command streams, differential.

Every command goes to the server under test and to a redis-server 7.0
started beside it, and the two replies must be equal. Only what depends on
the clock is masked:

  - IDs made from the clock (XADD `*` on the one "real time" key, t0) are
    mapped: each such XADD reply pairs our ID with Redis's, and replies are
    compared after both are replaced by a shared symbol. Commands that
    name such an ID get each server's own ID.
  - idle times, seen-time, delivery times (XPENDING extended, XINFO
    CONSUMERS, XINFO STREAM FULL).

radix-tree-nodes (the shape of Redis's radix tree over the node IDs) is
compared too, everywhere; test_radix_tree_nodes_as_redis aims at it.

The other keys (s0..s2) never see the clock: they are created with IDs in
the year 2096, so `*` and `ms-*` there are deterministic (last ms > now:
the sequence is incremented), and every byte of XINFO STREAM FULL must
match, node splits and approximate trims included (some seeds set tiny
stream-node-max-entries / -bytes).

min-idle-time arguments are 0 or 10^12 (everything or nothing is idle
enough), so claims do not depend on timing. Bad arguments are mixed in.
At the end of each seed the keyspace hit/miss counts, commandstats' call
counts and errorstats must match too.

Runs against kilat and against redis-server (then both sides are Redis).
"""

import random

import pytest

from conftest import counted_stats, reference_redis, RawConn, SLOW, Simple, Err, Map, Null

BASE = 4000000000000            # ms of every ID on the s keys (year 2096)
HUGE_IDLE = "1000000000000"     # no entry is that idle
SKEYS = ["s0", "s1", "s2"]
RTKEY = "t0"
GROUPS = ["g1", "g2", "g3"]
CONSUMERS = ["c1", "c2", "c3"]
FIELDS = ["f0", "f1", "f2", "f3"]


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-streamref-")


class Pair:
    """An ID as each server knows it (they differ for clock-made IDs)."""

    def __init__(self, ours, theirs, prefix=""):
        self.ours, self.theirs, self.prefix = ours, theirs, prefix

    def render(self, side):
        return self.prefix + (self.ours if side == 0 else self.theirs)

    def excl(self):
        return Pair(self.ours, self.theirs, "(")

    def __repr__(self):
        if self.ours == self.theirs:
            return self.prefix + self.ours
        return "%s<%s|%s>" % (self.prefix, self.ours, self.theirs)


class Differ:
    """Sends each command to both servers and compares the masked replies."""

    def __init__(self, ours, theirs):
        self.conns = (ours, theirs)
        self.maps = ({}, {})        # side: raw id -> symbol
        self.ids = {}               # key -> [Pair] of IDs added
        self.nsym = 0
        self.clock_ids = 0          # XADD * that succeeded on the clock key
        self.log = []
        self.stats = {}             # (command, outcome) -> count

    def known(self, key):
        return self.ids.setdefault(key, [])

    def forget(self, key):
        self.ids[key] = []

    def register(self, key, o, t):
        # A symbol even when both servers made the same ID (same clock
        # millisecond): the raw ID may still map to an older symbol on one
        # side (an ID made again after the key was deleted), and the newest
        # meaning must win on both.
        self.nsym += 1
        sym = b"<id%d>" % self.nsym
        self.maps[0][o] = sym
        self.maps[1][t] = sym
        self.known(key).append(Pair(o.decode(), t.decode()))

    def norm(self, side, v, ctx=None):
        if isinstance(v, Err):
            return ("-", bytes(v))
        if isinstance(v, Simple):
            return ("+", bytes(v))
        if isinstance(v, bytes):
            return ("$", self.maps[side].get(bytes(v), bytes(v)))
        if isinstance(v, Map):
            return ("%", [(self.norm(side, k), self.norm(side, x))
                          for k, x in self._masked(list(v.items()))])
        if isinstance(v, list):
            items = v
            if len(v) % 2 == 0 and all(isinstance(k, bytes) and
                                       not isinstance(k, Err)
                                       for k in v[0::2]):
                pairs = self._masked(list(zip(v[0::2], v[1::2])))
                items = [x for p in pairs for x in p]
            return ("*", [self.norm(side, x) for x in items])
        if v is None or v is Null:
            return ("nil",)
        return (type(v).__name__, v)

    @staticmethod
    def _masked(pairs):
        out = []
        for k, x in pairs:
            if k in (b"idle", b"seen-time"):
                x = b"<time>"
            elif k == b"pending" and isinstance(x, list):
                x = [mask_pel(e) for e in x]
            out.append((k, x))
        return out

    def cmd(self, *args, mask=None, added=None):
        """Runs args (str or Pair) on both; asserts equal normalized
        replies; returns (ours, theirs) parsed."""
        got = []
        for side, conn in enumerate(self.conns):
            words = [a.render(side) if isinstance(a, Pair) else a
                     for a in args]
            got.append(conn.cmd(*words))
        o, t = got
        if added is not None and is_bulk(o) and is_bulk(t):
            self.register(added, bytes(o), bytes(t))
            if added == RTKEY and "*" in args:
                self.clock_ids += 1
        if mask is not None:
            o, t = mask(o), mask(t)
        no, nt = self.norm(0, o), self.norm(1, t)
        self.log.append(args)
        kind = no[0] if no[0] in ("-", "nil") else "ok"
        if no[0] == "-":
            kind = "-" + no[1].decode()[:60]
        name = " ".join(str(a) for a in args[:2]) if args[0] in (
            "XGROUP", "XINFO") else args[0]
        self.stats[(name, kind)] = self.stats.get((name, kind), 0) + 1
        assert no == nt, "command %r\n ours:   %r\n theirs: %r\n(last: %r)" % (
            args, o, t, self.log[-8:-1])
        return got


def is_bulk(v):
    return isinstance(v, bytes) and not isinstance(v, (Err, Simple))


def mask_pel(e):
    # XINFO STREAM FULL: group PEL [id, consumer, delivery-time, count],
    # consumer PEL [id, delivery-time, count]
    if isinstance(e, list) and len(e) == 4:
        return [e[0], e[1], b"<time>", e[3]]
    if isinstance(e, list) and len(e) == 3:
        return [e[0], b"<time>", e[2]]
    return e


def mask_xpending(v):
    if isinstance(v, list) and v and all(isinstance(e, list) and len(e) == 4
                                         for e in v):
        return [[e[0], e[1], b"<idle>", e[3]] for e in v]
    return v


@pytest.fixture
def differ(r, connect, reference):
    ours = connect()
    theirs = RawConn("127.0.0.1", reference, timeout=30 * SLOW)
    for c in (ours, theirs):
        c.cmd("FLUSHALL")
        c.cmd("CONFIG", "SET", "stream-node-max-entries", "100")
        c.cmd("CONFIG", "SET", "stream-node-max-bytes", "4096")
    yield Differ(ours, theirs)
    for c in (ours, theirs):
        c.cmd("CONFIG", "SET", "stream-node-max-entries", "100")
        c.cmd("CONFIG", "SET", "stream-node-max-bytes", "4096")
    theirs.close()


# ------------------------------------------------------------- generator

class Gen:
    def __init__(self, d, rng, realtime):
        self.d, self.rng, self.realtime = d, rng, realtime
        self.keys = SKEYS + ([RTKEY] if realtime else [])
        self.n = 0                  # steps so far: explicit IDs drift up

    # --- pieces
    def key(self):
        x = self.rng.random()
        if x < 0.04:
            return "str"        # wrong type
        if x < 0.08:
            return "nokey"      # missing (only read or NOMKSTREAM paths)
        return self.rng.choice(self.keys)

    def sid(self):
        """An explicit ID for an s key (near BASE)."""
        rng = self.rng
        ms = BASE + self.n // 8 + rng.randint(-3, 3)
        x = rng.random()
        if x < 0.15:
            return str(ms)
        return "%d-%d" % (ms, rng.randint(0, 4))

    def some_id(self, key, allow_special=True):
        """An ID argument for ranges, XDEL, XCLAIM...: a known one, a near
        one, or a special."""
        rng = self.rng
        known = self.d.known(key) if key in self.keys else []
        x = rng.random()
        if known and x < 0.5:
            return rng.choice(known)
        if allow_special and x < 0.6:
            return rng.choice(["-", "+", "0", "0-0"])
        if key == RTKEY or x < 0.65:
            return rng.choice(["0-1", "5", "7-3", "18446744073709551615-18446744073709551615"])
        return self.sid()

    def bound(self, key):
        rng = self.rng
        b = self.some_id(key)
        if rng.random() < 0.2:
            if isinstance(b, Pair):
                return b.excl()
            return "(" + b
        return b

    def fields(self, key):
        rng = self.rng
        n = rng.choice([1, 1, 2, 2, 3])
        if rng.random() < 0.6:
            names = FIELDS[:n]      # same fields as the master entry often
        else:
            names = [rng.choice(FIELDS) for _ in range(n)]
        out = []
        for f in names:
            if key == RTKEY:
                v = "v%d" % rng.randint(0, 99)
            else:
                v = rng.choice(["v%d" % rng.randint(0, 999),
                                str(rng.randint(-5000, 5000)),
                                "x" * rng.randint(0, 40)])
            out += [f, v]
        return out

    def trim_args(self, key):
        rng = self.rng
        out = []
        strat = rng.choice(["MAXLEN", "MAXLEN", "MINID"])
        out.append(strat)
        approx = rng.random() < 0.5
        if rng.random() < 0.7:
            out.append("~" if approx else "=")
        if strat == "MAXLEN":
            out.append(str(rng.choice([0, 1, 3, 5, 10, 20, 50, rng.randint(0, 80)])))
        else:
            out.append(self.some_id(key, allow_special=False))
        if rng.random() < 0.3:
            out += ["LIMIT", str(rng.choice([0, 1, 2, 5, 50, 100, 1000]))]
        return out

    # --- commands
    def xadd(self):
        rng, d = self.rng, self.d
        key = self.key()
        args = ["XADD", key]
        if key == "nokey" or rng.random() < 0.1:
            args.append("NOMKSTREAM")
        if rng.random() < 0.3:
            args += self.trim_args(key)
        if key == RTKEY:
            x = rng.random()
            idv = "*" if x < 0.8 else rng.choice(["0-1", "5-*", "3", "0-0"])
        else:
            x = rng.random()
            if x < 0.4:
                idv = "*"
            elif x < 0.6:
                idv = "%d-*" % (BASE + self.n // 8 + rng.randint(-1, 3))
            else:
                idv = self.sid()
        args.append(idv)
        args += self.fields(key)
        d.cmd(*args, added=key)

    def xrange(self):
        rng = self.rng
        key = self.key()
        rev = rng.random() < 0.4
        a, b = self.bound(key), self.bound(key)
        args = ["XREVRANGE" if rev else "XRANGE", key, a, b]
        if rng.random() < 0.5:
            args += ["COUNT", str(rng.choice([0, 1, 2, 5, 10, -1]))]
        self.d.cmd(*args)

    def xlen(self):
        self.d.cmd("XLEN", self.key())

    def xdel(self):
        key = self.key()
        n = self.rng.randint(1, 3)
        self.d.cmd("XDEL", key, *[self.some_id(key, allow_special=False)
                                  for _ in range(n)])

    def xtrim(self):
        key = self.key()
        self.d.cmd("XTRIM", key, *self.trim_args(key))

    def xsetid(self):
        rng = self.rng
        key = self.key()
        if key == RTKEY:
            known = self.d.known(key)
            idv = rng.choice(known) if known and rng.random() < 0.7 else \
                rng.choice(["9999999999999-0", "1-1", "0-0"])
        else:
            top = BASE + self.n // 8
            idv = rng.choice(["%d-%d" % (top + 2, rng.randint(0, 3)),
                              "%d-18446744073709551615" % (top + 1),
                              self.sid()])
        args = ["XSETID", key, idv]
        if rng.random() < 0.3:
            args += ["ENTRIESADDED", str(rng.randint(0, 300))]
        if rng.random() < 0.2:
            args += ["MAXDELETEDID", self.some_id(key, allow_special=False)]
        self.d.cmd(*args)

    def group_id(self, key):
        rng = self.rng
        x = rng.random()
        if x < 0.3:
            return "$"
        if x < 0.5:
            return "0"
        return self.some_id(key, allow_special=False)

    def xgroup(self):
        rng, d = self.rng, self.d
        key = self.key()
        g = rng.choice(GROUPS)
        x = rng.random()
        if x < 0.4:
            args = ["XGROUP", "CREATE", key, g, self.group_id(key)]
            if key == RTKEY and rng.random() < 0.5:
                args.append("MKSTREAM")
            if rng.random() < 0.2:
                args += ["ENTRIESREAD", str(rng.choice([-1, 0, 3, 10, 100]))]
        elif x < 0.55:
            args = ["XGROUP", "SETID", key, g, self.group_id(key)]
            if rng.random() < 0.3:
                args += ["ENTRIESREAD", str(rng.choice([-1, 0, 3, 10, -2]))]
        elif x < 0.6:
            args = ["XGROUP", "DESTROY", key, g]
        elif x < 0.8:
            args = ["XGROUP", "CREATECONSUMER", key, g, rng.choice(CONSUMERS)]
        elif x < 0.95:
            args = ["XGROUP", "DELCONSUMER", key, g, rng.choice(CONSUMERS)]
        else:
            args = ["XGROUP", rng.choice(["HELP", "NOPE", "CREATE"])]
        d.cmd(*args)

    def xreadgroup(self):
        rng = self.rng
        keys = rng.sample(self.keys, rng.choice([1, 1, 1, 2]))
        if rng.random() < 0.05:
            keys = ["nokey"]
        args = ["XREADGROUP", "GROUP", rng.choice(GROUPS),
                rng.choice(CONSUMERS)]
        if rng.random() < 0.6:
            args += ["COUNT", str(rng.choice([1, 2, 3, 10]))]
        if rng.random() < 0.15:
            args.append("NOACK")
        if rng.random() < 0.05:
            args += ["BLOCK", "1"]
        ids = [">" if rng.random() < 0.7 else
               rng.choice(["0", self.some_id(k, allow_special=False)])
               for k in keys]
        self.d.cmd(*(args + ["STREAMS"] + keys + ids))

    def xread(self):
        rng = self.rng
        keys = rng.sample(self.keys, rng.choice([1, 2, 3]))
        args = ["XREAD"]
        if rng.random() < 0.5:
            args += ["COUNT", str(rng.choice([1, 2, 5]))]
        if rng.random() < 0.05:
            args += ["BLOCK", "1"]
        ids = [rng.choice(["$", "0", self.some_id(k, allow_special=False)])
               for k in keys]
        self.d.cmd(*(args + ["STREAMS"] + keys + ids))

    def xack(self):
        key = self.key()
        n = self.rng.randint(1, 4)
        self.d.cmd("XACK", key, self.rng.choice(GROUPS),
                   *[self.some_id(key, allow_special=False) for _ in range(n)])

    def xpending(self):
        rng = self.rng
        key = self.key()
        g = rng.choice(GROUPS)
        if rng.random() < 0.3:
            self.d.cmd("XPENDING", key, g)
            return
        args = ["XPENDING", key, g]
        if rng.random() < 0.3:
            args += ["IDLE", rng.choice(["0", HUGE_IDLE])]
        args += [self.bound(key), self.bound(key),
                 str(rng.choice([1, 3, 10, 100]))]
        if rng.random() < 0.4:
            args.append(rng.choice(CONSUMERS))
        self.d.cmd(*args, mask=mask_xpending)

    def xclaim(self):
        rng = self.rng
        key = self.key()
        args = ["XCLAIM", key, rng.choice(GROUPS), rng.choice(CONSUMERS),
                rng.choice(["0", "0", HUGE_IDLE])]
        args += [self.some_id(key, allow_special=False)
                 for _ in range(rng.randint(1, 3))]
        for opt in rng.sample(["IDLE", "TIME", "RETRYCOUNT", "FORCE",
                               "JUSTID", "LASTID"], rng.randint(0, 3)):
            if opt == "IDLE":
                args += ["IDLE", str(rng.choice([0, 5000, 100000]))]
            elif opt == "TIME":
                args += ["TIME", str(rng.choice([1000, 1600000000000]))]
            elif opt == "RETRYCOUNT":
                args += ["RETRYCOUNT", str(rng.choice([0, 2, 7]))]
            elif opt == "LASTID":
                args += ["LASTID", self.some_id(key, allow_special=False)]
            else:
                args.append(opt)
        self.d.cmd(*args)

    def xautoclaim(self):
        rng = self.rng
        key = self.key()
        args = ["XAUTOCLAIM", key, rng.choice(GROUPS), rng.choice(CONSUMERS),
                rng.choice(["0", "0", HUGE_IDLE]),
                self.some_id(key, allow_special=False)]
        if rng.random() < 0.5:
            args += ["COUNT", str(rng.choice([1, 2, 5, 100]))]
        if rng.random() < 0.3:
            args.append("JUSTID")
        self.d.cmd(*args)

    def xinfo(self):
        rng = self.rng
        key = self.key()
        x = rng.random()
        if x < 0.3:
            self.d.cmd("XINFO", "STREAM", key)
        elif x < 0.5:
            args = ["XINFO", "STREAM", key, "FULL"]
            if rng.random() < 0.5:
                args += ["COUNT", str(rng.choice([0, 1, 3]))]
            self.d.cmd(*args)
        elif x < 0.7:
            self.d.cmd("XINFO", "GROUPS", key)
        elif x < 0.95:
            self.d.cmd("XINFO", "CONSUMERS", key, rng.choice(GROUPS))
        else:
            self.d.cmd("XINFO", rng.choice(["HELP", "NOPE", "STREAM"]))

    def bad(self):
        """Malformed commands: Redis's exact errors."""
        rng = self.rng
        key = rng.choice(self.keys)
        cases = [
            ["XADD", key],
            ["XADD", key, "*"],
            ["XADD", key, "*", "f"],
            ["XADD", key, "abc", "f", "v"],
            ["XADD", key, "1-x", "f", "v"],
            ["XADD", key, "MAXLEN", "-1", "*", "f", "v"],
            ["XADD", key, "MAXLEN", "abc", "*", "f", "v"],
            ["XADD", key, "MAXLEN", "=", "10", "LIMIT", "5", "*", "f", "v"],
            ["XADD", key, "MAXLEN", "~", "10", "LIMIT", "-1", "*", "f", "v"],
            ["XADD", key, "MAXLEN", "1", "MINID", "0", "*", "f", "v"],
            ["XADD", key, "LIMIT", "10", "*", "f", "v"],
            ["XRANGE", key, "-"],
            ["XRANGE", key, "(-", "+"],
            ["XRANGE", key, "-", "(+"],
            ["XRANGE", key, "x", "+"],
            ["XRANGE", key, "-", "+", "COUNT"],
            ["XRANGE", key, "-", "+", "COUNT", "x"],
            ["XRANGE", key, "-", "+", "LIMIT", "1"],
            ["XRANGE", key, "(18446744073709551615-18446744073709551615", "+"],
            ["XREVRANGE", key, "(0-0", "-"],
            ["XLEN"],
            ["XLEN", key, key],
            ["XDEL", key],
            ["XDEL", key, "bad"],
            ["XTRIM", key],
            ["XTRIM", key, "MAXLEN"],
            ["XTRIM", key, "LIMIT", "5"],
            ["XTRIM", key, "MAXLEN", "~", "5", "LIMIT"],
            ["XTRIM", key, "MINID", "~", "bad"],
            ["XTRIM", key, "FOO", "1"],
            ["XSETID", key],
            ["XSETID", key, "bad"],
            ["XSETID", key, "%d-0" % (BASE + 50), "ENTRIESADDED", "-1"],
            ["XSETID", key, "%d-0" % (BASE + 50), "ENTRIESADDED", "0"],
            ["XSETID", key, "%d-0" % (BASE + 50), "MAXDELETEDID",
             "%d-0" % (BASE + 60)],
            ["XSETID", key, "%d-0" % (BASE + 50), "FOO"],
            ["XREAD", "STREAMS", key],
            ["XREAD", "STREAMS", key, key, "0"],
            ["XREAD", "COUNT", "x", "STREAMS", key, "0"],
            ["XREAD", "BLOCK", "x", "STREAMS", key, "0"],
            ["XREAD", "BLOCK", "-1", "STREAMS", key, "0"],
            ["XREAD", "NOACK", "STREAMS", key, "0"],
            ["XREAD", "GROUP", "g1", "c1", "STREAMS", key, "0"],
            ["XREAD", "STREAMS", key, ">"],
            ["XREAD", "FOO", "STREAMS", key, "0"],
            ["XREADGROUP", "STREAMS", key, ">"],
            ["XREADGROUP", "GROUP", "g1", "STREAMS", key, ">"],
            ["XREADGROUP", "GROUP", "g1", "c1", "STREAMS", key, "$"],
            ["XREADGROUP", "GROUP", "g1", "c1", "STREAMS", key],
            ["XREADGROUP", "GROUP", "nog", "c1", "STREAMS", key, ">"],
            ["XGROUP", "CREATE", key, "g1"],
            ["XGROUP", "CREATE", key, "gx", "bad"],
            ["XGROUP", "CREATE", key, "gx", "$", "ENTRIESREAD", "-3"],
            ["XGROUP", "CREATE", key, "gx", "$", "FOO"],
            ["XGROUP", "CREATE", "nokey", "gx", "$"],
            ["XGROUP", "SETID", key, "nog", "$"],
            ["XGROUP", "DESTROY", key],
            ["XGROUP", "CREATECONSUMER", key, "nog", "c1"],
            ["XGROUP", "DELCONSUMER", key, "nog", "c1"],
            ["XGROUP", "HELP", "extra"],
            ["XACK", key, "g1"],
            ["XACK", key, "g1", "bad"],
            ["XPENDING", key],
            ["XPENDING", key, "g1", "-", "+"],
            ["XPENDING", key, "g1", "-", "+", "x"],
            ["XPENDING", key, "g1", "IDLE", "x", "-", "+", "10"],
            ["XPENDING", key, "g1", "-", "+", "10", "c1", "extra"],
            ["XPENDING", key, "nog"],
            ["XPENDING", key, "g1", "-", "+", "-5"],
            ["XCLAIM", key, "g1", "c1", "0"],
            ["XCLAIM", key, "g1", "c1", "x", "0-1"],
            ["XCLAIM", key, "g1", "c1", "-1", "0-1"],
            ["XCLAIM", key, "g1", "c1", "0", "0-1", "IDLE", "x"],
            ["XCLAIM", key, "g1", "c1", "0", "0-1", "RETRYCOUNT", "-1"],
            ["XCLAIM", key, "g1", "c1", "0", "0-1", "BOGUS"],
            ["XCLAIM", key, "g1", "c1", "0", "0-1", "LASTID", "bad"],
            ["XCLAIM", key, "nog", "c1", "0", "0-1"],
            ["XAUTOCLAIM", key, "g1", "c1", "0"],
            ["XAUTOCLAIM", key, "g1", "c1", "0", "bad"],
            ["XAUTOCLAIM", key, "g1", "c1", "0", "0", "COUNT", "0"],
            ["XAUTOCLAIM", key, "g1", "c1", "0", "0", "COUNT", "x"],
            ["XAUTOCLAIM", key, "g1", "c1", "-1", "0"],
            ["XAUTOCLAIM", key, "g1", "c1", "0", "0", "BOGUS"],
            ["XAUTOCLAIM", key, "nog", "c1", "0", "0"],
            ["XINFO", "STREAM", key, "FULL", "COUNT", "x"],
            ["XINFO", "STREAM", key, "FULL", "COUNT"],
            ["XINFO", "STREAM", key, "BOGUS"],
            ["XINFO", "STREAM", "nokey"],
            ["XINFO", "GROUPS", "nokey"],
            ["XINFO", "CONSUMERS", key, "nog"],
            ["XINFO", "CONSUMERS", "nokey", "g1"],
            ["XINFO"],
        ]
        self.d.cmd(*rng.choice(cases))

    def step(self):
        rng = self.rng
        ops = [(self.xadd, 24), (self.xrange, 10), (self.xlen, 3),
               (self.xdel, 5), (self.xtrim, 4), (self.xsetid, 2),
               (self.xgroup, 10), (self.xreadgroup, 10), (self.xread, 5),
               (self.xack, 6), (self.xpending, 6), (self.xclaim, 5),
               (self.xautoclaim, 4), (self.xinfo, 6), (self.bad, 5)]
        self.n += 1
        x = rng.uniform(0, sum(w for _, w in ops))
        for f, w in ops:
            x -= w
            if x < 0:
                return f()
        ops[-1][0]()

    def setup(self):
        d = self.d
        d.cmd("SET", "str", "x")
        for k in SKEYS:
            d.cmd("XADD", k, "%d-0" % BASE, "f0", "start", added=k)
            d.cmd("XGROUP", "CREATE", k, "g1", "0")
        d.cmd("XGROUP", "CREATE", "s0", "g2", "$")

    def check_all(self):
        for k in self.keys:
            self.d.cmd("XINFO", "STREAM", k, "FULL", "COUNT", "0")
            self.d.cmd("XRANGE", k, "-", "+")
            self.d.cmd("TYPE", k)
            self.d.cmd("OBJECT", "ENCODING", k)
            for g in GROUPS:
                self.d.cmd("XINFO", "CONSUMERS", k, g)
                self.d.cmd("XPENDING", k, g)
            self.d.cmd("XINFO", "GROUPS", k)


# seed: (stream-node-max-entries, stream-node-max-bytes, real-time key?)
SEEDS = {
    1: (100, 4096, True),
    2: (100, 4096, True),
    3: (5, 4096, True),
    4: (0, 120, False),
    5: (3, 60, False),
    6: (7, 0, False),
    7: (2, 4096, True),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_random_stream_matches_redis(differ, seed):
    entries, nbytes, realtime = SEEDS[seed]
    d = differ
    d.cmd("CONFIG", "RESETSTAT")
    d.cmd("CONFIG", "SET", "stream-node-max-entries", str(entries))
    d.cmd("CONFIG", "SET", "stream-node-max-bytes", str(nbytes))
    rng = random.Random(seed)
    g = Gen(d, rng, realtime)
    g.setup()
    for step in range(400):
        g.step()
        if realtime and rng.random() < 0.01:
            d.cmd("DEL", RTKEY)
            d.forget(RTKEY)
        if step % 100 == 99:
            g.check_all()
    g.check_all()
    # which lookups count as hits, what counts as a failed call: each
    # command's own
    assert counted_stats(d.conns[0]) == counted_stats(d.conns[1])
    # the stream did something: entries, groups and pending entries exist
    total = sum(d.conns[0].cmd("XLEN", k) for k in SKEYS)
    assert total > 0
    summaries = [d.conns[0].cmd("XPENDING", k, gr)
                 for k in SKEYS for gr in GROUPS]
    pending = sum(s[0] for s in summaries if not isinstance(s, Err))
    assert pending > 0


def test_random_stream_resp3(differ):
    """One seed over RESP3 (XINFO maps, null replies)."""
    d = differ
    for c in d.conns:
        c.cmd("HELLO", "3")
    rng = random.Random(99)
    g = Gen(d, rng, True)
    g.setup()
    for step in range(250):
        g.step()
    g.check_all()


def test_big_stream_node_splits(differ):
    """Many entries with varied sizes at tiny node limits, then approximate
    and exact trims with LIMIT; XINFO STREAM FULL must match every time."""
    d = differ
    rng = random.Random(42)
    for entries, nbytes in [(100, 4096), (10, 200), (0, 50), (3, 0)]:
        d.cmd("CONFIG", "SET", "stream-node-max-entries", str(entries))
        d.cmd("CONFIG", "SET", "stream-node-max-bytes", str(nbytes))
        d.cmd("DEL", "big")
        d.cmd("XADD", "big", "%d-0" % BASE, "a", "1", "b", "2")
        for i in range(600):
            if rng.random() < 0.7:
                d.cmd("XADD", "big", "*", "a", str(rng.randint(0, 10 ** 6)),
                      "b", "y" * rng.randint(0, 30))
            else:
                d.cmd("XADD", "big", "*", "c", str(i))
        d.cmd("XINFO", "STREAM", "big", "FULL", "COUNT", "0")
        d.cmd("XINFO", "STREAM", "big")
        for n in (550, 400, 399, 250):
            d.cmd("XTRIM", "big", "MAXLEN", "~", str(n))
            d.cmd("XINFO", "STREAM", "big")
        d.cmd("XTRIM", "big", "MAXLEN", "~", "10", "LIMIT", "30")
        d.cmd("XTRIM", "big", "MINID", "~", "%d-300" % BASE, "LIMIT", "50")
        d.cmd("XTRIM", "big", "MINID", "=", "%d-350" % BASE)
        d.cmd("XINFO", "STREAM", "big", "FULL", "COUNT", "0")
        d.cmd("XRANGE", "big", "-", "+", "COUNT", "1000")
        for i in range(0, 600, 7):
            d.cmd("XDEL", "big", "%d-%d" % (BASE, i))
        d.cmd("XINFO", "STREAM", "big", "FULL", "COUNT", "0")
        d.cmd("XREVRANGE", "big", "+", "-", "COUNT", "1000")


def test_random_streams_reach_every_outcome(differ):
    """The generator is worth something: over a few seeds, each command
    family both succeeds and fails, and the interesting errors occur."""
    d = differ
    for seed in (1, 4):
        entries, nbytes, realtime = SEEDS[seed]
        d.cmd("FLUSHALL")
        d.cmd("CONFIG", "SET", "stream-node-max-entries", str(entries))
        d.cmd("CONFIG", "SET", "stream-node-max-bytes", str(nbytes))
        g = Gen(d, random.Random(seed), realtime)
        g.setup()
        for _ in range(400):
            g.step()
    ok = {name for (name, kind) in d.stats if kind == "ok"}
    for name in ["XADD", "XRANGE", "XREVRANGE", "XDEL", "XTRIM", "XSETID",
                 "XREADGROUP", "XREAD", "XACK", "XPENDING", "XCLAIM",
                 "XAUTOCLAIM", "XGROUP CREATE", "XGROUP SETID",
                 "XGROUP DESTROY", "XGROUP CREATECONSUMER",
                 "XGROUP DELCONSUMER", "XINFO STREAM", "XINFO GROUPS",
                 "XINFO CONSUMERS"]:
        assert name in ok, (name, sorted(d.stats.items()))
    errors = {kind for (_, kind) in d.stats if kind.startswith("-")}
    for e in ["-WRONGTYPE", "-NOGROUP", "-BUSYGROUP",
              "-ERR The ID specified in XADD is equal or smaller"]:
        assert any(x.startswith(e) for x in errors), (e, sorted(errors))
    assert d.clock_ids > 10     # the clock key was used


def test_radix_tree_nodes_as_redis(differ):
    """XINFO STREAM's radix-tree-keys and radix-tree-nodes: the node index
    keyed by the nodes' first IDs, as Redis's rax counts it, for streams of
    several shapes (one node, many nodes, IDs far apart, after trims and
    deletions that empty nodes)."""
    d = differ
    d.cmd("CONFIG", "SET", "stream-node-max-entries", "4")
    for key, ids in [
            ("one", ["1-1"]),
            ("few", ["%d-0" % i for i in range(1, 9)]),
            ("many", ["%d-%d" % (BASE + i // 3, i % 3) for i in range(400)]),
            ("spread", ["%d-0" % (7 ** i) for i in range(1, 21)]),
            ("seqs", ["5-%d" % (i * 1000) for i in range(1, 60)]),
            ("lastbyte", ["1-%d" % i for i in range(1, 41)]),
            ("carry", ["%d-%d" % (250 + i // 2, 250 + i) for i in range(40)])]:
        for i in ids:
            d.cmd("XADD", key, i, "f", "v")
        d.cmd("XINFO", "STREAM", key)
        d.cmd("XTRIM", key, "MAXLEN", "~", str(len(ids) // 2))
        d.cmd("XINFO", "STREAM", key)
        for i in ids[len(ids) // 2: len(ids) // 2 + 9]:
            d.cmd("XDEL", key, i)
        d.cmd("XINFO", "STREAM", key)
