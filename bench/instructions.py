"""Server instructions per request under callgrind, kilat vs redis-server.

Run through bench/instructions.sh; see bench/README.md.

Method "zero" (default): the server runs under callgrind; for each test the
database is flushed, WARM requests warm the code path, `callgrind_control
-z` zeroes the counters, `redis-benchmark -c 1 -n N` sends exactly N
requests, `callgrind_control -d` dumps, and the dump's Ir total over N is
the figure. Method "diff" (fallback where callgrind_control cannot reach
the process): a fresh server per run, whole-process Ir at exit for N and
for 2N requests, (Ir(2N) - Ir(N)) / N.

Either way the figure includes what the server does in the background
(cron, active expiry) while the requests run; the idle rate is printed so
its share can be judged.
"""

import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib as B

# redis-server 7.0.15 figures from DESIGN.md (user-space Ir per request).
DESIGN_REDIS = {"get": 4800, "set": 7100, "incr": 6000, "lpush": 6800,
                "zadd": 9200}
DEFAULT_TESTS = ("get,set,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,"
                 "zpopmin,lrange_100,set_ex_nx=set key:__rand_int__ v EX 10 NX")


def parse_args():
    p = B.arg_parser(
        "bench/instructions.sh",
        "Server instructions per request (callgrind Ir, -c 1), kilat vs "
        "redis-server.")
    B.opt(p, "--tests", "INSTR_TESTS", DEFAULT_TESTS,
          "comma separated; a redis-benchmark -t name (get, set, incr, "
          "lpush, zadd, ...) or 'name=command args': %(default)s")
    B.opt(p, "-n", "INSTR_N", 10000,
          "requests measured per test: %(default)s", type=int)
    B.opt(p, "--warm", "INSTR_WARM", 2000,
          "warm-up requests per test: %(default)s", type=int)
    B.opt(p, "--keyspace", "KEYSPACE", 100000,
          "redis-benchmark -r: %(default)s", type=int)
    B.opt(p, "--repeat", "INSTR_REPEAT", 1,
          "measurements per test, median: %(default)s", type=int)
    B.opt(p, "--method", "INSTR_METHOD", "zero", choices=("zero", "diff"))
    B.add_server_args(p, benchmark=True)
    B.opt(p, "--keep", "INSTR_KEEP", "",
          "keep callgrind files in this folder")
    return p.parse_args()


def tests_of(a):
    """(name, Test) pairs; pop and lrange tests fill their key first
    (benchlib.make_test)."""
    out = []
    for item in a.tests.split(","):
        item = item.strip()
        if not item:
            continue
        name, eq, cmd = item.partition("=")
        out.append((name.strip(), B.make_test(name.strip(),
                                              cmd if eq else None)))
    return out


def bench(a, port, n, test):
    cmd = [a.benchmark, "-h", "127.0.0.1", "-p", str(port), "-c", "1",
           "-n", str(n), "-r", str(a.keyspace), "-q", "--csv"] + test.args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if p.returncode != 0 or "rps" not in p.stdout:
        sys.exit("redis-benchmark failed (exit %d): %s\n%s%s" %
                 (p.returncode, shlex.join(cmd), p.stdout, p.stderr))
    if p.stderr.strip():
        print("  warning: %s" % p.stderr.strip().splitlines()[0][:200],
              file=sys.stderr)
    return shlex.join(cmd)


def read_ir(path):
    summary = totals = None
    with open(path) as f:
        for line in f:
            if line.startswith("summary:"):
                summary = int(line.split()[1])
            elif line.startswith("totals:"):
                totals = int(line.split()[1])
    ir = summary if summary is not None else totals
    if ir is None:
        sys.exit("no summary/totals line in %s" % path)
    return ir


def valgrind_prefix(out):
    return ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]


