"""Shared pieces of the kilat benchmark scripts (stdlib only).

Starts servers on free loopback ports (optionally pinned to a CPU, or under
callgrind), talks RESP to them over a raw socket, reads their CPU time from
/proc, and stops exactly the processes it started.
"""

import argparse
import atexit
import csv
import io
import math
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")

_started = []  # Server objects still running, stopped at exit


def env(name, default):
    v = os.environ.get(name)
    return default if v is None or v == "" else v


def default_bins():
    """(kilat, redis) server binaries, from KILAT_BIN / REDIS_BIN."""
    kilat = env("KILAT_BIN", os.path.join(REPO, "build", "kilat-server"))
    redis = env("REDIS_BIN", "/usr/bin/redis-server")
    return kilat, redis


def have_bin(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def check_bin(path, what):
    if not have_bin(path):
        sys.exit("%s binary not found or not executable: %s "
                 "(set %s_BIN, or run make)" % (what, path, what.upper()))


def free_port(avoid=()):
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in avoid:
            return port


def have_taskset():
    return subprocess.call(["sh", "-c", "command -v taskset"],
                           stdout=subprocess.DEVNULL) == 0


def pin(cpu, nice=None):
    """Command prefix that pins to `cpu` ('', 'none' or None: no pinning)
    and runs at niceness `nice` (None or 0: unchanged)."""
    out = []
    if nice not in (None, "", 0, "0"):
        out = ["nice", "-n", str(nice)]
    if cpu is None or str(cpu) in ("", "none", "-") or not have_taskset():
        return out
    return out + ["taskset", "-c", str(cpu)]


# -------------------------------------------------------------- command line
# Every knob is a flag and an environment variable (the flag wins); a flag's
# help starts with its variable in brackets.

def opt(p, flag, var, default, text="%(default)s", type=str, **kw):
    """p.add_argument(flag) with its default from the environment variable
    `var` (or `default`), converted by `type`; help "[var] text"."""
    if type is not str:
        kw["type"] = type
    p.add_argument(flag, default=type(env(var, default)),
                   help="[%s] %s" % (var, text), **kw)


def arg_parser(prog, description):
    """An ArgumentParser for bench/<prog> with --kilat-bin and --redis-bin
    (KILAT_BIN, REDIS_BIN)."""
    kilat, redis = default_bins()
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--kilat-bin", default=kilat, help="[KILAT_BIN] %(default)s")
    p.add_argument("--redis-bin", default=redis, help="[REDIS_BIN] %(default)s")
    return p


def add_cpu_args(p, server="0", client="1",
                 server_text="CPU the servers are pinned to ('' = none): "
                             "%(default)s",
                 client_text="CPU redis-benchmark is pinned to ('' = none): "
                             "%(default)s"):
    """--server-cpu and --client-cpu (SERVER_CPU, CLIENT_CPU)."""
    opt(p, "--server-cpu", "SERVER_CPU", server, server_text)
    opt(p, "--client-cpu", "CLIENT_CPU", client, client_text)


def add_nice_arg(p, text="niceness of servers and redis-benchmark, to "
                         "shield them from other load (0 = unchanged; "
                         "negative needs root): %(default)s"):
    """--nice (BENCH_NICE); see no_root_nice()."""
    opt(p, "--nice", "BENCH_NICE", "0", text)


def no_root_nice(a):
    """Only root may raise priority: a negative --nice becomes 0 for others."""
    if os.geteuid() != 0 and a.nice.startswith("-"):
        a.nice = "0"


def add_server_args(p, cli=False, benchmark=False):
    """--kilat-args and --redis-args (extra server arguments), and the
    client tools' paths: --cli (REDIS_CLI), --benchmark (REDIS_BENCHMARK)."""
    opt(p, "--kilat-args", "KILAT_ARGS", "", "extra server arguments")
    opt(p, "--redis-args", "REDIS_ARGS", "", "extra server arguments")
    if cli:
        opt(p, "--cli", "REDIS_CLI", "redis-cli")
    if benchmark:
        opt(p, "--benchmark", "REDIS_BENCHMARK", "redis-benchmark")


def check_bins(a, kilat=True):
    """Exits unless a.redis_bin (and, with kilat, a.kilat_bin) can run;
    returns whether a.kilat_bin can."""
    check_bin(a.redis_bin, "redis")
    if kilat:
        check_bin(a.kilat_bin, "kilat")
    return have_bin(a.kilat_bin)


def header(title, a=None, *more):
    """The report's first lines: '# title', the machine, `more` lines, and
    with `a` the two servers' binaries and extra arguments."""
    print("# " + title)
    print("machine: %s" % machine())
    for line in more:
        print(line)
    if a is not None:
        print("redis: %s %s" % (a.redis_bin, a.redis_args))
        print("kilat: %s %s" % (a.kilat_bin, a.kilat_args))


# ---------------------------------------------------------------- RESP client

def bulk(b):
    """One RESP bulk string."""
    return b"$%d\r\n%s\r\n" % (len(b), b)


def enc(*args):
    """One command as a RESP array of bulk strings (str and numbers are
    sent as their text)."""
    return b"*%d\r\n" % len(args) + b"".join(
        bulk(a if isinstance(a, bytes) else str(a).encode()) for a in args)


def parse_info(raw):
    """An INFO reply (bytes or str) as a dict of field -> string."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    out = {}
    for line in raw.splitlines():
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


class RespError(Exception):
    pass


class Conn:
    def __init__(self, port, host="127.0.0.1", timeout=30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by server")
        self.buf += data

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+",):
            return rest.decode()
        if t == b"-":
            raise RespError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RespError("unexpected reply type: %r" % line[:40])

    def call(self, *args):
        self.sock.sendall(enc(*args))
        return self.read()


def call(port, *args, timeout=30.0):
    c = Conn(port, timeout=timeout)
    try:
        return c.call(*args)
    finally:
        c.close()


def info(port, section=None):
    """INFO [section] as a dict of field -> string."""
    return parse_info(call(port, "INFO", section) if section
                      else call(port, "INFO"))


def pipe_load(a, port, stream):
    """Sends the RESP bytes `stream` yields through `a.cli --pipe`; exits
    unless every reply was a success. Returns the command line."""
    cmd = [a.cli, "-h", "127.0.0.1", "-p", str(port), "--pipe"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    for data in stream:
        p.stdin.write(data)
    p.stdin.close()
    p.wait(timeout=600)
    reader.join()
    text = b"".join(out).decode(errors="replace")
    if p.returncode != 0 or "errors: 0," not in text:
        sys.exit("redis-cli --pipe failed (exit %d): %s\n%s" %
                 (p.returncode, shlex.join(cmd), text))
    return shlex.join(cmd)


# ------------------------------------------------------------------- servers

class Server:
    """One server process that we started; `name` is 'redis' or 'kilat'."""

    def __init__(self, name, binary, cpu=None, extra=(), valgrind=None,
                 ready_timeout=20.0, workdir=None, nice=None):
        self.name = name
        self.binary = binary
        self.port = free_port(avoid=[s.port for s in _started])
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="kbench-%s-" % name)
        self.log = os.path.join(self.workdir, "%s-%d.log" % (name, self.port))
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", self.workdir]
        args += list(extra)
        self.cmd = pin(cpu, nice) + (list(valgrind) if valgrind else []) + args
        logf = open(self.log, "wb")
        self.proc = subprocess.Popen(self.cmd, stdout=logf,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     cwd=self.workdir)
        logf.close()
        self.pid = self.proc.pid  # taskset and valgrind exec in place
        _started.append(self)
        self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if call(self.port, "PING", timeout=5.0) == "PONG":
                    return
            except (OSError, RespError, ValueError) as e:
                last = e
            time.sleep(0.05)
        tail = ""
        try:
            with open(self.log, "rb") as f:
                tail = f.read()[-2000:].decode(errors="replace")
        except OSError:
            pass
        self.stop()
        sys.exit("%s (%s) did not answer PING on port %d (%s)\n%s" %
                 (self.name, self.binary, self.port, last, tail))

    def cpu_seconds(self):
        """utime+stime of the whole process (all threads), in seconds."""
        with open("/proc/%d/stat" % self.pid) as f:
            data = f.read()
        fields = data[data.rindex(")") + 2:].split()
        # fields[0] is field 3 (state); utime is field 14, stime field 15
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def call(self, *args, timeout=30.0):
        return call(self.port, *args, timeout=timeout)

    def stop(self, timeout=30.0):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self in _started:
            _started.remove(self)
        if self.own_workdir and not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_servers(a, cpu=None, extra=(), nice=None, show=True):
    """{"redis": Server, "kilat": Server} (redis started first) from
    a.redis_bin/a.redis_args and a.kilat_bin/a.kilat_args, each with the
    arguments `extra` before its own; with `show`, a "started" line each."""
    servers = {
        "redis": Server("redis", a.redis_bin, cpu,
                        list(extra) + shlex.split(a.redis_args), nice=nice),
        "kilat": Server("kilat", a.kilat_bin, cpu,
                        list(extra) + shlex.split(a.kilat_args), nice=nice),
    }
    if show:
        for s in servers.values():
            print("started %s: pid %d port %d: %s" %
                  (s.name, s.pid, s.port, shlex.join(s.cmd)))
    return servers


def load_time(binary, appendonly, extra, want, setup, prefix="kbench-load-"):
    """Starts binary in a fresh directory that setup(dir) fills (a
    dump.rdb, an appendonlydir), with --appendonly `appendonly` and
    `extra`; times it from exec to the first PONG (PING every 10 ms),
    checks DBSIZE is `want`, stops it and removes the directory. Returns
    (seconds, "") or (None, why)."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        setup(work)
        return _timed_start(binary, work, appendonly, extra, want)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _timed_start(binary, workdir, appendonly, extra, want, timeout=1800.0):
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", appendonly, "--dir", workdir] + list(extra)
    log = open(os.path.join(workdir, "server.log"), "wb")
    t0 = time.time()
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=workdir)
    secs = n = None
    try:
        while time.time() - t0 < timeout and proc.poll() is None:
            try:
                if call(port, "PING", timeout=5.0) == "PONG":
                    secs = time.time() - t0
                    break
            except (OSError, RespError):
                pass
            time.sleep(0.01)
        n = call(port, "DBSIZE") if secs else None
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    if secs is None:
        return None, "did not start (exit %s)" % proc.poll()
    if n != want:
        return None, "DBSIZE %s, not %d" % (n, want)
    return secs, ""


