"""Atomic locks (Cache::lock) on the redis store, across PHP processes.

The store's lock_connection is "default": locks live in database 0 under
laravel_database_ (connection prefix) + laravel_cache: (cache prefix) +
the lock name, as SET key owner EX seconds NX; release is the framework's
compare-and-delete Lua script.
"""

import json
import os
import shutil
import subprocess
import time

KEY = b"laravel_database_laravel_cache:test-lock"
SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
PHP = shutil.which("php") or "/usr/bin/php"


def start(php_env, *args):
    return subprocess.Popen([PHP, os.path.join(SCENARIOS, "lock_ops.php")] +
                            [str(a) for a in args], env=php_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(p, timeout=60):
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, (out, err)
    return json.loads(out)


def wait_for_key(r, key, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if r.exists(key):
            return
        time.sleep(0.01)
    raise AssertionError("%r never appeared" % key)


def test_get_then_second_attempt_fails(php, server, r):
    out = php("lock_ops.php", "get", 10)
    assert out["acquired"] is True
    # Where it really lands: database 0, both prefixes, owner as value.
    assert r.keys("*") == [KEY]
    assert r.get(KEY) == out["owner"].encode()
    assert 8 <= r.ttl(KEY) <= 10
    assert server.client(db=1).dbsize() == 0
    # Another process within the 10 s: refused, the holder is unchanged.
    again = php("lock_ops.php", "get", 10)
    assert again["acquired"] is False
    assert r.get(KEY) == out["owner"].encode()


def test_second_instance_in_same_process(php, r):
    out = php("lock_ops.php", "get_twice")
    assert out == {"first": True, "second": False, "owners_differ": True,
                   "owner": out["owner"]}
    assert r.get(KEY) == out["owner"].encode()


def test_get_with_callback_releases(php, r):
    out = php("lock_ops.php", "get_callback")
    assert out == {"result": "ran", "inside_second_attempt": False}
    assert r.exists(KEY) == 0


def test_release_by_owner(php, r):
    out = php("lock_ops.php", "acquire_release")
    assert out == {"acquired": True, "release": True, "release_again": False}
    assert r.exists(KEY) == 0


def test_release_by_other_owner_does_nothing(php, r):
    held = php("lock_ops.php", "get", 10)
    out = php("lock_ops.php", "release_other")
    assert out["release"] is False
    assert out["owner"] != held["owner"]
    assert r.get(KEY) == held["owner"].encode()
    assert r.ttl(KEY) > 0


def test_restore_lock_by_owner_token(php, r):
    held = php("lock_ops.php", "get", 10)
    # A different process restores the lock from the owner token alone.
    out = php("lock_ops.php", "restore_release", held["owner"])
    assert out == {"owner": held["owner"], "release": True}
    assert r.exists(KEY) == 0
    assert php("lock_ops.php", "get", 10)["acquired"] is True


def test_restore_lock_with_wrong_token(php, r):
    held = php("lock_ops.php", "get", 10)
    out = php("lock_ops.php", "restore_release", "not-the-owner")
    assert out["release"] is False
    assert r.get(KEY) == held["owner"].encode()


def test_force_release(php, r):
    held = php("lock_ops.php", "get", 10)
    assert r.exists(KEY) == 1
    assert php("lock_ops.php", "force") == {"forced": True}
    assert r.exists(KEY) == 0
    assert php("lock_ops.php", "get", 10)["acquired"] is True
    assert r.get(KEY) != held["owner"].encode()


def test_block_waits_for_release(php, php_env, r):
    # A second process holds the lock about a second, then releases it.
    holder = start(php_env, "hold", 10, 1.0)
    try:
        wait_for_key(r, KEY)
        owner_then = r.get(KEY)
        out = php("lock_ops.php", "block", 10, 5)
    finally:
        held = finish(holder)
    assert held["acquired"] is True
    assert held["owner"].encode() == owner_then
    # The holder released its own lock (the waiter did not take it early)...
    assert held["release"] is True
    # ...and the waiter got it afterwards: the key now names the waiter.
    assert out["acquired"] is True
    assert out["owner"] != held["owner"]
    assert r.get(KEY) == out["owner"].encode()
    assert 8 <= r.ttl(KEY) <= 10


def test_block_times_out(php, r):
    held = php("lock_ops.php", "get", 10)
    out = php("lock_ops.php", "block", 10, 1)
    assert out["acquired"] is False
    assert out["exception"] == "Illuminate\\Contracts\\Cache\\LockTimeoutException"
    assert r.get(KEY) == held["owner"].encode()


def test_lock_expires_by_ttl(php, r):
    held = php("lock_ops.php", "get", 10)
    # Expire it now rather than waiting 10 s: the next attempt succeeds.
    assert r.pexpire(KEY, 1)
    deadline = time.monotonic() + 10
    while r.exists(KEY) and time.monotonic() < deadline:
        time.sleep(0.01)
    out = php("lock_ops.php", "get", 10)
    assert out["acquired"] is True and out["owner"] != held["owner"]
    assert r.get(KEY) == out["owner"].encode()
