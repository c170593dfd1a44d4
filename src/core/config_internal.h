/* core/config_internal.h -- what config.c shows config_rewrite.c of its
 * directive table. Not for other modules: they use config.h. */
#ifndef KILAT_CONFIG_INTERNAL_H
#define KILAT_CONFIG_INTERNAL_H

#include "../base.h"

/* How CONFIG REWRITE writes a directive's value. */
enum {
    CR_PLAIN,         /* name value, as CONFIG GET shows it */
    CR_QUOTED,        /* name "value" (strings) */
    CR_ALWAYS_QUOTED, /* quoted, and written even at its default (dir) */
    CR_MEMORY,        /* bytes written as 1gb / 1mb / 1kb when exact */
    CR_SAVE,          /* one `save s n` line per pair, `save ""` for none */
    CR_OBUF,          /* one client-output-buffer-limit line per class */
    CR_SKIP_EMPTY,    /* no line when the value is empty (replicaof) */
    CR_WORDS,         /* space-separated words, each quoted when it must be
                       * (bind: an empty address is written as "") */
};

typedef struct {
    const char *name, *value, *def; /* value: canonical text, owned by config.c */
    int style;
    bool hidden;
    bool drop_default; /* at its default, its lines are removed, not rewritten */
} ConfigView;

/* Number of table slots; config_view fills *out for slot i and returns
 * false for an alias (aliases are written under their primary's name). */
size_t config_count(void);
bool config_view(size_t i, ConfigView *out);
/* The slot of the primary directive `name` names (aliases too), or -1. */
int config_index(const char *name);
/* Splits a config line as the loader does; false on unbalanced quotes.
 * Free with config_split_free either way. */
bool config_split(const char *line, int *argc, char ***argv);
void config_split_free(int argc, char **argv);
/* s quoted as redis.conf reads it back ("a \"b\""); caller frees (mem_free). */
char *config_repr(const char *s);

#endif
