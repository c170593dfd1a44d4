"""DEBUG: the subcommands Redis's own test suite uses (OBJECT, DIGEST,
DIGEST-VALUE, PROTOCOL, SET-ACTIVE-EXPIRE, PAUSE-CRON,
QUICKLIST-PACKED-THRESHOLD, LISTPACK, QUICKLIST, REPLYBUFFER, LOG, ERROR,
CHANGE-REPL-ID), plain quicklist nodes, and the crash report (DEBUG
SEGFAULT, SIGABRT) -- the same expectations on kilat and redis-server."""

import re
import signal
import time

import pytest

from conftest import OK, NOT_INT, err, run, wait_for, IS_REDIS, SLOW


@pytest.fixture
def dbg(start_server):
    return start_server("--enable-debug-command", "yes")


@pytest.fixture
def c(dbg):
    conn = dbg.raw()
    yield conn
    conn.close()


def unknown_sub(sub):
    return err("ERR unknown subcommand or wrong number of arguments for '%s'. "
               "Try DEBUG HELP." % sub)


ZEROS = b"0" * 40

# ---------------------------------------------------------------- PROTOCOL

PROTO = {
    "string": (b"$11\r\nHello World\r\n", b"$11\r\nHello World\r\n"),
    "integer": (b":12345\r\n", b":12345\r\n"),
    "double": (b"$5\r\n3.141\r\n", b",3.141\r\n"),
    "bignum": (b"$37\r\n1234567999999999999999999999999999999\r\n",
               b"(1234567999999999999999999999999999999\r\n"),
    "null": (b"$-1\r\n", b"_\r\n"),
    "array": (b"*3\r\n:0\r\n:1\r\n:2\r\n", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
    "set": (b"*3\r\n:0\r\n:1\r\n:2\r\n", b"~3\r\n:0\r\n:1\r\n:2\r\n"),
    "map": (b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
            b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
    "attrib": (b"$39\r\nSome real reply following the attribute\r\n",
               b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
               b"$39\r\nSome real reply following the attribute\r\n"),
    "push": (b"-ERR RESP2 is not supported by this command\r\n",
             b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
             b"$40\r\nSome real reply following the push reply\r\n"),
    "verbatim": (b"$25\r\nThis is a verbatim\nstring\r\n",
                 b"=29\r\ntxt:This is a verbatim\nstring\r\n"),
    "true": (b":1\r\n", b"#t\r\n"),
    "false": (b":0\r\n", b"#f\r\n"),
}


def read_exact(conn, n):
    """n raw bytes of reply (attrib and push frames are more than one)."""
    return bytes(conn.read_exact_bytes(n))


@pytest.mark.parametrize("resp", [2, 3])
def test_debug_protocol(c, resp):
    if resp == 3:
        c.cmd("HELLO", "3")
    for name, replies in PROTO.items():
        exp = replies[resp - 2]
        c.send(c.encode("DEBUG", "PROTOCOL", name))
        assert read_exact(c, len(exp)) == exp, name
    # case-insensitive type names
    c.send(c.encode("DEBUG", "PROTOCOL", "TRUE"))
    assert read_exact(c, len(PROTO["true"][resp - 2])) == PROTO["true"][resp - 2]
    run(c, [(["DEBUG", "PROTOCOL", "nosuch"],
             err("ERR Wrong protocol type name. Please use one of the following: "
                 "string|integer|double|bignum|null|array|set|map|attrib|push|"
                 "verbatim|true|false")),
            (["DEBUG", "PROTOCOL"], unknown_sub("PROTOCOL")),
            (["DEBUG", "PROTOCOL", "string", "x"], unknown_sub("PROTOCOL")),
            (["PING"], b"+PONG\r\n")])


# ------------------------------------------------------------------ OBJECT

OBJ_RE = re.compile(
    r"^Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\S+) serializedlength:\d+ "
    r"lru:\d+ lru_seconds_idle:\d+(.*)$")


def debug_object(conn, key):
    reply = conn.cmd_raw("DEBUG", "OBJECT", key)
    assert reply.startswith(b"+"), reply
    m = OBJ_RE.match(reply[1:-2].decode())
    assert m, reply
    return m


def test_debug_object_strings(c):
    run(c, [("SET foo 20000", OK), ("SET small 5", OK), ("SET s hello", OK)])
    m = debug_object(c, "foo")
    assert m.group(1) == "1" and m.group(2) == "int" and m.group(3) == ""
    assert debug_object(c, "small").group(1) == "2147483647"  # shared integer
    assert debug_object(c, "s").group(2) == "embstr"
    # INCR changes an int in place: the address stays (Redis's incr unit)
    before = c.cmd_raw("DEBUG", "OBJECT", "foo").split()[1]
    c.cmd("INCR", "foo")
    after = c.cmd_raw("DEBUG", "OBJECT", "foo").split()[1]
    assert before == after and before.startswith(b"at:")
    run(c, [("DEBUG OBJECT nokey", err("ERR no such key")),
            ("DEBUG OBJECT", unknown_sub("OBJECT")),
            ("DEBUG OBJECT foo bar", unknown_sub("OBJECT"))])


def ql_fields(conn, key):
    m = debug_object(conn, key)
    assert m.group(2) == "quicklist"
    return dict(kv.split(":") for kv in m.group(3).split())


def test_debug_object_list(c):
    c.cmd("RPUSH", "l", "a", "b", "c")
    f = ql_fields(c, "l")
    assert set(f) == {"ql_nodes", "ql_avg_node", "ql_listpack_max",
                      "ql_compressed", "ql_uncompressed_size"}
    assert f["ql_nodes"] == "1" and f["ql_avg_node"] == "3.00"
    assert f["ql_listpack_max"] == "-2" and f["ql_compressed"] == "0"
    c.cmd("CONFIG", "SET", "list-max-listpack-size", "2")
    c.cmd("RPUSH", "l2", "a", "b", "c", "d", "e")
    f = ql_fields(c, "l2")
    assert f["ql_nodes"] == "3" and f["ql_listpack_max"] == "2"
    assert f["ql_avg_node"] == "1.67"


# ------------------------------------------------------------- plain nodes

def test_plain_nodes(c):
    run(c, [("DEBUG QUICKLIST-PACKED-THRESHOLD 1b", OK)])
    for v in ["9", "xxxxxxxxxx", "yy"]:
        c.cmd("LPUSH", "lst", v)
    # every element is at least the threshold: each has a node of its own
    assert ql_fields(c, "lst")["ql_nodes"] == "3"
    assert c.cmd("LRANGE", "lst", "0", "-1") == [b"yy", b"xxxxxxxxxx", b"9"]
    c.cmd("LINSERT", "lst", "BEFORE", "9", "zz")
    c.cmd("LSET", "lst", "0", "w" * 50)
    assert ql_fields(c, "lst")["ql_nodes"] == "4"
    assert c.cmd("LRANGE", "lst", "0", "-1") == [b"w" * 50, b"xxxxxxxxxx", b"zz", b"9"]
    assert c.cmd("LPOS", "lst", "zz") == 2
    assert c.cmd("LREM", "lst", "0", "zz") == 1
    assert c.cmd("RPOP", "lst") == b"9"
    c.cmd("LTRIM", "lst", "1", "-1")
    assert c.cmd("LRANGE", "lst", "0", "-1") == [b"xxxxxxxxxx"]

    # 5b: small elements share a node, big ones stand alone; LSET of a big
    # element inside a packed node splits it
    run(c, [("DEBUG QUICKLIST-PACKED-THRESHOLD 5b", OK)])
    c.cmd("RPUSH", "p", "aa", "bb", "cc", "dd", "ee")
    assert ql_fields(c, "p")["ql_nodes"] == "1"
    c.cmd("LSET", "p", "2", "e" * 10)
    assert ql_fields(c, "p")["ql_nodes"] == "3"
    assert c.cmd("LRANGE", "p", "0", "-1") == [b"aa", b"bb", b"e" * 10, b"dd", b"ee"]
    c.cmd("LSET", "p", "2", "cc")
    assert c.cmd("LRANGE", "p", "0", "-1") == [b"aa", b"bb", b"cc", b"dd", b"ee"]

    # back to the default (1GB): everything packs again
    run(c, [("DEBUG QUICKLIST-PACKED-THRESHOLD 0", OK)])
    c.cmd("RPUSH", "q", "x" * 100, "y" * 100, "z")
    assert ql_fields(c, "q")["ql_nodes"] == "1"


def test_packed_threshold_errors(c):
    bad = err("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
    run(c, [("DEBUG QUICKLIST-PACKED-THRESHOLD abc", bad),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD -1", bad),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 4gb", bad),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 4294967295", bad),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 1k", OK),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 1KB", OK),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 0", OK),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD", unknown_sub("QUICKLIST-PACKED-THRESHOLD"))])


# --------------------------------------------------- LISTPACK / QUICKLIST

def test_listpack_and_quicklist(c):
    c.cmd("RPUSH", "l", "a")
    c.cmd("HSET", "h", "f", "v")
    c.cmd("ZADD", "z", "1", "m")
    c.cmd("SET", "s", "v")
    lp_printed = b"+Listpack structure printed on stdout\r\n"
    ql_printed = b"+Quicklist structure printed on stdout\r\n"
    not_lp = err("ERR Not a listpack encoded object.")
    not_ql = err("ERR Not a quicklist encoded object.")
    run(c, [("DEBUG LISTPACK h", lp_printed), ("DEBUG LISTPACK z", lp_printed),
            ("DEBUG LISTPACK l", not_lp), ("DEBUG LISTPACK s", not_lp),
            ("DEBUG LISTPACK nokey", err("ERR no such key")),
            ("DEBUG QUICKLIST l", ql_printed), ("DEBUG QUICKLIST l 1", ql_printed),
            ("DEBUG QUICKLIST h", not_ql),
            ("DEBUG QUICKLIST nokey", err("ERR no such key")),
            ("DEBUG QUICKLIST l 1 2", unknown_sub("QUICKLIST")),
            ("DEBUG LISTPACK", unknown_sub("LISTPACK"))])


# ------------------------------------------------------------------ DIGEST

def digest(conn):
    reply = conn.cmd_raw("DEBUG", "DIGEST")
    assert re.match(rb"^\+[0-9a-f]{40}\r\n$", reply), reply
    return reply[1:-2]


def fill(conn, order):
    """The same dataset, built in different orders and encodings."""
    steps = [
        ("SET", "str", "hello"), ("SET", "num", "12345"),
        ("RPUSH", "list", "a", "1", "b"),
        ("SADD", "set", "x", "y", "z", "7"),
        ("HSET", "hash", "f1", "v1", "f2", "2"),
        ("ZADD", "zset", "1.5", "a", "2", "b"),
        ("SELECT", "1"), ("SET", "in1", "v"), ("SELECT", "0"),
    ]
    if order:
        steps = [("SADD", "set", "7", "z"), ("HSET", "hash", "f2", "2")] + steps
    for s in steps:
        conn.cmd(*s)


def test_digest(dbg, start_server):
    a = dbg.raw()
    other = start_server("--enable-debug-command", "yes")
    b = other.raw()
    try:
        assert digest(a) == ZEROS
        fill(a, False)
        fill(b, True)
        da = digest(a)
        assert da != ZEROS and da == digest(b)
        assert digest(a) == da  # stable
        # a string stored as an int and as text digests alike
        a.cmd("SET", "num", "12345")
        b.cmd("APPEND", "num", "")
        assert digest(a) == digest(b)
        # any change changes it: a value, a key's db, a TTL
        b.cmd("LSET", "list", "0", "A")
        assert digest(b) != da
        b.cmd("LSET", "list", "0", "a")
        assert digest(b) == da
        b.cmd("EXPIRE", "str", "1000")
        assert digest(b) != da
        b.cmd("PERSIST", "str")
        assert digest(b) == da
        b.cmd("MOVE", "str", "2")
        assert digest(b) != da
        b.cmd("FLUSHALL")
        assert digest(b) == ZEROS
        run(a, [("DEBUG DIGEST x", unknown_sub("DIGEST"))])
    finally:
        a.close()
        b.close()


def test_digest_value(c):
    c.cmd("SADD", "s1", "a", "b", "c")
    c.cmd("SADD", "s2", "c", "b", "a")
    c.cmd("RPUSH", "l1", "a", "b")
    c.cmd("RPUSH", "l2", "b", "a")
    reply = c.cmd_raw("DEBUG", "DIGEST-VALUE", "s1", "s2", "l1", "l2", "nokey")
    parts = reply.split(b"\r\n")
    assert parts[0] == b"*5"
    vals = [p[1:] for p in parts[1:-1]]
    assert all(p.startswith(b"+") for p in parts[1:-1])
    assert vals[0] == vals[1]          # sets: order does not matter
    assert vals[2] != vals[3]          # lists: it does
    assert vals[4] == ZEROS            # missing key
    # the value and whether it has a TTL: not the key name, not the TTL's value
    c.cmd("SET", "k1", "v")
    c.cmd("SET", "k2", "v")
    c.cmd("SET", "k3", "v", "EX", "100")
    c.cmd("SET", "k4", "v", "EX", "5000")
    reply = c.cmd_raw("DEBUG", "DIGEST-VALUE", "k1", "k2", "k3", "k4")
    d1, d2, d3, d4 = reply.split(b"\r\n")[1:5]
    assert d1 == d2 and d3 == d4 and d1 != d3
    run(c, [("DEBUG DIGEST-VALUE", b"*0\r\n")])


# ------------------------------------------------- expiry and cron switches

def test_set_active_expire(c):
    run(c, [("DEBUG SET-ACTIVE-EXPIRE 0", OK)])
    c.cmd("SET", "k", "v", "PX", "30")
    time.sleep(0.4 * SLOW)
    assert c.cmd("DBSIZE") == 1      # expired, but nothing swept it
    run(c, [("DEBUG SET-ACTIVE-EXPIRE 1", OK)])
    assert wait_for(lambda: c.cmd("DBSIZE") == 0)
    # Redis reads the switch with atoi: anything parses
    run(c, [("DEBUG SET-ACTIVE-EXPIRE x", OK), ("DEBUG SET-ACTIVE-EXPIRE 2", OK),
            ("DEBUG SET-ACTIVE-EXPIRE", unknown_sub("SET-ACTIVE-EXPIRE")),
            ("DEBUG SET-ACTIVE-EXPIRE 1", OK)])


def test_object_shows_a_key_whose_ttl_passed(c):
    # DEBUG OBJECT reads the key as stored: with active expiry off, a key
    # whose TTL passed is still shown and not deleted; the next real
    # lookup (LISTPACK, EXISTS) expires it
    run(c, [("DEBUG SET-ACTIVE-EXPIRE 0", OK), ("SET key value PX 1", OK)])
    time.sleep(0.05)
    assert c.cmd("DEBUG", "OBJECT", "key").startswith(b"Value at:")
    assert c.cmd("DEBUG", "OBJECT", "key").startswith(b"Value at:")
    run(c, [("DEBUG LISTPACK key", err("ERR no such key")), ("EXISTS key", b":0\r\n"),
            ("DEBUG OBJECT key", err("ERR no such key")), ("DEBUG SET-ACTIVE-EXPIRE 1", OK)])


def test_populate(c):
    RANGE = err("ERR value is out of range, must be positive")
    run(c, [("DEBUG POPULATE 3", OK), ("GET key:1", b"$7\r\nvalue:1\r\n"),
            ("OBJECT ENCODING key:2", b"$6\r\nembstr\r\n"), ("DBSIZE", b":3\r\n"),
            # size pads with zero bytes or cuts; 0 means no size
            ("DEBUG POPULATE 2 foo 10", OK), ("GET foo:1", b"$10\r\nvalue:1\x00\x00\x00\r\n"),
            ("DEBUG POPULATE 2 bar 3", OK), ("GET bar:0", b"$3\r\nval\r\n"),
            ("DEBUG POPULATE 1 z 0", OK), ("GET z:0", b"$7\r\nvalue:0\r\n"),
            # existing keys are left alone
            ("SET key:0 mine", OK), ("DEBUG POPULATE 5", OK), ("GET key:0", b"$4\r\nmine\r\n"),
            ("DBSIZE", b":10\r\n"),
            ("DEBUG POPULATE -1", RANGE), ("DEBUG POPULATE abc", RANGE),
            ("DEBUG POPULATE 1 x abc", RANGE), ("DEBUG POPULATE 1 x -5", RANGE),
            ("DEBUG POPULATE", unknown_sub("POPULATE")),
            ("DEBUG POPULATE 1 a 1 2", unknown_sub("POPULATE")),
            ("DEBUG POPULATE 0", OK), ("DBSIZE", b":10\r\n")])


def test_pause_cron(c):
    run(c, [("DEBUG PAUSE-CRON 1", OK)])
    c.cmd("SET", "k", "v", "PX", "30")
    time.sleep(0.4 * SLOW)
    assert c.cmd("DBSIZE") == 1      # no active expiry while paused
    run(c, [("DEBUG PAUSE-CRON 0", OK)])
    assert wait_for(lambda: c.cmd("DBSIZE") == 0)
    run(c, [("DEBUG PAUSE-CRON x", OK),
            ("DEBUG PAUSE-CRON", unknown_sub("PAUSE-CRON"))])


# ------------------------------------------------------------- REPLYBUFFER

def rbs(conn, name):
    lst = conn.cmd("CLIENT", "LIST").decode()
    line = [l for l in lst.splitlines() if "name=%s " % name in l][0]
    return int(re.search(r" rbs=(\d+)", line).group(1))


def test_replybuffer_resizing(dbg, c):
    run(c, [("DEBUG REPLYBUFFER PEAK-RESET-TIME 100", OK)])
    tc = dbg.raw()
    try:
        tc.cmd("CLIENT", "SETNAME", "tc")
        # an idle client's buffer shrinks to about 1kb
        assert wait_for(lambda: 1024 <= rbs(c, "tc") < 2046), rbs(c, "tc")
        c.cmd("SET", "big", "x" * 32768)
        run(c, [("DEBUG REPLYBUFFER PEAK-RESET-TIME never", OK)])
        # a client that reads big values keeps a 16kb buffer, no more
        assert wait_for(lambda: (tc.cmd("GET", "big"), 16384 <= rbs(c, "tc") < 32768)[1])
        run(c, [("DEBUG REPLYBUFFER RESIZING 0", OK),
                ("DEBUG REPLYBUFFER RESIZING 1", OK),
                ("DEBUG REPLYBUFFER PEAK-RESET-TIME reset", OK),
                ("DEBUG REPLYBUFFER PEAK-RESET-TIME x", NOT_INT),
                ("DEBUG REPLYBUFFER foo bar", unknown_sub("REPLYBUFFER")),
                ("DEBUG REPLYBUFFER PEAK-RESET-TIME", unknown_sub("REPLYBUFFER")),
                ("DEBUG REPLYBUFFER", unknown_sub("REPLYBUFFER"))])
    finally:
        tc.close()


# ----------------------------------------------------- LOG, ERROR, others

def test_log_error_and_misc(dbg, c):
    run(c, [(["DEBUG", "LOG", "hello from the test"], OK),
            (["DEBUG", "ERROR", "my error"], b"-my error\r\n"),
            (["DEBUG", "ERROR", "ERR custom"], b"-ERR custom\r\n"),
            ("DEBUG CHANGE-REPL-ID", OK),
            ("DEBUG LOG", unknown_sub("LOG")),
            ("DEBUG ERROR", unknown_sub("ERROR")),
            ("DEBUG CHANGE-REPL-ID x", unknown_sub("CHANGE-REPL-ID")),
            ("DEBUG NOSUCH", unknown_sub("NOSUCH")),
            ("DEBUG JMAP", unknown_sub("JMAP"))])
    assert wait_for(lambda: b"DEBUG LOG: hello from the test" in dbg.output())
    help_ = c.cmd("DEBUG", "HELP")
    assert help_[0] == b"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    for word in (b"DIGEST-VALUE", b"QUICKLIST-PACKED-THRESHOLD", b"PROTOCOL <type>",
                 b"SET-ACTIVE-EXPIRE <0|1>", b"PAUSE-CRON <0|1>"):
        assert any(line.startswith(word) for line in help_), word


# ------------------------------------------------------------ crash report

def crashed(srv, sig):
    """Waits for srv to die of sig; its report must be in the output."""
    srv.proc.wait(timeout=20 * SLOW)
    srv.checked = True  # a crash is what we asked for
    dying = {-sig}
    if IS_REDIS:
        # redis-server's fast memory test, run after the report, sometimes
        # faults on a page it cannot read and the process dies of SIGSEGV
        dying.add(-signal.SIGSEGV)
    assert srv.proc.returncode in dying, srv.proc.returncode
    out = srv.output()
    assert b"crashed by signal" in out, out[-2000:]
    assert b"STACK TRACE" in out
    return out


def debug_crash(start_server, sub):
    """A server told DEBUG <sub>: the connection must close (no reply)."""
    srv = start_server("--enable-debug-command", "yes")
    conn = srv.raw()
    conn.send(conn.encode("DEBUG", sub))
    assert conn.is_closed(10)
    conn.close()
    return srv


def test_crash_report_segfault(start_server):
    srv = debug_crash(start_server, "SEGFAULT")
    out = crashed(srv, signal.SIGSEGV)
    assert b"crashed by signal: 11" in out


def test_panic_and_assert(start_server):
    srv = debug_crash(start_server, "PANIC")
    srv.proc.wait(timeout=20 * SLOW)
    srv.checked = True
    # Redis dies of SIGABRT here (of SIGSEGV when its memory test runs)
    assert srv.proc.returncode in (-signal.SIGABRT, -signal.SIGSEGV)
    out = srv.output()
    assert b"Guru Meditation: DEBUG PANIC called at Unix time" in out
    assert b"STACK TRACE" in out

    srv = debug_crash(start_server, "ASSERT")
    srv.proc.wait(timeout=20 * SLOW)
    srv.checked = True
    assert srv.proc.returncode == -signal.SIGABRT
    out = srv.output()
    assert b"=== ASSERTION FAILED ===" in out and b"STACK TRACE" in out


def test_crash_report_sigabrt(start_server):
    srv = start_server()
    srv.proc.send_signal(signal.SIGABRT)
    out = crashed(srv, signal.SIGABRT)
    assert b"crashed by signal: 6" in out


def test_sigterm_still_shuts_down_cleanly(start_server):
    srv = start_server()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit() == 0
    assert b"crashed by signal" not in srv.output()
