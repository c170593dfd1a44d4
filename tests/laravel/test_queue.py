"""Laravel's redis queue, with the framework's own worker.

Jobs are dispatched from scenarios/queue_*.php and run by
`php app/artisan queue:work redis ...` (the same app, the same environment).
The test jobs (app/app/Jobs) append one JSON line per run to
$LARAVEL_STORAGE/queue-runs/<tag>.jsonl: what ran, with which attempt
number, when. Keys (database 0, prefix laravel_database_):
queues:default (list of ready payloads), queues:default:notify (one item per
ready job, BLPOPed when block_for is set), queues:default:delayed and
queues:default:reserved (sorted sets scored by the time a job becomes
available / its reservation expires).
"""

import json
import os
import subprocess
import time
import uuid

import pytest

from conftest import APP, PHP

Q = b"laravel_database_queues:default"
NOTIFY = Q + b":notify"
DELAYED = Q + b":delayed"
RESERVED = Q + b":reserved"


@pytest.fixture
def tag(request):
    return "%s-%s" % (request.node.name.replace("[", "-").rstrip("]"),
                      uuid.uuid4().hex[:8])


def runs(php_env, tag):
    path = os.path.join(php_env["LARAVEL_STORAGE"], "queue-runs", tag + ".jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def worker(php_env, *flags, env=None, timeout=120):
    """One `artisan queue:work redis` run to its end."""
    e = dict(php_env)
    e.update(env or {})
    return subprocess.run([PHP, os.path.join(APP, "artisan"), "queue:work",
                           "redis", "--sleep=0"] + list(flags),
                          env=e, capture_output=True, timeout=timeout)


def work_until(php_env, done, what, env=None, flags=(), timeout=60.0):
    """Workers with --stop-when-empty, one after the other, until done()."""
    deadline = time.monotonic() + timeout
    outs = []
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s; workers said:\n%s" % (
                what, "\n".join(outs[-5:])))
        p = worker(php_env, "--stop-when-empty", *flags, env=env)
        outs.append("rc=%d %s %s" % (p.returncode, p.stdout.decode(errors="replace"),
                                     p.stderr.decode(errors="replace")[-2000:]))
        assert p.returncode == 0, outs[-1]
        time.sleep(0.1)


def assert_queue_empty(r):
    assert r.llen(Q) == 0
    assert r.llen(NOTIFY) == 0
    assert r.zcard(DELAYED) == 0
    assert r.zcard(RESERVED) == 0


def test_dispatch_and_work_once(php, php_env, r, tag):
    php("queue_push.php", "dispatch", tag)
    assert r.llen(Q) == 1
    assert r.lrange(NOTIFY, 0, -1) == [b"1"]
    payload = json.loads(r.lindex(Q, 0))
    assert payload["displayName"] == "App\\Jobs\\RecordRun"
    assert payload["job"] == "Illuminate\\Queue\\CallQueuedHandler@call"
    assert payload["attempts"] == 0
    assert len(payload["id"]) == 32
    p = worker(php_env, "--once")
    assert p.returncode == 0, p.stderr
    assert b"Processed:  App\\Jobs\\RecordRun" in p.stdout
    got = runs(php_env, tag)
    assert [(x["attempts"], x["data"]) for x in got] == [
        (1, {"n": 1, "s": "caf\u00e9 / \"quoted\""})]
    assert_queue_empty(r)
    assert r.keys("*") == []


def test_push_returns_the_payload_id(php, php_env, r, tag):
    out = php("queue_push.php", "push", tag)
    assert json.loads(r.lindex(Q, 0))["id"] == out["id"]
    p = worker(php_env, "--stop-when-empty")
    assert p.returncode == 0, p.stderr
    assert [x["attempts"] for x in runs(php_env, tag)] == [1]
    assert_queue_empty(r)


def test_delayed_job_waits_for_its_time(php, php_env, r, tag):
    out = php("queue_push.php", "delay", tag, 2)
    assert r.llen(Q) == 0
    [(payload, score)] = r.zrange(DELAYED, 0, -1, withscores=True)
    assert json.loads(payload)["displayName"] == "App\\Jobs\\RecordRun"
    assert int(out["t"]) + 1 <= score <= int(out["t"]) + 3
    work_until(php_env, lambda: runs(php_env, tag), "the delayed job")
    [run] = runs(php_env, tag)
    # Never run before its time (the score is a whole second).
    assert run["at"] >= score
    assert run["attempts"] == 1
    assert_queue_empty(r)


