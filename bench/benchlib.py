"""Shared pieces of the kilat benchmark scripts (stdlib only).

Starts servers on free loopback ports (optionally pinned to a CPU, or under
callgrind), talks RESP to them over a raw socket, reads their CPU time from
/proc, and stops exactly the processes it started.
"""

import atexit
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
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


def check_bin(path, what):
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
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


# ---------------------------------------------------------------- RESP client

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
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self.read()


def call(port, *args, timeout=30.0):
    c = Conn(port, timeout=timeout)
    try:
        return c.call(*args)
    finally:
        c.close()


def info(port, section=None):
    """INFO [section] as a dict of field -> string."""
    raw = call(port, "INFO", section) if section else call(port, "INFO")
    if isinstance(raw, bytes):
        raw = raw.decode()
    out = {}
    for line in raw.splitlines():
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


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
