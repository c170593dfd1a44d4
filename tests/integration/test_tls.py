"""TLS (tls-port and the tls-* directives), differential against Debian's
redis-server (built with TLS). Every certificate is made at test time with
Debian's openssl in a temporary directory: a CA, a server certificate, a
client certificate, a client certificate from another CA, and an encrypted
copy of the server key. Nothing is committed.

Clients: redis-py with ssl, Python's ssl module (protocols, session
resumption, the certificate the server presents) and redis-cli --tls.
"""

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import Server, free_port, wait_for, SLOW

UPDATE_ERR = ("CONFIG SET failed (possibly related to argument '%s') - "
              "Unable to update TLS configuration. Check server logs.")


def openssl(d, *args, stdin=None):
    return subprocess.run(["openssl", *args], cwd=d, check=True, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout


def make_ca(d, name):
    openssl(d, "genrsa", "-out", name + ".key", "2048")
    openssl(d, "req", "-x509", "-new", "-nodes", "-sha256", "-key", name + ".key",
            "-days", "2", "-subj", "/O=kilat test/CN=%s" % name, "-out", name + ".crt")


def make_cert(d, name, cn, ca):
    openssl(d, "genrsa", "-out", name + ".key", "2048")
    csr = openssl(d, "req", "-new", "-sha256", "-subj", "/O=kilat test/CN=%s" % cn,
                  "-key", name + ".key")
    openssl(d, "x509", "-req", "-sha256", "-CA", ca + ".crt", "-CAkey", ca + ".key",
            "-CAcreateserial", "-days", "2", "-out", name + ".crt", stdin=csr)


@pytest.fixture(scope="module")
def certs():
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    d = tempfile.mkdtemp(prefix="kilat-tls-")
    make_ca(d, "ca")
    make_ca(d, "otherca")
    make_cert(d, "server", "kilat-server", "ca")
    make_cert(d, "server2", "kilat-server-renewed", "ca")
    make_cert(d, "client", "kilat-client", "ca")
    make_cert(d, "stranger", "stranger", "otherca")
    openssl(d, "rsa", "-in", "server.key", "-out", "server.enc.key", "-aes256",
            "-passout", "pass:s3cret")
    # a named group (RFC 7919) in the "DH PARAMETERS" format dhparam
    # writes, without dhparam's long prime search
    openssl(d, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_param:ffdhe2048",
            "-out", "dh.pem")
    yield lambda name: os.path.join(d, name)
    shutil.rmtree(d, ignore_errors=True)


def tls_args(certs, port, auth="yes"):
    return ["--tls-port", str(port), "--tls-cert-file", certs("server.crt"),
            "--tls-key-file", certs("server.key"), "--tls-ca-cert-file", certs("ca.crt"),
            "--tls-auth-clients", auth]


class TlsServer(Server):
    """A server with a TLS port beside its plain one; tls_only: port 0,
    so the harness talks TLS to it (with the client certificate)."""

    def __init__(self, certs, extra=(), auth="yes", tls_only=False):
        self.certs = certs
        self.tls_only = tls_only
        self.tls_port = None
        self.auth = auth
        super().__init__(list(extra), name="tls server")

    def _argv(self):
        self.tls_port = self.port if self.tls_only else free_port()
        argv = super()._argv()
        if self.tls_only:
            i = argv.index("--port")
            argv[i + 1] = "0"
        return argv + tls_args(self.certs, self.tls_port, self.auth)

    def _is_ours(self):
        # INFO's process_id check speaks plain RESP: a TLS-only port has
        # none, and the TLS PING above already reached our server's port
        return True if self.tls_only else super()._is_ours()

    def _answers_ping(self):
        if not self.tls_only:
            return super()._answers_ping()
        try:
            return self.client(socket_timeout=1).ping()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def client(self, db=0, password=None, **kw):
        if not self.tls_only:
            return super().client(db=db, password=password, **kw)
        return tls_client(self, **kw)


def tls_client(srv, cert="client", ca="ca.crt", **kw):
    opts = dict(ssl=True, ssl_ca_certs=srv.certs(ca), ssl_cert_reqs="required",
                ssl_check_hostname=False, socket_timeout=10 * SLOW)
    if cert:
        opts.update(ssl_certfile=srv.certs(cert + ".crt"), ssl_keyfile=srv.certs(cert + ".key"))
    opts.update(kw)
    return redis.Redis(host="127.0.0.1", port=srv.tls_port, **opts)


@pytest.fixture
def tls_server(certs):
    started = []

    def factory(extra=(), auth="yes", tls_only=False):
        srv = TlsServer(certs, extra, auth, tls_only).start()
        started.append(srv)
        return srv

    yield factory
    for s in started:
        s.stop()
        s.check()


def ssl_context(certs, cert=True, minv=None, maxv=None, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(certs("ca.crt"))
    if cert:
        ctx.load_cert_chain(certs("client.crt"), certs("client.key"))
    if minv:
        ctx.minimum_version = minv
    if maxv:
        ctx.maximum_version = maxv
    if ciphers:
        ctx.set_ciphers(ciphers)
    return ctx


def tls_ping(srv, ctx, session=None):
    """PING over a raw TLS socket: (reply, the ssl socket, closed)."""
    raw = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=10 * SLOW)
    s = ctx.wrap_socket(raw, session=session)
    s.sendall(b"PING\r\n")
    data = s.recv(100)
    return data, s


def cget(c, name):
    """CONFIG GET as a {str: str} dict (redis-py decodes the names)."""
    dec = lambda x: x.decode() if isinstance(x, bytes) else x
    return {dec(k): dec(v) for k, v in c.config_get(name).items()}


def refused(srv, **kw):
    """True when a TLS client with these options cannot run a command."""
    try:
        c = tls_client(srv, **kw)
        c.ping()
    except (redis.ConnectionError, ssl.SSLError, OSError):
        return True
    return False


def peer_cn(srv, certs):
    _, s = tls_ping(srv, ssl_context(certs))
    der = s.getpeercert()
    s.close()
    return dict(x[0] for x in der["subject"])["commonName"]


# ------------------------------------------------------------------ basics

def test_tls_redis_py_set_get(tls_server):
    srv = tls_server()
    c = tls_client(srv)
    assert c.set("k", "v")
    assert c.get("k") == b"v"
    assert c.ping()


def test_tls_big_values_and_pipeline(tls_server):
    """Values bigger than a TLS record, and a pipeline whose replies span
    many records: partial writes and bytes held inside OpenSSL."""
    srv = tls_server()
    c = tls_client(srv)
    big = os.urandom(3 * 1024 * 1024)
    c.set("big", big)
    assert c.get("big") == big
    p = c.pipeline(transaction=False)
    for i in range(2000):
        p.set("k%d" % i, "x" * (i % 300))
        p.get("k%d" % i)
    out = p.execute()
    assert out[1::2] == [b"x" * (i % 300) for i in range(2000)]


def test_tls_redis_cli(tls_server, certs):
    srv = tls_server()
    base = ["redis-cli", "-p", str(srv.tls_port), "--tls", "--cacert", certs("ca.crt"),
            "--cert", certs("client.crt"), "--key", certs("client.key")]
    r = subprocess.run(base + ["set", "clikey", "hello"], capture_output=True, timeout=30)
    assert r.stdout.strip() == b"OK"
    r = subprocess.run(base + ["get", "clikey"], capture_output=True, timeout=30)
    assert r.stdout.strip() == b"hello"
    # without its certificate the server refuses the client (tls-auth-clients yes)
    r = subprocess.run(base[:6] + ["ping"], capture_output=True, timeout=30)
    assert b"PONG" not in r.stdout


def test_plain_and_tls_on_one_server(tls_server):
    srv = tls_server()
    plain = srv.client()
    plain.set("shared", "from-plain")
    c = tls_client(srv)
    assert c.get("shared") == b"from-plain"
    c.set("shared", "from-tls")
    assert plain.get("shared") == b"from-tls"
    # both kinds are clients of one server
    names = plain.client_list()
    assert len(names) >= 2


def test_plain_client_on_tls_port_gets_nothing(tls_server):
    srv = tls_server()
    s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=5 * SLOW)
    s.sendall(b"PING\r\n")
    try:
        data = s.recv(100)
    except (ConnectionResetError, socket.timeout):
        data = b""
    assert b"PONG" not in data
    s.close()
    assert srv.client().ping()


