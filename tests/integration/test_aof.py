"""The append-only file as a user turns it on: the appendonlydir layout and
manifest, CONFIG SET appendonly, BGREWRITEAOF and its interplay with
BGSAVE, INFO's aof_* fields, manifest errors at start; differential
(kilat and redis-server). Then kilat's test-build disk faults: a failed
write or fsync refuses writes with -MISCONF, holds the replies of the
writes it could not persist under `always`, and recovers with the disk."""

import os
import socket
import subprocess
import time

import pytest
import redis

from conftest import SLOW, file_fault, free_port, run_server_expect_exit, wait_for


def plain(c):
    for k in ("BGSAVE", "BGREWRITEAOF", "DEBUG", "CONFIG SET"):
        c.response_callbacks.pop(k, None)
    return c


def info(c, field=None):
    p = c.info("persistence")
    return p if field is None else p[field]


def aof_dir(srv):
    return os.path.join(srv.dir, "appendonlydir")


def manifest(srv):
    with open(os.path.join(aof_dir(srv), "appendonly.aof.manifest")) as f:
        return f.read().splitlines()


def wait_rewrite(c):
    assert wait_for(lambda: info(c, "aof_rewrite_in_progress") == 0 and
                    info(c, "aof_rewrite_scheduled") == 0, 20 * SLOW)


def last_incr(srv):
    return os.path.join(aof_dir(srv), manifest(srv)[-1].split()[1])


