"""SAVE, BGSAVE, LASTSAVE, save points, SHUTDOWN's save, FLUSHALL's save,
DEBUG RELOAD, INFO persistence and the MISCONF gate: differential (kilat and
redis-server), plus the file fault hook of kilat's test builds."""

import os
import shutil
import signal
import time

import pytest
import redis

from conftest import IS_KILAT, SLOW, file_fault, wait_for


def plain(c):
    """The client with redis-py's reply parsing of SAVE/BGSAVE/DEBUG off,
    so the tests see the server's own status text."""
    for k in ("SAVE", "BGSAVE", "DEBUG", "DEBUG RELOAD"):
        c.response_callbacks.pop(k, None)
    return c


def info(c, field):
    return c.info("persistence")[field]


def wait_bgsave_done(c, timeout=20.0):
    assert wait_for(lambda: info(c, "rdb_bgsave_in_progress") == 0, timeout * SLOW)


def fill(c, n=200, prefix="k"):
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.set("%s%d" % (prefix, i), "v%d" % i)
    p.execute()


def restart(srv):
    """Stops srv without saving (the file on disk stays) and starts it
    again on the same dir; returns a fresh client."""
    srv.stop()
    srv.start()
    return plain(srv.client())


def test_save_and_restart_keeps_data(start_server):
    srv = start_server()
    c = plain(srv.client())
    fill(c, 300)
    c.select(3)
    c.set("db3", "x")
    c.expire("db3", 1000)
    c.select(0)
    before = info(c, "rdb_changes_since_last_save")
    assert before >= 301
    assert c.execute_command("SAVE") == b"OK"
    assert info(c, "rdb_changes_since_last_save") == 0
    assert info(c, "rdb_last_bgsave_status") == "ok"
    assert abs(c.lastsave().timestamp() - time.time()) < 5
    assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    c = restart(srv)
    assert c.dbsize() == 300
    assert c.get("k17") == b"v17"
    c.select(3)
    assert c.get("db3") == b"x"
    assert 900 < c.ttl("db3") <= 1000
    assert info(c, "rdb_last_load_keys_loaded") == 301
    out = srv.output()  # the load is logged once, as Redis logs it
    assert out.count(b"Done loading RDB, keys loaded: 301, keys expired: 0.") == 1, out[-1500:]
    assert out.count(b"DB loaded from disk: ") == 1


def test_bgsave_replies_and_schedule(start_server):
    srv = start_server()
    c = plain(srv.client())
    fill(c, 50)
    c.config_set("rdb-key-save-delay", "20000")  # 50 keys: ~1 s
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert info(c, "rdb_bgsave_in_progress") == 1
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("SAVE")
    # SCHEDULE waits only for another kind of child (AOF rewrite)
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("BGSAVE", "SCHEDULE")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        c.execute_command("BGSAVE", "NOW")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        c.execute_command("BGSAVE", "SCHEDULE", "x")
    c.config_set("rdb-key-save-delay", "0")
    wait_bgsave_done(c)
    assert info(c, "rdb_saves") == 1
    # inside EXEC it is scheduled, and the cron runs it after
    p = c.pipeline(transaction=True)
    p.set("m", "1")
    p.execute_command("BGSAVE")
    assert p.execute() == [True, b"Background saving scheduled"]
    assert wait_for(lambda: info(c, "rdb_saves") >= 2, 10 * SLOW)
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "ok"
    assert info(c, "rdb_changes_since_last_save") == 0


def test_bgsave_is_point_in_time(start_server):
    srv = start_server()
    c = plain(srv.client())
    fill(c, 100)
    c.rpush("list", *[b"a%d" % i for i in range(100)])
    c.hset("h", mapping={"f%d" % i: i for i in range(10)})
    c.config_set("rdb-key-save-delay", "10000")  # ~1 s for 102 keys
    c.execute_command("BGSAVE")
    # change, delete and add keys while it runs
    for i in range(100):
        c.set("k%d" % i, "changed")
    c.delete("list")
    c.hset("h", "f0", "changed")
    c.set("new", "1")
    c.config_set("rdb-key-save-delay", "0")
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "ok"
    assert info(c, "rdb_changes_since_last_save") > 100  # writes during it still count
    c = restart(srv)
    assert c.get("k5") == b"v5"
    assert c.get("new") is None
    assert c.llen("list") == 100
    assert c.hget("h", "f0") == b"0"


def test_flushall_aborts_bgsave_and_saves_with_save_points(start_server):
    srv = start_server()
    c = plain(srv.client())
    fill(c, 100)
    c.config_set("rdb-key-save-delay", "100000")
    c.execute_command("BGSAVE")
    assert info(c, "rdb_bgsave_in_progress") == 1
    c.flushall()
    assert wait_for(lambda: info(c, "rdb_bgsave_in_progress") == 0, 2 * SLOW)
    assert info(c, "rdb_changes_since_last_save") >= 100  # not saved
    assert not [f for f in os.listdir(srv.dir) if f.startswith("temp-")]
    c.config_set("rdb-key-save-delay", "0")
    # with save points FLUSHALL saves the empty dataset at once
    c.set("a", "1")
    c.execute_command("SAVE")
    c.config_set("save", "3600 1")
    c.flushall()
    assert info(c, "rdb_changes_since_last_save") == 0
    c = restart(srv)
    assert c.dbsize() == 0


