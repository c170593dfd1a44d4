"""Memory per key, kilat vs redis-server (INFO memory used_memory).

Run through bench/memory.sh; see bench/README.md. For each server and each
variant (no TTL, TTL) a fresh server is started, used_memory is read, KEYS
`SET key:<i> <32-byte value> [EX ttl]` are loaded with `redis-cli --pipe`,
DBSIZE is checked, and used_memory is read again: the difference over KEYS
is bytes per key.
"""

import argparse
import shlex
import subprocess
import sys
import threading
import time

import benchlib as B

DESIGN_REDIS = {"no TTL": 120, "TTL": 161}  # B/key, DESIGN.md


def parse_args():
    kilat, redis = B.default_bins()
    e = B.env
    p = argparse.ArgumentParser(
        prog="bench/memory.sh",
        description="Bytes per key (INFO used_memory) for KEYS string keys "
                    "with 32-byte values, with and without a TTL, kilat vs "
                    "redis-server.")
    p.add_argument("--kilat-bin", default=kilat, help="[KILAT_BIN] %(default)s")
    p.add_argument("--redis-bin", default=redis, help="[REDIS_BIN] %(default)s")
    p.add_argument("--keys", type=int, default=int(e("MEM_KEYS", 1000000)),
                   help="[MEM_KEYS] %(default)s")
    p.add_argument("--value-size", type=int, default=int(e("MEM_VALUE", 32)),
                   help="[MEM_VALUE] value bytes: %(default)s")
    p.add_argument("--ttl", type=int, default=int(e("MEM_TTL", 100000)),
                   help="[MEM_TTL] seconds, for the TTL variant: %(default)s")
    p.add_argument("--kilat-args", default=e("KILAT_ARGS", ""),
                   help="[KILAT_ARGS] extra server arguments")
    p.add_argument("--redis-args", default=e("REDIS_ARGS", ""),
                   help="[REDIS_ARGS] extra server arguments")
    p.add_argument("--cli", default=e("REDIS_CLI", "redis-cli"),
                   help="[REDIS_CLI] %(default)s")
    return p.parse_args()


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def resp_stream(nkeys, value_size, ttl, chunk=10000):
    """Yield the RESP bytes of nkeys SET commands, chunk commands at a time.

    Values are `value:` followed by the zero-padded index, padded to
    value_size bytes: distinct, never numeric (so no integer encoding)."""
    tail = b"$2\r\nEX\r\n" + bulk(str(ttl).encode()) if ttl else b""
    head = b"*5\r\n$3\r\nSET\r\n" if ttl else b"*3\r\n$3\r\nSET\r\n"
    for start in range(0, nkeys, chunk):
        out = []
        for i in range(start, min(nkeys, start + chunk)):
            v = b"value:%d" % i
            v = (v + b"-" * value_size)[:value_size]
            out.append(head + bulk(b"key:%d" % i) + bulk(v) + tail)
        yield b"".join(out)


def load(a, port, ttl):
    cmd = [a.cli, "-h", "127.0.0.1", "-p", str(port), "--pipe"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    for data in resp_stream(a.keys, a.value_size, ttl):
        p.stdin.write(data)
    p.stdin.close()
    p.wait(timeout=600)
    reader.join()
    text = b"".join(out).decode(errors="replace")
    if p.returncode != 0 or "errors: 0," not in text:
        sys.exit("redis-cli --pipe failed (exit %d): %s\n%s" %
                 (p.returncode, shlex.join(cmd), text))
    return shlex.join(cmd)


def measure(a, name, binary, extra, ttl):
    srv = B.Server(name, binary, None, extra)
    try:
        before = int(B.info(srv.port, "memory")["used_memory"])
        rss0 = int(B.info(srv.port, "memory").get("used_memory_rss", 0))
        t0 = time.time()
        cmd = load(a, srv.port, ttl)
        took = time.time() - t0
        n = srv.call("DBSIZE")
        if n != a.keys:
            sys.exit("%s: DBSIZE is %r after loading %d keys" %
                     (name, n, a.keys))
        time.sleep(1.0)  # let an incremental rehash finish
        mem = B.info(srv.port, "memory")
        after = int(mem["used_memory"])
        rss1 = int(mem.get("used_memory_rss", 0))
    finally:
        srv.stop()
    per = (after - before) / a.keys
    print("  %s %s: used_memory %d -> %d: %.1f B/key (rss %.1f B/key), "
          "loaded in %.1fs" % (name, "TTL %d" % ttl if ttl else "no TTL",
                               before, after, per, (rss1 - rss0) / a.keys,
                               took))
    sys.stdout.flush()
    return per, (rss1 - rss0) / a.keys, cmd


def main():
    a = parse_args()
    B.check_bin(a.redis_bin, "redis")
    B.check_bin(a.kilat_bin, "kilat")
    print("# memory per key: %d keys key:<i>, %d-byte values" %
          (a.keys, a.value_size))
    print("machine: %s" % B.machine())
    sys.stdout.flush()
    rows, ratios = [], []
    first = True
    for label, ttl in (("no TTL", 0), ("TTL", a.ttl)):
        r, rrss, cmd = measure(a, "redis", a.redis_bin,
                               shlex.split(a.redis_args), ttl)
        if first:
            print("  load command: <generator> | %s" % cmd)
            first = False
        k, krss, _ = measure(a, "kilat", a.kilat_bin,
                             shlex.split(a.kilat_args), ttl)
        ratios.append(k / r)
        ref = DESIGN_REDIS[label]
        rows.append([label if not ttl else "TTL (EX %d)" % ttl,
                     "%.1f" % r, "%.1f" % k, B.fmt_ratio(k / r),
                     "%d (%+.0f%%)" % (ref, 100 * (r / ref - 1))
                     if a.value_size == 32 and a.keys == 1000000 else "",
                     B.fmt_ratio(krss / rrss if rrss > 0 else float("nan"))])
    print()
    B.table(["keys", "redis B/key", "kilat B/key", "ratio k/r",
             "DESIGN.md redis", "RSS ratio k/r"], rows)
    print()
    print("B/key is the growth of INFO used_memory; the RSS ratio (growth of "
          "used_memory_rss) is a cross-check that both servers count the "
          "same things.")


if __name__ == "__main__":
    main()
