"""Lua scripting benchmarks, kilat vs redis-server: Laravel's lock pattern
and Laravel's queue pop.

Run through bench/scripts.sh; see bench/README.md. Two parts:

1. ops/s: both servers pinned to one CPU, redis-benchmark (-c 50) pinned
   to another, A/B alternating over ROUNDS rounds (compare.py's runner:
   FLUSHALL, fill, wait until idle, run, check).
2. instructions per request: each server under callgrind, -c 1
   (instructions.py's method: warm-up, callgrind_control -z, run, -d).

The tests (KEY = the random 12-digit number redis-benchmark puts in place
of __rand_int__, below -r):

  lock_acquire       SET lock:KEY <owner> EX 10 NX on an empty keyspace
  lock_release       EVALSHA <release sha> 1 lock:KEY <owner> on a keyspace
                     filled with every lock:KEY (value <owner>, EX 3600)
  lock_release_eval  the same as EVAL <release script> (what Laravel's
                     RedisLock::release sends: it never uses EVALSHA)
  queue_pop          EVALSHA <pop sha> 3 queues:default
                     queues:default:reserved queues:default:notify <score>
                     on a queue filled with n + margin JSON jobs (and the
                     notify list with as many "1"s), as Laravel's push does
  queue_pop_eval     the same as EVAL <pop script> (what Laravel's
                     RedisQueue::retrieveNextJob sends)

-r for the lock tests is LOCK_KEYS_FACTOR (10) times the requests of the
run, so about 95% of acquires create a lock and about 95% of releases find
their lock (a repeat draw finds it gone: GET only, no DEL); the share is
counted afterwards from DBSIZE and printed for each side. Every queue pop
must pop a job: afterwards the queue holds exactly the margin and the
reserved set n members. Before each queue run one pop is made by hand and
its reply checked (the job as pushed, and the reserved copy with
attempts + 1).
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time

import benchlib as B
import compare
import instructions

# Laravel 8's scripts (Illuminate/Cache/LuaScripts.php releaseLock() and
# Illuminate/Queue/LuaScripts.php pop()), used as they are in the package
# when it is installed, these copies otherwise.
LARAVEL = "/usr/share/php/Illuminate"
RELEASE_LOCK = """if redis.call("get",KEYS[1]) == ARGV[1] then
    return redis.call("del",KEYS[1])
else
    return 0
end"""
QUEUE_POP = """-- Pop the first job off of the queue...
local job = redis.call('lpop', KEYS[1])
local reserved = false

if(job ~= false) then
    -- Increment the attempt count and place job on the reserved queue...
    reserved = cjson.decode(job)
    reserved['attempts'] = reserved['attempts'] + 1
    reserved = cjson.encode(reserved)
    redis.call('zadd', KEYS[2], ARGV[1], reserved)
    redis.call('lpop', KEYS[3])
end

