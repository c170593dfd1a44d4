"""Transactions: MULTI EXEC DISCARD WATCH UNWATCH, with two and three
connections. Queue-time rejections (EXECABORT) against run-time errors (in
their slot), nested MULTI and WATCH inside MULTI (errors that do not abort),
WATCH dirtied by writes, expiry, FLUSHDB/FLUSHALL and SWAPDB with Redis
7.0's expired-key rules, RESP3 nulls, blocking commands inside MULTI, SELECT
inside MULTI, scripts, pipelining, big queues, disconnects, commandstats."""

import time

import pytest

from conftest import (SLOW, NIL, NIL_ARRAY, EMPTY_ARRAY, OK, bulk, integer,
                      err, array, WRONGTYPE)

QUEUED = b"+QUEUED\r\n"
EXECABORT = err("EXECABORT Transaction discarded because of previous errors.")


def tx(conn, *cmds):
    """MULTI, the commands (each must reply QUEUED), EXEC: EXEC's raw reply."""
    assert conn.cmd_raw("MULTI") == OK
    for c in cmds:
        assert conn.cmd_raw(*c) == QUEUED, c
    return conn.cmd_raw("EXEC")


def watch_then_exec(conn, key, touch, *queued):
    """WATCH key, run touch() (another client's change, or nothing), then a
    transaction: EXEC's raw reply."""
    assert conn.cmd_raw("WATCH", key) == OK
    touch()
    return tx(conn, *(queued or [("PING",)]))


PONG1 = array(b"+PONG\r\n")


def cmdstat(r, name):
    return r.info("commandstats").get("cmdstat_" + name, {})


# ------------------------------------------------------------ basics

def test_exec_runs_queue_as_one_array(raw):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("INCR", "a") == QUEUED
    assert raw.cmd_raw("GET", "a") == QUEUED
    assert raw.cmd_raw("EXEC") == array(OK, integer(2), bulk("2"))
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")


def test_empty_transaction(raw):
    assert tx(raw) == EMPTY_ARRAY


def test_exec_discard_without_multi(raw):
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")
    assert raw.cmd_raw("DISCARD") == err("ERR DISCARD without MULTI")
    assert raw.cmd_raw("UNWATCH") == OK


def test_nested_multi_and_watch_inside_do_not_abort(raw):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("MULTI") == err("ERR MULTI calls can not be nested")
    assert raw.cmd_raw("WATCH", "x") == err("ERR WATCH inside MULTI is not allowed")
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("EXEC") == array(OK)


def test_discard_drops_queue_and_later_commands_run(raw, r):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("DISCARD") == OK
    assert r.get("a") is None
    assert raw.cmd_raw("SET", "a", "2") == OK
    assert raw.cmd_raw("GET", "a") == bulk("2")
    assert raw.cmd_raw("DISCARD") == err("ERR DISCARD without MULTI")


def test_queued_commands_do_not_run_before_exec(raw, r):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert r.get("a") is None
    assert raw.cmd_raw("EXEC") == array(OK)
    assert r.get("a") == b"1"


def test_quit_inside_multi_runs_at_once(raw):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("PING") == QUEUED
    assert raw.cmd_raw("QUIT") == OK
    assert raw.is_closed()


def test_reset_discards_transaction(raw, r):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("RESET") == b"+RESET\r\n"
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")
    assert r.get("a") is None


# ------------------------------------------------- errors: queue vs run

def test_queue_time_rejections_abort(raw, r):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("NOSUCH", "x") == err(
        "ERR unknown command 'NOSUCH', with args beginning with: 'x' ")
    assert raw.cmd_raw("SET", "a") == err("ERR wrong number of arguments for 'set' command")
    assert raw.cmd_raw("CONFIG", "NOSUB") == err("ERR unknown subcommand 'NOSUB'. Try CONFIG HELP.")
    assert raw.cmd_raw("CONFIG") == err("ERR wrong number of arguments for 'config' command")
    assert raw.cmd_raw("SET", "b", "2") == QUEUED  # still queued (and ignored)
    assert raw.cmd_raw("EXEC") == EXECABORT
    assert r.get("a") is None and r.get("b") is None
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")


