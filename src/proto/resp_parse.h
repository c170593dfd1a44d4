/* proto/resp_parse.h -- request parser: bytes -> argv, no I/O.
 * Accepts RESP multibulk (*N\r\n$len\r\n...) and inline commands (a line of
 * space-separated words with "..." and '...' quoting, as redis-cli and
 * telnet send). Incremental: a request split at any byte boundary is
 * resumed where it stopped, without rescanning big bulk payloads. */
#ifndef KILAT_RESP_PARSE_H
#define KILAT_RESP_PARSE_H

#include "../base.h"

typedef enum {
    RESP_DONE,       /* one command is in argv/argl (argc may be 0: skip) */
    RESP_NEED_MORE,  /* buffer ends inside a request: read more bytes */
    RESP_PROTO_ERROR /* malformed: reply p->error, then close the client */
} RespStatus;

typedef struct {
    /* limits, set by the owner (server config) */
    int64_t max_bulk;       /* proto-max-bulk-len (512mb default) */
    int64_t max_multibulk;  /* 1024*1024 normally, 10 before AUTH */
    int64_t max_bulk_noauth;/* unused unless set: 16384 before AUTH */
    bool authenticated;     /* applies the stricter limits when false */

    /* result of RESP_DONE: argv[i] points into the caller's buffer (or the
     * parser's own scratch for inline args); valid until the caller changes
     * the buffer or calls resp_parse again. */
    int argc;
    const char **argv;
    size_t *argl;
    size_t consumed;        /* bytes of buf this command used */
    const char *error;      /* RESP_PROTO_ERROR: e.g. "Protocol error: invalid bulk length" (no "ERR " prefix) */

    /* private state */
    int64_t want;           /* args still expected in current multibulk, -1 idle */
    size_t pos;             /* parse position inside buf */
    int cap;
    size_t *offs;           /* arg offsets while incomplete */
    char *scratch;          /* unescaped inline args */
    size_t scratch_cap;
    int64_t bulk_len;       /* length of the bulk being read, -1 if none */
} RespParser;

void resp_parser_init(RespParser *p);
void resp_parser_free(RespParser *p);
/* Parses the next command from buf[0..len) where buf starts at the first
 * unconsumed byte (the same start as the previous call that returned
 * NEED_MORE; the caller may move the bytes but not drop any). */
RespStatus resp_parse(RespParser *p, const char *buf, size_t len);
/* A hint for the reader: how many more bytes the current bulk needs
 * (0 if unknown), so big payloads are read in one go. */
size_t resp_bytes_wanted(const RespParser *p);

#endif
