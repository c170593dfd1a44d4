/* tls/tls.c -- the TLS transport: one SSL_CTX built from the tls-*
 * directives (rebuilt whole on CONFIG SET, so a bad file leaves the old
 * context serving), one non-blocking SSL per client on its socket. The
 * handshake is driven by the event loop through core/conn.h: each
 * readiness event runs SSL_accept once more. Reads and writes map
 * OpenSSL's WANT_READ/WANT_WRITE to -EAGAIN; bytes decrypted but not yet
 * read are reported by tls_pending so the loop reads them without an
 * event. Messages follow Redis 7.0's tls.c.
 * A write that OpenSSL answers WANT_READ (only a renegotiation asks for
 * that, and client renegotiation is refused) is treated as WANT_WRITE:
 * the loop retries it when the socket is writable. */
#include "tls.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "../core/client.h"
#include "../core/config.h"
#include "../core/conn.h"
#include "../core/log.h"

enum { PROTO_TLS1 = 1, PROTO_TLS1_1 = 2, PROTO_TLS1_2 = 4, PROTO_TLS1_3 = 8 };
#define PROTO_DEFAULT (PROTO_TLS1_2 | PROTO_TLS1_3)

static SSL_CTX *server_ctx;  /* NULL until configured */
static SSL_CTX *client_ctx;  /* tls-client-cert-file's, for outgoing links
                                (none yet: built so a bad file is refused) */

/* A directive's text, NULL when empty (Redis's EMPTY_STRING_IS_NULL). */
static const char *opt(const char *name) {
    const char *v = config_value(name);
    return v && v[0] ? v : NULL;
}

static int opt_int(const char *name) {
    const char *v = config_value(name);
    return v ? atoi(v) : 0;
}

static void last_error(char *buf, size_t len) {
    unsigned long e = ERR_get_error();
    if (e) ERR_error_string_n(e, buf, len);
    else snprintf(buf, len, "unknown error");
    ERR_clear_error();
}

