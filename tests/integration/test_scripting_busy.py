"""Scripts past busy-reply-threshold, differential against redis-server
7.0.15: MULTI/EXEC/DISCARD while a script is busy (a command refused with
-BUSY inside MULTI makes EXEC answer EXECABORT, an EXEC refused with -BUSY
names the reason), SCRIPT KILL ending a script that catches errors with
pcall, blocked clients not served in the middle of a busy script, and
SHUTDOWN NOSAVE ending an unkillable one. Each test starts its own server:
a script that never ends must not leak into other tests."""

import socket
import threading
import time

import pytest
import redis

from conftest import SLOW, wait_for

BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."


def conn(srv):
    return srv.client(socket_timeout=10 * SLOW)


def cmd(c, *args):
    """One command on a redis-py client; an error reply comes back as text."""
    try:
        return c.execute_command(*args)
    except redis.ResponseError as e:
        return "E:" + str(e)


class Background:
    """Runs one command on its own connection in a thread."""

    def __init__(self, srv, *args):
        self.c = conn(srv)
        self.result = None
        self.t = threading.Thread(target=self._run, args=args)
        self.t.start()

    def _run(self, *args):
        try:
            self.result = cmd(self.c, *args)
        except redis.ConnectionError as e:  # the server exited
            self.result = "X:" + str(e)

    def join(self):
        self.t.join(20 * SLOW)
        assert not self.t.is_alive()
        self.c.close()
        return self.result


def busy_server(start_server, *args):
    srv = start_server(*args)
    c = conn(srv)
    c.config_set("lua-time-limit", 10)
    return srv, c


def wait_busy(c):
    wait_for(lambda: str(cmd(c, "PING")).startswith("E:BUSY"), timeout=10 * SLOW)


def wait_not_busy(c):
    wait_for(lambda: cmd(c, "PING") is True or cmd(c, "PING") == b"PONG", timeout=10 * SLOW)


def test_busy_command_inside_multi_aborts_exec(start_server):
    srv, r = busy_server(start_server)
    r.set("xx", 1)
    script = Background(srv, "EVAL", "while true do end", 0)
    wait_busy(r)
    r2 = conn(srv)
    assert cmd(r2, "MULTI") in (b"OK", True)            # allowed while busy
    assert cmd(r2, "INCR", "xx") == "E:" + BUSY         # refused: flags the MULTI
    assert cmd(r, "SCRIPT", "KILL") in (b"OK", True)
    assert "killed by user" in script.join()
    wait_not_busy(r)
    assert cmd(r2, "INCR", "xx") == b"QUEUED"
    assert cmd(r2, "EXEC") == "E:Transaction discarded because of previous errors."
    assert r.get("xx") == b"1"
    assert cmd(r2, "ECHO", "asdf") == b"asdf"           # out of MULTI


def test_exec_while_busy_discards_the_transaction(start_server):
    srv, r = busy_server(start_server)
    r.set("xx", 1)
    r2 = conn(srv)
    assert cmd(r2, "MULTI") in (b"OK", True)
    assert cmd(r2, "INCR", "xx") == b"QUEUED"
    script = Background(srv, "EVAL", "while true do end", 0)
    wait_busy(r)
    assert cmd(r2, "EXEC") == "E:Transaction discarded because of: " + BUSY
    assert cmd(r, "SCRIPT", "KILL") in (b"OK", True)
    script.join()
    wait_not_busy(r)
    assert r.get("xx") == b"1"
    assert cmd(r2, "ECHO", "asdf") == b"asdf"


def test_discard_while_busy(start_server):
    srv, r = busy_server(start_server)
    r2 = conn(srv)
    assert cmd(r2, "MULTI") in (b"OK", True)
    assert cmd(r2, "INCR", "k") == b"QUEUED"
    script = Background(srv, "EVAL", "while true do end", 0)
    wait_busy(r)
    assert cmd(r2, "DISCARD") in (b"OK", True)
    assert cmd(r2, "INCR", "k") == "E:" + BUSY          # not queued any more
    assert cmd(r, "SCRIPT", "KILL") in (b"OK", True)
    script.join()
    wait_not_busy(r)
    assert r.get("k") is None


