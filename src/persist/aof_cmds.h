/* persist/aof_cmds.h -- the AOF's RESP form: one command as a RESP array
 * (what the append-only file holds), and a whole key as the commands that
 * rebuild it (a rewrite's base file when aof-use-rdb-preamble is no). */
#ifndef KILAT_AOF_CMDS_H
#define KILAT_AOF_CMDS_H

#include "../base.h"
#include "../core/db.h"
#include "rdb_enc.h"

/* Appends *<argc>\r\n then $<len>\r\n<arg>\r\n for each argument. */
void aof_append_command(RdbBuf *b, int argc, const char *const *argv, const size_t *argl);

/* Appends the commands that rebuild e as Redis 7.0's rewrite writes them:
 * SET for strings; RPUSH / SADD / ZADD / HMSET in batches of at most 64
 * elements (AOF_REWRITE_ITEMS_PER_CMD) for collections; streams as
 * aof_stream.h says (XADD, XSETID, XGROUP, XCLAIM); then PEXPIREAT
 * when the key has a TTL. The caller writes SELECT when the db changes. */
void aof_append_entry(RdbBuf *b, const Entry *e);

#endif
