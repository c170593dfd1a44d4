"""Integration harness for kilat-server.

Runs the same tests against kilat (KILAT_SERVER=/abs/path/kilat-server) or
against Debian's redis-server (KILAT_TARGET=redis, the differential mode that
proves every expectation on the reference).

Fixtures
  server        session-scoped default server (Server object)
  r             redis.Redis client on `server`, decode_responses=False,
                FLUSHALL + SELECT 0 before each test
  start_server  factory: start_server("--requirepass", "pw") -> Server,
                stopped (and checked) at the end of the test
  raw           RawConn on `server`: raw.send(b"..."), raw.read_reply(),
                raw.read_reply_raw(), raw.read_exact_bytes(n), raw.is_closed()
  connect       factory for more RawConns: connect(), connect(other_server)
  cli           run redis-cli against `server`: cli("-n", "1", "get", "k")
  benchmark     run redis-benchmark against `server`

Markers
  kilat_only / redis_only    skipped on the other side (use sparingly)

Under KILAT_ASAN=1, timeouts are longer, and a server that exits non-zero or
prints "ERROR: AddressSanitizer" / "runtime error:" fails the session.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

TARGET = os.environ.get("KILAT_TARGET", "kilat").strip().lower() or "kilat"
IS_REDIS = TARGET == "redis"
IS_KILAT = not IS_REDIS
ASAN = os.environ.get("KILAT_ASAN", "") not in ("", "0")

# Timeouts scale up under ASan (slower binary, and the machine has 2 cores).
SLOW = 4.0 if ASAN else 1.0
START_TIMEOUT = 15.0 * SLOW
STOP_TIMEOUT = 15.0 * SLOW
SOCK_TIMEOUT = 10.0 * SLOW

SANITIZER_MARKERS = (b"ERROR: AddressSanitizer", b"runtime error:",
                     b"ERROR: LeakSanitizer")


def server_binary():
    if IS_REDIS:
        path = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
        if not path:
            pytest.exit("KILAT_TARGET=redis but redis-server is not installed",
                        returncode=3)
        return path
    path = os.environ.get("KILAT_SERVER")
    if not path:
        path = os.path.join(REPO, "build", "kilat-server")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.exit("kilat-server binary not found: %s (set KILAT_SERVER or "
                    "KILAT_TARGET=redis)" % path, returncode=3)
    return os.path.abspath(path)


def free_port():
    """A TCP port free on 127.0.0.1 right now (best effort)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


# Problems found when servers stop (crash, sanitizer report). Collected
# for the whole session; pytest_sessionfinish fails the run if non-empty.
SERVER_PROBLEMS = []


def server_env():
    """The environment a server under test runs in. Under ASan: leaks are
    reported (exit code 23), and LeakSanitizer also follows pointers kept
    at unaligned addresses (use_unaligned): kilat's packed keyspace entries
    hold a long string's pointer right after the key bytes, so a server
    that exits without freeing its data (SIGTERM while loading, as Redis
    does) would otherwise show every such string as leaked."""
    env = dict(os.environ)
    if ASAN:
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1:exitcode=23")
        env.setdefault("LSAN_OPTIONS", "use_unaligned=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    return env


class ServerError(Exception):
    pass


def _descends_from(pid, ancestor):
    """Whether process pid is ancestor or runs under it (a server started
    through a wrapper such as strace reports its own pid, the wrapper's
    child)."""
    for _ in range(8):
        if pid == ancestor:
            return True
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])  # ppid, after "(comm)"
        if pid <= 1:
            return False
    return False


