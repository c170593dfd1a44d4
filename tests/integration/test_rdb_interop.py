"""RDB interop (issue 11): a dump.rdb moves between redis-server and the
server under test, both ways, with the same keyspace (types, values,
absolute expiries, OBJECT ENCODING); Redis's own old-format test files load
the same in both; a truncated or corrupt file stops startup; DEBUG RELOAD,
SHUTDOWN SAVE/NOSAVE, SIGTERM, BGSAVE's point-in-time view, INFO
persistence and MISCONF after a failed BGSAVE.

Every test starts its own servers: the server under test (kilat, or
redis-server with KILAT_TARGET=redis) and, where a reference is needed,
Debian's redis-server (always). The reference for encodings is what
redis-server itself shows after loading the same file: loading may change
encodings (a short raw string comes back embstr), on both servers alike.

Redis's test assets (tests/assets/*.rdb of its source package) are found
in $KILAT_REDIS_SUITE, else build/redis-suite/redis (fetched with
scripts/redis-suite-fetch.sh, as `make redis-suite` does)."""

import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import (Server, REPO, SLOW, START_TIMEOUT, IS_KILAT,
                      SERVER_PROBLEMS, SANITIZER_MARKERS, server_binary, free_port,
                      server_env, wait_for)
from persist_helpers import (REDIS_BIN, RefServers, assert_same, copy_rdb,
                             info_fields, new_server, run_check, snap)
import rdb_dataset as ds

CHECK_RDB = shutil.which("redis-check-rdb")

pytestmark = pytest.mark.skipif(not REDIS_BIN or not CHECK_RDB,
                                reason="needs redis-server and redis-check-rdb")

MISCONF = (b"MISCONF Redis is configured to save RDB snapshots, but it's "
           b"currently unable to persist to disk. Commands that may modify "
           b"the data set are disabled, because this instance is configured "
           b"to report errors during writes if RDB snapshotting fails "
           b"(stop-writes-on-bgsave-error option). Please check the Redis "
           b"logs for details about the RDB error.")


# ------------------------------------------------------------ servers
class Servers(RefServers):
    """Starts servers for one test and stops (and checks) them all."""

    ref_name = "redis reference"

    def start(self, *args, ref=False, rdb=None, dbfilename="dump.rdb",
              name=None):
        """ref: Debian's redis-server instead of the server under test.
        rdb: a file copied in as <dir>/<dbfilename> before start."""
        return self.launch(("--enable-debug-command", "yes",
                            "--dbfilename", dbfilename) + tuple(args),
                           ref, name, copy_rdb(rdb, dbfilename))


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.stop()


def conn(srv):
    return srv.raw()


def rdb_path(srv, dbfilename="dump.rdb"):
    return os.path.join(srv.dir, dbfilename)


def save(srv):
    with conn(srv) as c:
        assert c.cmd("SAVE") == b"OK"
        name = c.cmd("CONFIG", "GET", "dbfilename")[1].decode()
    p = rdb_path(srv, name)
    assert os.path.isfile(p), "SAVE did not write %s" % p
    return p