def cross_loads(a, kilat_ok, load, what):
    """Each server started on its own files and on the other's: calls
    load(who, binary, extra, src) -> (seconds, why) for redis on redis's,
    kilat on kilat's, kilat on redis's, redis on kilat's (kilat's only
    where kilat_ok), prints a line each and returns {(who, src): (seconds,
    why)}. `what` names the files in the lines."""
    loads = {}
    for who, src in (("redis", "redis"), ("kilat", "kilat"),
                     ("kilat", "redis"), ("redis", "kilat")):
        if who == "kilat" and not kilat_ok:
            loads[(who, src)] = (None, "no binary")
            continue
        binary, extra = ((a.redis_bin, a.redis_args) if who == "redis"
                         else (a.kilat_bin, a.kilat_args))
        t, why = loads[(who, src)] = load(who, binary, shlex.split(extra), src)
        print("  %s loading %s's %s: %s" % (who, src, what,
                                           "%.2f s" % t if t else why))
    return loads


def _stop_all():
    for s in list(_started):
        s.stop(timeout=10.0)


def _on_signal(signum, frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


# ----------------------------------------------------------------- statistics

def median(xs):
    return statistics.median(xs) if xs else float("nan")


def geomean(xs):
    xs = [x for x in xs if x > 0 and not math.isnan(x)]
    if not xs:
        return float("nan")
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def spread(xs):
    """(max - min) / median, as a fraction: how far rounds disagreed."""
    if len(xs) < 2:
        return 0.0
    m = median(xs)
    return (max(xs) - min(xs)) / m if m else float("nan")


def table(headers, rows, out=sys.stdout):
    """Print a GitHub-markdown table with aligned columns."""
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(c) for c in col) for col in cols]

    def line(cells):
        return "| " + " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line([str(h) for h in headers]), file=out)
    print("| " + " | ".join(
        ("-" * w) if i == 0 else ("-" * (w - 1) + ":")
        for i, w in enumerate(widths)) + " |", file=out)
    for r in rows:
        print(line([str(c) for c in r]), file=out)
    out.flush()


