/* persist/rdb_load.c -- TEMPORARY stand-in until h11-dec's loader merges. */
#include "rdb_load.h"

#include <stdio.h>

bool rdb_load_file(const char *path, const RdbLoadOpts *opts, RdbLoadStats *stats, char *err,
                   size_t errlen) {
    UNUSED(opts);
    UNUSED(stats);
    snprintf(err, errlen, "%s: loading is not built yet", path);
    return false;
}
