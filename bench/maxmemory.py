"""Eviction under maxmemory, kilat vs redis-server, in one run (issue 13).

Run through bench/maxmemory.sh; see bench/README.md.

Calibration: a fresh redis-server gets all KEYS keys (`key:<i>`, values of
VALUE_SIZE bytes) with no limit; the limit for both servers is then the
same number of bytes: redis's used_memory when empty plus FRACTION of what
the keys took there (0.5: room for about half the working set on Redis).

Then, for each policy (allkeys-lru, allkeys-lfu) and each server, a fresh
server with that policy and limit:
  fill     every key SET once, in order (the limit evicts the excess)
  warm     WARM_OPS requests, not counted
  measure  OPS requests, counted
A request picks key rank r with probability ~ 1/r^ZIPF_S (the same seeded
sequence for both servers; ranks mapped to keys by a fixed shuffle) and
does GET; on a miss it SETs the key (cache-aside). Requests go in batches
of BATCH pipelined GETs, then the SETs of that batch's misses.

Reported per policy: the hit ratio of each server and kilat/redis; keys
held at the end (DBSIZE) and kilat/redis; evicted_keys; used_memory at the
end vs the limit; for reference, the share of the requests that the N most
popular keys answer (N = the keys redis held: a perfect static cache). A SET answered with an error, or used_memory above 1.5x
the limit at the end, marks that side "not available".
"""

import itertools
import random
import shlex
import sys
import time

import benchlib as B


def parse_args():
    p = B.arg_parser(
        "bench/maxmemory.sh",
        "Hit ratio of allkeys-lru/allkeys-lfu on a Zipf-like workload and "
        "keys held under the same maxmemory, kilat vs redis-server.")
    B.opt(p, "--keys", "KEYS", 100000, "working set, keys: %(default)s",
          type=int)
    B.opt(p, "--value-size", "VALUE_SIZE", 64, "bytes per value: %(default)s",
          type=int)
    B.opt(p, "--fraction", "FRACTION", 0.5,
          "of the working set (on redis) the limit holds: %(default)s",
          type=float)
    B.opt(p, "--zipf-s", "ZIPF_S", 0.99, "skew exponent: %(default)s",
          type=float)
    B.opt(p, "--ops", "OPS", 400000, "counted requests per run: %(default)s",
          type=int)
    B.opt(p, "--warm-ops", "WARM_OPS", 100000,
          "requests before counting: %(default)s", type=int)
    B.opt(p, "--batch", "BATCH", 100, "pipelined GETs per batch: %(default)s",
          type=int)
    B.opt(p, "--policies", "POLICIES", "allkeys-lru,allkeys-lfu")
    B.opt(p, "--seed", "SEED", 13, type=int)
    B.add_server_args(p)
    return p.parse_args()


class Fail(Exception):
    pass


def read_n(conn, n):
    """n replies; returns them, errors as RespError objects."""
    out = []
    for _ in range(n):
        try:
            out.append(conn.read())
        except B.RespError as e:
            out.append(e)
    return out


def set_all(conn, keys, value, batch=1000):
    errors = 0
    first = None
    for i in range(0, len(keys), batch):
        part = keys[i:i + batch]
        conn.sock.sendall(b"".join(B.enc(b"SET", k, value) for k in part))
        for rep in read_n(conn, len(part)):
            if isinstance(rep, B.RespError):
                errors += 1
                first = first or str(rep)
    return errors, first


def key_of_rank(a):
    """The fixed shuffle rank -> key index (the same for every sequence)."""
    perm = list(range(a.keys))
    random.Random(a.seed + 1).shuffle(perm)
    return perm


def sequence(a, n, seed):
    """n key indexes, Zipf-like over a.keys (rank -> key by key_of_rank)."""
    rnd = random.Random(seed)
    weights = [1.0 / (r ** a.zipf_s) for r in range(1, a.keys + 1)]
    cum = list(itertools.accumulate(weights))
    perm = key_of_rank(a)
    ranks = rnd.choices(range(a.keys), cum_weights=cum, k=n)
    return [perm[r] for r in ranks]


def run_requests(conn, keys, value, seq, batch):
    hits = misses = errors = 0
    first = None
    for i in range(0, len(seq), batch):
        part = [keys[j] for j in seq[i:i + batch]]
        conn.sock.sendall(b"".join(B.enc(b"GET", k) for k in part))
        reps = read_n(conn, len(part))
        missed = [k for k, rep in zip(part, reps) if rep is None]
        hits += len(part) - len(missed)
        misses += len(missed)
        if missed:
            conn.sock.sendall(b"".join(B.enc(b"SET", k, value) for k in missed))
            for rep in read_n(conn, len(missed)):
                if isinstance(rep, B.RespError):
                    errors += 1
                    first = first or str(rep)
    return hits, misses, errors, first


