"""proc-title-template: the process title /proc/<pid>/cmdline shows, set
at start and by CONFIG SET (Linux), the same on kilat and redis-server."""

import os
import sys

import pytest

from conftest import OK, err, run

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc/<pid>/cmdline")


def title(srv):
    with open("/proc/%d/cmdline" % srv.proc.pid, "rb") as f:
        return f.read(1024).replace(b"\0", b" ").split()


def test_default_title(start_server):
    srv = start_server()
    t = title(srv)
    # "{title} {listen-addr} {server-mode}": the binary and the first bind address
    assert t[0].endswith(b"-server"), t
    assert t[1:] == [b"127.0.0.1:%d" % srv.port]


def test_template(start_server):
    srv = start_server("--unixsocket", "sock")
    c = srv.raw()
    try:
        run(c, [(["CONFIG", "SET", "proc-title-template",
                  "TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file}"], OK)])
        t = title(srv)
        assert t[0] == b"TEST"
        assert t[1].endswith(b"-server")
        assert t[2:6] == [b"127.0.0.1:%d" % srv.port, b"%d" % srv.port, b"0", b"sock"]
        bad = err("ERR CONFIG SET failed (possibly related to argument "
                  "'proc-title-template') - template format is invalid or "
                  "contains unknown variables")
        for tmpl in ["{invalid-var}", "{title", "", "   ", "{server-mode}"]:
            run(c, [(["CONFIG", "SET", "proc-title-template", tmpl], bad)])
        assert title(srv)[0] == b"TEST"  # a refused template changes nothing
        run(c, [(["CONFIG", "SET", "proc-title-template", "kv {port}"], OK)])
        assert title(srv)[:2] == [b"kv", b"%d" % srv.port]
    finally:
        c.close()


def test_config_file_in_title(start_server):
    srv = start_server(conf="proc-title-template \"{title} cfg={config-file}\"\n")
    t = title(srv)
    assert t[1] == b"cfg=" + os.path.join(srv.dir, "test.conf").encode()