def test_save_point_triggers_bgsave(start_server):
    srv = start_server("--save", "1 1")
    c = plain(srv.client())
    c.set("x", "1")
    assert wait_for(lambda: info(c, "rdb_changes_since_last_save") == 0, 10 * SLOW)
    assert info(c, "rdb_saves") >= 1
    assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))


def test_shutdown_saves_with_save_points_and_nosave_does_not(start_server):
    srv = start_server("--save", "3600 1")
    c = plain(srv.client())
    c.set("a", "1")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN")  # save points: it saves
    srv.wait_exit()
    srv.start()
    c = plain(srv.client())
    assert c.get("a") == b"1"
    c.set("a", "2")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "NOSAVE")
    srv.wait_exit()
    srv.start()
    c = plain(srv.client())
    assert c.get("a") == b"1"
    c.set("b", "1")
    c.config_set("save", "")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "SAVE")  # SAVE without save points
    srv.wait_exit()
    srv.start()
    assert plain(srv.client()).get("b") == b"1"


def test_sigterm_saves_when_save_points_exist(start_server):
    srv = start_server("--save", "3600 1")
    c = plain(srv.client())
    c.set("sig", "yes")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit() == 0
    srv.start()
    assert plain(srv.client()).get("sig") == b"yes"


def test_shutdown_abort_without_shutdown(r):
    with pytest.raises(redis.ResponseError, match="^No shutdown in progress.$"):
        r.execute_command("SHUTDOWN", "ABORT")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("SHUTDOWN", "ABORT", "NOSAVE")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("SHUTDOWN", "SAVE", "NOSAVE")


def test_failed_bgsave_denies_writes_until_a_save_works(start_server):
    srv = start_server("--save", "3600 1000000", "--enable-protected-configs", "yes")
    c = plain(srv.client())
    c.set("x", "x")
    gone = os.path.join(srv.dir, "gone")
    os.mkdir(gone)
    c.config_set("dir", gone)
    shutil.rmtree(gone)  # the temp file cannot be created, even as root
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert wait_for(lambda: info(c, "rdb_last_bgsave_status") == "err", 5 * SLOW)
    wait_bgsave_done(c)
    assert c.get("x") == b"x"
    with pytest.raises(redis.ResponseError, match="^MISCONF "):
        c.set("x", "y")
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        c.eval("return redis.call('set','x',1)", 1, "x")
    assert c.eval("return redis.call('get','x')", 1, "x") == b"x"
    with pytest.raises(redis.ResponseError, match="^MISCONF "):
        c.ping()
    # turning the option off lifts it at once
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set("x", "y")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    c.config_set("dir", srv.dir)
    c.execute_command("BGSAVE")
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "ok"
    assert c.set("x", "z")


def test_debug_reload_keeps_everything(start_server):
    r = plain(start_server("--enable-debug-command", "yes").client())
    r.set("s", "v")
    r.expire("s", 500)
    r.rpush("l", "a", "b", 1, 2)
    r.sadd("set", 1, 2, 3)
    r.zadd("z", {"a": 1.5, "b": -2})
    r.hset("h", "f", "v")
    r.select(5)
    r.set("five", "5")
    r.select(0)
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert r.get("s") == b"v" and 490 < r.ttl("s") <= 500
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"1", b"2"]
    assert r.smembers("set") == {b"1", b"2", b"3"}
    assert r.zrange("z", 0, -1, withscores=True) == [(b"b", -2.0), (b"a", 1.5)]
    assert r.hgetall("h") == {b"f": b"v"}
    r.select(5)
    assert r.get("five") == b"5"
    r.select(0)
    with pytest.raises(redis.ResponseError, match="only supports the MERGE, NOFLUSH and NOSAVE"):
        r.execute_command("DEBUG", "RELOAD", "BAD")
    # NOSAVE loads the file as it is: the key set after the save is gone
    r.set("later", "1")
    assert r.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert r.get("later") is None


def test_info_persistence_fields(r):
    p = r.info("persistence")
    for f in ("loading", "async_loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
              "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
              "rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size",
              "current_save_keys_processed", "current_save_keys_total",
              "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded"):
        assert f in p, f
    assert p["loading"] == 0
    assert p["rdb_current_bgsave_time_sec"] == -1


# ------------------------------------------------ kilat's test-build faults

