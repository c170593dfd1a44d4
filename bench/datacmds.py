"""Issue 15's data commands, kilat vs redis-server, A/B alternating:
bitmaps (BITCOUNT, BITPOS, BITOP on 1 MB strings; SETBIT, BITFIELD),
HyperLogLog (PFADD, PFCOUNT of one and of three keys, PFMERGE), geo
(GEOADD; GEOSEARCH and GEORADIUS on 100k members), SORT of 10k elements
(numeric, ALPHA, BY weight keys with GET) and FCALL against EVALSHA.

Run through bench/datacmds.sh; see bench/README.md. Every data set is
loaded the same way on both servers, and each test's reply is compared
between them before it is timed: a test whose replies differ is reported
"differs" and not timed (a speed is worth nothing if the answer is wrong).
"""

import random
import shlex
import sys
import time

import benchlib as B

MB1 = 1 << 20
GEO_N = 100000
SORT_N = 10000
HLL_N = 100000

# name, requests, clients, command (redis-benchmark words; __rand_int__ is
# a random number below --keyspace, zero-padded to 12 digits, which no bit
# offset parser accepts: bit offsets are fixed).
TESTS = [
    ("bitcount_1mb", 4000, 10, "BITCOUNT bits"),
    ("bitcount_bit_range", 4000, 10, "BITCOUNT bits 13 8388000 BIT"),
    ("bitpos_1mb", 4000, 10, "BITPOS zeros 1"),
    ("bitop_and_1mb", 1000, 10, "BITOP AND dest bits bits2"),
    ("bitop_xor_1mb", 1000, 10, "BITOP XOR dest bits bits2"),
    ("bitop_not_1mb", 1000, 10, "BITOP NOT dest bits"),
    ("setbit", 100000, 50, "SETBIT bm 7777777 1"),
    ("getbit", 100000, 50, "GETBIT bits 4444444"),
    ("bitfield_incrby", 100000, 50, "BITFIELD bf INCRBY u8 #70000 1 GET i5 100"),
    ("pfadd", 100000, 50, "PFADD hll_new e:__rand_int__"),
    ("pfcount_1", 100000, 50, "PFCOUNT hll1"),
    ("pfcount_3", 5000, 10, "PFCOUNT hll1 hll2 hll3"),
    ("pfmerge_3", 5000, 10, "PFMERGE hll_dst hll1 hll2 hll3"),
    ("geoadd", 100000, 50, "GEOADD geo_new 13.361389 38.115556 m:__rand_int__"),
    ("geosearch_5km", 5000, 10,
     "GEOSEARCH geo FROMLONLAT 10.5 50.5 BYRADIUS 5 km ASC"),
    ("geosearch_box_count", 5000, 10,
     "GEOSEARCH geo FROMLONLAT 10.5 50.5 BYBOX 40 40 km COUNT 10 ASC "
     "WITHDIST"),
    ("georadiusbymember_10km", 5000, 10,
     "GEORADIUSBYMEMBER geo p:777 10 km WITHCOORD ASC"),
    ("sort_10k", 300, 10, "SORT nums"),
    ("sort_alpha_10k_limit", 300, 10, "SORT words ALPHA LIMIT 0 10"),
    ("sort_by_get_10k", 200, 10, "SORT ids BY w_* GET # GET o_* LIMIT 0 20"),
    ("fcall", 100000, 50, "FCALL kbench_get 1 bits_small"),
    ("evalsha", 100000, 50, None),  # the same script as EVALSHA (sha known
                                    # only after SCRIPT LOAD)
]
SCRIPT = "return redis.call('GET', KEYS[1])"
LIBRARY = ("#!lua name=kbench\n"
           "redis.register_function{function_name='kbench_get', "
           "callback=function(keys, args) return redis.call('GET', keys[1]) "
           "end, flags={'no-writes'}}")


def parse_args():
    p = B.arg_parser(
        "bench/datacmds.sh",
        "Bitmaps, HyperLogLog, geo, SORT and FCALL: redis-benchmark against "
        "kilat and redis-server, A/B alternating over several rounds; "
        "median ops/s per test and side, ratios, server CPU per request.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--tests", "BENCH_TESTS", "",
          "test names, comma separated ('' = all): %(default)s")
    B.opt(p, "--keyspace", "KEYSPACE", 8000000,
          "-r for __rand_int__ (PFADD elements, GEOADD members): %(default)s",
          type=int)
    B.opt(p, "--scale", "BENCH_SCALE", 1.0,
          "multiply every test's request count: %(default)s", type=float)
    B.add_cpu_args(p)
    B.add_nice_arg(p)
    B.add_server_args(p, benchmark=True)
    return p.parse_args()


