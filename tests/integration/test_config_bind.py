"""bind's addresses are separated by single spaces, so CONFIG SET bind
with a trailing or doubled space names an empty address, which cannot be
bound: Redis refuses the change and keeps listening where it did (kilat
used to skip the empty address and accept it; CONFIG REWRITE then wrote a
line that loaded back as something else: found by tests/fuzz/fuzz_config).

Names are resolved as Redis resolves them (kilat used to take addresses
only, so `bind localhost` did not start), and a name that does not
resolve is refused with the resolver's words."""

import socket

import pytest

from conftest import OK, err, array, run, free_port, run_server_expect_exit

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


# ------------------------------------------------ host names, as Redis 7.0
def test_bind_a_host_name(start_server):
    """A name is resolved (IPv4 unless it has a ':'), so `bind localhost`
    listens on 127.0.0.1; CONFIG SET takes a name too."""
    srv = start_server("--bind", "localhost")
    c = srv.raw()
    run(c, [(["CONFIG", "GET", "bind"], array("bind", "localhost")),
            (["CONFIG", "SET", "bind", "localhost -::1"], OK),
            ("PING", b"+PONG\r\n")])
    c.close()


@pytest.mark.parametrize("bind", ["no-such-host.invalid", "-no-such-host.invalid 127.0.0.1"])
def test_bind_a_name_that_does_not_resolve(bind):
    """The resolver's own words, and no start, even when the address is
    optional ('-': only an unavailable address is skipped)."""
    port = free_port()
    code, out = run_server_expect_exit(["--port", port, "--bind", bind, "--save", ""])
    assert code != 0
    assert (b"Could not create server TCP listening socket no-such-host.invalid:%d: %s"
            % (port, resolver_words("no-such-host.invalid"))) in out, out[-2000:]


def resolver_words(name):
    """What this machine's resolver says of name (gai_strerror's text, as
    the servers print it): "Name or service not known" where DNS answers,
    other words where it cannot be reached."""
    try:
        socket.getaddrinfo(name, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    except socket.gaierror as e:
        return e.strerror.encode()
    pytest.fail("%s resolves on this machine" % name)


def test_config_set_bind_to_a_name_that_does_not_resolve(start_server):
    srv = start_server()
    c = srv.raw()
    run(c, [(["CONFIG", "SET", "bind", "no-such-host.invalid"], FAILED),
            ("PING", b"+PONG\r\n")])
    c.close()
