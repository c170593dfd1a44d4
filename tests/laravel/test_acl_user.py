"""The restricted user of docs/security.md's Laravel example is really
restricted (ACL mode, KILAT_LARAVEL_ACL=1; kilat and redis-server alike):
on the app's own connections (phpredis and predis, logged in as `laravel`)
administrative commands, other prefixes, other databases and other
channels are refused with Redis 7.0's -NOPERM texts, and ACL LOG names
the user. Without ACL mode the test starts a server of its own with the
same users."""

import json

import pytest

from conftest import (ACL, LARAVEL_LOGIN, LARAVEL_RULE, Server, _stop_and_assert,
                      acl_refusals)

CMD = "NOPERM this user has no permissions to run the '%s' command"
KEY = "NOPERM this user has no permissions to access one of the keys used as arguments"
CHANNEL = "NOPERM this user has no permissions to access one of the channels used as arguments"

PROBES = [
    # (command, refusal text, ACL LOG (reason, object))
    (["FLUSHALL"], CMD % "flushall", ("command", "flushall")),
    (["FLUSHDB"], CMD % "flushdb", ("command", "flushdb")),
    (["CONFIG", "GET", "maxmemory"], CMD % "config|get", ("command", "config|get")),
    (["KEYS", "other_app_*"], CMD % "keys", ("command", "keys")),
    (["GET", "other_app:secret"], KEY, ("key", "other_app:secret")),
    (["SET", "laravel_cache_x", "1"], KEY, ("key", "laravel_cache_x")),
    (["SELECT", "2"], CMD % "select", ("command", "select")),
    (["PUBLISH", "other_app:events", "x"], CHANNEL, ("channel", "other_app:events")),
    (["ACL", "SETUSER", "laravel", "+@all", "~*"], CMD % "acl|setuser", ("command", "acl|setuser")),
    (["CLIENT", "LIST"], CMD % "client|list", ("command", "client|list")),
    (["SHUTDOWN", "NOSAVE"], CMD % "shutdown", ("command", "shutdown")),
    (["INFO"], CMD % "info", ("command", "info")),
]


@pytest.fixture
def acl_server(server):
    """ACL mode: the session's server. Otherwise one of the test's own with
    the same users (so the plain run checks the restriction too)."""
    if ACL:
        yield server
        return
    srv = Server(name="acl server", acl=True).start()
    yield srv
    _stop_and_assert(srv)


@pytest.mark.parametrize("conn", ["default", "cache"])
def test_app_user_is_restricted(php, acl_server, client, conn):
    admin = acl_server.client()
    admin.flushall()
    admin.execute_command("ACL", "LOG", "RESET")
    admin.set(b"other_app:secret", b"s")
    users = admin.execute_command("ACL", "LIST")
    db = 1 if conn == "cache" else 0
    allowed = [["ACL", "WHOAMI"], ["SET", "laravel_database_probe", "v"],
               ["GET", "laravel_database_probe"], ["SELECT", str(db)]]
    env = dict(LARAVEL_LOGIN, REDIS_PORT=str(acl_server.port))
    out = php("acl_probe.php", conn, json.dumps(allowed + [p[0] for p in PROBES]), env=env)
    ok = True if client == "phpredis" else "OK"
    assert out[:4] == [{"reply": "laravel"}, {"reply": ok}, {"reply": "v"}, {"reply": ok}]
    assert out[4:] == [{"error": p[1]} for p in PROBES]
    assert acl_refusals(admin) == [p[2] + ("laravel",) for p in PROBES]
    # Nothing happened: the other app's key, the data and the user are intact.
    assert admin.get(b"other_app:secret") == b"s"
    assert acl_server.client(db=db).get(b"laravel_database_probe") == b"v"
    assert admin.execute_command("ACL", "LIST") == users
    # ... and the rule tested is the doc's
    assert LARAVEL_RULE.startswith("user laravel on >app-secret ")
    admin.close()
