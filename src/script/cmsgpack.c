/* script/cmsgpack.c -- MessagePack for scripts, written from the format's
 * specification to give the bytes and errors Redis 7.0's cmsgpack gives.
 *
 * pack(v1, ...): each value in turn, concatenated. nil c0, false c2, true
 *   c3; a number that is whole and within int64 takes the smallest integer
 *   format (fixint, then u8/u16/u32/u64 when >= 0, i8/i16/i32/i64 when < 0),
 *   any other number float32 when that is exact (infinities too), else
 *   float64; strings fixstr/str8/str16/str32; a table whose keys are
 *   exactly 1..n is an array, any other table a map in lua_next order;
 *   functions, userdata, threads, and tables nested MAX_NESTING deep (so a
 *   circular table ends) encode as nil.
 * unpack(s), unpack_one(s [, offset]), unpack_limit(s, limit [, offset]):
 *   str gives strings; bin, ext and c1 are "Bad data format",
 *   u64 reads as a signed int64 (Redis's quirk).
 * The Lua stack checks sit where Redis's do, with the same texts, so that
 * deep or long inputs hit Lua's 8000-slot limit at the same sizes. */
#include "cmsgpack.h"

#include <float.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAX_NESTING 16 /* a table at this depth encodes as nil */
#define BUF_META "kilat.cmsgpack.buf"

/* ---- output buffer: a userdata on the stack, so an error (stack
 * overflow, out of memory) cannot leak it; its __gc frees the bytes ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} Buf;

static void buf_release(lua_State *L, Buf *b) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    if (b->p) alloc(ud, b->p, b->cap, 0);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int l_buf_gc(lua_State *L) {
    buf_release(L, lua_touserdata(L, 1));
    return 0;
}

static void buf_put(lua_State *L, Buf *b, const void *src, size_t n) {
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) luaL_error(L, "not enough memory");
            cap *= 2;
        }
        void *ud;
        lua_Alloc alloc = lua_getallocf(L, &ud);
        unsigned char *p = alloc(ud, b->p, b->cap, cap);
        if (!p) luaL_error(L, "not enough memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

/* tag, then the low `bytes` bytes of v, most significant first. */
static void put_tagged(lua_State *L, Buf *b, unsigned tag, uint64_t v, int bytes) {
    unsigned char out[9];
    out[0] = (unsigned char)tag;
    for (int i = 0; i < bytes; i++) out[1 + i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    buf_put(L, b, out, (size_t)bytes + 1);
}

/* ---- pack ---- */

static void encode_int(lua_State *L, Buf *b, int64_t n) {
    if (n >= 0) {
        uint64_t u = (uint64_t)n;
        if (u <= 0x7f) put_tagged(L, b, (unsigned)u, 0, 0);
        else if (u <= 0xff) put_tagged(L, b, 0xcc, u, 1);
        else if (u <= 0xffff) put_tagged(L, b, 0xcd, u, 2);
        else if (u <= 0xffffffffULL) put_tagged(L, b, 0xce, u, 4);
        else put_tagged(L, b, 0xcf, u, 8);
    } else {
        uint64_t u = (uint64_t)n;
        if (n >= -32) put_tagged(L, b, (unsigned)(u & 0xff), 0, 0);
        else if (n >= -128) put_tagged(L, b, 0xd0, u, 1);
        else if (n >= -32768) put_tagged(L, b, 0xd1, u, 2);
        else if (n >= INT32_MIN) put_tagged(L, b, 0xd2, u, 4);
        else put_tagged(L, b, 0xd3, u, 8);
    }
}

static void encode_number(lua_State *L, Buf *b, lua_Number n) {
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 && (lua_Number)(int64_t)n == n) {
        encode_int(L, b, (int64_t)n);
    } else if (isinf(n) || (fabs(n) <= FLT_MAX && (double)(float)n == n)) {
        float f = (float)n;
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_tagged(L, b, 0xca, bits, 4);
    } else {
        double d = n;
        uint64_t bits;
        memcpy(&bits, &d, 8);
        put_tagged(L, b, 0xcb, bits, 8);
    }
}

static void encode_string(lua_State *L, Buf *b) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (len < 32) put_tagged(L, b, 0xa0 | (unsigned)len, 0, 0);
    else if (len <= 0xff) put_tagged(L, b, 0xd9, len, 1);
    else if (len <= 0xffff) put_tagged(L, b, 0xda, len, 2);
    else put_tagged(L, b, 0xdb, len, 4);
    buf_put(L, b, s, len);
}

/* Counts the entries of the table at the top; true when its keys are
 * exactly the integers 1..*count (then it packs as an array). */
