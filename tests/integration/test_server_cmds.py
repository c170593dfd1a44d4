"""Server commands: INFO, CONFIG GET/SET/RESETSTAT, COMMAND, TIME, LASTSAVE,
DEBUG SLEEP, SHUTDOWN; startup arguments and the config file."""

import os
import re
import signal
import socket
import stat
import threading
import time

import pytest

from conftest import (OK, NIL, SYNTAX, bulk, integer, err, wrong_args,
                      Simple, Map, RawConn, IS_REDIS, SLOW, wait_for,
                      run_server_expect_exit)
from test_strings import run


def info(conn, *sections):
    text = bytes(conn.cmd("INFO", *sections)).decode()
    return text


def info_dict(conn, *sections):
    out = {}
    for line in info(conn, *sections).split("\r\n"):
        if line and not line.startswith("#"):
            k, _, v = line.partition(":")
            out[k] = v
    return out


def headers(text):
    return [l[2:] for l in text.split("\r\n") if l.startswith("# ")]


# -------------------------------------------------------------------- INFO

def test_info_default_sections(raw):
    text = info(raw)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    hs = headers(text)
    need = ["Server", "Clients", "Memory", "Stats", "Errorstats", "Keyspace"]
    for h in need:
        assert h in hs, h
    assert [h for h in hs if h in need] == need      # Redis's order
    assert "Commandstats" not in hs
    assert headers(info(raw, "default")) == hs


def test_info_all_and_everything(raw):
    for arg in ("all", "everything", "ALL"):
        hs = headers(info(raw, arg))
        for h in ("Server", "Clients", "Memory", "Stats", "Commandstats",
                  "Errorstats", "Keyspace"):
            assert h in hs, (arg, h)


@pytest.mark.parametrize("section,header", [
    ("server", "Server"), ("SERVER", "Server"), ("clients", "Clients"),
    ("memory", "Memory"), ("stats", "Stats"), ("keyspace", "Keyspace"),
    ("commandstats", "Commandstats"), ("errorstats", "Errorstats"),
    ("Keyspace", "Keyspace"),
])
def test_info_single_section(raw, section, header):
    text = info(raw, section)
    assert headers(text) == [header]
    assert text.startswith("# " + header + "\r\n")


def test_info_multiple_sections(raw):
    assert headers(info(raw, "server", "clients")) == ["Server", "Clients"]
    assert headers(info(raw, "keyspace", "server")) in (
        ["Server", "Keyspace"], ["Keyspace", "Server"])


def test_info_unknown_section_is_empty(raw):
    assert raw.cmd_raw("INFO", "nosuchsection") == b"$0\r\n\r\n"


def test_info_server_fields(raw, server):
    d = info_dict(raw, "server")
    assert re.fullmatch(r"\d+\.\d+\.\d+", d["redis_version"])
    assert d["redis_mode"] == "standalone"
    assert d["arch_bits"] == "64"
    assert d["os"]
    assert int(d["process_id"]) == server.proc.pid
    assert int(d["tcp_port"]) == server.port
    assert re.fullmatch(r"[0-9a-f]{40}", d["run_id"])
    assert int(d["uptime_in_seconds"]) >= 0
    assert int(d["uptime_in_days"]) == 0
    assert int(d["hz"]) == 10
    assert int(d["configured_hz"]) == 10
    assert int(d["server_time_usec"]) > 1600000000 * 10 ** 6
    assert "executable" in d and "config_file" in d


def test_info_clients_fields(raw, connect):
    d = info_dict(raw, "clients")
    n = int(d["connected_clients"])
    assert n >= 1
    others = [connect() for _ in range(3)]
    for o in others:
        o.cmd("PING")
    d = info_dict(raw, "clients")
    assert int(d["connected_clients"]) == n + 3
    assert d["maxclients"] == "10000"
    assert d["blocked_clients"] == "0"
    for o in others:
        o.close()
    assert wait_for(lambda: int(info_dict(raw, "clients")
                                ["connected_clients"]) == n)


def test_info_memory_fields(raw, r):
    d = info_dict(raw, "memory")
    used = int(d["used_memory"])
    assert used > 0
    assert re.fullmatch(r"\d+(\.\d+)?[BKMGTP]", d["used_memory_human"])
    assert int(d["used_memory_rss"]) > 0
    assert re.fullmatch(r"\d+(\.\d+)?[BKMGTP]", d["used_memory_rss_human"])
    assert int(d["used_memory_peak"]) > 0
    assert re.fullmatch(r"\d+(\.\d+)?[BKMGTP]", d["used_memory_peak_human"])
    assert d["maxmemory"] == "0"
    assert d["maxmemory_human"] == "0B"
    assert d["maxmemory_policy"] == "noeviction"
    float(d["mem_fragmentation_ratio"])
    assert d["mem_allocator"]
    # memory accounting follows the data
    r.mset({"mem:%d" % i: "x" * 100 for i in range(10000)})
    grown = int(info_dict(raw, "memory")["used_memory"])
    assert grown - used > 10000 * 100
    r.flushall()
    shrunk = int(info_dict(raw, "memory")["used_memory"])
    assert grown - shrunk > 10000 * 100


