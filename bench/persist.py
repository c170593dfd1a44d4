"""RDB persistence, kilat vs redis-server, in one run (issue 11).

Run through bench/persist.sh; see bench/README.md. For each server: a fresh
server, PERSIST_KEYS mixed keys loaded with `redis-cli --pipe`, then

  SAVE            wall time of the SAVE command, file size
  BGSAVE          wall time from BGSAVE to rdb_bgsave_in_progress:0 (idle)
  BGSAVE + writes the same under a write load on every key type (one
                  redis-benchmark per type, random keys over all of them,
                  started WARM seconds before): peak memory during the
                  BGSAVE vs before it. Sampled every 10 ms: RSS of the
                  server plus the RSS of its children (Redis forks: the
                  child is found in /proc/<pid>/task/*/children), PSS of
                  the same (shared pages counted once: the honest sum),
                  and INFO used_memory; rdb_last_cow_size afterwards.

and afterwards the load time at start: each server started on its own
dump.rdb, kilat on redis's file and redis on kilat's, timed from exec to
the first PONG (PING polled every 10 ms; -LOADING until then), DBSIZE
checked. A side whose SAVE fails is reported "not available".

Keys (PERSIST_KEYS, 1,000,000 by default), 12-digit indexes as
redis-benchmark's __rand_int__ makes them:
  60% str:<i>   SET, 32-byte values `value:<i>` padded with `-`
  10% hash:<i>  HSET f0..f4, 10-16 byte values          (listpack)
  10% list:<i>  RPUSH 5 items of 10-16 bytes             (quicklist)
  10% set:<i>   SADD member-0..4 padded to 10-16 bytes   (hashtable)
  10% zset:<i>  ZADD m0..m4 with scores                  (listpack)
Writers during the measured BGSAVE, one redis-benchmark each (-c
WRITER_CLIENTS -P 16, -r the number of keys of the type): SET str:<r>
<32 bytes>, HSET hash:<r> f0 <v>, LSET list:<r> 0 <v>, SADD set:<r>
<a member it has> (a write that changes nothing), ZADD zset:<r> 7 m0.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import benchlib as B
from benchlib import bulk
from memory import elem

PAGE = os.sysconf("SC_PAGE_SIZE")
MB = B.MB


def parse_args():
    p = B.arg_parser(
        "bench/persist.sh",
        "SAVE/BGSAVE time, file size, load time at start and peak memory "
        "during BGSAVE under a write load, kilat vs redis-server, on "
        "PERSIST_KEYS mixed keys.")
    B.opt(p, "--keys", "PERSIST_KEYS", 1000000, "keys in all: %(default)s",
          type=int)
    add_writer_args(p, "BGSAVE")
    B.opt(p, "--compression", "RDBCOMPRESSION", "yes",
          "rdbcompression on both: %(default)s")
    B.add_server_args(p, cli=True, benchmark=True)
    B.opt(p, "--keep", "PERSIST_KEEP", "",
          "folder to keep both dump.rdb files in")
    return p.parse_args()


def add_writer_args(p, what):
    """--warm and --writer-clients: the write load during the measured
    `what` (BGSAVE here, BGREWRITEAOF in aof.py)."""
    B.opt(p, "--warm", "WARM", 1.0, "seconds of write load before the "
          "measured %s: %%(default)s" % what, type=float)
    B.opt(p, "--writer-clients", "WRITER_CLIENTS", 4,
          "connections per writer: %(default)s", type=int)


# ------------------------------------------------------------------ dataset
def counts(n):
    s = n * 6 // 10
    rest = (n - s) // 4
    c = {"str": s, "hash": rest, "list": rest, "set": rest}
    c["zset"] = n - s - 3 * rest
    return c


def name(kind, i):
    return b"%s:%012d" % (kind.encode(), i)


def dataset_stream(c, chunk=5000):
    def strings():
        head = b"*3\r\n$3\r\nSET\r\n"
        for i in range(c["str"]):
            v = (b"value:%d" % i + b"-" * 32)[:32]
            yield head + bulk(name("str", i)) + bulk(v)

    def hashes():
        head = b"*12\r\n$4\r\nHSET\r\n"
        for i in range(c["hash"]):
            yield head + bulk(name("hash", i)) + b"".join(
                bulk(b"f%d" % j) + bulk(elem(b"v", i, j)) for j in range(5))

    def lists():
        head = b"*7\r\n$5\r\nRPUSH\r\n"
        for i in range(c["list"]):
            yield head + bulk(name("list", i)) + b"".join(
                bulk(elem(b"i", i, j)) for j in range(5))

    def sets():
        head = b"*7\r\n$4\r\nSADD\r\n"
        for i in range(c["set"]):
            yield head + bulk(name("set", i)) + b"".join(
                bulk(set_member(j)) for j in range(5))

    def zsets():
        head = b"*12\r\n$4\r\nZADD\r\n"
        for i in range(c["zset"]):
            yield head + bulk(name("zset", i)) + b"".join(
                bulk(b"%d.5" % (i + j)) + bulk(b"m%d" % j) for j in range(5))

    for gen in (strings(), hashes(), lists(), sets(), zsets()):
        buf = []
        for cmd in gen:
            buf.append(cmd)
            if len(buf) >= chunk:
                yield b"".join(buf)
                buf = []
        if buf:
            yield b"".join(buf)


def set_member(j):
    return (b"member-%d" % j + b"-" * 16)[:10 + j]


def writer_commands(c):
    """One redis-benchmark command per key type: writes to random keys of
    that type (all of them over time), without growing the dataset much."""
    v32 = "w" * 32
    return [
        ("str", c["str"], ["SET", "str:__rand_int__", v32]),
        ("hash", c["hash"], ["HSET", "hash:__rand_int__", "f0", "new-value-16b--"]),
        ("list", c["list"], ["LSET", "list:__rand_int__", "0", "new-item-16b---"]),
        # SADD of a member every set already has: a write to the key that
        # changes nothing (Redis still touches the object: its LRU clock)
        ("set", c["set"], ["SADD", "set:__rand_int__", set_member(0).decode()]),
        ("zset", c["zset"], ["ZADD", "zset:__rand_int__", "7", "m0"]),
    ]


# ------------------------------------------------------------------ /proc
def rss_bytes(pid):
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def pss_bytes(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def children(pid):
    out = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for t in tids:
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                out += [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            pass
    return out


class Sampler:
    """Two threads: every 10 ms the RSS of pid + its children (cheap:
    /proc/<pid>/statm); as often as it can, at most every 10 ms, their PSS
    (/proc/<pid>/smaps_rollup walks the page tables: slower on a big
    process) and INFO used_memory."""

    def __init__(self, pid, port):
        self.pid, self.port = pid, port
        self.stop_ev = threading.Event()
        self.peak = {"rss": 0, "pss": 0, "used": 0, "child_rss": 0}
        self.n = {"fast": 0, "slow": 0}
        self.saw_child = False
        self.threads = [threading.Thread(target=self._loop, args=(w,),
                                         daemon=True) for w in ("fast", "slow")]

    def start(self):
        self.t0 = time.time()
        for t in self.threads:
            t.start()

    def _fast(self, conn):
        kids = children(self.pid)
        if kids:
            self.saw_child = True
        krss = sum(rss_bytes(k) for k in kids)
        return {"rss": rss_bytes(self.pid) + krss, "child_rss": krss}

    def _slow(self, conn):
        kids = children(self.pid)
        pss = pss_bytes(self.pid) + sum(pss_bytes(k) for k in kids)
        try:
            raw = conn.call("INFO", "memory")
            used = int(raw.split(b"used_memory:")[1].split(b"\r\n")[0])
        except (B.RespError, OSError, IndexError, ValueError):
            used = 0
        return {"pss": pss, "used": used}

    def _loop(self, which):
        conn = B.Conn(self.port) if which == "slow" else None
        fn = self._slow if which == "slow" else self._fast
        tick = time.time()
        try:
            while not self.stop_ev.is_set():
                for k, v in fn(conn).items():
                    self.peak[k] = max(self.peak[k], v)
                self.n[which] += 1
                tick = max(tick + 0.01, time.time() - 0.01)
                self.stop_ev.wait(max(0.0, tick - time.time()))
        finally:
            if conn:
                conn.close()

    def finish(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join()
        self.t1 = time.time()
        return self.peak

    @property
    def samples(self):
        return self.n["fast"]

    def interval_ms(self, which="fast"):
        return 1000.0 * (self.t1 - self.t0) / max(1, self.n[which])


def sample_for(pid, port, seconds):
    s = Sampler(pid, port)
    s.start()
    time.sleep(seconds)
    return s.finish()


# ------------------------------------------------------------------ steps
def wait_bgsave(srv, timeout=1800.0):
    """Polls every 10 ms until no BGSAVE runs; returns its status."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = B.info(srv.port, "persistence")
        if p.get("rdb_bgsave_in_progress") == "0":
            return p.get("rdb_last_bgsave_status")
        time.sleep(0.01)
    sys.exit("%s: BGSAVE did not finish in %.0f s" % (srv.name, timeout))


