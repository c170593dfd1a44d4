/* ds/stream_id.h -- a stream entry ID (<ms>-<seq>, two unsigned 64-bit
 * numbers) and its text form exactly as Redis 7.0 parses and prints it.
 * Shared by the stream, its consumer groups and their persistence. */
#ifndef KILAT_STREAM_ID_H
#define KILAT_STREAM_ID_H

#include "../base.h"

typedef struct {
    uint64_t ms;
    uint64_t seq;
} StreamId;

#define STREAM_ID_TEXT_MAX 42 /* "18446744073709551615-18446744073709551615" + NUL */

/* <0, 0, >0 as a is before, equal to or after b. */
int stream_id_cmp(const StreamId *a, const StreamId *b);
bool stream_id_is_zero(const StreamId *id);

/* The next / previous ID in order; false (id unchanged) at the top
 * (UINT64_MAX-UINT64_MAX) / at 0-0. */
bool stream_id_incr(StreamId *id);
bool stream_id_decr(StreamId *id);

/* How a parse treats the special forms. */
typedef struct {
    uint64_t missing_seq; /* the seq of "<ms>" alone: 0 for a start, UINT64_MAX for an end */
    bool strict;          /* "-" and "+" are invalid (XADD, XSETID, XGROUP...) */
    bool allow_seq_star;  /* "<ms>-*" is allowed (XADD): *seq_given says so */
} StreamIdParse;

/* Parses s as Redis does: "-" is 0-0 and "+" the top ID (unless strict),
 * "<ms>" takes missing_seq, "<ms>-<seq>"; each number as Redis's string2ull
 * (a canonical integer, or what strtoull accepts whole: "+5" and " 5" are
 * 5). Text after an embedded NUL is ignored and more than 127 bytes is
 * invalid, as in Redis. seq_given (may be NULL unless allow_seq_star) is
 * false for "<ms>-*" and for "<ms>" alone. false: the caller replies
 * "ERR Invalid stream ID specified as stream command argument". */
bool stream_id_parse(const char *s, size_t len, const StreamIdParse *how, StreamId *out,
                     bool *seq_given);

/* Writes "<ms>-<seq>" and a NUL to buf (>= STREAM_ID_TEXT_MAX); returns
 * the length. */
size_t stream_id_format(const StreamId *id, char *buf);

/* The 16-byte big-endian form (ms then seq): byte order is ID order. It is
 * how RDB stores node keys and PEL IDs. */
void stream_id_encode(const StreamId *id, unsigned char out[16]);
void stream_id_decode(const unsigned char in[16], StreamId *out);

#endif
