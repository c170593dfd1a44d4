"""The append-only file, kilat vs redis-server, in one run (issue 12).

Run through bench/aof.sh; see bench/README.md. Two parts:

1. Throughput with the AOF on: for each policy (AOF_POLICIES, default
   always,everysec) both servers run with `--appendonly yes --appendfsync
   <policy>` in fresh directories; for ROUNDS rounds and each test
   (AOF_TESTS, default set,incr,lpush) one `redis-benchmark -c CLIENTS -P 1
   -n N -r KEYSPACE -t <test> -q --csv` per side, redis and kilat back to
   back, the order flipping from one test and round to the next. Median
   ops/s per side, ratio kilat/redis. After every run the AOF must have
   grown by at least N small commands (INFO aof_current_size) and
   aof_last_write_status must be ok; a side where it did not is reported
   "not available" (a server that answers without writing is no
   measurement).

2. BGREWRITEAOF: for each server, AOF_KEYS mixed keys (persist.py's
   dataset) loaded with `redis-cli --pipe` under appendonly yes /
   everysec; then BGREWRITEAOF idle (time until aof_rewrite_in_progress:0
   and aof_rewrite_scheduled:0), then the same under persist.py's write
   load on every key type, sampled every 10 ms: RSS of the server plus its
   children (Redis forks), PSS, INFO used_memory; aof_last_cow_size, base
   file size. Last, the load time at start on its own directory and on the
   other server's (exec to first PONG), DBSIZE checked.
"""

import os
import shlex
import shutil
import sys
import tempfile
import time
import types

import benchlib as B
import persist as P

MB = B.MB


def parse_args():
    p = B.arg_parser(
        "bench/aof.sh",
        "AOF throughput (appendfsync always / everysec, 50 clients) and "
        "BGREWRITEAOF time and peak memory under a write load, kilat vs "
        "redis-server in one run.")
    B.opt(p, "--policies", "AOF_POLICIES", "always,everysec",
          "appendfsync values (also 'off': appendonly no, the reference): "
          "%(default)s")
    B.opt(p, "--tests", "AOF_TESTS", "set,incr,lpush",
          "redis-benchmark -t names: %(default)s")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--clients", "CLIENTS", 50, "-c: %(default)s", type=int)
    B.opt(p, "--requests", "AOF_N", 100000, "requests per run: %(default)s",
          type=int)
    B.opt(p, "--keyspace", "KEYSPACE", 100000, "-r: %(default)s", type=int)
    B.add_cpu_args(p, "", "", client_text="CPU redis-benchmark is pinned "
                   "to: %(default)s")
    B.opt(p, "--keys", "AOF_KEYS", 1000000,
          "keys for the rewrite part (0: skip it): %(default)s", type=int)
    P.add_writer_args(p, "rewrite")
    B.add_server_args(p, cli=True, benchmark=True)
    return p.parse_args()


def policy_args(policy):
    if policy == "off":
        return ["--appendonly", "no"]
    return ["--appendonly", "yes", "--appendfsync", policy]


def aof_size(srv):
    p = B.info(srv.port, "persistence")
    if p.get("aof_enabled") != "1":
        return None, p
    try:
        return int(p["aof_current_size"]), p
    except (KeyError, ValueError):
        return None, p


# ------------------------------------------------------------ throughput
def run_one(a, srv, test, policy):
    cmd = B.pin(a.client_cpu) + [
        a.benchmark, "-h", "127.0.0.1", "-p", str(srv.port),
        "-c", str(a.clients), "-P", "1", "-n", str(a.requests),
        "-r", str(a.keyspace), "-q", "--csv", "-t", test]
    srv.call("FLUSHALL")
    B.settle(srv)
    size0, _ = aof_size(srv)
    row, _, wall = B.run_csv(cmd, srv.name, 1200)
    res = {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6]),
           "wall": wall}
    if policy != "off":
        # everysec may hold writes back while an fsync runs (up to 2 s)
        deadline = time.time() + 5.0
        while True:
            size1, info = aof_size(srv)
            if size0 is None or size1 is None or \
                    size1 - size0 >= a.requests * 20 or time.time() > deadline:
                break
            time.sleep(0.05)
        # the smallest command of the three: *2 $4 INCR $<n> key:<12 digits>
        if size0 is None or size1 is None or size1 - size0 < a.requests * 20:
            res["error"] = "AOF not written (aof_enabled %s, aof_current_size %s -> %s)" % (
                info.get("aof_enabled"), size0, size1)
        elif info.get("aof_last_write_status") != "ok":
            res["error"] = "aof_last_write_status %s" % info.get("aof_last_write_status")
        res["aof_bytes"] = (size1 or 0) - (size0 or 0)
    return res


