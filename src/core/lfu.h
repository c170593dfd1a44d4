/* core/lfu.h -- Redis 7.0's LFU access counter, in an entry's 24-bit word:
 *
 *   | last decrement time: minutes, 16 bits (wraps) | counter: 8 bits |
 *
 * Used only while maxmemory-policy is an LFU one (lfu_on); otherwise the
 * word holds the LRU clock (seconds, core/db.c). The counter grows
 * logarithmically (lfu-log-factor) and loses one per lfu-decay-time
 * minutes without access. lfu_on, the factors and the minute clock are
 * refreshed on CONFIG SET and by db_update_clock, never per access. */
#ifndef KILAT_LFU_H
#define KILAT_LFU_H

#include "../base.h"

#define LFU_INIT_VAL 5 /* a new key's counter, so it is not evicted at once */

extern bool lfu_on; /* maxmemory-policy is allkeys-lfu or volatile-lfu */

/* Reads maxmemory-policy, lfu-log-factor, lfu-decay-time from the config
 * and registers CONFIG SET hooks to follow them. Once, after config_load. */
void lfu_init(void);
/* The minute clock (from the server's cached time). */
void lfu_update_clock(int64_t now_ms);
/* The word of a new key: now, LFU_INIT_VAL. */
uint32_t lfu_word_new(void);
/* The word after an access: decayed, then maybe incremented, stamped now. */
uint32_t lfu_word_touch(uint32_t word);
/* The counter with the decay since its stamp applied (the word unchanged). */
uint8_t lfu_word_counter(uint32_t word);
/* A word holding `counter`, stamped now (RESTORE FREQ, RDB FREQ). */
uint32_t lfu_word_with(uint8_t counter);

#endif