@pytest.mark.parametrize("bad", [("NOSUCH",), ("GET",), ("CLIENT", "NOSUB")])
def test_one_rejection_is_enough(raw, bad):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw(*bad).startswith(b"-ERR ")
    assert raw.cmd_raw("PING") == QUEUED
    assert raw.cmd_raw("EXEC") == EXECABORT


def test_no_multi_command_is_rejected(raw):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SHUTDOWN") == err("ERR Command not allowed inside a transaction")
    assert raw.cmd_raw("EXEC") == EXECABORT


def test_run_time_errors_stay_in_their_slot(raw, r):
    r.set("s", "abc")
    out = tx(raw, ("SET", "a", "1"), ("LPUSH", "a", "x"), ("INCR", "s"),
             ("SET", "k", "v", "BADOPT"), ("EXPIRE", "a", "notanumber"),
             ("INCR", "a"))
    assert out == array(OK, WRONGTYPE, err("ERR value is not an integer or out of range"),
                        err("ERR syntax error"),
                        err("ERR value is not an integer or out of range"), integer(2))
    assert r.get("a") == b"2"


def test_discard_after_rejection_clears_it(raw):
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("NOSUCH").startswith(b"-ERR unknown command")
    assert raw.cmd_raw("DISCARD") == OK
    assert tx(raw, ("PING",)) == PONG1


def test_multi_refused_in_scripts(raw):
    assert raw.cmd_raw("EVAL", "return redis.pcall('multi')", "0") == err(
        "ERR This Redis command is not allowed from script")
    for c in ("exec", "discard", "unwatch"):
        assert raw.cmd_raw("EVAL", "return redis.pcall('%s')" % c, "0") == err(
            "ERR This Redis command is not allowed from script")
    assert raw.cmd_raw("EVAL", "return redis.pcall('watch', 'k')", "0") == err(
        "ERR This Redis command is not allowed from script")


def test_script_inside_transaction(raw, r):
    out = tx(raw, ("EVAL", "redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])", "1", "k"),
             ("GET", "k"))
    assert out == array(bulk("v"), bulk("v"))


# ------------------------------------------------------ behaviour inside

def test_select_inside_transaction(raw, r):
    out = tx(raw, ("SET", "k", "db0"), ("SELECT", "1"), ("SET", "k", "db1"),
             ("GET", "k"))
    assert out == array(OK, OK, OK, bulk("db1"))
    assert raw.cmd_raw("GET", "k") == bulk("db1")  # the SELECT stays
    assert r.get("k") == b"db0"


def test_blocking_commands_do_not_block(raw):
    out = tx(raw, ("BLPOP", "l", "0"), ("BRPOP", "l", "1"),
             ("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"),
             ("BRPOPLPUSH", "a", "b", "0"), ("BLMPOP", "0", "1", "l", "LEFT"),
             ("BZPOPMIN", "z", "0"), ("BZMPOP", "0", "1", "z", "MIN"))
    assert out == array(NIL_ARRAY, NIL_ARRAY, NIL, NIL, NIL_ARRAY, NIL_ARRAY, NIL_ARRAY)
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


def test_blocking_commands_serve_when_data_is_there(raw):
    out = tx(raw, ("RPUSH", "l", "x"), ("BLPOP", "l", "0"),
             ("RPUSH", "a", "y"), ("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"))
    assert out == array(integer(1), array(bulk("l"), bulk("x")), integer(1), bulk("y"))


def test_blocking_inside_multi_resp3(raw):
    raw.cmd("HELLO", "3")
    out = tx(raw, ("BLPOP", "l", "0"), ("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"))
    assert out == b"*2\r\n_\r\n_\r\n"


def test_pipelined_transaction_in_one_write(raw):
    raw.send(b"".join(raw.encode(*c) for c in (
        ("MULTI",), ("SET", "a", "1"), ("INCRBY", "a", "41"), ("GET", "a"), ("EXEC",),
        ("GET", "a"))))
    got = [raw.read_reply_raw() for _ in range(6)]
    assert got == [OK, QUEUED, QUEUED, QUEUED, array(OK, integer(42), bulk("42")), bulk("42")]


