/* script/function.h -- Redis 7.0 functions: libraries of Lua functions
 * loaded with FUNCTION LOAD ("#!lua name=<lib>" then code that calls
 * redis.register_function), called with FCALL / FCALL_RO. The family
 * table is function_commands[]. Functions run in their own Lua state (a
 * Sandbox separate from EVAL's, so globals are never shared).
 *
 * persist/ saves and loads libraries (RDB opcode FUNCTION2, FUNCTION
 * DUMP/RESTORE payloads) through this header: a library is its code, the
 * whole text given to FUNCTION LOAD. */
#ifndef KILAT_SCRIPT_FUNCTION_H
#define KILAT_SCRIPT_FUNCTION_H

#include "../core/command.h"

extern Command function_commands[];

/* The libraries now, in load order: their count and the i-th one's code. */
size_t function_lib_count(void);
const char *function_lib_code(size_t i, size_t *len);
/* Functions registered now (INFO: functions). */
size_t function_count(void);
/* Bytes the functions' Lua state holds (INFO used_memory_vm_functions). */
size_t function_memory(void);

/* A set of libraries being built before it replaces or joins the current
 * ones (FUNCTION RESTORE, loading an RDB). */
typedef struct FunctionSet FunctionSet;
FunctionSet *function_set_new(void);
void function_set_free(FunctionSet *s);
/* Compiles the library code into s (no time limit); with replace an
 * existing library of that name in s is replaced. false with Redis's
 * error text in err (no "ERR " code in front). */
bool function_set_add(FunctionSet *s, const char *code, size_t len, bool replace, char *err,
                      size_t errlen);
/* How a set joins the current libraries. */
enum { FUNCTION_APPEND, FUNCTION_REPLACE, FUNCTION_FLUSH };
/* Joins s into the current libraries (APPEND: a library that exists
 * fails; REPLACE: it is replaced; FLUSH: s becomes the whole set). On
 * success s is consumed (freed); on failure nothing changed, s is kept
 * and err holds Redis's text. */
bool function_set_commit(FunctionSet *s, int how, char *err, size_t errlen);
/* Compiles a library straight into the current ones (loading an RDB);
 * with replace a library of that name is replaced (DEBUG RELOAD MERGE),
 * else it is an error, as Redis. */
bool function_load_library(const char *code, size_t len, bool replace, char *err, size_t errlen);
/* Deletes every library (FUNCTION FLUSH, DEBUG RELOAD). */
void function_flush_all(void);

/* FUNCTION DUMP and FUNCTION RESTORE are persist/'s (they read and write
 * RDB payloads): it sets these at start. NULL: the subcommand answers an
 * error. */
extern void (*function_dump_hook)(Client *c);
extern void (*function_restore_hook)(Client *c);

#endif