return {job, reserved}"""

OWNER = "Xq3vT8kLm2Pz9RwA"  # Str::random(16), as Laravel's lock owner
QUEUE, RESERVED, NOTIFY = ("queues:default", "queues:default:reserved",
                           "queues:default:notify")
MARGIN = B.POP_MARGIN
DEFAULT_TESTS = "lock_acquire,lock_release,lock_release_eval,queue_pop,queue_pop_eval"


def laravel_script(rel, func, fallback):
    """The heredoc body of LuaScripts::func() in LARAVEL/rel, or fallback.
    Returns (script, source)."""
    path = os.path.join(LARAVEL, rel)
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return fallback, "built-in copy (%s not installed)" % path
    m = re.search(r"function %s\(\)\s*\{\s*return <<<'LUA'\n(.*?)\nLUA;" %
                  func, text, re.S)
    if not m:
        return fallback, "built-in copy (%s() not found in %s)" % (func, path)
    return m.group(1), path


def job_payload(i):
    """A Laravel 8 job payload as RedisQueue::createPayload makes it
    (json_encode with JSON_UNESCAPED_UNICODE: slashes escaped), for a
    queued job class with two properties; about 620 bytes."""
    uuid = "%08x-%04x-4%03x-a%03x-%012x" % (i * 2654435761 % 2**32, i % 65536,
                                            i % 4096, (i * 7) % 4096, i)
    cmd = ('O:23:"App\\Jobs\\ProcessPodcast":11:{s:10:"podcastId";i:%d;'
           's:6:"userId";i:%d;s:3:"job";N;s:10:"connection";N;s:5:"queue";'
           'N;s:15:"chainConnection";N;s:10:"chainQueue";N;'
           's:19:"chainCatchCallbacks";N;s:5:"delay";N;s:11:"afterCommit";'
           'N;s:10:"middleware";a:0:{}}' % (i, i % 1000))
    d = {"uuid": uuid, "displayName": "App\\Jobs\\ProcessPodcast",
         "job": "Illuminate\\Queue\\CallQueuedHandler@call",
         "maxTries": None, "maxExceptions": None, "failOnTimeout": False,
         "backoff": None, "timeout": None, "retryUntil": None,
         "data": {"commandName": "App\\Jobs\\ProcessPodcast",
                  "command": cmd},
         "id": "%032x" % (i * 11400714819323198485 % 2**128), "attempts": 0}
    return json.dumps(d, separators=(",", ":")).replace("/", "\\/").encode()


def resp(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def pipeline(port, commands, batch=2000):
    """Send commands (lists of arguments) pipelined, `batch` at a time;
    errors stop the script."""
    c = B.Conn(port, timeout=300.0)
    try:
        for i in range(0, len(commands), batch):
            part = commands[i:i + batch]
            c.sock.sendall(b"".join(resp(x) for x in part))
            for _ in part:
                c.read()
    finally:
        c.close()


def load(port, script, sha):
    got = B.call(port, "SCRIPT", "LOAD", script)
    if isinstance(got, bytes):
        got = got.decode()
    if got != sha:
        sys.exit("SCRIPT LOAD on port %d returned %r, expected %s" %
                 (port, got, sha))


class LockTest:
    """acquire: SET NX EX on an empty keyspace; release: the
    compare-and-delete script on a keyspace holding every lock."""

    def __init__(self, name, release, evalsha, script, sha, factor):
        self.name, self.release, self.script, self.sha = (name, release,
                                                          script, sha)
        self.factor = factor
        self.last = {}  # port -> (successes, n)
        if not release:
            cmd = ["SET", "lock:__rand_int__", OWNER, "EX", "10", "NX"]
        elif evalsha:
            cmd = ["EVALSHA", sha, "1", "lock:__rand_int__", OWNER]
        else:
            cmd = ["EVAL", script, "1", "lock:__rand_int__", OWNER]
        self.cmd = cmd
        self.args = []  # set per run: -r must follow the n of the run

    def keys(self, n):
        return max(1, self.factor * n)

    def set_n(self, n):
        self.args = ["-r", str(self.keys(n))] + self.cmd

    def prepare(self, port, n):
        self.set_n(n)
        load(port, self.script, self.sha)
        if self.release:
            pipeline(port, [["SET", b"lock:%012d" % i, OWNER, "EX", "3600"]
                            for i in range(self.keys(n))])
            size = B.call(port, "DBSIZE")
            if size != self.keys(n):
                sys.exit("lock fill: DBSIZE %r, expected %d" %
                         (size, self.keys(n)))

    def verify(self, port, n, who=""):
        size = B.call(port, "DBSIZE")
        ok = self.keys(n) - size if self.release else size
        self.last[port] = (ok, n)

    def describe(self):
        what = ("lock:<r> for every r below -r filled first (value the "
                "owner, EX 3600)" if self.release else "empty keyspace")
        return "%s; -r = %d x requests" % (what, self.factor)

    def shown(self):
        c = [x if len(x) < 40 else x[:28].replace("\n", " ") + "...(%d B)" %
             len(x) for x in self.cmd]
        return " ".join(c)


class QueueTest:
    """Laravel's queue pop over a queue filled with JSON jobs."""

    def __init__(self, name, evalsha, script, sha, score, jobs):
        self.name, self.script, self.sha, self.jobs = name, script, sha, jobs
        tail = ["3", QUEUE, RESERVED, NOTIFY, str(score)]
        self.cmd = (["EVALSHA", sha] if evalsha else ["EVAL", script]) + tail
        self.args = list(self.cmd)
        self.checked = {}  # port -> reserved payload of the hand-made pop

    def set_n(self, n):
        pass

    def prepare(self, port, n):
        load(port, self.script, self.sha)
        count = n + MARGIN + 1
        if count > len(self.jobs):
            self.jobs.extend(job_payload(i)
                             for i in range(len(self.jobs), count))
        cmds = []
        for i in range(0, count, 500):
            cmds.append([b"RPUSH", QUEUE] + self.jobs[i:min(i + 500, count)])
            cmds.append([b"RPUSH", NOTIFY] + [b"1"] * (min(i + 500, count) - i))
        pipeline(port, cmds, batch=20)
        # one pop by hand, checked
        reply = B.call(port, *self.cmd)
        if not (isinstance(reply, list) and len(reply) == 2 and
                reply[0] == self.jobs[0] and isinstance(reply[1], bytes)):
            sys.exit("queue pop on port %d: unexpected reply %r" %
                     (port, reply if not isinstance(reply, list) else
                      [x[:80] if isinstance(x, bytes) else x for x in reply]))
        want = json.loads(self.jobs[0])
        want["attempts"] += 1
        if json.loads(reply[1]) != want:
            sys.exit("queue pop on port %d: reserved job %r is not the job "
                     "with attempts + 1" % (port, reply[1][:200]))
        self.checked[port] = reply[1]
        for key, size in ((QUEUE, n + MARGIN), (NOTIFY, n + MARGIN),
                          (RESERVED, 1)):
            got = B.call(port, "ZCARD" if key == RESERVED else "LLEN", key)
            if got != size:
                sys.exit("queue fill: %s has %r, expected %d" %
                         (key, got, size))

    def verify(self, port, n, who=""):
        for key, size in ((QUEUE, MARGIN), (NOTIFY, MARGIN),
                          (RESERVED, n + 1)):
            got = B.call(port, "ZCARD" if key == RESERVED else "LLEN", key)
            if got != size:
                sys.exit("%s %s: %s has %r after %d requests, expected %d: "
                         "not every request popped a job" %
                         (who, self.name, key, got, n, size))

    def describe(self):
        return ("%s filled first with n+%d JSON jobs (%d-%d bytes) and %s "
                "with as many \"1\"s; one pop checked by hand; afterwards %d "
                "jobs must be left and %s must hold n+1" %
                (QUEUE, MARGIN + 1, min(len(j) for j in self.jobs[:1000]),
                 max(len(j) for j in self.jobs[:1000]), NOTIFY, MARGIN,
                 RESERVED))

    def shown(self):
        c = [x if len(x) < 45 else x[:28].replace("\n", " ") + "...(%d B)" %
             len(x) for x in self.cmd]
        return " ".join(c)