MB = 1024.0 * 1024.0


def f_num(x, fmt="%.0f"):
    return "n/a" if x is None else fmt % x


def f_mb(x):
    return "n/a" if x is None else "%.1f" % (x / MB)


def ratio_cell(k, r):
    """k/r to three decimals, "n/a" when either is missing or r is 0."""
    if k is None or r is None or not r:
        return "n/a"
    return "%.3f" % (k / r)


def dig(d, *path):
    """d[path[0]][path[1]]..., None where a step is missing."""
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def side_values(runs, side, key, **match):
    """`key` of the runs (dicts) of `side` whose fields equal `match`."""
    return [r[key] for r in runs if r["side"] == side and
            all(r[k] == v for k, v in match.items())]


def paired_median(runs, rounds, key, **match):
    """Median over the rounds of kilat/redis of `key` (nan where redis's
    is 0) in the runs whose fields equal `match`: the two runs of a round
    are back to back, so slow drifts of the machine cancel in the ratio."""
    out = []
    for rnd in range(rounds):
        x = {r["side"]: r[key] for r in runs if r["round"] == rnd and
             all(r[k] == v for k, v in match.items())}
        out.append(x["kilat"] / x["redis"] if x["redis"] else float("nan"))
    return median(out)


def fmt_ratio(x):
    return "n/a" if x is None or math.isnan(x) else "%.3f" % x


