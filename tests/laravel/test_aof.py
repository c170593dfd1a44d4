"""Laravel data across `kill -9` with the append-only file (issue 12):
queued, delayed and bulk jobs, a session and cache entries survive SIGKILL
of a server running with appendonly yes.

- appendfsync always: killed right after the app's last write was
  acknowledged, the restarted server holds all of it (the same keyspace,
  absolute expiries included); the worker runs the jobs, the delayed one at
  its time, the session is read back by its cookie.
- appendfsync everysec: all but at most the last second: the app writes,
  the test waits 2 s, kills; everything is there. Then more jobs are pushed
  and the server is killed at once: what comes back is the data of before
  plus a prefix of the new jobs (never a job that was not pushed, never
  the older data damaged).

ACL mode on redis-server: redis-server 7.0.15 replays the file as the
default user and checks ACL again at each EXEC, so with `user default off`
every MULTI/EXEC block of the file (the effects of each Lua script, e.g.
Laravel's queue pushes, and each transaction) is refused at load and lost
(redis/redis#14541, fixed after 7.0). The tests assert that loss there
(check_redis_aof_acl_loss); kilat loads the blocks, in both modes.

The helpers (app, servers, fill, check_app ...) are test_persistence.py's.
"""

import signal
import time

import pytest

from conftest import ACL, IS_REDIS, acl_refusals
from test_persistence import (app, servers, tag, fill, filled,  # noqa: F401
                              check_restarted, queue_state, check_app)  # fixtures: F401, F811
from persist_helpers import assert_same, snap
from test_queue import Q, NOTIFY, runs, work_until


def kill9(srv):
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(timeout=30)
    assert srv.proc.returncode == -signal.SIGKILL
    srv.checked = True


REDIS_AOF_ACL_LOSS = IS_REDIS and ACL


def check_redis_aof_acl_loss(srv, before):
    """redis-server 7.0.15 with `user default off`, restarted on its AOF:
    the keys the file's MULTI/EXEC blocks wrote (the queue) are missing,
    everything else is as before, and the refusals name the default user."""
    after = snap(srv)
    assert set(after) < set(before) and (0, Q) not in after
    assert_same(after, {k: before[k] for k in after}, what="what redis-server loaded:")
    assert (b"This server is sending an error to its AOF-loading-client: '-NOPERM ACLs "
            b"rules changed between the moment the transaction was accumulated and the "
            b"EXEC call.") in srv.output()
    c = srv.client()
    refusals = acl_refusals(c)
    c.close()
    assert refusals and {u for _, _, u in refusals} == {"default"}


def aof_args(fsync):
    return ("--appendonly", "yes", "--appendfsync", fsync)


@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_app_data_survives_kill9(app, servers, tag, fsync):
    srv = servers(*aof_args(fsync))
    sid, before, delayed = filled(app, srv, tag)
    if fsync == "everysec":
        time.sleep(2.0)  # "all but at most the last second"
    kill9(srv)
    srv.start()  # the same directory, a new port
    if REDIS_AOF_ACL_LOSS:
        check_redis_aof_acl_loss(srv, before)
        return
    check_restarted(app, srv, tag, sid, before, delayed,
                    "after kill -9 (%s):" % fsync)


def test_everysec_loses_at_most_the_last_second(app, servers, tag, php):
    srv = servers(*aof_args("everysec"))
    call, wenv = app(srv)
    sid = fill(call, tag)
    time.sleep(2.0)
    before = snap(srv)
    # more jobs, then kill -9 at once: these may be lost, in part or whole
    more = 10
    for i in range(more):
        call("queue_push.php", "dispatch", tag + "-late-%d" % i)
    assert queue_state(srv)[0] == 4 + more
    kill9(srv)
    srv.start()
    if REDIS_AOF_ACL_LOSS:
        check_redis_aof_acl_loss(srv, before)
        return
    call, wenv = app(srv)
    after = snap(srv)
    queue_key = (0, Q)
    # everything written two seconds before the kill is there as it was
    notify_key = (0, NOTIFY)
    older = {k: v for k, v in before.items() if k not in (queue_key, notify_key)}
    got = {k: v for k, v in after.items() if k in older}
    assert_same(got, older, what="data older than 2 s, after kill -9:")
    # the queue list: the 4 older jobs, then a prefix of the late ones
    items = after[queue_key][1]
    assert items[:4] == before[queue_key][1]
    assert len(items) <= 4 + more
    for k, payload in enumerate(items[4:]):
        assert (tag + "-late-%d" % k).encode() in payload
    # each push is one script (RPUSH the job, RPUSH the notify list):
    # applied whole or not at all
    assert len(after[notify_key][1]) == len(items)
    print("\neverysec, kill -9 right after %d pushes: %d of them came back" % (
        more, len(items) - 4))
    check_app(call, wenv, tag, sid, 42)
    work_until(wenv, lambda: all(len(runs(wenv, tag + "-late-%d" % i)) == 1
                                 for i in range(len(items) - 4)), "the late jobs")
