"""Throughput and server CPU per request, kilat vs redis-server, A/B.

Run through bench/compare.sh; see bench/README.md. Every knob is a flag and
an environment variable (the flag wins).
"""

import json
import shlex
import sys
import time

import benchlib as B

DEFAULT_TESTS = ("set,get,incr,mset,ping_inline,ping_mbulk,"
                 "lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,"
                 "lrange_100")
# name=command; several separated by ';'. __rand_int__ is redis-benchmark's
# placeholder, replaced by a random number in 0..keyspace-1.
DEFAULT_CUSTOM = "set_ex_nx=set key:__rand_int__ v EX 10 NX"


def parse_args():
    p = B.arg_parser(
        "bench/compare.sh",
        "redis-benchmark against kilat and redis-server, alternating A/B "
        "over several rounds; prints median ops/s per test and side, "
        "ratios, geometric mean, and server CPU per request.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--tests", "BENCH_TESTS", DEFAULT_TESTS,
          "redis-benchmark -t names, comma separated: %(default)s")
    B.opt(p, "--custom", "BENCH_CUSTOM", DEFAULT_CUSTOM,
          "'name=command args' items separated by ';' ('' for none): "
          "%(default)s")
    B.opt(p, "--pipelines", "PIPELINES", "1,16", "-P values: %(default)s")
    B.opt(p, "--clients", "CLIENTS", 50, "-c: %(default)s", type=int)
    B.opt(p, "--n1", "N_P1", 100000,
          "requests per test at -P 1: %(default)s", type=int)
    B.opt(p, "--npipe", "N_PIPE", 1000000,
          "requests per test at -P > 1: %(default)s", type=int)
    B.opt(p, "--keyspace", "KEYSPACE", 100000, "-r: %(default)s", type=int)
    B.add_cpu_args(p)
    B.add_nice_arg(p)
    B.add_server_args(p, benchmark=True)
    B.opt(p, "--json", "BENCH_JSON", "",
          "also write every raw run to this file")
    return p.parse_args()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def test_list(a):
    """(name, Test) pairs: -t names first, then the custom commands. Pop
    and lrange tests get their key filled before each run (benchlib)."""
    tests = []
    for t in a.tests.split(","):
        t = t.strip()
        if t:
            tests.append((t, B.make_test(t)))
    for item in a.custom.split(";"):
        item = item.strip()
        if not item:
            continue
        name, _, cmd = item.partition("=")
        if not cmd:
            sys.exit("bad custom test (want name=command): %r" % item)
        tests.append((name.strip(), B.make_test(name.strip(), cmd)))
    return tests


def run_benchmark(a, srv, pipeline, n, test):
    cmd = B.pin(a.client_cpu, a.nice) + [
        a.benchmark, "-h", "127.0.0.1", "-p", str(srv.port),
        "-c", str(a.clients), "-P", str(pipeline), "-n", str(n),
        "-r", str(a.keyspace), "-q", "--csv"] + test.args
    srv.call("FLUSHALL")
    test.prepare(srv.port, n)
    B.settle(srv)  # no background free of the last run's keys in this one
    cpu0 = srv.cpu_seconds()
    r, warn, wall = B.run_csv(cmd, srv.name, 600)
    cpu1 = srv.cpu_seconds()
    test.verify(srv.port, n, srv.name)
    if warn:
        print("  warning (%s): %s" % (srv.name, warn.splitlines()[0][:200]),
              file=sys.stderr)
    return {
        "rps": float(r[1]), "p50_ms": float(r[4]), "p99_ms": float(r[6]),
        "cpu_s": cpu1 - cpu0, "wall_s": wall, "n": n,
        "cpu_us_per_req": (cpu1 - cpu0) / n * 1e6,
        "cmd": shlex.join(cmd), "stderr": warn,
    }


def main():
    a = parse_args()
    B.no_root_nice(a)
    B.check_bins(a)
    tests = test_list(a)
    pipelines = [int(x) for x in a.pipelines.split(",") if x.strip()]

    B.header("kilat vs redis-server: redis-benchmark, A/B alternating", a)
    print("rounds=%d clients=%d pipelines=%s n(P1)=%d n(P>1)=%d keyspace=%d "
          "server cpu=%s client cpu=%s nice=%s" %
          (a.rounds, a.clients, pipelines, a.n1, a.npipe, a.keyspace,
           a.server_cpu or "-", a.client_cpu or "-", a.nice))
    a.load0 = loadavg()
    print("load average: %s" % a.load0)
    sys.stdout.flush()

    servers = B.start_servers(a, a.server_cpu, nice=a.nice)
    for name, t in tests:
        if t.describe():
            print("%s: %s, then: %s" % (name, t.describe(),
                                          shlex.join(t.args)))
    first = True
    runs = []  # raw results
    t_start = time.time()
    for rnd in range(a.rounds):
        for pi, pipeline in enumerate(pipelines):
            n = a.n1 if pipeline == 1 else a.npipe
            for ti, (name, test) in enumerate(tests):
                order = ["redis", "kilat"]
                if (rnd + pi + ti) % 2:
                    order.reverse()
                for side in order:
                    res = run_benchmark(a, servers[side], pipeline, n, test)
                    if first:
                        print("example command: %s" % res["cmd"])
                        first = False
                    res.update(round=rnd, pipeline=pipeline, test=name,
                               side=side)
                    runs.append(res)
        print("round %d/%d done (%.0fs)" % (rnd + 1, a.rounds,
                                            time.time() - t_start))
        sys.stdout.flush()
    for s in servers.values():
        s.stop()
    a.load1 = loadavg()

    if a.json:
        with open(a.json, "w") as f:
            json.dump({"machine": B.machine(), "args": vars(a), "runs": runs},
                      f, indent=1)

    report(a, tests, pipelines, runs)