def parse_args():
    p = B.arg_parser(
        "bench/scripts.sh",
        "Laravel's lock pattern and queue pop (Lua), kilat vs redis-server: "
        "ops/s A/B alternating (-c 50) and instructions per request under "
        "callgrind (-c 1).")
    B.opt(p, "--tests", "SCRIPT_TESTS", DEFAULT_TESTS)
    B.opt(p, "--parts", "SCRIPT_PARTS", "ops,instr",
          "ops (throughput), instr (callgrind) or both: %(default)s")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "-n", "SCRIPT_N", 100000,
          "requests per run at -c 50: %(default)s", type=int)
    B.opt(p, "--clients", "CLIENTS", 50, "-c: %(default)s", type=int)
    B.opt(p, "--lock-keys-factor", "LOCK_KEYS_FACTOR", 10,
          "-r of the lock tests over the requests of the run: %(default)s",
          type=int)
    B.opt(p, "--instr-n", "INSTR_N", 10000,
          "requests measured under callgrind: %(default)s", type=int)
    B.opt(p, "--warm", "INSTR_WARM", 2000, "warm-up requests: %(default)s",
          type=int)
    B.add_cpu_args(p, server_text="%(default)s", client_text="%(default)s")
    B.add_nice_arg(p, "%(default)s")
    B.add_server_args(p, benchmark=True)
    return p.parse_args()


def make_tests(a):
    rel, rel_src = laravel_script("Cache/LuaScripts.php", "releaseLock",
                                  RELEASE_LOCK)
    pop, pop_src = laravel_script("Queue/LuaScripts.php", "pop", QUEUE_POP)
    rel_sha = hashlib.sha1(rel.encode()).hexdigest()
    pop_sha = hashlib.sha1(pop.encode()).hexdigest()
    print("release script (%d bytes, sha1 %s) from %s" %
          (len(rel), rel_sha, rel_src))
    print("pop script (%d bytes, sha1 %s) from %s" % (len(pop), pop_sha,
                                                       pop_src))
    score = int(time.time()) + 60  # availableAt(retryAfter = 60)
    jobs = [job_payload(i) for i in range(1000)]
    all_tests = {
        "lock_acquire": lambda: LockTest("lock_acquire", False, False, rel,
                                         rel_sha, a.lock_keys_factor),
        "lock_release": lambda: LockTest("lock_release", True, True, rel,
                                         rel_sha, a.lock_keys_factor),
        "lock_release_eval": lambda: LockTest("lock_release_eval", True,
                                              False, rel, rel_sha,
                                              a.lock_keys_factor),
        "queue_pop": lambda: QueueTest("queue_pop", True, pop, pop_sha,
                                       score, jobs),
        "queue_pop_eval": lambda: QueueTest("queue_pop_eval", False, pop,
                                            pop_sha, score, jobs),
    }
    out = []
    for t in a.tests.split(","):
        t = t.strip()
        if not t:
            continue
        if t not in all_tests:
            sys.exit("unknown test %r (known: %s)" % (t, ", ".join(all_tests)))
        out.append((t, all_tests[t]()))
    return out


