/* cmd/families.c -- the list of command families. Add a family here. */
#include "families.h"

#include "../acl/acl.h"
#include "../core/command.h"
#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../persist/persist.h"
#include "../persist/migrate.h"
#include "stream_group.h"

extern Command conn_commands[];
extern Command string_commands[];
extern Command keys_commands[];
extern Command server_commands[];
extern Command command_commands[];
extern Command debug_commands[];
extern Command client_commands[];
extern Command info_commands[];
extern Command hash_commands[];
extern Command set_commands[];
extern Command zset_commands[];
extern Command geo_commands[];
extern Command list_commands[];
void list_register_type(void);
extern Command sort_commands[];
extern Command script_commands[];
extern Command function_commands[];
extern Command multi_commands[];
extern Command pubsub_commands[];
extern Command monitor_commands[];
extern Command memory_commands[];
extern Command slowlog_commands[];
extern Command latency_commands[];
extern Command module_commands[];
extern Command standalone_commands[];
extern Command hll_commands[];
extern Command dump_commands[];
extern Command restore_commands[];
extern Command bitops_commands[];
extern Command bitfield_commands[];
extern Command stream_commands[];
void stream_register_type(void);

void cmd_register_all(void) {
    command_register(conn_commands);
    command_register(string_commands);
    command_register(keys_commands);
    command_register(server_commands);
    command_register(command_commands);
    command_register(debug_commands);
    command_register(client_commands);
    command_register(info_commands);
    command_register(hash_commands);
    hash_register_type();
    command_register(set_commands);
    set_register_type();
    command_register(zset_commands);
    zset_register_type();
    command_register(geo_commands);
    command_register(list_commands);
    list_register_type();
    command_register(stream_group_commands); /* consumer groups, XINFO */
    command_register(sort_commands);
    command_register(script_commands);
    command_register(function_commands);
    command_register(multi_commands);
    command_register(pubsub_commands);
    command_register(monitor_commands);
    command_register(memory_commands);
    command_register(slowlog_commands);
    command_register(latency_commands);
    command_register(module_commands);
    command_register(standalone_commands);
    command_register(hll_commands);
    persist_register();
    acl_register();
    command_register(dump_commands);
    migrate_init();
    command_register(restore_commands);
    command_register(bitops_commands);
    command_register(bitfield_commands);
    command_register(stream_commands);
    stream_register_type();
}
