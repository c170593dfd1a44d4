"""Sessions (SESSION_DRIVER=redis) written by real HTTP requests through the
app's kernel: StartSession stores the session through the redis cache
store on the default connection (database 0), under
laravel_database_laravel_cache:<session id>, with TTL = lifetime * 60."""

import time

P = b"laravel_database_laravel_cache:"


def put(php, value, **kw):
    out = php("session_http.php", "/session/put/" + value, **kw)
    assert out["status"] == 200
    sid = out["cookie"]["value"]
    # The route returns session()->getId(): the cookie carries that id.
    assert out["body"] == sid and len(sid) == 40
    return sid


def test_session_stored_and_read_back(php, server, r):
    sid = put(php, "hello")
    key = P + sid.encode()
    # It really is in the server: redis-cli sees it...
    p = server.cli("keys", "*laravel*")
    assert p.returncode == 0
    assert p.stdout.split() == [key]
    # ...holding the serialized session with our value.
    raw = r.get(key)
    assert b's:5:"value";s:5:"hello";' in raw
    assert server.client(db=1).dbsize() == 0
    # A new process, a new request carrying the cookie reads it back.
    out = php("session_http.php", "/session/get", sid)
    assert out["status"] == 200
    assert out["body"] == "hello"
    assert out["cookie"]["value"] == sid
    # Without the cookie: a fresh, empty session with another id.
    fresh = php("session_http.php", "/session/get")
    assert fresh["body"] == "none"
    assert fresh["cookie"]["value"] != sid


def test_session_update_in_later_request(php, r):
    sid = put(php, "one")
    again = php("session_http.php", "/session/put/two", sid)
    assert again["body"] == sid
    assert b's:5:"value";s:3:"two";' in r.get(P + sid.encode())
    assert php("session_http.php", "/session/get", sid)["body"] == "two"
    assert len(r.keys("*")) == 1


def test_session_ttl_is_lifetime(php, r):
    sid = put(php, "hello")
    ttl = r.ttl(P + sid.encode())
    assert 7190 <= ttl <= 7200            # default lifetime 120 minutes
    env = {"SESSION_LIFETIME": "1"}
    sid = put(php, "short", env=env)
    ttl = r.ttl(P + sid.encode())
    assert 50 <= ttl <= 60                # 1 minute


def test_expired_session_is_empty(php, r):
    sid = put(php, "hello", env={"SESSION_LIFETIME": "1"})
    key = P + sid.encode()
    # Do not wait a minute: expire the key in the server now.
    assert r.pexpire(key, 1)
    deadline = time.monotonic() + 10
    while r.exists(key) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert r.exists(key) == 0
    out = php("session_http.php", "/session/get", sid, env={"SESSION_LIFETIME": "1"})
    assert out["body"] == "none"


def test_deleted_session_is_empty(php, r):
    sid = put(php, "hello")
    assert r.delete(P + sid.encode()) == 1
    assert php("session_http.php", "/session/get", sid)["body"] == "none"
