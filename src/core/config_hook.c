/* core/config_hook.c -- the CONFIG SET hooks of layers above core (see
 * config.h). A short table: a handful of directives have one (a directive may have
 * several: maxmemory-policy feeds both eviction and the LFU counter). */
#include <strings.h>

#include "config.h"

#define MAX_HOOKS 64

static struct {
    const char *name;
    ConfigApplyFn fn;
} hooks[MAX_HOOKS];
static int nhooks;

void config_on_set(const char *name, ConfigApplyFn fn) {
    ASSERT(nhooks < MAX_HOOKS);
    hooks[nhooks].name = name;
    hooks[nhooks].fn = fn;
    nhooks++;
}

bool config_run_hook(const char *name, const char **err) {
    for (int i = 0; i < nhooks; i++)
        if (!strcasecmp(hooks[i].name, name) && !hooks[i].fn(err)) return false;
    return true;
}
