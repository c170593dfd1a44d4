"""TLS throughput, kilat vs redis-server, A/B alternating.

Run through bench/tls.sh; see bench/README.md. Both servers get a TLS port
beside the plain one, with a certificate made at start by openssl in a
temporary directory (a CA, a server and a client certificate; nothing is
kept), tls-auth-clients yes. redis-benchmark runs each test over TLS (new
handshakes only at its start: -c connections stay open) and over plain TCP,
so the table shows what TLS costs each server.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib as B


def parse_args():
    p = B.arg_parser(
        "bench/tls.sh",
        "redis-benchmark over TLS and plain TCP against kilat and "
        "redis-server, alternating A/B; median ops/s per test, side and "
        "transport, and the ratio kilat/redis.")
    B.opt(p, "--rounds", "ROUNDS", 3, type=int)
    B.opt(p, "--tests", "BENCH_TESTS", "set,get,lpush,hset",
          "redis-benchmark -t names, comma separated: %(default)s")
    B.opt(p, "--pipelines", "PIPELINES", "1,16", "-P values: %(default)s")
    B.opt(p, "--clients", "CLIENTS", 50, "-c: %(default)s", type=int)
    B.opt(p, "--n1", "N_P1", 100000,
          "requests per test at -P 1: %(default)s", type=int)
    B.opt(p, "--npipe", "N_PIPE", 500000,
          "requests per test at -P > 1: %(default)s", type=int)
    B.opt(p, "--keyspace", "KEYSPACE", 100000, "-r: %(default)s", type=int)
    B.add_cpu_args(p)
    B.add_nice_arg(p)
    B.add_server_args(p, benchmark=True)
    return p.parse_args()


def openssl(d, *args, stdin=None):
    return subprocess.run(["openssl", *args], cwd=d, check=True, input=stdin,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout


def make_certs(d):
    openssl(d, "genrsa", "-out", "ca.key", "2048")
    openssl(d, "req", "-x509", "-new", "-nodes", "-sha256", "-key", "ca.key",
            "-days", "2", "-subj", "/O=kilat bench/CN=CA", "-out", "ca.crt")
    for name in ("server", "client"):
        openssl(d, "genrsa", "-out", name + ".key", "2048")
        csr = openssl(d, "req", "-new", "-sha256", "-subj",
                      "/O=kilat bench/CN=" + name, "-key", name + ".key")
        openssl(d, "x509", "-req", "-sha256", "-CA", "ca.crt", "-CAkey",
                "ca.key", "-CAcreateserial", "-days", "2",
                "-out", name + ".crt", stdin=csr)


def run(a, srv, tls_port, certs, tls, pipeline, n, test):
    port = tls_port if tls else srv.port
    cmd = B.pin(a.client_cpu, a.nice) + [
        a.benchmark, "-h", "127.0.0.1", "-p", str(port),
        "-c", str(a.clients), "-P", str(pipeline), "-n", str(n),
        "-r", str(a.keyspace), "-q", "--csv"]
    if tls:
        cmd += ["--tls", "--cacert", os.path.join(certs, "ca.crt"),
                "--cert", os.path.join(certs, "client.crt"),
                "--key", os.path.join(certs, "client.key")]
    cmd += test.args
    srv.call("FLUSHALL")
    test.prepare(srv.port, n)
    B.settle(srv)
    cpu0 = srv.cpu_seconds()
    r, warn, _ = B.run_csv(cmd, srv.name, 600)
    cpu1 = srv.cpu_seconds()
    if warn:
        print("  warning (%s): %s" % (srv.name, warn.splitlines()[0][:200]),
              file=sys.stderr)
    return float(r[1]), (cpu1 - cpu0) / n * 1e6, shlex.join(cmd)


def main():
    a = parse_args()
    B.no_root_nice(a)
    B.check_bins(a)
    if not shutil.which("openssl"):
        sys.exit("bench/tls.sh: openssl not installed")
    tests = [(t.strip(), B.make_test(t.strip()))
             for t in a.tests.split(",") if t.strip()]
    pipelines = [int(x) for x in a.pipelines.split(",") if x.strip()]
    B.header("kilat vs redis-server over TLS: redis-benchmark, A/B "
             "alternating", a)
    print("rounds=%d clients=%d pipelines=%s n(P1)=%d n(P>1)=%d" %
          (a.rounds, a.clients, pipelines, a.n1, a.npipe))
    certs = tempfile.mkdtemp(prefix="kbench-tls-")
    try:
        make_certs(certs)
        ports = {"redis": B.free_port(), "kilat": None}
        ports["kilat"] = B.free_port(avoid=[ports["redis"]])
        servers = {}
        for side, binary, extra in (("redis", a.redis_bin, a.redis_args),
                                    ("kilat", a.kilat_bin, a.kilat_args)):
            args = ["--tls-port", str(ports[side]),
                    "--tls-cert-file", os.path.join(certs, "server.crt"),
                    "--tls-key-file", os.path.join(certs, "server.key"),
                    "--tls-ca-cert-file", os.path.join(certs, "ca.crt")]
            servers[side] = B.Server(side, binary, a.server_cpu,
                                     args + shlex.split(extra), nice=a.nice)
            print("started %s: pid %d port %d tls-port %d" %
                  (side, servers[side].pid, servers[side].port, ports[side]))
        res = {}
        t0 = time.time()
        for rnd in range(a.rounds):
            for pi, pipeline in enumerate(pipelines):
                n = a.n1 if pipeline == 1 else a.npipe
                for ti, (name, test) in enumerate(tests):
                    for tls in (True, False):
                        order = ["redis", "kilat"]
                        if (rnd + pi + ti) % 2:
                            order.reverse()
                        for side in order:
                            rps, cpu, cmd = run(a, servers[side], ports[side],
                                                certs, tls, pipeline, n, test)
                            if rnd == pi == ti == 0 and tls and side == order[0]:
                                print("example command: %s" % cmd)
                            key = (name, pipeline, tls, side)
                            res.setdefault(key, []).append((rps, cpu))
            print("round %d/%d done (%.0fs)" % (rnd + 1, a.rounds,
                                                time.time() - t0))
            sys.stdout.flush()
        for s in servers.values():
            s.stop()
    finally:
        shutil.rmtree(certs, ignore_errors=True)

    rows = []
    for name, _ in tests:
        for pipeline in pipelines:
            cells = [name, "-P %d" % pipeline]
            for tls in (True, False):
                r = B.median([x[0] for x in res[(name, pipeline, tls, "redis")]])
                k = B.median([x[0] for x in res[(name, pipeline, tls, "kilat")]])
                rc = B.median([x[1] for x in res[(name, pipeline, tls, "redis")]])
                kc = B.median([x[1] for x in res[(name, pipeline, tls, "kilat")]])
                cells += [B.f_num(r), B.f_num(k), "%.2f" % (k / r),
                          "%.1f / %.1f" % (rc, kc)]
            rows.append(cells)
    print()
    B.table(["test", "pipe", "TLS redis ops/s", "TLS kilat ops/s", "k/r",
             "TLS cpu us/req r / k", "TCP redis ops/s", "TCP kilat ops/s",
             "k/r", "TCP cpu us/req r / k"], rows)


if __name__ == "__main__":
    main()