def test_info_stats_fields(raw):
    d = info_dict(raw, "stats")
    for f in ("total_connections_received", "total_commands_processed",
              "instantaneous_ops_per_sec", "total_net_input_bytes",
              "total_net_output_bytes", "rejected_connections",
              "expired_keys", "evicted_keys", "keyspace_hits",
              "keyspace_misses"):
        assert re.fullmatch(r"\d+", d[f]), f
    float(d["instantaneous_input_kbps"])
    float(d["instantaneous_output_kbps"])


def test_info_stats_counters(raw, connect):
    before = int(info_dict(raw, "stats")["total_commands_processed"])
    for _ in range(5):
        raw.cmd("PING")
    after = int(info_dict(raw, "stats")["total_commands_processed"])
    assert after - before == 6     # 5 PINGs and the first INFO
    conns = int(info_dict(raw, "stats")["total_connections_received"])
    connect().cmd("PING")
    connect().cmd("PING")
    assert int(info_dict(raw, "stats")["total_connections_received"]) == \
        conns + 2


def test_info_keyspace_hits_misses(start_server):
    srv = start_server()
    c = srv.raw()
    try:
        run(c, [("SET a 1", OK), ("CONFIG RESETSTAT", OK), ("GET a", bulk("1")),
                ("GET nokey", NIL),
                ("MGET a b c", b"*3\r\n$1\r\n1\r\n$-1\r\n$-1\r\n")])
        d = info_dict(c, "stats")
        assert d["keyspace_hits"] == "2"
        assert d["keyspace_misses"] == "3"
    finally:
        c.close()


def test_info_keyspace(raw, r):
    assert info(raw, "keyspace") == "# Keyspace\r\n"
    r.set("a", 1)
    r.set("b", 1, ex=100)
    raw.cmd("SELECT", "3")
    raw.cmd("SET", "x", "1")
    raw.cmd("SELECT", "0")
    text = info(raw, "keyspace")
    lines = text.split("\r\n")
    assert lines[0] == "# Keyspace"
    assert re.fullmatch(r"db0:keys=2,expires=1,avg_ttl=\d+", lines[1])
    assert lines[2] == "db3:keys=1,expires=0,avg_ttl=0"
    assert lines[3:] == [""]


def test_info_commandstats_and_errorstats(start_server):
    srv = start_server()
    c = srv.raw()
    try:
        run(c, [("CONFIG RESETSTAT", OK), ("GET nokey", NIL), ("SET a 1", OK),
                ("GET a", bulk("1")), ("GET", wrong_args("get")),
                ("SET x abc", OK),
                ("INCR x", err("ERR value is not an integer or out of range"))])
        assert isinstance(c.cmd("CLIENT", "ID"), int)
        assert isinstance(c.cmd("CLIENT", "ID"), int)
        stats = info_dict(c, "commandstats")
        pat = (r"calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),"
               r"rejected_calls=(\d+),failed_calls=(\d+)")
        for k, v in stats.items():
            assert k.startswith("cmdstat_"), k
            assert re.fullmatch(pat, v), (k, v)

        def cs(name):
            m = re.fullmatch(pat, stats["cmdstat_" + name])
            return (int(m.group(1)), int(m.group(4)), int(m.group(5)))
        assert cs("get") == (2, 1, 0)
        assert cs("set") == (2, 0, 0)
        assert cs("incr") == (1, 0, 1)
        assert cs("client|id") == (2, 0, 0)
        assert "cmdstat_ping" not in stats
        errs = info_dict(c, "errorstats")
        assert errs == {"errorstat_ERR": "count=2"}
        run(c, [("foo", err("ERR unknown command 'foo', with args "
                            "beginning with: "))])
        assert info_dict(c, "errorstats") == {"errorstat_ERR": "count=3"}
        run(c, [("CONFIG RESETSTAT", OK)])
        assert info(c, "errorstats") == "# Errorstats\r\n"
        # RESETSTAT and the INFO above were counted after the reset
        assert set(info_dict(c, "commandstats")) == \
            {"cmdstat_config|resetstat", "cmdstat_info"}
    finally:
        c.close()


