/* core/lfu.c -- the LFU counter's arithmetic and its configuration (see
 * lfu.h). Behaviour as Redis 7.0's LFULogIncr / LFUDecrAndReturn: an
 * increment happens with p = 1 / ((counter - LFU_INIT_VAL) * factor + 1),
 * and each whole lfu-decay-time minutes since the stamp takes one off. */
#include "lfu.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"

bool lfu_on;
static uint32_t log_factor = 10;
static uint32_t decay_time = 1;
static uint32_t minutes; /* unix minutes, 16 bits */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the increment's coin, cheap and good enough for sampling. */
static uint64_t next_random(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

void lfu_update_clock(int64_t now_ms) { minutes = (uint32_t)(now_ms / 60000) & 0xffff; }

uint32_t lfu_word_with(uint8_t counter) { return (minutes << 8) | counter; }
uint32_t lfu_word_new(void) { return lfu_word_with(LFU_INIT_VAL); }

uint8_t lfu_word_counter(uint32_t word) {
    uint32_t stamp = word >> 8, counter = word & 0xff;
    if (!decay_time) return (uint8_t)counter;
    /* minutes wrap at 16 bits: count a smaller `now` as wrapped once
     * (65535, not 65536, as Redis's LFUTimeElapsed) */
    uint32_t elapsed = minutes >= stamp ? minutes - stamp : 65535 - stamp + minutes;
    uint32_t periods = elapsed / decay_time;
    return (uint8_t)(periods > counter ? 0 : counter - periods);
}

uint32_t lfu_word_touch(uint32_t word) {
    uint32_t counter = lfu_word_counter(word);
    if (counter < 255) {
        uint64_t base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
        /* r < 1 / (base * factor + 1)  <=>  r * (base * factor + 1) < 1,
         * with r a 53-bit fraction in [0, 1) */
        double r = (double)(next_random() >> 11) / (double)(1ull << 53);
        if (r * ((double)base * log_factor + 1.0) < 1.0) counter++;
    }
    return lfu_word_with((uint8_t)counter);
}

static uint32_t config_uint(const char *name, uint32_t fallback) {
    const char *v = config_value(name);
    if (!v) return fallback;
    unsigned long n = strtoul(v, NULL, 10);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Every hook re-reads all three: cheap, and CONFIG SET of several at once
 * sees the final values. */
static bool reload(const char **err) {
    (void)err;
    const char *p = config_value("maxmemory-policy");
    lfu_on = p && strstr(p, "lfu") != NULL;
    log_factor = config_uint("lfu-log-factor", 10);
    decay_time = config_uint("lfu-decay-time", 1);
    return true;
}

void lfu_init(void) {
    rng ^= (uint64_t)(uintptr_t)&rng; /* differs per run with ASLR */
    config_on_set("maxmemory-policy", reload);
    config_on_set("lfu-log-factor", reload);
    config_on_set("lfu-decay-time", reload);
    reload(NULL);
}
