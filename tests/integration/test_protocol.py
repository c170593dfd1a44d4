"""RESP2/RESP3 protocol: inline and multibulk parsing, pipelining, split
requests, big bulks, protocol errors (exact text, connection closed),
unknown-command and arity errors, HELLO and RESP3 reply types."""

import threading
import time

import pytest

from conftest import (Simple, Err, Map, Set, Verbatim, Null, RawConn,
                      IS_REDIS)


def enc(*args):
    return RawConn.encode(*args)


# ------------------------------------------------------------------ inline

def test_inline_ping(raw):
    raw.send(b"PING\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"


def test_inline_lf_only_and_lowercase(raw):
    raw.send(b"ping\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"


def test_inline_extra_spaces_and_args(raw):
    raw.send(b"   PING   \r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"
    raw.send(b"ping  hello\r\n")
    assert raw.read_reply_raw() == b"$5\r\nhello\r\n"


def test_inline_empty_lines_ignored(raw):
    raw.send(b"\r\n\r\n\n PING\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"


def test_inline_set_get(raw):
    raw.send(b"SET foo bar\r\nGET foo\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b"$3\r\nbar\r\n"


def test_inline_quoting(raw):
    raw.send(b'SET k "a b"\r\n')
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(b"GET k\r\n")
    assert raw.read_reply_raw() == b"$3\r\na b\r\n"
    # double quotes understand escapes, \xHH among them
    raw.send(b'ECHO "a\\x41\\n"\r\n')
    assert raw.read_reply_raw() == b"$3\r\naA\n\r\n"
    # single quotes only escape the single quote
    raw.send(b"ECHO 'x\\'y'\r\n")
    assert raw.read_reply_raw() == b"$3\r\nx'y\r\n"
    # two quoted args make ECHO's arity wrong
    raw.send(b"ECHO \"a b\" 'c d'\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR wrong number of arguments for 'echo' command\r\n"
    raw.send(b'ECHO ""\r\n')
    assert raw.read_reply_raw() == b"$0\r\n\r\n"


@pytest.mark.parametrize("line", [
    b'ECHO "unbalanced\r\n',
    b'"ECHO" "x""y"\r\n',
    b'ECHO "x"y\r\n',
    b"ECHO 'abc\r\n",
])
def test_inline_unbalanced_quotes(raw, line):
    raw.send(line)
    assert raw.read_reply_raw() == \
        b"-ERR Protocol error: unbalanced quotes in request\r\n"
    assert raw.is_closed()


def test_inline_too_big(raw):
    # no newline within 64KB of inline data
    try:
        raw.send(b"X" * 70000)
    except OSError:
        pass
    assert raw.read_reply_raw() == \
        b"-ERR Protocol error: too big inline request\r\n"
    assert raw.is_closed()


def test_inline_just_under_limit_is_fine(raw):
    val = b"v" * 60000
    raw.send(b"SET k " + val + b"\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(b"STRLEN k\r\n")
    assert raw.read_reply_raw() == b":60000\r\n"


def test_telnet_style_mixed_with_multibulk(raw):
    raw.send(b"SET a 1\r\n" + enc("INCR", "a") + b"GET a\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b":2\r\n"
    assert raw.read_reply_raw() == b"$1\r\n2\r\n"


def test_bulk_header_on_its_own_is_an_inline_command(raw):
    raw.send(b"$4\r\nPING\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR unknown command '$4', with args beginning with: \r\n"
    assert raw.read_reply_raw() == b"+PONG\r\n"


# --------------------------------------------------------------- multibulk

def test_multibulk_basic(raw):
    raw.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    assert raw.read_reply_raw() == b"$5\r\nhello\r\n"


def test_multibulk_binary_safe(raw):
    val = bytes(range(256)) + b"\r\n\x00\r\n"
    raw.send(enc("SET", "bin", val))
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(enc("GET", "bin"))
    assert raw.read_reply_raw() == b"$%d\r\n%s\r\n" % (len(val), val)


def test_empty_and_negative_multibulk_are_ignored(raw):
    raw.send(b"*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"
    raw.send(b"PING\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"


def test_empty_bulk_argument(raw):
    raw.send(enc("SET", "", ""))
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(enc("GET", ""))
    assert raw.read_reply_raw() == b"$0\r\n\r\n"


def test_pipelined_thousands_in_one_write(raw):
    n = 10000
    parts = []
    for i in range(n):
        if i % 3 == 0:
            parts.append(enc("SET", "k%d" % i, "v%d" % i))
        elif i % 3 == 1:
            parts.append(enc("GET", "k%d" % (i - 1)))
        else:
            parts.append(enc("INCR", "counter"))
    payload = b"".join(parts)
    sender = threading.Thread(target=raw.send, args=(payload,))
    sender.start()
    incr = 0
    for i in range(n):
        rep = raw.read_reply_raw()
        if i % 3 == 0:
            assert rep == b"+OK\r\n", i
        elif i % 3 == 1:
            v = b"v%d" % (i - 1)
            assert rep == b"$%d\r\n%s\r\n" % (len(v), v), i
        else:
            incr += 1
            assert rep == b":%d\r\n" % incr, i
    sender.join()
    raw.send(b"DBSIZE\r\n")
    assert raw.read_reply_raw() == b":%d\r\n" % ((n + 2) // 3 + 1)


def test_pipelined_inline_thousands(raw):
    n = 5000
    raw.send(b"PING\r\n" * n)
    data = raw.read_exact_bytes(len(b"+PONG\r\n") * n)
    assert data == b"+PONG\r\n" * n


def _split_request():
    return (enc("SET", "split", "hello world") + enc("GET", "split") +
            b"ECHO inline\r\n" + enc("APPEND", "split", "!") +
            enc("MGET", "split", "nokey"))


_SPLIT_REPLIES = [b"+OK\r\n", b"$11\r\nhello world\r\n",
                  b"$6\r\ninline\r\n", b":12\r\n",
                  b"*2\r\n$12\r\nhello world!\r\n$-1\r\n"]


def test_request_split_at_every_byte_boundary(raw):
    req = _split_request()
    for cut in range(1, len(req)):
        raw.send(req[:cut])
        time.sleep(0.002)
        raw.send(req[cut:])
        for exp in _SPLIT_REPLIES:
            assert raw.read_reply_raw() == exp, "split at %d" % cut


def test_request_sent_byte_by_byte(raw):
    # the last value is made of 6 CRLFs: only the length tells them apart
    req = _split_request() + enc("SET", "bb", b"\r\n" * 6)
    for i in range(len(req)):
        raw.send(req[i:i + 1])
        if i % 4 == 0:
            time.sleep(0.0005)
    for exp in _SPLIT_REPLIES:
        assert raw.read_reply_raw() == exp
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(enc("GET", "bb"))
    assert raw.read_reply_raw() == b"$12\r\n" + b"\r\n" * 7


def test_big_bulk_roundtrip(raw):
    size = 32 * 1024 * 1024
    val = (b"0123456789abcdef" * (size // 16))
    sender = threading.Thread(target=raw.send, args=(enc("SET", "big", val),))
    sender.start()
    sender.join()
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(enc("STRLEN", "big"))
    assert raw.read_reply_raw() == b":%d\r\n" % size
    raw.send(enc("GET", "big"))
    assert raw.read_exact_bytes(len(b"$%d\r\n" % size)) == b"$%d\r\n" % size
    assert raw.read_exact_bytes(size) == val
    assert raw.read_exact_bytes(2) == b"\r\n"


def test_big_bulk_slow_trickle(raw):
    # a 200KB argument arriving in small pieces
    val = b"z" * 200000
    req = enc("SET", "trickle", val)
    for i in range(0, len(req), 7000):
        raw.send(req[i:i + 7000])
        time.sleep(0.001)
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(enc("STRLEN", "trickle"))
    assert raw.read_reply_raw() == b":200000\r\n"


# ---------------------------------------------------------- protocol errors

PROTO_ERRORS = [
    (b"*x\r\n", b"invalid multibulk length"),
    (b"*abc\r\n", b"invalid multibulk length"),
    (b"*+1\r\n", b"invalid multibulk length"),
    (b"*3000000000\r\n", b"invalid multibulk length"),
    (b"*2147483648\r\n", b"invalid multibulk length"),
    (b"*1\r\n$x\r\n", b"invalid bulk length"),
    (b"*1\r\n$-1\r\n", b"invalid bulk length"),
    (b"*1\r\n$-2\r\n", b"invalid bulk length"),
    (b"*1\r\n$ 4\r\n", b"invalid bulk length"),
    (b"*1\r\n$+4\r\nPING\r\n", b"invalid bulk length"),
    (b"*1\r\n$536870913\r\n", b"invalid bulk length"),
    (b"*1\r\nPING\r\n", b"expected '$', got 'P'"),
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b"expected '$', got ':'"),
    (b"*1" + b"1" * 70000, b"too big mbulk count string"),
    (b"*1\r\n$" + b"1" * 70000, b"too big bulk count string"),
]


@pytest.mark.parametrize("data,msg", PROTO_ERRORS,
                         ids=[m.decode() + "-" + str(i)
                              for i, (d, m) in enumerate(PROTO_ERRORS)])
def test_protocol_error_exact_and_closes(raw, data, msg):
    try:
        raw.send(data)
    except OSError:
        pass
    assert raw.read_reply_raw() == b"-ERR Protocol error: " + msg + b"\r\n"
    assert raw.is_closed()


def test_protocol_error_after_good_commands(raw):
    raw.send(enc("SET", "a", "1") + enc("PING") + b"*x\r\n" + enc("PING"))
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b"+PONG\r\n"
    assert raw.read_reply_raw() == \
        b"-ERR Protocol error: invalid multibulk length\r\n"
    assert raw.is_closed()
    assert raw.buf == b""


def test_protocol_error_is_per_connection(raw, connect, r):
    other = connect()
    raw.send(b"*1\r\n$x\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR Protocol error: invalid bulk length\r\n"
    assert raw.is_closed()
    other.send(b"PING\r\n")
    assert other.read_reply_raw() == b"+PONG\r\n"
    assert r.ping()


def test_incomplete_request_waits(raw):
    raw.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nhel")
    assert raw.read_available(0.2) == b""
    raw.send(b"lo\r\n")
    assert raw.read_reply_raw() == b"$5\r\nhello\r\n"


def test_large_multibulk_count_accepted_while_incomplete(raw):
    # a declared count up to INT_MAX is legal; nothing is replied until the
    # arguments arrive (here: never, and the connection stays open)
    raw.send(b"*1048577\r\n")
    assert raw.read_available(0.2) == b""
    assert not raw.is_closed(0.2)


# ------------------------------------------------------- command lookup errors

def test_unknown_command_with_args_preview(raw):
    raw.send(b"foo a b\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    raw.send(enc("foo", "a", "b"))
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    raw.send(b"FOO\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'FOO', with args beginning with: \r\n"
    assert not raw.is_closed(0.1)


def test_unknown_command_preview_truncation(raw):
    # the args preview stops at 128 characters in total
    raw.send(b"foo " + b" ".join([b"x" * 10] * 30) + b"\r\n")
    assert raw.read_reply_raw() == (
        b"-ERR unknown command 'foo', with args beginning with: " +
        b"'xxxxxxxxxx' " * 10 + b"\r\n")
    raw.send(enc("foo", "a" * 300))
    assert raw.read_reply_raw() == (
        b"-ERR unknown command 'foo', with args beginning with: '" +
        b"a" * 128 + b"' \r\n")
    raw.send(enc("foo", "a" * 120, "b" * 20))
    assert raw.read_reply_raw() == (
        b"-ERR unknown command 'foo', with args beginning with: '" +
        b"a" * 120 + b"' 'bbbbb' \r\n")
    # the command name itself is cut at 128 characters
    raw.send(enc("c" * 140))
    assert raw.read_reply_raw() == (
        b"-ERR unknown command '" + b"c" * 128 +
        b"', with args beginning with: \r\n")


def test_unknown_command_newlines_become_spaces(raw):
    raw.send(enc("foo", "a\r\nb", "zz"))
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'foo', with args beginning with: 'a  b' 'zz' \r\n"
    raw.send(enc("f\r\no", "x"))
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'f  o', with args beginning with: 'x' \r\n"


def test_empty_command_name(raw):
    raw.send(b"*1\r\n$0\r\n\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR unknown command '', with args beginning with: \r\n"
    raw.send(enc("", "a"))
    assert raw.read_reply_raw() == \
        b"-ERR unknown command '', with args beginning with: 'a' \r\n"


@pytest.mark.parametrize("cmd", [
    ["GET"], ["GET", "a", "b"], ["SET", "k"], ["SET"], ["PING", "a", "b"],
    ["ECHO"], ["MGET"], ["MSET", "a"], ["MSET", "a", "1", "b"], ["DEL"],
    ["EXISTS"], ["INCR"], ["INCRBY", "a"], ["DBSIZE", "x"], ["SELECT"],
    ["TTL"], ["EXPIRE", "k"], ["KEYS"], ["SCAN"], ["RENAME", "a"],
    ["GETEX"], ["LCS", "a"], ["APPEND", "a"], ["AUTH"], ["TIME", "x"],
    ["RANDOMKEY", "x"], ["TOUCH"], ["UNLINK"], ["TYPE"], ["STRLEN"],
    ["SETRANGE", "a", "1"], ["GETRANGE", "a", "0"], ["SUBSTR", "a"],
    ["SETEX", "k", "10"], ["PSETEX", "k"], ["SETNX", "k"], ["GETSET", "k"],
    ["GETDEL"], ["MSETNX", "a"], ["DECRBY", "a"], ["INCRBYFLOAT", "a"],
    ["SWAPDB", "0"], ["MOVE", "k"], ["COPY", "k"], ["PERSIST"],
    ["EXPIRETIME"], ["PEXPIRETIME"], ["PTTL"], ["LASTSAVE", "x"],
])
def test_wrong_number_of_arguments(raw, cmd):
    raw.send(enc(*cmd))
    name = cmd[0].lower().encode()
    assert raw.read_reply_raw() == \
        b"-ERR wrong number of arguments for '" + name + b"' command\r\n"


@pytest.mark.parametrize("cmd,full", [
    (["CONFIG", "GET"], b"config|get"),
    (["CONFIG", "SET", "port"], b"config|set"),
    (["CONFIG", "RESETSTAT", "x"], b"config|resetstat"),
    (["CLIENT", "SETNAME"], b"client|setname"),
    (["CLIENT", "GETNAME", "x"], b"client|getname"),
    (["CLIENT", "ID", "x"], b"client|id"),
    (["CLIENT", "KILL"], b"client|kill"),
    (["CLIENT", "REPLY"], b"client|reply"),
    (["CLIENT", "NO-EVICT"], b"client|no-evict"),
    (["OBJECT", "ENCODING"], b"object|encoding"),
    (["OBJECT", "ENCODING", "a", "b"], b"object|encoding"),
    (["COMMAND", "COUNT", "x"], b"command|count"),
    (["CONFIG"], b"config"),
    (["CLIENT"], b"client"),
    (["OBJECT"], b"object"),
])
def test_wrong_number_of_arguments_subcommands(raw, cmd, full):
    raw.send(enc(*cmd))
    assert raw.read_reply_raw() == \
        b"-ERR wrong number of arguments for '" + full + b"' command\r\n"


@pytest.mark.parametrize("cmd,help", [
    (["CLIENT", "FOO"], b"CLIENT"),
    (["CONFIG", "FOO"], b"CONFIG"),
    (["OBJECT", "FOO", "k"], b"OBJECT"),
    (["COMMAND", "FOO"], b"COMMAND"),
])
def test_unknown_subcommand(raw, cmd, help):
    raw.send(enc(*cmd))
    assert raw.read_reply_raw() == (
        b"-ERR unknown subcommand '" + cmd[1].encode() + b"'. Try " + help +
        b" HELP.\r\n")


def test_command_names_are_case_insensitive(raw):
    raw.send(enc("sEt", "k", "v") + enc("gEt", "k") + enc("client", "id"))
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b"$1\r\nv\r\n"
    assert raw.read_reply_raw().startswith(b":")


# -------------------------------------------------------------------- HELLO

HELLO_KEYS = [b"server", b"version", b"proto", b"id", b"mode", b"role",
              b"modules"]


def _client_id(conn):
    conn.send(enc("CLIENT", "ID"))
    return conn.read_reply()


def test_hello_default_is_resp2_array(raw):
    cid = _client_id(raw)
    raw.send(b"HELLO\r\n")
    rep = raw.read_reply()
    assert isinstance(rep, list) and len(rep) == 14
    assert rep[0::2] == HELLO_KEYS
    d = dict(zip(rep[0::2], rep[1::2]))
    assert d[b"proto"] == 2
    assert d[b"id"] == cid
    assert d[b"mode"] == b"standalone"
    assert d[b"role"] == b"master"
    assert d[b"modules"] == []
    assert isinstance(d[b"server"], bytes) and d[b"server"]
    assert isinstance(d[b"version"], bytes) and d[b"version"]


def test_hello_3_replies_with_a_map(raw):
    cid = _client_id(raw)
    raw.send(b"HELLO 3\r\n")
    frame = raw.read_reply_raw()
    assert frame.startswith(b"%7\r\n")
    raw.buf[:0] = frame
    rep = raw.read_reply()
    assert isinstance(rep, Map)
    assert list(rep.keys()) == HELLO_KEYS
    assert rep[b"proto"] == 3
    assert rep[b"id"] == cid
    assert rep[b"mode"] == b"standalone"
    assert rep[b"role"] == b"master"
    assert rep[b"modules"] == []


def test_hello_2_after_3_goes_back(raw):
    raw.send(b"HELLO 3\r\n")
    assert isinstance(raw.read_reply(), Map)
    raw.send(b"GET nokey\r\n")
    assert raw.read_reply_raw() == b"_\r\n"
    raw.send(b"HELLO 2\r\n")
    rep = raw.read_reply()
    assert isinstance(rep, list) and len(rep) == 14 and rep[5] == 2
    raw.send(b"GET nokey\r\n")
    assert raw.read_reply_raw() == b"$-1\r\n"


@pytest.mark.parametrize("ver", [b"4", b"1", b"0", b"-1", b"100"])
def test_hello_unsupported_version(raw, ver):
    raw.send(b"HELLO " + ver + b"\r\n")
    assert raw.read_reply_raw() == b"-NOPROTO unsupported protocol version\r\n"
    # connection still in RESP2
    raw.send(b"GET nokey\r\n")
    assert raw.read_reply_raw() == b"$-1\r\n"


def test_hello_version_not_integer(raw):
    raw.send(b"HELLO x\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR Protocol version is not an integer or out of range\r\n"


def test_hello_setname(raw):
    raw.send(b"HELLO 3 SETNAME myname\r\n")
    assert isinstance(raw.read_reply(), Map)
    raw.send(b"CLIENT GETNAME\r\n")
    assert raw.read_reply_raw() == b"$6\r\nmyname\r\n"


def test_hello_setname_invalid(raw):
    raw.send(b'HELLO 3 SETNAME "my name"\r\n')
    assert raw.read_reply_raw() == (
        b"-ERR Client names cannot contain spaces, newlines or special "
        b"characters.\r\n")
    # the protocol did not switch
    raw.send(b"GET nokey\r\n")
    assert raw.read_reply_raw() == b"$-1\r\n"


@pytest.mark.parametrize("line,opt", [
    (b"HELLO 3 SETNAME\r\n", b"SETNAME"),
    (b"HELLO 3 AUTH default\r\n", b"AUTH"),
    (b"HELLO 3 AUTH\r\n", b"AUTH"),
    (b"HELLO 3 FOO\r\n", b"FOO"),
    (b"HELLO 2 foo bar\r\n", b"foo"),
])
def test_hello_syntax_errors(raw, line, opt):
    raw.send(line)
    assert raw.read_reply_raw() == \
        b"-ERR Syntax error in HELLO option '" + opt + b"'\r\n"


def test_hello_auth_without_requirepass_accepts_any_password(raw):
    # the default user has nopass: any password is accepted
    raw.send(b"HELLO 3 AUTH default whatever\r\n")
    assert isinstance(raw.read_reply(), Map)
    raw.send(b"HELLO 2 AUTH nosuchuser pw\r\n")
    assert raw.read_reply_raw() == \
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def test_hello_auth_and_setname_with_requirepass(start_server):
    srv = start_server("--requirepass", "s3cret")
    c = srv.raw()
    try:
        c.send(b"HELLO 3\r\n")
        assert c.read_reply_raw() == (
            b"-NOAUTH HELLO must be called with the client already "
            b"authenticated, otherwise the HELLO AUTH <user> <pass> option "
            b"can be used to authenticate the client and select the RESP "
            b"protocol version at the same time\r\n")
        c.send(b"HELLO\r\n")
        assert c.read_reply_raw().startswith(b"-NOAUTH HELLO must be called")
        c.send(b"HELLO 3 AUTH default wrong\r\n")
        assert c.read_reply_raw() == \
            b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        c.send(b"GET x\r\n")
        assert c.read_reply_raw() == b"-NOAUTH Authentication required.\r\n"
        c.send(b"HELLO 3 AUTH default s3cret SETNAME app\r\n")
        rep = c.read_reply()
        assert isinstance(rep, Map) and rep[b"proto"] == 3
        c.send(b"CLIENT GETNAME\r\n")
        assert c.read_reply_raw() == b"$3\r\napp\r\n"
        c.send(b"GET x\r\n")
        assert c.read_reply_raw() == b"_\r\n"
    finally:
        c.close()


# --------------------------------------------------------------- RESP3 types

def _resp3(raw):
    raw.send(b"HELLO 3\r\n")
    assert isinstance(raw.read_reply(), Map)


def test_resp3_nulls(raw):
    _resp3(raw)
    raw.send(b"GET nokey\r\n")
    assert raw.read_reply_raw() == b"_\r\n"
    raw.send(b"MGET a b\r\n")
    assert raw.read_reply_raw() == b"*2\r\n_\r\n_\r\n"
    raw.send(b"SET k v\r\nSET k v NX\r\nSET nk v GET\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b"_\r\n"
    assert raw.read_reply_raw() == b"_\r\n"
    raw.send(b"CLIENT GETNAME\r\nOBJECT ENCODING nokey\r\nRANDOMKEY\r\n")
    assert raw.read_reply_raw() == b"_\r\n"
    assert raw.read_reply_raw() == b"_\r\n"
    assert raw.read_reply_raw() in (b"$1\r\nk\r\n", b"$2\r\nnk\r\n")


def test_resp3_config_get_is_a_map(raw):
    _resp3(raw)
    raw.send(b"CONFIG GET maxclients\r\n")
    assert raw.read_reply_raw() == \
        b"%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"
    raw.send(b"CONFIG GET nosuchparam\r\n")
    assert raw.read_reply_raw() == b"%0\r\n"


def test_resp3_incrbyfloat_is_still_a_bulk_string(raw):
    _resp3(raw)
    raw.send(b"INCRBYFLOAT f 1.5\r\n")
    assert raw.read_reply_raw() == b"$3\r\n1.5\r\n"


def test_resp3_simple_types_unchanged(raw):
    _resp3(raw)
    raw.send(b"SET n 10\r\nINCR n\r\nPING\r\nEXISTS n\r\nGET n\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    assert raw.read_reply_raw() == b":11\r\n"
    assert raw.read_reply_raw() == b"+PONG\r\n"
    assert raw.read_reply_raw() == b":1\r\n"
    assert raw.read_reply_raw() == b"$2\r\n11\r\n"
    raw.send(b"TIME\r\n")
    t = raw.read_reply()
    assert isinstance(t, list) and len(t) == 2
    assert all(isinstance(x, bytes) and x.isdigit() for x in t)


def test_resp3_client_info_and_info_are_verbatim(raw):
    _resp3(raw)
    raw.send(b"CLIENT INFO\r\n")
    v = raw.read_reply()
    assert isinstance(v, Verbatim) and v.format == b"txt"
    assert v.startswith(b"id=") and v.endswith(b"\n")
    assert b" resp=3" in v
    raw.send(b"CLIENT LIST\r\n")
    v = raw.read_reply()
    assert isinstance(v, Verbatim) and v.format == b"txt"
    raw.send(b"INFO server\r\n")
    v = raw.read_reply()
    assert isinstance(v, Verbatim) and v.format == b"txt"
    assert v.startswith(b"# Server\r\n")


def test_resp3_lcs_idx_is_a_map(raw):
    _resp3(raw)
    raw.send(b"MSET a ohmytext b mynewtext\r\n")
    assert raw.read_reply_raw() == b"+OK\r\n"
    raw.send(b"LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN\r\n")
    assert raw.read_reply_raw() == (
        b"%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n"
        b":8\r\n:4\r\n$3\r\nlen\r\n:6\r\n")


def test_resp3_command_info_flags_are_sets(raw):
    _resp3(raw)
    raw.send(b"COMMAND INFO get\r\n")
    rep = raw.read_reply()
    assert isinstance(rep, list) and len(rep) == 1
    info = rep[0]
    assert info[0] == b"get" and info[1] == 2
    assert isinstance(info[2], Set)
    assert b"readonly" in info[2] and b"fast" in info[2]
    assert isinstance(info[6], Set)  # ACL categories
    assert b"@string" in info[6]


def test_resp3_command_docs_is_a_map(raw):
    _resp3(raw)
    raw.send(b"COMMAND DOCS get\r\n")
    rep = raw.read_reply()
    assert isinstance(rep, Map) and list(rep.keys()) == [b"get"]
    doc = rep[b"get"]
    assert isinstance(doc, Map)
    assert doc[b"group"] == b"string"
    assert doc[b"since"] == b"1.0.0"
    assert isinstance(doc[b"summary"], bytes) and doc[b"summary"]


def test_resp3_errors_are_simple_errors(raw):
    _resp3(raw)
    raw.send(b"INCR\r\n")
    v = raw.read_reply()
    assert isinstance(v, Err)
    raw.send(b"foo\r\n")
    assert raw.read_reply_raw() == \
        b"-ERR unknown command 'foo', with args beginning with: \r\n"
