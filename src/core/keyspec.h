/* core/keyspec.h -- key specs: where a command's keys sit in its argv and
 * what the command does to each, in Redis 7.0's model (a begin search, index
 * or keyword, then a find: range or key count). keyspec_table.c holds the
 * specs of every Redis 7.0 command, implemented here or not, as one text row
 * per command (none for a command without keys); keyspec_init parses them
 * once. COMMAND INFO,
 * COMMAND GETKEYS[ANDFLAGS] (and later ACL key patterns, cluster routing)
 * read them. */
#ifndef KILAT_KEYSPEC_H
#define KILAT_KEYSPEC_H

#include "../base.h"

/* Key flags, in the order Redis prints them. */
enum {
    KS_RW = 1u << 0, KS_RO = 1u << 1, KS_OW = 1u << 2, KS_RM = 1u << 3,
    KS_ACCESS = 1u << 4, KS_UPDATE = 1u << 5, KS_INSERT = 1u << 6, KS_DELETE = 1u << 7,
    KS_NOT_KEY = 1u << 8, KS_INCOMPLETE = 1u << 9, KS_VARIABLE_FLAGS = 1u << 10,
};
#define KS_NFLAGS 11

typedef enum { KB_INDEX, KB_KEYWORD, KB_UNKNOWN } KeyBegin;
typedef enum { KF_RANGE, KF_KEYNUM, KF_UNKNOWN } KeyFind;

typedef struct {
    uint16_t flags;
    uint8_t begin, find;   /* KeyBegin, KeyFind */
    int8_t note;           /* index into the notes, -1: none */
    int16_t pos;           /* KB_INDEX: argv index; KB_KEYWORD: startfrom */
    char keyword[12];      /* KB_KEYWORD */
    int16_t a, b, c;       /* KF_RANGE: lastkey, keystep, limit;
                              KF_KEYNUM: keynumidx, firstkey, keystep */
} KeySpec;

/* How keys are found when the specs cannot tell (Redis's getkeys procs). */
typedef enum {
    KP_NONE, KP_NUM_023, KP_NUM_012, KP_NUM_STORE, /* numkeys at 2/1/2, keys after it */
    KP_SORT, KP_SORT_RO, KP_MIGRATE, KP_GEORADIUS, KP_XREAD, KP_SET, KP_BITFIELD,
} KeyProc;

enum { KS_OPTIONAL = 1 }; /* no_mandatory_keys: zero keys is valid (EVAL) */

#define KS_MAX_SPECS 3

typedef struct CommandKeys {
    const char *name;      /* "get", "xgroup|create" */
    int16_t arity;
    uint8_t opt;           /* KS_OPTIONAL */
    uint8_t proc;          /* KeyProc */
    const char *text;      /* the specs, see keyspec_table.c */
    /* filled by keyspec_init */
    uint8_t nspecs;
    bool movable;          /* a spec other than index+range: keys move */
    int16_t first, last, step; /* COMMAND INFO's legacy range */
    KeySpec spec[KS_MAX_SPECS];
} CommandKeys;

typedef struct {
    int pos;               /* argv index */
    uint16_t flags;
} KeyRef;

/* Parses the table (once; asserts on a malformed row). */
void keyspec_init(void);
/* The row for "name" or "parent|sub", any case; NULL if Redis has no such
 * command (a container has no row of its own: its subcommands do). */
const CommandKeys *keyspec_lookup(const char *fullname, size_t len);
/* True if the command has keys at all (a spec not marked not_key, or a proc). */
bool keyspec_has_keys(const CommandKeys *ck);
/* The keys of argv[0..argc) as Redis's COMMAND GETKEYS finds them: the specs,
 * else the command's proc. Returns the count and *out (mem_alloc'ed, the
 * caller frees it; NULL when 0). Arity must have been checked. */
int keyspec_find(const CommandKeys *ck, const char *const *argv, const size_t *argl, int argc,
                 KeyRef **out);
/* The name of key flag bit i (0 <= i < KS_NFLAGS): "RW", "access"... */
const char *keyspec_flag_name(int i);
/* The note of a spec ("" if none). */
const char *keyspec_note(const KeySpec *ks);

#endif
