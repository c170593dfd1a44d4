/* core/latency.c -- the latency monitor's events: a short list (there are
 * few classes), each a ring of LATENCY_SAMPLES (time, ms) samples, oldest
 * at `head`; a sample in the same second as the newest merges into it. */
#include "latency.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../ds/mem.h"
#include "../os/clock.h"
#include "reply.h"

typedef struct {
    int32_t time; /* unix seconds */
    uint32_t ms;
} Sample;

typedef struct {
    const char *name;
    Sample s[LATENCY_SAMPLES];
    int head, n;
    uint32_t max; /* worst ever */
} Event;

#define MAX_EVENTS 16

static Event *events[MAX_EVENTS];
static int nevents;

static Event *find(const char *name, size_t len) {
    for (int i = 0; i < nevents; i++)
        if (strlen(events[i]->name) == len && memcmp(events[i]->name, name, len) == 0) return events[i];
    return NULL;
}

static const Sample *newest(const Event *e) { return &e->s[(e->head + e->n - 1) % LATENCY_SAMPLES]; }

void latency_add_sample(const char *event, int64_t ms) {
    Event *e = find(event, strlen(event));
    if (!e) {
        if (nevents == MAX_EVENTS) return;
        e = mem_calloc(sizeof(*e));
        e->name = event;
        events[nevents++] = e;
    }
    uint32_t v = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    int32_t now = (int32_t)(clock_unix_ms() / 1000);
    if (v > e->max) e->max = v;
    if (e->n && newest(e)->time == now) {
        Sample *s = &e->s[(e->head + e->n - 1) % LATENCY_SAMPLES];
        if (v > s->ms) s->ms = v;
        return;
    }
    if (e->n == LATENCY_SAMPLES) {
        e->head = (e->head + 1) % LATENCY_SAMPLES;
        e->n--;
    }
    e->s[(e->head + e->n) % LATENCY_SAMPLES] = (Sample){now, v};
    e->n++;
}

/* LATEST: [event, time of the newest sample, its ms, the worst ever]. */
void latency_reply_latest(Client *c) {
    reply_array(c, nevents);
    for (int i = 0; i < nevents; i++) {
        const Event *e = events[i];
        reply_array(c, 4);
        reply_cstr(c, e->name);
        reply_int(c, newest(e)->time);
        reply_int(c, newest(e)->ms);
        reply_int(c, e->max);
    }
}

void latency_reply_history(Client *c, const char *event, size_t len) {
    const Event *e = find(event, len);
    if (!e) {
        reply_array(c, 0);
        return;
    }
    reply_array(c, e->n);
    for (int i = 0; i < e->n; i++) {
        const Sample *s = &e->s[(e->head + i) % LATENCY_SAMPLES];
        reply_array(c, 2);
        reply_int(c, s->time);
        reply_int(c, s->ms);
    }
}

static void drop(int i) {
    mem_free(events[i]);
    events[i] = events[--nevents];
}

int latency_reset(Client *c, int first, int n) {
    int dropped = 0;
    if (n == 0) {
        dropped = nevents;
        while (nevents) drop(nevents - 1);
        return dropped;
    }
    for (int a = first; a < first + n; a++) {
        for (int i = 0; i < nevents; i++) {
            if (strlen(events[i]->name) == c->argl[a] &&
                memcmp(events[i]->name, c->argv[a], c->argl[a]) == 0) {
                drop(i);
                dropped++;
                break;
            }
        }
    }
    return dropped;
}

/* A text buffer for GRAPH and DOCTOR. */
typedef struct {
    char *p;
    size_t len, cap;
} Text;

static void text_add(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(Text *t, const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->p = mem_realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, line, (size_t)n + 1);
    t->len += (size_t)n;
}

/* GRAPH: a header, then one column per sample (oldest left), 4 rows high
 * scaled between the lowest and highest sample, then each column's age. */