def pick(runs, **kw):
    return [r for r in runs if all(r[k] == v for k, v in kw.items())]


def paired(runs, pipeline, test, rounds, key):
    """kilat/redis of `key` within each round: the two runs of a round are
    back to back, so slow drifts of the machine cancel in their ratio."""
    out = []
    for rnd in range(rounds):
        r = pick(runs, pipeline=pipeline, test=test, side="redis",
                 round=rnd)[0][key]
        k = pick(runs, pipeline=pipeline, test=test, side="kilat",
                 round=rnd)[0][key]
        if r:
            out.append(k / r)
    return out


def groups(tests):
    """Sub-geomeans when both string/core tests and collection tests ran:
    (label, indexes into tests)."""
    coll = [i for i, (name, _) in enumerate(tests)
            if name in B.COLLECTION_TESTS or name.startswith("lrange")]
    rest = [i for i in range(len(tests)) if i not in coll]
    if not coll or not rest:
        return []
    return [("geomean, %d others" % len(rest), rest),
            ("geomean, %d collection" % len(coll), coll)]


def report(a, tests, pipelines, runs):
    print()
    print("load average: %s at start, %s at end" % (a.load0, a.load1))
    for pipeline in pipelines:
        print()
        print("## -c %d -P %d: ops/s, median of %d rounds" %
              (a.clients, pipeline, a.rounds))
        print()
        rows, ratios, pratios = [], [], []
        for name, _ in tests:
            r = [x["rps"] for x in pick(runs, pipeline=pipeline, test=name,
                                         side="redis")]
            k = [x["rps"] for x in pick(runs, pipeline=pipeline, test=name,
                                         side="kilat")]
            rp99 = B.median([x["p99_ms"] for x in pick(
                runs, pipeline=pipeline, test=name, side="redis")])
            kp99 = B.median([x["p99_ms"] for x in pick(
                runs, pipeline=pipeline, test=name, side="kilat")])
            ratio = B.median(k) / B.median(r)
            ratios.append(ratio)
            pr = B.median(paired(runs, pipeline, name, a.rounds, "rps"))
            pratios.append(pr)
            rows.append([name, "%.0f" % B.median(r), "%.0f" % B.median(k),
                         B.fmt_ratio(ratio), B.fmt_ratio(pr),
                         "%.0f%%/%.0f%%" % (100 * B.spread(r),
                                            100 * B.spread(k)),
                         "%.3f" % rp99, "%.3f" % kp99])
        rows.append(["geomean", "", "", B.fmt_ratio(B.geomean(ratios)),
                     B.fmt_ratio(B.geomean(pratios)), "", "", ""])
        for label, sub in groups(tests):
            rows.append([label, "", "", B.fmt_ratio(B.geomean(
                [ratios[i] for i in sub])), B.fmt_ratio(B.geomean(
                    [pratios[i] for i in sub])), "", "", ""])
        B.table(["test", "redis ops/s", "kilat ops/s", "ratio k/r",
                 "paired", "spread r/k", "redis p99 ms", "kilat p99 ms"],
                rows)
        per_round = []
        for rnd in range(a.rounds):
            rr = []
            for name, _ in tests:
                r = pick(runs, pipeline=pipeline, test=name, side="redis",
                         round=rnd)[0]["rps"]
                k = pick(runs, pipeline=pipeline, test=name, side="kilat",
                         round=rnd)[0]["rps"]
                rr.append(k / r)
            per_round.append(B.geomean(rr))
        print()
        print("geomean ratio per round: %s" %
              " ".join(B.fmt_ratio(x) for x in per_round))

        print()
        print("## -c %d -P %d: server CPU per request (utime+stime), "
              "microseconds, median of %d rounds" %
              (a.clients, pipeline, a.rounds))
        print()
        rows, ratios, pratios = [], [], []
        for name, _ in tests:
            r = B.median([x["cpu_us_per_req"] for x in pick(
                runs, pipeline=pipeline, test=name, side="redis")])
            k = B.median([x["cpu_us_per_req"] for x in pick(
                runs, pipeline=pipeline, test=name, side="kilat")])
            ratio = k / r if r else float("nan")
            ratios.append(ratio)
            pr = B.median(paired(runs, pipeline, name, a.rounds,
                                 "cpu_us_per_req"))
            pratios.append(pr)
            rows.append([name, "%.2f" % r, "%.2f" % k, B.fmt_ratio(ratio),
                         B.fmt_ratio(pr)])
        tot = {}
        for side in ("redis", "kilat"):
            per = []
            for rnd in range(a.rounds):
                xs = pick(runs, pipeline=pipeline, side=side, round=rnd)
                per.append(sum(x["cpu_s"] for x in xs) /
                           sum(x["n"] for x in xs) * 1e6)
            tot[side] = B.median(per)
        rows.append(["all tests", "%.2f" % tot["redis"], "%.2f" % tot["kilat"],
                     B.fmt_ratio(tot["kilat"] / tot["redis"]
                                 if tot["redis"] else float("nan")), ""])
        rows.append(["geomean", "", "", B.fmt_ratio(B.geomean(ratios)),
                     B.fmt_ratio(B.geomean(pratios))])
        for label, sub in groups(tests):
            rows.append([label, "", "", B.fmt_ratio(B.geomean(
                [ratios[i] for i in sub])), B.fmt_ratio(B.geomean(
                    [pratios[i] for i in sub]))])
        B.table(["test", "redis us/req", "kilat us/req", "ratio k/r",
                 "paired"], rows)


if __name__ == "__main__":
    main()
