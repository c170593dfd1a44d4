/* persist/aof_load_stub.c -- TEMPORARY: replaced by aof_load.c when the
 * loader lands (aofload branch). Refuses every file, loudly. */
#include "aof_load.h"

#include "../core/log.h"

AofStatus aof_load_file(const char *path, const char *name, const AofLoadOpts *opts, uint64_t *bytes) {
    UNUSED(path);
    UNUSED(opts);
    if (bytes) *bytes = 0;
    log_msg(LOG_WARNING, "AOF loader not built yet: can't load %s", name);
    return AOF_FAILED;
}