bool latency_reply_graph(Client *c, const char *event, size_t len) {
    const Event *e = find(event, len);
    if (!e || !e->n) return false;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int i = 0; i < e->n; i++) {
        uint32_t v = e->s[(e->head + i) % LATENCY_SAMPLES].ms;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    Text t = {0};
    text_add(&t, "%s - high %u ms, low %u ms (all time high %u ms)\n", e->name, hi, lo, e->max);
    for (int i = 0; i < 80; i++) text_add(&t, "-");
    text_add(&t, "\n");
    for (int row = 4; row >= 1; row--) {
        for (int i = 0; i < e->n; i++) {
            uint32_t v = e->s[(e->head + i) % LATENCY_SAMPLES].ms;
            int h = hi == lo ? 4 : 1 + (int)((uint64_t)(v - lo) * 3 / (hi - lo));
            text_add(&t, "%c", h > row ? '|' : h == row ? '#' : ' ');
        }
        text_add(&t, "\n");
    }
    int32_t now = (int32_t)(clock_unix_ms() / 1000);
    for (int i = 0; i < e->n; i++) {
        int32_t age = now - e->s[(e->head + i) % LATENCY_SAMPLES].time;
        text_add(&t, "%s%d%s", i ? " " : "", age, age < 60 ? "s" : age < 3600 ? "m" : "h");
    }
    text_add(&t, "\n");
    reply_verbatim(c, t.p, t.len);
    mem_free(t.p);
    return true;
}

/* DOCTOR: a short report per event with its figures, and what usually
 * causes spikes of that class. */
void latency_reply_doctor(Client *c) {
    Text t = {0};
    if (!cfg.latency_monitor_threshold)
        text_add(&t, "The latency monitor is off (latency-monitor-threshold is 0): set it to a "
                      "number of milliseconds, e.g. CONFIG SET latency-monitor-threshold 100, to "
                      "record latency spikes.\n");
    if (!nevents) {
        text_add(&t, "No latency spike has been recorded since the server started or the last "
                      "LATENCY RESET.\n");
    } else {
        text_add(&t, "Latency spikes recorded (threshold %lld ms):\n\n",
                 (long long)cfg.latency_monitor_threshold);
    }
    for (int i = 0; i < nevents; i++) {
        const Event *e = events[i];
        uint64_t sum = 0;
        for (int j = 0; j < e->n; j++) sum += e->s[(e->head + j) % LATENCY_SAMPLES].ms;
        double avg = (double)sum / e->n, dev = 0;
        for (int j = 0; j < e->n; j++) {
            double d = e->s[(e->head + j) % LATENCY_SAMPLES].ms - avg;
            dev += d < 0 ? -d : d;
        }
        int32_t span = newest(e)->time - e->s[e->head].time;
        text_add(&t, "- %s: %d latency spike%s (average %.0f ms, mean deviation %.0f ms, over %d s). "
                     "Worst all time: %u ms.\n",
                 e->name, e->n, e->n == 1 ? "" : "s", avg, dev / e->n, span, e->max);
        if (strcmp(e->name, "command") == 0)
            text_add(&t, "  Slow commands: check SLOWLOG GET for the commands and their arguments; "
                          "O(N) commands on big values (KEYS, SMEMBERS, LRANGE, SORT...) and long "
                          "scripts block every client.\n");
        else if (strcmp(e->name, "fast-command") == 0)
            text_add(&t, "  O(1) or O(log N) commands were slow: the machine itself (swapping, a "
                          "busy or throttled CPU, a noisy neighbour) is the likely cause.\n");
        else if (strcmp(e->name, "expire-cycle") == 0)
            text_add(&t, "  Expiring keys took long: many keys expiring at the same time, or big "
                          "values (sets, hashes...) being freed when they expire.\n");
    }
    reply_verbatim(c, t.p ? t.p : "", t.len);
    mem_free(t.p);
}

void latency_free(void) {
    while (nevents) drop(nevents - 1);
}