class Server:
    """One server process on 127.0.0.1:<port>, in its own temp dir."""

    def __init__(self, args=(), name="server", conf=None):
        self.binary = server_binary()
        self.extra = [str(a) for a in args]
        self.conf = conf
        self.name = name
        self.host = "127.0.0.1"
        self.port = None
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="kilat-it-")
        self.out_path = os.path.join(self.dir, "server.out")
        self.exit_code = None
        self.checked = False
        self.password = None
        # --requirepass value, so the harness itself can talk to it.
        for i, a in enumerate(self.extra):
            if a == "--requirepass" and i + 1 < len(self.extra):
                self.password = self.extra[i + 1] or None

    # ----------------------------------------------------------- lifecycle
    def start(self):
        last = None
        for _ in range(5):
            self.port = free_port()
            try:
                self._spawn()
                return self
            except ServerError as e:
                last = e
                out = self.output()
                if b"Address already in use" in out or b"bind" in out.lower():
                    continue
                raise
        raise last

    def _argv(self):
        argv = [self.binary]
        if self.conf is not None:
            path = os.path.join(self.dir, "test.conf")
            with open(path, "w") as f:
                f.write(self.conf)
            argv.append(path)
        argv += ["--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", self.dir]
        if IS_REDIS:
            argv += ["--daemonize", "no"]
        argv += self.extra
        return argv

    def _spawn(self):
        """Starts the process (server_env()) and waits for its PING."""
        self.exit_code = None
        self.checked = False
        out = open(self.out_path, "ab")
        self.proc = subprocess.Popen(self._argv(), stdout=out,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     cwd=self.dir, env=server_env())
        out.close()
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise ServerError("%s exited during startup (code %s):\n%s" % (
                    self.name, self.exit_code,
                    self.output().decode(errors="replace")[-3000:]))
            if self._answers_ping() and self._is_ours():
                return
            time.sleep(0.02)
        self.kill()
        raise ServerError("%s did not answer PING within %.0fs:\n%s" % (
            self.name, START_TIMEOUT,
            self.output().decode(errors="replace")[-3000:]))

    def _answers_ping(self):
        try:
            s = socket.create_connection((self.host, self.port), timeout=1)
        except OSError:
            return False
        try:
            s.settimeout(2 * SLOW)
            if self.password:
                pw = self.password.encode()
                s.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(pw), pw))
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            data = b""
            while b"PONG\r\n" not in data and not data.startswith(b"-"):
                chunk = s.recv(4096)
                if not chunk:
                    return False
                data += chunk
            return b"+PONG\r\n" in data
        except OSError:
            return False
        finally:
            s.close()

    def _is_ours(self):
        """Whether the server answering on our port is the process we
        started: free_port() is best effort, and while a slow (ASan, loaded)
        server starts, another suite may take the port; ours then exits
        with a bind error and start() tries another port."""
        try:
            c = RawConn(self.host, self.port, timeout=2 * SLOW)
            try:
                if self.password:
                    # a subclass may log in as an ACL user (tests/laravel)
                    user = getattr(self, "username", None)
                    c.cmd("AUTH", *([user] if user else []), self.password)
                info = c.cmd("INFO", "server")
            finally:
                c.close()
        except (OSError, EOFError):
            return False
        except Exception:   # a reply we cannot parse: cannot tell
            return True
        if not isinstance(info, bytes):
            return True     # INFO refused (ACL...): cannot tell
        for line in info.split(b"\r\n"):
            if line.startswith(b"process_id:"):
                return _descends_from(int(line[11:]), self.proc.pid)
        return True

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def output(self):
        try:
            with open(self.out_path, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def stop(self, graceful=True):
        """SHUTDOWN NOSAVE (or SIGTERM), wait, then check exit and output."""
        if self.proc is None:
            return
        if self.proc.poll() is None and graceful:
            refused = False
            try:
                c = self.client(socket_timeout=2 * SLOW)
                try:
                    c.execute_command("SHUTDOWN", "NOSAVE")
                except (redis.AuthenticationError, redis.ResponseError):
                    # NOAUTH/NOPERM: the test changed the password or the
                    # user; the server will not go by itself: SIGTERM now
                    refused = True
                except (redis.ConnectionError, redis.TimeoutError) as e:
                    # the connection drops when SHUTDOWN works; but a
                    # server at maxclients turned us away: SIGTERM now
                    refused = "max number of clients" in str(e)
                finally:
                    c.close()
            except Exception:
                pass
            if not refused:
                try:
                    self.proc.wait(timeout=STOP_TIMEOUT / 2)
                except subprocess.TimeoutExpired:
                    pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._problem("did not exit within %.0fs of SIGTERM"
                              % STOP_TIMEOUT)
        self.exit_code = self.proc.returncode
        self.check()

    def wait_exit(self, timeout=None):
        """Wait for the process to exit on its own (after SHUTDOWN)."""
        self.proc.wait(timeout=timeout or STOP_TIMEOUT)
        self.exit_code = self.proc.returncode
        return self.exit_code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.checked = True

    def check(self):
        """Record a problem if the server crashed or a sanitizer spoke."""
        if self.checked or self.proc is None:
            return
        self.checked = True
        code = self.proc.poll()
        out = self.output()
        if code is None:
            return
        if code != 0:
            self._problem("exited with code %s" % code)
        for m in SANITIZER_MARKERS:
            if m in out:
                self._problem("output contains %r" % m.decode())
                break

    def _problem(self, what):
        msg = "%s (port %s, %s): %s\n--- output tail ---\n%s" % (
            self.name, self.port, " ".join(self.extra) or "default args",
            what, self.output().decode(errors="replace")[-4000:])
        SERVER_PROBLEMS.append(msg)
        self.problem = msg

    # ------------------------------------------------------------- clients
    def client(self, db=0, password=None, **kw):
        kw.setdefault("socket_timeout", SOCK_TIMEOUT)
        kw.setdefault("decode_responses", False)
        if password is None:
            password = self.password
        return redis.Redis(host=self.host, port=self.port, db=db,
                           password=password, **kw)

    def raw(self, timeout=None):
        return RawConn(self.host, self.port, timeout or SOCK_TIMEOUT)

    def cli_argv(self, *args):
        return ["redis-cli", "-h", self.host, "-p", str(self.port)] + \
            [str(a) for a in args]

    def cli(self, *args, input=None, timeout=60, check=False):
        """Run redis-cli; returns CompletedProcess with bytes stdout/stderr."""
        env = dict(os.environ)
        env.pop("REDISCLI_AUTH", None)
        env["REDISCLI_HISTFILE"] = "/dev/null"
        if self.password:
            env["REDISCLI_AUTH"] = self.password
        if isinstance(input, str):
            input = input.encode()
        return subprocess.run(self.cli_argv(*args), input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout * SLOW, env=env, check=check)

    def benchmark(self, *args, timeout=120):
        argv = ["redis-benchmark", "-h", self.host, "-p", str(self.port)]
        if self.password:
            argv += ["-a", self.password]
        argv += [str(a) for a in args]
        return subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout * SLOW,
                              stdin=subprocess.DEVNULL)

    def __repr__(self):
        return "<Server %s port=%s>" % (self.name, self.port)


