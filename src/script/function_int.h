/* script/function_int.h -- internal to the function family (function.c,
 * function_lib.c): libraries, functions and their Lua state. */
#ifndef KILAT_SCRIPT_FUNCTION_INT_H
#define KILAT_SCRIPT_FUNCTION_INT_H

#include <lua.h>

#include "../ds/ht.h"
#include "function.h"
#include "sandbox.h"

/* A function's flags (redis.register_function's flags={...}). */
enum {
    FN_NO_WRITES = 1,
    FN_ALLOW_OOM = 2,
    FN_ALLOW_STALE = 4,
    FN_NO_CLUSTER = 8,
    FN_ALLOW_CROSS_SLOT = 16,
};

typedef struct Library Library;

typedef struct Function {
    void *next;         /* the set's hash table link */
    char *key;          /* lower-case name: the table's key */
    size_t klen;
    char *name;         /* as registered */
    char *desc;         /* NULL: none given */
    int flags;          /* FN_* */
    int ref;            /* the callback, in the state's registry */
    Library *lib;
} Function;

struct Library {
    char *name;         /* case-sensitive */
    size_t nlen;
    char *code;         /* the whole text given to FUNCTION LOAD */
    size_t clen;
    Function **fns;     /* owned */
    int nfns, cap;
};

struct FunctionSet {
    Library **libs;     /* load order */
    size_t n, cap;
    size_t nfns;
    HashTable *fns;     /* lower-case name -> Function (not owned) */
};

extern Sandbox function_sb;
extern FunctionSet *function_current;

lua_State *function_state(void);
FunctionSet *function_current_set(void);
/* The function named name (any case), or NULL. */
Function *function_find(const char *name, size_t len);
/* The i-th flag's name and FN_ bit in Redis's order; NULL past the end. */
const char *function_flag_name(int i, int *flag);
/* Index of the library named name in s, or SIZE_MAX. */
size_t function_set_index(const FunctionSet *s, const char *name, size_t len);
/* Takes the i-th library out of s and returns it. */
Library *function_set_unlink(FunctionSet *s, size_t i);
/* Frees a library taken out of its set (its callbacks leave the state). */
void function_lib_free(Library *lib);
/* function_set_add with FUNCTION LOAD's time limit (timed) and the
 * loaded library's name copied to name_out. */
bool function_set_add_timed(FunctionSet *s, const char *code, size_t len, bool replace, bool timed,
                            char *name_out, size_t name_cap, char *err, size_t errlen);

#endif
