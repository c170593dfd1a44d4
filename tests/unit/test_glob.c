/* tests/unit/test_glob.c -- ds/glob against redis-server 7.0.15. Each
 * expectation was observed with KEYS (case-sensitive) or CONFIG GET
 * (nocase) on the real server. */
#include "ds/glob.h"

#include "unit.h"

/* Literal patterns and strings (no embedded NULs). */
static bool m(const char *pat, const char *str) {
    return glob_match(pat, strlen(pat), str, strlen(str), false);
}
static bool mi(const char *pat, const char *str) {
    return glob_match(pat, strlen(pat), str, strlen(str), true);
}

static void test_basics(void) {
    CHECK(m("", ""));
    CHECK(!m("", "a"));
    CHECK(!m("a", ""));
    CHECK(m("abc", "abc"));
    CHECK(!m("abc", "abd"));
    CHECK(!m("abc", "ab"));
    CHECK(!m("ab", "abc"));
    CHECK(!m("abc", "ABC"));
    /* * */
    CHECK(m("*", "anything"));
    CHECK(m("a*", "a"));
    CHECK(m("a*", "abc"));
    CHECK(m("*a", "a"));
    CHECK(m("*a*", "a"));
    CHECK(m("*a*", "bab"));
    CHECK(m("*?", "a"));
    CHECK(m("a**b", "ab"));
    CHECK(m("a*b*c", "aXXbYYc"));
    CHECK(!m("a*b*c", "aXXbYY"));
    CHECK(m("user:*:name", "user:42:name"));
    CHECK(!m("user:*:name", "user:42:names"));
    CHECK(m("*:*", "a:b:c"));
    CHECK(m("*ab", "aab"));
    CHECK(m("*aab", "aaab"));
    CHECK(!m("*b", "aaa"));
    /* The empty string matches only the empty pattern (KEYS/SCAN special-
     * case "*"; PSUBSCRIBE * does not get PUBLISH to channel ""). */
    CHECK(!m("*", ""));
    CHECK(!m("**", ""));
    CHECK(!m("?*", ""));
    CHECK(!m("[^", ""));
    CHECK(!m("[^a]", ""));
    /* ? */
    CHECK(m("?", "a"));
    CHECK(!m("?", ""));
    CHECK(!m("?", "ab"));
    CHECK(m("h?llo", "hello"));
    CHECK(m("h?llo", "hallo"));
    CHECK(!m("h?llo", "hllo"));
}

static void test_escapes(void) {
    CHECK(m("\\*", "*"));
    CHECK(!m("\\*", "\\x"));
    CHECK(!m("\\*", "a"));
    CHECK(m("\\a", "a"));
    CHECK(m("\\?", "?"));
    CHECK(!m("\\?", "a"));
    CHECK(m("\\[a]", "[a]"));
    CHECK(m("\\\\", "\\"));     /* escaped backslash */
    CHECK(m("\\", "\\"));       /* a final '\' is a literal backslash */
    CHECK(m("a\\", "a\\"));
    CHECK(!m("a\\", "a"));
    CHECK(m("\\\\[ab]", "\\a")); /* '[' after an escaped '\' opens a class */
    CHECK(!m("\\\\[ab]", "\\[ab]"));
}