def test_start_creates_base_incr_and_manifest(start_server):
    srv = start_server("--appendonly", "yes")
    c = plain(srv.client())
    assert manifest(srv) == ["file appendonly.aof.1.base.rdb seq 1 type b",
                             "file appendonly.aof.1.incr.aof seq 1 type i"]
    c.set("k", "v")
    c.select(4)
    c.rpush("l", "a", "b")
    want = (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n4\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n")

    def incr():
        with open(last_incr(srv), "rb") as f:
            return f.read()
    # appendfsync everysec lets a server put off its write while a
    # background fsync is running (redis-server did so in one CI run)
    wait_for(lambda: len(incr()) >= len(want), 5 * SLOW)
    data = incr()
    assert data == want
    p = info(c)
    assert p["aof_enabled"] == 1 and p["aof_last_write_status"] == "ok"
    for f in ("aof_current_size", "aof_base_size", "aof_pending_rewrite", "aof_buffer_length",
              "aof_pending_bio_fsync", "aof_delayed_fsync", "aof_rewrites_consecutive_failures"):
        assert f in p, f
    assert p["aof_current_size"] == len(data)


def test_resp_base_when_preamble_off(start_server):
    srv = start_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    assert manifest(srv)[0] == "file appendonly.aof.1.base.aof seq 1 type b"


def test_config_set_appendonly_writes_a_base_first(start_server):
    srv = start_server()
    c = plain(srv.client())
    for i in range(50):
        c.set("k%d" % i, i)
    assert not os.path.exists(aof_dir(srv))
    assert c.execute_command("CONFIG", "SET", "appendonly", "yes") == b"OK"
    wait_rewrite(c)
    assert manifest(srv) == ["file appendonly.aof.1.base.rdb seq 1 type b",
                             "file appendonly.aof.1.incr.aof seq 1 type i"]
    assert info(c, "aof_enabled") == 1 and info(c, "aof_rewrites") == 1
    c.set("after", "1")
    srv.stop()
    srv.extra += ["--appendonly", "yes"]
    srv.start()
    c = srv.client()
    assert c.dbsize() == 51 and c.get("k7") == b"7" and c.get("after") == b"1"


def test_rewrite_switches_manifest_and_removes_history(start_server):
    srv = start_server("--appendonly", "yes", "--auto-aof-rewrite-percentage", "0")
    c = plain(srv.client())
    c.set("a", "1")
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewrite(c)
    c.set("b", "2")
    assert manifest(srv) == ["file appendonly.aof.2.base.rdb seq 2 type b",
                             "file appendonly.aof.2.incr.aof seq 2 type i"]
    assert wait_for(lambda: sorted(os.listdir(aof_dir(srv))) ==
                    ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"],
                    5 * SLOW)
    assert not [f for f in os.listdir(srv.dir) if f.startswith("temp-")]
    assert info(c, "aof_last_bgrewrite_status") == "ok"
    assert info(c, "aof_rewrites") == 1


def test_rewrite_with_appendonly_off_leaves_only_a_base(start_server):
    srv = start_server("--appendonly", "yes", "--auto-aof-rewrite-percentage", "0")
    c = plain(srv.client())
    c.set("a", "1")
    assert c.execute_command("CONFIG", "SET", "appendonly", "no") == b"OK"
    c.execute_command("BGREWRITEAOF")
    wait_rewrite(c)
    assert manifest(srv) == ["file appendonly.aof.2.base.rdb seq 2 type b"]
    assert info(c, "aof_enabled") == 0
    assert "aof_current_size" not in info(c)


def test_rewrite_scheduled_behind_bgsave_and_refused_twice(start_server):
    srv = start_server("--appendonly", "yes", "--auto-aof-rewrite-percentage", "0")
    c = plain(srv.client())
    for i in range(20):
        c.set("k%d" % i, i)
    c.config_set("rdb-key-save-delay", 100000)  # 0.1 s per key
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting scheduled"
    assert info(c, "aof_rewrite_scheduled") == 1
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite(c)
    assert info(c, "aof_rewrites") == 1
    c.config_set("rdb-key-save-delay", 100000)
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    with pytest.raises(redis.ResponseError, match="^Background append only file rewriting already in progress$"):
        c.execute_command("BGREWRITEAOF")
    with pytest.raises(redis.ResponseError, match=r"^Another child process is active \(AOF\?\): can't BGSAVE right now"):
        c.execute_command("BGSAVE")
    assert c.execute_command("BGSAVE", "SCHEDULE") == b"Background saving scheduled"
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite(c)
    assert wait_for(lambda: info(c, "rdb_bgsave_in_progress") == 0 and info(c, "rdb_saves") >= 2, 20 * SLOW)


def test_turning_off_stops_the_rewrite(start_server):
    srv = start_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    c = plain(srv.client())
    c.set("k", "v")
    c.config_set("rdb-key-save-delay", 10000000)
    c.execute_command("BGREWRITEAOF")
    c.config_set("appendonly", "no")
    assert info(c, "aof_rewrite_in_progress") == 0
    assert wait_for(lambda: b"Killing running AOF rewrite child" in srv.output(), 5 * SLOW)
    c.config_set("rdb-key-save-delay", 0)
    assert not [f for f in os.listdir(srv.dir) if f.startswith("temp-rewriteaof")]


@pytest.mark.parametrize("lines,message", [
    (["file appendonly.aof.1.base.aof seq 1 type x"], "Unknown AOF file type"),
    (["file appendonly.aof.2.incr.aof seq 2 type i", "file appendonly.aof.1.incr.aof seq 1 type i"],
     "Found a non-monotonic sequence number"),
    (["file appendonly.aof.1.base.aof seq 1 type b", "file appendonly.aof.2.base.aof seq 2 type b"],
     "Found duplicate base file information"),
    (["file appendonly.aof.1.incr.aof type i"], "Invalid AOF manifest file format"),
    (["file a/b seq 1 type i"], "File can't be a path, just a filename"),
    (["file \"unterminated seq 1 type i"], "Invalid AOF manifest file format"),
    ([], "Found an empty AOF manifest"),
    (["file " + "x" * 1100 + " seq 1 type i"], "The AOF manifest file contains too long line"),
])
def test_bad_manifest_stops_the_start(tmp_path, lines, message):
    d = tmp_path / "appendonlydir"
    d.mkdir()
    (d / "appendonly.aof.manifest").write_text("".join(l + "\n" for l in lines))
    code, out = run_server_expect_exit(["--port", free_port(), "--appendonly", "yes", "--dir", tmp_path])
    assert code == 1
    assert message.encode() in out
    assert b"FATAL AOF MANIFEST FILE ERROR" in out


def test_missing_incr_file_stops_the_start(tmp_path):
    d = tmp_path / "appendonlydir"
    d.mkdir()
    (d / "appendonly.aof.1.base.aof").write_bytes(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    (d / "appendonly.aof.manifest").write_text("file appendonly.aof.1.base.aof seq 1 type b\n"
                                               "file appendonly.aof.1.incr.aof seq 1 type i\n")
    code, out = run_server_expect_exit(["--port", free_port(), "--appendonly", "yes", "--dir", tmp_path])
    assert code == 1
    assert b"appendonly.aof.1.incr.aof length. stat: No such file or directory" in out


def test_whitespace_in_appendfilename_is_quoted_in_the_manifest(start_server):
    srv = start_server("--appendonly", "yes", "--appendfilename", " my file.aof")
    with open(os.path.join(aof_dir(srv), " my file.aof.manifest")) as f:
        assert f.read().splitlines() == ['file " my file.aof.1.base.rdb" seq 1 type b',
                                         'file " my file.aof.1.incr.aof" seq 1 type i']


def test_getex_without_options_and_reads_append_nothing(start_server):
    # always: each write is in the file when its reply comes (everysec
    # may put a write off while a background fsync runs)
    srv = start_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.client()
    c.set("foo", "bar")
    size = os.path.getsize(last_incr(srv))
    c.getex("foo")
    c.get("foo")
    c.exists("foo")
    assert os.path.getsize(last_incr(srv)) == size


# ------------------------------------------------ kilat's test-build faults

def held_set(srv, key):
    """A raw connection that sent SET key 1: its reply may be held."""
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\n1\r\n" % (len(key), key.encode()))
    return s


@pytest.mark.kilat_only
@pytest.mark.parametrize("policy,op", [("always", "write"), ("always", "fsync"),
                                       ("everysec", "write"), ("everysec", "fsync")])
def test_disk_error_refuses_writes_until_it_recovers(start_server, policy, op):
    srv = start_server("--appendonly", "yes", "--appendfsync", policy, "--enable-debug-command", "yes")
    c = plain(srv.client())
    c.set("before", "1")
    file_fault(c, op, "28")  # ENOSPC
    s = held_set(srv, "pending")
    s.settimeout(0.5)
    if policy == "always":  # not durable: no reply
        with pytest.raises(socket.timeout):
            s.recv(100)
    else:  # everysec acknowledges before the fsync; the error shows after
        assert s.recv(100) == b"+OK\r\n"
        assert wait_for(lambda: info(c, "aof_last_write_status") == "err", 5 * SLOW)
    assert info(c, "aof_last_write_status") == "err"
    with pytest.raises(redis.ResponseError,
                       match="^MISCONF Errors writing to the AOF file: No space left on device$"):
        c.set("x", "1")
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.ping()
    assert c.get("before") == b"1"  # reads go on
    file_fault(c, "off")
    assert wait_for(lambda: info(c, "aof_last_write_status") == "ok", 5 * SLOW)
    if policy == "always":
        s.settimeout(5 * SLOW)
        assert s.recv(100) == b"+OK\r\n"
    s.close()
    c.set("after", "1")
    c.execute_command("DEBUG", "LOADAOF")
    assert c.get("before") == b"1" and c.get("after") == b"1" and c.get("pending") == b"1"
    assert c.get("x") is None


def test_rewrite_under_concurrent_writers_loses_and_doubles_nothing(start_server):
    """Redis's aof-race: 20 clients INCR while BGREWRITEAOF runs; the count
    is exact before and after a restart (nothing lost, nothing replayed
    twice by base + incr)."""
    srv = start_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    c = plain(srv.client())
    bench = subprocess.Popen(["redis-benchmark", "-p", str(srv.port), "-c", "20", "-n", "20000", "-q",
                              "incr", "foo"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: int(c.get("foo") or 0) > 0, 5 * SLOW)
    c.execute_command("BGREWRITEAOF")
    assert bench.wait(60 * SLOW) == 0
    wait_rewrite(c)
    assert c.get("foo") == b"20000"
    srv.stop()
    srv.start()
    assert srv.client().get("foo") == b"20000"
