/* core/keyspec.c -- parses the key spec rows once and finds a command's keys
 * in an argv the way Redis 7.0's COMMAND GETKEYS does: the specs first; when
 * one cannot tell (unknown, incomplete, out of range, variable flags), the
 * command's own procedure (KeyProc), whose answers carry fewer flags. */
#include "keyspec.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ds/mem.h"
#include "../ds/num.h"

extern const char *const keyspec_notes[];
extern CommandKeys keyspec_rows[];
extern const size_t keyspec_nrows;

static const char *const flag_names[KS_NFLAGS] = {
    "RW", "RO", "OW", "RM", "access", "update", "insert", "delete",
    "not_key", "incomplete", "variable_flags",
};

const char *keyspec_flag_name(int i) { return flag_names[i]; }

const char *keyspec_note(const KeySpec *ks) { return ks->note < 0 ? "" : keyspec_notes[ks->note]; }

/* ------------------------------------------------------------------ parse */

static int16_t parse_int(const char **p) {
    char *end;
    long v = strtol(*p, &end, 10);
    ASSERT(end != *p);
    *p = end;
    return (int16_t)v;
}

static void parse_find(KeySpec *ks, const char *w) {
    int16_t *out[3] = {&ks->a, &ks->b, &ks->c};
    if (*w == '?') {
        ks->find = KF_UNKNOWN;
        return;
    }
    ASSERT(*w == 'r' || *w == 'n');
    ks->find = *w == 'r' ? KF_RANGE : KF_KEYNUM;
    ks->b = 1; /* range defaults: step 1, limit 0 */
    w++;
    for (int i = 0; i < 3; i++) {
        *out[i] = parse_int(&w);
        if (*w != ',') break;
        w++;
    }
}

static void parse_begin(KeySpec *ks, const char *w, size_t len) {
    w++; /* '@' */
    if (*w == '?') {
        ks->begin = KB_UNKNOWN;
        return;
    }
    const char *gt = memchr(w, '>', len - 1);
    if (!gt) {
        ks->begin = KB_INDEX;
        ks->pos = parse_int(&w);
        return;
    }
    ks->begin = KB_KEYWORD;
    ASSERT((size_t)(gt - w) < sizeof(ks->keyword));
    memcpy(ks->keyword, w, (size_t)(gt - w));
    w = gt + 1;
    ks->pos = parse_int(&w);
}

/* One spec: words up to ';' or the end. Returns where it stopped. */
static const char *parse_spec(KeySpec *ks, const char *p) {
    ks->note = -1;
    for (;;) {
        while (*p == ' ') p++;
        if (!*p || *p == ';') break;
        size_t len = strcspn(p, " ;");
        if (*p == '@') {
            parse_begin(ks, p, len);
        } else if (*p == '!') {
            const char *n = p + 1;
            ks->note = (int8_t)parse_int(&n);
        } else if ((*p == 'r' || *p == 'n' || *p == '?') && (len == 1 || p[1] == '-' ||
                                                             (p[1] >= '0' && p[1] <= '9'))) {
            char word[24];
            ASSERT(len < sizeof(word));
            memcpy(word, p, len);
            word[len] = '\0';
            parse_find(ks, word);
        } else {
            int i = 0;
            while (i < KS_NFLAGS && !(strlen(flag_names[i]) == len && !memcmp(flag_names[i], p, len))) i++;
            ASSERT(i < KS_NFLAGS);
            ks->flags |= (uint16_t)(1u << i);
        }
        p += len;
    }
    return p;
}

/* COMMAND INFO's first/last/step and the movablekeys flag, from the specs:
 * consecutive index+range specs of step 1 make the legacy range (a lone
 * range spec keeps its step); any other spec means the keys move. */
static void derive_legacy(CommandKeys *ck) {
    const KeySpec *s = ck->spec;
    if (ck->nspecs == 1 && s->begin == KB_INDEX && s->find == KF_RANGE) {
        ck->first = s->pos;
        ck->last = s->a < 0 ? s->a : (int16_t)(s->pos + s->a);
        ck->step = s->b;
        ck->movable = (s->flags & KS_INCOMPLETE) != 0;
        return;
    }
    int prev_last = 0;
    for (int i = 0; i < ck->nspecs; i++) {
        s = &ck->spec[i];
        if (s->begin != KB_INDEX || s->find != KF_RANGE || s->b != 1 ||
            (prev_last && prev_last != s->pos - 1)) {
            ck->movable = true;
            continue;
        }
        if (s->flags & KS_INCOMPLETE) ck->movable = true;
        ck->last = s->a < 0 ? s->a : (int16_t)(s->pos + s->a);
        if (!ck->first) ck->first = s->pos;
        ck->step = 1;
        prev_last = s->a;
    }
}