# ---------------------------------------------------------------- raw RESP
class Simple(bytes):
    """RESP +simple string."""
    kind = "simple"

    def __repr__(self):
        return "Simple(%s)" % bytes.__repr__(self)


class Err(bytes):
    """RESP -error (also RESP3 !blob error)."""
    kind = "error"

    def __repr__(self):
        return "Err(%s)" % bytes.__repr__(self)


class Double(float):
    """RESP3 ,double; .raw keeps the exact text."""
    kind = "double"
    raw = b""


class BigNum(int):
    kind = "bignum"


class Verbatim(bytes):
    """RESP3 =verbatim string; .format is the 3-letter format."""
    kind = "verbatim"
    format = b""


class Map(dict):
    """RESP3 %map (key order preserved; list keys become tuples)."""
    kind = "map"


class Set(list):
    """RESP3 ~set (order as sent)."""
    kind = "set"


class Push(list):
    """RESP3 >push."""
    kind = "push"


class _Null:
    """RESP3 _ null. RESP2 null bulk / null array are returned as None."""
    kind = "null"

    def __repr__(self):
        return "Null"

    def __bool__(self):
        return False


Null = _Null()


class ProtocolViolation(Exception):
    pass


def _hashable(x):
    if isinstance(x, list):
        return tuple(_hashable(i) for i in x)
    if isinstance(x, dict):
        return tuple((k, _hashable(v)) for k, v in x.items())
    return x


