"""Pub/sub fan-out, kilat vs redis-server, A/B alternating.

Run through bench/pubsub.sh; see bench/README.md. One publisher
(redis-benchmark sending PUBLISH), SUBSCRIBERS subscribers held by a small C
reader (bench/pubsub_reader.c, built into a temp dir) that counts the bytes
each subscriber receives until every message has arrived. Reported per mode
(SUBSCRIBE to the channel, or PSUBSCRIBE to a pattern matching it):
messages delivered per second (publishes x subscribers / time from the
first delivered byte to the last) and the server's CPU per delivered
message (utime+stime over the run / deliveries), as kilat/redis ratios.
"""

import os
import shlex
import subprocess
import sys
import tempfile

import benchlib as B

HERE = os.path.dirname(os.path.abspath(__file__))
CHANNEL = "bench:fanout"
PATTERN = "bench:*"


def parse_args():
    p = B.arg_parser(
        "bench/pubsub.sh",
        "PUBLISH fan-out to many subscribers, kilat vs redis-server, A/B "
        "alternating over several rounds.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--subscribers", "SUBSCRIBERS", 50, type=int)
    B.opt(p, "--publishes", "PUBLISHES", 200000,
          "PUBLISH commands per run: %(default)s", type=int)
    B.opt(p, "--payload", "PAYLOAD", 32, "message bytes: %(default)s",
          type=int)
    B.opt(p, "--pub-clients", "PUB_CLIENTS", 1,
          "redis-benchmark -c: %(default)s", type=int)
    B.opt(p, "--pub-pipeline", "PUB_PIPELINE", 16,
          "redis-benchmark -P: %(default)s", type=int)
    B.opt(p, "--modes", "MODES", "channel,pattern",
          "channel (SUBSCRIBE), pattern (PSUBSCRIBE %s): %%(default)s"
          % PATTERN)
    B.add_cpu_args(p, server_text="%(default)s ('' = no pinning)",
                   client_text="publisher and reader: %(default)s")
    B.add_server_args(p, benchmark=True)
    B.opt(p, "--cc", "CC", "cc")
    return p.parse_args()


def build_reader(cc):
    out = os.path.join(tempfile.mkdtemp(prefix="kbench-pubsub-"), "pubsub_reader")
    src = os.path.join(HERE, "pubsub_reader.c")
    subprocess.run([cc, "-O2", "-std=c11", "-Wall", "-o", out, src], check=True)
    return out


def bulk_len(n):
    return len(b"$%d\r\n" % n) + n + 2


def frame_bytes(mode, payload):
    """Exact size of one delivered message frame (RESP2)."""
    if mode == "channel":
        return len(b"*3\r\n") + bulk_len(7) + bulk_len(len(CHANNEL)) + bulk_len(payload)
    return (len(b"*4\r\n") + bulk_len(8) + bulk_len(len(PATTERN)) +
            bulk_len(len(CHANNEL)) + bulk_len(payload))


def one_run(a, srv, reader, mode):
    n, subs = a.publishes, a.subscribers
    expect = n * frame_bytes(mode, a.payload)
    cmd = "subscribe" if mode == "channel" else "psubscribe"
    name = CHANNEL if mode == "channel" else PATTERN
    rd = subprocess.Popen(B.pin(a.client_cpu) + [
        reader, str(srv.port), str(subs), cmd, name, str(expect), "600"],
        stdout=subprocess.PIPE, text=True)
    if rd.stdout.readline().strip() != "ready":
        sys.exit("reader failed to subscribe to %s" % srv.name)
    # every subscriber is in the server's index before the first publish
    if mode == "channel":
        got = srv.call("PUBSUB", "NUMSUB", CHANNEL)[1]
    else:
        got = subs if srv.call("PUBSUB", "NUMPAT") == 1 else -1
    if got != subs:
        sys.exit("%s: %r subscribers, expected %d" % (srv.name, got, subs))
    B.settle(srv)
    pub = B.pin(a.client_cpu) + [
        a.benchmark, "-h", "127.0.0.1", "-p", str(srv.port),
        "-c", str(a.pub_clients), "-P", str(a.pub_pipeline), "-n", str(n),
        "-q", "--csv", "PUBLISH", CHANNEL, "x" * a.payload]
    cpu0 = srv.cpu_seconds()
    p = subprocess.run(pub, capture_output=True, text=True, timeout=600)
    out, _ = rd.communicate(timeout=600)
    cpu1 = srv.cpu_seconds()
    if p.returncode != 0 or rd.returncode != 0 or not out.startswith("done "):
        sys.exit("run against %s failed: publisher exit %d (%s), reader exit "
                 "%d (%s)" % (srv.name, p.returncode, p.stderr.strip()[:300],
                              rd.returncode, out.strip()))
    secs = float(out.split()[1])
    deliveries = n * subs
    return {"dps": deliveries / secs if secs > 0 else float("nan"),
            "cpu_ns": (cpu1 - cpu0) / deliveries * 1e9,
            "cmd": shlex.join(pub)}


