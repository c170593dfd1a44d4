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

Fixtures
  server     the session's server (kilat, or redis-server with KILAT_TARGET=redis)
  r          redis-py client on it (database 0), FLUSHALL before each test
  client     "phpredis" or "predis": every test using it runs once with each
  php        php(script, *args, env={...}) -> parsed JSON output; fails the
             test with the script's output if it exits non-zero
  php_env    the environment dict php() uses (for Popen of workers)
"""

import importlib.util
import json
import os
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
Server = _harness.Server
_stop_and_assert = _harness._stop_and_assert
stop_all = _harness.stop_all  # for tests/integration/persist_helpers.py
pytest_report_header = _harness.pytest_report_header
pytest_sessionfinish = _harness.pytest_sessionfinish

APP = os.path.join(HERE, "app")
SCENARIOS = os.path.join(HERE, "scenarios")
PHP = shutil.which("php") or "/usr/bin/php"
CLIENTS = ("phpredis", "predis")


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
    yield c
    c.close()


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