class RawConn:
    """A raw TCP connection: send bytes, read exact RESP2/RESP3 frames."""

    def __init__(self, host, port, timeout=SOCK_TIMEOUT):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = bytearray()
        self.eof = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # --- sending
    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, int):
                a = str(a).encode()
            elif isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def send_command(self, *args):
        self.send(self.encode(*args))

    def cmd(self, *args):
        """Send one multibulk command and read its parsed reply."""
        self.send_command(*args)
        return self.read_reply()

    def cmd_raw(self, *args):
        """Send one multibulk command and return its reply frame, verbatim."""
        self.send_command(*args)
        return self.read_reply_raw()

    # --- receiving
    def _fill(self, timeout=None):
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        try:
            chunk = self.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            raise EOFError("connection closed by server (buffered: %r)"
                           % bytes(self.buf[:200]))
        self.buf += chunk

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return bytes(self.buf[pos:i]), i + 2
            self._fill()

    def _need(self, end):
        while len(self.buf) < end:
            self._fill()

    def _parse(self, pos):
        self._need(pos + 1)
        t = self.buf[pos:pos + 1]
        line, pos = self._line(pos + 1)
        if t == b"+":
            return Simple(line), pos
        if t == b"-":
            return Err(line), pos
        if t == b":":
            return int(line), pos
        if t in (b"$", b"!", b"="):
            n = int(line)
            if n == -1 and t == b"$":
                return None, pos
            if n < 0:
                raise ProtocolViolation("bad length %r" % line)
            self._need(pos + n + 2)
            data = bytes(self.buf[pos:pos + n])
            if self.buf[pos + n:pos + n + 2] != b"\r\n":
                raise ProtocolViolation("bulk not terminated by CRLF")
            pos += n + 2
            if t == b"!":
                return Err(data), pos
            if t == b"=":
                v = Verbatim(data[4:])
                v.format = data[:3]
                return v, pos
            return data, pos
        if t in (b"*", b"~", b">"):
            n = int(line)
            if n == -1 and t == b"*":
                return None, pos
            items = []
            for _ in range(n):
                v, pos = self._parse(pos)
                items.append(v)
            if t == b"~":
                return Set(items), pos
            if t == b">":
                return Push(items), pos
            return items, pos
        if t in (b"%", b"|"):
            n = int(line)
            m = Map()
            for _ in range(n):
                k, pos = self._parse(pos)
                v, pos = self._parse(pos)
                m[_hashable(k)] = v
            if t == b"|":
                # attribute: return the reply that follows it
                return self._parse(pos)
            return m, pos
        if t == b",":
            d = Double(float(line))
            d.raw = line
            return d, pos
        if t == b"#":
            if line == b"t":
                return True, pos
            if line == b"f":
                return False, pos
            raise ProtocolViolation("bad boolean %r" % line)
        if t == b"_":
            if line != b"":
                raise ProtocolViolation("bad null %r" % line)
            return Null, pos
        if t == b"(":
            return BigNum(int(line)), pos
        raise ProtocolViolation("unknown reply type %r in %r" %
                                (t, bytes(self.buf[:200])))

    def read_reply_raw(self):
        """Exact bytes of the next complete reply frame."""
        _, end = self._parse(0)
        frame = bytes(self.buf[:end])
        del self.buf[:end]
        return frame

    def read_reply(self):
        """Next reply, parsed (see the Simple/Err/Map/... types)."""
        v, end = self._parse(0)
        del self.buf[:end]
        return v

    def read_exact_bytes(self, n):
        self._need(n)
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read_available(self, wait=0.2):
        """Whatever arrives within `wait` seconds (no parsing)."""
        end = time.time() + wait
        while time.time() < end:
            try:
                self._fill(timeout=max(0.01, end - time.time()))
            except (socket.timeout, EOFError):
                break
        data = bytes(self.buf)
        self.buf = bytearray()
        return data

    def is_closed(self, timeout=2.0):
        """True if the server closes the connection within `timeout`.
        Data that arrives meanwhile is kept in the buffer."""
        if self.eof:
            return True
        end = time.time() + timeout * SLOW
        while time.time() < end:
            try:
                self._fill(timeout=max(0.01, end - time.time()))
            except EOFError:
                return True
            except socket.timeout:
                return False
            except OSError:
                return True
        return False