def throughput(a, kilat_ok):
    tests = [t.strip() for t in a.tests.split(",") if t.strip()]
    policies = [x.strip() for x in a.policies.split(",") if x.strip()]
    results = {}  # (policy, test, side) -> [res]
    for policy in policies:
        sides = {"redis": (a.redis_bin, shlex.split(a.redis_args))}
        if kilat_ok:
            sides["kilat"] = (a.kilat_bin, shlex.split(a.kilat_args))
        srvs = {}
        try:
            for who, (binary, extra) in sides.items():
                srvs[who] = B.Server(who, binary, a.server_cpu,
                                     policy_args(policy) + extra)
            flip = 0
            for rnd in range(a.rounds):
                for test in tests:
                    order = ["redis", "kilat"] if flip % 2 == 0 else ["kilat", "redis"]
                    flip += 1
                    for who in order:
                        if who not in srvs:
                            continue
                        r = run_one(a, srvs[who], test, policy)
                        results.setdefault((policy, test, who), []).append(r)
                        print("  %s %-6s %-8s round %d: %9.0f ops/s  p99 %.2f ms%s" % (
                            policy, test, who, rnd + 1, r["rps"], r["p99"],
                            "  (%s)" % r["error"] if "error" in r else ""))
                        sys.stdout.flush()
                flip += 1
        finally:
            for s in srvs.values():
                s.stop()
    return tests, policies, results