static bool table_is_array(lua_State *L, size_t *count) {
    size_t n = 0;
    lua_Number max = 0;
    bool array = true;
    luaL_checkstack(L, 2, "in function table_is_an_array");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        n++;
        if (!array) continue;
        if (lua_type(L, -1) != LUA_TNUMBER) {
            array = false;
            continue;
        }
        lua_Number k = lua_tonumber(L, -1);
        if (!(k >= 1 && k < 9223372036854775808.0) || (lua_Number)(int64_t)k != k) array = false;
        else if (k > max) max = k;
    }
    *count = n;
    return array && max == (lua_Number)n;
}

static void encode_value(lua_State *L, Buf *b, int level);

/* The header of an array or map of n entries: fix | n up to 15, then the
 * 16-bit and 32-bit formats. */
static void put_count(lua_State *L, Buf *b, unsigned fix, unsigned tag16, unsigned tag32, size_t n) {
    if (n <= 15) put_tagged(L, b, fix | (unsigned)n, 0, 0);
    else if (n <= 0xffff) put_tagged(L, b, tag16, n, 2);
    else put_tagged(L, b, tag32, n, 4);
}

static void encode_table(lua_State *L, Buf *b, int level) {
    size_t n;
    if (table_is_array(L, &n)) {
        put_count(L, b, 0x90, 0xdc, 0xdd, n);
        luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, (int)i);
            encode_value(L, b, level + 1);
        }
        return;
    }
    put_count(L, b, 0x80, 0xde, 0xdf, n);
    luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* table, key, value */
        lua_pushvalue(L, -2);
        encode_value(L, b, level + 1); /* the key copy */
        encode_value(L, b, level + 1); /* the value */
    }
}

/* Encodes the value at the top of the stack and pops it. */
static void encode_value(lua_State *L, Buf *b, int level) {
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        encode_string(L, b);
        break;
    case LUA_TBOOLEAN:
        put_tagged(L, b, lua_toboolean(L, -1) ? 0xc3 : 0xc2, 0, 0);
        break;
    case LUA_TNUMBER:
        encode_number(L, b, lua_tonumber(L, -1));
        break;
    case LUA_TTABLE:
        if (level < MAX_NESTING) {
            encode_table(L, b, level);
            break;
        }
        put_tagged(L, b, 0xc0, 0, 0); /* too deep: nil */
        break;
    default:
        put_tagged(L, b, 0xc0, 0, 0);
        break;
    }
    lua_pop(L, 1);
}

