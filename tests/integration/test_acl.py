"""ACL (Redis 7.0): users and their rules, AUTH/HELLO as a user, -NOPERM
on commands, keys and channels (direct, MULTI, EXEC, scripts), ACL LOG,
the aclfile (LOAD all-or-nothing, SAVE), `user` config lines, requirepass
as the default user's password, and Redis's errors for bad input.
Differential: every expectation holds on redis-server 7.0 too."""

import hashlib
import os
import time

import pytest

from conftest import RawConn, Err, err, free_port, run_server_expect_exit

WRONGPASS = err("WRONGPASS invalid username-password pair or user is disabled.")


def sha(p):
    return hashlib.sha256(p).hexdigest().encode()


def getuser(c, name):
    reply = c.cmd("ACL", "GETUSER", name)
    return dict(zip(reply[::2], reply[1::2]))


@pytest.fixture
def srv(start_server):
    return start_server()


@pytest.fixture
def c(srv):
    return RawConn(srv.host, srv.port)


def test_setuser_getuser_list(c):
    assert c.cmd("ACL", "WHOAMI") == b"default"
    assert c.cmd("ACL", "USERS") == [b"default"]
    assert c.cmd("ACL", "LIST") == [b"user default on nopass ~* &* +@all"]
    assert c.cmd("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "&ch", "+get") == b"OK"
    u = getuser(c, "alice")
    assert u[b"flags"] == [b"on"]
    assert u[b"passwords"] == [sha(b"pw")]
    assert u[b"commands"] == b"-@all +get"
    assert u[b"keys"] == b"~k* %R~r*"
    assert u[b"channels"] == b"&ch"
    assert u[b"selectors"] == []
    assert c.cmd("ACL", "LIST")[0] == (
        b"user alice on #" + sha(b"pw") + b" ~k* %R~r* resetchannels &ch -@all +get")
    assert c.cmd("ACL", "USERS") == [b"alice", b"default"]
    # a new user is off, with no rights
    assert c.cmd("ACL", "SETUSER", "bob") == b"OK"
    assert c.cmd("ACL", "LIST")[1] == b"user bob off resetchannels -@all"
    assert c.cmd("ACL", "GETUSER", "nobody") is None
    # passwords: >, <, #, !, nopass, resetpass
    h = sha(b"x").decode()
    assert c.cmd("ACL", "SETUSER", "bob", ">a", ">b", "#" + h) == b"OK"
    assert getuser(c, "bob")[b"passwords"] == [sha(b"a"), sha(b"b"), sha(b"x")]
    assert c.cmd("ACL", "SETUSER", "bob", "<a", "!" + h) == b"OK"
    assert getuser(c, "bob")[b"passwords"] == [sha(b"b")]
    assert c.cmd("ACL", "SETUSER", "bob", "nopass") == b"OK"
    u = getuser(c, "bob")
    assert u[b"flags"] == [b"off", b"nopass"] and u[b"passwords"] == []
    assert c.cmd("ACL", "SETUSER", "bob", "resetpass", "allkeys", "allchannels") == b"OK"
    u = getuser(c, "bob")
    assert u[b"flags"] == [b"off"] and u[b"keys"] == b"~*" and u[b"channels"] == b"&*"
    assert c.cmd("ACL", "SETUSER", "bob", "resetkeys", "resetchannels") == b"OK"
    u = getuser(c, "bob")
    assert u[b"keys"] == b"" and u[b"channels"] == b""
    # subcommands, and a first argument of a command without subcommands
    assert c.cmd("ACL", "SETUSER", "bob", "+config|get") == b"OK"
    assert getuser(c, "bob")[b"commands"] == b"-@all +config|get"
    assert c.cmd("ACL", "SETUSER", "bob", "-config", "+select|0") == b"OK"
    assert getuser(c, "bob")[b"commands"] == b"-@all +select|0"
    assert c.cmd("ACL", "SETUSER", "bob", "reset") == b"OK"
    assert c.cmd("ACL", "LIST")[1] == b"user bob off sanitize-payload resetchannels -@all"
    assert c.cmd("ACL", "DELUSER", "bob", "nobody") == 1
    assert c.cmd("ACL", "USERS") == [b"alice", b"default"]


def test_selectors(c):
    assert c.cmd("ACL", "SETUSER", "s", "on", "nopass", "+get", "~a*", "(+set", "~b*)",
                 "(+get ~c*)") == b"OK"
    u = getuser(c, "s")
    sels = [dict(zip(x[::2], x[1::2])) for x in u[b"selectors"]]
    assert sels[0] == {b"commands": b"-@all +set", b"keys": b"~b*", b"channels": b""}
    assert sels[1] == {b"commands": b"-@all +get", b"keys": b"~c*", b"channels": b""}
    assert c.cmd("ACL", "LIST")[1].endswith(b"-@all +get (~b* resetchannels -@all +set) "
                                            b"(~c* resetchannels -@all +get)")
    assert c.cmd("ACL", "DRYRUN", "s", "get", "a1") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "s", "get", "c1") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "s", "set", "b1", "v") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "s", "set", "a1", "v") == \
        b"This user has no permissions to access the 'a1' key"
    assert c.cmd("ACL", "DRYRUN", "s", "del", "a1") == \
        b"This user has no permissions to run the 'del' command"
    assert c.cmd("ACL", "SETUSER", "s", "clearselectors") == b"OK"
    assert getuser(c, "s")[b"selectors"] == []
    assert c.cmd("ACL", "DRYRUN", "s", "get", "c1") == \
        b"This user has no permissions to access the 'c1' key"


