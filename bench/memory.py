"""Memory per key, kilat vs redis-server (INFO memory used_memory).

Run through bench/memory.sh; see bench/README.md. For each server and each
variant a fresh server is started, used_memory is read, the keys are loaded
with `redis-cli --pipe`, DBSIZE (and the size of the first and last key) is
checked, and used_memory is read again: the difference over the number of
keys is bytes per key. Variants:

  strings  KEYS `SET key:<i> <32-byte value>`
  ttl      the same with `EX ttl`
  hash     COLL_KEYS `HSET h:<i> f0 <v> ... f<FIELDS-1> <v>`, 10-16 byte values
  list     COLL_KEYS `RPUSH l:<i> <v> ... (FIELDS items)`, 10-16 byte items
"""

import shlex
import sys
import time

import benchlib as B
from benchlib import bulk

DESIGN_REDIS = {"strings": 120, "ttl": 161}  # B/key, DESIGN.md
ALL_VARIANTS = "strings,ttl,hash,list"


def parse_args():
    p = B.arg_parser(
        "bench/memory.sh",
        "Bytes per key (INFO used_memory), kilat vs redis-server: KEYS "
        "string keys with 32-byte values, with and without a TTL, and "
        "COLL_KEYS hashes of FIELDS fields and lists of FIELDS items.")
    B.opt(p, "--variants", "MEM_VARIANTS", ALL_VARIANTS,
          "comma separated: %(default)s")
    B.opt(p, "--keys", "MEM_KEYS", 1000000, "string keys: %(default)s",
          type=int)
    B.opt(p, "--value-size", "MEM_VALUE", 32,
          "string value bytes: %(default)s", type=int)
    B.opt(p, "--ttl", "MEM_TTL", 100000,
          "seconds, for the TTL variant: %(default)s", type=int)
    B.opt(p, "--coll-keys", "MEM_COLL_KEYS", 100000,
          "hash and list keys: %(default)s", type=int)
    B.opt(p, "--fields", "MEM_FIELDS", 10,
          "fields per hash, items per list: %(default)s", type=int)
    B.add_server_args(p, cli=True)
    return p.parse_args()


def string_stream(nkeys, value_size, ttl, chunk=10000):
    """Yield the RESP bytes of nkeys SET commands, chunk commands at a time.

    Values are `value:` followed by the index, padded with `-` to
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


def elem(prefix, i, j):
    """`<prefix><i, 6 digits>:<j>` padded with 1-7 `-`: 10-16 bytes for one
    digit of j, distinct, never numeric."""
    v = b"%s%06d:%d" % (prefix, i, j)
    return v + b"-" * (1 + (i + j) % 7)


def coll_stream(kind, nkeys, nfields, chunk=2000):
    """HSET h:<i> f0 <v> f1 <v> ... or RPUSH l:<i> <v> <v> ..."""
    if kind == "hash":
        head = b"*%d\r\n$4\r\nHSET\r\n" % (2 + 2 * nfields)
    else:
        head = b"*%d\r\n$5\r\nRPUSH\r\n" % (2 + nfields)
    for start in range(0, nkeys, chunk):
        out = []
        for i in range(start, min(nkeys, start + chunk)):
            out.append(head)
            if kind == "hash":
                out.append(bulk(b"h:%d" % i))
                for j in range(nfields):
                    out.append(bulk(b"f%d" % j))
                    out.append(bulk(elem(b"v", i, j)))
            else:
                out.append(bulk(b"l:%d" % i))
                for j in range(nfields):
                    out.append(bulk(elem(b"i", i, j)))
        yield b"".join(out)


def variants(a):
    """name -> (label, keys, stream factory, key of index i, size command)"""
    v = {
        "strings": ("%d strings, %d-byte values" % (a.keys, a.value_size),
                    a.keys, lambda: string_stream(a.keys, a.value_size, 0),
                    lambda i: b"key:%d" % i, None),
        "ttl": ("the same with EX %d" % a.ttl, a.keys,
                lambda: string_stream(a.keys, a.value_size, a.ttl),
                lambda i: b"key:%d" % i, None),
        "hash": ("%d hashes of %d fields" % (a.coll_keys, a.fields),
                 a.coll_keys,
                 lambda: coll_stream("hash", a.coll_keys, a.fields),
                 lambda i: b"h:%d" % i, "HLEN"),
        "list": ("%d lists of %d items" % (a.coll_keys, a.fields),
                 a.coll_keys,
                 lambda: coll_stream("list", a.coll_keys, a.fields),
                 lambda i: b"l:%d" % i, "LLEN"),
    }
    out = []
    for name in a.variants.split(","):
        name = name.strip()
        if not name:
            continue
        if name not in v:
            sys.exit("unknown variant %r (want some of %s)" %
                     (name, ALL_VARIANTS))
        out.append((name,) + v[name])
    return out


def measure(a, name, binary, extra, variant):
    vname, label, nkeys, stream, key_of, size_cmd = variant
    srv = B.Server(name, binary, None, extra)
    try:
        before = int(B.info(srv.port, "memory")["used_memory"])
        rss0 = int(B.info(srv.port, "memory").get("used_memory_rss", 0))
        t0 = time.time()
        cmd = B.pipe_load(a, srv.port, stream())
        took = time.time() - t0
        n = srv.call("DBSIZE")
        if n != nkeys:
            sys.exit("%s: DBSIZE is %r after loading %d keys" %
                     (name, n, nkeys))
        if size_cmd:
            for i in (0, nkeys - 1):
                got = srv.call(size_cmd, key_of(i))
                if got != a.fields:
                    sys.exit("%s: %s %s is %r, expected %d" %
                             (name, size_cmd, key_of(i).decode(), got,
                              a.fields))
        enc = srv.call("OBJECT", "ENCODING", key_of(0))
        time.sleep(1.0)  # let an incremental rehash finish
        mem = B.info(srv.port, "memory")
        after = int(mem["used_memory"])
        rss1 = int(mem.get("used_memory_rss", 0))
    finally:
        srv.stop()
    per = (after - before) / nkeys
    if isinstance(enc, bytes):
        enc = enc.decode()
    print("  %s %s: used_memory %d -> %d: %.1f B/key (rss %.1f B/key), "
          "encoding %s, loaded in %.1fs" % (name, label, before, after, per,
                                            (rss1 - rss0) / nkeys, enc,
                                            took))
    sys.stdout.flush()
    return per, (rss1 - rss0) / nkeys, cmd


def main():
    a = parse_args()
    B.check_bins(a)
    vs = variants(a)
    B.header("memory per key (INFO used_memory growth / keys)", a)
    print("values: strings `value:<i>` padded with - to %d bytes; hash "
          "fields f0..f%d with values, and list items, `v<i:06>:<j>` / "
          "`i<i:06>:<j>` padded with 1-7 - (10-16 bytes)" %
          (a.value_size, a.fields - 1))
    sys.stdout.flush()
    rows = []
    first = True
    for v in vs:
        r, rrss, cmd = measure(a, "redis", a.redis_bin,
                               shlex.split(a.redis_args), v)
        if first:
            print("  load command: <generator> | %s" % cmd)
            first = False
        k, krss, _ = measure(a, "kilat", a.kilat_bin,
                             shlex.split(a.kilat_args), v)
        ref = DESIGN_REDIS.get(v[0])
        rows.append([v[1], "%.1f" % r, "%.1f" % k, B.fmt_ratio(k / r),
                     "%d (%+.0f%%)" % (ref, 100 * (r / ref - 1))
                     if ref and a.value_size == 32 and a.keys == 1000000
                     else "",
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
