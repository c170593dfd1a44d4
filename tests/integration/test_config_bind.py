"""bind's addresses are separated by single spaces, so CONFIG SET bind
with a trailing or doubled space names an empty address, which cannot be
bound: Redis refuses the change and keeps listening where it did (kilat
used to skip the empty address and accept it; CONFIG REWRITE then wrote a
line that loaded back as something else: found by tests/fuzz/fuzz_config)."""

import pytest

from conftest import OK, err, array, run

FAILED = err("ERR CONFIG SET failed (possibly related to argument 'bind') - "
             "Failed to bind to specified addresses.")


@pytest.mark.parametrize("value", ["{b} ", " {b}", "{b}  {b}", "{b} -", "{b} \"\""])
def test_config_set_bind_with_an_empty_or_bad_address(start_server, value):
    srv = start_server()
    c = srv.raw()
    before = c.cmd("CONFIG", "GET", "bind")[1].decode()
    first = before.split(" ")[0]
    run(c, [(["CONFIG", "SET", "bind", value.format(b=first)], FAILED),
            (["CONFIG", "GET", "bind"], array("bind", before)),
            ("PING", b"+PONG\r\n")])
    # new connections still get in where the server listened before
    c2 = srv.raw()
    run(c2, [("PING", b"+PONG\r\n")])
    c2.close()
    c.close()


def test_config_set_bind_single_spaces_still_work(start_server):
    srv = start_server()
    c = srv.raw()
    before = c.cmd("CONFIG", "GET", "bind")[1].decode()
    first = before.split(" ")[0]
    run(c, [(["CONFIG", "SET", "bind", first + " -::1"], OK),
            (["CONFIG", "GET", "bind"], array("bind", first + " -::1")),
            (["CONFIG", "SET", "bind", before], OK)])
    c2 = srv.raw()
    run(c2, [("PING", b"+PONG\r\n")])
    c2.close()
    c.close()