def test_info_in_resp3_is_verbatim_text(raw):
    raw.cmd("HELLO", "3")
    raw.send(b"INFO keyspace\r\n")
    assert raw.read_reply_raw() == b"=16\r\ntxt:# Keyspace\r\n\r\n"


# ------------------------------------------------------------------ CONFIG

def test_config_get_exact_and_case(raw, server):
    run(raw, [("CONFIG GET port",
               b"*2\r\n$4\r\nport\r\n" + bulk(str(server.port))),
              # a non-pattern name is echoed as given
              ("CONFIG GET PORT",
               b"*2\r\n$4\r\nPORT\r\n" + bulk(str(server.port))),
              ("CONFIG GET nosuch", b"*0\r\n"),
              ("CONFIG GET", wrong_args("config|get"))])


def test_config_get_glob_and_multi(raw, server):
    rep = raw.cmd("CONFIG", "GET", "p*rt")
    assert rep == [b"port", str(server.port).encode()]
    rep = raw.cmd("CONFIG", "GET", "*max-*-len")
    assert rep == [b"proto-max-bulk-len", b"536870912"]
    # several parameters: pairs come in no particular order
    rep = raw.cmd("CONFIG", "GET", "maxclients", "timeout")
    assert len(rep) == 4
    assert dict(zip(rep[0::2], rep[1::2])) == {b"maxclients": b"10000",
                                               b"timeout": b"0"}
    # the same parameter asked twice is returned once
    assert raw.cmd("CONFIG", "GET", "port", "port", "p?rt") == \
        [b"port", str(server.port).encode()]
    rep = raw.cmd("CONFIG", "GET", "*")
    d = dict(zip(rep[0::2], rep[1::2]))
    for name in SUPPORTED:
        assert name.encode() in d, name
    rep = raw.cmd("CONFIG", "GET", "unix*")
    names = set(rep[0::2])
    assert {b"unixsocket", b"unixsocketperm"} <= names


SUPPORTED = ["port", "bind", "unixsocket", "unixsocketperm", "databases",
             "requirepass", "timeout", "tcp-keepalive", "tcp-backlog",
             "maxclients", "loglevel", "logfile", "daemonize", "pidfile",
             "dir", "protected-mode", "proto-max-bulk-len",
             "client-query-buffer-limit", "hz"]


def test_config_get_defaults(raw, server):
    d = {}
    for name in SUPPORTED:
        rep = raw.cmd("CONFIG", "GET", name)
        assert len(rep) == 2 and rep[0] == name.encode(), name
        d[name] = rep[1]
    assert d["port"] == str(server.port).encode()
    assert d["bind"] == b"127.0.0.1"
    assert d["unixsocket"] == b""
    assert d["unixsocketperm"] == b"0"
    assert d["databases"] == b"16"
    assert d["requirepass"] == b""
    assert d["timeout"] == b"0"
    assert d["tcp-keepalive"] == b"300"
    assert d["tcp-backlog"] == b"511"
    assert d["maxclients"] == b"10000"
    assert d["loglevel"] == b"notice"
    assert d["logfile"] == b""
    assert d["daemonize"] == b"no"
    assert d["pidfile"] == b""
    assert os.path.realpath(d["dir"].decode()) == os.path.realpath(server.dir)
    assert d["protected-mode"] == b"yes"
    assert d["proto-max-bulk-len"] == b"536870912"
    assert d["client-query-buffer-limit"] == b"1073741824"
    assert d["hz"] == b"10"


