/* os/proctitle.h -- the process title that ps and /proc/<pid>/cmdline
 * show (Redis's proc-title-template). Linux: the title is written over the
 * memory of argv (and of the environment strings after it, which are
 * moved to the heap first), so it may be as long as both together. */
#ifndef KILAT_PROCTITLE_H
#define KILAT_PROCTITLE_H

#include "../base.h"

/* Call once, early in main. Once a title is set, argv's strings and the
 * old environment strings are overwritten: keep no pointers into them
 * (the environment itself is copied here; argv[0] too, see proctitle_exe). */
void proctitle_init(int argc, char **argv);
/* Sets the title (truncated to the room there is); false if unsupported. */
bool proctitle_set(const char *title);
/* argv[0] as the process was started ("" before proctitle_init). */
const char *proctitle_exe(void);

#endif
