/* acl/file.h -- users from the config file's `user` lines or from the
 * aclfile (never both: Redis refuses to start), ACL LOAD (all or nothing)
 * and ACL SAVE. */
#ifndef KILAT_ACL_FILE_H
#define KILAT_ACL_FILE_H

#include "../core/client.h"

/* At start: the `user` lines, then the aclfile. false (logged) on error. */
bool acl_file_load_at_start(void);
/* ACL LOAD / ACL SAVE. */
void acl_file_load_command(Client *c);
void acl_file_save_command(Client *c);
/* requirepass -> the default user (acl.c). */
void acl_set_requirepass(void);

#endif
