#!/usr/bin/python3
"""Writes the seed corpora of the RDB fuzz targets (run from the repo root):

  tests/fuzz/corpus-rdb/       fuzz_rdb_value: flags byte + type + value
  tests/fuzz/corpus-rdb-file/  fuzz_rdb_file:  flags byte + whole file

Sources: DUMP payloads of Debian's redis-server for every type and encoding
(the dataset of tests/integration/rdb_dataset.py, without its 1 MB values),
every value of Redis's test-suite .rdb files (zipmap, ziplist, intset,
quicklist of ziplists... : the old encodings only those files have), those
files whole, and small files redis-server saves (compressed or not).

  tests/fuzz/make_rdb_corpus.py [--suite DIR]   (DIR: the unpacked suite,
  default $KILAT_REDIS_SUITE or build/redis-suite/redis)

Seeds are named for what they hold; the flags byte is the fuzz targets'
(0 = footer appended by the target, RDB version 10; see fuzz_rdb_value.c)."""

import argparse
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import rdb_dataset as ds  # noqa: E402
from conftest import RawConn, free_port  # noqa: E402

VALUE_DIR = os.path.join(HERE, "corpus-rdb")
FILE_DIR = os.path.join(HERE, "corpus-rdb-file")


def flags(version, raw=False, deep=False):
    v = 0 if version == 10 else version
    return bytes([(v << 2) | (2 if raw else 0) | (1 if deep else 0)])


def safe(name):
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    out = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return out[:60]


# ------------------------------------------------------------ RDB walker
class Walker:
    """Just enough of the RDB format to cut a file into its values."""

    def __init__(self, data):
        self.d = data
        self.i = 0

    def byte(self):
        b = self.d[self.i]
        self.i += 1
        return b

    def take(self, n):
        s = self.d[self.i:self.i + n]
        if len(s) != n:
            raise ValueError("truncated")
        self.i += n
        return s

    def length(self):
        """(value, encoded)"""
        b = self.byte()
        kind = b >> 6
        if kind == 0:
            return b & 0x3F, False
        if kind == 1:
            return ((b & 0x3F) << 8) | self.byte(), False
        if kind == 3:
            return b & 0x3F, True
        if b == 0x80:
            return struct.unpack(">I", self.take(4))[0], False
        if b == 0x81:
            return struct.unpack(">Q", self.take(8))[0], False
        raise ValueError("bad length byte %#x" % b)

    def string(self):
        """The bytes of a plain string (b"" for an encoded one)."""
        n, enc = self.length()
        if not enc:
            return self.take(n)
        elif n in (0, 1, 2):
            self.take(1 << n)
        elif n == 3:
            clen, _ = self.length()
            self.length()
            self.take(clen)
        else:
            raise ValueError("bad string encoding %d" % n)
        return b""

    def text_double(self):
        n = self.byte()
        if n < 253:
            self.take(n)

    def value(self, t):
        if t == 0 or t in (9, 10, 11, 12, 13, 16, 17):
            self.string()
        elif t in (1, 2, 14):
            n, _ = self.length()
            for _ in range(n):
                self.string()
        elif t == 3:
            n, _ = self.length()
            for _ in range(n):
                self.string()
                self.text_double()
        elif t == 5:
            n, _ = self.length()
            for _ in range(n):
                self.string()
                self.take(8)
        elif t == 4:
            n, _ = self.length()
            for _ in range(2 * n):
                self.string()
        elif t == 18:
            n, _ = self.length()
            for _ in range(n):
                self.length()
                self.string()
        else:
            raise ValueError("type %d not walked" % t)

    def values(self):
        """Yields (key, type, type+value bytes) of every key."""
        assert self.take(5) == b"REDIS"
        self.version = int(self.take(4))
        while True:
            op = self.byte()
            if op == 0xFF:
                return
            if op == 0xFA:
                self.string()
                self.string()
            elif op == 0xFE:
                self.length()
            elif op == 0xFB:
                self.length()
                self.length()
            elif op == 0xFC:
                self.take(8)
            elif op == 0xFD:
                self.take(4)
            elif op == 0xF8:
                self.length()
            elif op == 0xF9:
                self.take(1)
            elif op in (0xF5, 0xF6, 0xF7):
                raise ValueError("functions/module aux not walked")
            else:
                key = self.string()
                vstart = self.i
                self.value(op)
                yield key, op, bytes([op]) + self.d[vstart:self.i]


