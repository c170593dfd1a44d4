/* cmd/server.c -- server commands. */
#include "../core/command.h"

Command server_commands[] = {
    {0},
};
