/* persist/rdb_load.c -- TEMPORARY stand-in (see rdb_load.h). */
#include "rdb_load.h"

#include <stdio.h>

bool rdb_load_file(const char *path, const RdbLoadOptions *opt, RdbLoadStats *st, char *err,
                   size_t errcap) {
    UNUSED(opt);
    UNUSED(st);
    snprintf(err, errcap, "%s: loading is not built yet", path);
    return false;
}
