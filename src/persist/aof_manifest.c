/* persist/aof_manifest.c -- see aof_manifest.h. Errors and limits follow
 * Redis 7.0: lines of at most 1024 bytes, '#' comment lines, at least
 * six words in key/value pairs with file, seq and type present, one base,
 * strictly increasing incr sequence numbers. */
#include "aof_manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/log.h"
#include "../ds/mem.h"
#include "../os/file.h"

#define MANIFEST_MAX_LINE 1024
#define MAX_WORDS 64

AofManifest *aof_manifest_new(void) { return mem_calloc(sizeof(AofManifest)); }

static void info_free(AofInfo *ai) { mem_free(ai->name); }

void aof_manifest_clear_history(AofManifest *m) {
    for (size_t i = 0; i < m->nhist; i++) info_free(&m->hist[i]);
    mem_free(m->hist);
    m->hist = NULL;
    m->nhist = 0;
    m->dirty = true;
}

void aof_manifest_free(AofManifest *m) {
    if (!m) return;
    if (m->base) info_free(m->base);
    mem_free(m->base);
    for (size_t i = 0; i < m->nincr; i++) info_free(&m->incr[i]);
    mem_free(m->incr);
    for (size_t i = 0; i < m->nhist; i++) info_free(&m->hist[i]);
    mem_free(m->hist);
    mem_free(m);
}

static AofInfo info_copy(const AofInfo *ai) {
    AofInfo c = *ai;
    c.name = mem_strndup(ai->name, strlen(ai->name));
    return c;
}

AofManifest *aof_manifest_dup(const AofManifest *m) {
    AofManifest *d = aof_manifest_new();
    *d = *m;
    if (m->base) {
        d->base = mem_alloc(sizeof(AofInfo));
        *d->base = info_copy(m->base);
    }
    d->incr = m->nincr ? mem_alloc(m->nincr * sizeof(AofInfo)) : NULL;
    for (size_t i = 0; i < m->nincr; i++) d->incr[i] = info_copy(&m->incr[i]);
    d->hist = m->nhist ? mem_alloc(m->nhist * sizeof(AofInfo)) : NULL;
    for (size_t i = 0; i < m->nhist; i++) d->hist[i] = info_copy(&m->hist[i]);
    return d;
}

/* ------------------------------------------------------------- parsing */

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Splits a line into words the way Redis's sdssplitargs does: spaces
 * separate, "double quotes" take \xHH \n \r \t \b \a escapes, 'single
 * quotes' take \' only, a closing quote must end the word. Returns the
 * count or -1 (unbalanced quotes); words are mem_alloc'd. */
static int split_words(const char *p, char **out, size_t *outl, int max) {
    int n = 0;
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) return n;
        if (n == max) return -1;
        size_t cap = strlen(p) + 1, len = 0;
        char *w = mem_alloc(cap);
        bool inq = false, insq = false, done = false;
        while (!done) {
            if (inq) {
                if (!*p) goto bad;
                if (p[0] == '\\' && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
                    w[len++] = (char)(hexval(p[2]) * 16 + hexval(p[3]));
                    p += 3;
                } else if (p[0] == '\\' && p[1]) {
                    p++;
                    char c = *p;
                    w[len++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'b' ? '\b' : c == 'a' ? '\a' : c;
                } else if (*p == '"') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto bad;
                    done = true;
                } else {
                    w[len++] = *p;
                }
            } else if (insq) {
                if (!*p) goto bad;
                if (p[0] == '\\' && p[1] == '\'') {
                    p++;
                    w[len++] = '\'';
                } else if (*p == '\'') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto bad;
                    done = true;
                } else {
                    w[len++] = *p;
                }
            } else if (!*p || isspace((unsigned char)*p)) {
                done = true;
                break;
            } else if (*p == '"') {
                inq = true;
            } else if (*p == '\'') {
                insq = true;
            } else {
                w[len++] = *p;
            }
            if (*p) p++;
        }
        w[len] = '\0';
        out[n] = w;
        outl[n] = len;
        n++;
        continue;
    bad:
        mem_free(w);
        for (int i = 0; i < n; i++) mem_free(out[i]);
        return -1;
    }
}

static bool is_basename(const char *s, size_t len) { return !memchr(s, '/', len); }

static void push(AofInfo **arr, size_t *n, AofInfo ai) {
    *arr = mem_realloc(*arr, (*n + 1) * sizeof(AofInfo));
    (*arr)[(*n)++] = ai;
}

static void trim(char *s) {
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1])) s[--len] = '\0';
    size_t lead = strspn(s, " \t\r\n");
    memmove(s, s + lead, len - lead + 1);
}