/* tls-protocols: a space-separated list; -1 when a word is unknown. */
static int parse_protocols(const char *s) {
    if (!s) return PROTO_DEFAULT;
    int protos = 0;
    char word[32];
    while (*s) {
        while (*s == ' ') s++;
        size_t n = strcspn(s, " ");
        if (n == 0) break;
        if (n >= sizeof(word)) n = sizeof(word) - 1;
        memcpy(word, s, n);
        word[n] = '\0';
        s += strcspn(s, " ");
        if (!strcasecmp(word, "tlsv1")) protos |= PROTO_TLS1;
        else if (!strcasecmp(word, "tlsv1.1")) protos |= PROTO_TLS1_1;
        else if (!strcasecmp(word, "tlsv1.2")) protos |= PROTO_TLS1_2;
        else if (!strcasecmp(word, "tlsv1.3")) protos |= PROTO_TLS1_3;
        else {
            log_msg(LOG_WARNING, "Invalid tls-protocols specified. Use a combination of "
                                 "'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            return -1;
        }
    }
    return protos;
}

static int password_cb(char *buf, int size, int rwflag, void *u) {
    const char *pass = u;
    if (!pass) return -1;
    size_t n = strlen(pass);
    if (n > (size_t)size) return -1;
    memcpy(buf, pass, n);
    return (int)n;
}

/* The part of a context common to the server and client sides: protocols,
 * certificate and key, CA, ciphers. NULL (logged) on failure. */
static SSL_CTX *make_ctx(int protos, bool client) {
    const char *cert = opt(client ? "tls-client-cert-file" : "tls-cert-file");
    const char *key = opt(client ? "tls-client-key-file" : "tls-key-file");
    const char *pass = opt(client ? "tls-client-key-file-pass" : "tls-key-file-pass");
    const char *ca_file = opt("tls-ca-cert-file"), *ca_dir = opt("tls-ca-cert-dir");
    const char *ciphers = opt("tls-ciphers"), *suites = opt("tls-ciphersuites");
    char err[256];

    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (!ctx) {
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Failed to create a TLS context: %s", err);
        return NULL;
    }
    /* a peer closing without close_notify is a plain close, not an error */
    SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* OpenSSL 3 refuses TLSv1 and 1.1 at its default security level: a
     * user who lists them asks for them, so level 0 then, as Redis gets
     * from Debian's build only with a custom cipher string */
    if (protos & (PROTO_TLS1 | PROTO_TLS1_1)) SSL_CTX_set_security_level(ctx, 0);
    if (!(protos & PROTO_TLS1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1);
    if (!(protos & PROTO_TLS1_1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_1);
    if (!(protos & PROTO_TLS1_2)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_2);
    if (!(protos & PROTO_TLS1_3)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_3);
    /* partial writes: the output buffer drains as the socket takes it;
     * moving buffer: a retried write may start from a compacted buffer */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_default_passwd_cb(ctx, password_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)pass);

    if (SSL_CTX_use_certificate_chain_file(ctx, cert) <= 0) {
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Failed to load certificate: %s: %s", cert, err);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) <= 0) {
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Failed to load private key: %s: %s", key, err);
        goto fail;
    }
    /* the password is only needed while the key loads */
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    if ((ca_file || ca_dir) && SSL_CTX_load_verify_locations(ctx, ca_file, ca_dir) <= 0) {
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Failed to configure CA certificate(s) file/directory: %s", err);
        goto fail;
    }
    if (ciphers && !SSL_CTX_set_cipher_list(ctx, ciphers)) {
        log_msg(LOG_WARNING, "Failed to configure ciphers: %s", ciphers);
        goto fail;
    }
    if (suites && !SSL_CTX_set_ciphersuites(ctx, suites)) {
        log_msg(LOG_WARNING, "Failed to configure ciphersuites: %s", suites);
        goto fail;
    }
    ERR_clear_error();
    return ctx;
fail:
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return NULL;
}

static bool load_dh_params(SSL_CTX *ctx, const char *path) {
    char err[256];
    BIO *bio = BIO_new_file(path, "r");
    if (!bio) {
        log_msg(LOG_WARNING, "Failed to load %s: %s", path, strerror(errno));
        ERR_clear_error();
        return false;
    }
    EVP_PKEY *dh = PEM_read_bio_Parameters(bio, NULL);
    BIO_free(bio);
    if (!dh) {
        log_msg(LOG_WARNING, "%s: failed to read DH params.", path);
        ERR_clear_error();
        return false;
    }
    if (SSL_CTX_set0_tmp_dh_pkey(ctx, dh) <= 0) { /* owns dh when it succeeds */
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Failed to load DH params file: %s: %s", path, err);
        EVP_PKEY_free(dh);
        return false;
    }
    return true;
}

/* Builds both contexts from the directives and swaps them in; on any
 * failure (logged) the old ones stay. */
static bool tls_configure(void) {
    SSL_CTX *ctx = NULL, *cctx = NULL;
    if (!opt("tls-cert-file")) {
        log_msg(LOG_WARNING, "No tls-cert-file configured!");
        return false;
    }
    if (!opt("tls-key-file")) {
        log_msg(LOG_WARNING, "No tls-key-file configured!");
        return false;
    }
    const char *auth = config_value("tls-auth-clients");
    if (auth && strcmp(auth, "no") && !opt("tls-ca-cert-file") && !opt("tls-ca-cert-dir")) {
        log_msg(LOG_WARNING, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                             "tls-cluster, tls-replication or tls-auth-clients are enabled!");
        return false;
    }
    int protos = parse_protocols(opt("tls-protocols"));
    if (protos < 0) return false;
    ctx = make_ctx(protos, false);
    if (!ctx) return false;
    if (config_yes("tls-session-caching")) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, opt_int("tls-session-cache-size"));
        SSL_CTX_set_timeout(ctx, opt_int("tls-session-cache-timeout"));
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"kilat", 5);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_num_tickets(ctx, 0);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    /* OpenSSL 3 refuses client-initiated renegotiation unless asked */
#ifdef SSL_OP_NO_CLIENT_RENEGOTIATION
    SSL_CTX_set_options(ctx, SSL_OP_NO_CLIENT_RENEGOTIATION);
#endif
    SSL_CTX_set_options(ctx, SSL_OP_SINGLE_DH_USE);
    if (config_yes("tls-prefer-server-ciphers"))
        SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    const char *dh = opt("tls-dh-params-file");
    if (dh) {
        if (!load_dh_params(ctx, dh)) goto fail;
    } else {
        SSL_CTX_set_dh_auto(ctx, 1);
    }
    if (opt("tls-client-cert-file") && opt("tls-client-key-file")) {
        cctx = make_ctx(protos, true);
        if (!cctx) goto fail;
    }
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    server_ctx = ctx;
    client_ctx = cctx;
    return true;
fail:
    SSL_CTX_free(ctx);
    SSL_CTX_free(cctx);
    return false;
}

static bool tls_configured(void) { return server_ctx != NULL; }

static void tls_cleanup(void) {
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    server_ctx = client_ctx = NULL;
}

/* ------------------------------------------------ the transport */

static bool conn_init(Client *c) {
    SSL *ssl = server_ctx ? SSL_new(server_ctx) : NULL;
    if (!ssl) {
        char err[256];
        last_error(err, sizeof(err));
        log_msg(LOG_WARNING, "Error creating a TLS connection: %s (addr=%s)", err, c->addr);
        return false;
    }
    /* tls-auth-clients applies to connections made after it is set */
    const char *auth = config_value("tls-auth-clients");
    if (auth && !strcmp(auth, "no")) SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    else if (auth && !strcmp(auth, "optional")) SSL_set_verify(ssl, SSL_VERIFY_PEER, NULL);
    SSL_set_fd(ssl, c->fd);
    SSL_set_accept_state(ssl);
    c->conn_ctx = ssl;
    return true;
}

