"""10,000 clients and an unauthenticated flood, kilat vs redis-server, in
one run, A/B alternating (issue 14).

Run through bench/load.sh; see bench/README.md.

Each round, for each side (the order flips every round), a fresh server
with `--maxclients CLIENTS+100` (requirepass set once it answers), on SERVER_CPU;
this script (the swarm) and the probe process run on CLIENT_CPU:
  connect   CLIENTS connections opened in waves of 500, each sending AUTH
            and PING and reading both replies before the next wave: seconds
  idle      after SETTLE seconds (Redis frees an idle client's query buffer
            after 2 s and shrinks its reply buffer after 5; jemalloc's
            background thread returns the freed pages over ~10 s): RSS (/proc VmRSS) and used_memory minus those of the
            server before the clients came, per client
  probe     the PING latency (p50, p99, max) of one authenticated client,
            its own process, one PING every INTERVAL ms for DURATION s:
              alone    no other client
              idle     CLIENTS connected, idle
              active   CLIENTS connected, each PINGing in turn (one wave
                       of CLIENTS pipelined PINGs after another)
              flood    CLIENTS gone; a loop of unauthenticated clients: 100
                       hold 9.5 arguments of 16384 bytes, waves of 100 send
                       headers that are refused, 100 pipeline 40 commands
                       (-NOAUTH), 20 send PINGs and never read
The table shows the median over ROUNDS per side and kilat/redis, and at
the end (1 s after the flood) RSS and used_memory minus those at the start:
what the allocator kept, and what the server did not give back.
"""

import multiprocessing
import os
import socket
import sys
import time

import benchlib as B

sys.path.insert(0, os.path.join(B.REPO, "tests", "integration"))
from swarm import Swarm, raise_nofile  # noqa: E402

PW = "benchpw"


def parse_args():
    p = B.arg_parser(
        "bench/load.sh",
        "Time to connect 10,000 clients, memory per idle client, and an "
        "authenticated client's PING latency alone, beside 10,000 idle or "
        "active clients, and during an unauthenticated flood; kilat vs "
        "redis-server, A/B alternating.")
    B.opt(p, "--clients", "CLIENTS", 10000, type=int)
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--duration", "DURATION", 3.0,
          "seconds of PINGs per probe: %(default)s", type=float)
    B.opt(p, "--interval", "INTERVAL", 1.0,
          "ms between the probe's PINGs: %(default)s", type=float)
    B.opt(p, "--settle", "SETTLE", 12.0,
          "seconds before the idle memory is read: %(default)s", type=float)
    B.add_cpu_args(p, client_text="CPU of the swarm and the probe "
                                  "('' = none): %(default)s")
    B.add_server_args(p)
    return p.parse_args()


# -------------------------------------------------------------- the probe
def _probe(port, duration, interval, out):
    c = B.Conn(port)
    c.call("AUTH", PW)
    lat = []
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        c.sock.sendall(b"PING\r\n")
        if c.read() != "PONG":
            out.send(None)
            return
        lat.append(time.perf_counter() - t0)
        time.sleep(interval)
    c.close()
    out.send(lat)


class Probe:
    """The authenticated client, in a process of its own (so the swarm's
    work in this one does not delay it); result() -> sorted latencies."""

    def __init__(self, a, port):
        self.parent, child = multiprocessing.Pipe(duplex=False)
        self.proc = multiprocessing.Process(
            target=_probe, args=(port, a.duration, a.interval / 1000.0, child))
        self.proc.start()
        pin_self(self.proc.pid, a.client_cpu)

    def running(self):
        return not self.parent.poll()

    def result(self):
        lat = self.parent.recv()
        self.proc.join()
        if lat is None:
            sys.exit("the probe's PING was not answered PONG")
        return sorted(lat)


def pin_self(pid, cpu):
    if cpu not in (None, "", "none", "-"):
        os.sched_setaffinity(pid, {int(cpu)})


def pct(lat, q):
    return lat[min(len(lat) - 1, int(len(lat) * q))] * 1000.0


# -------------------------------------------------------------- the flood
HELD = (b"*10\r\n" + (b"$16384\r\n" + b"a" * 16384 + b"\r\n") * 9 +
        b"$16384\r\n" + b"a" * 8000)
REFUSED = (b"*11\r\n", b"*1048576\r\n", b"*1\r\n$16385\r\n",
           b"*2\r\n$4\r\nAUTH\r\n$536870912\r\n")
PIPED = (B.enc("SET", "k", "v" * 16000) * 20 +
         B.enc("MSET", *(["k", "v" * 16000] * 4)) * 10 + b"PING\r\n" * 10)
DEAF = b"PING\r\n" * 100000


def send_blocking(s, data):
    try:
        s.setblocking(True)
        s.settimeout(10)
        s.sendall(data)
        s.setblocking(False)
    except OSError:
        pass


def flood(port, probe):
    """Unauthenticated clients in a loop until the probe is done; returns
    how many connections the flood opened."""
    opened = 0
    held = Swarm("127.0.0.1", port)
    held.open(100)
    for s in held.socks:
        send_blocking(s, HELD)
    opened += 100
    while probe.running():
        for header in REFUSED:
            sw = Swarm("127.0.0.1", port)
            sw.open(100, hello=header)
            sw.close()
            opened += 100
        sw = Swarm("127.0.0.1", port)
        sw.open(100)
        sw.roundtrip(lambda i: PIPED, lines=40)
        sw.close()
        opened += 100
        deaf = []
        for _ in range(20):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", port))
            s.setblocking(False)
            deaf.append(s)
        end = time.time() + 0.5
        while deaf and time.time() < end:
            for s in list(deaf):
                try:
                    s.send(DEAF)
                except BlockingIOError:
                    pass
                except OSError:
                    s.close()
                    deaf.remove(s)
            time.sleep(0.01)
        for s in deaf:
            s.close()
        opened += 20
    held.close()
    return opened


