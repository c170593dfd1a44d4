/* acl/log.h -- ACL LOG: the recent denials (a command, a key, a channel,
 * a failed AUTH), newest first; a denial like one of the last 10 within a
 * minute bumps that entry's count instead (Redis's grouping). */
#ifndef KILAT_ACL_LOG_H
#define KILAT_ACL_LOG_H

#include "../core/client.h"

enum { ACL_DENIED_CMD = 1, ACL_DENIED_KEY, ACL_DENIED_AUTH, ACL_DENIED_CHANNEL };

/* Adds a denial by c (its client info; for a script, the caller's, given
 * as info_client) as `user`, about `object`, in ctx (ACL_CTX_*). */
void acl_log_add(const Client *info_client, int reason, int ctx, const char *object, size_t olen,
                 const char *user, size_t ulen);
/* ACL LOG [count|RESET] */
void acl_log_command(Client *c);

#endif