def pair_rate(acq, rel):
    """Acquire + release pairs per second when one of each is done."""
    return 1.0 / (1.0 / acq + 1.0 / rel) if acq and rel else float("nan")


def run_ops(a, tests):
    a.keyspace = 100000  # overridden per test by its own -r
    servers = B.start_servers(a, a.server_cpu, nice=a.nice)
    runs = {}  # (test, side) -> list of (rps, p99, cpu_us, ok share)
    t0 = time.time()
    for rnd in range(a.rounds):
        for ti, (name, test) in enumerate(tests):
            order = ["redis", "kilat"]
            if (rnd + ti) % 2:
                order.reverse()
            for side in order:
                srv = servers[side]
                test.set_n(a.n)
                res = compare.run_benchmark(a, srv, 1, a.n, test)
                share = None
                if isinstance(test, LockTest):
                    ok, n = test.last[srv.port]
                    share = ok / n
                runs.setdefault((name, side), []).append(
                    (res["rps"], res["p99_ms"], res["cpu_us_per_req"], share))
                print("  round %d %s %s: %.0f ops/s p99 %.3f ms cpu %.2f "
                      "us/req%s" % (rnd + 1, name, side, res["rps"],
                                    res["p99_ms"], res["cpu_us_per_req"],
                                    "" if share is None else
                                    ", %.1f%% %s" % (100 * share,
                                                     "released" if
                                                     test.release else
                                                     "acquired")))
                sys.stdout.flush()
        print("round %d/%d done (%.0fs)" % (rnd + 1, a.rounds,
                                            time.time() - t0))
    for t in tests:
        if isinstance(t[1], QueueTest):
            r = t[1].checked.get(servers["redis"].port)
            k = t[1].checked.get(servers["kilat"].port)
            print("%s: reserved job of the checked pop byte-identical on "
                  "both servers: %s" % (t[0], r == k))
    for s in servers.values():
        s.stop()
    return runs


def report_ops(a, tests, runs):
    print()
    print("## ops/s, -c %d -P 1 -n %d, %d rounds (median; ratio of medians; "
          "paired = median of per-round ratios)" % (a.clients, a.n, a.rounds))
    rows = []
    med = {}
    for name, _ in tests:
        r = [x[0] for x in runs[(name, "redis")]]
        k = [x[0] for x in runs[(name, "kilat")]]
        med[name] = (B.median(r), B.median(k))
        paired = B.median([kk / rr for rr, kk in zip(r, k)])
        cr = B.median([x[2] for x in runs[(name, "redis")]])
        ck = B.median([x[2] for x in runs[(name, "kilat")]])
        sh = ""
        if runs[(name, "redis")][0][3] is not None:
            sh = "%.1f%% / %.1f%%" % (
                100 * B.median([x[3] for x in runs[(name, "redis")]]),
                100 * B.median([x[3] for x in runs[(name, "kilat")]]))
        rows.append([name, "%.0f" % med[name][0], "%.0f" % med[name][1],
                     B.fmt_ratio(med[name][1] / med[name][0]),
                     B.fmt_ratio(paired),
                     "%.0f%% / %.0f%%" % (100 * B.spread(r),
                                          100 * B.spread(k)),
                     "%.3f / %.3f" % (
                         B.median([x[1] for x in runs[(name, "redis")]]),
                         B.median([x[1] for x in runs[(name, "kilat")]])),
                     "%.2f / %.2f" % (cr, ck), sh])
    for rel in ("lock_release", "lock_release_eval"):
        if "lock_acquire" in med and rel in med:
            pr = pair_rate(med["lock_acquire"][0], med[rel][0])
            pk = pair_rate(med["lock_acquire"][1], med[rel][1])
            rows.append(["lock pair (acquire + %s)" % rel.replace("lock_", ""),
                         "%.0f" % pr, "%.0f" % pk, B.fmt_ratio(pk / pr),
                         "", "", "", "", ""])
    B.table(["test", "redis ops/s", "kilat ops/s", "ratio k/r", "paired",
             "spread r/k", "p99 ms r/k", "server CPU us/req r/k",
             "lock found r/k"], rows)