def calibrate(a, keys, value):
    srv = B.Server("redis", a.redis_bin, None, shlex.split(a.redis_args))
    try:
        base = int(B.info(srv.port, "memory")["used_memory"])
        c = B.Conn(srv.port)
        set_all(c, keys, value)
        c.close()
        time.sleep(1.0)  # let an incremental rehash finish
        full = int(B.info(srv.port, "memory")["used_memory"])
    finally:
        srv.stop()
    return base, full


def one_run(a, name, binary, extra, policy, limit, keys, value, warm, meas):
    srv = B.Server(name, binary, None, extra)
    try:
        c = B.Conn(srv.port, timeout=120)
        try:
            c.call("CONFIG", "SET", "maxmemory-policy", policy)
            c.call("CONFIG", "SET", "maxmemory", str(limit))
        except B.RespError as e:
            return {"na": "CONFIG SET: %s" % e}
        errors, first = set_all(c, keys, value)
        run_requests(c, keys, value, warm, a.batch)
        t0 = time.time()
        hits, misses, e2, f2 = run_requests(c, keys, value, meas, a.batch)
        took = time.time() - t0
        errors += e2
        first = first or f2
        mem = B.info(srv.port, "memory")
        stats = B.info(srv.port, "stats")
        res = {
            "hits": hits, "misses": misses,
            "ratio": hits / float(hits + misses),
            "dbsize": c.call("DBSIZE"),
            "evicted": int(stats.get("evicted_keys", 0)),
            "used": int(mem["used_memory"]),
            "took": took,
        }
        c.close()
    finally:
        srv.stop()
    if errors:
        res["na"] = "%d SETs failed (%s)" % (errors, first)
    elif res["used"] > 1.5 * limit:
        res["na"] = "used_memory %d > 1.5 x maxmemory %d" % (res["used"], limit)
    return res


def main():
    a = parse_args()
    B.check_bins(a)
    value = (b"v" * a.value_size)
    keys = [b"key:%d" % i for i in range(a.keys)]
    B.header("maxmemory: hit ratio and keys held, allkeys-lru / allkeys-lfu",
             a)
    base, full = calibrate(a, keys, value)
    limit = base + int(a.fraction * (full - base))
    print("working set: %d keys, %d-byte values: redis used_memory %d -> %d; "
          "maxmemory for both: %d (%.0f%% of the working set on redis)" % (
              a.keys, a.value_size, base, full, limit, 100 * a.fraction))
    print("workload: Zipf s=%.2f, %d warm + %d counted requests (GET, SET on "
          "a miss), batches of %d, seed %d" % (
              a.zipf_s, a.warm_ops, a.ops, a.batch, a.seed))
    sys.stdout.flush()
    warm = sequence(a, a.warm_ops, a.seed)
    meas = sequence(a, a.ops, a.seed + 100)
    rank_of = {}
    for r, k in enumerate(key_of_rank(a)):
        rank_of[k] = r
    rows = []
    for policy in [p.strip() for p in a.policies.split(",") if p.strip()]:
        res = {}
        for name, binary, extra in (
                ("redis", a.redis_bin, shlex.split(a.redis_args)),
                ("kilat", a.kilat_bin, shlex.split(a.kilat_args))):
            r = one_run(a, name, binary, extra, policy, limit, keys, value,
                        warm, meas)
            res[name] = r
            if "hits" in r:
                print("  %s %s: hit ratio %.4f (%d/%d), keys held %d, "
                      "evicted %d, used_memory %d (limit %d), %.1fs%s" % (
                          name, policy, r["ratio"], r["hits"],
                          r["hits"] + r["misses"], r["dbsize"], r["evicted"],
                          r["used"], limit, r["took"],
                          "  NOT AVAILABLE: " + r["na"] if "na" in r else ""))
            else:
                print("  %s %s: NOT AVAILABLE: %s" % (name, policy, r["na"]))
            sys.stdout.flush()
        rr, kk = res["redis"], res["kilat"]
        if "dbsize" in rr:
            top = sum(1 for k in meas if rank_of[k] < rr["dbsize"])
            print("  (reference: the %d most popular keys, as many as redis "
                  "held, would answer %.4f of the requests)" % (
                      rr["dbsize"], top / float(len(meas))))

        def cell(r, f):
            return "n/a" if "na" in r else f(r)
        ok = "na" not in rr and "na" not in kk
        rows.append([
            policy,
            cell(rr, lambda r: "%.4f" % r["ratio"]),
            cell(kk, lambda r: "%.4f" % r["ratio"]),
            B.fmt_ratio(kk["ratio"] / rr["ratio"]) if ok else "n/a",
            cell(rr, lambda r: str(r["dbsize"])),
            cell(kk, lambda r: str(r["dbsize"])),
            B.fmt_ratio(kk["dbsize"] / float(rr["dbsize"])) if ok else "n/a",
        ])
    print()
    B.table(["policy", "redis hit", "kilat hit", "hit k/r", "redis keys",
             "kilat keys", "keys k/r"], rows)
    print()
    print("Targets (issue 13): hit ratio at least Redis's; keys held under "
          "the same maxmemory at least 1.6x Redis's.")


if __name__ == "__main__":
    main()
