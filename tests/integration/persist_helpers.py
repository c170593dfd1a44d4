"""Helpers of the persistence tests (RDB and AOF interop, AOF loading and
effects, tests/laravel's persistence tests, tests/fuzz/make_aof_corpus.py):
RESP commands encoded and AOF files parsed, INFO fields, keyspaces compared
(rdb_dataset's snapshots), and servers of one test started beside Debian's
redis-server.

Imports Server and stop_all from the `conftest` in use: this folder's, or
tests/laravel's (which hands on this folder's)."""

import os
import shutil
import subprocess

from conftest import Server, stop_all
import rdb_dataset as ds

REDIS_BIN = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")


# ------------------------------------------------------------------ RESP
def resp(*args):
    """One command as RESP (an array of bulk strings; str and numbers are
    sent as their text)."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def parse_aof(data, annotations=False):
    """The commands of an AOF file (RESP arrays of bulk strings) as lists of
    bytes. annotations: skip `#...` lines (#TS:...); otherwise one fails
    the assertion like any other non-array."""
    cmds, i = [], 0
    while i < len(data):
        if annotations and data[i:i + 1] == b"#":
            i = data.index(b"\n", i) + 1
            continue
        assert data[i:i + 1] == b"*", "not a RESP array at offset %d: %r" % (i, data[i:i + 20])
        j = data.index(b"\r\n", i)
        argc = int(data[i + 1:j])
        i = j + 2
        argv = []
        for _ in range(argc):
            assert data[i:i + 1] == b"$", "not a bulk at offset %d: %r" % (i, data[i:i + 20])
            j = data.index(b"\r\n", i)
            n = int(data[i + 1:j])
            i = j + 2
            argv.append(data[i:i + n])
            assert data[i + n:i + n + 2] == b"\r\n"
            i += n + 2
        cmds.append(argv)
    return cmds


# ------------------------------------------------------- INFO, keyspaces
def info_fields(srv, section="persistence"):
    """INFO <section> of srv as a dict of field -> str."""
    with srv.raw() as c:
        text = c.cmd("INFO", section).decode()
    return dict(line.split(":", 1) for line in text.splitlines()
                if ":" in line and not line.startswith("#"))


def snap(srv):
    """rdb_dataset's snapshot of srv's keyspace."""
    with srv.raw() as c:
        return ds.snapshot(c)


def assert_same(got, want, encodings=True, what=""):
    d = ds.diff(got, want, encodings)
    assert not d, "%s keyspaces differ:\n  %s" % (what, "\n  ".join(d))


def run_check(tool, path, ok, timeout):
    """Runs `tool path` (redis-check-rdb, redis-check-aof): it must exit 0
    and print `ok`. Returns its output."""
    p = subprocess.run([tool, path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0 and ok in out, \
        "%s refused %s:\n%s" % (os.path.basename(tool), path, out[-3000:])
    return out


# ---------------------------------------------------------------- servers
def new_server(args, ref=False, name=None, ref_name="redis-server"):
    """A Server not started yet: the server under test, or with ref
    Debian's redis-server (REDIS_SERVER, else the one on PATH)."""
    srv = Server(tuple(args), name=name or (ref_name if ref else "under test"))
    if ref:
        srv.binary = REDIS_BIN
    return srv


def copy_rdb(rdb, dbfilename="dump.rdb"):
    """For RefServers.launch(before=): copies the file rdb in as
    <dir>/<dbfilename> (nothing when rdb is None)."""
    if rdb is None:
        return None
    return lambda srv: shutil.copyfile(rdb, os.path.join(srv.dir, dbfilename))


class RefServers:
    """Starts the servers of one test (under test or redis-server) and
    stops (and checks) them all."""

    ref_name = "redis-server"

    def __init__(self):
        self.started = []

    def launch(self, args, ref=False, name=None, before=None):
        """Starts new_server(args, ref, name) after before(srv) (which may
        put files into srv.dir); returns it."""
        srv = new_server(args, ref, name, self.ref_name)
        if before is not None:
            before(srv)
        self.started.append(srv)
        srv.start()
        return srv

    def stop(self):
        stop_all(self.started)