# ---------------------------------------------------------------- pytest
def pytest_configure(config):
    config.addinivalue_line("markers",
                            "kilat_only: run only against kilat-server")
    config.addinivalue_line("markers",
                            "redis_only: run only against redis-server")
    config.addinivalue_line("markers", "slow: takes more than a second")


def _file_weights():
    """durations.txt: test file name -> seconds it takes on this build
    (the second column is the release build's, the third the ASan's)."""
    w = {}
    with open(os.path.join(os.path.dirname(__file__), "durations.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, *secs = line.split()
                w[name] = float(secs[1] if ASAN and len(secs) > 1 else secs[0])
    return w


def _shard_of_files(files, n):
    """File -> shard, for KILAT_SHARD: greedy by the time each file takes
    (durations.txt; 1 s if not listed), the longest first to the lightest
    shard."""
    w = _file_weights()
    weight = {f: w.get(os.path.splitext(os.path.basename(f))[0], 1.0) for f in files}
    load, owner = [0.0] * n, {}
    for f in sorted(files, key=lambda f: (-weight[f], f)):
        k = min(range(n), key=lambda j: (load[j], j))
        owner[f] = k
        load[k] += weight[f]
    return owner


def pytest_collection_modifyitems(config, items):
    # KILAT_SHARD=i/n: only the i-th (0-based) of n groups of test files,
    # so that `make test` can run the suite as n processes side by side
    # (its tests mostly wait on servers). Whole files: module fixtures
    # and any order within a file are kept.
    shard = os.environ.get("KILAT_SHARD")
    if shard:
        i, n = (int(x) for x in shard.split("/"))
        owner = _shard_of_files({str(it.fspath) for it in items}, n)
        keep = [it for it in items if owner[str(it.fspath)] == i]
        config.hook.pytest_deselected(items=[it for it in items if owner[str(it.fspath)] != i])
        items[:] = keep
    for item in items:
        if IS_REDIS and item.get_closest_marker("kilat_only"):
            item.add_marker(pytest.mark.skip(reason="kilat only"))
        if IS_KILAT and item.get_closest_marker("redis_only"):
            item.add_marker(pytest.mark.skip(reason="redis only"))


def pytest_report_header(config):
    return "kilat integration: target=%s binary=%s asan=%s" % (
        TARGET, server_binary(), ASAN)


def pytest_sessionfinish(session, exitstatus):
    if SERVER_PROBLEMS:
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        for p in SERVER_PROBLEMS:
            if tr is not None:
                tr.write_line("SERVER PROBLEM: " + p, red=True)
            else:
                print("SERVER PROBLEM: " + p)
        session.exitstatus = 1


def _stop_and_assert(srv):
    srv.stop()
    problem = getattr(srv, "problem", None)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def server():
    srv = Server(name="session server").start()
    yield srv
    _stop_and_assert(srv)


@pytest.fixture
def r(server):
    if not server.alive():
        pytest.fail("the session server is not running (crashed?):\n%s" %
                    server.output().decode(errors="replace")[-3000:])
    c = server.client()
    c.flushall()
    yield c
    c.close()


def stop_all(servers):
    """Stops every server, then fails the test with the problems they had
    (crash, sanitizer report, unclean exit), if any."""
    problems = []
    for srv in servers:
        srv.stop()
        if getattr(srv, "problem", None):
            problems.append(srv.problem)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def start_server():
    started = []

    def factory(*args, name=None, conf=None):
        srv = Server(args, conf=conf, name=name or "server %s" % " ".join(
            str(a) for a in args)).start()
        started.append(srv)
        return srv

    yield factory
    stop_all(started)


@pytest.fixture
def connect(server):
    """Factory for more raw connections: connect(), connect(other_srv)."""
    conns = []

    def factory(srv=None, timeout=None):
        c = (srv or server).raw(timeout)
        conns.append(c)
        return c

    yield factory
    for c in conns:
        c.close()


@pytest.fixture
def raw(r, connect):
    """A RawConn on the session server (after the per-test FLUSHALL)."""
    return connect()


@pytest.fixture
def cli(server):
    return server.cli


@pytest.fixture
def benchmark(server):
    return server.benchmark


def run_server_expect_exit(args, conf=None, timeout=None):
    """Run the server binary with `args` (no harness defaults) where it is
    expected to exit by itself (bad config). Returns (exit code, output).
    If `conf` is given it is written to a file passed as first argument."""
    d = tempfile.mkdtemp(prefix="kilat-it-")
    argv = [server_binary()]
    if conf is not None:
        path = os.path.join(d, "test.conf")
        with open(path, "w") as f:
            f.write(conf)
        argv.append(path)
    argv += [str(a) for a in args]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           cwd=d, timeout=timeout or START_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("server did not exit: %r" % argv)
    out = p.stdout
    if p.returncode < 0:
        # killed by a signal: a crash is not a clean refusal
        SERVER_PROBLEMS.append("%r exited with %s:\n%s" % (
            argv, p.returncode, out.decode(errors="replace")[-3000:]))
    for m in SANITIZER_MARKERS:
        if m in out:
            SERVER_PROBLEMS.append("%r printed %r:\n%s" % (
                argv, m, out.decode(errors="replace")[-3000:]))
    return p.returncode, out


def file_fault(c, *args):
    """DEBUG FILE-FAULT (kilat's test builds: os/file.h's fault hook); skips
    the test on a release build, which has no hook."""
    try:
        return c.execute_command("DEBUG", "FILE-FAULT", *args)
    except redis.ResponseError as e:
        if "only in test builds" in str(e):
            pytest.skip("release build: no file fault hook (runs in make test-asan)")
        raise


def counted_stats(conn):
    """What a server counted, in a form two servers can be compared by
    after the same commands (from a CONFIG RESETSTAT on): keyspace hits and
    misses, error replies, each command's calls / rejected / failed counts
    (not times) and the error codes of INFO errorstats. conn: a RawConn."""
    info = conn.cmd("INFO", "stats") + conn.cmd("INFO", "commandstats") + \
        conn.cmd("INFO", "errorstats")
    return (re.findall(rb"(?:keyspace_hits|keyspace_misses|total_error_replies):\d+", info),
            sorted(re.findall(rb"(cmdstat_[^:]+):calls=(\d+),.*"
                              rb"rejected_calls=(\d+),failed_calls=(\d+)", info)),
            sorted(re.findall(rb"errorstat_[^\r]+", info)))


def reference_redis(*extra, prefix="kilat-ref-"):
    """Generator for a module fixture: a redis-server 7.0 of the test's own
    beside the server under test (no persistence, `extra` arguments), as a
    byte-for-byte reference; yields its port, then stops it."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is needed as the reference (apt-get install redis-server)")
    tmp = tempfile.mkdtemp(prefix=prefix)
    deadline = time.time() + 15 * SLOW
    proc = None
    while proc is None:
        port = free_port()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", tmp] + list(extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            if proc.poll() is not None:     # the port was taken meanwhile
                proc = None
                break
            try:    # answering, and it is ours (not another suite's server)
                c = RawConn("127.0.0.1", port, timeout=2 * SLOW)
                try:
                    pid = re.search(rb"process_id:(\d+)", c.cmd("INFO", "server"))
                finally:
                    c.close()
                if pid and int(pid.group(1)) == proc.pid:
                    break
            except (OSError, EOFError):
                pass
            if time.time() > deadline:
                proc.kill()
                pytest.fail("reference redis-server did not start")
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(tmp, ignore_errors=True)


def wait_for(pred, timeout=5.0, interval=0.05):
    """Poll pred() until truthy or timeout; returns the last value."""
    end = time.time() + timeout * SLOW
    v = pred()
    while not v and time.time() < end:
        time.sleep(interval)
        v = pred()
    return v


def blocked(r):
    return r.info("clients")["blocked_clients"]


def wait_blocked(r, n, timeout=5.0):
    """Waits until exactly n clients are blocked (orders the waiters)."""
    end = time.time() + timeout * SLOW
    while time.time() < end:
        if blocked(r) == n:
            return
        time.sleep(0.005)
    raise AssertionError("blocked_clients stayed %d, expected %d" % (blocked(r), n))


def block(r, conn, *cmd):
    """conn sends a command that must block (blocked count + 1): a blocking
    command, or any command held by CLIENT PAUSE."""
    n = blocked(r)
    conn.send_command(*cmd)
    wait_blocked(r, n + 1)


# -------------------------------------------------- exact-reply shorthands
OK = b"+OK\r\n"
NIL = b"$-1\r\n"
NIL_ARRAY = b"*-1\r\n"
EMPTY_ARRAY = b"*0\r\n"
SYNTAX = b"-ERR syntax error\r\n"
NOT_INT = b"-ERR value is not an integer or out of range\r\n"
NOT_FLOAT = b"-ERR value is not a valid float\r\n"
OVERFLOW = b"-ERR increment or decrement would overflow\r\n"
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
EMPTY_SCAN = b"*2\r\n$1\r\n0\r\n*0\r\n"


def bulk(v):
    if isinstance(v, str):
        v = v.encode()
    return b"$%d\r\n%s\r\n" % (len(v), v)


def integer(n):
    return b":%d\r\n" % n


def err(msg):
    if isinstance(msg, str):
        msg = msg.encode()
    return b"-" + msg + b"\r\n"


def array(*items):
    """A RESP2 array of already-encoded frames (bytes) or plain values
    (str/bytes -> bulk, int -> integer, None -> null bulk)."""
    out = [b"*%d\r\n" % len(items)]
    for it in items:
        if it is None:
            out.append(NIL)
        elif isinstance(it, int):
            out.append(integer(it))
        elif isinstance(it, str):
            out.append(bulk(it))
        else:
            out.append(it)
    return b"".join(out)


def invalid_expire(cmd):
    return b"-ERR invalid expire time in '%s' command\r\n" % cmd.encode()


def run(raw, steps):
    """steps: list of (command, exact reply). A command string is split on
    single spaces (so "blpop a " sends an empty argument), or is a list."""
    for cmd, exp in steps:
        args = cmd.split(" ") if isinstance(cmd, str) else cmd
        got = raw.cmd_raw(*args)
        assert got == exp, "%r: got %r, expected %r" % (cmd, got, exp)


def encoding(raw, key):
    """OBJECT ENCODING of key, parsed."""
    return raw.cmd("OBJECT", "ENCODING", key)


def wrong_args(cmd):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % \
        cmd.encode()


def send_all(s, data, timeout=10):
    """Sends data on a raw socket even when the server stops reading for a
    while; stops early when the server closes it. Returns the bytes sent."""
    s.setblocking(False)
    sent = 0
    deadline = time.time() + timeout * SLOW
    while sent < len(data) and time.time() < deadline:
        try:
            sent += s.send(data[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break  # closed by the server
    s.setblocking(True)
    return sent


def closed_by_server(s, timeout=10):
    """True once the server has closed s (reading and dropping its data)."""
    s.settimeout(0.2)
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        try:
            if not s.recv(1 << 20):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False
