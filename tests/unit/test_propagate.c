/* tests/unit/test_propagate.c -- core/propagate: commands go out bare
 * outside units; a unit emits nothing, one command bare, or two and more
 * wrapped in MULTI/EXEC, only when the outermost unit ends; argv is copied
 * while collected; expiry propagates as DEL; without a sink nothing is
 * copied. Then through core/command.c: a command that ran nested commands
 * in a unit (EXEC, EVAL) is represented by them, not propagated itself. */
#include "core/propagate.h"

#include <stdio.h>

#include "core/command.h"
#include "core/db.h"
#include "core/watch.h"
#include "unit.h"

static char out[4096]; /* what the sink received: "db:ARG ARG|db:ARG|" */
static size_t outlen;

static void sink(void *ctx, int db, int argc, const char *const *argv, const size_t *argl) {
    (*(int *)ctx)++;
    outlen += (size_t)snprintf(out + outlen, sizeof(out) - outlen, "%d:", db);
    for (int i = 0; i < argc; i++)
        outlen += (size_t)snprintf(out + outlen, sizeof(out) - outlen, "%s%.*s", i ? " " : "",
                                   (int)argl[i], argv[i]);
    outlen += (size_t)snprintf(out + outlen, sizeof(out) - outlen, "|");
}

static const char *take(void) {
    static char copy[4096];
    memcpy(copy, out, outlen + 1);
    outlen = 0;
    out[0] = '\0';
    return copy;
}

/* A client whose argv is the words of `line` (modifiable buffer). */
typedef struct {
    Client c;
    const char *argv[8];
    size_t argl[8];
    char buf[128];
} Fake;

static Client *fake(Fake *f, const char *line, int db) {
    memset(f, 0, sizeof(*f));
    snprintf(f->buf, sizeof f->buf, "%s", line);
    char *p = f->buf;
    while (*p && f->c.argc < 8) {
        char *start = p;
        while (*p && *p != ' ') p++;
        f->argv[f->c.argc] = start;
        f->argl[f->c.argc++] = (size_t)(p - start);
        if (*p) p++;
    }
    f->c.argv = f->argv;
    f->c.argl = f->argl;
    f->c.db_index = db;
    return &f->c;
}

static void test_no_sink(void) {
    Fake f;
    uint64_t before = propagate_count();
    propagate_command(fake(&f, "SET a 1", 0), 0, 1);
    propagate_unit_begin();
    propagate_command(fake(&f, "SET b 1", 0), 0, 1);
    propagate_command(fake(&f, "SET c 1", 0), 0, 1);
    propagate_unit_end();
    CHECK(propagate_count() == before + 3);
    CHECK(mem_used() == 0); /* nothing was copied */
}

static void test_bare_and_units(void) {
    int calls = 0;
    Fake f;
    propagate_set_sink(sink, &calls);
    propagate_command(fake(&f, "SET a 1", 3), 3, 1);
    CHECK(strcmp(take(), "3:SET a 1|") == 0);

    propagate_unit_begin(); /* no writes: nothing */
    propagate_unit_end();
    CHECK(strcmp(take(), "") == 0);

    propagate_unit_begin(); /* one write: bare */
    propagate_command(fake(&f, "INCR n", 0), 0, 1);
    CHECK(strcmp(take(), "") == 0); /* held until the unit ends */
    propagate_unit_end();
    CHECK(strcmp(take(), "0:INCR n|") == 0);

    propagate_unit_begin(); /* two writes, across a SELECT: wrapped */
    propagate_command(fake(&f, "SET a 1", 0), 0, 1);
    f.buf[0] = 'X';                        /* the caller's argv dies: copied */
    propagate_command(fake(&f, "DEL b", 5), 5, 1);
    propagate_unit_end();
    CHECK(strcmp(take(), "0:MULTI|0:SET a 1|5:DEL b|5:EXEC|") == 0);
    propagate_set_sink(NULL, NULL);
    CHECK(calls == 6);
    CHECK(mem_used() == 0);
}

