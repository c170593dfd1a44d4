/* script/lstruct.c -- the `struct` library of scripts, written from the
 * documentation of Lua's struct library to match what Redis 7.0 gives.
 *
 * A format is read left to right: ">" big endian, "<" little endian, "![n]"
 * alignment n (a power of 2; bare "!" is the native 8), " " ignored, "x" a
 * zero byte, "b"/"B" 1-byte, "h"/"H" 2-byte, "l"/"L" and "T" 8-byte,
 * "i[n]"/"I[n]" n-byte (default 4, at most 32) signed/unsigned integers,
 * "f" float, "d" double, "c[n]" n chars (pack: c0 = the whole string;
 * unpack: c0 = as many as the number just read, which is then dropped),
 * "s" a zero-terminated string. Endianness starts native, alignment 1; an
 * item of size k is placed at a multiple of min(k, alignment).
 * Integers carry 64 bits: bytes past the 8th pack as 0, and numbers,
 * offsets and sign extension behave as in an x86-64 build of Redis
 * (out-of-range numbers pack as 0 or 2^63, negative offsets wrap). */
#include "lstruct.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAX_INT_SIZE 32
#define NATIVE_ALIGN 8 /* alignment of double on the 64-bit targets */
#define INT_SIZE 4     /* "i" without a size */
#define LONG_SIZE 8    /* "l" and "T", as on Linux x86-64 (Windows too) */

typedef struct {
    bool little;
    int align;
} Header;

static bool native_little(void) {
    const union {
        int i;
        char c;
    } probe = {1};
    return probe.c == 1;
}

/* Reads the digits at *fmt as an int, df when there are none. */
static int read_num(lua_State *L, const char **fmt, int df) {
    if (!isdigit((unsigned char)**fmt)) return df;
    int a = 0;
    do {
        int d = *(*fmt)++ - '0';
        if (a > (INT_MAX - d) / 10) luaL_error(L, "integral size overflow");
        a = a * 10 + d;
    } while (isdigit((unsigned char)**fmt));
    return a;
}

/* The size of option opt (0 for control characters and unknown letters);
 * reads the count after "c", "i" and "I". */
static size_t opt_size(lua_State *L, int opt, const char **fmt) {
    switch (opt) {
    case 'B':
    case 'b':
    case 'x':
        return 1;
    case 'H':
    case 'h':
        return 2;
    case 'L':
    case 'l':
    case 'T':
        return LONG_SIZE;
    case 'f':
        return sizeof(float);
    case 'd':
        return sizeof(double);
    case 'c':
        return (size_t)read_num(L, fmt, 1);
    case 'i':
    case 'I': {
        int n = read_num(L, fmt, INT_SIZE);
        if (n > MAX_INT_SIZE) luaL_error(L, "integral size %d is larger than limit of %d", n, MAX_INT_SIZE);
        return (size_t)n;
    }
    default:
        return 0;
    }
}

/* Padding before an item of `size` bytes at offset len. The formula holds
 * for alignments that are not powers of 2 too ("i3" under "!4"), giving the
 * offsets Redis gives. */
static size_t align_pad(size_t len, const Header *h, int opt, size_t size) {
    if (size == 0 || opt == 'c') return 0;
    if (size > (size_t)h->align) size = (size_t)h->align;
    return (size - (len & (size - 1))) & (size - 1);
}

static void control(lua_State *L, int opt, const char **fmt, Header *h) {
    switch (opt) {
    case ' ':
        return;
    case '>':
        h->little = false;
        return;
    case '<':
        h->little = true;
        return;
    case '!': {
        int a = read_num(L, fmt, NATIVE_ALIGN);
        if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
        h->align = a;
        return;
    }
    default:
        luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
    }
}

/* A Lua number as the 64 bits an x86-64 C cast gives it: negative through
 * int64 (out of range: 2^63), positive through uint64 (2^64 and more: 0,
 * NaN: 2^63). */
static uint64_t num_bits(lua_Number x) {
    if (x < 0) return x >= -9223372036854775808.0 ? (uint64_t)(int64_t)x : 0x8000000000000000ULL;
    if (!(x < 18446744073709551616.0)) return x != x ? 0x8000000000000000ULL : 0;
    if (x < 9223372036854775808.0) return (uint64_t)(int64_t)x;
    return (uint64_t)x;
}

