"""LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP with
latency-monitor-threshold, INFO latencystats with latency-tracking and
latency-tracking-info-percentiles, and the errors (differential)."""

import re
import time

import pytest

from conftest import Err, Map, err, run, wrong_args, wait_for

# The upper bounds, in us, of Redis's LATENCY HISTOGRAM buckets (an HDR
# histogram of 2 significant digits in ns, reported at 1024 * 2^k ns).
BOUNDS = [((1024 << k) + (8 << k) - 1) // 1000 for k in range(31)]


@pytest.fixture
def dbg(start_server):
    """A server of its own with DEBUG enabled (DEBUG SLEEP makes latency)."""
    return start_server("--enable-debug-command", "yes").raw()


@pytest.fixture
def lt(raw):
    raw.cmd("CONFIG", "RESETSTAT")
    yield raw
    raw.cmd("CONFIG", "SET", "latency-tracking", "yes")
    raw.cmd("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
    raw.cmd("CONFIG", "SET", "latency-monitor-threshold", "0")
    raw.cmd("LATENCY", "RESET")


def histo(conn, *cmds):
    flat = conn.cmd("LATENCY", "HISTOGRAM", *cmds)
    out = {}
    for name, body in zip(flat[::2], flat[1::2]):
        d = dict(zip(body[::2], body[1::2]))
        buckets = body[3]
        out[name.decode()] = (d[b"calls"], list(zip(buckets[::2], buckets[1::2])))
    return out


def check_buckets(calls, buckets):
    """Cumulative counts that grow, at Redis's bucket bounds, ending at calls."""
    assert buckets, "no buckets"
    bounds = [b for b, _ in buckets]
    counts = [n for _, n in buckets]
    assert all(b in BOUNDS for b in bounds), bounds
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds)
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    assert counts[-1] == calls


def percentiles(conn, cmd):
    for line in bytes(conn.cmd("INFO", "latencystats")).decode().split("\r\n"):
        if line.startswith("latency_percentiles_usec_%s:" % cmd):
            return dict(kv.split("=") for kv in line.split(":", 1)[1].split(","))
    return None


def test_histogram_after_resetstat(lt):
    h = histo(lt)
    assert list(h) == ["config|resetstat"]
    check_buckets(*h["config|resetstat"])
    assert h["config|resetstat"][0] == 1


def test_histogram_commands(lt):
    lt.cmd("SET", "a", "b")
    lt.cmd("SET", "c", "d")
    lt.cmd("GET", "a")
    lt.cmd("HSET", "f", "k", "v")
    h = histo(lt)
    assert set(h) == {"config|resetstat", "set", "get", "hset"}
    assert h["set"][0] == 2 and h["get"][0] == 1
    for calls, buckets in h.values():
        check_buckets(calls, buckets)
    assert list(histo(lt, "set", "hset")) == ["set", "hset"]
    assert list(histo(lt, "hgetall", "GET", "zadd")) == ["get"]
    assert histo(lt, "blabla") == {}
    assert list(histo(lt, "blabla", "blabla2", "set", "get")) == ["set", "get"]


def test_histogram_subcommands(lt):
    lt.cmd("CLIENT", "ID")
    lt.cmd("CLIENT", "LIST")
    assert set(histo(lt, "client")) == {"client|id", "client|list"}
    assert list(histo(lt, "client|id")) == ["client|id"]
    assert list(histo(lt, "CLIENT|ID")) == ["client|id"]
    assert histo(lt, "client|nosuch") == {}
    assert histo(lt, "get|x") == {}


def test_histogram_resp3_maps(lt, connect):
    c = connect()
    c.cmd("HELLO", "3")
    c.cmd("SET", "a", "b")
    got = c.cmd("LATENCY", "HISTOGRAM", "set")
    assert isinstance(got, Map)
    body = got[b"set"]
    assert isinstance(body, Map) and body[b"calls"] == 1
    assert isinstance(body[b"histogram_usec"], Map)
    assert list(body[b"histogram_usec"].values())[-1] == 1


def test_tracking_off_and_on(lt):
    lt.cmd("CONFIG", "SET", "latency-tracking", "no")
    lt.cmd("SET", "a", "b")
    assert percentiles(lt, "set") is None
    assert "set" not in histo(lt)
    lt.cmd("CONFIG", "SET", "latency-tracking", "yes")
    lt.cmd("SET", "a", "b")
    p = percentiles(lt, "set")
    assert list(p) == ["p50", "p99", "p99.9"]
    assert histo(lt, "set")["set"][0] == 1
    lt.cmd("CONFIG", "RESETSTAT")
    assert percentiles(lt, "set") is None


def test_info_latencystats_format(lt):
    lt.cmd("SET", "a", "b")
    lt.cmd("CONFIG", "SET", "latency-tracking-info-percentiles", "0.0 50.0 100.0")
    assert lt.cmd("CONFIG", "GET", "latency-tracking-info-percentiles") == \
        [b"latency-tracking-info-percentiles", b"0 50 100"]
    text = bytes(lt.cmd("INFO", "latencystats")).decode()
    assert text.startswith("# Latencystats\r\n")
    assert re.search(r"\r\nlatency_percentiles_usec_set:p0=\d+\.\d{3},p50=\d+\.\d{3},"
                     r"p100=\d+\.\d{3}\r\n", text), text
    assert "latency_percentiles_usec_config|set:" in text
    p = percentiles(lt, "set")
    assert float(p["p0"]) <= float(p["p50"]) <= float(p["p100"])
    lt.cmd("CONFIG", "SET", "latency-tracking-info-percentiles", "")
    assert re.search(r"\r\nlatency_percentiles_usec_set:\r\n",
                     bytes(lt.cmd("INFO", "latencystats")).decode())
    # not in the default INFO, in ALL and EVERYTHING
    assert "# Latencystats" not in bytes(lt.cmd("INFO")).decode()
    assert "# Latencystats" in bytes(lt.cmd("INFO", "everything")).decode()


def test_bad_percentiles(lt):
    before = lt.cmd("CONFIG", "GET", "latency-tracking-info-percentiles")
    run(lt, [
        (["CONFIG", "SET", "latency-tracking-info-percentiles", "10.0 50.0 a"],
         err("ERR CONFIG SET failed (possibly related to argument "
             "'latency-tracking-info-percentiles') - Invalid "
             "latency-tracking-info-percentiles parameters")),
        (["CONFIG", "SET", "latency-tracking-info-percentiles", "10.0 50.0 101.0"],
         err("ERR CONFIG SET failed (possibly related to argument "
             "'latency-tracking-info-percentiles') - latency-tracking-info-percentiles "
             "parameters should sit between [0.0,100.0]")),
        ("CONFIG SET latency-tracking maybe",
         err("ERR CONFIG SET failed (possibly related to argument "
             "'latency-tracking') - argument must be 'yes' or 'no'")),
        ("CONFIG SET latency-monitor-threshold -1",
         err("ERR CONFIG SET failed (possibly related to argument "
             "'latency-monitor-threshold') - argument must be between 0 and "
             "9223372036854775807 inclusive")),
    ])
    assert lt.cmd("CONFIG", "GET", "latency-tracking-info-percentiles") == before


def test_measured_latency(dbg):
    dbg.cmd("CONFIG", "SET", "latency-tracking-info-percentiles", "50")
    dbg.cmd("DEBUG", "SLEEP", "0.05")
    dbg.cmd("SET", "k", "v")
    p50 = float(percentiles(dbg, "debug")["p50"])
    assert 50000 <= p50 < 60000, p50           # within one bucket
    assert 0 <= float(percentiles(dbg, "set")["p50"]) <= p50
    (calls, buckets), = histo(dbg, "debug").values()
    assert calls == 1 and buckets == [(67633, 1)]   # 2^26 ns, HDR-rounded


def test_blocking_command_histogram(lt, connect):
    waiter = connect()
    waiter.send_command("BLPOP", "list1", "0")
    wait_for(lambda: lt.cmd("CLIENT", "LIST").count(b"cmd=blpop") == 1)
    assert "blpop" not in histo(lt)              # counted once served
    lt.cmd("LPUSH", "list1", "a")
    assert waiter.read_reply() == [b"list1", b"a"]
    assert histo(lt, "blpop")["blpop"][0] == 1
    assert list(percentiles(lt, "blpop")) == ["p50", "p99", "p99.9"]


def test_monitor_off_by_default(dbg):
    dbg.cmd("DEBUG", "SLEEP", "0.03")
    assert dbg.cmd("LATENCY", "LATEST") == []
    assert dbg.cmd("LATENCY", "HISTORY", "command") == []


def test_monitor_events(dbg):
    dbg.cmd("CONFIG", "SET", "latency-monitor-threshold", "20")
    dbg.cmd("PING")
    assert dbg.cmd("LATENCY", "LATEST") == []
    t0 = int(time.time()) - 1   # the server's time(2) is the coarse clock
    dbg.cmd("DEBUG", "SLEEP", "0.03")
    dbg.cmd("DEBUG", "SLEEP", "0.05")      # same second (most likely): merged
    latest = dbg.cmd("LATENCY", "LATEST")
    assert len(latest) == 1
    name, when, last, worst = latest[0]
    assert name == b"command"
    assert t0 <= when <= int(time.time())
    assert worst >= 50 and 30 <= last <= worst
    hist = dbg.cmd("LATENCY", "HISTORY", "command")
    assert 1 <= len(hist) <= 2
    assert all(len(s) == 2 and s[1] >= 30 for s in hist)
    assert hist[-1][0] == when
    graph = bytes(dbg.cmd("LATENCY", "GRAPH", "command")).decode()
    assert graph.startswith("command - high ")
    assert "(all time high %d ms)" % worst in graph
    assert len(bytes(dbg.cmd("LATENCY", "DOCTOR"))) > 0
    assert dbg.cmd("LATENCY", "RESET", "blabla") == 0
    assert dbg.cmd("LATENCY", "RESET", "blabla", "command") == 1
    assert dbg.cmd("LATENCY", "LATEST") == []
    dbg.cmd("DEBUG", "SLEEP", "0.03")
    assert dbg.cmd("LATENCY", "RESET") == 1
    assert dbg.cmd("LATENCY", "RESET") == 0


def test_doctor_without_events(raw):
    raw.cmd("LATENCY", "RESET")
    assert len(bytes(raw.cmd("LATENCY", "DOCTOR"))) > 0


def test_errors(raw):
    run(raw, [
        ("LATENCY", wrong_args("latency")),
        ("LATENCY HELP xxx", wrong_args("latency|help")),
        ("LATENCY LATEST x", wrong_args("latency|latest")),
        ("LATENCY DOCTOR x", wrong_args("latency|doctor")),
        ("LATENCY HISTORY", wrong_args("latency|history")),
        ("LATENCY HISTORY a b", wrong_args("latency|history")),
        ("LATENCY GRAPH", wrong_args("latency|graph")),
        ("LATENCY GRAPH nosuch", err("ERR No samples available for event 'nosuch'")),
        ("LATENCY FOO", err("ERR unknown subcommand 'FOO'. Try LATENCY HELP.")),
    ])
    assert raw.cmd("LATENCY", "HISTORY", "blabla") == []


def test_help(raw):
    lines = raw.cmd("LATENCY", "HELP")
    assert lines[0] == b"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"HISTOGRAM [COMMAND ...]" in lines
    assert lines[-1] == b"    Prints this help."
    assert len(lines) == 17


def test_command_info(raw):
    subs = {bytes(s[0]): s for s in raw.cmd("COMMAND", "INFO", "latency")[0][9]}
    assert subs[b"latency|histogram"][1] == -2
    assert subs[b"latency|reset"][1] == -2
    assert subs[b"latency|graph"][1] == 3
    subs = {bytes(s[0]): s for s in raw.cmd("COMMAND", "INFO", "slowlog")[0][9]}
    assert subs[b"slowlog|get"][1] == -2
    assert subs[b"slowlog|len"][2] == [b"admin", b"loading", b"stale"]
