"""Laravel harness: the real framework (Debian's php-laravel-framework 8)
against kilat, once with each Redis client (phpredis, predis).

Each test runs PHP scenario scripts (scenarios/*.php) in separate `php`
processes, as an app would: the script boots tests/laravel/app with the
environment a `.env` would give (REDIS_HOST/REDIS_PORT/REDIS_CLIENT,
CACHE_DRIVER=redis, QUEUE_CONNECTION=redis, SESSION_DRIVER=redis, ...),
does its work through Laravel's own classes and prints one JSON document.
The assertions are here, in Python.

    KILAT_SERVER=$PWD/build/kilat-server /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel
    KILAT_TARGET=redis ...     # the same against redis-server (differential)
    KILAT_LARAVEL_ACL=1 ...    # ACL mode (either target), below

ACL mode (KILAT_LARAVEL_ACL=1): every server the tests start (the session's
and the tests' own) runs with `user default off`, the `user laravel ...`
line of docs/security.md's Laravel example (read from the doc itself, so
the rule tested is the rule documented) and an admin user (ADMIN_USER,
`~* &* +@all`). The app logs in as `laravel` (REDIS_USERNAME and
REDIS_PASSWORD in its config/database.php); every harness connection
(r, server.client(), server.raw(), server.cli(), start/stop) logs in as
the admin, never as `laravel`.

Fixtures
  server     the session's server (kilat, or redis-server with KILAT_TARGET=redis)
  r          redis-py client on it (database 0), FLUSHALL before each test
  client     "phpredis" or "predis": every test using it runs once with each
  php        php(script, *args, env={...}) -> parsed JSON output; fails the
             test with the script's output if it exits non-zero
  php_env    the environment dict php() uses (for Popen of workers)
"""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_integration_harness():
    """The integration suite's conftest (Server, ASan checks), by path: both
    files are named conftest.py."""
    path = os.path.join(os.path.dirname(HERE), "integration", "conftest.py")
    spec = importlib.util.spec_from_file_location("kilat_integration_harness", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


_harness = _load_integration_harness()
IS_REDIS = _harness.IS_REDIS
_stop_and_assert = _harness._stop_and_assert
stop_all = _harness.stop_all  # for tests/integration/persist_helpers.py
pytest_sessionfinish = _harness.pytest_sessionfinish

# ---------------------------------------------------------------- ACL mode
ACL = os.environ.get("KILAT_LARAVEL_ACL", "") not in ("", "0")
SECURITY_MD = os.path.join(_harness.REPO, "docs", "security.md")
ADMIN_USER = "admin"
ADMIN_PASS = "admin-test-secret"


def laravel_acl_line(path=SECURITY_MD):
    """The `user laravel ...` line of the example "a Laravel application"
    in docs/security.md, exactly as the doc shows it."""
    with open(path) as f:
        text = f.read()
    start = text.find("### Example: a Laravel application")
    assert start >= 0, "docs/security.md lost its Laravel example"
    m = re.search(r"^ +(user laravel .*)$", text[start:], re.M)
    assert m, "docs/security.md's Laravel example has no `user laravel` line"
    return m.group(1).strip()


LARAVEL_RULE = laravel_acl_line()
LARAVEL_USER = "laravel"
LARAVEL_PASS = next(t[1:] for t in LARAVEL_RULE.split() if t.startswith(">"))
LARAVEL_LOGIN = {"REDIS_USERNAME": LARAVEL_USER, "REDIS_PASSWORD": LARAVEL_PASS}
ACL_CONF = "user default off\n%s\nuser %s on >%s ~* &* +@all\n" % (
    LARAVEL_RULE, ADMIN_USER, ADMIN_PASS)


class Server(_harness.Server):
    """The integration harness's Server; in ACL mode (or with acl=True)
    started with ACL_CONF (before any conf of the test's own) and talked
    to as the admin."""

    def __init__(self, args=(), name="server", conf=None, acl=None):
        super().__init__(args, name=name, conf=conf)
        self.username = None
        if ACL if acl is None else acl:
            self.conf = ACL_CONF + (conf or "")
            self.username, self.password = ADMIN_USER, ADMIN_PASS

    def _answers_ping(self):
        if not self.username:
            return super()._answers_ping()
        try:
            with _harness.RawConn(self.host, self.port, 2 * _harness.SLOW) as c:
                return (c.cmd("AUTH", self.username, self.password) == b"OK"
                        and c.cmd("PING") == b"PONG")
        except (OSError, EOFError, _harness.ProtocolViolation):
            return False

    def client(self, db=0, password=None, **kw):
        if self.username and password is None:
            kw.setdefault("username", self.username)
        return super().client(db=db, password=password, **kw)

    def raw(self, timeout=None):
        c = super().raw(timeout)
        if self.username:
            reply = c.cmd("AUTH", self.username, self.password)
            assert reply == b"OK", "admin AUTH: %r" % (reply,)
        return c

    def stop(self, graceful=True):
        """ACL mode: a refusal left in ACL LOG (one no test took with
        acl_refusals) is a problem of the run, as a crash is."""
        if self.username and graceful and self.alive():
            try:
                c = self.client(socket_timeout=2 * _harness.SLOW)
                log = c.execute_command("ACL", "LOG")
                c.close()
            except Exception:
                log = []
            if log:
                self._problem("the app was refused by the ACL:\n%s"
                              % "\n".join(map(repr, log)))
        super().stop(graceful)

    def cli_argv(self, *args):
        argv = super().cli_argv(*args)
        if self.username:
            argv[1:1] = ["--user", self.username]
        return argv


APP = os.path.join(HERE, "app")
SCENARIOS = os.path.join(HERE, "scenarios")
PHP = shutil.which("php") or "/usr/bin/php"
CLIENTS = ("phpredis", "predis")


def pytest_report_header(config):
    lines = [_harness.pytest_report_header(config)]
    if ACL:
        lines.append("ACL mode: the app logs in as: " + LARAVEL_RULE)
    return lines


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(PHP):
        pytest.exit("php is not installed (apt-get install php-cli php-redis "
                    "php-predis php-mysql)", returncode=3)


@pytest.fixture(scope="session")
def server():
    srv = Server(name="laravel server").start()
    yield srv
    _stop_and_assert(srv)


@pytest.fixture
def r(server):
    c = server.client()
    c.flushall()
    if ACL:
        c.execute_command("ACL", "LOG", "RESET")
    yield c
    if ACL:
        log = c.execute_command("ACL", "LOG")
        assert log == [], "the app was refused by the ACL (tests that " \
            "expect it take them with acl_refusals(r)):\n%s" % "\n".join(map(repr, log))
    c.close()


def acl_refusals(r):
    """ACL LOG as (reason, object, username) tuples, oldest first, then
    ACL LOG RESET: the refusals a test expected, taken out of the log the
    r fixture checks (ACL mode) to be empty at the end of every test."""
    log = r.execute_command("ACL", "LOG", 1000)
    r.execute_command("ACL", "LOG", "RESET")
    out = []
    for e in reversed(log):
        d = dict(zip(e[0::2], e[1::2])) if isinstance(e, list) else e
        d = {(k.decode() if isinstance(k, bytes) else k): v for k, v in d.items()}
        out.append(tuple(d[k].decode() if isinstance(d[k], bytes) else d[k]
                         for k in ("reason", "object", "username")))
    return out


@contextlib.contextmanager
def acl_granted(r, *rules):
    """ACL mode: the laravel user with rules added (a variant the doc names,
    e.g. +flushdb) for the with block, then exactly LARAVEL_RULE again.
    Without ACL mode it does nothing."""
    if not ACL:
        yield
        return
    r.execute_command("ACL", "SETUSER", LARAVEL_USER, *rules)
    try:
        yield
    finally:
        r.execute_command("ACL", "SETUSER", LARAVEL_USER, "reset",
                          *LARAVEL_RULE.split()[2:])


@pytest.fixture(params=CLIENTS)
def client(request):
    return request.param


@pytest.fixture(scope="session")
def storage():
    d = tempfile.mkdtemp(prefix="kilat-laravel-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def php_env(server, client, storage):
    env = dict(os.environ)
    env.update({
        "APP_NAME": "Laravel",
        "APP_ENV": "testing",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(server.port),
        "REDIS_CLIENT": client,
        "CACHE_DRIVER": "redis",
        "QUEUE_CONNECTION": "redis",
        "SESSION_DRIVER": "redis",
        "BROADCAST_DRIVER": "redis",
        "LOG_CHANNEL": "stderr",
        "LARAVEL_STORAGE": os.path.join(storage, client),
        "LARAVEL_APP": APP,
    })
    if ACL:
        env.update(LARAVEL_LOGIN)
    return env


def run_php(env, script, *args, timeout=120):
    path = script if os.path.isabs(script) else os.path.join(SCENARIOS, script)
    p = subprocess.run([PHP, path] + [str(a) for a in args], env=env,
                       capture_output=True, timeout=timeout)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        pytest.fail("%s %s exited %d\nstdout:\n%s\nstderr:\n%s" % (
            script, " ".join(map(str, args)), p.returncode, out[-4000:],
            p.stderr.decode(errors="replace")[-4000:]), pytrace=False)
    try:
        return json.loads(out)
    except ValueError:
        pytest.fail("%s printed no JSON:\n%s\nstderr:\n%s" % (
            script, out[-4000:], p.stderr.decode(errors="replace")[-4000:]),
            pytrace=False)


@pytest.fixture
def php(php_env):
    def call(script, *args, env=None, timeout=120):
        e = dict(php_env)
        e.update(env or {})
        return run_php(e, script, *args, timeout=timeout)
    return call