void keyspec_init(void) {
    static bool done;
    if (done) return;
    done = true;
    for (size_t r = 0; r < keyspec_nrows; r++) {
        CommandKeys *ck = &keyspec_rows[r];
        ASSERT(r == 0 || strcmp(keyspec_rows[r - 1].name, ck->name) < 0); /* sorted */
        for (const char *p = ck->text; *p;) {
            ASSERT(ck->nspecs < KS_MAX_SPECS);
            p = parse_spec(&ck->spec[ck->nspecs++], p);
            if (*p == ';') p++;
        }
        derive_legacy(ck);
    }
}

const CommandKeys *keyspec_lookup(const char *fullname, size_t len) {
    char lower[48];
    if (len == 0 || len >= sizeof(lower)) return NULL;
    for (size_t i = 0; i < len; i++) {
        char ch = fullname[i];
        lower[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    lower[len] = '\0';
    size_t lo = 0, hi = keyspec_nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(keyspec_rows[mid].name, lower);
        if (cmp == 0) return &keyspec_rows[mid];
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

bool keyspec_has_keys(const CommandKeys *ck) {
    if (!ck) return false;
    if (ck->proc != KP_NONE) return true;
    for (int i = 0; i < ck->nspecs; i++)
        if (!(ck->spec[i].flags & KS_NOT_KEY)) return true;
    return false;
}

/* ------------------------------------------------------------------- find */

typedef struct {
    KeyRef *v;
    int n, cap;
} Keys;

static void keys_add(Keys *k, int pos, uint16_t flags) {
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        k->v = mem_realloc(k->v, (size_t)k->cap * sizeof(*k->v));
    }
    k->v[k->n].pos = pos;
    k->v[k->n++].flags = flags;
}

static bool arg_eq(const char *const *argv, const size_t *argl, int i, const char *word) {
    size_t len = strlen(word);
    return argl[i] == len && strncasecmp(argv[i], word, len) == 0;
}

/* Where a keyword spec begins (the argument after the keyword), 0: absent.
 * Searches forward from startfrom to argc-2, or backward from argc+startfrom
 * down to 2: the keyword cannot be the last (or the first) argument. */
static int keyword_begin(const KeySpec *s, const char *const *argv, const size_t *argl, int argc) {
    int start = s->pos > 0 ? s->pos : argc + s->pos;
    int end = s->pos > 0 ? argc - 1 : 1;
    for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (arg_eq(argv, argl, i, s->keyword)) return i + 1;
    }
    return 0;
}

/* The specs' keys into k; false if a spec cannot tell. */
static bool find_by_specs(const CommandKeys *ck, const char *const *argv, const size_t *argl,
                          int argc, Keys *k) {
    for (int j = 0; j < ck->nspecs; j++) {
        const KeySpec *s = &ck->spec[j];
        if (s->flags & KS_NOT_KEY) continue;
        int first = 0, last, step;
        if (s->begin == KB_INDEX) first = s->pos;
        else if (s->begin == KB_KEYWORD) first = keyword_begin(s, argv, argl, argc);
        else return false;
        if (!first) continue; /* keyword absent: no keys from this spec */
        if (s->find == KF_RANGE) {
            step = s->b;
            if (s->a >= 0) last = first + s->a;
            else if (!s->c) last = argc + s->a;
            else last = first + ((argc - first) / s->c + s->a);
        } else if (s->find == KF_KEYNUM) {
            step = s->c;
            int64_t num;
            int at = first + s->a;
            if (at >= argc || !num_parse_int64(argv[at], argl[at], &num) || num < 0) return false;
            first += s->b;
            int64_t end = first + (int64_t)(int32_t)(uint32_t)num - 1; /* int, as Redis's */
            if (end >= argc) return false;
            last = (int)end;
        } else {
            return false;
        }
        if (last >= argc || last < first || first >= argc) return false;
        for (int i = first; i <= last; i += step) keys_add(k, i, s->flags);
        if (s->flags & KS_INCOMPLETE) return false;
    }
    return true;
}

/* atoi as Redis's procs use it: (int)strtol, so leading blanks and a sign
 * are skipped, parsing stops at the first non-digit (0 if none), the long
 * saturates and is then truncated to int. */
static int atoi_like(const char *s, size_t len) {
    size_t i = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
    bool neg = i < len && s[i] == '-';
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        v = v > (lim - d) / 10 ? lim : v * 10 + d;
    }
    return (int)(uint32_t)(neg ? (uint64_t)0 - v : v);
}

/* numkeys at argv[count]; keys from argv[first]; the destination (if any)
 * reported last. Flags are unknown here (0), as in Redis. */
static void proc_numkeys(int store, int count, int first, const char *const *argv,
                         const size_t *argl, int argc, Keys *k) {
    int num = atoi_like(argv[count], argl[count]);
    if (num < 1 || num > argc - first) return;
    for (int i = 0; i < num; i++) keys_add(k, first + i, 0);
    if (store) keys_add(k, store, 0);
}