/* One line (trimmed): NULL when fine, else the reason. */
static const char *parse_line(AofManifest *m, char *line, int64_t *maxseq) {
    char *w[MAX_WORDS];
    size_t wl[MAX_WORDS];
    if (!line[0]) return "Invalid AOF manifest file format";
    int argc = split_words(line, w, wl, MAX_WORDS);
    const char *err = NULL;
    if (argc < 6 || argc % 2) { /* < 6: room for keys added later */
        err = "Invalid AOF manifest file format";
        goto out;
    }
    AofInfo ai = {0};
    for (int i = 0; i < argc; i += 2) {
        if (!strcasecmp(w[i], "file")) {
            if (!is_basename(w[i + 1], wl[i + 1])) {
                err = "File can't be a path, just a filename";
                mem_free(ai.name);
                goto out;
            }
            mem_free(ai.name);
            ai.name = mem_strndup(w[i + 1], wl[i + 1]);
        } else if (!strcasecmp(w[i], "seq")) {
            ai.seq = strtoll(w[i + 1], NULL, 10);
        } else if (!strcasecmp(w[i], "type")) {
            ai.type = w[i + 1][0];
        }
    }
    if (!ai.name || !ai.seq || !ai.type) {
        mem_free(ai.name);
        err = "Invalid AOF manifest file format";
        goto out;
    }
    if (ai.type == 'b') {
        if (m->base) {
            err = "Found duplicate base file information";
        } else {
            m->base = mem_alloc(sizeof(AofInfo));
            *m->base = ai;
            m->base_seq = ai.seq;
            ai.name = NULL;
        }
    } else if (ai.type == 'h') {
        push(&m->hist, &m->nhist, ai);
        ai.name = NULL;
    } else if (ai.type == 'i') {
        if (ai.seq <= *maxseq) {
            err = "Found a non-monotonic sequence number";
        } else {
            push(&m->incr, &m->nincr, ai);
            m->incr_seq = *maxseq = ai.seq;
            ai.name = NULL;
        }
    } else {
        err = "Unknown AOF file type";
    }
    mem_free(ai.name);
out:
    for (int i = 0; i < argc; i++) mem_free(w[i]);
    return err;
}