@pytest.mark.kilat_only
@pytest.mark.parametrize("op", ["write", "fsync", "rename", "create"])
def test_disk_fault_fails_the_save_and_keeps_the_old_file(start_server, op):
    srv = start_server("--save", "3600 1000000", "--enable-debug-command", "yes")
    c = plain(srv.client())
    c.set("old", "1")
    c.execute_command("SAVE")
    c.set("new", "1")
    file_fault(c, op, "28", "100")  # ENOSPC (writes: after 100 bytes)
    with pytest.raises(redis.ResponseError, match="^ERR$|^$"):
        c.execute_command("SAVE")
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert wait_for(lambda: info(c, "rdb_last_bgsave_status") == "err", 5 * SLOW)
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "err"
    with pytest.raises(redis.ResponseError, match="^MISCONF "):
        c.set("x", "1")
    assert not [f for f in os.listdir(srv.dir) if f.startswith("temp-")]
    file_fault(c, "off")
    c.execute_command("BGSAVE")
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "ok"
    c.set("x", "1")
    c = restart(srv)
    assert c.get("old") == b"1" and c.get("new") == b"1"


@pytest.mark.kilat_only
def test_shutdown_refused_when_the_save_fails(start_server):
    srv = start_server("--save", "3600 1", "--enable-debug-command", "yes")
    c = plain(srv.client())
    c.set("a", "1")
    file_fault(c, "write", "5")  # EIO at once
    with pytest.raises(redis.ResponseError, match="^Errors trying to SHUTDOWN. Check logs.$"):
        c.execute_command("SHUTDOWN")
    assert c.ping()
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "FORCE")
    srv.wait_exit()


@pytest.mark.kilat_only
def test_bad_file_fault_arguments(start_server):
    r = start_server("--enable-debug-command", "yes").client()
    with pytest.raises(redis.ResponseError):
        r.execute_command("DEBUG", "FILE-FAULT", "nope")
    with pytest.raises(redis.ResponseError):
        r.execute_command("DEBUG", "FILE-FAULT", "write", "0")


def test_shutdown_on_sigint_nosave_skips_the_save(start_server):
    srv = start_server("--save", "3600 1", "--shutdown-on-sigint", "nosave")
    c = plain(srv.client())
    c.set("a", "1")
    srv.proc.send_signal(signal.SIGINT)
    assert srv.wait_exit() == 0
    assert not os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    srv.start()
    c = plain(srv.client())
    c.config_set("shutdown-on-sigterm", "nosave")
    c.set("b", "1")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit() == 0
    assert not os.path.exists(os.path.join(srv.dir, "dump.rdb"))


def test_config_set_dir_during_bgsave_keeps_the_file_in_the_old_dir(start_server):
    srv = start_server("--enable-protected-configs", "yes")
    c = plain(srv.client())
    fill(c, 20)
    c.config_set("rdb-key-save-delay", "20000")  # ~0.4 s
    c.execute_command("BGSAVE")
    other = os.path.join(srv.dir, "other")
    os.mkdir(other)
    c.config_set("dir", other)
    c.config_set("rdb-key-save-delay", "0")
    wait_bgsave_done(c)
    assert info(c, "rdb_last_bgsave_status") == "ok"
    assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    assert not os.path.exists(os.path.join(other, "dump.rdb"))
    c.config_set("dir", srv.dir)


def test_shutdown_while_loading_never_overwrites_the_file(start_server):
    srv = start_server("--save", "3600 1", "--key-load-delay", "200",
                       "--loading-process-events-interval-bytes", "1024")
    c = plain(srv.client())
    p = c.pipeline(transaction=False)
    for i in range(3000):
        p.set("key:%d" % i, "x" * 100)
    p.execute()
    c.execute_command("SAVE")
    size = os.path.getsize(os.path.join(srv.dir, "dump.rdb"))
    srv.stop()
    srv.proc = None
    # start it by hand: the harness waits for PING, which answers -LOADING
    import subprocess
    argv = srv._argv()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=srv.dir)
    try:
        c = None
        def loading():
            nonlocal c
            try:
                c = plain(redis.Redis(port=srv.port, socket_timeout=5))
                return c.info("persistence")["loading"] == 1
            except redis.ConnectionError:
                return False
        assert wait_for(loading, 10 * SLOW)
        with pytest.raises(redis.exceptions.BusyLoadingError):
            c.get("key:1")  # -LOADING
        try:
            c.execute_command("SHUTDOWN")
        except redis.ConnectionError:
            pass
        proc.wait(10 * SLOW)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert os.path.getsize(os.path.join(srv.dir, "dump.rdb")) == size
    srv.start()
    assert plain(srv.client()).dbsize() == 3000


@pytest.mark.kilat_only
def test_read_error_while_loading_is_reported_not_crashed(start_server):
    srv = start_server("--enable-debug-command", "yes")
    c = plain(srv.client())
    fill(c, 500)
    c.execute_command("SAVE")
    file_fault(c, "read", "5", "1000")  # EIO after 1000 bytes
    with pytest.raises(redis.ResponseError, match="Error trying to load the RDB dump"):
        c.execute_command("DEBUG", "RELOAD", "NOSAVE")
    assert "Read error" in srv.output().decode(errors="replace")
    file_fault(c, "off")
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert c.dbsize() == 500