def run_instr(a, tests):
    a.keyspace = 100000
    a.n = a.instr_n
    workdir = tempfile.mkdtemp(prefix="kbench-scripts-cg-")
    res = {}
    for side, binary, extra in (("redis", a.redis_bin, a.redis_args),
                                ("kilat", a.kilat_bin, a.kilat_args)):
        cg = instructions.Callgrind(side, binary, shlex.split(extra), workdir)
        print("started %s under callgrind: pid %d" % (side, cg.srv.pid))
        for name, test in tests:
            cg.srv.call("FLUSHALL")
            test.set_n(a.warm)
            test.prepare(cg.srv.port, a.warm)
            instructions.bench(a, cg.srv.port, a.warm, test)
            test.verify(cg.srv.port, a.warm, side)
            cg.srv.call("FLUSHALL")
            test.set_n(a.instr_n)
            test.prepare(cg.srv.port, a.instr_n)
            B.settle(cg.srv, interval=0.5, idle=0.3)
            cg.zero()
            t0 = time.time()
            cmd = instructions.bench(a, cg.srv.port, a.instr_n, test)
            wall = time.time() - t0
            ir = cg.dump()
            test.verify(cg.srv.port, a.instr_n, side)
            share = ""
            if isinstance(test, LockTest):
                ok, n = test.last[cg.srv.port]
                share = ", %.1f%% %s" % (100 * ok / n, "released" if
                                         test.release else "acquired")
            res[(name, side)] = ir / a.instr_n
            print("  %s %s: %d Ir / %d = %.0f per request (%.1fs%s)" %
                  (side, name, ir, a.instr_n, ir / a.instr_n, wall, share))
            sys.stdout.flush()
        cg.srv.call("FLUSHALL")
        B.settle(cg.srv, interval=0.5, idle=0.3)
        res[("_idle", side)] = cg.idle_rate()
        cg.srv.stop(timeout=120)
    shutil.rmtree(workdir, ignore_errors=True)
    return res


def report_instr(a, tests, res):
    print()
    print("## server instructions per request (callgrind Ir, -c 1, n=%d "
          "after %d warm-up requests)" % (a.instr_n, a.warm))
    rows = []
    names = [n for n, _ in tests]
    for name in names:
        r, k = res[(name, "redis")], res[(name, "kilat")]
        rows.append([name, "%.0f" % r, "%.0f" % k, B.fmt_ratio(k / r)])
    for rel in ("lock_release", "lock_release_eval"):
        if "lock_acquire" in names and rel in names:
            r = res[("lock_acquire", "redis")] + res[(rel, "redis")]
            k = res[("lock_acquire", "kilat")] + res[(rel, "kilat")]
            rows.append(["lock pair (acquire + %s)" % rel.replace("lock_", ""),
                         "%.0f" % r, "%.0f" % k, B.fmt_ratio(k / r)])
    B.table(["test", "redis Ir/req", "kilat Ir/req", "ratio k/r"], rows)
    print("idle background work (not subtracted), empty keyspace: redis "
          "%.0f Ir/s, kilat %.0f Ir/s" % (res[("_idle", "redis")],
                                          res[("_idle", "kilat")]))


def main():
    a = parse_args()
    B.no_root_nice(a)
    B.check_bins(a)
    parts = {p.strip() for p in a.parts.split(",") if p.strip()}
    if "instr" in parts:
        for tool in ("valgrind", "callgrind_control"):
            if not shutil.which(tool):
                sys.exit("%s not found (apt-get install valgrind)" % tool)
    B.header("Lua scripting: Laravel's lock pattern and queue pop, kilat vs "
             "redis-server", a, "date: %s" % time.strftime(
                 "%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("load average: %s" % compare.loadavg())
    tests = make_tests(a)
    for name, t in tests:
        print("%s: %s; command: %s" % (name, t.describe(), t.shown()))
    sys.stdout.flush()
    if "ops" in parts:
        print("rounds=%d clients=%d n=%d server cpu=%s client cpu=%s" %
              (a.rounds, a.clients, a.n, a.server_cpu or "-",
               a.client_cpu or "-"))
        runs = run_ops(a, tests)
        report_ops(a, tests, runs)
        print("load average: %s" % compare.loadavg())
        sys.stdout.flush()
    if "instr" in parts:
        res = run_instr(a, tests)
        report_instr(a, tests, res)
        print("load average: %s" % compare.loadavg())


if __name__ == "__main__":
    main()
