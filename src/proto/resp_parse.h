/* proto/resp_parse.h -- request parser: bytes -> argv, no I/O.
 * Accepts RESP multibulk (*N\r\n$len\r\n...) and inline commands (a line of
 * space-separated words with "..." and '...' quoting, as redis-cli and
 * telnet send). Incremental: a request split at any byte boundary is
 * resumed where it stopped, without rescanning big bulk payloads.
 * Behaviour (limits, error strings, what is tolerated) is Redis 7.0's,
 * observed byte for byte against redis-server 7.0.15. */
#ifndef KILAT_RESP_PARSE_H
#define KILAT_RESP_PARSE_H

#include "../base.h"

typedef enum {
    RESP_DONE,       /* one command is in argv/argl (argc may be 0: skip) */
    RESP_NEED_MORE,  /* buffer ends inside a request: read more bytes */
    RESP_PROTO_ERROR /* malformed: reply "-ERR " p->error, then close */
} RespStatus;

/* Redis's fixed limits. A line (inline request, or a "*N"/"$N" count
 * line) still without its terminator once more than RESP_INLINE_MAX bytes
 * are buffered from its start is an error. A longer line that arrives whole
 * is accepted, as in Redis given the same buffer; Redis reads 16 KB at a
 * time, so over the wire it fails lines longer than about 64-80 KB. */
#define RESP_INLINE_MAX (64 * 1024)
#define RESP_NOAUTH_MAX_MULTIBULK 10 /* args per command before AUTH */
#define RESP_NOAUTH_MAX_BULK 16384   /* default of max_bulk_noauth */

typedef struct {
    /* limits, set by the owner (server config); resp_parser_init sets the
     * Redis defaults. The owner may change them between calls. */
    int64_t max_bulk;        /* proto-max-bulk-len (512mb); a master link
                                may set INT64_MAX (Redis skips the check) */
    int64_t max_multibulk;   /* args per command: INT_MAX, as Redis 7.0
                                (values above INT_MAX act as INT_MAX) */
    int64_t max_bulk_noauth; /* 16384: bulk length before AUTH */
    bool authenticated;      /* false (init): RESP_NOAUTH_MAX_MULTIBULK and
                                max_bulk_noauth apply; the server sets it
                                true when no password is configured */

    /* result of RESP_DONE: argv[i] points into the caller's buffer
     * (multibulk) or the parser's own scratch (inline); not NUL-terminated;
     * valid until the caller changes the buffer or calls resp_parse again. */
    int argc;
    const char **argv;
    size_t *argl;
    size_t consumed;   /* RESP_DONE: bytes of buf this command used */
    const char *error; /* RESP_PROTO_ERROR: e.g. "Protocol error: invalid
                          bulk length" (no "ERR " prefix); may hold any
                          byte but \r \n (the got 'X' of "expected '$'") */

    /* private state */
    int64_t want;      /* args of the current multibulk, -1 idle */
    int64_t bulk_len;  /* length of the bulk being read, -1 if none */
    size_t pos;        /* parse position inside buf */
    size_t seen;       /* len of the previous call (NEED_MORE), else 0 */
    const char *base;  /* buf of the previous call (NEED_MORE) */
    size_t scan_line;  /* start of the line scan refers to, SIZE_MAX none */
    size_t scan;       /* that line holds no terminator before this */
    bool line_blocked; /* a NUL hides its terminator (Redis's strchr) */
    bool failed;       /* sticky RESP_PROTO_ERROR */
    int cap;           /* entries of argv, argl and offs */
    size_t *offs;      /* arg offsets in buf while a multibulk is read */
    char *scratch;     /* unescaped inline args */
    size_t scratch_cap;
    char errbuf[48];   /* formatted error ("expected '$', got 'X'") */
} RespParser;

/* Sets the defaults above; allocates nothing. */
void resp_parser_init(RespParser *p);
/* Frees the parser's arrays and scratch (not p itself). */
void resp_parser_free(RespParser *p);
/* Parses the next command from buf[0..len) where buf starts at the first
 * unconsumed byte (the same start as the previous call that returned
 * NEED_MORE, with at least as many bytes; the caller may move the bytes but
 * not drop any). After RESP_DONE the caller runs the command, drops
 * `consumed` bytes and calls again. After RESP_PROTO_ERROR every later call
 * returns it again: Redis replies with the error and closes the client
 * without reading more. */
RespStatus resp_parse(RespParser *p, const char *buf, size_t len);
/* A hint for the reader after RESP_NEED_MORE: how many more bytes the
 * current bulk (payload and its \r\n) needs, or 0 if unknown, so big
 * payloads are read in one go. */
size_t resp_bytes_wanted(const RespParser *p);
/* After RESP_NEED_MORE inside a multibulk: the bytes at the buffer's start
 * already parsed (its "*N" line, its complete args and the current bulk's
 * "$L" line), and in *args_len the total length of the complete args;
 * 0 and 0 otherwise. (Redis has moved these out of its query buffer into
 * argv: CLIENT LIST's qbuf and argv-mem.) O(args). */
size_t resp_pending_parsed(const RespParser *p, size_t *args_len);

#endif