def test_failing_job_is_retried_then_failed(php, php_env, r, tag):
    php("queue_push.php", "fail", tag)
    work_until(php_env, lambda: runs(php_env, tag + "-failed"), "the failed() hook")
    # one more worker: nothing is left to run
    p = worker(php_env, "--stop-when-empty")
    assert p.returncode == 0, p.stderr
    assert [x["attempts"] for x in runs(php_env, tag)] == [1, 2, 3]
    [failed] = runs(php_env, tag + "-failed")
    assert failed["error"] == "attempt 3 failed"
    assert_queue_empty(r)


def test_job_of_a_dead_worker_comes_back(php, php_env, r, tag):
    env = {"REDIS_RETRY_AFTER": "1"}
    php("queue_push.php", "die", tag, env=env)
    p = worker(php_env, "--once", env=env)
    assert p.returncode == -9, (p.returncode, p.stdout, p.stderr)
    assert [x["attempts"] for x in runs(php_env, tag)] == [1]
    # the worker died holding the job: it is reserved, with attempts 1
    assert r.llen(Q) == 0
    [(reserved, score)] = r.zrange(RESERVED, 0, -1, withscores=True)
    assert json.loads(reserved)["attempts"] == 1
    work_until(php_env, lambda: len(runs(php_env, tag)) == 2,
               "the job to come back", env=env)
    assert [x["attempts"] for x in runs(php_env, tag)] == [1, 2]
    assert runs(php_env, tag)[1]["at"] >= score
    assert_queue_empty(r)


def test_popped_and_abandoned_job_comes_back(php, php_env, r, tag):
    env = {"REDIS_RETRY_AFTER": "1"}
    php("queue_push.php", "push", tag, env=env)
    popped = php("queue_pop.php", env=env)
    assert popped["name"] == "App\\Jobs\\RecordRun"
    assert popped["attempts"] == 1
    assert r.llen(Q) == 0
    assert r.llen(NOTIFY) == 0
    assert r.zrange(RESERVED, 0, -1) == [popped["reserved"].encode()]
    # RecordRun has no $tries: the worker's --tries (default 1) must allow
    # the second attempt, or it fails the job as attempted too many times.
    work_until(php_env, lambda: runs(php_env, tag), "the job to come back",
               env=env, flags=["--tries=3"])
    assert [x["attempts"] for x in runs(php_env, tag)] == [2]
    assert_queue_empty(r)


def test_size_counts_ready_delayed_and_reserved(php, r, tag):
    assert php("queue_size.php", tag) == {
        "empty": 0, "pushed2": 2, "delayed1": 3, "reserved1": 3,
        "popped": "App\\Jobs\\RecordRun"}
    assert (r.llen(Q), r.zcard(DELAYED), r.zcard(RESERVED)) == (1, 1, 1)
    assert r.llen(NOTIFY) == 1


def test_clear_removes_everything(php, r, tag):
    out = php("queue_size.php", tag, "clear")
    assert (out["reserved1"], out["cleared"], out["after_clear"]) == (3, 3, 0)
    assert r.keys("*") == []


