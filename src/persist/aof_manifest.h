/* persist/aof_manifest.h -- Redis 7.0's multi-part AOF manifest: which
 * files make up the AOF, in appendonlydir/<appendfilename>.manifest, one
 * line per file: `file <name> seq <n> type <b|h|i>` (the base, history
 * files awaiting deletion, incremental files in order). Names that need
 * it are quoted as Redis's sdscatrepr writes them; the parser accepts
 * what Redis's sdssplitargs accepts. */
#ifndef KILAT_AOF_MANIFEST_H
#define KILAT_AOF_MANIFEST_H

#include "../base.h"

typedef struct {
    char *name;   /* a bare file name, inside appenddirname */
    int64_t seq;
    char type;    /* 'b' base, 'h' history, 'i' incremental */
} AofInfo;

typedef struct {
    AofInfo *base;           /* NULL: none */
    AofInfo *incr;           /* oldest first */
    size_t nincr;
    AofInfo *hist;           /* in the manifest's order */
    size_t nhist;
    int64_t base_seq;        /* the last base / incr sequence numbers used */
    int64_t incr_seq;
    bool dirty;              /* differs from the file on disk */
} AofManifest;

AofManifest *aof_manifest_new(void);
void aof_manifest_free(AofManifest *m);
AofManifest *aof_manifest_dup(const AofManifest *m);

/* Reads the manifest at path. On a bad file logs Redis's "*** FATAL AOF
 * MANIFEST FILE ERROR ***" lines (the line number, the line, the reason)
 * and returns NULL. */
AofManifest *aof_manifest_read(const char *path);

/* The manifest's text (mem_alloc'd, NUL terminated). */
char *aof_manifest_format(const AofManifest *m);
/* Writes it atomically to path (temp file in the same directory, fsync,
 * rename, directory fsync) and clears dirty. 0 or -errno (logged). */
int aof_manifest_write(AofManifest *m, const char *path);

/* A new base `<prefix>.<seq>.base.<rdb|aof>`: the current base becomes
 * history (first in the history list, as Redis). Returns its name. */
const char *aof_manifest_new_base(AofManifest *m, const char *prefix, bool rdb);
/* A new incremental file `<prefix>.<seq>.incr.aof` at the end. */
const char *aof_manifest_new_incr(AofManifest *m, const char *prefix);
/* After a rewrite: every incremental file (but the last when keep_last,
 * the one being written) becomes history (at its head, oldest first, as Redis). */
void aof_manifest_incr_to_history(AofManifest *m, bool keep_last);
/* Replaces the base with `name` seq 1 (the upgrade of an old single-file
 * AOF). */
void aof_manifest_set_base(AofManifest *m, const char *name, int64_t seq);
void aof_manifest_clear_history(AofManifest *m);

#endif