static int l_pack(lua_State *L) {
    int nargs = lua_gettop(L);
    if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    if (!lua_checkstack(L, nargs)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
    Buf *b = lua_newuserdata(L, sizeof *b);
    memset(b, 0, sizeof *b);
    luaL_getmetatable(L, BUF_META);
    lua_setmetatable(L, -2);
    for (int i = 1; i <= nargs; i++) {
        lua_pushvalue(L, i);
        encode_value(L, b, 0);
    }
    lua_pushlstring(L, (const char *)b->p, b->len);
    buf_release(L, b);
    return 1;
}

/* ---- unpack ---- */

typedef struct {
    const unsigned char *p;
    size_t left;
} Cur;

static void need(lua_State *L, const Cur *c, size_t n) {
    if (c->left < n) luaL_error(L, "Missing bytes in input.");
}

/* The n-byte big-endian number after the tag byte (n <= 8). */
static uint64_t read_be(const Cur *c, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | c->p[1 + i];
    return v;
}

/* Reads a tag followed by an n-byte number; advances past both. */
static uint64_t take_num(lua_State *L, Cur *c, int n) {
    need(L, c, (size_t)n + 1);
    uint64_t v = read_be(c, n);
    c->p += n + 1;
    c->left -= (size_t)n + 1;
    return v;
}

static void take_bytes(lua_State *L, Cur *c, uint64_t len) {
    if (c->left < len) luaL_error(L, "Missing bytes in input.");
    lua_pushlstring(L, (const char *)c->p, (size_t)len);
    c->p += len;
    c->left -= (size_t)len;
}

static void decode_value(lua_State *L, Cur *c);

static void decode_array(lua_State *L, Cur *c, uint64_t n) {
    lua_newtable(L);
    luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
    for (uint64_t i = 1; i <= n; i++) {
        lua_pushnumber(L, (lua_Number)i);
        decode_value(L, c);
        lua_settable(L, -3);
    }
}

static void decode_map(lua_State *L, Cur *c, uint64_t n) {
    lua_newtable(L);
    for (uint64_t i = 0; i < n; i++) {
        decode_value(L, c); /* key */
        decode_value(L, c); /* value */
        lua_settable(L, -3); /* "table index is nil" as Redis */
    }
}

static void decode_value(lua_State *L, Cur *c) {
    luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
    need(L, c, 1);
    unsigned t = c->p[0];
    if (t <= 0x7f || t >= 0xe0) { /* positive and negative fixint */
        lua_pushnumber(L, (lua_Number)(int8_t)(t <= 0x7f ? t : t - 256));
        c->p++, c->left--;
        return;
    }
    if (t >= 0x80 && t <= 0x9f) { /* fixmap, fixarray */
        c->p++, c->left--;
        if (t <= 0x8f) decode_map(L, c, t & 0x0f);
        else decode_array(L, c, t & 0x0f);
        return;
    }
    if (t >= 0xa0 && t <= 0xbf) { /* fixstr */
        c->p++, c->left--;
        take_bytes(L, c, t & 0x1f);
        return;
    }
    switch (t) {
    case 0xc0:
        lua_pushnil(L);
        c->p++, c->left--;
        return;
    case 0xc2:
    case 0xc3:
        lua_pushboolean(L, t == 0xc3);
        c->p++, c->left--;
        return;
    case 0xd9: /* str 8/16/32 */
        take_bytes(L, c, take_num(L, c, 1));
        return;
    case 0xda:
        take_bytes(L, c, take_num(L, c, 2));
        return;
    case 0xdb:
        take_bytes(L, c, take_num(L, c, 4));
        return;
    case 0xca: {
        uint32_t bits = (uint32_t)take_num(L, c, 4);
        float f;
        memcpy(&f, &bits, 4);
        lua_pushnumber(L, (lua_Number)f);
        return;
    }
    case 0xcb: {
        uint64_t bits = take_num(L, c, 8);
        double d;
        memcpy(&d, &bits, 8);
        lua_pushnumber(L, (lua_Number)d);
        return;
    }
    case 0xcc:
        lua_pushnumber(L, (lua_Number)take_num(L, c, 1));
        return;
    case 0xcd:
        lua_pushnumber(L, (lua_Number)take_num(L, c, 2));
        return;
    case 0xce:
        lua_pushnumber(L, (lua_Number)take_num(L, c, 4));
        return;
    case 0xcf:
    case 0xd3: /* u64 reads signed, as on Redis */
        lua_pushnumber(L, (lua_Number)(int64_t)take_num(L, c, 8));
        return;
    case 0xd0:
        lua_pushnumber(L, (lua_Number)(int8_t)take_num(L, c, 1));
        return;
    case 0xd1:
        lua_pushnumber(L, (lua_Number)(int16_t)take_num(L, c, 2));
        return;
    case 0xd2:
        lua_pushnumber(L, (lua_Number)(int32_t)take_num(L, c, 4));
        return;
    case 0xdc:
        decode_array(L, c, take_num(L, c, 2));
        return;
    case 0xdd:
        decode_array(L, c, take_num(L, c, 4));
        return;
    case 0xde:
        decode_map(L, c, take_num(L, c, 2));
        return;
    case 0xdf:
        decode_map(L, c, take_num(L, c, 4));
        return;
    default: /* c1, bin, ext and fixext: Redis's cmsgpack knows none */
        luaL_error(L, "Bad data format in input.");
    }
}

/* Decodes from byte `offset` of argument 1: every value when limit and
 * offset are both 0 (they are returned alone), else at most `limit`
 * values, returned after the offset of the next one (-1 at the end). */
static int unpack_full(lua_State *L, int limit, int offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    bool all = limit == 0 && offset == 0;
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset, (int)len);
    if ((size_t)offset > len)
        return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)len);
    if (all) limit = INT_MAX;
    Cur c = {(const unsigned char *)s + offset, len - (size_t)offset};
    int count = 0;
    while (c.left > 0 && count < limit) {
        decode_value(L, &c);
        count++;
    }
    if (all) return count;
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(int)(len - c.left));
    lua_insert(L, 2);
    return count + 1;
}

static int l_unpack(lua_State *L) { return unpack_full(L, 0, 0); }

static int l_unpack_one(lua_State *L) {
    int offset = (int)luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return unpack_full(L, 1, offset);
}

static int l_unpack_limit(lua_State *L) {
    int limit = (int)luaL_checkinteger(L, 2);
    int offset = (int)luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return unpack_full(L, limit, offset);
}

int cmsgpack_open(lua_State *L) {
    luaL_newmetatable(L, BUF_META);
    lua_pushcfunction(L, l_buf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {
        {"pack", l_pack},
        {"unpack", l_unpack},
        {"unpack_one", l_unpack_one},
        {"unpack_limit", l_unpack_limit},
        {NULL, NULL},
    };
    lua_newtable(L);
    luaL_register(L, NULL, fns); /* NULL: into the table on top, no global */
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