def load(srv, seed=15):
    """The same data on srv every time (a fixed seed)."""
    rnd = random.Random(seed)
    c = B.Conn(srv.port, timeout=300.0)
    try:
        c.call("FLUSHALL")
        c.call("SET", "bits", rnd.randbytes(MB1))
        c.call("SET", "bits2", rnd.randbytes(MB1))
        c.call("SET", "bits_small", "hello")
        c.call("SETBIT", "zeros", MB1 * 8 - 3, 1)
        for k in ("hll1", "hll2", "hll3"):
            for i in range(0, HLL_N, 1000):
                c.call("PFADD", k, *[b"%s:%d" % (k.encode(), rnd.randrange(
                    10 ** 9)) for _ in range(1000)])
        for i in range(0, GEO_N, 1000):
            args = ["GEOADD", "geo"]
            for j in range(i, i + 1000):
                # central Europe: 5..16 E, 45..56 N
                args += ["%.6f" % rnd.uniform(5, 16),
                         "%.6f" % rnd.uniform(45, 56), "p:%d" % j]
            c.call(*args)
        for i in range(0, SORT_N, 1000):
            c.call("RPUSH", "nums", *[rnd.randrange(10 ** 6)
                                      for _ in range(1000)])
            c.call("RPUSH", "words", *["w%08x" % rnd.randrange(1 << 32)
                                       for _ in range(1000)])
            c.call("SADD", "ids", *range(i, i + 1000))
            mset = ["MSET"]
            for j in range(i, i + 1000):
                mset += ["w_%d" % j, rnd.randrange(10 ** 6),
                         "o_%d" % j, "object-%d" % j]
            c.call(*mset)
        c.call("FUNCTION", "LOAD", "REPLACE", LIBRARY)
        return c.call("SCRIPT", "LOAD", SCRIPT).decode()
    finally:
        c.close()


def check_words(name, cmd, sha):
    if cmd is None:
        return ["EVALSHA", sha, "1", "bits_small"]
    return shlex.split(cmd)


def same_reply(servers, words):
    """Both servers' replies to `words` with __rand_int__ as 12345 (for
    writes, on keys the timed run then overwrites anyway)."""
    w = [x.replace("__rand_int__", "12345") for x in words]
    r = B.reply_of(servers["redis"], w)
    k = B.reply_of(servers["kilat"], w)
    return r == k, r, k


def main():
    a = parse_args()
    B.no_root_nice(a)
    B.check_bins(a)
    want = {t.strip() for t in a.tests.split(",") if t.strip()}
    tests = [t for t in TESTS if not want or t[0] in want]
    B.header("kilat vs redis-server: issue 15's data commands, A/B", a)
    print("rounds=%d keyspace=%d scale=%g server cpu=%s client cpu=%s "
          "nice=%s" % (a.rounds, a.keyspace, a.scale, a.server_cpu or "-",
                       a.client_cpu or "-", a.nice))
    print("data: bits, bits2: 1 MB random; zeros: 1 MB of zero bits but "
          "one near the end; hll1..3: %d random elements each; geo: %d "
          "points in 5..16E 45..56N; nums, words: lists of %d; ids: set of "
          "%d with weight keys w_* and objects o_*" %
          (HLL_N, GEO_N, SORT_N, SORT_N))
    servers = B.start_servers(a, a.server_cpu, nice=a.nice)
    shas = {side: load(s) for side, s in servers.items()}
    if shas["redis"] != shas["kilat"]:
        print("SCRIPT LOAD differs: %r vs %r" % (shas["redis"],
                                                 shas["kilat"]))
    timed, differs = [], []
    for name, n, clients, cmd in tests:
        words = check_words(name, cmd, shas["redis"])
        ok, r, k = same_reply(servers, words)
        if ok:
            timed.append((name, max(1, int(n * a.scale)), clients, words))
        else:
            differs.append(name)
            print("%s: replies differ, not timed: redis %r, kilat %r" %
                  (name, str(r)[:200], str(k)[:200]))
    runs = []
    t0 = time.time()
    for rnd in range(a.rounds):
        runs += B.benchmark_round(a, servers, timed, rnd)
        print("round %d/%d done (%.0fs)" % (rnd + 1, a.rounds,
                                            time.time() - t0))
        sys.stdout.flush()
    for s in servers.values():
        s.stop()
    print()
    print("## ops/s, median of %d rounds (ratio = kilat/redis, paired by "
          "round); server CPU us per request" % a.rounds)
    print()
    rows, ratios = [], []
    for name, n, clients, words in timed:
        r = B.median(B.side_values(runs, "redis", "rps", test=name))
        k = B.median(B.side_values(runs, "kilat", "rps", test=name))
        pr = B.paired_median(runs, a.rounds, "rps", test=name)
        rc = B.median(B.side_values(runs, "redis", "cpu_us", test=name))
        kc = B.median(B.side_values(runs, "kilat", "cpu_us", test=name))
        ratios.append(pr)
        rows.append([name, "%d/%d" % (n, clients), B.f_num(r), B.f_num(k),
                     B.fmt_ratio(pr), "%.1f" % rc, "%.1f" % kc,
                     B.fmt_ratio(kc / rc if rc else float("nan"))])
    B.table(["test", "n/clients", "redis ops/s", "kilat ops/s", "ratio",
             "redis cpu us", "kilat cpu us", "cpu ratio"], rows)
    print()
    print("geomean ops/s ratio: %s over %d tests" %
          (B.fmt_ratio(B.geomean(ratios)), len(ratios)))
    if differs:
        print("not timed (replies differ): %s" % ", ".join(differs))
    for name, n, clients, words in timed[:1]:
        print("example: %s" % next(x["cmd"] for x in runs
                                   if x["test"] == name))


if __name__ == "__main__":
    main()