def test_large_transaction(raw, r):
    n = 10000
    raw.send(raw.encode("MULTI") + b"".join(raw.encode("RPUSH", "l", i) for i in range(n))
             + raw.encode("EXEC"))
    assert raw.read_reply_raw() == OK
    for _ in range(n):
        assert raw.read_reply_raw() == QUEUED
    out = raw.read_reply()
    assert out == list(range(1, n + 1))
    assert r.llen("l") == n


def test_disconnect_mid_multi(server, r, connect):
    for _ in range(3):
        c = connect()
        c.cmd("WATCH", "k")
        c.cmd("MULTI")
        for i in range(100):
            c.cmd("SET", "k%d" % i, "x" * 100)
        c.close()
    time.sleep(0.1)
    r.set("k", "1")  # touches a key watched by closed clients
    assert r.dbsize() == 1
    assert r.ping()
    assert server.alive()


# ------------------------------------------------------------- WATCH

def test_watch_untouched_key_succeeds(raw, r):
    r.set("k", "1")
    assert watch_then_exec(raw, "k", lambda: r.set("other", "1"), ("INCR", "k")) == array(integer(2))


def test_watch_same_key_twice(raw, r):
    assert raw.cmd_raw("WATCH", "k", "k") == OK
    assert raw.cmd_raw("WATCH", "k") == OK
    assert tx(raw, ("PING",)) == PONG1


@pytest.mark.parametrize("touch", [
    ("SET", "k", "2"), ("DEL", "k"), ("EXPIRE", "k", "100"), ("INCR", "k"),
    ("APPEND", "k", "x"), ("RENAME", "k", "k2"), ("PERSIST", "k")])
def test_watch_touched_by_other_client(raw, r, touch):
    r.set("k", "1")
    if touch[0] == "PERSIST":
        r.expire("k", 100)
    out = watch_then_exec(raw, "k", lambda: r.execute_command(*touch), ("SET", "k", "mine"))
    assert out == NIL_ARRAY


def test_watch_touched_with_a_new_value_for_missing_key(raw, r):
    assert watch_then_exec(raw, "k", lambda: r.set("k", "1")) == NIL_ARRAY


def test_failed_exec_does_not_run_and_unwatches(raw, r):
    r.set("k", "1")
    assert watch_then_exec(raw, "k", lambda: r.set("k", "2"), ("SET", "k", "mine")) == NIL_ARRAY
    assert r.get("k") == b"2"
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")
    r.set("k", "3")  # no longer watched
    assert tx(raw, ("GET", "k")) == array(bulk("3"))


def test_watch_touched_by_same_client_before_multi(raw, r):
    r.set("k", "1")
    assert raw.cmd_raw("WATCH", "k") == OK
    assert raw.cmd_raw("SET", "k", "2") == OK
    assert tx(raw, ("GET", "k")) == NIL_ARRAY


def test_own_writes_inside_exec_do_not_matter(raw, r):
    r.set("k", "1")
    assert watch_then_exec(raw, "k", lambda: None, ("SET", "k", "2"), ("GET", "k")) == \
        array(OK, bulk("2"))


