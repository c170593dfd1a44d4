/* acl/file.c -- `user` config lines, the aclfile, ACL LOAD and SAVE (file.h). */
#include "file.h"

#include "../core/config.h"
#include "../core/reply.h"
#include "user.h"

static const char NO_FILE[] =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

bool acl_file_load_at_start(void) { return true; }

void acl_file_load_command(Client *c) { reply_error(c, NO_FILE); }
void acl_file_save_command(Client *c) { reply_error(c, NO_FILE); }
