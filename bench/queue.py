"""Laravel's redis queue end to end, kilat vs redis-server, A/B alternating.

Run through bench/queue.sh; see bench/README.md. The real framework
(Debian's php-laravel-framework, the app in tests/laravel/app) with each
client (phpredis, predis). Per run, on one side:

1. FLUSHALL, wait until the server is idle.
2. push: one PHP process (bench/queue_push.php) pushes JOBS App\\Jobs\\Noop
   jobs (Queue::push each, or Queue::bulk in chunks); its own timer
   (boot excluded) gives the push time. Then LLEN queues:default must be
   JOBS, and the notify list likewise.
3. drain: WORKERS `php artisan queue:work redis --stop-when-empty
   --sleep=0` started together; the drain time is from their start to the
   last one's exit (PHP boot included: ~0.1 s each). Every job must have
   been processed exactly once (the workers' "Processed:" lines add up to
   JOBS) and the queue, notify list and reserved set must be empty.

Server CPU: utime+stime from /proc/<pid>/stat over the push and over the
drain, per job (10 ms ticks: 2 us per job at 5,000 jobs). Reported per client: medians over ROUNDS, ratio of the
medians and the paired ratio (median of kilat/redis within one round).
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib as B

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(B.REPO, "tests", "laravel", "app")
PREFIX = b"laravel_database_"
QUEUE = PREFIX + b"queues:default"


def parse_args():
    p = B.arg_parser(
        "bench/queue.sh",
        "Laravel's redis queue (push, then drain with artisan queue:work), "
        "kilat vs redis-server, A/B alternating.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--jobs", "JOBS", 5000, "jobs per run: %(default)s", type=int)
    B.opt(p, "--workers", "WORKERS", 2, "queue:work processes: %(default)s",
          type=int)
    B.opt(p, "--clients", "QUEUE_CLIENTS", "phpredis,predis")
    B.opt(p, "--push", "QUEUE_PUSH", "push",
          "Queue::push per job, or Queue::bulk: %(default)s",
          choices=["push", "bulk"])
    B.opt(p, "--bulk-chunk", "QUEUE_BULK", 100,
          "jobs per Queue::bulk call: %(default)s", type=int)
    B.add_cpu_args(p, "0", "none",
                   server_text="%(default)s ('none' = no pinning)",
                   client_text="pusher and workers: %(default)s (the "
                               "workers need a CPU each)")
    B.opt(p, "--php", "PHP", shutil.which("php") or "/usr/bin/php")
    B.add_server_args(p)
    return p.parse_args()


def php_env(srv, client, storage):
    env = dict(os.environ)
    env.update({
        "APP_NAME": "Laravel", "APP_ENV": "production", "APP_DEBUG": "false",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(srv.port),
        "REDIS_CLIENT": client, "CACHE_DRIVER": "redis",
        "QUEUE_CONNECTION": "redis", "LOG_CHANNEL": "stderr",
        "LARAVEL_STORAGE": os.path.join(storage, client), "LARAVEL_APP": APP,
    })
    return env


def check(srv, cond, what):
    if not cond:
        sys.exit("%s: %s" % (srv.name, what))


def one_run(a, srv, client, storage):
    env = php_env(srv, client, storage)
    srv.call("FLUSHALL")
    B.settle(srv)
    # push
    cmd = B.pin(a.client_cpu) + [a.php, os.path.join(HERE, "queue_push.php"),
                                 str(a.jobs), a.push, str(a.bulk_chunk)]
    c0 = srv.cpu_seconds()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    c1 = srv.cpu_seconds()
    if p.returncode != 0:
        sys.exit("push to %s (%s) failed: %s %s" % (srv.name, client,
                                                   p.stdout[-2000:], p.stderr[-2000:]))
    push_secs = json.loads(p.stdout)["secs"]
    check(srv, srv.call("LLEN", QUEUE) == a.jobs, "queue length after push")
    check(srv, srv.call("LLEN", QUEUE + b":notify") == a.jobs,
          "notify length after push")
    B.settle(srv)
    # drain
    wcmd = B.pin(a.client_cpu) + [a.php, os.path.join(APP, "artisan"),
                                  "queue:work", "redis", "--stop-when-empty",
                                  "--sleep=0"]
    c2 = srv.cpu_seconds()
    t0 = time.monotonic()
    ws = [subprocess.Popen(wcmd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE) for _ in range(a.workers)]
    outs = [w.communicate(timeout=3600) for w in ws]
    t1 = time.monotonic()
    c3 = srv.cpu_seconds()
    processed = 0
    for w, (out, err) in zip(ws, outs):
        if w.returncode != 0:
            sys.exit("worker on %s (%s) exited %d: %s" % (
                srv.name, client, w.returncode, err.decode(errors="replace")[-2000:]))
        processed += out.count(b"Processed:")
    check(srv, processed == a.jobs, "%d jobs processed, expected %d" %
          (processed, a.jobs))
    for key, cmdname in ((QUEUE, "LLEN"), (QUEUE + b":notify", "LLEN"),
                         (QUEUE + b":reserved", "ZCARD"),
                         (QUEUE + b":delayed", "ZCARD")):
        check(srv, srv.call(cmdname, key) == 0, "%s not empty after the drain" %
              key.decode())
    drain = t1 - t0
    return {"push_s": push_secs, "drain_s": drain,
            "push_jps": a.jobs / push_secs, "drain_jps": a.jobs / drain,
            "push_cpu_us": (c1 - c0) / a.jobs * 1e6,
            "drain_cpu_us": (c3 - c2) / a.jobs * 1e6,
            "cmd": shlex.join(cmd), "wcmd": shlex.join(wcmd)}


def main():
    a = parse_args()
    B.check_bins(a)
    if not os.path.exists(a.php):
        sys.exit("php not found (apt-get install php-cli php-redis php-predis "
                 "php-laravel-framework)")
    clients = [c.strip() for c in a.clients.split(",") if c.strip()]
    for c in clients:
        if c not in ("phpredis", "predis"):
            sys.exit("unknown client %r (phpredis, predis)" % c)
    storage = tempfile.mkdtemp(prefix="kbench-queue-")
    B.header("Laravel queue: kilat vs redis-server, A/B alternating")
    print("rounds=%d jobs=%d workers=%d push=%s%s clients=%s server cpu=%s "
          "client cpu=%s" % (a.rounds, a.jobs, a.workers, a.push,
                             " (chunks of %d)" % a.bulk_chunk if a.push == "bulk" else "",
                             ",".join(clients), a.server_cpu, a.client_cpu))
    servers = B.start_servers(a, a.server_cpu, show=False)
    runs = []
    first = True
    try:
        for rnd in range(a.rounds):
            for ci, client in enumerate(clients):
                order = ["redis", "kilat"] if (rnd + ci) % 2 == 0 else ["kilat", "redis"]
                for side in order:
                    res = one_run(a, servers[side], client, storage)
                    if first:
                        print("pusher: %s\nworkers: %d x %s" % (res["cmd"], a.workers,
                                                               res["wcmd"]))
                        first = False
                    res.update(round=rnd, client=client, side=side)
                    runs.append(res)
            print("round %d/%d done" % (rnd + 1, a.rounds))
            sys.stdout.flush()
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(storage, ignore_errors=True)
    report(a, clients, runs)


def ratio(x, y):
    return x / y if y else float("nan")


def report(a, clients, runs):
    def vals(client, side, key):
        return B.side_values(runs, side, key, client=client)

    def paired(client, key):
        return B.paired_median(runs, a.rounds, key, client=client)

    for phase in ("push", "drain"):
        print()
        print("## %s: %d jobs%s, median of %d rounds; server CPU per job (us)" % (
            phase, a.jobs, " by %d workers" % a.workers if phase == "drain" else
            " by one process (%s)" % a.push, a.rounds))
        print()
        rows = []
        for c in clients:
            t, j, cpu = phase + "_s", phase + "_jps", phase + "_cpu_us"
            rj, kj = B.median(vals(c, "redis", j)), B.median(vals(c, "kilat", j))
            rc, kc = B.median(vals(c, "redis", cpu)), B.median(vals(c, "kilat", cpu))
            rows.append([c, "%.2f" % B.median(vals(c, "redis", t)),
                         "%.2f" % B.median(vals(c, "kilat", t)),
                         "%.0f" % rj, "%.0f" % kj, B.fmt_ratio(ratio(kj, rj)),
                         B.fmt_ratio(paired(c, j)),
                         "%.0f%%/%.0f%%" % (100 * B.spread(vals(c, "redis", j)),
                                            100 * B.spread(vals(c, "kilat", j))),
                         "%.1f" % rc, "%.1f" % kc, B.fmt_ratio(ratio(kc, rc)),
                         B.fmt_ratio(paired(c, cpu))])
        B.table(["client", "redis s", "kilat s", "redis jobs/s", "kilat jobs/s",
                 "ratio k/r", "paired", "spread r/k", "redis us/job",
                 "kilat us/job", "cpu ratio k/r", "paired"], rows)


if __name__ == "__main__":
    main()