static void proc_sort(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    int store = 0;
    keys_add(k, 1, KS_RO | KS_ACCESS);
    for (int i = 2; i < argc; i++) {
        if (arg_eq(argv, argl, i, "limit")) i += 2;
        else if (arg_eq(argv, argl, i, "store") && i + 1 < argc) store = i + 1; /* the last wins */
        else if (arg_eq(argv, argl, i, "get") || arg_eq(argv, argl, i, "by")) i += 1;
    }
    if (store) keys_add(k, store, KS_OW | KS_UPDATE);
}

static void proc_migrate(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    int first = 3, num = 1;
    for (int i = 6; i < argc; i++) {
        if (arg_eq(argv, argl, i, "keys")) {
            if (argl[3] > 0) return; /* KEYS needs an empty key argument */
            first = i + 1;
            num = argc - first;
            break;
        }
        if (arg_eq(argv, argl, i, "auth")) i += 1;
        else if (arg_eq(argv, argl, i, "auth2")) i += 2;
    }
    for (int i = 0; i < num; i++) keys_add(k, first + i, KS_RW | KS_ACCESS | KS_DELETE);
}

static void proc_georadius(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    int stored = 0;
    for (int i = 5; i < argc; i++) {
        if ((arg_eq(argv, argl, i, "store") || arg_eq(argv, argl, i, "storedist")) && i + 1 < argc) {
            stored = i + 1; /* the last wins */
            i++;
        }
    }
    keys_add(k, 1, 0);
    if (stored) keys_add(k, stored, 0);
}

static void proc_xread(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    int streams = -1;
    for (int i = 1; i < argc; i++) {
        if (arg_eq(argv, argl, i, "block") || arg_eq(argv, argl, i, "count")) i++;
        else if (arg_eq(argv, argl, i, "group")) i += 2;
        else if (arg_eq(argv, argl, i, "noack")) continue;
        else {
            if (arg_eq(argv, argl, i, "streams")) streams = i;
            break;
        }
    }
    int num = argc - streams - 1;
    if (streams == -1 || num == 0 || num % 2) return;
    for (int i = streams + 1; i < argc - num / 2; i++) keys_add(k, i, 0);
}

static void proc_set(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    for (int i = 3; i < argc; i++) {
        if (arg_eq(argv, argl, i, "get")) {
            keys_add(k, 1, KS_RW | KS_ACCESS | KS_UPDATE);
            return;
        }
    }
    keys_add(k, 1, KS_OW | KS_UPDATE);
}

/* BITFIELD reads only when every subcommand is a well-formed GET or OVERFLOW. */
static void proc_bitfield(const char *const *argv, const size_t *argl, int argc, Keys *k) {
    bool ro = true;
    for (int i = 2; i < argc; i++) {
        int rem = argc - i - 1;
        if (arg_eq(argv, argl, i, "get") && rem >= 2) {
            i += 2;
        } else if (arg_eq(argv, argl, i, "overflow") && rem >= 1) {
            i += 1;
        } else {
            ro = false; /* SET, INCRBY, or a syntax error: assume a write */
            break;
        }
    }
    keys_add(k, 1, ro ? KS_RO | KS_ACCESS : KS_RW | KS_ACCESS | KS_UPDATE);
}

static void find_by_proc(const CommandKeys *ck, const char *const *argv, const size_t *argl,
                         int argc, Keys *k) {
    switch ((KeyProc)ck->proc) {
    case KP_NONE: break;
    case KP_NUM_023: proc_numkeys(0, 2, 3, argv, argl, argc, k); break;
    case KP_NUM_012: proc_numkeys(0, 1, 2, argv, argl, argc, k); break;
    case KP_NUM_STORE: proc_numkeys(1, 2, 3, argv, argl, argc, k); break;
    case KP_SORT: proc_sort(argv, argl, argc, k); break;
    case KP_SORT_RO: keys_add(k, 1, KS_RO | KS_ACCESS); break;
    case KP_MIGRATE: proc_migrate(argv, argl, argc, k); break;
    case KP_GEORADIUS: proc_georadius(argv, argl, argc, k); break;
    case KP_XREAD: proc_xread(argv, argl, argc, k); break;
    case KP_SET: proc_set(argv, argl, argc, k); break;
    case KP_BITFIELD: proc_bitfield(argv, argl, argc, k); break;
    }
}

int keyspec_find(const CommandKeys *ck, const char *const *argv, const size_t *argl, int argc,
                 KeyRef **out) {
    Keys k = {0};
    bool varflags = false, keyed = false;
    for (int i = 0; i < ck->nspecs; i++) {
        varflags |= (ck->spec[i].flags & KS_VARIABLE_FLAGS) != 0;
        keyed |= !(ck->spec[i].flags & KS_NOT_KEY);
    }
    if (!(keyed && !varflags && find_by_specs(ck, argv, argl, argc, &k))) {
        k.n = 0;
        find_by_proc(ck, argv, argl, argc, &k);
    }
    if (!k.n) {
        mem_free(k.v);
        k.v = NULL;
    }
    *out = k.v;
    return k.n;
}
