#!/usr/bin/python3
"""Writes the seed corpus of fuzz_aof_load (run from the repo root):

  tests/fuzz/corpus-aof/   flags byte + one append-only file

Sources: files Debian's redis-server 7.0 writes (a base RDB and an incr
file after BGREWRITEAOF with aof-use-rdb-preamble yes; a RESP base with
aof-use-rdb-preamble no and aof-timestamp-enabled yes), the suite's
rdb-preamble.aof (an old single file: RDB then commands), small hand-made
files (MULTI/EXEC, a MULTI without EXEC, annotations, bad lengths), and
each of them cut short.

  tests/fuzz/make_aof_corpus.py [--suite DIR]   (DIR: the unpacked suite,
  default $KILAT_REDIS_SUITE or build/redis-suite/redis)

The flags byte is fuzz_aof_load.c's: bit 0 last file, bit 1
aof-load-truncated no, bit 2 skip the RDB checksum."""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from conftest import RawConn, free_port  # noqa: E402
from persist_helpers import resp  # noqa: E402

OUT = os.path.join(HERE, "corpus-aof")
LAST = 1


def seed(name, data, flags=LAST):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([flags]) + data)


def with_cuts(name, data):
    """The file whole, then cut inside its last bytes (a crash mid-write)."""
    seed(name, data)
    for cut in (1, 7):
        if len(data) > cut:
            seed("%s-cut%d" % (name, cut), data[:-cut])


def hand_made():
    plain = (b"#TS:1628217470\r\n" + resp("SELECT", 0) + resp("SET", "foo", "bar") +
             resp("RPUSH", "l", "a", "b", 1) + resp("SADD", "s", 1, 2, "x") +
             resp("ZADD", "z", "1.5", "m", "-inf", "n") + resp("HSET", "h", "f", "v") +
             resp("PEXPIREAT", "foo", 1000) + resp("INCR", "n") +
             resp("SELECT", 2) + resp("APPEND", "k", "v" * 100) + b"#TS:1628217471\r\n")
    with_cuts("plain", plain)
    multi = (resp("SET", "a", 1) + resp("MULTI") + resp("INCR", "a") +
             resp("LPUSH", "q", "job") + resp("EXEC"))
    with_cuts("multi", multi)
    seed("multi-no-exec", resp("SET", "a", 1) + resp("MULTI") + resp("SET", "b", 2))
    seed("multi-no-exec-no-truncate", resp("MULTI") + resp("SET", "b", 2), LAST | 2)
    seed("not-last", plain[:-5], 0)
    seed("bad-lengths", resp("SET", "a", 1) + b"*1\r\n$-1\r\n")
    seed("restore-spop", resp("SADD", "s", "a", "b", "c") + resp("SPOP", "s", 2) +
         resp("SET", "x", "1", "PXAT", 2000) + resp("GETEX", "x", "PERSIST"))


def redis_files(tmp):
    """An appendonlydir written by redis-server: base + incr, both forms."""
    binary = shutil.which("redis-server")
    if not binary:
        print("no redis-server: skipping its files")
        return
    for preamble in ("yes", "no"):
        d = tempfile.mkdtemp(dir=tmp)
        port = free_port()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--dir", d, "--appendonly", "yes", "--aof-use-rdb-preamble",
                                 preamble, "--aof-timestamp-enabled",
                                 "yes" if preamble == "no" else "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while True:
                try:
                    c = RawConn("127.0.0.1", port)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.05)

            def do(*args):
                c.send(resp(*args))
                c.read_reply()

            do("SET", "str", "hello")
            do("SET", "int", 12345)
            do("RPUSH", "list", *range(10))
            do("SADD", "iset", 1, 2, 3)
            do("SADD", "set", "a", "b")
            do("ZADD", "zset", 1, "a", 2.5, "b")
            do("HSET", "hash", "f1", "v1", "f2", 2)
            do("SET", "ttl", "v", "EX", 1000)
            do("BGREWRITEAOF")
            time.sleep(1)
            do("INCR", "int")
            do("MULTI")
            do("LPUSH", "list", "x")
            do("SREM", "set", "a")
            do("EXEC")
            do("EVAL", "redis.call('set','fromlua','1') return 1", 0)
            do("EXPIRE", "str", 500)
            do("SELECT", 3)
            do("SET", "k3", "v3")
            time.sleep(1.2)  # appendfsync everysec: on disk
            c.close()
        finally:
            proc.terminate()
            proc.wait()
        for f in sorted(glob.glob(os.path.join(d, "appendonlydir", "*"))):
            name = os.path.basename(f)
            if name.endswith(".manifest"):
                continue
            with open(f, "rb") as fh:
                data = fh.read()
            kind = "base" if ".base." in name else "incr"
            with_cuts("redis-preamble-%s-%s" % (preamble, kind), data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default=os.environ.get("KILAT_REDIS_SUITE",
                                                      os.path.join(REPO, "build/redis-suite/redis")))
    args = ap.parse_args()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    hand_made()
    tmp = tempfile.mkdtemp(prefix="aof-corpus-")
    try:
        redis_files(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    asset = os.path.join(args.suite, "tests", "assets", "rdb-preamble.aof")
    if os.path.exists(asset):
        with open(asset, "rb") as fh:
            with_cuts("asset-rdb-preamble", fh.read())
        # its RDB part with the checksum check off: mutations there load on
        with open(asset, "rb") as fh:
            seed("asset-rdb-preamble-nocrc", fh.read(), LAST | 4)
    else:
        print("no %s: skipping it" % asset)
    print("%d seeds in %s" % (len(os.listdir(OUT)), OUT))


if __name__ == "__main__":
    main()