AofManifest *aof_manifest_read(const char *path) {
    FILE *fp = fopen(path, "r");
    if (!fp) {
        log_msg(LOG_WARNING, "Fatal error: can't open the AOF manifest file %s for reading: %s", path,
                strerror(errno));
        return NULL;
    }
    AofManifest *m = aof_manifest_new();
    char buf[MANIFEST_MAX_LINE + 1];
    int linenum = 0;
    int64_t maxseq = 0;
    const char *err = NULL;
    bool show_line = false;
    for (;;) {
        if (!fgets(buf, sizeof buf, fp)) {
            if (ferror(fp)) err = "Read AOF manifest failed";
            else if (linenum == 0) err = "Found an empty AOF manifest";
            break;
        }
        linenum++;
        if (buf[0] == '#') continue;
        if (!strchr(buf, '\n')) {
            err = "The AOF manifest file contains too long line";
            break;
        }
        trim(buf);
        err = parse_line(m, buf, &maxseq);
        if (err) {
            show_line = true;
            break;
        }
    }
    fclose(fp);
    if (!err) return m;
    log_msg(LOG_WARNING, "\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
    if (show_line) {
        log_msg(LOG_WARNING, "Reading the manifest file, at line %d\n", linenum);
        log_msg(LOG_WARNING, ">>> '%s'\n", buf);
    }
    log_msg(LOG_WARNING, "%s\n", err);
    aof_manifest_free(m);
    return NULL;
}

/* ------------------------------------------------------------- writing */

typedef struct {
    char *s;
    size_t len, cap;
} Str;

static void str_add(Str *t, const char *p, size_t n) {
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = mem_realloc(t->s, t->cap);
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static bool needs_repr(const char *s) {
    for (; *s; s++)
        if (*s == '\\' || *s == '"' || !isprint((unsigned char)*s) || isspace((unsigned char)*s)) return true;
    return false;
}

/* A name as Redis's sdscatrepr quotes it. */
static void add_name(Str *t, const char *name) {
    if (!needs_repr(name)) {
        str_add(t, name, strlen(name));
        return;
    }
    str_add(t, "\"", 1);
    for (const char *p = name; *p; p++) {
        char esc[8];
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\\': str_add(t, "\\\\", 2); break;
        case '"': str_add(t, "\\\"", 2); break;
        case '\n': str_add(t, "\\n", 2); break;
        case '\r': str_add(t, "\\r", 2); break;
        case '\t': str_add(t, "\\t", 2); break;
        case '\a': str_add(t, "\\a", 2); break;
        case '\b': str_add(t, "\\b", 2); break;
        default:
            if (isprint(c)) str_add(t, (const char *)&c, 1);
            else str_add(t, esc, (size_t)snprintf(esc, sizeof esc, "\\x%02x", c));
        }
    }
    str_add(t, "\"", 1);
}

static void add_line(Str *t, const AofInfo *ai) {
    char tail[64];
    str_add(t, "file ", 5);
    add_name(t, ai->name);
    int n = snprintf(tail, sizeof tail, " seq %lld type %c\n", (long long)ai->seq, ai->type);
    str_add(t, tail, (size_t)n);
}

char *aof_manifest_format(const AofManifest *m) {
    Str t = {0};
    str_add(&t, "", 0);
    if (m->base) add_line(&t, m->base);
    for (size_t i = 0; i < m->nhist; i++) add_line(&t, &m->hist[i]);
    for (size_t i = 0; i < m->nincr; i++) add_line(&t, &m->incr[i]);
    return t.s;
}

int aof_manifest_write(AofManifest *m, const char *path) {
    char *text = aof_manifest_format(m);
    size_t plen = strlen(path);
    char *tmp = mem_alloc(plen + 16);
    /* temp-<name> beside it, as Redis names it */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    memcpy(tmp, path, dirlen);
    sprintf(tmp + dirlen, "temp-%s", path + dirlen);
    int r = 0, fd = file_create(tmp);
    const char *what = "open";
    if (fd < 0) {
        r = fd;
    } else {
        r = file_write_all(fd, text, strlen(text));
        what = "write";
        if (r == 0) {
            r = file_fsync(fd);
            what = "fsync";
        }
        int rc = file_close(fd);
        if (r == 0) r = rc;
        if (r == 0) {
            r = file_rename(tmp, path);
            what = "rename";
        }
        if (r == 0) {
            r = file_fsync_dir_of(path);
            what = "fsync the directory of";
        }
        if (r < 0) file_unlink(tmp);
    }
    if (r < 0) log_msg(LOG_WARNING, "Failed to %s the AOF manifest file %s: %s", what, path, strerror(-r));
    else m->dirty = false;
    mem_free(tmp);
    mem_free(text);
    return r;
}

/* ----------------------------------------------------------- changing */

static char *make_name(const char *prefix, int64_t seq, const char *kind, const char *ext) {
    size_t n = strlen(prefix) + 48;
    char *s = mem_alloc(n);
    snprintf(s, n, "%s.%lld.%s.%s", prefix, (long long)seq, kind, ext);
    return s;
}

const char *aof_manifest_new_base(AofManifest *m, const char *prefix, bool rdb) {
    if (m->base) {
        m->base->type = 'h';
        m->hist = mem_realloc(m->hist, (m->nhist + 1) * sizeof(AofInfo));
        memmove(m->hist + 1, m->hist, m->nhist * sizeof(AofInfo));
        m->hist[0] = *m->base;
        m->nhist++;
    } else {
        m->base = mem_alloc(sizeof(AofInfo));
    }
    m->base->seq = ++m->base_seq;
    m->base->type = 'b';
    m->base->name = make_name(prefix, m->base->seq, "base", rdb ? "rdb" : "aof");
    m->dirty = true;
    return m->base->name;
}

const char *aof_manifest_new_incr(AofManifest *m, const char *prefix) {
    AofInfo ai = {make_name(prefix, ++m->incr_seq, "incr", "aof"), m->incr_seq, 'i'};
    push(&m->incr, &m->nincr, ai);
    m->dirty = true;
    return ai.name;
}

void aof_manifest_incr_to_history(AofManifest *m, bool keep_last) {
    size_t move = keep_last && m->nincr ? m->nincr - 1 : m->nincr;
    if (!move) return;
    /* at the head of the history, oldest first, as Redis moves them */
    AofInfo *h = mem_alloc((m->nhist + move) * sizeof(AofInfo));
    for (size_t i = 0; i < move; i++) {
        h[i] = m->incr[i];
        h[i].type = 'h';
    }
    if (m->nhist) memcpy(h + move, m->hist, m->nhist * sizeof(AofInfo));
    mem_free(m->hist);
    m->hist = h;
    m->nhist += move;
    if (m->nincr > move) memmove(m->incr, m->incr + move, (m->nincr - move) * sizeof(AofInfo));
    m->nincr -= move;
    m->dirty = true;
}

void aof_manifest_set_base(AofManifest *m, const char *name, int64_t seq) {
    if (!m->base) m->base = mem_alloc(sizeof(AofInfo));
    else info_free(m->base);
    m->base->name = mem_strndup(name, strlen(name));
    m->base->seq = seq;
    m->base->type = 'b';
    m->base_seq = seq;
    m->dirty = true;
}
