"""Real tools against the server: redis-cli (one-shot, -n, --scan, --pipe,
KEYS, stdin, interactive in a pty, -x, --no-raw, -3) and redis-benchmark."""

import os
import pty
import select
import shutil
import time

import pytest

from conftest import SLOW, ASAN

pytestmark = pytest.mark.skipif(shutil.which("redis-cli") is None,
                                reason="redis-cli (redis-tools) not installed")


def out(p):
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    return p.stdout


def test_cli_ping_set_get(cli, r):
    assert out(cli("ping")) == b"PONG\n"
    assert out(cli("set", "k", "hello world")) == b"OK\n"
    assert out(cli("get", "k")) == b"hello world\n"
    assert r.get("k") == b"hello world"
    assert out(cli("incr", "n")) == b"1\n"
    assert out(cli("get", "nokey")) == b"\n"


def test_cli_select_db(cli, r):
    assert out(cli("-n", "1", "set", "x", "y")) == b"OK\n"
    assert out(cli("-n", "1", "get", "x")) == b"y\n"
    assert out(cli("get", "x")) == b"\n"
    assert out(cli("-n", "1", "dbsize")) == b"1\n"
    assert out(cli("-n", "15", "dbsize")) == b"0\n"
    assert r.get("x") is None


def test_cli_select_db_out_of_range(cli):
    p = cli("-n", "16", "ping")
    assert b"DB index is out of range" in p.stdout + p.stderr


def test_cli_no_raw_formatting(cli, r):
    r.set("a", "1")
    assert out(cli("--no-raw", "get", "a")) == b'"1"\n'
    assert out(cli("--no-raw", "get", "nokey")) == b"(nil)\n"
    assert out(cli("--no-raw", "incr", "a")) == b"(integer) 2\n"
    assert out(cli("--no-raw", "mget", "a", "nokey")) == \
        b'1) "2"\n2) (nil)\n'
    assert out(cli("--no-raw", "foo")) == \
        b"(error) ERR unknown command 'foo', with args beginning with: \n"
    assert out(cli("--no-raw", "keys", "nomatch*")) == b"(empty array)\n"


def test_cli_resp3(cli, r):
    r.set("a", "1")
    assert out(cli("-3", "config", "get", "maxclients")) == \
        b"maxclients 10000\n"
    assert out(cli("-3", "--no-raw", "config", "get", "maxclients")) == \
        b'1# "maxclients" => "10000"\n'
    assert out(cli("-3", "--no-raw", "get", "nokey")) == b"(nil)\n"
    assert out(cli("-3", "get", "a")) == b"1\n"


def test_cli_keys_laravel(cli, r):
    r.mset({"laravel_cache:a": 1, "laravel_cache:b": 2, "other": 3,
            "xlaravely": 4, "laravel": 5, "Laravel": 6})
    got = sorted(out(cli("keys", "*laravel*")).split())
    assert got == [b"laravel", b"laravel_cache:a", b"laravel_cache:b",
                   b"xlaravely"]


def test_cli_scan(cli, r):
    names = ["laravel_cache:%d" % i for i in range(300)] + \
        ["session:%d" % i for i in range(300)]
    r.mset({k: "1" for k in names})
    got = out(cli("--scan", "--pattern", "*laravel*")).split()
    assert sorted(set(got)) == sorted(k.encode() for k in names
                                      if "laravel" in k)
    got = out(cli("--scan")).split()
    assert set(got) == {k.encode() for k in names}
    got = out(cli("-n", "3", "--scan")).split()
    assert got == []


def test_cli_stdin_commands(cli, r):
    script = ("set a 1\nget a\nincr a\nget nokey\nfoo bar\nselect 1\n"
              "get a\nset b 2\nmget a b\n")
    assert out(cli(input=script)) == (
        b"OK\n1\n2\n\nERR unknown command 'foo', with args beginning with: "
        b"'bar' \n\nOK\n\nOK\n\n2\n")
    assert r.execute_command("SELECT", 1) and r.get("b") == b"2"


def test_cli_stdin_quoted_args(cli, r):
    out(cli(input='set "my key" "a value with spaces"\n'))
    assert r.get("my key") == b"a value with spaces"
    out(cli(input="set k 'single \"quoted\"'\n"))
    assert r.get("k") == b'single "quoted"'


def test_cli_x_reads_last_arg_from_stdin(cli, r):
    assert out(cli("-x", "set", "xk", input=b"hello\x00world")) == b"OK\n"
    assert r.get("xk") == b"hello\x00world"


def test_cli_info(cli):
    text = out(cli("info", "server"))
    assert text.startswith(b"# Server\r\n")
    assert b"redis_version:" in text
    assert b"tcp_port:" in text