def test_script_kill_ends_a_script_that_catches_errors(start_server):
    srv, r = busy_server(start_server)
    body = "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end"
    script = Background(srv, "EVAL", body, 0)
    wait_busy(r)
    assert cmd(r, "SCRIPT", "KILL") in (b"OK", True)
    got = script.join()
    assert got.startswith("E:Script killed by user with SCRIPT KILL...")
    wait_not_busy(r)
    assert cmd(r, "SCRIPT", "KILL") == "E:NOTBUSY No scripts in execution right now."


def test_blocked_client_waits_for_the_busy_script(start_server):
    """The script pushes y, loops until a client named abortscript shows
    up, then pushes z: BLPOP must see the list after the script (z), not
    in the middle of it (y)."""
    srv, r = busy_server(start_server, "--enable-debug-command", "yes")
    assert cmd(r, "DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1") in (b"OK", True)
    blpop = Background(srv, "BLPOP", "x", 0)
    wait_for(lambda: b"blocked_clients:1" in r.execute_command("INFO", "clients"))
    body = """redis.call('lpush', KEYS[1], 'y')
        local clients
        while true do
            clients = redis.call('client', 'list')
            if string.find(clients, 'abortscript') ~= nil then break end
        end
        redis.call('lpush', KEYS[1], 'z')
        return 'done'"""
    script = Background(srv, "EVAL", body, 1, "x")
    wait_busy(r)
    assert cmd(r, "SCRIPT", "KILL").startswith("E:UNKILLABLE")
    r3 = conn(srv)
    cmd(r3, "HELLO", 2, "SETNAME", "abortscript")        # allowed while busy
    assert script.join() == b"done"
    assert list(blpop.join()) == [b"x", b"z"]
    assert r.lrange("x", 0, -1) == [b"y"]


def test_shutdown_nosave_ends_an_unkillable_script(start_server):
    srv, r = busy_server(start_server)
    script = Background(srv, "EVAL", "redis.call('set', KEYS[1], 'y') while true do end", 1, "x")
    wait_busy(r)
    assert cmd(r, "SCRIPT", "KILL") == (
        "E:UNKILLABLE Sorry the script already executed write commands against the dataset. "
        "You can either wait the script termination or kill the server in a hard way using "
        "the SHUTDOWN NOSAVE command.")
    assert cmd(r, "SHUTDOWN").startswith("E:BUSY")
    try:
        r.execute_command("SHUTDOWN", "NOSAVE")
    except redis.ConnectionError:
        pass
    assert srv.wait_exit() == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=2)
    assert script.join().startswith("X:")


def test_script_time_limit_then_normal_service(start_server):
    srv, r = busy_server(start_server)
    assert r.eval("for i=1,100000 do redis.call('ping') end return 'ok'", 0) == b"ok"
    assert r.ping()


KILLED = "Script killed by user with SCRIPT KILL..."


@pytest.mark.parametrize("body,expected", [
    # the kill error is a table {err=...}: resume returns it, wrap raises it
    # without a position, pcall hands back its text
    ("local co = coroutine.create(function() while true do end end) return {coroutine.resume(co)}",
     [None, KILLED]),
    ("local co = coroutine.wrap(function() while true do pcall(function() while true do end end) end end) co() return 1",
     "E:" + KILLED + " script: fd802b0a517a185cff24dd7b212bf81839aebf51, on @user_script:1."),
    ("local ok, e = pcall(function() while true do end end) return e", b"ERR " + KILLED.encode()),
])
def test_script_kill_inside_coroutines_and_pcall(start_server, body, expected):
    srv, r = busy_server(start_server)
    script = Background(srv, "EVAL", body, 0)
    wait_busy(r)
    assert cmd(r, "SCRIPT", "KILL") in (b"OK", True)
    got = script.join()
    if isinstance(got, list):
        got = [str(x) if isinstance(x, redis.ResponseError) else x for x in got]
    assert got == expected
    wait_not_busy(r)