def start_writers(a, srv, c):
    procs = []
    for kind, n, cmd in writer_commands(c):
        if n == 0:
            continue
        argv = [a.benchmark, "-h", "127.0.0.1", "-p", str(srv.port),
                "-c", str(a.writer_clients), "-P", "16", "-n", "2000000000",
                "-r", str(n), "-q"] + cmd
        procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    return procs


def stop_writers(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def commands_processed(srv):
    return int(B.info(srv.port, "stats")["total_commands_processed"])


def run_side(a, who, binary, extra, c, keep_dir):
    res = {"available": False}
    srv = B.Server(who, binary, None, ["--rdbcompression", a.compression,
                                       "--dbfilename", "dump.rdb"] + extra)
    try:
        t0 = time.time()
        B.pipe_load(a, srv.port, dataset_stream(c))
        n = srv.call("DBSIZE")
        if n != a.keys:
            sys.exit("%s: DBSIZE %r after loading %d keys" % (who, n, a.keys))
        print("  %s: %d keys loaded in %.1f s" % (who, n, time.time() - t0))
        mem = B.info(srv.port, "memory")
        res["used_loaded"] = int(mem["used_memory"])
        res["rss_loaded"] = rss_bytes(srv.pid)

        t0 = time.time()
        try:
            srv.call("SAVE", timeout=1800.0)
        except (B.RespError, OSError) as e:
            res["error"] = "SAVE: %s" % e
            print("  %s: not available (%s)" % (who, res["error"]))
            return res
        res["save_s"] = time.time() - t0
        path = os.path.join(srv.workdir, "dump.rdb")
        if not os.path.isfile(path):
            res["error"] = "SAVE answered but wrote no %s" % path
            print("  %s: not available (%s)" % (who, res["error"]))
            return res
        res["available"] = True
        res["file_bytes"] = os.path.getsize(path)
        shutil.copyfile(path, os.path.join(keep_dir, "%s.rdb" % who))
        print("  %s: SAVE %.2f s, %d bytes" % (who, res["save_s"],
                                              res["file_bytes"]))

        t0 = time.time()
        try:
            reply = srv.call("BGSAVE")
        except B.RespError as e:
            reply = "error: %s" % e
        if reply != "Background saving started":
            res["bgsave_error"] = reply
        else:
            status = wait_bgsave(srv)
            res["bgsave_s"] = time.time() - t0
            res["bgsave_status"] = status
            print("  %s: BGSAVE %.2f s (%s)" % (who, res["bgsave_s"], status))

        # the memory run: writers, baseline, BGSAVE, peak
        procs = start_writers(a, srv, c)
        try:
            time.sleep(a.warm)
            base = sample_for(srv.pid, srv.port, 0.5)
            c0, t0 = commands_processed(srv), time.time()
            s = Sampler(srv.pid, srv.port)
            s.start()
            try:
                reply = srv.call("BGSAVE")
            except B.RespError as e:
                reply = "error: %s" % e
            if reply == "Background saving started":
                res["bgsave_load_status"] = wait_bgsave(srv)
            peak = s.finish()
            t1 = time.time()
            c1 = commands_processed(srv)
        finally:
            stop_writers(procs)
        res["base"], res["peak"] = base, peak
        res["child_seen"] = s.saw_child
        res["bgsave_load_s"] = t1 - t0
        res["writes_per_s"] = (c1 - c0) / (t1 - t0) if t1 > t0 else 0
        res["cow"] = int(B.info(srv.port, "persistence").get(
            "rdb_last_cow_size", "0"))
        print("  %s: BGSAVE under writes %.2f s (%s), %.0f writes/s, "
              "%d RSS samples (every %.0f ms; PSS every %.0f ms), RSS %.1f -> %.1f MB (child %.1f MB), "
              "PSS %.1f -> %.1f MB, used_memory %.1f -> %.1f MB, "
              "rdb_last_cow_size %.1f MB" % (
                  who, res["bgsave_load_s"], res.get("bgsave_load_status"),
                  res["writes_per_s"], s.samples, s.interval_ms(),
                  s.interval_ms("slow"),
                  base["rss"] / MB,
                  peak["rss"] / MB, peak["child_rss"] / MB, base["pss"] / MB,
                  peak["pss"] / MB, base["used"] / MB, peak["used"] / MB,
                  res["cow"] / MB))
    finally:
        srv.stop()
    sys.stdout.flush()
    return res


def load_time(who, binary, rdb, extra, want):
    if rdb is None or not os.path.isfile(rdb):
        return None, "no file"
    return B.load_time(binary, "no", ["--dbfilename", "dump.rdb"] + extra,
                       want, lambda d: shutil.copyfile(
                           rdb, os.path.join(d, "dump.rdb")))


# ------------------------------------------------------------------ report
def f_s(x):
    return B.f_num(x, "%.2f")


def main():
    a = parse_args()
    kilat_ok = B.check_bins(a, kilat=False)
    c = counts(a.keys)
    keep = a.keep or tempfile.mkdtemp(prefix="kbench-persist-")
    os.makedirs(keep, exist_ok=True)
    B.header("RDB persistence: SAVE, BGSAVE, load at start, memory during "
             "BGSAVE under writes", a)
    print("keys: %s (rdbcompression %s)" % (
        ", ".join("%d %s" % (v, k) for k, v in c.items()), a.compression))
    print("writers during the memory run (-c %d -P 16 each, started %.1f s "
          "before BGSAVE): %s" % (a.writer_clients, a.warm, "; ".join(
              " ".join(cmd) + " (-r %d)" % n for _, n, cmd in writer_commands(c))))
    sys.stdout.flush()

    sides = {}
    sides["redis"] = run_side(a, "redis", a.redis_bin,
                              shlex.split(a.redis_args), c, keep)
    if kilat_ok:
        sides["kilat"] = run_side(a, "kilat", a.kilat_bin,
                                  shlex.split(a.kilat_args), c, keep)
    else:
        sides["kilat"] = {"available": False, "error": "no binary %s" % a.kilat_bin}

    rdb = {w: os.path.join(keep, "%s.rdb" % w) if sides[w].get("available")
           else None for w in sides}
    loads = B.cross_loads(a, kilat_ok, lambda who, binary, extra, src:
                          load_time(who, binary, rdb[src], extra, a.keys),
                          "file")

    r, k = sides["redis"], sides["kilat"]

    def row(label, fmt, path, kpath=None):
        rv, kv = B.dig(r, *path), B.dig(k, *(kpath or path))
        return [label, fmt(rv), fmt(kv), B.ratio_cell(kv, rv)]

    def mem_ratio(side, key):
        b, p = B.dig(side, "base", key), B.dig(side, "peak", key)
        return (p / b) if b and p else None

    rows = [
        row("SAVE (s)", f_s, ["save_s"]),
        row("BGSAVE, idle (s)", f_s, ["bgsave_s"]),
        row("BGSAVE under writes (s)", f_s, ["bgsave_load_s"]),
        row("writes/s during it", B.f_num, ["writes_per_s"]),
        row("file size (MB)", B.f_mb, ["file_bytes"]),
        ["load own file at start (s)", f_s(loads[("redis", "redis")][0]),
         f_s(loads[("kilat", "kilat")][0]),
         B.ratio_cell(loads[("kilat", "kilat")][0],
                      loads[("redis", "redis")][0])],
        ["load the other's file (s)", f_s(loads[("redis", "kilat")][0]),
         f_s(loads[("kilat", "redis")][0]), ""],
        row("used_memory loaded (MB)", B.f_mb, ["used_loaded"]),
        row("RSS before BGSAVE, under writes (MB)", B.f_mb, ["base", "rss"]),
        row("peak RSS during BGSAVE, server + child (MB)", B.f_mb, ["peak", "rss"]),
        row("  of which the child (MB)", B.f_mb, ["peak", "child_rss"]),
        ["peak / before, RSS", f_s(mem_ratio(r, "rss")),
         f_s(mem_ratio(k, "rss")), ""],
        row("PSS before (MB)", B.f_mb, ["base", "pss"]),
        row("peak PSS, server + child (MB)", B.f_mb, ["peak", "pss"]),
        ["peak / before, PSS", f_s(mem_ratio(r, "pss")),
         f_s(mem_ratio(k, "pss")), ""],
        row("used_memory before (MB)", B.f_mb, ["base", "used"]),
        row("peak used_memory (MB)", B.f_mb, ["peak", "used"]),
        ["peak / before, used_memory", f_s(mem_ratio(r, "used")),
         f_s(mem_ratio(k, "used")), ""],
        row("rdb_last_cow_size (MB)", B.f_mb, ["cow"]),
    ]
    print()
    B.table(["%d keys" % a.keys, "redis", "kilat", "ratio k/r"], rows)
    print()
    for who, side in sides.items():
        if not side.get("available"):
            print("%s: not available: %s" % (who, side.get("error", "?")))
    for (who, src), (t, why) in loads.items():
        if t is None and why != "no file":
            print("%s loading %s's file: %s" % (who, src, why))
    print("RSS adds the child's RSS to the server's (pages shared with the "
          "parent count twice); PSS counts shared pages once. used_memory "
          "is the server's own accounting (Redis's does not include the "
          "child). The load times include process start (a few ms).")
    if not a.keep:
        shutil.rmtree(keep, ignore_errors=True)
    else:
        print("files kept in %s" % keep)


if __name__ == "__main__":
    main()