def test_watch_is_per_database(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    put(r, 1, "k", "db1")  # same name, other database
    assert tx(raw, ("PING",)) == PONG1


def test_watch_in_other_db_then_select(raw, r):
    raw.cmd("SELECT", "1")
    assert raw.cmd_raw("WATCH", "k") == OK
    raw.cmd("SELECT", "0")
    r.set("k", "db0")
    assert tx(raw, ("PING",)) == PONG1
    assert raw.cmd_raw("SELECT", "1") == OK
    assert raw.cmd_raw("WATCH", "k") == OK
    r.execute_command("SELECT", "1")
    r.set("k", "db1")
    assert tx(raw, ("PING",)) == NIL_ARRAY


def test_three_clients(r, connect):
    a, b, c = connect(), connect(), connect()
    r.set("k", "1")
    assert a.cmd_raw("WATCH", "k") == OK
    assert b.cmd_raw("WATCH", "k") == OK
    assert c.cmd_raw("WATCH", "other") == OK
    assert tx(a, ("INCR", "k")) == array(integer(2))  # a's EXEC dirties b
    assert tx(b, ("INCR", "k")) == NIL_ARRAY
    assert tx(c, ("INCR", "k")) == array(integer(3))


def test_unwatch_forgets_keys_and_dirtiness(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "1")
    assert raw.cmd_raw("UNWATCH") == OK
    assert tx(raw, ("GET", "k")) == array(bulk("1"))


def test_unwatch_inside_multi_is_queued(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "1")
    assert tx(raw, ("UNWATCH",), ("GET", "k")) == NIL_ARRAY


def test_discard_unwatches(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("DISCARD") == OK
    r.set("k", "1")
    assert tx(raw, ("GET", "k")) == array(bulk("1"))


def test_reset_clears_dirty_watch(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "1")
    assert raw.cmd_raw("RESET") == b"+RESET\r\n"
    assert tx(raw, ("PING",)) == PONG1


def test_touch_after_multi_still_fails(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "k", "mine") == QUEUED
    r.set("k", "theirs")
    assert raw.cmd_raw("EXEC") == NIL_ARRAY
    assert r.get("k") == b"theirs"


def test_failed_exec_resp3_null(raw, r):
    raw.cmd("HELLO", "3")
    assert watch_then_exec(raw, "k", lambda: r.set("k", "1")) == b"_\r\n"
    assert tx(raw, ("PING",)) == b"*1\r\n+PONG\r\n"


def test_execabort_wins_over_dirty_watch(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "1")
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("NOSUCH").startswith(b"-ERR unknown command")
    assert raw.cmd_raw("EXEC") == EXECABORT


# ------------------------------------------------------- WATCH and expiry

def wait_expired_unseen(r, key, px):
    """Waits past a key's PX without touching it (no lazy deletion)."""
    time.sleep(px / 1000.0 + 0.05)


def test_watched_key_expiring_fails_exec(raw, r):
    r.set("k", "1", px=100)
    assert raw.cmd_raw("WATCH", "k") == OK
    wait_expired_unseen(r, "k", 100)
    assert tx(raw, ("PING",)) == NIL_ARRAY


def test_watched_key_expired_and_deleted_fails_exec(raw, r):
    r.set("k", "1", px=100)
    assert raw.cmd_raw("WATCH", "k") == OK
    wait_expired_unseen(r, "k", 100)
    assert r.get("k") is None  # lazy deletion: the key expired while watched
    assert tx(raw, ("PING",)) == NIL_ARRAY


def test_watch_already_expired_key_then_its_deletion_is_no_change(raw, r):
    r.set("k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert raw.cmd_raw("WATCH", "k") == OK  # stored, but already expired
    assert r.get("k") is None  # deleted by expiry now: logically no change
    assert tx(raw, ("PING",)) == PONG1


def test_watch_already_expired_key_then_set_fails(raw, r):
    r.set("k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "2")
    assert tx(raw, ("PING",)) == NIL_ARRAY


def test_watch_already_expired_key_untouched_succeeds(raw, r):
    r.set("k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert raw.cmd_raw("WATCH", "k") == OK
    assert tx(raw, ("PING",)) == PONG1


def test_watch_missing_key_then_expire_on_missing_key(raw, r):
    assert watch_then_exec(raw, "k", lambda: r.expire("k", 10)) == PONG1


# -------------------------------------------------- FLUSHDB FLUSHALL SWAPDB

@pytest.mark.parametrize("flush", [("FLUSHDB",), ("FLUSHALL",), ("FLUSHDB", "ASYNC"),
                                   ("FLUSHALL", "SYNC")])
def test_flush_dirties_existing_watched_key(raw, r, flush):
    r.set("k", "1")
    assert watch_then_exec(raw, "k", lambda: r.execute_command(*flush)) == NIL_ARRAY


@pytest.mark.parametrize("flush", ["FLUSHDB", "FLUSHALL"])
def test_flush_without_the_key_is_no_change(raw, r, flush):
    r.set("other", "1")
    assert watch_then_exec(raw, "k", lambda: r.execute_command(flush)) == PONG1


def test_flush_of_other_db_is_no_change(raw, r):
    r.set("k", "1")
    r.execute_command("SELECT", "1")
    r.set("k", "1")
    assert watch_then_exec(raw, "k", lambda: r.execute_command("FLUSHDB")) == PONG1


def test_flushall_reaches_other_dbs(raw, r):
    raw.cmd("SELECT", "2")
    r.execute_command("SELECT", "2")
    r.set("k", "1")
    r.execute_command("SELECT", "0")
    assert watch_then_exec(raw, "k", lambda: r.execute_command("FLUSHALL")) == NIL_ARRAY


def test_flush_of_already_expired_watched_key_is_no_change(raw, r):
    r.set("k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert watch_then_exec(raw, "k", lambda: r.execute_command("FLUSHDB")) == PONG1


def swap(r, a=0, b=1):
    return lambda: r.execute_command("SWAPDB", a, b)


def put(r, db, key, value, px=None):
    r.execute_command("SELECT", db)
    r.set(key, value, px=px)
    r.execute_command("SELECT", 0)


def test_swapdb_key_in_own_db(raw, r):
    put(r, 0, "k", "1")
    assert watch_then_exec(raw, "k", swap(r)) == NIL_ARRAY


def test_swapdb_key_only_in_other_db(raw, r):
    put(r, 1, "k", "1")
    assert watch_then_exec(raw, "k", swap(r)) == NIL_ARRAY


def test_swapdb_key_nowhere(raw, r):
    put(r, 0, "x", "1")
    put(r, 1, "y", "1")
    assert watch_then_exec(raw, "k", swap(r)) == PONG1


def test_swapdb_of_other_dbs(raw, r):
    put(r, 1, "k", "1")
    put(r, 2, "k", "1")
    assert watch_then_exec(raw, "k", swap(r, 1, 2)) == PONG1


def test_swapdb_with_itself(raw, r):
    put(r, 0, "k", "1")
    assert watch_then_exec(raw, "k", swap(r, 0, 0)) == PONG1


def test_swapdb_watcher_in_other_db(raw, r):
    raw.cmd("SELECT", "1")
    put(r, 0, "k", "1")
    assert watch_then_exec(raw, "k", swap(r)) == NIL_ARRAY


def test_swapdb_missing_key_replaced_by_expired_key(raw, r):
    put(r, 1, "k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert watch_then_exec(raw, "k", swap(r)) == PONG1


def test_swapdb_expired_key_replaced_by_nothing(raw, r):
    put(r, 0, "k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert watch_then_exec(raw, "k", swap(r)) == PONG1


def test_swapdb_expired_key_replaced_by_live_key(raw, r):
    put(r, 0, "k", "1", px=50)
    put(r, 1, "k", "1")
    wait_expired_unseen(r, "k", 50)
    assert watch_then_exec(raw, "k", swap(r)) == NIL_ARRAY


def test_swapdb_live_key_replaced_by_expired_key(raw, r):
    put(r, 0, "k", "1")
    put(r, 1, "k", "1", px=50)
    wait_expired_unseen(r, "k", 50)
    assert watch_then_exec(raw, "k", swap(r)) == NIL_ARRAY


# -------------------------------------------------------------- stats

def test_commandstats(raw, r):
    r.config_resetstat()
    assert tx(raw, ("SET", "a", "1"), ("LPUSH", "a", "x")) == array(OK, WRONGTYPE)
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("GET").startswith(b"-ERR wrong number")
    assert raw.cmd_raw("EXEC") == EXECABORT
    exec_ = cmdstat(r, "exec")
    assert (exec_["calls"], exec_["rejected_calls"], exec_["failed_calls"]) == (2, 0, 1)
    assert cmdstat(r, "multi")["calls"] == 2
    s = cmdstat(r, "set")
    assert (s["calls"], s["failed_calls"]) == (1, 0)
    lp = cmdstat(r, "lpush")
    assert (lp["calls"], lp["failed_calls"]) == (1, 1)
    g = cmdstat(r, "get")
    assert (g.get("calls", 0), g["rejected_calls"]) == (0, 1)


def test_watch_dirty_exec_counts_no_failure(raw, r):
    assert raw.cmd_raw("WATCH", "k") == OK
    r.set("k", "1")
    r.config_resetstat()
    assert tx(raw, ("PING",)) == NIL_ARRAY
    e = cmdstat(r, "exec")
    assert (e["calls"], e["failed_calls"]) == (1, 0)
    assert cmdstat(r, "ping") == {}


# ------------------------------------------------- a script holds the server

BUSY = (b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL "
        b"or SHUTDOWN NOSAVE.\r\n")


def wait_busy(conn):
    end = time.time() + 10 * SLOW
    while time.time() < end:
        if conn.cmd_raw("PING") == BUSY:
            return
        time.sleep(0.05)
    raise AssertionError("server never became busy")


def test_transaction_waits_for_busy_script(start_server):
    srv = start_server("--busy-reply-threshold", "100")
    runner, a, b = srv.raw(), srv.raw(), srv.raw()
    assert b.cmd_raw("MULTI") == OK
    assert b.cmd_raw("SET", "x", "1") == QUEUED
    runner.send_command("EVAL", "local i = 0 while true do i = i + 1 end", "0")
    wait_busy(a)
    assert a.cmd_raw("CONFIG", "RESETSTAT") == BUSY
    assert a.cmd_raw("MULTI") == OK            # allowed while busy
    assert a.cmd_raw("SET", "x", "1") == BUSY  # rejected: flags a's transaction
    assert a.cmd_raw("DISCARD") == OK          # allowed while busy
    assert a.cmd_raw("MULTI") == OK
    assert a.cmd_raw("SET", "x", "1") == BUSY
    # EXEC itself is rejected: the transaction is discarded, clean or not
    busy_abort = err("EXECABORT Transaction discarded because of: " + BUSY[1:-2].decode())
    assert a.cmd_raw("EXEC") == busy_abort
    assert b.cmd_raw("EXEC") == busy_abort
    assert b.cmd_raw("DISCARD") == err("ERR DISCARD without MULTI")
    assert a.cmd_raw("SCRIPT", "KILL") == OK
    assert runner.read_reply_raw().startswith(b"-ERR Script killed")
    assert a.cmd_raw("EXEC") == err("ERR EXEC without MULTI")
    assert a.cmd_raw("GET", "x") == NIL
    stats = {}
    for line in a.cmd("INFO", "commandstats").decode().split("\r\n")[1:]:
        if line:
            name, rest = line.split(":")
            f = dict(kv.split("=") for kv in rest.split(","))
            stats[name] = (f["calls"], f["rejected_calls"], f["failed_calls"])
    assert stats["cmdstat_set"] == ("0", "2", "0")
    assert stats["cmdstat_exec"] == ("1", "2", "1")  # the last one: without MULTI
    assert stats["cmdstat_discard"] == ("2", "0", "1")


def test_exec_with_arguments_aborts(raw, r):
    assert raw.cmd_raw("EXEC", "x") == err(
        "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command")
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("SET", "a", "1") == QUEUED
    assert raw.cmd_raw("EXEC", "x") == err(
        "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command")
    assert raw.cmd_raw("EXEC") == err("ERR EXEC without MULTI")
    assert r.get("a") is None
    assert raw.cmd_raw("MULTI") == OK
    assert raw.cmd_raw("DISCARD", "x") == err("ERR wrong number of arguments for 'discard' command")
    assert raw.cmd_raw("MULTI", "x") == err("ERR wrong number of arguments for 'multi' command")
    assert raw.cmd_raw("EXEC") == EXECABORT


def test_database_wide_commands_inside_exec_and_scripts(raw, r):
    r.set("k", "1")
    assert tx(raw, ("FLUSHDB",), ("SET", "a", "1"), ("SWAPDB", "0", "1"), ("FLUSHALL",)) == \
        array(OK, OK, OK, OK)
    assert tx(raw, ("FLUSHALL",)) == array(OK)
    assert raw.cmd_raw("EVAL", "return redis.call('flushall')", "0") == OK
    assert raw.cmd_raw("EVAL", "return redis.call('swapdb', 0, 1)", "0") == OK
    assert r.dbsize() == 0


def test_subscribe_inside_transaction_resp2(raw):
    out = tx(raw, ("SUBSCRIBE", "ch"), ("PING",), ("GET", "x"))
    assert out == array(array(bulk("subscribe"), bulk("ch"), integer(1)),
                        array(bulk("pong"), bulk("")), NIL)
    # now in the RESP2 subscriber context: MULTI is refused, EXEC aborts
    ctx = ("Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
           "RESET are allowed in this context")
    assert raw.cmd_raw("MULTI") == err("ERR " + ctx % "multi")
    assert raw.cmd_raw("EXEC") == err("EXECABORT Transaction discarded because of: " + ctx % "exec")