def machine():
    """One line per fact: CPUs, CPU model, kernel."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "nproc=%d, cpu=%s, kernel=%s" % (len(os.sched_getaffinity(0)),
                                            model, os.uname().release)


# ------------------------------------------------------------ the tests run

# redis-benchmark 7.0's -t tests, as it sends them (seen with MONITOR):
#   LPUSH mylist VXK, RPUSH mylist VXK, LPOP mylist, RPOP mylist,
#   SADD myset element:<rand>, HSET myhash element:<rand> VXK, SPOP myset,
#   ZADD myzset <rand> element:<rand>, ZPOPMIN myzset,
#   lrange_N: N LPUSH mylist VXK ("needed to benchmark LRANGE"), then
#   LRANGE mylist 0 <N-1> (0 449 for lrange_500),
# where <rand> is a 12-digit zero-padded number below -r.
#
# A pop test on its own would pop from a missing key (nil replies: it would
# measure a miss), so each pop test gets its key filled first with
# POP_MARGIN more elements than it will pop, and afterwards exactly
# POP_MARGIN must be left: proof that every measured request popped one
# element, on both servers. lrange_N is sent as the custom command `LRANGE
# mylist 0 <N-1>` on a list filled beforehand the way redis-benchmark fills
# it (as many elements as requests), so its LPUSH pass stays out of the
# measurement. Fills happen after FLUSHALL and before the measurement.
POP_MARGIN = 1000
COLLECTION_TESTS = {"lpush", "rpush", "lpop", "rpop", "sadd", "hset", "spop",
                    "zadd", "zpopmin"}
POP_KEYS = {"lpop": ("list", "mylist"), "rpop": ("list", "mylist"),
            "spop": ("set", "myset"), "zpopmin": ("zset", "myzset")}
LRANGE_LAST = {"lrange_100": 99, "lrange_300": 299, "lrange_500": 449,
               "lrange_600": 599}
SIZE_CMD = {"list": "LLEN", "set": "SCARD", "zset": "ZCARD"}
LIST_VALUE = b"VXK"  # redis-benchmark's -d 3 payload


def fill(port, kind, key, count, batch=1000):
    """Add `count` elements to `key`: list items LIST_VALUE (RPUSH), set
    members element:<12 digits> (SADD), sorted set members element:<12
    digits> with score i (ZADD); checks the size. Returns the size."""
    c = Conn(port, timeout=300.0)
    try:
        done = 0
        while done < count:
            m = min(batch, count - done)
            if kind == "list":
                args = [b"RPUSH", key] + [LIST_VALUE] * m
            elif kind == "set":
                args = [b"SADD", key] + [b"element:%012d" % i for i in
                                         range(done, done + m)]
            elif kind == "zset":
                args = [b"ZADD", key]
                for i in range(done, done + m):
                    args += [b"%d" % i, b"element:%012d" % i]
            else:
                raise ValueError(kind)
            c.call(*args)
            done += m
        size = c.call(SIZE_CMD[kind], key)
    finally:
        c.close()
    if size != count:
        sys.exit("fill %s %s: size %r after adding %d elements" %
                 (kind, key, size, count))
    return size


class Test:
    """One measured test: its name, the redis-benchmark arguments that
    select it, and what to fill before (`prepare`) and check after
    (`verify`) a run of n requests."""

    def __init__(self, name, args, fill_kind=None, key=None, pops=False,
                 fill_n=None):
        self.name, self.args = name, args
        self.fill_kind, self.key, self.pops = fill_kind, key, pops
        self.fill_n = fill_n  # None: as many as requests (+ margin if pops)

    def size_for(self, n):
        if self.fill_n is not None:
            return self.fill_n
        return n + POP_MARGIN if self.pops else n

    def prepare(self, port, n):
        if self.fill_kind:
            fill(port, self.fill_kind, self.key, self.size_for(n))

    def verify(self, port, n, who=""):
        if not self.fill_kind:
            return
        left = call(port, SIZE_CMD[self.fill_kind], self.key)
        want = self.size_for(n) - n if self.pops else self.size_for(n)
        if left != want:
            sys.exit("%s %s: %s %s is %r after %d requests, expected %d: "
                     "not every request %s" %
                     (who, self.name, SIZE_CMD[self.fill_kind], self.key,
                      left, n, want, "popped an element" if self.pops
                      else "left the list alone"))

    def describe(self):
        if not self.fill_kind:
            return ""
        return "%s filled with %s elements first%s" % (
            self.key, "n" if self.fill_n is None and not self.pops else
            ("n+%d" % POP_MARGIN if self.fill_n is None else self.fill_n),
            ", %d must be left" % POP_MARGIN if self.pops else "")


def make_test(name, cmd=None):
    """A Test from a redis-benchmark -t name, or from name=command."""
    import shlex
    if cmd is not None:
        return Test(name, shlex.split(cmd))
    if name in POP_KEYS:
        kind, key = POP_KEYS[name]
        return Test(name, ["-t", name], kind, key, pops=True)
    if name in LRANGE_LAST:
        return Test(name, ["LRANGE", "mylist", "0", str(LRANGE_LAST[name])],
                    "list", "mylist")
    return Test(name, ["-t", name])


def run_csv(cmd, who, timeout):
    """Runs `cmd`, one redis-benchmark --csv test against server `who`;
    returns (its data row, its stderr stripped, wall seconds). Exits when
    it fails or times out."""
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit("redis-benchmark timed out: %s" % shlex.join(cmd))
    wall = time.time() - t0
    rows = [r for r in csv.reader(io.StringIO(p.stdout))
            if len(r) >= 7 and r[0] != "test"]
    if p.returncode != 0 or len(rows) != 1:
        sys.exit("redis-benchmark failed against %s (exit %d): %s\n%s%s" %
                 (who, p.returncode, shlex.join(cmd), p.stdout, p.stderr))
    return rows[0], p.stderr.strip(), wall


def settle(srv, interval=0.2, idle=0.1, timeout=60.0):
    """Wait until the server process uses less than `idle` of a CPU over
    `interval` seconds: a background thread freeing a big key (kilat frees
    collections of more than 64 elements off the main thread, even on
    FLUSHALL) must not run into the next measurement."""
    deadline = time.time() + timeout
    c0 = srv.cpu_seconds()
    while time.time() < deadline:
        time.sleep(interval)
        c1 = srv.cpu_seconds()
        if c1 - c0 <= idle * interval:
            return
        c0 = c1


def reply_of(srv, words):
    """The reply of one command on srv (an error reply as "error: ...")."""
    c = Conn(srv.port, timeout=60.0)
    try:
        return c.call(*words)
    except RespError as e:
        return "error: %s" % e
    finally:
        c.close()


def run_benchmark_words(a, srv, name, n, clients, words):
    """redis-benchmark running `words` n times from `clients` clients on
    srv (pinned per a.client_cpu/a.nice, keys drawn from a.keyspace): its
    requests/s and p99, and the server's CPU per request."""
    cmd = pin(a.client_cpu, a.nice) + [
        a.benchmark, "-h", "127.0.0.1", "-p", str(srv.port), "-c",
        str(clients), "-n", str(n), "-r", str(a.keyspace), "-q",
        "--csv"] + words
    settle(srv)
    cpu0 = srv.cpu_seconds()
    r, warn, wall = run_csv(cmd, srv.name, 900)
    cpu1 = srv.cpu_seconds()
    if warn:
        print("  warning (%s %s): %s" % (srv.name, name,
                                        warn.splitlines()[0][:200]),
              file=sys.stderr)
    return {"rps": float(r[1]), "p99_ms": float(r[6]),
            "cpu_us": (cpu1 - cpu0) / n * 1e6, "cmd": shlex.join(cmd)}


def benchmark_round(a, servers, timed, rnd):
    """One A/B round: each (name, n, clients, words) of timed on both
    servers, the order alternating by round and test so neither server
    always goes first; the run_benchmark_words results, tagged."""
    runs = []
    for ti, (name, n, clients, words) in enumerate(timed):
        order = ["redis", "kilat"] if (rnd + ti) % 2 == 0 else ["kilat", "redis"]
        for side in order:
            res = run_benchmark_words(a, servers[side], name, n, clients, words)
            res.update(side=side, round=rnd, test=name)
            runs.append(res)
    return runs
