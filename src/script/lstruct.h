/* script/lstruct.h -- the `struct` library of Redis scripts: binary
 * pack/unpack of C-like structures (struct.pack, struct.unpack,
 * struct.size) with Redis 7.0's formats, results and error texts.
 * Internal to script/. */
#ifndef KILAT_SCRIPT_LSTRUCT_H
#define KILAT_SCRIPT_LSTRUCT_H

#include <lua.h>

/* Pushes a new table holding the library's functions (the caller makes it
 * a global and read-only). Returns 1. */
int lstruct_open(lua_State *L);

#endif
