/* persist/rdb_load.h -- TEMPORARY stand-in for the whole-file loader being
 * written in another branch (h11-dec); replaced when it merges. */
#ifndef KILAT_RDB_LOAD_H
#define KILAT_RDB_LOAD_H

#include "../base.h"

typedef struct {
    uint64_t keys_loaded, keys_expired;
} RdbLoadStats;

typedef struct {
    bool allow_dup;
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
} RdbLoadOptions;

bool rdb_load_file(const char *path, const RdbLoadOptions *opt, RdbLoadStats *st, char *err,
                   size_t errcap);

#endif