def test_config_get_later_capability_directives(raw):
    run(raw, [("CONFIG GET save", b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n"),
              ("CONFIG GET appendonly",
               b"*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n")])


def test_config_set(start_server):
    srv = start_server()
    c = srv.raw()

    def failed(name, why):
        return err("ERR CONFIG SET failed (possibly related to argument '%s')"
                   " - %s" % (name, why))
    try:
        run(c, [
            ("CONFIG SET hz 20", OK),
            ("CONFIG GET hz", b"*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"),
            ("CONFIG SET hz 0", OK),          # clamped
            ("CONFIG GET hz", b"*2\r\n$2\r\nhz\r\n$1\r\n1\r\n"),
            ("CONFIG SET hz 1000", OK),
            ("CONFIG GET hz", b"*2\r\n$2\r\nhz\r\n$3\r\n500\r\n"),
            ("CONFIG SET hz abc",
             failed("hz", "argument couldn't be parsed into an integer")),
            ("CONFIG SET HZ 10", OK),
            ("CONFIG SET timeout 0", OK),
            ("CONFIG SET timeout -1",
             failed("timeout",
                    "argument must be between 0 and 2147483647 inclusive")),
            ("CONFIG SET loglevel verbose", OK),
            ("CONFIG GET loglevel",
             b"*2\r\n$8\r\nloglevel\r\n$7\r\nverbose\r\n"),
            ("CONFIG SET loglevel foo",
             failed("loglevel", "argument(s) must be one of the following: "
                    "debug, verbose, notice, warning")),
            ("CONFIG SET loglevel notice", OK),
            ("CONFIG SET protected-mode no", OK),
            ("CONFIG SET protected-mode maybe",
             failed("protected-mode", "argument must be 'yes' or 'no'")),
            ("CONFIG SET tcp-keepalive 60", OK),
            ("CONFIG GET tcp-keepalive",
             b"*2\r\n$13\r\ntcp-keepalive\r\n$2\r\n60\r\n"),
            ("CONFIG SET maxclients 500", OK),
            ("CONFIG SET client-query-buffer-limit 2mb", OK),
            ("CONFIG GET client-query-buffer-limit",
             b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$7\r\n2097152\r\n"),
            ("CONFIG SET proto-max-bulk-len 1gb", OK),
            ("CONFIG GET proto-max-bulk-len",
             b"*2\r\n$18\r\nproto-max-bulk-len\r\n$10\r\n1073741824\r\n"),
            (["CONFIG", "SET", "requirepass", ""], OK),
            # several at once
            ("CONFIG SET hz 15 timeout 5", OK),
            ("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n5\r\n"),
            ("CONFIG GET hz", b"*2\r\n$2\r\nhz\r\n$2\r\n15\r\n"),
            # atomic: one bad value and nothing changes
            ("CONFIG SET hz 25 timeout abc",
             failed("timeout", "argument couldn't be parsed into an integer")),
            ("CONFIG GET hz", b"*2\r\n$2\r\nhz\r\n$2\r\n15\r\n"),
            ("CONFIG SET hz 10 hz 20", failed("hz", "duplicate parameter")),
            ("CONFIG SET hz 10 timeout", SYNTAX),
            ("CONFIG SET nosuch 1",
             err("ERR Unknown option or number of arguments for CONFIG SET "
                 "- 'nosuch'")),
            ("CONFIG SET port", wrong_args("config|set")),
            ("CONFIG SET", wrong_args("config|set")),
        ])
    finally:
        c.close()


@pytest.mark.parametrize("name,value", [
    ("databases", "20"), ("daemonize", "yes"), ("tcp-backlog", "100"),
    ("logfile", "x.log"), ("pidfile", "x.pid"), ("unixsocket", "x.sock"),
])
def test_config_set_immutable(raw, name, value):
    run(raw, [(["CONFIG", "SET", name, value],
               err("ERR CONFIG SET failed (possibly related to argument "
                   "'%s') - can't set immutable config" % name))])


def test_config_set_dir_is_protected(raw):
    run(raw, [("CONFIG SET dir /tmp",
               err("ERR CONFIG SET failed (possibly related to argument "
                   "'dir') - can't set protected config"))])


def test_config_set_save_appendonly_accepted(raw):
    run(raw, [(["CONFIG", "SET", "save", ""], OK),
              ("CONFIG SET appendonly no", OK)])


def test_config_resetstat_and_help(raw):
    run(raw, [("CONFIG RESETSTAT", OK),
              ("CONFIG RESETSTAT x", wrong_args("config|resetstat")),
              ("CONFIG", wrong_args("config")),
              ("CONFIG FOO",
               err("ERR unknown subcommand 'FOO'. Try CONFIG HELP."))])
    helps = raw.cmd("CONFIG", "HELP")
    assert all(isinstance(h, Simple) for h in helps)
    assert helps[0].startswith(b"CONFIG <subcommand>")


def test_config_resetstat_clears_counters(start_server):
    srv = start_server()
    c = srv.raw()
    try:
        run(c, [("SET a 1", OK), ("GET a", bulk("1")), ("GET b", NIL),
                ("foo", err("ERR unknown command 'foo', with args "
                            "beginning with: ")),
                ("CONFIG RESETSTAT", OK)])
        d = info_dict(c, "stats")
        assert d["keyspace_hits"] == "0" and d["keyspace_misses"] == "0"
        assert d["expired_keys"] == "0"
        assert d["rejected_connections"] == "0"
        assert int(d["total_commands_processed"]) == 1
    finally:
        c.close()


# ----------------------------------------------------------------- COMMAND

COMMAND_TABLE = [
    # name, arity, first key, last key, step, flags (exact)
    ("get", 2, 1, 1, 1, ["readonly", "fast"]),
    ("set", -3, 1, 1, 1, ["write", "denyoom"]),
    ("setnx", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("setex", 4, 1, 1, 1, ["write", "denyoom"]),
    ("psetex", 4, 1, 1, 1, ["write", "denyoom"]),
    ("getset", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("getdel", 2, 1, 1, 1, ["write", "fast"]),
    ("getex", -2, 1, 1, 1, ["write", "fast"]),
    ("mget", -2, 1, -1, 1, ["readonly", "fast"]),
    ("mset", -3, 1, -1, 2, ["write", "denyoom"]),
    ("msetnx", -3, 1, -1, 2, ["write", "denyoom"]),
    ("incr", 2, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("decr", 2, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("incrby", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("decrby", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("incrbyfloat", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("append", 3, 1, 1, 1, ["write", "denyoom", "fast"]),
    ("strlen", 2, 1, 1, 1, ["readonly", "fast"]),
    ("getrange", 4, 1, 1, 1, ["readonly"]),
    ("setrange", 4, 1, 1, 1, ["write", "denyoom"]),
    ("substr", 4, 1, 1, 1, ["readonly"]),
    ("lcs", -3, 1, 2, 1, ["readonly"]),
    ("del", -2, 1, -1, 1, ["write"]),
    ("unlink", -2, 1, -1, 1, ["write", "fast"]),
    ("exists", -2, 1, -1, 1, ["readonly", "fast"]),
    ("type", 2, 1, 1, 1, ["readonly", "fast"]),
    ("rename", 3, 1, 2, 1, ["write"]),
    ("renamenx", 3, 1, 2, 1, ["write", "fast"]),
    ("copy", -3, 1, 2, 1, ["write", "denyoom"]),
    ("move", 3, 1, 1, 1, ["write", "fast"]),
    ("keys", 2, 0, 0, 0, ["readonly"]),
    ("scan", -2, 0, 0, 0, ["readonly"]),
    ("randomkey", 1, 0, 0, 0, ["readonly"]),
    ("touch", -2, 1, -1, 1, ["readonly", "fast"]),
    ("expire", -3, 1, 1, 1, ["write", "fast"]),
    ("pexpire", -3, 1, 1, 1, ["write", "fast"]),
    ("expireat", -3, 1, 1, 1, ["write", "fast"]),
    ("pexpireat", -3, 1, 1, 1, ["write", "fast"]),
    ("ttl", 2, 1, 1, 1, ["readonly", "fast"]),
    ("pttl", 2, 1, 1, 1, ["readonly", "fast"]),
    ("expiretime", 2, 1, 1, 1, ["readonly", "fast"]),
    ("pexpiretime", 2, 1, 1, 1, ["readonly", "fast"]),
    ("persist", 2, 1, 1, 1, ["write", "fast"]),
    ("swapdb", 3, 0, 0, 0, ["write", "fast"]),
    ("dbsize", 1, 0, 0, 0, ["readonly", "fast"]),
    ("flushdb", -1, 0, 0, 0, ["write"]),
    ("flushall", -1, 0, 0, 0, ["write"]),
    ("ping", -1, 0, 0, 0, ["fast"]),
    # arity and keys only from here on
    ("object", -2, 0, 0, 0, None),
    ("select", 2, 0, 0, 0, None),
    ("echo", 2, 0, 0, 0, None),
    ("quit", -1, 0, 0, 0, None),
    ("reset", 1, 0, 0, 0, None),
    ("auth", -2, 0, 0, 0, None),
    ("hello", -1, 0, 0, 0, None),
    ("client", -2, 0, 0, 0, None),
    ("info", -1, 0, 0, 0, None),
    ("config", -2, 0, 0, 0, None),
    ("command", -1, 0, 0, 0, None),
    ("time", 1, 0, 0, 0, None),
    ("lastsave", 1, 0, 0, 0, None),
    ("debug", -2, 0, 0, 0, None),
    ("shutdown", -1, 0, 0, 0, None),
]

SUBCOMMANDS = ["client|id", "client|setname", "client|getname",
               "client|list", "client|info", "client|kill", "client|reply",
               "client|no-evict", "config|get", "config|set",
               "config|resetstat", "command|count", "command|info",
               "command|docs", "command|list", "object|encoding",
               "object|refcount", "object|idletime", "object|freq"]


@pytest.mark.parametrize("row", COMMAND_TABLE, ids=[r[0] for r in
                                                     COMMAND_TABLE])
def test_command_info_table(raw, row):
    name, arity, first, last, step, flags = row
    rep = raw.cmd("COMMAND", "INFO", name)
    assert isinstance(rep, list) and len(rep) == 1
    info = rep[0]
    assert isinstance(info, list) and len(info) == 10
    assert info[0] == name.encode()
    assert info[1] == arity
    assert info[3:6] == [first, last, step]
    assert all(isinstance(f, Simple) for f in info[2])
    if flags is not None:
        assert sorted(info[2]) == sorted(f.encode() for f in flags)
    assert isinstance(info[6], list)          # ACL categories
    assert all(c.startswith(b"@") for c in info[6])


def test_command_info_misc(raw):
    rep = raw.cmd("COMMAND", "INFO", "get", "nosuch", "SET")
    assert len(rep) == 3 and rep[1] is None
    assert rep[0][0] == b"get" and rep[2][0] == b"set"
    assert raw.cmd_raw("COMMAND", "INFO", "nosuch") == b"*1\r\n$-1\r\n"
    sub = raw.cmd("COMMAND", "INFO", "config|get")[0]
    assert sub[0] == b"config|get" and sub[1] == -3
    top = raw.cmd("COMMAND", "INFO", "client")[0]
    subs = {s[0] for s in top[9]}
    assert {b"client|id", b"client|kill", b"client|list"} <= subs


def test_command_count_and_list(raw):
    count = raw.cmd("COMMAND", "COUNT")
    allcmds = raw.cmd("COMMAND")
    assert isinstance(count, int) and count == len(allcmds)
    names = {c[0] for c in allcmds}
    assert len(names) == count
    lst = raw.cmd("COMMAND", "LIST")
    assert len(set(lst)) == len(lst)
    assert {n for n in lst if b"|" not in n} == names
    for row in COMMAND_TABLE:
        assert row[0].encode() in names, row[0]
    for s in SUBCOMMANDS:
        assert s.encode() in lst, s
    assert len(raw.cmd("COMMAND", "INFO")) == count


def test_command_list_filterby(raw):
    got = set(raw.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "g*t"))
    assert {b"get", b"getset"} <= got
    assert all(re.fullmatch(rb"g.*t", n) for n in got)
    got = set(raw.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"))
    assert {b"get", b"set", b"incr", b"append", b"lcs", b"mset"} <= got
    assert b"del" not in got
    run(raw, [("COMMAND LIST FILTERBY MODULE foo", b"*0\r\n"),
              ("COMMAND LIST FILTERBY FOO x", SYNTAX),
              ("COMMAND LIST FOO", SYNTAX),
              ("COMMAND COUNT x", wrong_args("command|count")),
              ("COMMAND FOO",
               err("ERR unknown subcommand 'FOO'. Try COMMAND HELP."))])


def test_command_docs(raw):
    rep = raw.cmd("COMMAND", "DOCS", "get")
    assert isinstance(rep, list) and len(rep) == 2 and rep[0] == b"get"
    doc = dict(zip(rep[1][0::2], rep[1][1::2]))
    assert doc[b"summary"] and isinstance(doc[b"summary"], bytes)
    assert doc[b"since"] == b"1.0.0"
    assert doc[b"group"] == b"string"
    assert doc[b"complexity"] == b"O(1)"
    args = doc[b"arguments"]
    assert isinstance(args, list) and len(args) == 1
    arg = dict(zip(args[0][0::2], args[0][1::2]))
    assert arg[b"name"] == b"key" and arg[b"type"] == b"key"
    assert raw.cmd_raw("COMMAND", "DOCS", "nosuch") == b"*0\r\n"
    rep = raw.cmd("COMMAND", "DOCS", "set", "nosuch", "mget")
    assert rep[0::2] == [b"set", b"mget"]


def test_command_docs_all(raw):
    rep = raw.cmd("COMMAND", "DOCS")
    count = raw.cmd("COMMAND", "COUNT")
    assert len(rep) == 2 * count
    names = set(rep[0::2])
    for row in COMMAND_TABLE:
        assert row[0].encode() in names
    # subcommands are documented under their container
    docs = dict(zip(rep[0::2], rep[1::2]))
    client = dict(zip(docs[b"client"][0::2], docs[b"client"][1::2]))
    subs = client[b"subcommands"]
    assert b"client|setname" in subs[0::2]


# ------------------------------------------------------- TIME / LASTSAVE

def test_time(raw):
    rep = raw.cmd("TIME")
    assert isinstance(rep, list) and len(rep) == 2
    assert all(isinstance(x, bytes) and x.isdigit() for x in rep)
    secs, usecs = int(rep[0]), int(rep[1])
    assert abs(secs - time.time()) < 5
    assert 0 <= usecs < 1000000
    t2 = raw.cmd("TIME")
    assert (int(t2[0]), int(t2[1])) >= (secs, usecs)
    run(raw, [("TIME x", wrong_args("time"))])


def test_lastsave(raw, server):
    v = raw.cmd("LASTSAVE")
    assert isinstance(v, int)
    assert v <= time.time() + 1
    assert v >= time.time() - 3600 * 24
    run(raw, [("LASTSAVE x", wrong_args("lastsave"))])


# ------------------------------------------------------------ DEBUG SLEEP

@pytest.fixture
def debug_server(start_server):
    # Both refuse DEBUG unless enable-debug-command is set (Redis 7 default).
    return start_server("--enable-debug-command", "yes")


def test_debug_refused_by_default(raw):
    raw.send(b"DEBUG SLEEP 0\r\n")
    reply = raw.read_reply_raw()
    assert reply.startswith(b"-ERR DEBUG command not allowed.")


def test_debug_sleep(debug_server):
    c = debug_server.raw()
    other = debug_server.raw()
    try:
        run(c, [("DEBUG SLEEP 0", OK), ("debug sleep 0", OK)])
        t0 = time.time()
        run(c, [("DEBUG SLEEP 0.3", OK)])
        assert time.time() - t0 >= 0.29
        # the server is single-threaded: others wait during the sleep
        c.send(b"DEBUG SLEEP 0.5\r\n")
        time.sleep(0.05)
        t0 = time.time()
        run(other, [("PING", b"+PONG\r\n")])
        assert time.time() - t0 >= 0.3
        assert c.read_reply_raw() == OK
        assert c.cmd_raw("DEBUG", "SLEEP").startswith(b"-ERR ")
        assert c.cmd_raw("DEBUG", "NOSUCHSUB").startswith(b"-ERR ")
        run(c, [("DEBUG", wrong_args("debug"))])
    finally:
        c.close()
        other.close()


@pytest.mark.redis_only
def test_debug_refused_by_default_in_redis(raw):
    assert raw.cmd_raw("DEBUG", "SLEEP", "0").startswith(
        b"-ERR DEBUG command not allowed.")


# --------------------------------------------------------------- SHUTDOWN

def test_shutdown_nosave(start_server):
    srv = start_server()
    c = srv.raw()
    c.send(b"SHUTDOWN NOSAVE\r\n")
    assert c.is_closed(10)
    assert c.buf == b""
    assert srv.wait_exit() == 0
    c.close()


def test_shutdown_plain_and_save(start_server):
    for arg in ([], ["SAVE"], ["nosave"]):
        srv = start_server()
        c = srv.raw()
        c.send(RawConn.encode("SHUTDOWN", *arg))
        assert c.is_closed(10)
        assert srv.wait_exit() == 0, arg
        c.close()


def test_shutdown_errors(start_server):
    srv = start_server()
    c = srv.raw()
    try:
        run(c, [("SHUTDOWN FOO", SYNTAX), ("SHUTDOWN NOSAVE SAVE", SYNTAX),
                ("PING", b"+PONG\r\n")])
    finally:
        c.close()
    assert srv.alive()


def test_shutdown_needs_auth(start_server):
    srv = start_server("--requirepass", "pw")
    c = srv.raw()
    try:
        run(c, [("SHUTDOWN NOSAVE",
                 err("NOAUTH Authentication required."))])
        assert srv.alive()
    finally:
        c.close()


def test_sigterm_exits_cleanly(start_server):
    srv = start_server()
    cl = srv.client()
    cl.set("k", "v")
    cl.close()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit() == 0


# ------------------------------------------------------- startup / config

def test_config_file_and_args(start_server):
    conf = ("# a comment\n"
            "\n"
            "databases 4\n"
            "hz 20\n"
            "   timeout 7   \n"
            "tcp-keepalive 100\n"
            "loglevel warning\n"
            "requirepass \"\"\n"
            "maxclients 123\n"
            "proto-max-bulk-len 2mb\n"
            "client-query-buffer-limit 16mb\n"
            "protected-mode no\n"
            "save \"\"\n"
            "appendonly no\n")
    # command-line arguments come after the file and win
    srv = start_server("--hz", "30", conf=conf)
    c = srv.raw()
    try:
        for name, value in [("databases", "4"), ("hz", "30"),
                            ("timeout", "7"), ("tcp-keepalive", "100"),
                            ("loglevel", "warning"), ("maxclients", "123"),
                            ("proto-max-bulk-len", "2097152"),
                            ("client-query-buffer-limit", "16777216"),
                            ("protected-mode", "no")]:
            assert c.cmd("CONFIG", "GET", name) == \
                [name.encode(), value.encode()], name
        run(c, [("SELECT 4", err("ERR DB index is out of range"))])
    finally:
        c.close()


def test_unknown_directive_in_config_file_names_the_line():
    conf = "port 0\nhz 10\nfoo bar\n"
    code, out = run_server_expect_exit([], conf=conf)
    assert code != 0
    assert b"Bad directive or wrong number of arguments" in out
    assert b"line 3" in out
    assert b"foo bar" in out


def test_unknown_directive_on_command_line():
    code, out = run_server_expect_exit(["--port", "0", "--nosuchdirective",
                                        "1"])
    assert code != 0
    assert b"Bad directive or wrong number of arguments" in out
    assert b"nosuchdirective" in out


@pytest.mark.parametrize("args", [["--port", "abc"], ["--hz", "x"],
                                  ["--databases", "-1"],
                                  ["--maxclients", "0"],
                                  ["--loglevel", "loud"]])
def test_bad_directive_value_refused(args):
    code, out = run_server_expect_exit(["--port", "0"] + args)
    assert code != 0
    assert args[0][2:].encode() in out


def test_later_capability_directives_are_accepted(start_server):
    srv = start_server("--maxmemory", "100mb", "--maxmemory-policy",
                       "allkeys-lru", "--appendfsync", "everysec",
                       "--save", "900 1")
    c = srv.raw()
    try:
        run(c, [("PING", b"+PONG\r\n"), ("SET k v", OK)])
    finally:
        c.close()


def test_pidfile_and_logfile(start_server, tmp_path):
    pidfile = str(tmp_path / "kilat.pid")
    logfile = str(tmp_path / "kilat.log")
    srv = start_server("--pidfile", pidfile, "--logfile", logfile)
    assert wait_for(lambda: os.path.exists(pidfile))
    with open(pidfile) as f:
        assert int(f.read().strip()) == srv.proc.pid
    assert wait_for(lambda: os.path.getsize(logfile) > 0
                    if os.path.exists(logfile) else False)
    c = srv.raw()
    try:
        run(c, [("CONFIG GET pidfile",
                 b"*2\r\n$7\r\npidfile\r\n" + bulk(pidfile)),
                ("CONFIG GET logfile",
                 b"*2\r\n$7\r\nlogfile\r\n" + bulk(logfile))])
    finally:
        c.close()


def test_unixsocket(start_server, tmp_path):
    path = str(tmp_path / "kilat.sock")
    srv = start_server("--unixsocket", path, "--unixsocketperm", "700")
    assert wait_for(lambda: os.path.exists(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5 * SLOW)
    try:
        s.connect(path)
        s.sendall(b"PING\r\nCLIENT INFO\r\n")
        data = b""
        while data.count(b"\n") < 3:
            chunk = s.recv(4096)
            assert chunk
            data += chunk
        assert data.startswith(b"+PONG\r\n")
        assert b" addr=" + path.encode() + b":0 " in data
    finally:
        s.close()
    c = srv.raw()
    try:
        run(c, [("CONFIG GET unixsocketperm",
                 b"*2\r\n$14\r\nunixsocketperm\r\n$3\r\n700\r\n")])
    finally:
        c.close()


def test_bind_ipv4_and_ipv6(start_server):
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    srv = start_server("--bind", "127.0.0.1", "::1")
    s = socket.create_connection(("::1", srv.port), timeout=5 * SLOW)
    try:
        s.sendall(b"PING\r\n")
        assert s.recv(100) == b"+PONG\r\n"
    finally:
        s.close()
    c = srv.raw()
    try:
        run(c, [("CONFIG GET bind",
                 b"*2\r\n$4\r\nbind\r\n$13\r\n127.0.0.1 ::1\r\n")])
    finally:
        c.close()


def test_info_instantaneous_rates_follow_the_load(start_server):
    """instantaneous_* are sampled by the cron: non-zero under load, back to
    0 once the server has been idle for longer than the sample window."""
    srv = start_server()
    r = srv.client()
    stop = threading.Event()

    def load():
        c = srv.client()
        while not stop.is_set():
            p = c.pipeline(transaction=False)
            for _ in range(200):
                p.set("k", "x" * 100)
            p.execute()
        c.close()

    t = threading.Thread(target=load)
    t.start()
    try:
        deadline = time.time() + 10 * SLOW
        busy = {}
        while time.time() < deadline:
            time.sleep(0.3)
            busy = r.info("stats")
            if busy["instantaneous_ops_per_sec"] > 0 and busy["instantaneous_input_kbps"] > 0:
                break
        assert busy["instantaneous_ops_per_sec"] > 0
        assert busy["instantaneous_input_kbps"] > 0
        assert busy["instantaneous_output_kbps"] > 0
    finally:
        stop.set()
        t.join()
    deadline = time.time() + 10 * SLOW
    idle = {}
    while time.time() < deadline:
        time.sleep(0.5)
        idle = r.info("stats")
        if idle["instantaneous_input_kbps"] < 0.5:
            break
    # only our INFO calls remain: a few per second at most
    assert idle["instantaneous_ops_per_sec"] <= 5
    assert idle["instantaneous_input_kbps"] < 0.5
