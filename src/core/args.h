/* core/args.h -- argument parsing helpers for command handlers. The
 * _or_reply ones have already sent Redis's error reply when they return
 * false: the handler just returns. */
#ifndef KILAT_ARGS_H
#define KILAT_ARGS_H

#include "client.h"

/* "ERR value is not an integer or out of range" on failure. */
bool arg_int64_or_reply(Client *c, int i, int64_t *out);
/* Same parse, with a caller-chosen error message. */
bool arg_int64_msg_or_reply(Client *c, int i, int64_t *out, const char *msg);
/* "ERR value is not a valid float" on failure. */
bool arg_double_or_reply(Client *c, int i, double *out);
/* "ERR value is not a valid float" on failure (INCRBYFLOAT). */
bool arg_long_double_or_reply(Client *c, int i, long double *out);
/* An option word compared as Redis's strcasecmp does: the argument ends
 * at its first NUL byte ("nx\0junk" is NX). word is lower case. */
bool arg_opt_is(const Client *c, int i, const char *word);
/* A SCAN-family cursor as Redis's strtoul parse takes it (decimal, optional
 * sign wrapping negatives, text ends at a NUL, "" is 0); "ERR invalid
 * cursor" on failure. */
bool arg_cursor_or_reply(Client *c, int i, uint64_t *out);
/* HSCAN/ZSCAN options from argv[first]: [MATCH pattern] [COUNT n]. *pat is
 * NULL for "*" (no filter). Syntax errors and COUNT < 1 get Redis's reply. */
bool arg_scan_opts_or_reply(Client *c, int first, int64_t *count, const char **pat, size_t *plen);
/* Parses without replying. */
bool arg_int64(const Client *c, int i, int64_t *out);
/* The database for a DB-number argument; "ERR DB index is out of range"
 * (or not-an-integer) on failure. */
struct Db *arg_db_or_reply(Client *c, int i, int *index);

#endif