static void reverse_if(unsigned char *p, size_t n, bool swap) {
    if (!swap) return;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

/* ---- pack(fmt, v1, ...) ---- */

static void put_int(luaL_Buffer *b, uint64_t v, bool little, size_t size) {
    unsigned char out[MAX_INT_SIZE];
    for (size_t i = 0; i < size; i++) {
        unsigned char byte = i < 8 ? (unsigned char)(v >> (8 * i)) : 0;
        out[little ? i : size - 1 - i] = byte;
    }
    luaL_addlstring(b, (const char *)out, size);
}

/* Adds the n bytes of a float or double at v in the byte order asked. */
static void put_real(luaL_Buffer *b, const void *v, size_t n, bool little) {
    unsigned char out[sizeof(double)];
    memcpy(out, v, n);
    reverse_if(out, n, little != native_little());
    luaL_addlstring(b, (const char *)out, n);
}

static int l_pack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    Header h = {native_little(), 1};
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    lua_pushnil(L); /* parts of b go above this: a missing argument is nil */
    luaL_buffinit(L, &b);
    while (*fmt) {
        int opt = (unsigned char)*fmt++;
        size_t size = opt_size(L, opt, &fmt);
        size_t pad = align_pad(total, &h, opt, size);
        total += pad;
        while (pad-- > 0) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I':
            put_int(&b, num_bits(luaL_checknumber(L, arg++)), h.little, size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            put_real(&b, &f, sizeof f, h.little);
            break;
        }
        case 'd': {
            double d = (double)luaL_checknumber(L, arg++);
            put_real(&b, &d, sizeof d, h.little);
            break;
        }
        case 'c':
        case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) size = l;
            /* Redis names the argument after this one */
            luaL_argcheck(L, l >= size, arg, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            control(L, opt, &fmt, &h);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

/* ---- unpack(fmt, s [, pos]) ---- */

static void push_int(lua_State *L, const unsigned char *p, bool little, bool is_signed, size_t size) {
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++) v = (v << 8) | p[little ? size - 1 - i : i];
    if (!is_signed) {
        lua_pushnumber(L, (lua_Number)v);
        return;
    }
    /* Sign extension as Redis's x86-64 build does it: the mask is all ones
     * from bit size*8-1 up, with the shift count taken modulo 64 (so "i10"
     * extends from bit 15, and "i0" from bit 63). */
    uint64_t mask = ~0ULL << ((size * 8 - 1) & 63);
    if (v & mask) v |= mask;
    lua_pushnumber(L, (lua_Number)(int64_t)v);
}

/* Reads the n bytes of a float or double at p, stored in the byte order
 * given, into v. */
static void get_real(void *v, const unsigned char *p, size_t n, bool little) {
    unsigned char in[sizeof(double)];
    memcpy(in, p, n);
    reverse_if(in, n, little != native_little());
    memcpy(v, in, n);
}

static int l_unpack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    /* Redis refuses 0 only: a negative offset wraps to a huge position,
     * which is "data string too short" at the first option */
    size_t pos = (size_t)luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
    pos--;
    Header h = {native_little(), 1};
    int n = 0;
    while (*fmt) {
        int opt = (unsigned char)*fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += align_pad(pos, &h, opt, size);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        const unsigned char *p = (const unsigned char *)data + pos;
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I':
            push_int(L, p, h.little, islower(opt), size);
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            float f;
            get_real(&f, p, sizeof f, h.little);
            lua_pushnumber(L, (lua_Number)f);
            n++;
            break;
        }
        case 'd': {
            double d;
            get_real(&d, p, sizeof d, h.little);
            lua_pushnumber(L, (lua_Number)d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) { /* the length is the number read last */
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)num_bits(lua_tonumber(L, -1));
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld - pos, 2, "data string too short");
            }
            lua_pushlstring(L, (const char *)p, size);
            n++;
            break;
        case 's': {
            const unsigned char *end = memchr(p, '\0', ld - pos);
            if (!end) luaL_error(L, "unfinished string in data");
            size = (size_t)(end - p) + 1;
            lua_pushlstring(L, (const char *)p, size - 1);
            n++;
            break;
        }
        default:
            control(L, opt, &fmt, &h);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

/* ---- size(fmt) ---- */

static int l_size(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    Header h = {native_little(), 1};
    size_t pos = 0;
    while (*fmt) {
        int opt = (unsigned char)*fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += align_pad(pos, &h, opt, size);
        if (opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
        else if (opt == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
        /* letters without a size (unknown ones too) count 0 here */
        if (!isalnum(opt)) control(L, opt, &fmt, &h);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int lstruct_open(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"pack", l_pack},
        {"unpack", l_unpack},
        {"size", l_size},
        {NULL, NULL},
    };
    lua_newtable(L);
    luaL_register(L, NULL, fns); /* NULL: into the table on top, no global */
    return 1;
}