# --------------------------------------------------------------- rewrite
def wait_rewrite(srv, timeout=1800.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = B.info(srv.port, "persistence")
        if p.get("aof_rewrite_in_progress") == "0" and \
                p.get("aof_rewrite_scheduled") == "0":
            return p.get("aof_last_bgrewrite_status")
        time.sleep(0.01)
    sys.exit("%s: BGREWRITEAOF did not finish in %.0f s" % (srv.name, timeout))


def bgrewrite(srv):
    try:
        reply = srv.call("BGREWRITEAOF")
    except B.RespError as e:
        return "error: %s" % e
    if not str(reply).startswith("Background append only file rewriting"):
        return "reply: %r" % (reply,)
    return None


def base_size(srv):
    d = os.path.join(srv.workdir, "appendonlydir")
    try:
        with open(os.path.join(d, "appendonly.aof.manifest")) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and parts[5] == "b":
                    return os.path.getsize(os.path.join(d, parts[1]))
    except OSError:
        pass
    return None


def rewrite_side(a, who, binary, extra, c, keep):
    res = {"available": False}
    srv = B.Server(who, binary, a.server_cpu,
                   ["--appendonly", "yes", "--appendfsync", "everysec",
                    "--auto-aof-rewrite-percentage", "0"] + extra,
                   workdir=tempfile.mkdtemp(prefix="kbench-aof-%s-" % who, dir=keep))
    try:
        if aof_size(srv)[0] is None:
            res["error"] = "no AOF (aof_enabled is not 1)"
            print("  %s: not available (%s)" % (who, res["error"]))
            return res
        t0 = time.time()
        B.pipe_load(a, srv.port, P.dataset_stream(c))
        n = srv.call("DBSIZE")
        if n != a.keys:
            sys.exit("%s: DBSIZE %r after loading %d keys" % (who, n, a.keys))
        res["load_s"] = time.time() - t0
        res["aof_after_load"] = aof_size(srv)[0]
        print("  %s: %d keys loaded in %.1f s, AOF %.1f MB" % (
            who, n, res["load_s"], (res["aof_after_load"] or 0) / MB))

        t0 = time.time()
        err = bgrewrite(srv)
        if err:
            res["error"] = "BGREWRITEAOF: %s" % err
            print("  %s: not available (%s)" % (who, res["error"]))
            return res
        res["idle_status"] = wait_rewrite(srv)
        res["idle_s"] = time.time() - t0
        res["base_bytes"] = base_size(srv)
        res["available"] = res["idle_status"] == "ok"
        print("  %s: BGREWRITEAOF idle %.2f s (%s), base %.1f MB" % (
            who, res["idle_s"], res["idle_status"], (res["base_bytes"] or 0) / MB))

        writer_opts = types.SimpleNamespace(benchmark=a.benchmark,
                                            writer_clients=a.writer_clients)
        procs = P.start_writers(writer_opts, srv, c)
        try:
            time.sleep(a.warm)
            base = P.sample_for(srv.pid, srv.port, 0.5)
            c0, t0 = P.commands_processed(srv), time.time()
            s = P.Sampler(srv.pid, srv.port)
            s.start()
            err = bgrewrite(srv)
            if not err:
                res["load_status"] = wait_rewrite(srv)
            else:
                res["load_status"] = err
            peak = s.finish()
            t1 = time.time()
            c1 = P.commands_processed(srv)
        finally:
            P.stop_writers(procs)
        res["base"], res["peak"] = base, peak
        res["under_s"] = t1 - t0
        res["writes_per_s"] = (c1 - c0) / (t1 - t0) if t1 > t0 else 0
        pers = B.info(srv.port, "persistence")
        res["cow"] = int(pers.get("aof_last_cow_size", "0") or 0)
        res["aof_final"] = int(pers.get("aof_current_size", "0") or 0)
        res["dbsize"] = srv.call("DBSIZE")
        print("  %s: BGREWRITEAOF under writes %.2f s (%s), %.0f writes/s, "
              "RSS %.1f -> %.1f MB (child %.1f MB), PSS %.1f -> %.1f MB, "
              "used_memory %.1f -> %.1f MB, aof_last_cow_size %.1f MB" % (
                  who, res["under_s"], res["load_status"], res["writes_per_s"],
                  base["rss"] / MB, peak["rss"] / MB, peak["child_rss"] / MB,
                  base["pss"] / MB, peak["pss"] / MB, base["used"] / MB,
                  peak["used"] / MB, res["cow"] / MB))
        res["dir"] = srv.workdir
    finally:
        srv.stop()
    sys.stdout.flush()
    return res


def load_time(who, binary, src_dir, extra, want):
    """Starts binary on a copy of src_dir's appendonlydir; seconds from
    exec to the first PONG, or (None, why)."""
    if not src_dir:
        return None, "no directory"
    return B.load_time(binary, "yes", extra, want, lambda d: shutil.copytree(
        os.path.join(src_dir, "appendonlydir"),
        os.path.join(d, "appendonlydir")), prefix="kbench-aofload-")


# ---------------------------------------------------------------- report
def med(rs, key="rps"):
    xs = [r[key] for r in rs if "error" not in r]
    return B.median(xs) if xs and len(xs) == len(rs) else None


def main():
    a = parse_args()
    kilat_ok = B.check_bins(a, kilat=False)
    B.header("AOF: throughput per appendfsync policy, BGREWRITEAOF time and "
             "memory under writes", a)
    print("throughput: redis-benchmark -c %d -P 1 -n %d -r %d, tests %s, "
          "policies %s, %d rounds, A/B alternating; servers pinned to %s, "
          "client to %s" % (a.clients, a.requests, a.keyspace, a.tests,
                            a.policies, a.rounds, a.server_cpu or "none",
                            a.client_cpu or "none"))
    sys.stdout.flush()

    tests, policies, res = throughput(a, kilat_ok)
    rows = []
    notes = []
    for policy in policies:
        for test in tests:
            r = res.get((policy, test, "redis"), [])
            k = res.get((policy, test, "kilat"), [])
            rv, kv = med(r), med(k)
            # runs of one round are back to back: their ratio shares the
            # machine's state, so its median is steadier on a busy machine
            pairs = [y["rps"] / x["rps"] for x, y in zip(r, k)
                     if "error" not in x and "error" not in y and x["rps"]]
            paired = B.median(pairs) if pairs and len(pairs) == len(r) else None
            sp = lambda rs: "n/a" if med(rs) is None else "%.0f%%" % (  # noqa: E731
                100 * B.spread([x["rps"] for x in rs]))
            rows.append(["%s %s" % (policy, test), B.f_num(rv), B.f_num(kv),
                         B.ratio_cell(kv, rv), B.f_num(paired, "%.3f"), sp(r), sp(k),
                         B.f_num(med(r, "p99"), "%.2f"),
                         B.f_num(med(k, "p99"), "%.2f")])
            for who, rs in (("redis", r), ("kilat", k)):
                errs = sorted({x["error"] for x in rs if "error" in x})
                if errs:
                    notes.append("%s %s %s: not available: %s" % (
                        who, policy, test, "; ".join(errs)))
    print()
    B.table(["ops/s (median)", "redis", "kilat", "ratio k/r",
             "paired ratio", "spread redis", "spread kilat",
             "p99 ms redis", "p99 ms kilat"], rows)
    print("paired ratio: median over rounds of kilat/redis of the two runs "
          "of a round (back to back); spread: (max - min) / median of a "
          "side's runs. fsync latency on a shared disk varies run to run.")
    for n in notes:
        print(n)
    if not kilat_ok:
        print("kilat: no binary %s" % a.kilat_bin)
    sys.stdout.flush()

    if a.keys <= 0:
        return
    c = P.counts(a.keys)
    keep = tempfile.mkdtemp(prefix="kbench-aof-")
    try:
        print()
        print("rewrite: %d keys (%s), writers during the measured rewrite "
              "(-c %d -P 16 each, started %.1f s before): %s" % (
                  a.keys, ", ".join("%d %s" % (v, k) for k, v in c.items()),
                  a.writer_clients, a.warm, "; ".join(
                      " ".join(cmd) for _, _, cmd in P.writer_commands(c))))
        sides = {"redis": rewrite_side(a, "redis", a.redis_bin,
                                       shlex.split(a.redis_args), c, keep)}
        if kilat_ok:
            sides["kilat"] = rewrite_side(a, "kilat", a.kilat_bin,
                                          shlex.split(a.kilat_args), c, keep)
        else:
            sides["kilat"] = {"available": False, "error": "no binary"}
        def load_src(who, binary, extra, src):
            s = sides[src]
            want = s.get("dbsize")
            return load_time(who, binary,
                             s.get("dir") if s.get("available") else None,
                             extra, want if want is not None else -1)
        loads = B.cross_loads(a, kilat_ok, load_src, "appendonlydir")
        r, k = sides["redis"], sides["kilat"]

        def row(label, fmt, *path):
            rv, kv = B.dig(r, *path), B.dig(k, *path)
            return [label, fmt(rv), fmt(kv), B.ratio_cell(kv, rv)]

        s2 = lambda x: B.f_num(x, "%.2f")  # noqa: E731
        rows = [
            row("AOF size after loading (MB)", B.f_mb, "aof_after_load"),
            row("BGREWRITEAOF idle (s)", s2, "idle_s"),
            row("base file (MB)", B.f_mb, "base_bytes"),
            row("BGREWRITEAOF under writes (s)", s2, "under_s"),
            row("writes/s during it", B.f_num, "writes_per_s"),
            row("RSS before, under writes (MB)", B.f_mb, "base", "rss"),
            row("peak RSS, server + child (MB)", B.f_mb, "peak", "rss"),
            row("  of which the child (MB)", B.f_mb, "peak", "child_rss"),
            row("PSS before (MB)", B.f_mb, "base", "pss"),
            row("peak PSS (MB)", B.f_mb, "peak", "pss"),
            row("used_memory before (MB)", B.f_mb, "base", "used"),
            row("peak used_memory (MB)", B.f_mb, "peak", "used"),
            row("aof_last_cow_size (MB)", B.f_mb, "cow"),
            ["load own dir at start (s)", s2(loads[("redis", "redis")][0]),
             s2(loads[("kilat", "kilat")][0]),
             B.ratio_cell(loads[("kilat", "kilat")][0], loads[("redis", "redis")][0])],
            ["load the other's dir (s)", s2(loads[("redis", "kilat")][0]),
             s2(loads[("kilat", "redis")][0]), ""],
        ]
        print()
        B.table(["%d keys" % a.keys, "redis", "kilat", "ratio k/r"], rows)
        for who, side in sides.items():
            if not side.get("available"):
                print("%s: rewrite not available: %s" % (who, side.get("error", "?")))
        print("RSS adds the child's RSS to the server's (pages shared with "
              "the parent count twice); PSS counts shared pages once.")
    finally:
        shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
