/* os/proctitle.c -- the process title (see proctitle.h). The kernel shows
 * the bytes of the argument area as the command line; we own that area
 * once the environment strings that follow it live elsewhere. */
#include "proctitle.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

static char *area, *area_end; /* writable bytes: argv[0] .. end of environ */
static char *exe;

void proctitle_init(int argc, char **argv) {
    if (argc < 1 || !argv[0]) return;
    exe = strdup(argv[0]);
    char *end = argv[0] + strlen(argv[0]) + 1;
    for (int i = 1; i < argc; i++)
        if (argv[i] == end) end = argv[i] + strlen(argv[i]) + 1;
    /* The environment strings usually follow: move them to the heap so
     * their bytes can hold a longer title. */
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **env = calloc(n + 1, sizeof(char *));
    if (env) {
        for (size_t i = 0; i < n; i++) {
            if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
            env[i] = strdup(environ[i]);
        }
        environ = env;
    }
    area = argv[0];
    area_end = end;
}

bool proctitle_set(const char *title) {
    if (!area) return false;
    size_t room = (size_t)(area_end - area);
    size_t n = strlen(title);
    if (n >= room) n = room - 1;
    memcpy(area, title, n);
    memset(area + n, 0, room - n);
    return true;
}

const char *proctitle_exe(void) { return exe ? exe : ""; }
