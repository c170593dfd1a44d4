/* ds/glob.c -- Redis 7.0's stringmatchlen() semantics, matched without
 * recursion. Every pattern element except '*' matches exactly one byte, so
 * a greedy scan that backtracks only to the most recent '*' finds a match
 * whenever one exists, in O(plen * slen) time and O(1) space.
 *
 * The rules, as observed on redis-server 7.0.15 (KEYS, CONFIG GET for
 * nocase, PSUBSCRIBE):
 *   *      any run of bytes; consecutive stars act as one.
 *   ?      any one byte (NUL included).
 *   \c     the byte c literally; a '\' that ends the pattern is itself a
 *          literal '\'.
 *   [...]  one byte from the class; [^...] negates it ('!' is literal).
 *          In a class: "\c" is c literally (even ']', '-', '^'); "]" closes
 *          it, so "[]" is an empty class that matches nothing and "[]a]" is
 *          that empty class followed by "a]"; "x-y" is a range whenever
 *          two bytes follow x and the middle one is '-', so "[a-]" is the
 *          range ']'..'a' with the class left open; a reversed range
 *          ("[z-a]") is swapped. A '[' that is never closed takes the rest
 *          of the pattern as its class ("[" matches nothing, "[^" any
 *          one byte, "a[bc" matches "ab" and "ac").
 *   Range ends and the tested byte compare as SIGNED chars (x86 Redis):
 *          bytes >= 0x80 sort below 0x00, so "[a-\xff]" is the range
 *          -1..'a' and matches "A" but not "b"; "[\x01-\x80]" matches
 *          "\x00" and "\x81" but not "a".
 *   nocase folds ASCII only, everywhere except an escaped byte inside a
 *          class ("[\M]" does not match "m", "\M" does). For a range the
 *          ends are swapped first and folded after: "[Z-a]" and "[a-M]"
 *          match nothing under nocase; "[A-z]" matches any letter.
 *   The empty string matches only the empty pattern: "*" and "**" do not
 *          match "" (KEYS * and SCAN MATCH * still list the key "" because
 *          those commands skip matching for the pattern "*"; PSUBSCRIBE *
 *          does not receive PUBLISH to channel "").
 *   Nesting: Redis recurses once per '*' that has pattern after it and
 *          gives up (no match) past 1000 levels. Since any match must pass
 *          every such star, a pattern with more than 1000 of them matches
 *          nothing; we apply that rule up front. */
#include "glob.h"

#define GLOB_MAX_STARS 1000

static inline int fold(int c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The byte as x86 Redis compares it in ranges: a signed char. */
static inline int schar(unsigned char c) {
    return c < 0x80 ? (int)c : (int)c - 256;
}

/* Matches the class whose '[' is at pat[p] against c. Returns the index
 * just past the class and sets *hit. */
static size_t class_match(const unsigned char *pat, size_t plen, size_t p, unsigned char c,
                          bool nocase, bool *hit) {
    int cc = nocase ? fold(c) : c;
    size_t q = p + 1;
    bool neg = q < plen && pat[q] == '^', match = false;

    if (neg) q++;
    while (q < plen) { /* a class never closed ends with the pattern */
        if (pat[q] == '\\' && plen - q >= 2) {
            if (pat[q + 1] == c) match = true; /* case-sensitive even with nocase */
            q += 2;
        } else if (pat[q] == ']') {
            q++;
            break;
        } else if (plen - q >= 3 && pat[q + 1] == '-') {
            int lo = schar(pat[q]), hi = schar(pat[q + 2]), x = schar(c);
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            if (nocase) {
                lo = fold(lo);
                hi = fold(hi);
                x = fold(x);
            }
            if (x >= lo && x <= hi) match = true;
            q += 3;
        } else {
            if ((nocase ? fold(pat[q]) : pat[q]) == cc) match = true;
            q++;
        }
    }
    *hit = match != neg;
    return q;
}

/* Matches the one-byte element at pat[p] (anything but '*') against c.
 * Returns the index just past the element and sets *hit. */
static size_t element(const unsigned char *pat, size_t plen, size_t p, unsigned char c,
                      bool nocase, bool *hit) {
    switch (pat[p]) {
    case '?':
        *hit = true;
        return p + 1;
    case '[':
        return class_match(pat, plen, p, c, nocase, hit);
    case '\\':
        if (p + 1 < plen) p++; /* escaped byte; a final '\\' is literal */
        /* fall through */
    default:
        *hit = nocase ? fold(pat[p]) == fold(c) : pat[p] == c;
        return p + 1;
    }
}

/* Index past the element that starts at pat[p] (not '*'), for counting. */
static size_t skip_element(const unsigned char *pat, size_t plen, size_t p) {
    bool unused;
    return element(pat, plen, p, 0, false, &unused);
}

/* Number of star runs that have pattern after them: the recursion depth
 * Redis needs for any match. Stops counting past the limit. */
static size_t inner_star_runs(const unsigned char *pat, size_t plen) {
    size_t n = 0, p = 0;
    while (p < plen && n <= GLOB_MAX_STARS) {
        if (pat[p] == '*') {
            while (p < plen && pat[p] == '*') p++;
            if (p < plen) n++;
        } else {
            p = skip_element(pat, plen, p);
        }
    }
    return n;
}

bool glob_match(const char *pattern, size_t plen, const char *string, size_t slen, bool nocase) {
    const unsigned char *pat = (const unsigned char *)pattern;
    const unsigned char *str = (const unsigned char *)string;

    if (slen == 0) return plen == 0;
    /* Each inner star run takes at least two bytes ("*a"): only a long
     * pattern can pass the limit, so most calls skip the count. */
    if (plen > 2 * GLOB_MAX_STARS && inner_star_runs(pat, plen) > GLOB_MAX_STARS) return false;

    size_t p = 0, s = 0;
    size_t star_p = SIZE_MAX, star_s = 0; /* resume point of the last '*' */
    while (s < slen) {
        if (p < plen && pat[p] == '*') {
            while (p < plen && pat[p] == '*') p++;
            if (p == plen) return true; /* a final star eats the rest */
            star_p = p;
            star_s = s;
            continue;
        }
        if (p < plen) {
            bool hit;
            size_t next = element(pat, plen, p, str[s], nocase, &hit);
            if (hit) {
                p = next;
                s++;
                continue;
            }
        }
        if (star_p == SIZE_MAX) return false;
        /* Let the last star eat one more byte and retry after it. Earlier
         * stars never need to move: the last one can absorb any shift. */
        p = star_p;
        s = ++star_s;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}
