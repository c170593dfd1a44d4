/* script/script.h -- Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and
 * SCRIPT (the family table is script_commands[]). One Lua state lives for
 * the whole process; SCRIPT FLUSH replaces it. Scripts run to completion
 * on the main thread, so each is atomic. */
#ifndef KILAT_SCRIPT_H
#define KILAT_SCRIPT_H

#include "../core/command.h"

extern Command script_commands[];

/* Bytes the Lua state holds now (INFO used_memory_lua). */
size_t script_memory(void);
/* Scripts in the cache and the bytes of their bodies (INFO memory's
 * number_of_cached_scripts and used_memory_scripts_eval). */
size_t script_cached_count(void);
size_t script_cached_bytes(void);
/* The client whose script is running if c is the client its redis.call
 * commands run on, else NULL (ACL: the log names the caller). */
Client *script_caller_of(const Client *c);

#endif