def test_read_write_key_patterns(c):
    assert c.cmd("ACL", "SETUSER", "rw", "on", "nopass", "+@all", "%R~r*", "%W~w*",
                 "%RW~b*") == b"OK"
    assert getuser(c, "rw")[b"keys"] == b"%R~r* %W~w* ~b*"
    assert c.cmd("ACL", "DRYRUN", "rw", "get", "r1") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "rw", "get", "w1") == \
        b"This user has no permissions to access the 'w1' key"
    assert c.cmd("ACL", "DRYRUN", "rw", "set", "w1", "v") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "rw", "set", "r1", "v") == \
        b"This user has no permissions to access the 'r1' key"
    assert c.cmd("ACL", "DRYRUN", "rw", "lmove", "r1", "w1", "left", "left") == \
        b"This user has no permissions to access the 'r1' key"
    assert c.cmd("ACL", "DRYRUN", "rw", "lmove", "b1", "w1", "left", "left") == b"OK"
    assert c.cmd("ACL", "DRYRUN", "rw", "publish", "ch", "m") == \
        b"This user has no permissions to access the 'ch' channel"


def test_auth_and_hello(srv, c):
    c.cmd("ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*")
    c.cmd("ACL", "SETUSER", "off-user", "off", ">pw", "+@all")
    d = RawConn(srv.host, srv.port)
    assert d.cmd_raw("AUTH", "alice", "bad") == WRONGPASS
    assert d.cmd_raw("AUTH", "nobody", "pw") == WRONGPASS
    assert d.cmd_raw("AUTH", "off-user", "pw") == WRONGPASS
    assert d.cmd_raw("AUTH", "pw") == err(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?")
    assert d.cmd_raw("AUTH", "a", "b", "c") == err("ERR syntax error")
    assert d.cmd("AUTH", "alice", "pw") == b"OK"
    assert d.cmd("ACL", "WHOAMI") == b"alice"
    assert b"user=alice" in d.cmd("CLIENT", "INFO")
    e = RawConn(srv.host, srv.port)
    assert e.cmd_raw("HELLO", "2", "AUTH", "alice", "bad") == WRONGPASS
    assert e.cmd("HELLO", "3", "AUTH", "alice", "pw")[b"proto"] == 3
    assert e.cmd("ACL", "WHOAMI") == b"alice"
    # RESET makes it the default user again
    assert e.cmd("RESET") == b"RESET"
    assert e.cmd("ACL", "WHOAMI") == b"default"
    # CLIENT KILL USER
    assert c.cmd_raw("CLIENT", "KILL", "USER", "nobody") == err("ERR No such user 'nobody'")
    assert c.cmd("CLIENT", "KILL", "USER", "alice") == 1
    assert d.is_closed()


def test_requirepass_is_default_password(srv, c):
    assert c.cmd("CONFIG", "SET", "requirepass", "secret") == b"OK"
    u = getuser(c, "default")
    assert u[b"flags"] == [b"on"] and u[b"passwords"] == [sha(b"secret")]
    assert c.cmd("PING") == b"PONG"  # this connection stays authenticated
    d = RawConn(srv.host, srv.port)
    assert d.cmd_raw("PING") == err("NOAUTH Authentication required.")
    assert d.cmd("AUTH", "default", "secret") == b"OK"
    # and ACL SETUSER default works the other way
    assert c.cmd("ACL", "SETUSER", "default", "nopass") == b"OK"
    e = RawConn(srv.host, srv.port)
    assert e.cmd("PING") == b"PONG"
    assert c.cmd("ACL", "SETUSER", "default", "resetpass") == b"OK"
    f = RawConn(srv.host, srv.port)
    assert f.cmd_raw("PING") == err("NOAUTH Authentication required.")


def test_noperm_errors_and_log(srv, c):
    c.cmd("ACL", "SETUSER", "app", "on", ">pw", "~app:*", "&news", "+get", "+set", "+multi",
          "+exec", "+eval", "+publish", "+subscribe")
    d = RawConn(srv.host, srv.port)
    d.cmd("AUTH", "app", "pw")
    assert c.cmd("ACL", "LOG", "RESET") == b"OK"
    assert d.cmd_raw("DEL", "app:1") == err(
        "NOPERM this user has no permissions to run the 'del' command")
    assert d.cmd_raw("CONFIG", "GET", "port") == err(
        "NOPERM this user has no permissions to run the 'config|get' command")
    assert d.cmd_raw("GET", "other") == err(
        "NOPERM this user has no permissions to access one of the keys used as arguments")
    assert d.cmd_raw("PUBLISH", "sport", "x") == err(
        "NOPERM this user has no permissions to access one of the channels used as arguments")
    assert d.cmd("SET", "app:1", "v") == b"OK"
    assert d.cmd("PUBLISH", "news", "x") == 0
    log = [dict(zip(e[::2], e[1::2])) for e in c.cmd("ACL", "LOG")]
    assert [(e[b"reason"], e[b"object"], e[b"context"], e[b"username"]) for e in log] == [
        (b"channel", b"sport", b"toplevel", b"app"),
        (b"key", b"other", b"toplevel", b"app"),
        (b"command", b"config|get", b"toplevel", b"app"),
        (b"command", b"del", b"toplevel", b"app"),
    ]
    assert log[0][b"count"] == 1 and b"user=app" in log[0][b"client-info"]
    assert d.cmd_raw("GET", "other") == err(
        "NOPERM this user has no permissions to access one of the keys used as arguments")
    assert dict(zip(*[iter(c.cmd("ACL", "LOG", "1")[0])] * 2))[b"count"] == 2
    # MULTI: refused when queued (the transaction aborts)
    assert d.cmd("MULTI") == b"OK"
    assert d.cmd_raw("DEL", "app:1") == err(
        "NOPERM this user has no permissions to run the 'del' command")
    assert d.cmd_raw("EXEC") == err(
        "EXECABORT Transaction discarded because of previous errors.")
    entry = dict(zip(*[iter(c.cmd("ACL", "LOG", "1")[0])] * 2))
    assert entry[b"context"] == b"multi" and entry[b"object"] == b"del"
    # ... and at EXEC when the rules changed meanwhile
    assert d.cmd("MULTI") == b"OK"
    assert d.cmd("SET", "app:1", "w") == b"QUEUED"
    assert d.cmd("GET", "app:1") == b"QUEUED"
    c.cmd("ACL", "SETUSER", "app", "-set")
    res = d.cmd("EXEC")
    assert res[0] == Err(
        b"NOPERM ACLs rules changed between the moment the transaction was accumulated and "
        b"the EXEC call. This command is no longer allowed for the following reason: no "
        b"permission to execute the command or subcommand")
    assert res[1] == b"v"
    # scripts run with the caller's rights
    r = d.cmd_raw("EVAL", "return redis.call('del', KEYS[1])", "1", "app:1")
    assert r.startswith(b"-ERR The user executing the script can't run this command or "
                        b"subcommand")
    entry = dict(zip(*[iter(c.cmd("ACL", "LOG", "1")[0])] * 2))
    assert entry[b"context"] == b"lua" and entry[b"object"] == b"del"
    assert d.cmd("EVAL", "return redis.call('get', KEYS[1])", "1", "app:1") == b"v"
    # failed AUTH is logged too
    assert d.cmd_raw("AUTH", "app", "bad") == WRONGPASS
    entry = dict(zip(*[iter(c.cmd("ACL", "LOG", "1")[0])] * 2))
    assert (entry[b"reason"], entry[b"object"], entry[b"username"]) == (b"auth", b"AUTH", b"app")
    assert c.cmd("ACL", "LOG", "RESET") == b"OK"
    assert c.cmd("ACL", "LOG") == []


def test_deluser_and_lost_channels_disconnect(srv, c):
    c.cmd("ACL", "SETUSER", "sub", "on", "nopass", "+@all", "&a", "&b")
    d = RawConn(srv.host, srv.port)
    d.cmd("AUTH", "sub", "x")
    assert d.cmd("SUBSCRIBE", "a")[0] == b"subscribe"
    assert d.cmd_raw("SUBSCRIBE", "c") == err(
        "NOPERM this user has no permissions to access one of the channels used as arguments")
    c.cmd("ACL", "SETUSER", "sub", "&c")  # a superset: it stays
    assert d.cmd("PING") == [b"pong", b""]
    c.cmd("ACL", "SETUSER", "sub", "resetchannels", "&b")  # "a" is gone: disconnected
    assert d.is_closed()
    e = RawConn(srv.host, srv.port)
    e.cmd("AUTH", "sub", "x")
    assert c.cmd("ACL", "DELUSER", "sub") == 1
    assert e.is_closed()


def test_bad_input(c):
    def setuser(*rules):
        return c.cmd_raw("ACL", "SETUSER", "u", *rules)
    assert setuser("+nosuchcmd") == err(
        "ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL")
    assert setuser("+@nosuch") == err(
        "ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL")
    assert setuser("bogus") == err("ERR Error in ACL SETUSER modifier 'bogus': Syntax error")
    assert setuser("%X~k") == err("ERR Error in ACL SETUSER modifier '%X~k': Syntax error")
    assert setuser("#abc") == err(
        "ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 "
        "characters and contain only lowercase hexadecimal characters")
    assert setuser("<nope") == err(
        "ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from "
        "the user does not exist")
    assert setuser("~*", "~k") == err(
        "ERR Error in ACL SETUSER modifier '~k': Adding a pattern after the * pattern (or the "
        "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
        "with an empty list of patterns")
    assert setuser("&*", "&k") == err(
        "ERR Error in ACL SETUSER modifier '&k': Adding a pattern after the * pattern (or the "
        "'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to "
        "start with an empty list of channels")
    assert setuser("+config|get|x") == err(
        "ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand "
        "is not supported")
    assert setuser("+select|") == err(
        "ERR Error in ACL SETUSER modifier '+select|': Syntax error")
    assert setuser("(+get", "~k") == err(
        "ERR Unmatched parenthesis in acl selector starting at '(+get'.")
    assert setuser("(+get bogus)") == err(
        "ERR Error in ACL SETUSER modifier '(+get bogus)': Syntax error")
    # all or nothing: the good rules before the bad one were not applied
    assert setuser("on", "+get", "bogus") == err(
        "ERR Error in ACL SETUSER modifier 'bogus': Syntax error")
    assert c.cmd("ACL", "GETUSER", "u") is None
    assert c.cmd_raw("ACL", "SETUSER", "a b") == err(
        "ERR Usernames can't contain spaces or null characters")
    assert c.cmd_raw("ACL", "DELUSER", "x", "default") == err(
        "ERR The 'default' user cannot be removed")
    assert c.cmd_raw("ACL", "CAT", "nosuch") == err("ERR Unknown category 'nosuch'")
    assert c.cmd_raw("ACL", "CAT", "a", "b") == err(
        "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.")
    assert c.cmd_raw("ACL", "GENPASS", "0") == err(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096")
    assert c.cmd_raw("ACL", "GENPASS", "x") == err(
        "ERR value is not an integer or out of range")
    assert len(c.cmd("ACL", "GENPASS")) == 64 and len(c.cmd("ACL", "GENPASS", "5")) == 2
    assert c.cmd_raw("ACL", "LOG", "x") == err("ERR value is not an integer or out of range")
    assert c.cmd_raw("ACL", "GETUSER") == err(
        "ERR wrong number of arguments for 'acl|getuser' command")
    assert c.cmd_raw("ACL", "NOSUCH") == err(
        "ERR unknown subcommand 'NOSUCH'. Try ACL HELP.")
    assert c.cmd_raw("ACL", "DRYRUN", "nobody", "get", "k") == err("ERR User 'nobody' not found")
    assert c.cmd_raw("ACL", "DRYRUN", "default", "nosuch", "k") == err(
        "ERR Command 'nosuch' not found")
    assert c.cmd_raw("ACL", "DRYRUN", "default", "get", "k", "x") == err(
        "ERR wrong number of arguments for 'get' command")
    no_file = err(
        "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
        "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
        "Redis configuration file set) in order to store users in the Redis configuration.")
    assert c.cmd_raw("ACL", "LOAD") == no_file
    assert c.cmd_raw("ACL", "SAVE") == no_file
    cats = c.cmd("ACL", "CAT")
    assert cats[:3] == [b"keyspace", b"read", b"write"] and len(cats) == 21
    assert b"get" in c.cmd("ACL", "CAT", "read")
    assert b"config|get" in c.cmd("ACL", "CAT", "admin")


def test_aclfile_load_save(start_server, tmp_path):
    path = str(tmp_path / "users.acl")
    with open(path, "w") as f:
        f.write("user alice on >a ~* &* +@all\n")
    srv = start_server(conf="aclfile %s\n" % path)
    c = RawConn(srv.host, srv.port)
    assert c.cmd("ACL", "USERS") == [b"alice", b"default"]
    with open(path, "a") as f:
        f.write("user bob on nopass ~b* -@all +get\n")
    assert c.cmd("ACL", "LOAD") == b"OK"
    assert c.cmd("ACL", "USERS") == [b"alice", b"bob", b"default"]
    d = RawConn(srv.host, srv.port)
    assert d.cmd("AUTH", "bob", "x") == b"OK"
    # a bad line: nothing changes, and bob's connection stays
    with open(path, "a") as f:
        f.write("user carol on bogus\n")
    r = c.cmd_raw("ACL", "LOAD")
    assert r.startswith(b"-ERR ") and b"Syntax error" in r
    assert b"WARNING: ACL errors detected, no change to the previously active ACL rules was " \
        b"performed" in r
    assert c.cmd("ACL", "USERS") == [b"alice", b"bob", b"default"]
    with open(path, "a") as f:
        f.write("user alice on nopass\n")
    r = c.cmd_raw("ACL", "LOAD")
    assert b"Duplicate user 'alice' found on line 4" in r
    with open(path, "w") as f:
        f.write("user alice on >a ~* &* +@all\nuser bob on nopass ~b* -@all +get\n")
    assert d.cmd("GET", "b1") is None
    # SAVE writes ACL LIST's lines; a LOAD drops the clients of reloaded users
    c.cmd("ACL", "SETUSER", "eve", "on", ">e", "+get", "allkeys")
    assert c.cmd("ACL", "SAVE") == b"OK"
    with open(path, "rb") as f:
        saved = f.read().decode()
    assert saved.splitlines() == [x.decode() for x in c.cmd("ACL", "LIST")]
    assert c.cmd("ACL", "LOAD") == b"OK"
    assert d.is_closed()
    assert c.cmd("ACL", "USERS") == [b"alice", b"bob", b"default", b"eve"]
    e = RawConn(srv.host, srv.port)
    assert e.cmd("AUTH", "eve", "e") == b"OK"
    assert e.cmd_raw("SET", "k", "v") == err(
        "NOPERM this user has no permissions to run the 'set' command")


def test_user_config_lines(start_server):
    srv = start_server(conf="user default on nopass ~* &* +@all -flushdb\n"
                            "user app on >pw ~app:* +@read\n")
    c = RawConn(srv.host, srv.port)
    assert c.cmd_raw("FLUSHDB") == err(
        "NOPERM this user has no permissions to run the 'flushdb' command")
    assert c.cmd("AUTH", "app", "pw") == b"OK"
    assert c.cmd("GET", "app:1") is None
    assert c.cmd_raw("SET", "app:1", "v") == err(
        "NOPERM this user has no permissions to run the 'set' command")


def test_missing_aclfile_refused(tmp_path):
    code, out = run_server_expect_exit(["--port", str(free_port())],
                                       conf="aclfile %s\n" % (tmp_path / "none.acl"))
    assert code != 0 and b"Aborting Redis startup because of ACL errors" in out


def test_bad_user_config_refused():
    code, out = run_server_expect_exit(["--port", str(free_port())], conf="user foo on\nuser foo off\n")
    assert code != 0 and b"Duplicate user" in out
    code, out = run_server_expect_exit(["--port", str(free_port())], conf="user foo on bogus\n")
    assert code != 0


def test_config_rewrite_writes_users(start_server):
    srv = start_server(conf="user default on nopass ~* +@all -flushdb\n# keep me\n"
                            "user bob on >p ~* +get\n")
    c = RawConn(srv.host, srv.port)
    assert c.cmd("ACL", "SETUSER", "carol", "on", "nopass", "+ping") == b"OK"
    assert c.cmd("ACL", "DELUSER", "bob") == 1
    assert c.cmd("CONFIG", "REWRITE") == b"OK"
    with open(os.path.join(srv.dir, "test.conf")) as f:
        lines = f.read().splitlines()
    # the users as ACL LIST shows them, in place of the old `user` lines
    assert lines[:3] == [
        "user carol on nopass resetchannels -@all +ping",
        "# keep me",
        "user default on nopass sanitize-payload ~* resetchannels +@all -flushdb",
    ]


def test_script_acl_check_cmd(srv, c):
    c.cmd("ACL", "SETUSER", "bob", "on", ">123", "+@scripting", "+set", "~x*")
    d = RawConn(srv.host, srv.port)
    assert d.cmd("AUTH", "bob", "123") == b"OK"

    def check(body):
        return d.cmd_raw("EVAL", body, "0")
    assert check("return redis.acl_check_cmd('set','xx',1)") == b":1\r\n"
    assert check("return redis.acl_check_cmd('hset','xx','f',1)") == b"$-1\r\n"
    assert check("return redis.acl_check_cmd('set','yy',1)") == b"$-1\r\n"
    assert check("return redis.acl_check_cmd('invalid-cmd','arg')").startswith(
        b"-ERR Invalid command passed to redis.acl_check_cmd()")
    assert check("return redis.acl_check_cmd('config','nosuch')").startswith(
        b"-ERR Invalid command passed to redis.acl_check_cmd()")
    assert check("return redis.acl_check_cmd()").startswith(
        b"-ERR Please specify at least one argument for this redis lib call")
    assert check("return redis.acl_check_cmd({})").startswith(
        b"-ERR Lua redis lib command arguments must be strings or integers")


@pytest.mark.kilat_only  # redis-server 7.0.15 crashes on these (reads past argv)
def test_script_acl_check_cmd_short_command_line(srv, c):
    c.cmd("ACL", "SETUSER", "bob", "on", ">123", "+@scripting", "+set", "+lmove", "~x*")
    d = RawConn(srv.host, srv.port)
    assert d.cmd("AUTH", "bob", "123") == b"OK"
    assert d.cmd_raw("EVAL", "return redis.acl_check_cmd('set')", "0") == b":1\r\n"
    assert d.cmd_raw("EVAL", "return redis.acl_check_cmd('lmove','y')", "0") == b":1\r\n"
    assert d.cmd("SET", "x1", "v") == b"OK"  # still alive


def test_blocked_command_is_not_checked_again(srv, c):
    # rules checked when the command was sent; its wake-up is not refused
    c.cmd("ACL", "SETUSER", "w", "on", "nopass", "+blpop", "~q")
    d = RawConn(srv.host, srv.port)
    assert d.cmd("AUTH", "w", "x") == b"OK"
    d.send_command("BLPOP", "q", "0")
    time.sleep(0.2 * (4 if os.environ.get("KILAT_ASAN") else 1))
    c.cmd("ACL", "SETUSER", "w", "-blpop")
    assert c.cmd("RPUSH", "q", "v") == 1
    assert d.read_reply() == [b"q", b"v"]
    assert d.cmd_raw("BLPOP", "q", "0") == err(
        "NOPERM this user has no permissions to run the 'blpop' command")


DEBUG_OFF = err("ERR DEBUG command not allowed. If the enable-debug-command option is set "
                "to \"local\", you can run it from a local connection, otherwise you need "
                "to set this option in the configuration file, and then restart the server.")


def test_protected_debug_refused_before_auth_and_acl(start_server):
    """DEBUG with enable-debug-command no is refused before AUTH and ACL are
    asked (Redis's protected commands): no NOAUTH, no NOPERM, no ACL LOG
    entry, a rejected call (EXECABORT in MULTI). With the command enabled,
    ACL refuses it as any other."""
    srv = start_server("--enable-debug-command", "no", "--requirepass", "adm",
                       conf="user app on >pw ~app:* +@all -@admin -@dangerous\n")
    with RawConn(srv.host, srv.port) as anon, RawConn(srv.host, srv.port) as app, \
            RawConn(srv.host, srv.port) as admin:
        # not logged in: the DEBUG text, where any other command is NOAUTH
        assert anon.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_OFF
        assert anon.cmd_raw("GET", "x") == err("NOAUTH Authentication required.")
        assert admin.cmd("AUTH", "adm") == b"OK"
        assert app.cmd("AUTH", "app", "pw") == b"OK"
        # a user without DEBUG: the DEBUG text too, and nothing in ACL LOG
        assert app.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_OFF
        assert app.cmd_raw("FLUSHALL") == err(
            "NOPERM this user has no permissions to run the 'flushall' command")
        log = admin.cmd("ACL", "LOG")
        assert [dict(zip(e[::2], e[1::2]))[b"object"] for e in log] == [b"flushall"]
        # refused at queueing: the transaction is aborted
        assert admin.cmd("MULTI") == b"OK"
        assert admin.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_OFF
        assert admin.cmd_raw("EXEC") == err(
            "EXECABORT Transaction discarded because of previous errors.")
        stats = admin.cmd("INFO", "commandstats").decode()
        line = next(l for l in stats.splitlines() if l.startswith("cmdstat_debug:"))
        assert "rejected_calls=3,failed_calls=0" in line
    srv = start_server("--enable-debug-command", "yes", conf="user app on >pw ~app:* +@all -@admin\n")
    with RawConn(srv.host, srv.port) as app:
        assert app.cmd("AUTH", "app", "pw") == b"OK"
        assert app.cmd_raw("DEBUG", "SLEEP", "0") == err(
            "NOPERM this user has no permissions to run the 'debug' command")


def test_first_arg_rule_logs_deprecation(start_server):
    """`+select|0` (a first argument of a command without subcommands)
    works, and the server log says it is deprecated, as Redis 7.0's does,
    at start and at ACL SETUSER."""
    srv = start_server(conf="user app on >pw ~* -@all +get -select +select|0\n")
    with RawConn(srv.host, srv.port) as c:
        assert c.cmd("ACL", "SETUSER", "app", "+select|1") == b"OK"
        assert c.cmd("AUTH", "app", "pw") == b"OK"
        assert c.cmd("SELECT", "0") == b"OK" and c.cmd("SELECT", "1") == b"OK"
        assert c.cmd_raw("SELECT", "2") == err(
            "NOPERM this user has no permissions to run the 'select' command")
    out = srv.output().decode()
    for arg in ("0", "1"):
        assert ("# Deprecation warning: Allowing a first arg of an otherwise blocked command "
                "is a misuse of ACL and may get disabled in the future (offender: +select|%s)\n"
                % arg) in out
