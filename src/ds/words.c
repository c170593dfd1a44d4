/* ds/words.c -- redis.conf-style word splitting and repr quoting. */
#include "words.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

void args_push(Args *a, const char *s, size_t n) {
    if (a->argc == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->argv = mem_realloc(a->argv, sizeof(char *) * (size_t)a->cap);
    }
    a->argv[a->argc++] = mem_strndup(s, n);
}


void args_free(Args *a) {
    for (int i = 0; i < a->argc; i++) mem_free(a->argv[i]);
    mem_free(a->argv);
    memset(a, 0, sizeof(*a));
}

static bool is_hex(char c) { return isxdigit((unsigned char)c) != 0; }

static int hex_val(char c) {
    return c <= '9' ? c - '0' : (tolower((unsigned char)c) - 'a') + 10;
}

/* Splits a line as redis.conf does: words separated by white space,
 * "double quotes" with \n \r \t \b \a \xHH and \<c> escapes, 'single
 * quotes' with only \' escaped; a quote may open inside a word ("a"b is
 * ab) but a closing one must end the word. False on unbalanced quotes;
 * a->argv then holds nothing. */
bool split_args(const char *p, Args *a) {
    Buf tok = {0};
    memset(a, 0, sizeof(*a));
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        bool inq = false, insq = false, done = false;
        tok.len = 0;
        buf_add(&tok, "", 0);
        while (!done) {
            char ch = *p;
            if (inq) {
                if (!ch) goto unbalanced;
                if (ch == '\\' && p[1] == 'x' && is_hex(p[2]) && is_hex(p[3])) {
                    char byte = (char)(hex_val(p[2]) * 16 + hex_val(p[3]));
                    buf_add(&tok, &byte, 1);
                    p += 3;
                } else if (ch == '\\' && p[1]) {
                    p++;
                    char e = *p;
                    e = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t'
                      : e == 'b' ? '\b' : e == 'a' ? '\a' : e;
                    buf_add(&tok, &e, 1);
                } else if (ch == '"') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto unbalanced;
                    done = true;
                } else {
                    buf_add(&tok, &ch, 1);
                }
            } else if (insq) {
                if (!ch) goto unbalanced;
                if (ch == '\\' && p[1] == '\'') {
                    p++;
                    buf_add(&tok, "'", 1);
                } else if (ch == '\'') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto unbalanced;
                    done = true;
                } else {
                    buf_add(&tok, &ch, 1);
                }
            } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\0') {
                done = true;
            } else if (ch == '"') {
                inq = true;
            } else if (ch == '\'') {
                insq = true;
            } else {
                buf_add(&tok, &ch, 1);
            }
            if (*p) p++;
        }
        args_push(a, tok.p, tok.len);
    }
    mem_free(tok.p);
    return true;
unbalanced:
    mem_free(tok.p);
    args_free(a);
    return false;
}

/* CONFIG SET's split of a multi-argument value: on single spaces, so that
 * "a  b" has an empty word between (Redis refuses those); "" is no words. */
void split_spaces(const char *s, Args *a) {
    memset(a, 0, sizeof(*a));
    if (!*s) return;
    for (;;) {
        const char *sp = strchr(s, ' ');
        if (!sp) {
            args_push(a, s, strlen(s));
            return;
        }
        args_push(a, s, (size_t)(sp - s));
        s = sp + 1;
    }
}

/* Redis's quoting of a command-line value into config text (sdscatrepr). */
void buf_repr(Buf *b, const char *s) {
    buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '\\': buf_add(b, "\\\\", 2); break;
        case '"': buf_add(b, "\\\"", 2); break;
        case '\n': buf_add(b, "\\n", 2); break;
        case '\r': buf_add(b, "\\r", 2); break;
        case '\t': buf_add(b, "\\t", 2); break;
        case '\a': buf_add(b, "\\a", 2); break;
        case '\b': buf_add(b, "\\b", 2); break;
        default:
            if (isprint(ch)) buf_add(b, (const char *)&ch, 1);
            else buf_printf(b, "\\x%02x", ch);
        }
    }
    buf_add(b, "\"", 1);
}
