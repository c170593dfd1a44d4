/* cmd/string.c -- string commands. */
#include "../core/args.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/reply.h"

static void cmd_get(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    db_stat_hit(e != NULL);
    if (!e) {
        reply_null(c);
        return;
    }
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    char buf[24];
    size_t len;
    const char *s = entry_str(e, &len, buf);
    reply_bulk(c, s, len);
}

static void cmd_set(Client *c) {
    db_set_string(c->db, c->argv[1], c->argl[1], c->argv[2], c->argl[2], DB_NO_TTL);
    reply_ok(c);
}

#define STR "string"
Command string_commands[] = {
    {"get", cmd_get, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, STR, "Returns the string value of a key.", "1.0.0", "O(1)", "@read @string @fast", NULL},
    {"set", cmd_set, -3, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, STR, "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0", "O(1)", "@write @string @slow", NULL},
    {0},
};