static void test_classes(void) {
    CHECK(m("[abc]", "b"));
    CHECK(!m("[abc]", "d"));
    CHECK(m("h[ae]llo", "hello"));
    CHECK(!m("h[ae]llo", "hillo"));
    CHECK(m("[^abc]", "d"));
    CHECK(!m("[^abc]", "a"));
    CHECK(!m("[!a]", "b"));        /* '!' is no negation */
    CHECK(m("[!a]", "!"));
    CHECK(m("[a-z]", "m"));
    CHECK(!m("[a-z]", "M"));
    CHECK(m("[a-a]", "a"));
    CHECK(m("[z-a]", "m"));        /* reversed range is swapped */
    CHECK(m("[--0]", "/"));
    CHECK(!m("[^-]", "-"));
    CHECK(m("[a-b-c]", "-"));      /* a-b, then '-' and 'c' literals */
    CHECK(m("[a-b-c]", "c"));
    /* ']' first closes the class: "[]" is empty and matches nothing */
    CHECK(!m("[]", "]"));
    CHECK(!m("[]]", "]"));
    CHECK(!m("[]a]", "a"));
    CHECK(!m("[^]]", "a"));
    CHECK(m("[^]", "x"));          /* "[^]": negated empty class */
    /* a range needs two bytes after its start, even if one is ']' */
    CHECK(m("[a-]", "a"));         /* range ']'..'a', class left open */
    CHECK(m("[a-]", "]"));
    CHECK(m("[a-]", "^"));
    CHECK(!m("[a-]", "-"));
    CHECK(m("x[a-]", "x]"));
    CHECK(m("[a-", "a"));          /* unterminated: 'a', '-' literals */
    CHECK(m("[a-", "-"));
    CHECK(!m("[a-", "b"));
    CHECK(m("x[a-", "x-"));
    CHECK(!m("x[a-", "xb"));
    /* escapes inside a class */
    CHECK(m("[\\]]", "]"));
    CHECK(m("[\\-a]", "-"));       /* "\-" is a literal, no range */
    CHECK(!m("[\\-a]", "\\"));
    CHECK(!m("[\\-a]", "b"));
    CHECK(!m("[a\\-z]", "m"));
    CHECK(m("[a\\-z]", "-"));
    CHECK(m("[a-\\z]", "\\"));     /* range 'a'..'\' swapped, then 'z' */
    CHECK(m("[a-\\z]", "z"));
    CHECK(!m("[a-\\z]", "["));
    CHECK(m("[\\", "\\"));         /* a final '\' in a class is literal */
    CHECK(!m("[\\", "["));
    CHECK(m("[^\\", "x"));
    /* unterminated classes take the rest of the pattern */
    CHECK(!m("[", "["));
    CHECK(!m("[", "x"));
    CHECK(m("[^", "x"));
    CHECK(m("a[b", "ab"));
    CHECK(!m("a[b", "a["));
    CHECK(m("a[bc", "ac"));
    CHECK(!m("a[bc", "abc"));
    /* classes with stars and backtracking */
    CHECK(m("*[0-9]", "abc7"));
    CHECK(!m("*[0-9]", "abc"));
    CHECK(m("*[*]*", "a*b"));
    CHECK(m("[?]", "?"));
    CHECK(!m("[?]", "a"));
}

static void test_binary(void) {
    /* embedded NULs in keys and patterns */
    CHECK(glob_match("*a", 2, "\0a", 2, false));
    CHECK(glob_match("\0*", 2, "\0zz", 3, false));
    CHECK(!glob_match("\0*", 2, "zz", 2, false));
    CHECK(glob_match("?", 1, "\0", 1, false));
    CHECK(glob_match("[\0-a]", 5, "\x01", 1, false));
    CHECK(glob_match("a\0b", 3, "a\0b", 3, false));
    CHECK(!glob_match("a\0b", 3, "a\0c", 3, false));
    CHECK(!glob_match("a", 1, "a\0", 2, false));
    /* lengths bound both sides: no reading past them */
    CHECK(glob_match("abX", 2, "abY", 2, false));
    CHECK(glob_match("[ab]]", 4, "a", 1, false));
    /* Range ends and the byte compare as signed chars, as on x86 Redis:
     * 0x80..0xff sort below 0x00. */
    CHECK(!m("[a-\xff]", "b"));    /* range -1..'a' */
    CHECK(m("[a-\xff]", "A"));
    CHECK(m("[a-\xff]", "a"));
    CHECK(m("[a-\xff]", "\xff"));
    CHECK(!m("[a-\xff]", "\x80"));
    CHECK(m("[\x80-\xff]", "\x90"));
    CHECK(!m("[\x80-\xff]", "a"));
    CHECK(m("[\xff-\x80]", "\x90"));
    CHECK(!m("[\x01-\x80]", "a")); /* range -128..1 */
    CHECK(glob_match("[\x01-\x80]", 5, "\0", 1, false));
    CHECK(m("[\x01-\x80]", "\x81"));
    CHECK(m("[\x7f-\x80]", "\x7f"));
    CHECK(m("[\x7f-\x80]", "a"));
    CHECK(m("[^\x01-\x80]", "a"));
    CHECK(m("\xe9t\xe9", "\xe9t\xe9"));
}