def test_cli_with_password(start_server):
    srv = start_server("--requirepass", "pw")
    p = srv.cli("set", "k", "v")           # uses REDISCLI_AUTH
    assert p.returncode == 0 and p.stdout == b"OK\n", p
    env_less = srv.cli_argv("get", "k")
    import subprocess
    q = subprocess.run(env_less, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30 * SLOW,
                       env={"PATH": os.environ.get("PATH", ""),
                            "REDISCLI_HISTFILE": "/dev/null"})
    assert b"NOAUTH Authentication required." in q.stdout + q.stderr
    q = subprocess.run(srv.cli_argv("-a", "pw", "--no-auth-warning", "get",
                                    "k"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30 * SLOW,
                       env={"PATH": os.environ.get("PATH", ""),
                            "REDISCLI_HISTFILE": "/dev/null"})
    assert q.stdout == b"v\n"


def test_cli_pipe_small(cli, r):
    data = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n"
                    % (len(k), k) for k in (b"k%d" % i for i in range(100)))
    data += b"INCR counter\r\nINCR counter\r\nfoo\r\n"
    p = cli("--pipe", input=data, timeout=60)
    assert p.returncode == 1          # some replies were errors
    text = p.stdout
    assert p.stderr == \
        b"ERR unknown command 'foo', with args beginning with: \n"
    assert b"All data transferred." in text
    assert b"errors: 1, replies: 103" in text
    assert r.dbsize() == 101
    assert r.get("counter") == b"2"


@pytest.mark.slow
def test_cli_pipe_million_sets(cli, r):
    n = 1000000
    parts = []
    for i in range(n):
        k = b"key:%d" % i
        v = b"value:%d" % i
        parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                     % (len(k), k, len(v), v))
    data = b"".join(parts)
    del parts
    t0 = time.time()
    text = out(cli("--pipe", input=data, timeout=600 if ASAN else 180))
    assert b"errors: 0, replies: %d" % n in text, text
    assert r.dbsize() == n
    assert r.get("key:0") == b"value:0"
    assert r.get("key:999999") == b"value:999999"
    assert r.get("key:543210") == b"value:543210"


# ---------------------------------------------------------- interactive

class Pty:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["REDISCLI_HISTFILE"] = "/dev/null"
            os.environ["TERM"] = "dumb"
            os.execvp(argv[0], argv)
        self.log = b""

    def read_until(self, token, timeout=10):
        buf = b""
        end = time.time() + timeout * SLOW
        while time.time() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    d = os.read(self.fd, 4096)
                except OSError:
                    break
                if not d:
                    break
                buf += d
                if token in buf:
                    break
        self.log += buf
        return buf

    def line(self, text, prompt):
        os.write(self.fd, text.encode() + b"\r")
        got = self.read_until(prompt)
        assert got.endswith(prompt), (text, got, self.log)
        # echo, then the reply, then the next prompt
        body = got[:-len(prompt)]
        assert body.startswith(text.encode()), body
        return body[len(text):].strip(b"\r\n")

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def test_cli_interactive(server, r):
    port = str(server.port)
    prompt = ("127.0.0.1:%s> " % port).encode()
    prompt2 = ("127.0.0.1:%s[2]> " % port).encode()
    t = Pty(["redis-cli", "-h", "127.0.0.1", "-p", port])
    try:
        first = t.read_until(prompt)
        assert first.endswith(prompt), first
        assert t.line("set a 1", prompt) == b"OK"
        assert t.line("get a", prompt) == b'"1"'
        assert t.line("get nokey", prompt) == b"(nil)"
        assert t.line("incr a", prompt) == b"(integer) 2"
        assert t.line("foo", prompt) == \
            b"(error) ERR unknown command 'foo', with args beginning with: "
        assert t.line("mget a nokey", prompt) == b'1) "2"\r\n2) (nil)'
        assert t.line("select 2", prompt2) == b"OK"
        assert t.line("dbsize", prompt2) == b"(integer) 0"
        assert t.line("select 0", prompt) == b"OK"
        os.write(t.fd, b"quit\r")
        t.read_until(b"\n")
    finally:
        t.close()
    assert r.get("a") == b"2"


# -------------------------------------------------------- redis-benchmark

@pytest.mark.skipif(shutil.which("redis-benchmark") is None,
                    reason="redis-benchmark not installed")
def test_redis_benchmark_string_tests(benchmark, r):
    p = benchmark("-t", "ping_inline,ping_mbulk,set,get,incr,mset",
                  "-n", "2000", "-q")
    text = p.stdout.decode(errors="replace") + p.stderr.decode(
        errors="replace")
    assert p.returncode == 0, text
    for name in ("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET"):
        assert ("%s" % name) in text, (name, text)
    assert "requests per second" in text
    assert "ERR" not in text and "rror" not in text, text
    assert "WARNING" not in text, text      # it could read the config
    assert r.get("key:__rand_int__") is not None
    assert int(r.get("counter:__rand_int__")) == 2000


@pytest.mark.skipif(shutil.which("redis-benchmark") is None,
                    reason="redis-benchmark not installed")
def test_redis_benchmark_pipelined_and_custom(benchmark, r):
    p = benchmark("-n", "5000", "-P", "16", "-c", "10", "-q", "-t", "set,get")
    assert p.returncode == 0, p.stderr
    assert b"SET:" in p.stdout and b"GET:" in p.stdout
    p = benchmark("-n", "2000", "-q", "SET", "lock:__rand_int__", "v", "EX",
                  "10", "NX")
    assert p.returncode == 0, p.stderr
    assert b"SET lock" in p.stdout or b"SET" in p.stdout
    assert r.ttl("lock:__rand_int__") > 0
