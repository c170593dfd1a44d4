"""Streams (issue 16), kilat vs redis-server in one run:

  throughput  XADD (`*`, with MAXLEN ~, with 5 fields), XRANGE / XREVRANGE
              COUNT 100, XREAD COUNT 100, XLEN: redis-benchmark, A/B
              alternating over ROUNDS, median ops/s and server CPU per
              request;
  consumers   XREADGROUP COUNT <batch> + XACK of what was read, draining a
              stream of QUEUE_N entries through one group: entries/s and
              server CPU per entry, A/B alternating;
  memory      used_memory growth for MEM_N small entries in one stream
              (`sensor <0-99> temp <dd.d>`, about ten entries per ms),
              bytes per entry, and the stream's radix-tree-keys (nodes).

Run through bench/streams.sh; see bench/README.md. Every data set is loaded
the same way on both servers (explicit IDs), and each test's reply is
compared between the two servers before it is timed (for `XADD *` only the
shape: the ID comes from the clock); a test whose replies differ is
reported "differs" and not timed.
"""

import re
import shlex
import sys
import time

import benchlib as B
from benchlib import bulk

READ_N = 10000          # entries in the stream the read tests use
BASE_MS = 1700000000000

# name, requests, clients, command (redis-benchmark words), clock ID reply
TESTS = [
    ("xadd", 100000, 50, "XADD s_add * field value", True),
    ("xadd_maxlen_approx", 100000, 50,
     "XADD s_trim MAXLEN ~ 1000 * field __rand_int__", True),
    ("xadd_5_fields", 100000, 50,
     "XADD s_add5 * a 1 b 2 c 3 d 4 e 5", True),
    ("xrange_100", 20000, 50, "XRANGE s_read - + COUNT 100", False),
    ("xrange_100_middle", 20000, 50,
     "XRANGE s_read %d + COUNT 100" % (BASE_MS + 500), False),
    ("xrevrange_100", 20000, 50, "XREVRANGE s_read + - COUNT 100", False),
    ("xread_100", 20000, 50,
     "XREAD COUNT 100 STREAMS s_read %d" % (BASE_MS + 700), False),
    ("xread_2_streams", 20000, 50,
     "XREAD COUNT 10 STREAMS s_read s_read2 0 0", False),
    ("xlen", 100000, 50, "XLEN s_read", False),
]
CLOCK_ID = re.compile(rb"^\d+-\d+$")


def parse_args():
    p = B.arg_parser(
        "bench/streams.sh",
        "Streams: XADD, XRANGE, XREAD throughput (redis-benchmark), "
        "XREADGROUP+XACK draining a queue, and memory per entry for a "
        "million small entries; kilat and redis-server in the same run, "
        "A/B alternating; ratios kilat/redis.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--tests", "BENCH_TESTS", "",
          "test names, comma separated ('' = all, 'none' = no "
          "redis-benchmark tests): %(default)s")
    B.opt(p, "--keyspace", "KEYSPACE", 1000000,
          "-r for __rand_int__: %(default)s", type=int)
    B.opt(p, "--scale", "BENCH_SCALE", 1.0,
          "multiply every test's request count: %(default)s", type=float)
    B.opt(p, "--queue", "QUEUE_N", 200000,
          "entries drained by XREADGROUP+XACK per run (0 = skip): "
          "%(default)s", type=int)
    B.opt(p, "--batch", "QUEUE_BATCH", 100,
          "XREADGROUP COUNT: %(default)s", type=int)
    B.opt(p, "--mem", "MEM_N", 1000000,
          "entries for the memory test (0 = skip): %(default)s", type=int)
    B.add_cpu_args(p)
    B.add_nice_arg(p)
    B.add_server_args(p, cli=True, benchmark=True)
    return p.parse_args()


# ------------------------------------------------------------------ data

