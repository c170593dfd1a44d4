"""Laravel data across a restart and across servers (issue 11): queued and
delayed jobs, sessions and cache entries survive SHUTDOWN (with and without
save points), SHUTDOWN SAVE and SIGTERM; a dump.rdb that redis-server wrote
under the app loads in the server under test with the jobs intact (the
framework's worker runs them, the delayed one at its time), and the file
the server under test then saves loads back in redis-server.

These tests start servers of their own (the session's server has no save
points and its directory is not kept): the server under test, and Debian's
redis-server for the move. scenarios/persist_ops.php fills and reads back
the app's data; sessions go through session_http.php, jobs run in
`artisan queue:work` (test_queue.py's helpers)."""

import os
import signal
import sys
import uuid

import pytest

from test_queue import Q, DELAYED, RESERVED, runs, work_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "integration"))
from persist_helpers import RefServers, assert_same, copy_rdb, snap  # noqa: E402

SESSION = b"laravel_database_laravel_cache:"


@pytest.fixture
def tag(request):
    return "%s-%s" % (request.node.name.replace("[", "-").rstrip("]"),
                      uuid.uuid4().hex[:8])


@pytest.fixture
def servers():
    """servers(*args, ref=False, rdb=None, name=None): a started server (with
    ref Debian's redis-server) on a copy of the file rdb, if given."""
    s = RefServers()

    def start(*args, ref=False, rdb=None, name=None):
        return s.launch(args, ref, name, copy_rdb(rdb))

    yield start
    s.stop()


@pytest.fixture
def app(php, php_env):
    """app(srv) -> (call(script, *args), worker env) against srv."""
    def bind(srv):
        env = {"REDIS_PORT": str(srv.port)}

        def call(script, *args, env_extra=None):
            e = dict(env)
            e.update(env_extra or {})
            return php(script, *args, env=e)
        wenv = dict(php_env)
        wenv.update(env)
        return call, wenv
    return bind


def fill(call, tag):
    """The app's data: jobs, delayed jobs, cache entries, a session."""
    out = call("persist_ops.php", "fill", tag)
    assert out["put"] is True and out["forever"] is True
    assert out["counter"] == 41 and out["tagged"] is True
    s = call("session_http.php", "/session/put/kept-" + tag[-8:])
    assert s["status"] == 200
    return s["cookie"]["value"]


def queue_state(srv):
    c = srv.client()
    try:
        return (c.llen(Q), c.zrange(DELAYED, 0, -1, withscores=True),
                c.zcard(RESERVED))
    finally:
        c.close()


def filled(app, srv, tag):
    """srv filled with the app's data (fill), its queue state and session
    checked; returns (session id, snapshot, delayed jobs)."""
    call, _ = app(srv)
    sid = fill(call, tag)
    before = snap(srv)
    qlen, delayed, reserved = queue_state(srv)
    assert qlen == 4 and len(delayed) == 2 and reserved == 0
    assert (0, SESSION + sid.encode()) in before
    return sid, before, delayed


def check_restarted(app, srv, tag, sid, before, delayed, what):
    """srv, restarted on the directory of filled(): the same keyspace, the
    delayed jobs at their times, the app's data usable (check_app), the
    sooner delayed job run no earlier than its time."""
    call, wenv = app(srv)
    assert_same(snap(srv), before, what=what)
    assert queue_state(srv)[1] == delayed
    check_app(call, wenv, tag, sid, 42)
    soon = runs(wenv, tag + "-soon")[0]
    assert soon["at"] >= delayed[0][1]


def check_app(call, wenv, tag, sid, counter):
    """Everything the app left is there and usable through the framework."""
    s = call("session_http.php", "/session/get", sid)
    assert s["body"] == "kept-" + tag[-8:]
    out = call("persist_ops.php", "check", tag)
    assert out == {"ttl": {"a": 1, "b": [True, None, 1.5]}, "forever": 1000,
                   "counter": str(counter), "tagged": "John",
                   "missing": "dflt"}
    # the queued jobs and the 2-second delayed one run, in the worker
    work_until(wenv, lambda: len(runs(wenv, tag)) == 4 and
               len(runs(wenv, tag + "-soon")) == 1, "the jobs")
    got = sorted(r["data"]["n"] for r in runs(wenv, tag))
    assert got == [1, 2, 3, 4]
    assert [r["attempts"] for r in runs(wenv, tag)] == [1, 1, 1, 1]
    assert runs(wenv, tag + "-later") == []


HOW = {
    # (server arguments, how it stops)
    "shutdown-save": ((), "SHUTDOWN SAVE"),
    "shutdown-with-save-points": (("--save", "3600 1"), "SHUTDOWN"),
    "sigterm-with-save-points": (("--save", "3600 1"), "SIGTERM"),
}


@pytest.mark.parametrize("how", sorted(HOW))
def test_app_data_survives_restart(app, servers, tag, how):
    args, stop = HOW[how]
    srv = servers(*args)
    sid, before, delayed = filled(app, srv, tag)
    if stop == "SIGTERM":
        srv.proc.send_signal(signal.SIGTERM)
    else:
        with srv.raw() as c:
            c.send_command(*stop.split())
            assert c.is_closed(5)
    assert srv.wait_exit() == 0
    assert os.path.isfile(os.path.join(srv.dir, "dump.rdb"))
    srv.start()  # the same directory, a new port
    check_restarted(app, srv, tag, sid, before, delayed,
                    "after %s and a restart:" % stop)


def test_redis_dump_moves_to_server_under_test_and_back(app, servers, tag):
    ref = servers(ref=True, name="redis-server under the app")
    call, _ = app(ref)
    sid = fill(call, tag)
    before = snap(ref)
    delayed = queue_state(ref)[1]
    with ref.raw() as c:
        assert c.cmd("SAVE") == b"OK"
    path = os.path.join(ref.dir, "dump.rdb")

    sut = servers(rdb=path)
    assert_same(snap(sut), before, encodings=False,
                what="redis-server's file in the server under test:")
    call, wenv = app(sut)
    check_app(call, wenv, tag, sid, 42)
    assert queue_state(sut) == (0, [delayed[1]], 0)

    # and back: what the server under test saves loads in redis-server
    with sut.raw() as c:
        assert c.cmd("SAVE") == b"OK"
    after = snap(sut)
    back = servers(ref=True, rdb=os.path.join(sut.dir, "dump.rdb"),
                   name="redis-server, back")
    assert_same(snap(back), after, encodings=False,
                what="the file back in redis-server:")
    call, _ = app(back)
    assert call("session_http.php", "/session/get", sid)["body"] == \
        "kept-" + tag[-8:]
    assert call("persist_ops.php", "check", tag)["counter"] == "43"
    assert queue_state(back) == (0, [delayed[1]], 0)
