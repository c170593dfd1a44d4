/* script/cmsgpack.h -- the `cmsgpack` library of Redis scripts: MessagePack
 * pack, unpack, unpack_one and unpack_limit, with Redis 7.0's encodings,
 * limits and error texts. Internal to script/. */
#ifndef KILAT_SCRIPT_CMSGPACK_H
#define KILAT_SCRIPT_CMSGPACK_H

#include <lua.h>

/* Pushes a new table holding the library's functions (the caller makes it
 * a global and read-only). Returns 1. */
int cmsgpack_open(lua_State *L);

#endif
