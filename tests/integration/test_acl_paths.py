"""ACL key checks on the paths where keys are not simply the first
argument: MIGRATE (one key, or KEYS k...), commands whose keys the key
specs find after a count (ZUNIONSTORE, LMPOP, EVAL), and read/write
patterns on commands that read one key and write another (COPY, RENAME,
SMOVE, LMOVE). Differential: the same replies from redis-server 7.0."""

import pytest

from conftest import RawConn, err

NOKEY = err("NOPERM this user has no permissions to access one of the keys used as arguments")


@pytest.fixture
def pair(start_server):
    srv = start_server()
    admin = RawConn(srv.host, srv.port)
    user = RawConn(srv.host, srv.port)
    return srv, admin, user


def login(admin, user, *rules):
    assert admin.cmd("ACL", "SETUSER", "u", "reset", "on", ">pw", "+@all", *rules) == b"OK"
    assert user.cmd("AUTH", "u", "pw") == b"OK"


def test_migrate_keys(pair):
    srv, admin, user = pair
    login(admin, user, "~a*")
    admin.cmd("SET", "a1", "1")
    admin.cmd("SET", "b", "1")
    assert user.cmd_raw("MIGRATE", "127.0.0.1", "1", "b", "0", "100") == NOKEY
    assert user.cmd_raw("MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS", "b") == NOKEY
    assert user.cmd_raw("MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS", "a1", "b") == NOKEY
    # allowed keys reach the connection attempt (port 1: nothing listens)
    assert user.cmd_raw("MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS", "a1").startswith(b"-IOERR")
    log = dict(zip(*[iter(admin.cmd("ACL", "LOG", "1")[0])] * 2))
    assert (log[b"reason"], log[b"object"], log[b"username"]) == (b"key", b"b", b"u")


def test_keys_after_a_count(pair):
    srv, admin, user = pair
    login(admin, user, "~a*")
    assert user.cmd_raw("ZUNIONSTORE", "a:dst", "2", "a:1", "b:1") == NOKEY
    assert user.cmd_raw("ZUNIONSTORE", "b:dst", "1", "a:1") == NOKEY
    assert user.cmd("ZUNIONSTORE", "a:dst", "2", "a:1", "a:2") == 0
    assert user.cmd_raw("LMPOP", "2", "a:l", "b:l", "LEFT") == NOKEY
    assert user.cmd("LMPOP", "2", "a:l", "a:m", "LEFT") is None
    assert user.cmd_raw("EVAL", "return 1", "2", "a:1", "b:1") == NOKEY
    assert user.cmd("EVAL", "return 1", "1", "a:1") == 1
    assert user.cmd_raw("EVAL", "return redis.call('get', ARGV[1])", "0", "b:1").startswith(
        b"-ERR The user executing the script can't access at least one of the keys")


def test_read_and_write_patterns(pair):
    srv, admin, user = pair
    login(admin, user, "%R~src*", "%W~dst*", "%RW~both*")
    admin.cmd("SET", "src", "v")
    admin.cmd("SADD", "src:s", "m")
    admin.cmd("RPUSH", "src:l", "x")
    assert user.cmd("GET", "src") == b"v"
    assert user.cmd_raw("SET", "src", "w") == NOKEY
    assert user.cmd_raw("GET", "dst") == NOKEY
    assert user.cmd("COPY", "src", "dst") == 1
    assert user.cmd_raw("COPY", "dst", "src") == NOKEY
    # RENAME deletes its source: it needs write access there too
    assert user.cmd_raw("RENAME", "src", "dst2") == NOKEY
    assert user.cmd_raw("RENAME", "both", "dst3") == err("ERR no such key")  # allowed
    assert user.cmd_raw("SMOVE", "src:s", "dst:s", "m") == NOKEY
    assert user.cmd_raw("LMOVE", "src:l", "dst:l", "LEFT", "LEFT") == NOKEY
    assert user.cmd("SET", "both", "1") == b"OK"
    assert user.cmd("GET", "both") == b"1"