def test_tls_only_port_zero(tls_server):
    srv = tls_server(tls_only=True)
    c = tls_client(srv)
    assert cget(c, "port") == {"port": "0"}
    assert cget(c, "tls-port") == {"tls-port": str(srv.tls_port)}
    assert c.set("a", "1") and c.get("a") == b"1"


# ------------------------------------------------------ client certificates

def test_client_cert_required(tls_server):
    srv = tls_server(auth="yes")
    assert refused(srv, cert=None)
    assert refused(srv, cert="stranger")  # signed by another CA
    assert tls_client(srv).ping()


def test_client_cert_optional(tls_server):
    srv = tls_server(auth="optional")
    assert tls_client(srv, cert=None).ping()
    assert tls_client(srv).ping()
    # a certificate that is offered is still checked
    assert refused(srv, cert="stranger")


def test_client_cert_not_asked(tls_server):
    srv = tls_server(auth="no")
    assert tls_client(srv, cert=None).ping()


def test_tls_auth_clients_config_set(tls_server):
    srv = tls_server(auth="yes")
    plain = srv.client()
    assert refused(srv, cert=None)
    plain.config_set("tls-auth-clients", "no")
    assert cget(plain, "tls-auth-clients") == {"tls-auth-clients": "no"}
    assert tls_client(srv, cert=None).ping()
    plain.config_set("tls-auth-clients", "optional")
    assert tls_client(srv, cert=None).ping()
    plain.config_set("tls-auth-clients", "yes")
    assert refused(srv, cert=None)
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-auth-clients", "maybe")
    assert "argument(s) must be one of the following: no, yes, optional" in str(e.value)