# -------------------------------------------------------------- one run
def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def used_memory(srv):
    c = B.Conn(srv.port)
    c.call("AUTH", PW)
    v = int(B.parse_info(c.call("INFO", "memory"))["used_memory"])
    c.close()
    return v


def probe_alone(a, srv, work=None):
    p = Probe(a, srv.port)
    extra = work(p) if work else None
    return p.result(), extra


def one_run(a, name, binary, extra):
    srv = B.Server(name, binary, a.server_cpu,
                   ["--maxclients", str(a.clients + 100)] + extra)
    res = {"side": name}
    try:
        srv.call("CONFIG", "SET", "requirepass", PW)  # after the ready PING
        time.sleep(0.5)
        rss0, mem0 = rss(srv.pid), used_memory(srv)
        res["alone"], _ = probe_alone(a, srv)
        sw = Swarm("127.0.0.1", srv.port, timeout=120)
        res["connect"] = sw.open(a.clients, hello=B.enc("AUTH", PW) + b"PING\r\n",
                                 lines=2)
        bad = [r for r in sw.hello_replies if r != b"+OK\r\n+PONG\r\n"]
        if bad:
            sys.exit("%s: %d clients were not answered +OK +PONG: %r"
                     % (name, len(bad), bad[0]))
        time.sleep(a.settle)
        res["rss_client"] = (rss(srv.pid) - rss0) / a.clients
        res["mem_client"] = (used_memory(srv) - mem0) / a.clients
        res["idle"], _ = probe_alone(a, srv)

        def active(p):
            waves = 0
            while p.running():
                sw.roundtrip(lambda i: b"PING\r\n")
                waves += 1
            return waves
        res["active"], res["active_waves"] = probe_alone(a, srv, active)
        sw.close()
        time.sleep(1.0)
        res["flood"], res["flood_conns"] = probe_alone(
            a, srv, lambda p: flood(srv.port, p))
        time.sleep(1.0)
        res["end_rss"] = rss(srv.pid) - rss0
        res["end_mem"] = used_memory(srv) - mem0
        log = open(srv.log, "rb").read()
        res["log"] = [l for l in log.splitlines()
                      if b"open files" in l or b"maxclients" in l]
    finally:
        srv.stop()
    return res


def main():
    a = parse_args()
    B.check_bins(a)
    raise_nofile(a.clients + 1000)
    B.header("load: %d clients, authenticated PING latency, unauthenticated "
             "flood" % a.clients, a,
             "rounds %d, probe %g s at one PING per %g ms, settle %g s"
             % (a.rounds, a.duration, a.interval, a.settle))
    pin_self(0, a.client_cpu)
    runs = []
    for rnd in range(a.rounds):
        order = ("redis", "kilat") if rnd % 2 == 0 else ("kilat", "redis")
        for name in order:
            binary, extra = ((a.redis_bin, a.redis_args) if name == "redis"
                             else (a.kilat_bin, a.kilat_args))
            r = one_run(a, name, binary, extra.split())
            r["round"] = rnd
            runs.append(r)
            print("round %d %s: connect %.2f s, %.0f B RSS / %.0f B used_memory "
                  "per idle client, PING p99 alone/idle/active/flood "
                  "%.2f/%.2f/%.2f/%.2f ms, %d active waves, %d flood "
                  "connections" % (rnd, name, r["connect"], r["rss_client"],
                                   r["mem_client"], pct(r["alone"], .99),
                                   pct(r["idle"], .99), pct(r["active"], .99),
                                   pct(r["flood"], .99), r["active_waves"],
                                   r["flood_conns"]), flush=True)
            for line in r["log"]:
                print("  log: " + line.decode(errors="replace"))

    def med(side, f):
        return B.median([f(r) for r in runs if r["side"] == side])

    rows = []

    def row(label, f, fmt="%.2f"):
        k, r = med("kilat", f), med("redis", f)
        rows.append([label, fmt % r, fmt % k, B.ratio_cell(k, r)])
    row("connect %d clients (s)" % a.clients, lambda r: r["connect"])
    row("RSS per idle client (B)", lambda r: r["rss_client"], "%.0f")
    row("used_memory per idle client (B)", lambda r: r["mem_client"], "%.0f")
    for phase in ("alone", "idle", "active", "flood"):
        for q, qn in ((.5, "p50"), (.99, "p99")):
            row("PING %s, %s (ms)" % (qn, phase),
                lambda r, ph=phase, q=q: pct(r[ph], q), "%.3f")
        row("PING max, %s (ms)" % phase,
            lambda r, ph=phase: r[ph][-1] * 1000.0, "%.2f")
    row("active waves of %d PINGs" % a.clients, lambda r: r["active_waves"], "%.0f")
    row("flood connections opened", lambda r: r["flood_conns"], "%.0f")
    row("RSS at the end - at the start (MB)", lambda r: r["end_rss"] / B.MB, "%.1f")
    row("used_memory at the end - at the start (KB)",
        lambda r: r["end_mem"] / 1024.0, "%.1f")
    print()
    B.table(["metric (median of %d)" % a.rounds, "redis", "kilat",
             "kilat/redis"], rows)


if __name__ == "__main__":
    main()