static void test_nocase(void) {
    /* CONFIG GET <pattern> against "maxmemory" (glob only when the
     * pattern holds * ? or [; CONFIG GET MAXMEMORY is a direct lookup) */
    CHECK(mi("MAXMEMORY", "maxmemory"));
    CHECK(!m("MAXMEMORY", "maxmemory"));
    CHECK(mi("Maxmemor?", "maxmemory"));
    CHECK(mi("MaxMem*", "maxmemory-clients"));
    CHECK(mi("[M]axmemory", "maxmemory"));
    CHECK(!mi("[^M]axmemory", "maxmemory"));
    CHECK(mi("\\Maxmemor?", "maxmemory"));    /* escape outside: folded */
    CHECK(mi("\\maxmemor?", "maxmemory"));
    CHECK(!mi("[\\M]axmemor?", "maxmemory")); /* escape inside: not folded */
    CHECK(mi("[\\m]axmemory", "maxmemory"));
    CHECK(mi("[^\\M]axmemory", "maxmemory"));
    /* ranges: swapped on the raw bytes, then folded */
    CHECK(mi("[L-N]axmemory", "maxmemory"));
    CHECK(mi("[A-z]axmemory", "maxmemory"));
    CHECK(!mi("[Z-a]axmemory", "maxmemory")); /* -> 'z'..'a': empty */
    CHECK(!mi("[a-M]axmemory", "maxmemory")); /* swap M..a -> 'm'..'a' */
    CHECK(!mi("[l-N]axmemory", "maxmemory"));
    CHECK(!mi("[N-l]axmemory", "maxmemory"));
    CHECK(mi("[^Z-a]axmemory", "maxmemory"));
    CHECK(!mi("[@-[]axmemory", "maxmemory"));
    CHECK(!mi("[[-@]axmemory", "maxmemory"));
    CHECK(mi("maxmemory-[A-D]lients", "maxmemory-clients"));
    CHECK(!mi("maxmemory-[^C]lients", "maxmemory-clients"));
    /* folding is ASCII only */
    CHECK(!mi("\xc9", "\xe9"));
    CHECK(mi("[a-z]", "Q"));
}

/* Star patterns of n units ("a*" or "*a") as built in KEYS tests. */
static char *repeat(const char *unit, size_t n, const char *tail) {
    size_t u = strlen(unit), t = strlen(tail);
    char *s = mem_alloc(u * n + t + 1);
    for (size_t i = 0; i < n; i++) memcpy(s + i * u, unit, u);
    memcpy(s + u * n, tail, t + 1);
    return s;
}
static bool rep_match(const char *unit, size_t n, const char *tail, const char *sunit,
                      size_t sn, const char *stail) {
    char *p = repeat(unit, n, tail), *s = repeat(sunit, sn, stail);
    bool r = glob_match(p, strlen(p), s, strlen(s), false);
    mem_free(p);
    mem_free(s);
    return r;
}

static void test_limits(void) {
    /* Pathological: Redis answers at once; so must we. */
    CHECK(!rep_match("*a", 30, "*b", "a", 5000, ""));
    CHECK(rep_match("*a", 30, "*b", "a", 5000, "b"));
    CHECK(!rep_match("*a", 12, "*b", "a", 100000, ""));
    CHECK(!rep_match("*?", 500, "b", "a", 20000, ""));
    CHECK(rep_match("*", 5000, "a", "a", 1, ""));     /* one star run */
    /* Redis gives up past 1000 nested stars (a star with pattern after
     * it); observed with KEYS: */
    CHECK(rep_match("a*", 1000, "", "a", 1000, ""));
    CHECK(rep_match("a*", 1001, "", "a", 1001, ""));  /* last star is final */
    CHECK(!rep_match("a*", 1002, "", "a", 1002, ""));
    CHECK(!rep_match("a*", 1100, "", "a", 1100, ""));
    CHECK(rep_match("a*", 1001, "", "a", 1051, ""));
    CHECK(!rep_match("a*", 1002, "", "a", 1052, ""));
    CHECK(rep_match("*a", 1000, "", "a", 1000, ""));
    CHECK(!rep_match("*a", 1001, "", "a", 1001, ""));
    CHECK(!rep_match("*a", 1500, "", "a", 1500, ""));
    CHECK(rep_match("a*", 1000, "b", "a", 1000, "b"));
    CHECK(!rep_match("a*", 1001, "b", "a", 1001, "b"));
    CHECK(rep_match("*a", 1000, "*", "a", 1000, "x"));
    CHECK(!rep_match("*a", 1000, "*b", "a", 1000, "b"));
    CHECK(rep_match("?*", 1001, "", "a", 1001, ""));
    CHECK(rep_match("?*", 1001, "", "a", 1002, ""));
    CHECK(!rep_match("?*", 1002, "", "a", 1002, ""));
    CHECK(rep_match("\\*", 1500, "", "*", 1500, "")); /* escaped: no stars */
    CHECK(rep_match("ab*", 1000, "", "ab", 1000, "zz")); /* long, few stars */
    CHECK(!rep_match("ab*", 1002, "", "ab", 1002, "zz"));
    CHECK(rep_match("[ab]*", 1000, "x", "a", 1000, "x"));
    CHECK(rep_match("[*]*", 1001, "", "*", 1001, ""));
    CHECK(!rep_match("[*]*", 1002, "", "*", 1002, ""));
}

int main(void) {
    test_basics();
    test_escapes();
    test_classes();
    test_binary();
    test_nocase();
    test_limits();
    return unit_finish("glob");
}
