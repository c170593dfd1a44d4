/* cmd/effects.c -- building the argv of a command's effects (effects.h).
 * Everything is on the stack or borrowed from c->argv: propagate_as copies
 * what it keeps. */
#include "effects.h"

#include <string.h>

#include "../ds/mem.h"
#include "../ds/num.h"

void effects_key(Client *c, const char *word, const char *key, size_t klen) {
    const char *argv[2] = {word, key};
    size_t argl[2] = {strlen(word), klen};
    propagate_as(c, 2, argv, argl);
}

void effects_key_arg(Client *c, const char *word, const char *key, size_t klen, const char *arg,
                     size_t alen) {
    const char *argv[3] = {word, key, arg};
    size_t argl[3] = {strlen(word), klen, alen};
    propagate_as(c, 3, argv, argl);
}

void effects_key_int(Client *c, const char *word, const char *key, size_t klen, int64_t n) {
    char num[24];
    size_t len = num_format_int64(num, n);
    effects_key_arg(c, word, key, klen, num, len);
}

void effects_replace(Client *c, int n, const int *at, const char *const *with, const size_t *withl) {
    const char *small[8];
    size_t smalll[8];
    int argc = c->argc;
    const char **argv = argc <= 8 ? small : mem_alloc(sizeof(*argv) * (size_t)argc);
    size_t *argl = argc <= 8 ? smalll : mem_alloc(sizeof(*argl) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        argv[i] = c->argv[i];
        argl[i] = c->argl[i];
    }
    for (int i = 0; i < n; i++) {
        argv[at[i]] = with[i];
        argl[at[i]] = withl[i];
    }
    propagate_as(c, argc, argv, argl);
    if (argv != small) {
        mem_free(argv);
        mem_free(argl);
    }
}

void effects_del(Client *c, bool lazy, const char *key, size_t klen) {
    effects_key(c, lazy ? "UNLINK" : "DEL", key, klen);
}