def entry_id(i):
    """About ten entries per millisecond, as a busy producer makes."""
    return b"%d-%d" % (BASE_MS + i // 10, i % 10)


def xadd_stream(key, n, start=0, chunk=10000):
    """RESP of n `XADD key <id> sensor <i%100> temp <dd.d>`."""
    head = b"*7\r\n$4\r\nXADD\r\n" + bulk(key)
    for s in range(start, start + n, chunk):
        out = []
        for i in range(s, min(start + n, s + chunk)):
            out.append(head + bulk(entry_id(i)) + b"$6\r\nsensor\r\n" +
                       bulk(b"%d" % (i % 100)) + b"$4\r\ntemp\r\n" +
                       bulk(b"%d.%d" % (15 + i % 17, i % 10)))
        yield b"".join(out)


def load(a, srv):
    c = B.Conn(srv.port, timeout=300.0)
    try:
        c.call("FLUSHALL")
    finally:
        c.close()
    B.pipe_load(a, srv.port, xadd_stream(b"s_read", READ_N))
    B.pipe_load(a, srv.port, xadd_stream(b"s_read2", 100))
    n = srv.call("XLEN", "s_read")
    if n != READ_N:
        sys.exit("%s: XLEN s_read is %r after loading %d" % (srv.name, n,
                                                             READ_N))


# --------------------------------------------------- redis-benchmark tests

def same_reply(servers, words, clock):
    w = [x.replace("__rand_int__", "12345") for x in words]
    r = B.reply_of(servers["redis"], w)
    k = B.reply_of(servers["kilat"], w)
    if clock:
        ok = all(isinstance(x, bytes) and CLOCK_ID.match(x) for x in (r, k))
        return ok, r, k
    return r == k, r, k


# ------------------------------------------------- XREADGROUP + XACK drain

def queue_prepare(a, srv, n):
    c = B.Conn(srv.port, timeout=300.0)
    try:
        c.call("DEL", "q")
    finally:
        c.close()
    B.settle(srv)
    B.pipe_load(a, srv.port, xadd_stream(b"q", n))
    srv.call("XGROUP", "CREATE", "q", "g", "0")


def queue_first_batch(srv, batch):
    """The first XREADGROUP reply (for the comparison), then back to 0."""
    srv.call("XGROUP", "CREATECONSUMER", "q", "g", "peek")
    r = srv.call("XREADGROUP", "GROUP", "g", "peek", "COUNT", batch,
                 "STREAMS", "q", ">")
    srv.call("XGROUP", "SETID", "q", "g", "0")
    srv.call("XGROUP", "DELCONSUMER", "q", "g", "peek")
    return r


def queue_drain(srv, n, batch):
    """Reads the whole stream through group g (consumer c) batch by batch,
    acking each batch with one XACK. Returns (seconds, server cpu s)."""
    c = B.Conn(srv.port, timeout=300.0)
    read = 0
    try:
        B.settle(srv)
        cpu0 = srv.cpu_seconds()
        t0 = time.time()
        while True:
            r = c.call("XREADGROUP", "GROUP", "g", "c", "COUNT", batch,
                       "STREAMS", "q", ">")
            if not r:
                break
            ids = [e[0] for e in r[0][1]]
            acked = c.call("XACK", "q", "g", *ids)
            if acked != len(ids):
                sys.exit("%s: XACK acked %r of %d" % (srv.name, acked,
                                                      len(ids)))
            read += len(ids)
        wall = time.time() - t0
        cpu = srv.cpu_seconds() - cpu0
        pending = c.call("XPENDING", "q", "g")
    finally:
        c.close()
    if read != n or pending[0] != 0:
        sys.exit("%s: drained %d of %d entries, %r still pending" %
                 (srv.name, read, n, pending[0]))
    return wall, cpu


# ------------------------------------------------------------------ memory

def memory(a, name, binary, extra, n):
    srv = B.Server(name, binary, None, extra)
    try:
        before = int(B.info(srv.port, "memory")["used_memory"])
        t0 = time.time()
        B.pipe_load(a, srv.port, xadd_stream(b"mem", n))
        took = time.time() - t0
        got = srv.call("XLEN", "mem")
        if got != n:
            sys.exit("%s: XLEN mem is %r after loading %d" % (name, got, n))
        first = srv.call("XRANGE", "mem", "-", "+", "COUNT", 1)
        last = srv.call("XREVRANGE", "mem", "+", "-", "COUNT", 1)
        info = srv.call("XINFO", "STREAM", "mem")
        fields = dict(zip(info[0::2], info[1::2]))
        time.sleep(0.5)
        after = int(B.info(srv.port, "memory")["used_memory"])
    finally:
        srv.stop()
    per = (after - before) / n
    nodes = fields.get(b"radix-tree-keys")
    print("  %s: used_memory %d -> %d: %.1f B/entry, %s nodes, loaded in "
          "%.1fs" % (name, before, after, per, nodes, took))
    sys.stdout.flush()
    return per, nodes, (first, last)


# -------------------------------------------------------------------- main

def main():
    a = parse_args()
    B.no_root_nice(a)
    B.check_bins(a)
    if a.tests.strip() == "none":
        tests = []
    else:
        want = {t.strip() for t in a.tests.split(",") if t.strip()}
        tests = [t for t in TESTS if not want or t[0] in want]
    B.header("kilat vs redis-server: streams, A/B", a)
    print("rounds=%d scale=%g queue=%d batch=%d mem=%d server cpu=%s "
          "client cpu=%s nice=%s" % (a.rounds, a.scale, a.queue, a.batch,
                                     a.mem, a.server_cpu or "-",
                                     a.client_cpu or "-", a.nice))
    print("data: s_read: %d entries `sensor <i%%100> temp <dd.d>`, IDs "
          "%d-0 on, ten per ms; s_read2: 100 such" % (READ_N, BASE_MS))
    sys.stdout.flush()
    servers = B.start_servers(a, a.server_cpu, nice=a.nice)
    for s in servers.values():
        load(a, s)

    timed, differs = [], []
    for name, n, clients, cmd, clock in tests:
        words = shlex.split(cmd)
        ok, r, k = same_reply(servers, words, clock)
        if ok:
            timed.append((name, max(1, int(n * a.scale)), clients, words))
        else:
            differs.append(name)
            print("%s: replies differ, not timed: redis %r, kilat %r" %
                  (name, str(r)[:200], str(k)[:200]))

    queue_ok = a.queue > 0
    if queue_ok:
        peek = {}
        for side, s in servers.items():
            queue_prepare(a, s, a.queue)
            peek[side] = queue_first_batch(s, a.batch)
        if peek["redis"] != peek["kilat"]:
            queue_ok = False
            differs.append("xreadgroup_xack")
            print("xreadgroup_xack: first XREADGROUP replies differ, not "
                  "timed: redis %r, kilat %r" % (str(peek["redis"])[:200],
                                                 str(peek["kilat"])[:200]))

    runs, qruns = [], []
    t0 = time.time()
    for rnd in range(a.rounds):
        runs += B.benchmark_round(a, servers, timed, rnd)
        if queue_ok:
            order = ["redis", "kilat"] if rnd % 2 == 0 else ["kilat", "redis"]
            for side in order:
                if rnd > 0:
                    queue_prepare(a, servers[side], a.queue)
                wall, cpu = queue_drain(servers[side], a.queue, a.batch)
                qruns.append({"side": side, "round": rnd,
                              "eps": a.queue / wall,
                              "cpu_us": cpu / a.queue * 1e6})
        print("round %d/%d done (%.0fs)" % (rnd + 1, a.rounds,
                                            time.time() - t0))
        sys.stdout.flush()
    for s in servers.values():
        s.stop()

    ratios = []
    if timed:
        print()
        print("## ops/s, median of %d rounds (ratio = kilat/redis, paired "
              "by round); server CPU us per request" % a.rounds)
        print()
        rows = []
        for name, n, clients, words in timed:
            r = B.median(B.side_values(runs, "redis", "rps", test=name))
            k = B.median(B.side_values(runs, "kilat", "rps", test=name))
            pr = B.paired_median(runs, a.rounds, "rps", test=name)
            rc = B.median(B.side_values(runs, "redis", "cpu_us", test=name))
            kc = B.median(B.side_values(runs, "kilat", "cpu_us", test=name))
            ratios.append(pr)
            rows.append([name, "%d/%d" % (n, clients), B.f_num(r),
                         B.f_num(k), B.fmt_ratio(pr), "%.1f" % rc,
                         "%.1f" % kc,
                         B.fmt_ratio(kc / rc if rc else float("nan"))])
        B.table(["test", "n/clients", "redis ops/s", "kilat ops/s", "ratio",
                 "redis cpu us", "kilat cpu us", "cpu ratio"], rows)
        print()
        print("geomean ops/s ratio: %s over %d tests" %
              (B.fmt_ratio(B.geomean(ratios)), len(ratios)))
        print("example: %s" % runs[0]["cmd"])

    if qruns:
        print()
        print("## XREADGROUP COUNT %d + XACK, draining %d entries through "
              "one group (one client), median of %d rounds" %
              (a.batch, a.queue, a.rounds))
        print()
        r = B.median(B.side_values(qruns, "redis", "eps"))
        k = B.median(B.side_values(qruns, "kilat", "eps"))
        rc = B.median(B.side_values(qruns, "redis", "cpu_us"))
        kc = B.median(B.side_values(qruns, "kilat", "cpu_us"))
        B.table(["test", "redis entries/s", "kilat entries/s", "ratio",
                 "redis cpu us/entry", "kilat cpu us/entry", "cpu ratio"],
                [["xreadgroup_xack", B.f_num(r), B.f_num(k),
                  B.fmt_ratio(B.paired_median(qruns, a.rounds, "eps")),
                  "%.2f" % rc, "%.2f" % kc,
                  B.fmt_ratio(kc / rc if rc else float("nan"))]])
        print("(entries/s includes the Python client's time; server CPU per "
              "entry is the fairer figure)")

    if a.mem > 0:
        print()
        print("## memory: %d entries `sensor <0-99> temp <dd.d>` in one "
              "stream, default node limits" % a.mem)
        sys.stdout.flush()
        r, rnodes, rdata = memory(a, "redis", a.redis_bin,
                                  shlex.split(a.redis_args), a.mem)
        k, knodes, kdata = memory(a, "kilat", a.kilat_bin,
                                  shlex.split(a.kilat_args), a.mem)
        if rdata != kdata:
            print("  first/last entries differ: redis %r, kilat %r" %
                  (rdata, kdata))
        print()
        B.table(["entries", "redis B/entry", "kilat B/entry", "ratio k/r",
                 "redis nodes", "kilat nodes"],
                [[a.mem, "%.1f" % r, "%.1f" % k, B.fmt_ratio(k / r),
                  rnodes, knodes]])
    if differs:
        print()
        print("not timed (replies differ): %s" % ", ".join(differs))


if __name__ == "__main__":
    main()