def start_blocked_workers(php_env, server, n=1):
    """n `queue:work --once` with block_for 30 on an empty queue, once the
    server shows all of them blocked in BLPOP."""
    env = dict(php_env, REDIS_BLOCK_FOR="30")
    ws = [subprocess.Popen([PHP, os.path.join(APP, "artisan"), "queue:work",
                            "redis", "--once", "--sleep=0"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
          for _ in range(n)]

    def blocked():
        return [c for c in server.client().client_list()
                if c.get("cmd") == "blpop" and "b" in c.get("flags", "")]
    deadline = time.monotonic() + 30
    while len(blocked()) < n:
        if any(w.poll() is not None for w in ws) or time.monotonic() > deadline:
            for w in ws:
                w.kill()
            raise AssertionError("the workers never blocked: %r" % (
                [w.communicate() for w in ws],))
        time.sleep(0.02)
    return ws


def start_blocked_worker(php_env, server):
    return start_blocked_workers(php_env, server)[0]


def finish(w):
    try:
        out, err = w.communicate(timeout=60)
    finally:
        if w.poll() is None:
            w.kill()
            w.communicate()
    assert w.returncode == 0, (out, err)
    return out


def test_blocking_pop_picks_up_a_later_push(php, php_env, r, server, tag):
    w = start_blocked_worker(php_env, server)
    try:
        assert r.info("clients")["blocked_clients"] == 1
        # While it blocks, nothing polls: no script runs.
        evals = r.info("commandstats").get("cmdstat_eval", {}).get("calls", 0)
        time.sleep(1)
        assert r.info("commandstats").get("cmdstat_eval", {}).get("calls", 0) == evals
        php("queue_push.php", "push", tag)
    finally:
        out = finish(w)
    assert b"Processed:  App\\Jobs\\RecordRun" in out
    assert [x["attempts"] for x in runs(php_env, tag)] == [1]
    assert_queue_empty(r)


def test_block_for_waits_on_the_notify_list(php_env, r, server):
    w = start_blocked_worker(php_env, server)
    try:
        # An item on the notify list alone wakes it: the blocked BLPOP takes
        # it, the pop that follows finds no job, and --once ends.
        r.rpush(NOTIFY, "1")
    finally:
        out = finish(w)
    assert b"Processing" not in out
    assert r.llen(NOTIFY) == 0
    assert r.info("clients")["blocked_clients"] == 0


def calls(r, cmd):
    return r.info("commandstats").get("cmdstat_" + cmd, {}).get("calls", 0)


def test_bulk_push_in_a_pipelined_transaction(php, php_env, r, client, tag):
    # RedisQueue::bulk() pushes inside pipeline(transaction(...)). With
    # phpredis that is one MULTI, the 25 push scripts, EXEC; with predis the
    # callbacks use the connection itself, not the pipeline/transaction
    # objects they are given, so the 25 EVALs go one by one, without MULTI.
    before = {c: calls(r, c) for c in ("multi", "exec", "eval")}
    php("queue_push.php", "bulk", tag, 25)
    after = {c: calls(r, c) for c in ("multi", "exec", "eval")}
    n_multi = 1 if client == "phpredis" else 0
    assert {c: after[c] - before[c] for c in after} == {
        "multi": n_multi, "exec": n_multi, "eval": 25}
    assert r.llen(Q) == 25
    assert r.llen(NOTIFY) == 25
    assert [json.loads(p)["displayName"] for p in r.lrange(Q, 0, -1)] == \
        ["App\\Jobs\\RecordRun"] * 25
    p = worker(php_env, "--stop-when-empty")
    assert p.returncode == 0, p.stderr
    got = runs(php_env, tag)
    assert sorted(x["data"] for x in got) == list(range(25))
    assert {x["attempts"] for x in got} == {1}
    assert_queue_empty(r)


def test_awkward_payload_survives_the_scripts(php, php_env, r, tag):
    # ~90 KB of JSON with escaped slashes, an astral character (a surrogate
    # pair in PHP's JSON), U+2028, NUL and control characters: the pop
    # script decodes and re-encodes it with cjson; the worker then deletes
    # the reserved copy by its exact bytes (ZREM) and unserializes the job.
    env = {"REDIS_RETRY_AFTER": "1"}
    php("queue_push.php", "odd", tag, env=env)
    payload = r.lindex(Q, 0)
    assert len(payload) > 90000
    popped = php("queue_pop.php", env=env)
    want = json.loads(payload)
    want["attempts"] = 1
    assert json.loads(popped["reserved"]) == want
    assert r.zrange(RESERVED, 0, -1) == [popped["reserved"].encode()]
    work_until(php_env, lambda: runs(php_env, tag), "the job to come back",
               env=env, flags=["--tries=3"])
    [run] = runs(php_env, tag)
    assert run["attempts"] == 2
    assert run["data"] == {"big": "xyz/" * 22500, "emoji": "\U0001F600",
                           "ls": "\u2028", "nul": "a\x00b",
                           "ctl": "\t\r\n\x01\x7f", "quote": "\"\\"}
    assert_queue_empty(r)


def test_blocked_workers_each_get_one_job(php, php_env, r, server, client, tag):
    # Three workers blocked on the notify list; Queue::bulk pushes three
    # jobs (inside MULTI/EXEC with phpredis, three scripts with predis):
    # each RPUSH of the notify list wakes one worker, and each runs one job.
    ws = start_blocked_workers(php_env, server, 3)
    try:
        assert r.info("clients")["blocked_clients"] == 3
        php("queue_push.php", "bulk", tag, 3)
    finally:
        outs = [finish(w) for w in ws]
    got = runs(php_env, tag)
    assert sorted(x["data"] for x in got) == [0, 1, 2]
    assert len({x["pid"] for x in got}) == 3
    assert all(o.count(b"Processed:") == 1 for o in outs)
    assert_queue_empty(r)
