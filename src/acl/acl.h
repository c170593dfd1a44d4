/* acl/acl.h -- Redis 7.0's ACL: users (user.h), checks (check.h), ACL
 * LOG (log.h), the ACL command (cmd_acl.c), the ACL file and `user` config
 * lines (file.h). main and cmd/families call only this. */
#ifndef KILAT_ACL_H
#define KILAT_ACL_H

#include "../base.h"

/* Registers the ACL command table (before command_init). */
void acl_register(void);
/* After command_init and the config: the default user (with requirepass),
 * the `user` lines or the aclfile, and core's hooks. false (logged) if the
 * configuration's users are invalid: the server must not start. */
bool acl_init(void);

#endif