class Callgrind:
    """A server under callgrind, measured with callgrind_control -z/-d."""

    def __init__(self, name, binary, extra, workdir):
        self.out = os.path.join(workdir, "callgrind.%s.out" % name)
        self.srv = B.Server(name, binary, None, extra,
                            valgrind=valgrind_prefix(self.out),
                            ready_timeout=120.0, workdir=workdir)
        self.seen = set(glob.glob(self.out + ".*"))

    def control(self, flag):
        p = subprocess.run(["callgrind_control", flag, str(self.srv.pid)],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0 or "OK" not in p.stdout:
            sys.exit("callgrind_control %s %d failed (try INSTR_METHOD=diff)"
                     ":\n%s%s" % (flag, self.srv.pid, p.stdout, p.stderr))

    def zero(self):
        self.control("-z")

    def dump(self):
        """Dump and return the Ir of the new dump file."""
        self.control("-d")
        deadline = time.time() + 60
        while time.time() < deadline:
            new = set(glob.glob(self.out + ".*")) - self.seen
            if new:
                path = max(new, key=os.path.getmtime)
                self.seen |= new
                time.sleep(0.1)  # written before the OK; be safe
                return read_ir(path)
            time.sleep(0.1)
        sys.exit("callgrind dump did not appear for %s" % self.out)

    def idle_rate(self, seconds=2.0):
        self.zero()
        t0 = time.time()
        time.sleep(seconds)
        ir = self.dump()
        return ir / (time.time() - t0)


def measure_zero(a, name, binary, extra, tests, workdir):
    cg = Callgrind(name, binary, extra, workdir)
    print("started %s under callgrind: pid %d: %s" %
          (name, cg.srv.pid, shlex.join(cg.srv.cmd)))
    res = {}
    for tname, test in tests:
        vals = []
        for _ in range(a.repeat):
            cg.srv.call("FLUSHALL")
            test.prepare(cg.srv.port, a.warm)
            bench(a, cg.srv.port, a.warm, test)
            test.verify(cg.srv.port, a.warm, name)
            cg.srv.call("FLUSHALL")
            test.prepare(cg.srv.port, a.n)
            B.settle(cg.srv, interval=0.5, idle=0.3)
            cg.zero()
            t0 = time.time()
            cmd = bench(a, cg.srv.port, a.n, test)
            wall = time.time() - t0
            ir = cg.dump()
            test.verify(cg.srv.port, a.n, name)
            vals.append(ir / a.n)
            print("  %s %s: %d Ir / %d = %.0f per request (%.1fs): %s" %
                  (name, tname, ir, a.n, ir / a.n, wall, cmd))
            sys.stdout.flush()
        res[tname] = B.median(vals)
    # Idle rate twice: with the last test's keys still there (active expiry
    # of set_ex_nx's keys shows here), then with an empty keyspace (cron).
    res["_idle_last"] = cg.idle_rate()
    cg.srv.call("FLUSHALL")
    B.settle(cg.srv, interval=0.5, idle=0.3)
    res["_idle"] = cg.idle_rate()
    cg.srv.stop(timeout=120)
    return res


def one_run(a, name, binary, extra, test, n, workdir):
    """Whole-process Ir; for pop/lrange tests it includes the fills (of n
    and 2n elements), which the N/2N difference does not cancel."""
    out = os.path.join(workdir, "callgrind.%s.%d.%d.out" %
                       (name, n, int(time.time() * 1000)))
    srv = B.Server(name, binary, None, extra, valgrind=valgrind_prefix(out),
                   ready_timeout=120.0, workdir=workdir)
    test.prepare(srv.port, a.warm)
    bench(a, srv.port, a.warm, test)
    srv.call("FLUSHALL")
    test.prepare(srv.port, n)
    bench(a, srv.port, n, test)
    test.verify(srv.port, n, name)
    srv.stop(timeout=120)
    return read_ir(out)


def measure_diff(a, name, binary, extra, tests, workdir):
    res = {}
    for tname, test in tests:
        vals = []
        for _ in range(a.repeat):
            ir1 = one_run(a, name, binary, extra, test, a.n, workdir)
            ir2 = one_run(a, name, binary, extra, test, 2 * a.n, workdir)
            vals.append((ir2 - ir1) / a.n)
            print("  %s %s: Ir(%d)=%d Ir(%d)=%d: %.0f per request" %
                  (name, tname, a.n, ir1, 2 * a.n, ir2, vals[-1]))
            sys.stdout.flush()
        res[tname] = B.median(vals)
    res["_idle"] = None
    return res


def main():
    a = parse_args()
    B.check_bins(a)
    for tool in ("valgrind", "callgrind_control"):
        if not shutil.which(tool):
            sys.exit("%s not found (apt-get install valgrind)" % tool)
    tests = tests_of(a)
    workdir = a.keep or tempfile.mkdtemp(prefix="kbench-callgrind-")
    os.makedirs(workdir, exist_ok=True)

    B.header("server instructions per request (callgrind Ir, user space)")
    print("method=%s n=%d warm=%d keyspace=%d repeat=%d" %
          (a.method, a.n, a.warm, a.keyspace, a.repeat))
    for tname, t in tests:
        if t.describe():
            print("%s: %s, then: %s" % (tname, t.describe(),
                                          shlex.join(t.args)))
    sys.stdout.flush()
    measure = measure_zero if a.method == "zero" else measure_diff
    r = measure(a, "redis", a.redis_bin, shlex.split(a.redis_args), tests,
                workdir)
    k = measure(a, "kilat", a.kilat_bin, shlex.split(a.kilat_args), tests,
                workdir)
    if not a.keep:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    rows, ratios = [], []
    for tname, _ in tests:
        ratio = k[tname] / r[tname]
        ratios.append(ratio)
        ref = DESIGN_REDIS.get(tname)
        rows.append([tname, "%.0f" % r[tname], "%.0f" % k[tname],
                     B.fmt_ratio(ratio),
                     "%d (%+.0f%%)" % (ref, 100 * (r[tname] / ref - 1))
                     if ref else ""])
    rows.append(["geomean", "", "", B.fmt_ratio(B.geomean(ratios)), ""])
    B.table(["test", "redis Ir/req", "kilat Ir/req", "ratio k/r",
             "DESIGN.md redis"], rows)
    if r["_idle"] is not None:
        print()
        print("idle background work while measuring (not subtracted): "
              "redis %.0f Ir/s, kilat %.0f Ir/s with an empty keyspace; "
              "redis %.0f Ir/s, kilat %.0f Ir/s with the keys of the last "
              "test (%s) still there" %
              (r["_idle"], k["_idle"], r["_idle_last"], k["_idle_last"],
               tests[-1][0]))
    off = [t for t, _ in tests if t in DESIGN_REDIS and
           abs(r[t] / DESIGN_REDIS[t] - 1) > 0.10]
    if off:
        print()
        print("note: redis-server differs from DESIGN.md by more than 10%% "
              "for: %s" % ", ".join(off))


if __name__ == "__main__":
    main()
