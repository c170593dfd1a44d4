/* cmd/keys.c -- generic keyspace commands. */
#include "../core/command.h"

Command keys_commands[] = {
    {0},
};
