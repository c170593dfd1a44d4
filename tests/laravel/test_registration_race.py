"""The registration race: the reason kilat exists.

An event with 100 seats, registrations in MariaDB, 16 PHP processes each
trying 50 registrations at once. Each attempt takes Cache::lock on the
event's quota key (SET NX EX on the lock connection), counts, inserts if
under the quota, and releases (the compare-and-delete Lua script). With the
lock: exactly 100 rows, every attempt answered (registered or full), no two
critical sections overlapping in time. Without it, the same workers
oversell, which shows the test can fail.

Informal figures (never asserted) print with pytest -s. The worker reads
RACE_RETRY_MS and RACE_WORK_US from the environment (see
scenarios/race_register.php); leave them unset for the tests.
"""

import json
import os
import random
import shutil
import subprocess
import tempfile
import time

import pytest

from mariadb_server import mariadb  # noqa: F401  (fixture)

PHP = shutil.which("php") or "/usr/bin/php"
SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
WORKERS = 16
ATTEMPTS = 50
QUOTA = 100
LOCK_KEY = "laravel_database_laravel_cache:event:%d:quota"


@pytest.fixture
def race(php, php_env, mariadb):  # noqa: F811  (the imported fixture)
    """Creates the table (the migration) and returns run(mode) -> (worker
    results, event id)."""
    assert php("race_migrate.php", env=mariadb.env()) == {
        "columns": ["id", "event_id", "attendee", "created_at"]}
    assert mariadb.scalar("SELECT COUNT(*) FROM registrations") == "0"

    def run(mode):
        event = random.randrange(1, 1 << 30)
        env = dict(php_env)
        env.update(mariadb.env())
        barrier = tempfile.mkdtemp(prefix="kilat-race-")
        env.update({"RACE_QUOTA": str(QUOTA), "RACE_BARRIER": barrier})
        script = os.path.join(SCENARIOS, "race_register.php")
        procs = []
        try:
            for w in range(WORKERS):
                procs.append(subprocess.Popen(
                    [PHP, script, str(event), str(ATTEMPTS), mode, str(w)],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
            # Every worker has booted Laravel and connected to both servers:
            # let them all go at once.
            deadline = time.monotonic() + 120
            while sum(os.path.exists(os.path.join(barrier, "ready-%d" % w))
                      for w in range(WORKERS)) < WORKERS:
                dead = [p for p in procs if p.poll() is not None]
                if dead:
                    break
                assert time.monotonic() < deadline, "workers never got ready"
                time.sleep(0.01)
            open(os.path.join(barrier, "go"), "w").close()
            results = []
            for w, p in enumerate(procs):
                out, err = p.communicate(timeout=300)
                assert p.returncode == 0, "worker %d exited %d:\n%s\n%s" % (
                    w, p.returncode, out.decode(errors="replace")[-3000:],
                    err.decode(errors="replace")[-3000:])
                results.append(json.loads(out))
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            shutil.rmtree(barrier, ignore_errors=True)
        return results, event

    return run


def total(results, field):
    return sum(res[field] for res in results)


def overlaps(results):
    """Pairs of critical sections (from different or the same process) that
    overlap in time: after sorting by start, a section overlaps an earlier
    one exactly when it starts before the latest end seen so far."""
    sections = sorted((start, end, res["pid"])
                      for res in results for start, end in res["intervals"])
    found, latest = [], None
    for start, end, pid in sections:
        assert start <= end
        if latest is not None and start < latest[1]:
            found.append((latest, (start, end, pid)))
        if latest is None or end > latest[1]:
            latest = (start, end, pid)
    return found


def report(results, mode, client):
    """Informal throughput, visible with pytest -s (never asserted)."""
    starts = [s for res in results for s, _ in res["intervals"]]
    ends = [e for res in results for _, e in res["intervals"]]
    if starts:
        span = (max(ends) - min(starts)) / 1e9
        print("\n%s %s: %d attempts in %.2fs (%.0f attempts/s, %.0f "
              "registrations/s until full), %d registered, longest wait "
              "for the lock %.0f ms" % (
                  mode, client, len(starts), span, len(starts) / span,
                  QUOTA / _time_to_full(results), total(results, "registered"),
                  max(res["max_wait_ms"] for res in results)))


def _time_to_full(results):
    sections = sorted(s for res in results for s in res["intervals"])
    first = sections[0][0]
    # The 100th section to end is when the event became full (lock mode).
    ends = sorted(e for _, e in sections)
    return (ends[min(QUOTA, len(ends)) - 1] - first) / 1e9


def test_lock_sells_exactly_the_quota(race, mariadb, r, client):  # noqa: F811
    results, event = race("lock")
    report(results, "lock", client)
    errors = [m for res in results for m in res["error_messages"]]
    assert total(results, "errors") == 0, errors
    assert total(results, "timeouts") == 0
    assert total(results, "release_failures") == 0
    assert total(results, "registered") == QUOTA
    assert total(results, "registered") + total(results, "full") == WORKERS * ATTEMPTS
    assert len({res["pid"] for res in results}) == WORKERS
    # Every attempt ran one critical section, and none overlapped another.
    assert sum(len(res["intervals"]) for res in results) == WORKERS * ATTEMPTS
    assert overlaps(results) == []
    # The database agrees: exactly the quota, each attendee once.
    assert mariadb.scalar(
        "SELECT COUNT(*) FROM registrations WHERE event_id = %d" % event) == str(QUOTA)
    assert mariadb.scalar(
        "SELECT COUNT(DISTINCT attendee) FROM registrations") == str(QUOTA)
    assert mariadb.scalar("SELECT COUNT(*) FROM registrations") == str(QUOTA)
    # Every lock was released by its owner: nothing is left behind.
    assert r.exists(LOCK_KEY % event) == 0
    assert r.keys("*") == []


def test_without_lock_oversells(race, mariadb, r, client):  # noqa: F811
    results, event = race("nolock")
    report(results, "nolock", client)
    errors = [m for res in results for m in res["error_messages"]]
    assert total(results, "errors") == 0, errors
    rows = int(mariadb.scalar(
        "SELECT COUNT(*) FROM registrations WHERE event_id = %d" % event))
    assert rows == total(results, "registered")
    assert rows > QUOTA, "no oversell without the lock: the race test is blind"
    # The overlap check sees it too.
    assert overlaps(results) != []
