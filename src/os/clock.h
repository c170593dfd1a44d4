/* os/clock.h -- wall and monotonic clocks. */
#ifndef KILAT_CLOCK_H
#define KILAT_CLOCK_H

#include "../base.h"

int64_t clock_unix_ms(void);   /* wall clock, ms since the epoch */
int64_t clock_unix_us(void);   /* wall clock, us since the epoch */
int64_t clock_mono_us(void);   /* monotonic, us; for durations only */

#endif