# ------------------------------------------------------------ redis-server
class Redis:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="kilat-corpus-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--dir", self.dir, "--enable-debug-command", "yes"]
            + list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.c = RawConn("127.0.0.1", self.port, 10)
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self):
        self.c.close()
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# A small file with every type, encodings of both kinds, TTLs, 2 databases.
SMALL_FILE = [
    ("SET", "int", "12345"), ("SET", "str", "hello"),
    ("SET", "lzf", "a" * 100), ("SET", "ttl", "x"),
    ("PEXPIREAT", "ttl", ds.T_2100),
    ("RPUSH", "list", "a", "1", "b" * 30),
    ("RPUSH", "list2", *["e%d" % i for i in range(300)]),
    ("SADD", "intset", "1", "70000", "5000000000"),
    ("SADD", "set", "a", "b"),
    ("ZADD", "zlp", "1", "a", "-inf", "b", "2.5", "c"),
    ("ZADD", "zsl", *sum(([str(i / 3), "m%d" % i] for i in range(140)), [])),
    ("HSET", "hlp", "f", "v", "n", "7"),
    ("HSET", "hht", *sum((["f%d" % i, "v%d" % i] for i in range(140)), [])),
    ("SELECT", 3), ("SET", "db3", "v"), ("SELECT", 0),
]


def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def dump_seeds(n):
    srv = Redis()
    try:
        ds.build(srv.c, big=False)
        for db in range(ds.DATABASES):
            srv.c.cmd("SELECT", db)
            keys = srv.c.cmd("KEYS", "*")
            for k in sorted(keys):
                p = srv.c.cmd("DUMP", k)
                body = p[:-10]
                assert p[-10:-8] == b"\x0a\x00"
                base = "dump-db%d-%s" % (db, safe(k))
                write(VALUE_DIR, base, flags(10) + body)
                n += 1
                if db == 0 and k.startswith(b"str:int:"):
                    continue
                if db in (0, 2, 4):
                    # the same payload whole: the footer check's path
                    write(VALUE_DIR, base + "-raw", flags(10, raw=True) + p)
                    n += 1
        # compressed and uncompressed files, small
        srv.c.cmd("SELECT", 0)
        for comp in ("yes", "no"):
            srv.c.cmd("FLUSHALL")
            ds.pipeline(srv.c, SMALL_FILE)
            srv.c.cmd("CONFIG", "SET", "rdbcompression", comp)
            srv.c.cmd("SAVE")
            with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
                data = f.read()
            write(FILE_DIR, "redis-small-compression-%s.rdb" % comp, b"\0" + data)
    finally:
        srv.stop()
    return n


def asset_seeds(suite, n):
    for path in sorted(glob.glob(os.path.join(suite, "tests", "assets", "*.rdb"))):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            data = f.read()
        write(FILE_DIR, "asset-" + name, b"\0" + data)
        w = Walker(data)
        try:
            for key, t, tv in w.values():
                v = w.version if 1 <= w.version <= 10 else 10
                write(VALUE_DIR, "asset-%s-%s-t%d" % (name[:-4], safe(key), t),
                      flags(v) + tv)
                n += 1
        except (ValueError, IndexError, AssertionError) as e:
            print("%s: stopped at byte %d: %s" % (name, w.i, e))
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default=os.environ.get("KILAT_REDIS_SUITE") or
                    os.path.join(REPO, "build", "redis-suite", "redis"))
    a = ap.parse_args()
    for d in (VALUE_DIR, FILE_DIR):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    n = dump_seeds(0)
    n = asset_seeds(a.suite, n)
    print("%d value seeds in %s, %d file seeds in %s" % (
        n, VALUE_DIR, len(os.listdir(FILE_DIR)), FILE_DIR))


if __name__ == "__main__":
    main()