static void test_nested_units(void) {
    int calls = 0;
    Fake f;
    propagate_set_sink(sink, &calls);
    propagate_unit_begin();           /* EXEC */
    propagate_command(fake(&f, "SET a 1", 0), 0, 1);
    propagate_unit_begin();           /* a queued EVAL */
    propagate_command(fake(&f, "SET b 2", 0), 0, 1);
    propagate_unit_end();
    CHECK(strcmp(take(), "") == 0); /* the inner end emits nothing */
    propagate_unit_end();
    CHECK(strcmp(take(), "0:MULTI|0:SET a 1|0:SET b 2|0:EXEC|") == 0);

    propagate_unit_begin(); /* a unit of one nested unit of one: bare */
    propagate_unit_begin();
    propagate_command(fake(&f, "SET c 3", 1), 1, 1);
    propagate_unit_end();
    propagate_unit_end();
    CHECK(strcmp(take(), "1:SET c 3|") == 0);
    propagate_set_sink(NULL, NULL);
    CHECK(mem_used() == 0);
}

static void test_expired(void) {
    int calls = 0;
    Fake f;
    propagate_set_sink(sink, &calls);
    propagate_expired(2, "gone", 4);
    CHECK(strcmp(take(), "2:DEL gone|") == 0);
    propagate_unit_begin(); /* lazy expiry inside EXEC joins the unit */
    propagate_expired(0, "old", 3);
    propagate_command(fake(&f, "SET old v", 0), 0, 1);
    propagate_unit_end();
    CHECK(strcmp(take(), "0:MULTI|0:DEL old|0:SET old v|0:EXEC|") == 0);
    propagate_set_sink(NULL, NULL);
}

/* ---- through the dispatcher's tail (command_call) ---- */

static Command table[];
static Fake inner;

static void cmd_w(Client *c) { /* a write (signalled, for KILAT_CHECKS) */
    db_add_dirty(1);
    watch_touch_key(c->db_index, c->argv[1], c->argl[1]);
}
static void cmd_r(Client *c) { UNUSED(c); } /* a read */

/* EXEC-like: runs "W x" and "R y" and "W z" as a unit. */
static void cmd_u(Client *c) {
    UNUSED(c);
    propagate_unit_begin();
    command_call(fake(&inner, "W x", 0), &table[0]);
    command_call(fake(&inner, "R y", 0), &table[1]);
    command_call(fake(&inner, "W z", 0), &table[0]);
    propagate_unit_end();
}

/* A unit that only reads. */
static void cmd_v(Client *c) {
    UNUSED(c);
    propagate_unit_begin();
    command_call(fake(&inner, "R y", 0), &table[1]);
    propagate_unit_end();
}

static Command table[] = {
    {.name = "w", .fn = cmd_w, .arity = -1},
    {.name = "r", .fn = cmd_r, .arity = -1},
    {.name = "u", .fn = cmd_u, .arity = -1},
    {.name = "v", .fn = cmd_v, .arity = -1},
    {0},
};

static void test_command_tail(void) {
    int calls = 0;
    Fake f;
    command_register(table);
    command_init();
    propagate_set_sink(sink, &calls);
    command_call(fake(&f, "W k", 0), &table[0]);
    CHECK(strcmp(take(), "0:W k|") == 0);
    command_call(fake(&f, "R k", 0), &table[1]);
    CHECK(strcmp(take(), "") == 0);
    command_call(fake(&f, "U", 0), &table[2]); /* its effects, not "U" */
    CHECK(strcmp(take(), "0:MULTI|0:W x|0:W z|0:EXEC|") == 0);
    command_call(fake(&f, "V", 0), &table[3]);
    CHECK(strcmp(take(), "") == 0);
    CHECK(table[2].calls == 1 && table[0].calls == 3 && table[1].calls == 3);
    propagate_set_sink(NULL, NULL);
    command_reset_stats(); /* frees the latency histograms the calls made */
}

int main(void) {
    test_no_sink();
    test_bare_and_units();
    test_nested_units();
    test_expired();
    test_command_tail();
    return unit_finish("propagate");
}