def main():
    a = parse_args()
    B.check_bins(a)
    reader = build_reader(a.cc)
    modes = [m.strip() for m in a.modes.split(",") if m.strip()]
    for m in modes:
        if m not in ("channel", "pattern"):
            sys.exit("unknown mode %r (channel, pattern)" % m)
    # Subscribers must never be dropped for a slow read: no pub/sub output
    # buffer limit on either side.
    limit = ["--client-output-buffer-limit", "pubsub 0 0 0"]
    B.header("pub/sub fan-out: kilat vs redis-server, A/B alternating")
    print("rounds=%d subscribers=%d publishes=%d payload=%dB publisher: "
          "redis-benchmark -c %d -P %d; server cpu=%s client cpu=%s" %
          (a.rounds, a.subscribers, a.publishes, a.payload, a.pub_clients,
           a.pub_pipeline, a.server_cpu or "-", a.client_cpu or "-"))
    servers = B.start_servers(a, a.server_cpu, limit, show=False)
    runs = []
    first = True
    for rnd in range(a.rounds):
        for mi, mode in enumerate(modes):
            order = ["redis", "kilat"] if (rnd + mi) % 2 == 0 else ["kilat", "redis"]
            for side in order:
                res = one_run(a, servers[side], reader, mode)
                if first:
                    print("publisher: %s" % res["cmd"])
                    first = False
                res.update(round=rnd, mode=mode, side=side)
                runs.append(res)
        print("round %d/%d done" % (rnd + 1, a.rounds))
        sys.stdout.flush()
    for s in servers.values():
        s.stop()
    report(a, modes, runs)


def report(a, modes, runs):
    def vals(mode, side, key):
        return B.side_values(runs, side, key, mode=mode)

    def paired(mode, key):
        return B.paired_median(runs, a.rounds, key, mode=mode)

    print()
    print("## %d subscribers: messages delivered per second, and server CPU "
          "per delivered message (ns), median of %d rounds" %
          (a.subscribers, a.rounds))
    print()
    rows = []
    for mode in modes:
        rd, kd = B.median(vals(mode, "redis", "dps")), B.median(vals(mode, "kilat", "dps"))
        rc, kc = B.median(vals(mode, "redis", "cpu_ns")), B.median(vals(mode, "kilat", "cpu_ns"))
        rows.append([mode, "%.0f" % rd, "%.0f" % kd, B.fmt_ratio(kd / rd),
                     B.fmt_ratio(paired(mode, "dps")),
                     "%.0f%%/%.0f%%" % (100 * B.spread(vals(mode, "redis", "dps")),
                                        100 * B.spread(vals(mode, "kilat", "dps"))),
                     "%.1f" % rc, "%.1f" % kc, B.fmt_ratio(kc / rc),
                     B.fmt_ratio(paired(mode, "cpu_ns"))])
    B.table(["mode", "redis msg/s", "kilat msg/s", "ratio k/r", "paired",
             "spread r/k", "redis ns/msg", "kilat ns/msg", "cpu ratio k/r",
             "paired"], rows)


if __name__ == "__main__":
    main()
