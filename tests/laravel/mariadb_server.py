"""A throwaway MariaDB server for Laravel tests that need a real database.

MariaDB(...).start() initialises a data directory of its own in a temp
dir (mariadb-install-db), runs mariadbd on a free 127.0.0.1 port and a
private socket, waits until it answers, and creates one database and one
password user for the app (DB_DATABASE / DB_USERNAME / DB_PASSWORD).
stop() ends that mariadbd (by its pid) and removes the directory.

The `mariadb` fixture is session-scoped and starts the server only when a
test asks for it; a test module imports it:

    from mariadb_server import mariadb  # noqa: F401  (fixture)

Works as root (CI on a fresh Debian 12 runs as root, and mariadbd refuses
to run as root unless told --user=root) and as an ordinary user.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

MARIADBD = shutil.which("mariadbd") or shutil.which("mysqld") or "/usr/sbin/mariadbd"
INSTALL_DB = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
CLIENT = shutil.which("mariadb") or shutil.which("mysql")
PACKAGES = "mariadb-server mariadb-client php-mysql"


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


class MariaDBError(Exception):
    pass


class MariaDB:
    database = "laravel"
    user = "laravel"
    password = "kilat-secret"

    def __init__(self):
        self.dir = None
        self.port = None
        self.proc = None

    @property
    def socket(self):
        return os.path.join(self.dir, "mysqld.sock")

    @property
    def log(self):
        return os.path.join(self.dir, "error.log")

    def _as_root(self):
        # mariadbd (and the bootstrap run of it) exits with "Please consult
        # the Knowledge Base to find out how to run mysqld as root!" unless
        # --user=root is given when uid is 0.
        return ["--user=root"] if os.geteuid() == 0 else []

    def start(self, timeout=60):
        self.dir = tempfile.mkdtemp(prefix="kilat-mariadb-")
        data = os.path.join(self.dir, "data")
        p = subprocess.run(
            [INSTALL_DB, "--no-defaults", "--datadir=" + data,
             "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve"] + self._as_root(),
            capture_output=True, timeout=timeout)
        if p.returncode != 0:
            raise MariaDBError("mariadb-install-db exited %d:\n%s\n%s" % (
                p.returncode, p.stdout.decode(errors="replace")[-3000:],
                p.stderr.decode(errors="replace")[-3000:]))
        self.port = _free_port()
        # Options chosen for a fast start and fast small writes: no binary
        # log, no performance schema, a small buffer pool, and a redo log
        # flushed once a second instead of at each commit (the data is
        # thrown away at the end; durability is not under test here).
        argv = [MARIADBD, "--no-defaults", "--datadir=" + data,
                "--port=%d" % self.port, "--bind-address=127.0.0.1",
                "--socket=" + self.socket,
                "--pid-file=" + os.path.join(self.dir, "mysqld.pid"),
                "--log-error=" + self.log, "--skip-name-resolve",
                "--skip-log-bin", "--performance-schema=OFF",
                "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
                "--innodb-flush-log-at-trx-commit=2",
                "--max-connections=200"] + self._as_root()
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise MariaDBError("mariadbd exited %d at start:\n%s" % (
                    self.proc.returncode, self._log_tail()))
            if self._root_sql("SELECT 1", check=False).returncode == 0:
                break
            if time.monotonic() > deadline:
                self.stop()
                raise MariaDBError("mariadbd did not answer within %ds:\n%s"
                                   % (timeout, self._log_tail()))
            time.sleep(0.05)
        # The app's user connects over TCP with a password, as a .env would.
        self.sql("CREATE DATABASE %s CHARACTER SET utf8mb4 "
                 "COLLATE utf8mb4_unicode_ci;"
                 "CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s';"
                 "GRANT ALL ON %s.* TO '%s'@'127.0.0.1';" % (
                     self.database, self.user, self.password,
                     self.database, self.user), database=None)
        return self

    def _log_tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return "(no error log)"

    def _root_sql(self, sql, database=None, check=True):
        argv = [CLIENT, "--no-defaults", "-uroot", "-S", self.socket,
                "-N", "-B", "-e", sql]
        if database:
            argv.append(database)
        p = subprocess.run(argv, capture_output=True, timeout=60)
        if check and p.returncode != 0:
            raise MariaDBError("%s failed (%d): %s" % (
                sql, p.returncode, p.stderr.decode(errors="replace")))
        return p

    def sql(self, sql, database="laravel"):
        """Runs sql as root through the socket; returns the rows as lists
        of strings (tab-separated batch output, no header)."""
        out = self._root_sql(sql, database=database).stdout.decode()
        return [line.split("\t") for line in out.splitlines()]

    def scalar(self, sql):
        rows = self.sql(sql)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]

    def env(self):
        """The DB_* variables a Laravel .env would carry for this server."""
        return {
            "DB_CONNECTION": "mysql",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.port),
            "DB_DATABASE": self.database,
            "DB_USERNAME": self.user,
            "DB_PASSWORD": self.password,
        }

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()          # mariadbd shuts down on SIGTERM
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


@pytest.fixture(scope="session")
def mariadb():
    missing = [name for name, path in (("mariadbd", MARIADBD),
                                       ("mariadb-install-db", INSTALL_DB),
                                       ("mariadb", CLIENT))
               if not path or not os.path.exists(path)]
    if missing:
        pytest.fail("%s not found: apt-get install %s" % (
            ", ".join(missing), PACKAGES), pytrace=False)
    db = MariaDB()
    try:
        db.start()
    except MariaDBError as e:
        db.stop()
        pytest.fail(str(e), pytrace=False)
    yield db
    db.stop()