def keyspace_counts(srv):
    """{db: (keys, expires)} from INFO keyspace."""
    with conn(srv) as c:
        info = c.cmd("INFO", "keyspace").decode()
    out = {}
    for m in re.finditer(r"^db(\d+):keys=(\d+),expires=(\d+)", info, re.M):
        out[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return out


def wait_bgsave_done(srv, timeout=5.0):
    """Waits (wait_for's timeout) until no BGSAVE runs."""
    assert wait_for(lambda: info_fields(srv)["rdb_bgsave_in_progress"] == "0",
                    timeout=timeout)


def check_rdb(path):
    return run_check(CHECK_RDB, path, "RDB looks OK", 60)


def built_pair(servers):
    """(under test, redis-server), each with rdb_dataset's full dataset."""
    sut = servers.start()
    ref = servers.start(ref=True)
    for s in (sut, ref):
        with conn(s) as c:
            ds.build(c)
    return sut, ref


def start_expect_exit(binary, rdb, dbfilename="dump.rdb", extra=()):
    """Starts `binary` on a copy of `rdb` where it must refuse to start.
    Returns (exit code, output). A crash (signal) or a server that comes up
    is a failure."""
    d = tempfile.mkdtemp(prefix="kilat-rdb-")
    shutil.copyfile(rdb, os.path.join(d, dbfilename))
    argv = [binary, "--port", str(free_port()), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", d,
            "--dbfilename", dbfilename] + list(extra)
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           cwd=d, timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.fail("%s started on a bad file (did not exit): %r\n%s" % (
            binary, argv, (e.stdout or b"").decode(errors="replace")[-2000:]))
    out = p.stdout
    for m in SANITIZER_MARKERS:
        if m in out:
            SERVER_PROBLEMS.append("%r printed %r:\n%s" % (
                argv, m, out.decode(errors="replace")[-3000:]))
    assert p.returncode > 0, "%s: exit %s (a signal is a crash):\n%s" % (
        binary, p.returncode, out.decode(errors="replace")[-3000:])
    return p.returncode, out.decode(errors="replace")


# ------------------------------------------------- (a) redis -> under test
@pytest.mark.slow
def test_redis_file_loads_in_server_under_test(servers):
    src = servers.start(ref=True, name="redis source")
    with conn(src) as c:
        ds.build(c)
    made = snap(src)
    assert len(made) > 60
    path = save(src)
    ref = servers.start(ref=True, rdb=path, name="redis reloaded")
    sut = servers.start(rdb=path)
    got = snap(sut)
    assert_same(got, made, encodings=False, what="loaded vs made:")
    assert_same(got, snap(ref), encodings=True,
                what="under test vs redis, same file:")
    assert keyspace_counts(sut) == keyspace_counts(ref)
    info = info_fields(sut)
    assert info["loading"] == "0"
    assert info["rdb_changes_since_last_save"] == "0"
    # and back: the file the server under test writes from it is redis's
    back = save(sut)
    check_rdb(back)
    again = servers.start(ref=True, rdb=back, name="redis, round trip")
    assert_same(snap(again), snap(ref), encodings=True, what="round trip:")


# ------------------------------------------------- (b) under test -> redis
@pytest.mark.slow
def test_server_under_test_file_loads_in_redis(servers):
    sut = servers.start()
    with conn(sut) as c:
        ds.build(c)
    made = snap(sut)
    path = save(sut)
    with open(path, "rb") as f:
        assert f.read(9) == b"REDIS0010"
    check_rdb(path)
    loaded = servers.start(ref=True, rdb=path, name="redis loading")
    got = snap(loaded)
    assert_same(got, made, encodings=False, what="redis loaded vs made:")
    # The encodings redis-server gives the data after loading it are the
    # ones it gives after loading its own file of the same data.
    own = servers.start(ref=True, name="redis own")
    with conn(own) as c:
        ds.build(c)
        assert c.cmd("DEBUG", "RELOAD") == b"OK"
    assert_same(got, snap(own), encodings=True,
                what="redis loading ours vs redis reloading its own:")


@pytest.mark.slow
def test_compression_and_checksum_options_stay_loadable(servers):
    """rdbcompression no writes every string raw (a bigger file),
    rdbchecksum no (a start-up option) writes a zero CRC; redis-check-rdb
    and redis-server accept all four files."""
    sizes = {}
    for crc in ("yes", "no"):
        sut = servers.start("--rdbchecksum", crc)
        with conn(sut) as c:
            ds.build(c, big=False, plain=False)
            c.cmd("SET", "compressible", "z" * 200000)
            assert c.cmd("CONFIG", "SET", "rdbchecksum", "yes") == \
                b"ERR CONFIG SET failed (possibly related to argument " \
                b"'rdbchecksum') - can't set immutable config"
        made = snap(sut)
        for comp in ("yes", "no"):
            with conn(sut) as c:
                assert c.cmd("CONFIG", "SET", "rdbcompression", comp) == b"OK"
                assert c.cmd("CONFIG", "GET", "rdbcompression") == \
                    [b"rdbcompression", comp.encode()]
            path = save(sut)
            with open(path, "rb") as f:
                data = f.read()
            sizes[(comp, crc)] = len(data)
            assert data[:9] == b"REDIS0010"
            assert data[-9] == 0xFF, "EOF opcode before the checksum"
            if crc == "no":
                assert data[-8:] == b"\0" * 8
            else:
                assert data[-8:] != b"\0" * 8
            check_rdb(path)
            keep = path + ".%s%s" % (comp, crc)
            shutil.copyfile(path, keep)
            ref = servers.start(ref=True, rdb=keep,
                                name="redis %s/%s" % (comp, crc))
            assert_same(snap(ref), made, encodings=False,
                        what="rdbcompression %s rdbchecksum %s:" % (comp, crc))
            ref.stop()
        sut.stop()
    assert sizes[("no", "yes")] > sizes[("yes", "yes")] + 190000
    # aux fields (ctime, used-mem) may differ by a byte or two
    assert abs(sizes[("yes", "yes")] - sizes[("yes", "no")]) < 16


# ------------------------------------------------- (c) Redis's test assets
ASSETS = ["corrupt_empty_keys.rdb", "corrupt_ziplist.rdb", "encodings.rdb",
          "hash-ziplist.rdb", "hash-zipmap.rdb", "list-quicklist.rdb",
          "scriptbackup.rdb", "zset-ziplist.rdb"]


@pytest.fixture(scope="module")
def assets_dir():
    cands = [os.environ.get("KILAT_REDIS_SUITE", ""),
             os.path.join(REPO, "build", "redis-suite", "redis")]
    for c in cands:
        if c and os.path.isdir(os.path.join(c, "tests", "assets")):
            return os.path.join(c, "tests", "assets")
    fetch = os.path.join(REPO, "scripts", "redis-suite-fetch.sh")
    p = subprocess.run([fetch, os.path.join(REPO, "build", "redis-suite")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    d = os.path.join(REPO, "build", "redis-suite", "redis", "tests", "assets")
    if p.returncode != 0 or not os.path.isdir(d):
        pytest.fail("Redis's test assets not found (set KILAT_REDIS_SUITE): %s"
                    % p.stdout.decode(errors="replace"))
    return d


def test_asset_list_is_complete(assets_dir):
    """Every .rdb the suite ships is in ASSETS (none skipped silently)."""
    have = sorted(os.path.basename(p)
                  for p in glob.glob(os.path.join(assets_dir, "*.rdb")))
    assert have == sorted(ASSETS)


def _try_start(servers, rdb, name, ref):
    """A running server on a copy of rdb, or (exit code, output)."""
    # Probe first: a file that is refused must make the process exit.
    srv = new_server(("--enable-debug-command", "yes", "--dbfilename", name),
                     ref, "%s on %s" % ("redis" if ref else "under test", name))
    shutil.copyfile(rdb, os.path.join(srv.dir, name))
    try:
        srv.start()
    except Exception as e:  # noqa: BLE001 (ServerError)
        code = srv.proc.returncode if srv.proc else None
        assert code is not None and code > 0, \
            "%s: not a clean refusal (%s): %s" % (srv.name, code, e)
        srv.checked = True
        return None, (code, srv.output().decode(errors="replace"))
    servers.started.append(srv)
    return srv, None


@pytest.mark.parametrize("name", ASSETS)
def test_redis_asset_loads_the_same(servers, assets_dir, name):
    path = os.path.join(assets_dir, name)
    ref, ref_fail = _try_start(servers, path, name, ref=True)
    sut, sut_fail = _try_start(servers, path, name, ref=False)
    if ref is not None:
        assert sut is not None, "redis loads %s, the server under test " \
            "refuses it:\n%s" % (name, sut_fail[1][-2000:])
        want = snap(ref)
        assert_same(snap(sut), want, encodings=True, what=name + ":")
        assert keyspace_counts(sut) == keyspace_counts(ref)
        # and the file our server writes back from it is redis's again
        p = save(sut)
        check_rdb(p)
        again = servers.start(ref=True, rdb=p, name="redis on resaved " + name)
        assert_same(snap(again), want, encodings=True,
                    what=name + " resaved:")
    else:
        assert sut is None, "redis refuses %s, the server under test loads " \
            "it (redis said: %s)" % (name, ref_fail[1][-800:])


def test_asset_refusals_are_the_expected_ones(assets_dir):
    """The assets redis-server refuses, so the 'both refuse' branch above
    is taken for the right files only: corrupt_ziplist.rdb (a ziplist that
    fails its integrity check)."""
    refused = []
    for name in ASSETS:
        srv = new_server(("--dbfilename", name), True, "redis probe " + name)
        shutil.copyfile(os.path.join(assets_dir, name),
                        os.path.join(srv.dir, name))
        try:
            srv.start()
        except Exception:  # noqa: BLE001
            srv.checked = True
            refused.append(name)
            continue
        srv.stop()
    assert refused == ["corrupt_ziplist.rdb"]


# ------------------------------------------------- (d) truncated / corrupt
def _make_small_rdb(servers):
    src = servers.start("--rdbcompression", "no", ref=True, name="redis small")
    with conn(src) as c:
        ds.pipeline(c, [("SET", "a%d" % i, "value-%d" % i) for i in range(50)]
                    + [("RPUSH", "list", *["x%d" % i for i in range(100)]),
                       ("SET", "corrupt-me", "A" * 100),
                       ("HSET", "h", "f", "v")])
    p = save(src)
    with open(p, "rb") as f:
        return f.read()


def _corrupt(data, kind):
    data = bytearray(data)
    if kind == "truncated-half":
        return bytes(data[:len(data) // 2])
    if kind == "truncated-header":
        return bytes(data[:7])
    if kind == "truncated-before-checksum":
        return bytes(data[:-8])
    if kind == "unknown-type":
        i = data.find(b"\x0acorrupt-me")
        assert i > 0 and data[i - 1] == 0, "string type byte before the key"
        data[i - 1] = 0x3F  # no such type
        return bytes(data)
    if kind == "bad-checksum":
        i = data.find(b"A" * 100)
        assert i > 0
        data[i + 50] = ord("B")  # parses fine, CRC-64 no longer matches
        return bytes(data)
    raise AssertionError(kind)


CORRUPTIONS = ["truncated-half", "truncated-header",
               "truncated-before-checksum", "unknown-type", "bad-checksum"]
OFFSET = re.compile(r"offset\D{0,3}\d+", re.I)


def _bad_file(servers, tmp_path, kind):
    path = os.path.join(str(tmp_path), "bad-dump.rdb")
    with open(path, "wb") as f:
        f.write(_corrupt(_make_small_rdb(servers), kind))
    return path


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_bad_file_stops_startup(servers, tmp_path, kind):
    """Both servers refuse to start (exit code > 0, no crash, never a
    partial dataset) on a truncated or corrupt file."""
    path = _bad_file(servers, tmp_path, kind)
    _, out_ref = start_expect_exit(REDIS_BIN, path, "bad-dump.rdb")
    if kind == "bad-checksum":
        assert "wrong rdb checksum" in out_ref.lower(), out_ref[-2000:]
    start_expect_exit(server_binary(), path, "bad-dump.rdb")


@pytest.mark.kilat_only
@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_bad_file_message_names_file_and_offset(servers, tmp_path, kind):
    path = _bad_file(servers, tmp_path, kind)
    _, out = start_expect_exit(server_binary(), path, "bad-dump.rdb")
    assert "bad-dump.rdb" in out, out[-2000:]
    if kind == "bad-checksum":
        assert "checksum" in out.lower(), out[-2000:]
    else:
        assert OFFSET.search(out), out[-2000:]


@pytest.mark.kilat_only
def test_corrupt_asset_message_names_file_and_offset(assets_dir):
    _, out = start_expect_exit(server_binary(),
                               os.path.join(assets_dir, "corrupt_ziplist.rdb"),
                               "corrupt_ziplist.rdb")
    assert "corrupt_ziplist.rdb" in out, out[-2000:]
    assert OFFSET.search(out), out[-2000:]


def test_missing_file_starts_empty(servers):
    srv = servers.start("--dbfilename", "nothing-here.rdb")
    assert keyspace_counts(srv) == {}


# ------------------------------------------------- (e) save and reload
@pytest.mark.slow
def test_debug_reload_keeps_keyspace(servers):
    sut, ref = built_pair(servers)
    before = snap(sut)
    with conn(sut) as c:
        assert c.cmd("DEBUG", "RELOAD") == b"OK"
        assert c.cmd("DBSIZE") == len([k for k in before if k[0] == 0])
    with conn(ref) as c:
        assert c.cmd("DEBUG", "RELOAD") == b"OK"
    after = snap(sut)
    assert_same(after, before, encodings=False, what="after DEBUG RELOAD:")
    assert_same(after, snap(ref), encodings=True,
                what="DEBUG RELOAD, under test vs redis:")
    assert os.path.isfile(rdb_path(sut))
    check_rdb(rdb_path(sut))


def _restart(srv):
    """Starts the same server again, in the same directory."""
    srv.start()
    return srv


def _small(srv):
    with conn(srv) as c:
        ds.pipeline(c, [("SET", "k%d" % i, "v%d" % i) for i in range(20)] +
                    [("SELECT", 3), ("RPUSH", "l", "a", "b"),
                     ("PEXPIREAT", "l", ds.T_2100), ("SELECT", 0)])
    return snap(srv)


def test_shutdown_save_without_save_points(servers):
    srv = servers.start()  # --save "" from the harness
    made = _small(srv)
    with conn(srv) as c:
        c.send_command("SHUTDOWN", "SAVE")
        assert c.is_closed(5)
    assert srv.wait_exit() == 0
    assert os.path.isfile(rdb_path(srv))
    check_rdb(rdb_path(srv))
    _restart(srv)
    assert_same(snap(srv), made, what="after SHUTDOWN SAVE:")


def test_shutdown_nosave_with_save_points(servers):
    srv = servers.start("--save", "3600 1")
    with conn(srv) as c:
        assert c.cmd("CONFIG", "GET", "save") == [b"save", b"3600 1"]
    _small(srv)
    with conn(srv) as c:
        c.send_command("SHUTDOWN", "NOSAVE")
        assert c.is_closed(5)
    assert srv.wait_exit() == 0
    assert not os.path.exists(rdb_path(srv))
    _restart(srv)
    assert keyspace_counts(srv) == {}


def test_shutdown_with_save_points_saves(servers):
    srv = servers.start("--save", "3600 1")
    made = _small(srv)
    with conn(srv) as c:
        c.send_command("SHUTDOWN")
        assert c.is_closed(5)
    assert srv.wait_exit() == 0
    _restart(srv)
    assert_same(snap(srv), made, what="after SHUTDOWN with save points:")


def test_shutdown_without_save_points_does_not_save(servers):
    srv = servers.start()
    _small(srv)
    with conn(srv) as c:
        c.send_command("SHUTDOWN")
        assert c.is_closed(5)
    assert srv.wait_exit() == 0
    assert not os.path.exists(rdb_path(srv))


@pytest.mark.parametrize("points", [True, False])
def test_sigterm(servers, points):
    srv = servers.start(*(("--save", "3600 1") if points else ()))
    made = _small(srv)
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit() == 0
    if not points:
        assert not os.path.exists(rdb_path(srv))
        return
    check_rdb(rdb_path(srv))
    _restart(srv)
    assert_same(snap(srv), made, what="after SIGTERM with save points:")


def test_shutdown_nosave_keeps_previous_file(servers):
    srv = servers.start()
    with conn(srv) as c:
        c.cmd("SET", "old", "1")
    save(srv)
    with conn(srv) as c:
        c.cmd("SET", "new", "2")
        c.send_command("SHUTDOWN", "NOSAVE")
        assert c.is_closed(5)
    srv.wait_exit()
    _restart(srv)
    with conn(srv) as c:
        assert c.cmd("GET", "old") == b"1"
        assert c.cmd("EXISTS", "new") == 0


@pytest.mark.slow
def test_bgsave_keeps_point_in_time_view(servers):
    """Values written, deleted and added while a slow BGSAVE runs do not
    reach the file: it holds the dataset as it was when BGSAVE started.
    The server keeps answering writes meanwhile."""
    srv = servers.start()
    n = 30
    with conn(srv) as c:
        ds.pipeline(c, [("SET", "k%02d" % i, "before-%d" % i)
                        for i in range(n)] +
                    [("RPUSH", "list", "a", "b"), ("HSET", "h", "f", "old"),
                     ("SADD", "s", "1"), ("ZADD", "z", "1", "m")])
        made = ds.snapshot(c)
        # 0.1 s per key: about 3.5 s for the whole dataset
        assert c.cmd("CONFIG", "SET", "rdb-key-save-delay", "100000") == b"OK"
        assert c.cmd("BGSAVE") == b"Background saving started"
        assert c.cmd("BGSAVE") == b"ERR Background save already in progress"
        slowest = 0.0
        for i in range(n):
            t = time.time()
            assert c.cmd("SET", "k%02d" % i, "after-%d" % i) == b"OK"
            slowest = max(slowest, time.time() - t)
        for cmd in (("DEL", "list"), ("HSET", "h", "f", "new", "g", "1"),
                    ("SADD", "s", "2"), ("ZINCRBY", "z", "5", "m"),
                    ("SET", "added", "during"), ("APPEND", "k00", "!")):
            t = time.time()
            c.cmd(*cmd)
            slowest = max(slowest, time.time() - t)
        info = c.cmd("INFO", "persistence").decode()
        assert "rdb_bgsave_in_progress:1" in info, \
            "BGSAVE ended before the writes: the test proves nothing"
        assert c.cmd("GET", "k05") == b"after-5"
        assert slowest < 1.0 * SLOW, "a write waited %.2fs during BGSAVE" % slowest
        assert c.cmd("CONFIG", "SET", "rdb-key-save-delay", "0") == b"OK"
    wait_bgsave_done(srv, 60)
    fields = info_fields(srv)
    assert fields["rdb_last_bgsave_status"] == "ok"
    check_rdb(rdb_path(srv))
    for ref in (False, True):
        other = servers.start(ref=ref, rdb=rdb_path(srv),
                              name="loads the BGSAVE file (%s)" % ref)
        assert_same(snap(other), made, encodings=False,
                    what="BGSAVE file vs dataset at BGSAVE time:")
        other.stop()


def test_bgsave_errors_schedule_and_lastsave(servers):
    srv = servers.start()
    with conn(srv) as c:
        c.cmd("SET", "a", "1")
        last = c.cmd("LASTSAVE")
        assert c.cmd("BGSAVE", "NOW") == b"ERR syntax error"
        assert c.cmd("BGSAVE", "SCHEDULE", "x") == b"ERR syntax error"
        assert c.cmd("LASTSAVE", "x") == \
            b"ERR wrong number of arguments for 'lastsave' command"
        assert c.cmd("SAVE", "x") == \
            b"ERR wrong number of arguments for 'save' command"
        assert c.cmd("CONFIG", "SET", "rdb-key-save-delay", "1000000") == b"OK"
        assert c.cmd("BGSAVE") == b"Background saving started"
        assert c.cmd("BGSAVE") == b"ERR Background save already in progress"
        assert c.cmd("BGSAVE", "SCHEDULE") == \
            b"ERR Background save already in progress"
        assert c.cmd("SAVE") == b"ERR Background save already in progress"
        assert c.cmd("CONFIG", "SET", "rdb-key-save-delay", "0") == b"OK"
    wait_bgsave_done(srv, 30)
    assert info_fields(srv)["rdb_saves"] == "1"
    with conn(srv) as c:
        # BGSAVE inside a transaction is scheduled, then runs
        assert c.cmd("MULTI") == b"OK"
        assert c.cmd("BGSAVE") == b"QUEUED"
        assert c.cmd("EXEC") == [b"Background saving scheduled"]
    assert wait_for(lambda: info_fields(srv)["rdb_saves"] == "2", timeout=30)
    wait_bgsave_done(srv, 30)
    with conn(srv) as c:
        assert c.cmd("LASTSAVE") >= last
        assert abs(c.cmd("LASTSAVE") - time.time()) < 30


def test_info_persistence_fields(servers):
    srv = servers.start()
    f = info_fields(srv)
    for k in ("loading", "async_loading", "rdb_changes_since_last_save",
              "rdb_bgsave_in_progress", "rdb_last_save_time",
              "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
              "rdb_current_bgsave_time_sec", "rdb_saves",
              "rdb_last_cow_size"):
        assert k in f, "INFO persistence lacks %s" % k
    assert f["loading"] == "0" and f["async_loading"] == "0"
    assert f["rdb_bgsave_in_progress"] == "0"
    assert f["rdb_last_bgsave_status"] == "ok"
    assert f["rdb_last_bgsave_time_sec"] == "-1"
    assert f["rdb_current_bgsave_time_sec"] == "-1"
    assert f["rdb_saves"] == "0"
    assert abs(int(f["rdb_last_save_time"]) - time.time()) < 30
    with conn(srv) as c:
        c.cmd("SET", "a", "1")
        c.cmd("SET", "b", "1")
        c.cmd("INCR", "a")
        c.cmd("GET", "a")  # a read is no change
        assert info_fields(srv)["rdb_changes_since_last_save"] == "3"
        assert c.cmd("SAVE") == b"OK"
        f = info_fields(srv)
        assert f["rdb_changes_since_last_save"] == "0"
        assert f["rdb_saves"] == "1"
        assert int(f["rdb_last_save_time"]) == c.cmd("LASTSAVE")
        c.cmd("DEL", "a")
        assert c.cmd("BGSAVE") == b"Background saving started"
    wait_bgsave_done(srv)
    f = info_fields(srv)
    assert f["rdb_saves"] == "2"
    assert f["rdb_last_bgsave_status"] == "ok"
    assert int(f["rdb_last_bgsave_time_sec"]) >= 0
    assert f["rdb_changes_since_last_save"] == "0"


@pytest.mark.kilat_only
def test_no_copy_on_write_reported(servers):
    """kilat saves without fork: nothing is copied on write."""
    srv = servers.start()
    with conn(srv) as c:
        ds.pipeline(c, [("SET", "k%d" % i, "v" * 100) for i in range(2000)])
        assert c.cmd("CONFIG", "SET", "rdb-key-save-delay", "200") == b"OK"
        assert c.cmd("BGSAVE") == b"Background saving started"
        for i in range(2000):
            c.cmd("SET", "k%d" % i, "w" * 100)
    wait_bgsave_done(srv, 30)
    f = info_fields(srv)
    assert f["rdb_last_bgsave_status"] == "ok"
    assert f["rdb_last_cow_size"] == "0"


def test_misconf_after_failed_bgsave(servers, tmp_path):
    """A BGSAVE that cannot write (its directory is gone: fails as root
    too) turns writes away with MISCONF while save points exist, until a
    save succeeds."""
    d = tmp_path / "gone"
    d.mkdir()
    srv = servers.start("--save", "3600 1", "--enable-protected-configs", "yes")
    with conn(srv) as c:
        c.cmd("SET", "k", "v")
        assert c.cmd("CONFIG", "SET", "dir", str(d)) == b"OK"
        d.rmdir()
        assert c.cmd("BGSAVE") == b"Background saving started"
        wait_bgsave_done(srv)
        assert info_fields(srv)["rdb_last_bgsave_status"] == "err"
        assert c.cmd("SET", "k", "w") == MISCONF
        assert c.cmd("INCR", "n") == MISCONF
        assert c.cmd("GET", "k") == b"v"  # reads still work
        # no save points: writes pass even after the failure
        assert c.cmd("CONFIG", "SET", "save", "") == b"OK"
        assert c.cmd("SET", "k", "x") == b"OK"
        assert c.cmd("CONFIG", "SET", "save", "3600 1") == b"OK"
        assert c.cmd("SET", "k", "y") == MISCONF
        # the option off: writes pass
        assert c.cmd("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") \
            == b"OK"
        assert c.cmd("SET", "k", "z") == b"OK"
        assert c.cmd("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes") \
            == b"OK"
        assert c.cmd("SET", "k", "z") == MISCONF
        # a successful BGSAVE clears it
        d.mkdir()
        assert c.cmd("CONFIG", "SET", "dir", str(d)) == b"OK"
        assert c.cmd("BGSAVE") == b"Background saving started"
        assert wait_for(lambda: info_fields(srv)["rdb_last_bgsave_status"]
                        == "ok")
        assert c.cmd("SET", "k", "ok") == b"OK"
    assert os.path.isfile(str(d / "dump.rdb"))


def start_slow_loader(servers):
    """A server loading 3000 keys of 100-byte strings (longer than kilat
    keeps inside the entry), 1 ms per key, answering between keys. Not
    waited for: it answers -LOADING first."""
    src = servers.start(ref=True, name="redis source")
    with conn(src) as c:
        ds.pipeline(c, [("SET", "key:%d" % i, "v" * 100) for i in range(3000)])
    path = save(src)
    slow = Server(("--dbfilename", "dump.rdb", "--key-load-delay", "1000",
                   "--loading-process-events-interval-bytes", "1024",
                   "--rdbcompression", "no"), name="slow loader")
    shutil.copyfile(path, os.path.join(slow.dir, "dump.rdb"))
    slow.port = free_port()
    out = open(slow.out_path, "ab")
    slow.proc = subprocess.Popen(slow._argv(), stdout=out,
                                 stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, cwd=slow.dir,
                                 env=server_env())
    out.close()
    servers.started.append(slow)
    return slow


def wait_loading(srv):
    """Waits until srv answers INFO with loading:1 and some keys loaded."""
    end = time.time() + 30 * SLOW
    while time.time() < end:
        try:
            with srv.raw(timeout=2) as c:
                info = c.cmd("INFO", "persistence").decode()
                if "loading:1" in info and "loading_loaded_bytes:0\r" not in info:
                    return
        except (ConnectionRefusedError, OSError, EOFError):
            pass
        time.sleep(0.02)
    raise AssertionError("never saw loading:1 with progress")


def test_sigterm_while_loading_exits_at_once(servers):
    """SIGTERM in the middle of a load ends the process at once with exit
    code 0, as Redis does (no save: the data is not all there); under ASan
    the harness checks that nothing leaked or went wrong on the way out."""
    slow = start_slow_loader(servers)
    with open(os.path.join(slow.dir, "dump.rdb"), "rb") as f:
        before = f.read()
    wait_loading(slow)
    slow.proc.send_signal(signal.SIGTERM)
    assert slow.wait_exit(10 * SLOW) == 0
    slow.check()
    assert not getattr(slow, "problem", None), slow.problem
    with open(os.path.join(slow.dir, "dump.rdb"), "rb") as f:
        assert f.read() == before, "a partly loaded dataset was saved over the file"


def test_loading_reply_while_loading(servers):
    """While a file loads the server answers -LOADING and INFO shows the
    progress; afterwards everything is there."""
    slow = start_slow_loader(servers)
    seen_loading = seen_info = False
    end = time.time() + 30 * SLOW
    while time.time() < end:
        try:
            with slow.raw(timeout=2) as c:
                v = c.cmd("GET", "key:1")
                if getattr(v, "kind", None) == "error":
                    assert v == b"LOADING Redis is loading the dataset in memory"
                    seen_loading = True
                    info = c.cmd("INFO", "persistence").decode()
                    if "loading:1" in info and "loading_loaded_perc:" in info:
                        seen_info = True
                    time.sleep(0.05)
                    continue
                assert v == b"v" * 100
                break
        except (ConnectionRefusedError, OSError, EOFError):
            time.sleep(0.02)
    assert seen_loading, "never saw -LOADING"
    assert seen_info, "INFO persistence did not show loading:1 with progress"
    assert keyspace_counts(slow) == {0: (3000, 0)}


@pytest.mark.parametrize("points", [True, False])
def test_flushall_saves_when_save_points_exist(servers, points):
    srv = servers.start(*(("--save", "3600 1") if points else ()))
    with conn(srv) as c:
        c.cmd("SET", "k", "v")
        assert c.cmd("FLUSHALL") == b"OK"
        if points:
            assert info_fields(srv)["rdb_changes_since_last_save"] == "0"
    if not points:
        assert not os.path.exists(rdb_path(srv))
        return
    out = check_rdb(rdb_path(srv))
    assert "0 keys read" in out
    srv.stop()
    _restart(srv)
    assert keyspace_counts(srv) == {}


def test_keys_expired_in_the_file_are_not_loaded(servers):
    src = servers.start(ref=True, name="redis source")
    with conn(src) as c:
        ds.pipeline(c, [("SET", "stays", "1"), ("SET", "goes", "2"),
                        ("PEXPIRE", "goes", "300"), ("SELECT", 2),
                        ("HSET", "h-goes", "f", "v"), ("PEXPIRE", "h-goes", "300"),
                        ("SELECT", 0)])
    path = save(src)
    time.sleep(0.5)
    for ref in (True, False):
        srv = servers.start(ref=ref, rdb=path)
        assert keyspace_counts(srv) == {0: (1, 0)}
        f = info_fields(srv)
        assert f["rdb_last_load_keys_loaded"] == "1"
        assert f["rdb_last_load_keys_expired"] == "2"


def test_lfu_frequency_travels_in_the_file(servers):
    """With an LFU policy Redis writes each key's frequency; it comes back
    on load (in either server)."""
    # lfu-log-factor 0: every access counts one
    src = servers.start("--maxmemory-policy", "allkeys-lfu",
                        "--lfu-log-factor", "0", ref=True, name="redis lfu")
    with conn(src) as c:
        # not small integers: Redis shares those between keys
        c.cmd("SET", "hot", "h")
        c.cmd("SET", "cold", "c")
        for _ in range(100):
            c.cmd("GET", "hot")
        want = (c.cmd("OBJECT", "FREQ", "hot"), c.cmd("OBJECT", "FREQ", "cold"))
    assert want[0] >= 100 and want[1] < 10, want
    path = save(src)
    for ref in (True, False):
        srv = servers.start("--maxmemory-policy", "allkeys-lfu", ref=ref,
                            rdb=path)
        with conn(srv) as c:
            assert (c.cmd("OBJECT", "FREQ", "hot"),
                    c.cmd("OBJECT", "FREQ", "cold")) == want


def test_lru_idle_travels_in_the_file(servers):
    """With an LRU policy Redis writes each key's idle time; it comes back
    on load (in either server)."""
    src = servers.start("--maxmemory-policy", "allkeys-lru", ref=True,
                        name="redis lru")
    with conn(src) as c:
        c.cmd("SET", "idle", "i")
        time.sleep(2.2)
        c.cmd("SET", "fresh", "f")
    path = save(src)
    for ref in (True, False):
        srv = servers.start("--maxmemory-policy", "allkeys-lru", ref=ref,
                            rdb=path)
        with conn(srv) as c:
            assert c.cmd("OBJECT", "IDLETIME", "idle") >= 2
            assert c.cmd("OBJECT", "IDLETIME", "fresh") <= 1


# ------------------------------------------------- DUMP / RESTORE payloads
def _dumps(srv):
    """{(db, key): payload} for every key."""
    out = {}
    with conn(srv) as c:
        for db in range(ds.DATABASES):
            c.cmd("SELECT", db)
            for k in c.cmd("KEYS", "*"):
                out[(db, k)] = c.cmd("DUMP", k)
    return out


# RDB types whose element order is the hash table's (differs between servers)
UNORDERED = {2, 4}  # RDB_TYPE_SET, RDB_TYPE_HASH


@pytest.mark.slow
def test_dump_payloads_equal_redis_byte_for_byte(servers):
    """DUMP of the same data gives Redis's bytes (hash-table sets and
    hashes, whose order is the table's, are checked by RESTORE below)."""
    sut, ref = built_pair(servers)
    got, want = _dumps(sut), _dumps(ref)
    assert sorted(got) == sorted(want)
    bad = []
    for k in sorted(want):
        w, g = want[k], got[k]
        if k == (6, b"list:plain") and IS_KILAT:
            # Known difference (docs/compatibility.md): kilat tells a plain
            # node by the current DEBUG QUICKLIST-PACKED-THRESHOLD, Redis by
            # how the node was made; the dataset resets the threshold
            # before this DUMP. test_dump.py compares plain nodes while the
            # threshold is set; here the values must still agree.
            assert g[0] == w[0] and len(g) > 0
            continue
        if w[0] in UNORDERED:
            if g[0] != w[0] or len(g) != len(w):
                bad.append("%r: type %d len %d, redis type %d len %d" % (
                    k, g[0], len(g), w[0], len(w)))
        elif g != w:
            bad.append("%r: %s != redis %s" % (k, ds._short(g, 80),
                                               ds._short(w, 80)))
    assert not bad, "\n".join(bad[:12])
    assert len([k for k in want if want[k][0] not in UNORDERED]) > 50


def _restore_all(dst, payloads, made):
    with conn(dst) as c:
        assert c.cmd("FLUSHALL") == b"OK"
        for (db, k), p in payloads.items():
            c.cmd("SELECT", db)
            exp = made[(db, k)][2]
            args = ("RESTORE", k, max(exp, 0), p) + (("ABSTTL",) if exp > 0 else ())
            got = c.cmd(*args)
            assert got == b"OK", (db, k, got)
    return snap(dst)


@pytest.mark.slow
def test_restore_payloads_across_servers(servers):
    """Every payload redis-server dumps restores in the server under test
    and the other way round: same value and TTL, and the encoding
    redis-server itself gives after restoring its own payload (RESTORE may
    change one: a raw string made by APPEND comes back embstr)."""
    sut, ref = built_pair(servers)
    made = snap(ref)
    redis_payloads = _dumps(ref)
    sut_payloads = _dumps(sut)
    scratch = servers.start(ref=True, name="redis restoring")
    want = _restore_all(scratch, redis_payloads, made)
    assert_same(want, made, encodings=False, what="redis restoring its own:")
    assert_same(_restore_all(sut, redis_payloads, made), want,
                what="under test restoring redis's payloads:")
    assert_same(_restore_all(ref, sut_payloads, made), want,
                what="redis restoring the payloads of the server under test:")