/* The text of the error behind a failed call (for the log). */
static void describe(int ssl_err, char *buf, size_t len) {
    unsigned long e = ERR_peek_error();
    if (e) ERR_error_string_n(e, buf, len);
    else if (ssl_err == SSL_ERROR_SYSCALL && errno) snprintf(buf, len, "%s", strerror(errno));
    else snprintf(buf, len, "Connection closed by peer");
    ERR_clear_error();
}

static int conn_handshake(Client *c, bool *want_write) {
    SSL *ssl = c->conn_ctx;
    ERR_clear_error();
    errno = 0;
    int r = SSL_accept(ssl);
    if (r == 1) return 1;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        *want_write = e == SSL_ERROR_WANT_WRITE;
        return 0;
    }
    char err[256];
    describe(e, err, sizeof(err));
    log_msg(LOG_VERBOSE, "Error accepting a client connection: %s (addr=%s laddr=%s)", err,
            c->addr, c->laddr);
    return -1;
}

/* OpenSSL's outcome of a read or write as a negative errno (or 0 for a
 * clean close on read). */
static ssize_t io_error(Client *c, int r, bool reading) {
    int e = SSL_get_error(c->conn_ctx, r);
    switch (e) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: return -EAGAIN;
    case SSL_ERROR_ZERO_RETURN: return reading ? 0 : -EPIPE;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == EAGAIN) return -EAGAIN;
        return errno ? -errno : (reading ? 0 : -EPIPE);
    default: {
        char err[256];
        describe(e, err, sizeof(err));
        log_msg(LOG_VERBOSE, "TLS error on client connection: %s (addr=%s)", err, c->addr);
        return -EPROTO;
    }
    }
}

static ssize_t conn_read(Client *c, void *buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int r = SSL_read(c->conn_ctx, buf, len > INT_MAX ? INT_MAX : (int)len);
    return r > 0 ? r : io_error(c, r, true);
}

static ssize_t conn_write(Client *c, const void *buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int r = SSL_write(c->conn_ctx, buf, len > INT_MAX ? INT_MAX : (int)len);
    return r > 0 ? r : io_error(c, r, false);
}

static bool conn_pending(const Client *c) { return SSL_pending(c->conn_ctx) > 0; }

static void conn_free(Client *c) {
    SSL_free(c->conn_ctx);
    c->conn_ctx = NULL;
}

static const ConnType tls_conn = {
    .name = "tls",
    .init = conn_init,
    .handshake = conn_handshake,
    .read = conn_read,
    .write = conn_write,
    .pending = conn_pending,
    .free = conn_free,
};

/* ------------------------------------------------ outgoing links */

/* As Redis: the client context when tls-client-cert-file is set, else the
 * server's (its certificate then identifies this server as a client). */
static void *link_new(int fd) {
    SSL_CTX *ctx = client_ctx ? client_ctx : server_ctx;
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    if (!ssl) {
        ERR_clear_error();
        return NULL;
    }
    SSL_set_fd(ssl, fd);
    SSL_set_connect_state(ssl);
    return ssl;
}

static ssize_t link_result(SSL *ssl, int r, bool *want_write) {
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (want_write) *want_write = e == SSL_ERROR_WANT_WRITE;
        return -EAGAIN;
    }
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    int saved = errno;
    char err[256];
    describe(e, err, sizeof(err));
    log_msg(LOG_VERBOSE, "TLS error on an outgoing link: %s", err);
    if (e == SSL_ERROR_SYSCALL) return saved ? -saved : 0;
    return -EPROTO;
}

static int link_handshake(void *link, bool *want_write) {
    ERR_clear_error();
    errno = 0;
    int r = SSL_connect(link);
    if (r == 1) return 1;
    return link_result(link, r, want_write) == -EAGAIN ? 0 : -1;
}

static ssize_t link_read(void *link, void *buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int r = SSL_read(link, buf, len > INT_MAX ? INT_MAX : (int)len);
    return r > 0 ? r : link_result(link, r, NULL);
}

static ssize_t link_write(void *link, const void *buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int r = SSL_write(link, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (r > 0) return r;
    ssize_t e = link_result(link, r, NULL);
    return e == 0 ? -EPIPE : e;
}

static void link_free(void *link) { SSL_free(link); }

static const ConnTls tls_api = {
    .conn = &tls_conn,
    .configure = tls_configure,
    .configured = tls_configured,
    .cleanup = tls_cleanup,
    .link_new = link_new,
    .link_handshake = link_handshake,
    .link_read = link_read,
    .link_write = link_write,
    .link_free = link_free,
};

/* CONFIG SET of a tls-* directive: rebuild the context while TLS is on. */
static bool apply(const char **err) {
    if (cfg.tls_port && !tls_configure()) {
        *err = "Unable to update TLS configuration. Check server logs.";
        return false;
    }
    return true;
}

void tls_init(void) {
    static const char *const names[] = {
        "tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
        "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
        "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers",
        "tls-ciphersuites", "tls-prefer-server-ciphers", "tls-session-caching",
        "tls-session-cache-size", "tls-session-cache-timeout",
    };
    OPENSSL_init_ssl(0, NULL);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) config_on_set(names[i], apply);
    conn_set_tls(&tls_api);
}
