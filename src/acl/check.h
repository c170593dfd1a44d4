/* acl/check.h -- permission checks: may a user run a command with these
 * arguments (its command bits, its keys through the key specs, its pub/sub
 * channels), and the hooks core calls (command_acl_check,
 * client_authenticate). */
#ifndef KILAT_ACL_CHECK_H
#define KILAT_ACL_CHECK_H

#include "user.h"

/* 0 if u may run cmd with argv, else ACL_DENIED_* (log.h) with *pos the
 * argv index of the key or channel refused (Redis's choice among
 * selectors: the command if none ran it, else the last refused arg). */
int acl_check_user(const AclUser *u, const Command *cmd, const char *const *argv,
                   const size_t *argl, int argc, int *pos);
/* Sets core's hooks; call after any change of users (sets command_acl_check
 * to NULL while every user is unrestricted; updates the default user's
 * auth state and the clients that depend on it). */
void acl_hooks_refresh(void);
void acl_check_init(void);
/* After u's channels changed from `before`: disconnects u's subscribers
 * whose subscriptions u may no longer hold. */
void acl_kill_pubsub_if_needed(AclUser *u, const AclUser *before);
/* Disconnects every client authenticated as u (the caller after its reply). */
void acl_kill_clients_of(const AclUser *u, const Client *self);

#endif
