/* persist/cmd_dump.c -- DUMP key: the value as Redis 7.0's DUMP payload
 * (RDB type + value, RDB version, CRC-64), byte for byte what redis-server
 * answers for the same value in the same encoding. rdbcompression decides
 * LZF, as in Redis. MIGRATE (cmd_migrate.c) sends the same payloads. */
#include "dump.h"

#include <string.h>

#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "rdb_enc.h"

bool dump_compress(void) {
    return config_yes("rdbcompression");
}

/* DUMP key -- reply: the payload, or nil when the key does not exist. */
static void cmd_dump(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    if (!e) {
        reply_null(c);
        return;
    }
    RdbBuf b;
    rdbbuf_init(&b, dump_compress());
    rdb_dump_payload(&b, e);
    reply_bulk(c, (const char *)b.buf, b.len);
    rdbbuf_free(&b);
}

void cmd_migrate(Client *c);

Command dump_commands[] = {
    {"dump", cmd_dump, 2, CMD_READONLY, 1, 1, 1, "generic",
     "Return a serialized version of the value stored at the specified key.", "2.6.0",
     "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
     "Redis objects composing the value and M their average size. For small string values the "
     "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
     "@keyspace @read @slow", NULL},
    {"migrate", cmd_migrate, -6, CMD_WRITE | CMD_MOVABLE_KEYS, 3, 3, 1, "generic",
     "Atomically transfer a key from a Redis instance to another one.", "2.6.0",
     "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
     "target instance. See the pages of these commands for time complexity. Also an O(N) data "
     "transfer between the two instances is performed.",
     "@keyspace @write @slow @dangerous", NULL},
    {0},
};
