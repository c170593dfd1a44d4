#!/usr/bin/python3
"""Writes the stream seeds of the RDB fuzz targets (run from the repo root):
tests/fuzz/corpus-rdb/stream-* (fuzz_rdb_value: flags byte + type + value)
tests/fuzz/corpus-rdb-file/stream-*.rdb (fuzz_rdb_file: flags byte +
whole file) and tests/fuzz/corpus-aof/stream-* (fuzz_aof_load: flags byte
+ file: the base files of a rewrite, RDB and RESP), from DUMP payloads and
files of Debian's redis-server:
streams with and without tombstones, several nodes, groups with pending
entries and idle consumers, an empty stream with a last ID. The stream
payloads of Redis's suite (integration/corrupt-dump) are seeds too: they
are what a fuzzer found before.

  tests/fuzz/make_stream_corpus.py [--suite DIR]"""

import argparse
import glob
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import make_rdb_corpus as base  # noqa: E402


def build(c):
    for i in range(30):
        c.cmd("XADD", "small", "%d-1" % (i + 1), "f", "v%d" % i, "n", str(i))
    c.cmd("XADD", "mixed", "1-1", "a", "1", "b", "hello")
    c.cmd("XADD", "mixed", "1-2", "a", "2", "b", "x")
    c.cmd("XADD", "mixed", "2-0", "c", "3")
    c.cmd("XADD", "mixed", "3-0", "a", "300000", "b", "y" * 70)
    c.cmd("XDEL", "mixed", "1-2")
    c.cmd("XGROUP", "CREATE", "mixed", "g1", "0")
    c.cmd("XGROUP", "CREATE", "mixed", "123", "$")
    c.cmd("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "mixed", ">")
    c.cmd("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "mixed", ">")
    c.cmd("XGROUP", "CREATECONSUMER", "mixed", "g1", "carol")
    for i in range(250):
        c.cmd("XADD", "nodes", "*", "k", str(i), "other" if i % 9 == 0 else "same", "v")
    c.cmd("XTRIM", "nodes", "MAXLEN", "230")
    c.cmd("XADD", "empty", "5-5", "f", "v")
    c.cmd("XDEL", "empty", "5-5")
    c.cmd("XGROUP", "CREATE", "empty", "g", "$")


def suite_payloads(suite):
    path = os.path.join(suite, "tests", "integration", "corrupt-dump.tcl")
    if not os.path.exists(path):
        return []
    text = open(path, encoding="latin-1").read()
    out = []
    for m in re.finditer(r'restore\s+\S+\s+0\s+"((?:\\x[0-9A-Fa-f]{2})+)"', text, re.I):
        data = bytes(int(h, 16) for h in re.findall(r"\\x([0-9A-Fa-f]{2})", m.group(1)))
        if data and data[0] in (15, 19):
            out.append(data)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default=os.environ.get("KILAT_REDIS_SUITE", "build/redis-suite/redis"))
    a = ap.parse_args()
    n = 0
    srv = base.Redis("--rdbcompression", "no")
    try:
        build(srv.c)
        for k in ("small", "mixed", "nodes", "empty"):
            p = srv.c.cmd("DUMP", k)
            body = p[:-10]
            base.write(base.VALUE_DIR, "stream-dump-" + k, base.flags(10) + body)
            base.write(base.VALUE_DIR, "stream-dump-" + k + "-deep", base.flags(10, deep=True) + body)
            n += 2
        srv.c.cmd("SAVE")
        with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
            base.write(base.FILE_DIR, "stream-redis.rdb", b"\0" + f.read())
        n += 1
        aof_dir = os.path.join(HERE, "corpus-aof")
        for pre in ("yes", "no"):
            srv.c.cmd("CONFIG", "SET", "aof-use-rdb-preamble", pre)
            srv.c.cmd("CONFIG", "SET", "appendonly", "yes")
            time.sleep(1)
            srv.c.cmd("BGREWRITEAOF")
            time.sleep(1)
            files = sorted(glob.glob(os.path.join(srv.dir, "appendonlydir", "*.base.*")))
            with open(files[-1], "rb") as f:
                data = f.read()
            base.write(aof_dir, "stream-base-preamble-" + pre, b"\1" + data)
            n += 1
    finally:
        srv.stop()
    for i, p in enumerate(suite_payloads(a.suite)):
        base.write(base.VALUE_DIR, "stream-suite-%02d" % i, base.flags(10, deep=True) + p[:-10])
        n += 1
    print("%d stream seeds" % n)


if __name__ == "__main__":
    main()