def test_server_cert_from_unknown_ca_refused_by_client(tls_server):
    srv = tls_server()
    assert refused(srv, ca="otherca.crt")


# ------------------------------------------------------ CONFIG SET reload

def test_config_set_bad_cert_keeps_old(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    for name in ("tls-cert-file", "tls-key-file", "tls-ca-cert-file"):
        old = cget(plain, name)[name]
        with pytest.raises(redis.ResponseError) as e:
            plain.config_set(name, certs("missing.pem"))
        assert str(e.value) == UPDATE_ERR % name
        assert cget(plain, name)[name] == old
    # a key that does not match the certificate
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-key-file", certs("client.key"))
    assert str(e.value) == UPDATE_ERR % "tls-key-file"
    assert tls_client(srv).ping()


def test_config_set_new_cert_is_served(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    assert peer_cn(srv, certs) == "kilat-server"
    # half-way (new cert, old key) cannot load: the pair goes in one CONFIG SET
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-cert-file", certs("server2.crt"))
    assert str(e.value) == UPDATE_ERR % "tls-cert-file"
    assert peer_cn(srv, certs) == "kilat-server"
    plain.execute_command("CONFIG", "SET", "tls-cert-file", certs("server2.crt"),
                          "tls-key-file", certs("server2.key"))
    assert peer_cn(srv, certs) == "kilat-server-renewed"


def test_config_set_same_path_reloads(tls_server, certs):
    """A renewed certificate written over the old file is picked up by
    CONFIG SET with the same path."""
    srv = tls_server()
    plain = srv.client()
    d = tempfile.mkdtemp(prefix="kilat-tls-rot-")
    try:
        crt, key = os.path.join(d, "cur.crt"), os.path.join(d, "cur.key")
        shutil.copy(certs("server.crt"), crt)
        shutil.copy(certs("server.key"), key)
        plain.execute_command("CONFIG", "SET", "tls-cert-file", crt, "tls-key-file", key)
        assert peer_cn(srv, certs) == "kilat-server"
        shutil.copy(certs("server2.crt"), crt)
        shutil.copy(certs("server2.key"), key)
        plain.execute_command("CONFIG", "SET", "tls-cert-file", crt, "tls-key-file", key)
        assert peer_cn(srv, certs) == "kilat-server-renewed"
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_encrypted_key_file(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-key-file", certs("server.enc.key"))
    assert str(e.value) == UPDATE_ERR % "tls-key-file"
    plain.config_set("tls-key-file-pass", "s3cret")
    plain.config_set("tls-key-file", certs("server.enc.key"))
    assert tls_client(srv).ping()


def test_dh_params_file(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    plain.config_set("tls-dh-params-file", certs("dh.pem"))
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-dh-params-file", certs("ca.crt"))
    assert str(e.value) == UPDATE_ERR % "tls-dh-params-file"
    # a DHE suite is negotiable with the file's parameters
    plain.config_set("tls-protocols", "TLSv1.2")
    plain.config_set("tls-ciphers", "DHE-RSA-AES256-GCM-SHA384")
    data, s = tls_ping(srv, ssl_context(certs, ciphers="DHE-RSA-AES256-GCM-SHA384"))
    assert data == b"+PONG\r\n"
    assert s.cipher()[0] == "DHE-RSA-AES256-GCM-SHA384"
    s.close()


def test_client_cert_file_is_checked(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    plain.execute_command("CONFIG", "SET", "tls-client-cert-file", certs("client.crt"),
                          "tls-client-key-file", certs("client.key"))
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-client-cert-file", certs("missing.crt"))
    assert str(e.value) == UPDATE_ERR % "tls-client-cert-file"


# ---------------------------------------------- protocols, ciphers, cache

def test_tls_protocols(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    plain.config_set("tls-protocols", "TLSv1.2")
    with pytest.raises((ssl.SSLError, OSError)):
        tls_ping(srv, ssl_context(certs, minv=ssl.TLSVersion.TLSv1_3))
    data, s = tls_ping(srv, ssl_context(certs, maxv=ssl.TLSVersion.TLSv1_2))
    assert data == b"+PONG\r\n" and s.version() == "TLSv1.2"
    s.close()
    plain.config_set("tls-protocols", "TLSv1.3")
    with pytest.raises((ssl.SSLError, OSError)):
        tls_ping(srv, ssl_context(certs, maxv=ssl.TLSVersion.TLSv1_2))
    data, s = tls_ping(srv, ssl_context(certs))
    assert s.version() == "TLSv1.3"
    s.close()
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-protocols", "TLSv9")
    assert str(e.value) == UPDATE_ERR % "tls-protocols"
    assert cget(plain, "tls-protocols") == {"tls-protocols": "TLSv1.3"}
    plain.config_set("tls-protocols", "")
    data, s = tls_ping(srv, ssl_context(certs, maxv=ssl.TLSVersion.TLSv1_2))
    assert data == b"+PONG\r\n"
    s.close()


def test_tls_ciphers_and_preference(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    plain.config_set("tls-protocols", "TLSv1.2")
    plain.config_set("tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384")
    client_order = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"
    _, s = tls_ping(srv, ssl_context(certs, ciphers=client_order))
    assert s.cipher()[0] == "ECDHE-RSA-AES256-GCM-SHA384"
    s.close()
    plain.config_set("tls-prefer-server-ciphers", "yes")
    _, s = tls_ping(srv, ssl_context(certs, ciphers=client_order))
    assert s.cipher()[0] == "ECDHE-RSA-AES128-GCM-SHA256"
    s.close()
    with pytest.raises((ssl.SSLError, OSError)):
        tls_ping(srv, ssl_context(certs, ciphers="ECDHE-RSA-CHACHA20-POLY1305"))
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-ciphers", "NO-SUCH-CIPHER")
    assert str(e.value) == UPDATE_ERR % "tls-ciphers"
    with pytest.raises(redis.ResponseError) as e:
        plain.config_set("tls-ciphersuites", "TLS_NO_SUCH_SUITE")
    assert str(e.value) == UPDATE_ERR % "tls-ciphersuites"
    plain.config_set("tls-protocols", "TLSv1.3")
    plain.config_set("tls-ciphersuites", "TLS_AES_128_GCM_SHA256")
    _, s = tls_ping(srv, ssl_context(certs))
    assert s.cipher()[0] == "TLS_AES_128_GCM_SHA256"
    s.close()


def resumed(srv, certs):
    """Whether a TLSv1.2 session is resumed on a second connection (False
    also when the server fails the attempt: Redis with caching off ends it
    with an internal-error alert, kilat starts a full handshake)."""
    ctx = ssl_context(certs, maxv=ssl.TLSVersion.TLSv1_2)
    _, s1 = tls_ping(srv, ctx)
    sess = s1.session
    s1.close()
    try:
        _, s2 = tls_ping(srv, ctx, session=sess)
    except ssl.SSLError:
        return False
    r = s2.session_reused
    s2.close()
    return r


def test_tls_session_caching(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    assert cget(plain, "tls-session-caching") == {"tls-session-caching": "yes"}
    assert resumed(srv, certs)
    plain.config_set("tls-session-caching", "no")
    assert not resumed(srv, certs)
    plain.config_set("tls-session-caching", "yes")
    plain.config_set("tls-session-cache-size", "100")
    plain.config_set("tls-session-cache-timeout", "60")
    assert resumed(srv, certs)
    got = cget(plain, "tls-session-cache-*")
    assert got == {"tls-session-cache-size": "100", "tls-session-cache-timeout": "60"}


# ------------------------------------------------------ ports and startup

def test_config_set_tls_port(tls_server, certs):
    srv = tls_server()
    plain = srv.client()
    new = free_port()
    plain.config_set("tls-port", str(new))
    old_port, srv.tls_port = srv.tls_port, new
    assert tls_client(srv).ping()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", old_port), timeout=1)
    plain.config_set("tls-port", "0")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", new), timeout=1)


def test_config_set_tls_port_without_cert(start_server):
    srv = start_server()
    c = srv.client()
    with pytest.raises(redis.ResponseError) as e:
        c.config_set("tls-port", str(free_port()))
    assert str(e.value) == UPDATE_ERR % "tls-port"
    assert cget(c, "tls-port") == {"tls-port": "0"}


def start_fails(certs, *args):
    s = Server(list(args), name="bad tls")
    s.port = free_port()
    with pytest.raises(Exception):
        s._spawn()
    out = s.output()
    s.wait_exit(10 * SLOW) if s.alive() else None
    return out


def test_startup_without_cert_fails(certs):
    out = start_fails(certs, "--tls-port", str(free_port()))
    assert b"No tls-cert-file configured!" in out
    assert b"Failed to configure TLS. Check logs for more info." in out


def test_startup_bad_cert_fails(certs):
    out = start_fails(certs, "--tls-port", str(free_port()), "--tls-cert-file",
                      certs("missing.crt"), "--tls-key-file", certs("server.key"),
                      "--tls-ca-cert-file", certs("ca.crt"))
    assert b"Failed to load certificate: " + certs("missing.crt").encode() in out
    assert b"Failed to configure TLS. Check logs for more info." in out


def test_startup_auth_without_ca_fails(certs):
    out = start_fails(certs, "--tls-port", str(free_port()), "--tls-cert-file",
                      certs("server.crt"), "--tls-key-file", certs("server.key"))
    assert b"Either tls-ca-cert-file or tls-ca-cert-dir must be specified" in out


def test_ca_cert_dir(tls_server, certs):
    d = tempfile.mkdtemp(prefix="kilat-tls-cadir-")
    try:
        shutil.copy(certs("ca.crt"), os.path.join(d, "ca.pem"))
        subprocess.run(["openssl", "rehash", d], check=True, capture_output=True)
        srv = tls_server()
        plain = srv.client()
        plain.execute_command("CONFIG", "SET", "tls-ca-cert-dir", d, "tls-ca-cert-file", "")
        assert tls_client(srv).ping()
        assert refused(srv, cert="stranger")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_idle_handshake_does_not_block_others(tls_server):
    """A client that connects to the TLS port and never speaks holds no
    one up: the handshake is driven by the event loop."""
    srv = tls_server()
    idle = [socket.create_connection(("127.0.0.1", srv.tls_port)) for _ in range(5)]
    try:
        start = time.time()
        assert tls_client(srv).ping()
        assert srv.client().ping()
        assert time.time() - start < 5 * SLOW
    finally:
        for s in idle:
            s.close()


# ------------------------------------------------ Laravel's Redis layer

LARAVEL_PHP = r"""<?php
// Laravel's RedisManager (Debian's php-laravel-framework) with the client
// in argv[1], over TLS with a client certificate: the configuration an
// app's config/database.php gives it (scheme tls; predis takes the stream
// options as 'ssl', phpredis as 'context' => ['stream' => ...]).
require_once '/usr/share/php/Illuminate/autoload.php';
require_once '/usr/share/php/Predis/autoload.php';
[$_, $client, $port, $ca, $crt, $key] = $argv;
$ssl = ['cafile' => $ca, 'local_cert' => $crt, 'local_pk' => $key, 'verify_peer_name' => false];
$conn = ['scheme' => 'tls', 'host' => '127.0.0.1', 'port' => (int)$port, 'database' => 0];
if ($client === 'predis') $conn['ssl'] = $ssl; else $conn['context'] = ['stream' => $ssl];
$m = new Illuminate\Redis\RedisManager(new Illuminate\Container\Container, $client,
    ['options' => ['prefix' => 'app:'], 'default' => $conn]);
$r = $m->connection('default');
$r->set('k', "$client-ok");
$r->rpush('list', 'a', 'b');
echo json_encode([$r->get('k'), $r->lrange('list', 0, -1)]), "\n";
"""


@pytest.mark.parametrize("client", ["phpredis", "predis"])
def test_laravel_redis_over_tls(tls_server, certs, client, tmp_path):
    if not shutil.which("php") or not os.path.exists("/usr/share/php/Illuminate/autoload.php"):
        pytest.skip("php-cli / php-laravel-framework not installed")
    srv = tls_server()
    script = tmp_path / "laravel_tls.php"
    script.write_text(LARAVEL_PHP)
    argv = ["php", str(script), client, str(srv.tls_port), certs("ca.crt"),
            certs("client.crt"), certs("client.key")]
    r = subprocess.run(argv, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert r.stdout.strip() == ('["%s-ok",["a","b"]]' % client).encode()
    plain = srv.client()
    assert plain.get("app:k") == ("%s-ok" % client).encode()
    # without a client certificate the same configuration is refused
    argv[-2:] = ["", ""]
    script.write_text(LARAVEL_PHP.replace("'local_cert' => $crt, 'local_pk' => $key, ", ""))
    r = subprocess.run(argv, capture_output=True, timeout=60)
    assert r.returncode != 0


def test_proc_title_tls_only(tls_server):
    """{listen-addr} names the TLS port when there is no plain one."""
    srv = tls_server(tls_only=True)
    c = tls_client(srv)
    c.config_set("proc-title-template", "T {listen-addr} {port} {tls-port}")
    with open("/proc/%d/cmdline" % srv.proc.pid, "rb") as f:
        title = f.read().replace(b"\0", b" ").strip().decode()
    assert title.split()[:4] == ["T", "127.0.0.1:%d" % srv.tls_port, "0", str(srv.tls_port)]


def test_migrate_over_tls(tls_server):
    """tls-cluster yes: MIGRATE talks TLS to the target, presenting
    tls-cert-file as its client certificate (no tls-client-cert-file)."""
    src = tls_server(extra=["--tls-cluster", "yes"], tls_only=True)
    dst = tls_server(extra=["--tls-cluster", "yes"], tls_only=True)
    a, b = tls_client(src), tls_client(dst)
    a.set("mk", "moved")
    a.rpush("ml", "x", "y")
    assert a.execute_command("MIGRATE", "127.0.0.1", dst.tls_port, "mk", 0, 5000) == b"OK"
    assert a.execute_command("MIGRATE", "127.0.0.1", dst.tls_port, "", 0, 5000,
                             "COPY", "KEYS", "ml") == b"OK"
    assert b.get("mk") == b"moved" and a.exists("mk") == 0
    assert b.lrange("ml", 0, -1) == [b"x", b"y"] and a.exists("ml") == 1
    # the cached link is reused
    a.set("mk2", "again")
    assert a.execute_command("MIGRATE", "127.0.0.1", dst.tls_port, "mk2", 0, 5000) == b"OK"
    assert b.get("mk2") == b"again"


def test_migrate_plain_to_tls_port_fails(tls_server):
    """tls-cluster no: MIGRATE speaks clear text, which a TLS port refuses."""
    src = tls_server()
    dst = tls_server(tls_only=True)
    a = src.client()
    a.set("mk", "v")
    with pytest.raises(redis.ResponseError) as e:
        a.execute_command("MIGRATE", "127.0.0.1", dst.tls_port, "mk", 0, 1000)
    assert str(e.value).startswith("IOERR")
    assert a.get("mk") == b"v"


def non_loopback_addr():
    """An address of this machine that is not loopback, or None."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True,
                             timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    v4 = [a for a in out if "." in a and not a.startswith("127.")]
    return v4[0] if v4 else None


def test_protected_mode_denies_over_tls(tls_server, certs):
    """Protected mode (no password, a non-loopback peer): the TLS client
    completes its handshake and reads -DENIED over TLS, then is closed."""
    addr = non_loopback_addr()
    if not addr:
        pytest.skip("no non-loopback address")
    srv = tls_server(extra=["--bind", "127.0.0.1 %s" % addr])
    raw = socket.create_connection((addr, srv.tls_port), timeout=10 * SLOW)
    s = ssl_context(certs).wrap_socket(raw)
    s.sendall(b"PING\r\n")
    data = b""
    while True:
        try:
            chunk = s.recv(4096)
        except (ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"-DENIED Redis is running in protected mode")
    assert b"PONG" not in data
    info = srv.client().info("stats")
    assert info["rejected_connections"] == 1


# ----------------------------------------------------------- CVE-2026-81934
def test_cve_2026_81934_client_freed_while_pending_tls_data_is_read(tls_server, certs):
    """Clients whose decrypted bytes wait inside OpenSSL are read in a pass
    after the poll; a command run in that pass can close other clients of
    the same pass (here client eviction, which frees the biggest clients
    at once). The pass must not touch a freed client: many TLS clients
    pipeline big writes without reading, under a small maxmemory-clients,
    and the server survives (ASan would report a use after free)."""
    srv = tls_server(["--maxmemory-clients", "2mb"])
    ctx = ssl_context(certs)
    value = b"x" * 33000  # a big bulk is read into a buffer of its size, so
    # a TLS record can hold more than that buffer takes: bytes stay pending
    cmd = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n" % (len(value), value)
    get = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
    socks = []
    for _ in range(60):
        raw = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=10 * SLOW)
        s = ctx.wrap_socket(raw)
        s.setblocking(False)
        socks.append(s)
    burst = cmd + get  # 66 KB of replies a round, unread
    for _ in range(30):
        for s in socks:
            try:
                s.sendall(burst)
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError, OSError):
                pass
    admin = tls_client(srv)
    assert wait_for(lambda: admin.ping(), timeout=10 * SLOW)
    assert admin.info("stats")["evicted_clients"] > 0
    for s in socks:
        s.close()
    assert admin.set("after", "ok") and admin.get("after") == b"ok"
