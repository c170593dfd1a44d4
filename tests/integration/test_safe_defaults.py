"""Redis 7.0's safe defaults: DEBUG, MODULE LOAD/LOADEX/UNLOAD and CONFIG
SET of protected configs (dir, dbfilename) are refused unless the
configuration file turns them on; `local` allows them from loopback and
Unix-socket clients only. kilat has no modules: MODULE LIST is empty and
LOAD fails, as on a redis-server that has none. Differential."""

import socket

import pytest

from conftest import RawConn, err

NOT_ALLOWED = ("ERR %s command not allowed. If the %s option is set to \"local\", you can "
               "run it from a local connection, otherwise you need to set this option in the "
               "configuration file, and then restart the server.")
DEBUG_NO = err(NOT_ALLOWED % ("DEBUG", "enable-debug-command"))
MODULE_NO = err(NOT_ALLOWED % ("MODULE", "enable-module-command"))
LOAD_FAILED = err("ERR Error loading the extension. Please check the server logs.")
PROTECTED = "ERR CONFIG SET failed (possibly related to argument '%s') - can't set protected config"
IMMUTABLE = "ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable config"


def cget(c, name):
    return c.cmd("CONFIG", "GET", name)[1]


def test_defaults(start_server):
    c = start_server().raw()
    assert cget(c, "enable-debug-command") == b"no"
    assert cget(c, "enable-module-command") == b"no"
    assert cget(c, "enable-protected-configs") == b"no"
    assert cget(c, "protected-mode") == b"yes"
    for name in ["enable-debug-command", "enable-module-command", "enable-protected-configs"]:
        assert c.cmd_raw("CONFIG", "SET", name, "yes") == err(IMMUTABLE % name)


def test_refused_by_default(start_server):
    srv = start_server()
    c = srv.raw()
    assert c.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_NO
    assert c.cmd_raw("DEBUG", "NOSUCH") == DEBUG_NO
    assert c.cmd_raw("MODULE", "LOAD", "/tmp/x.so") == MODULE_NO
    assert c.cmd_raw("MODULE", "LOADEX", "/tmp/x.so", "ARGS", "a") == MODULE_NO
    assert c.cmd_raw("MODULE", "UNLOAD", "x") == MODULE_NO
    for name in ["dir", "dbfilename"]:
        assert c.cmd_raw("CONFIG", "SET", name, "x") == err(PROTECTED % name)
    # LIST and HELP are not protected
    assert c.cmd("MODULE", "LIST") == []
    help_ = c.cmd("MODULE", "HELP")
    assert help_[0].startswith(b"MODULE <subcommand>") and help_[-2] == b"HELP"
    assert c.cmd_raw("MODULE", "NOSUCH") == err("ERR unknown subcommand 'NOSUCH'. Try MODULE HELP.")
    assert c.cmd_raw("MODULE") == err("ERR wrong number of arguments for 'module' command")
    assert c.cmd_raw("MODULE", "LIST", "x") == err("ERR wrong number of arguments for 'module|list' command")
    assert c.cmd_raw("MODULE", "LOAD") == err("ERR wrong number of arguments for 'module|load' command")
    assert c.cmd("CONFIG", "GET", "dir")[1] != b"x"


def test_enabled(start_server, tmp_path):
    srv = start_server("--enable-debug-command", "yes", "--enable-module-command", "yes",
                       "--enable-protected-configs", "yes")
    c = srv.raw()
    assert c.cmd("DEBUG", "SLEEP", "0") == b"OK"
    assert c.cmd_raw("MODULE", "LOAD", str(tmp_path / "none.so")) == LOAD_FAILED
    assert c.cmd_raw("MODULE", "LOADEX", str(tmp_path / "none.so")) == LOAD_FAILED
    assert c.cmd_raw("MODULE", "UNLOAD", "x") == err(
        "ERR Error unloading module: no such module with that name")
    assert c.cmd("MODULE", "LIST") == []
    assert c.cmd("CONFIG", "SET", "dir", str(tmp_path)) == b"OK"
    assert c.cmd("CONFIG", "SET", "dbfilename", "other.rdb") == b"OK"
    assert b"failed to load" in srv.output()


def non_loopback_address():
    """An address of this machine other than loopback, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))  # no packet is sent
        ip = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if ip.startswith("127.") else ip


def test_local_allows_loopback_only(start_server, tmp_path):
    ip = non_loopback_address()
    if ip is None:
        pytest.skip("this machine has no address but loopback")
    srv = start_server("--bind", "127.0.0.1 " + ip, "--protected-mode", "no",
                       "--enable-debug-command", "local", "--enable-module-command", "local",
                       "--enable-protected-configs", "local")
    local = srv.raw()
    assert local.cmd("DEBUG", "SLEEP", "0") == b"OK"
    assert local.cmd_raw("MODULE", "LOAD", str(tmp_path / "none.so")) == LOAD_FAILED
    assert local.cmd("CONFIG", "SET", "dir", str(tmp_path)) == b"OK"
    remote = RawConn(ip, srv.port)
    try:
        assert remote.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_NO
        assert remote.cmd_raw("MODULE", "LOAD", "/x.so") == MODULE_NO
        assert remote.cmd_raw("CONFIG", "SET", "dir", "/") == err(PROTECTED % "dir")
        assert remote.cmd("MODULE", "LIST") == []
    finally:
        remote.close()


def test_refusal_comes_before_auth_and_acl(start_server):
    """As Redis, a protected command is refused by its setting before the
    password or the ACL rules are asked: no NOAUTH, no NOPERM, no ACL LOG
    entry."""
    srv = start_server("--requirepass", "pw")
    anon = RawConn(srv.host, srv.port)
    assert anon.cmd_raw("MODULE", "LOAD", "/x.so") == MODULE_NO
    assert anon.cmd_raw("DEBUG", "SLEEP", "0") == DEBUG_NO
    assert anon.cmd_raw("MODULE", "LIST") == err("NOAUTH Authentication required.")
    admin = RawConn(srv.host, srv.port)
    assert admin.cmd("AUTH", "pw") == b"OK"
    assert admin.cmd("ACL", "SETUSER", "ro", "on", ">x", "+get", "~*") == b"OK"
    ro = RawConn(srv.host, srv.port)
    assert ro.cmd("AUTH", "ro", "x") == b"OK"
    assert ro.cmd_raw("MODULE", "UNLOAD", "m") == MODULE_NO
    assert ro.cmd_raw("MODULE", "LIST") == err(
        "NOPERM this user has no permissions to run the 'module|list' command")
    log = admin.cmd("ACL", "LOG")
    assert len(log) == 1 and b"module|list" in log[0]
