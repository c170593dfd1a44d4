/* cmd/standalone.c -- commands answered as a standalone Redis 7.0 master
 * with no replicas and cluster support disabled: WAIT, ROLE, READONLY,
 * READWRITE, CLUSTER <any subcommand>, and LOLWUT. Replies and errors are
 * redis-server 7.0.15's, observed. */
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "conn.h"

/* WAIT numreplicas timeout -- no replica ever acknowledges: 0 at once when
 * none is asked for (or inside MULTI), else 0 when the timeout (ms; 0 =
 * forever) passes or CLIENT UNBLOCK ends the wait. */
static void cmd_wait(Client *c) {
    int64_t numreplicas, ms;
    if (!arg_int64_or_reply(c, 1, &numreplicas)) return;
    if (!arg_int64_msg_or_reply(c, 2, &ms, "ERR timeout is not an integer or out of range")) return;
    if (ms < 0) {
        reply_error(c, "ERR timeout is negative");
        return;
    }
    if (numreplicas <= 0 || (c->flags & (CLIENT_MULTI | CLIENT_NO_BLOCK))) {
        reply_int(c, 0);
        return;
    }
    int64_t now = db_now();
    block_wait(c, ms == 0 ? 0 : (ms > INT64_MAX - now ? 0 : now + ms));
}

/* ROLE -- master, replication offset 0, no replicas. */
static void cmd_role(Client *c) {
    reply_array(c, 3);
    reply_bulk(c, "master", 6);
    reply_int(c, 0);
    reply_array(c, 0);
}

static void cluster_disabled(Client *c) {
    reply_error(c, "ERR This instance has cluster support disabled");
}

/* LOLWUT [VERSION v] [args...] -- Redis draws art for versions 5 and 6 and
 * prints its version line for the others; kilat draws its own (a bolt:
 * "kilat" is lightning) and the same version line. The art versions take
 * up to three integer arguments, as Redis's do. */
static void cmd_lolwut(Client *c) {
    int first = 1;
    int64_t ver = 7;
    if (c->argc >= 3 && arg_is(c, 1, "version")) {
        if (!arg_int64_or_reply(c, 2, &ver)) return;
        first = 3;
    }
    char text[512];
    unsigned v = (unsigned)ver;
    if (v == 5 || v == 6) {
        for (int i = first; i < c->argc && i < first + 3; i++) {
            int64_t ignored;
            if (!arg_int64_or_reply(c, i, &ignored)) return;
        }
        snprintf(text, sizeof text,
                 "      __\n"
                 "     / /\n"
                 "    / /__\n"
                 "   /__  /\n"
                 "     / /\n"
                 "    / /\n"
                 "   /_/\n"
                 "\n"
                 "kilat: lightning. Redis ver. %s\n",
                 KILAT_REDIS_VERSION);
    } else {
        snprintf(text, sizeof text, "Redis ver. %s\n", KILAT_REDIS_VERSION);
    }
    reply_verbatim(c, text, strlen(text));
}

#define CL "cluster"
#define CLF (CMD_ADMIN | CMD_STALE)
#define ACL_CL_ADMIN "@admin @slow @dangerous"
#define X(name, arity, flags, summary, since, cx, acl) \
    {name, cluster_disabled, arity, flags, 0, 0, 0, CL, summary, since, cx, acl, NULL}

static Command cluster_subs[] = {
    X("addslots", -3, CLF, "Assign new hash slots to receiving node", "3.0.0", "O(N) where N is the total number of hash slot arguments", ACL_CL_ADMIN),
    X("addslotsrange", -4, CLF, "Assign new hash slots to receiving node", "7.0.0", "O(N) where N is the total number of the slots between the start slot and end slot arguments.", ACL_CL_ADMIN),
    X("bumpepoch", 2, CLF, "Advance the cluster config epoch", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("count-failure-reports", 3, CLF, "Return the number of failure reports active for a given node", "3.0.0", "O(N) where N is the number of failure reports", ACL_CL_ADMIN),
    X("countkeysinslot", 3, CMD_STALE, "Return the number of local keys in the specified hash slot", "3.0.0", "O(1)", "@slow"),
    X("delslots", -3, CLF, "Set hash slots as unbound in receiving node", "3.0.0", "O(N) where N is the total number of hash slot arguments", ACL_CL_ADMIN),
    X("delslotsrange", -4, CLF, "Set hash slots as unbound in receiving node", "7.0.0", "O(N) where N is the total number of the slots between the start slot and end slot arguments.", ACL_CL_ADMIN),
    X("failover", -2, CLF, "Forces a replica to perform a manual failover of its master.", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("flushslots", 2, CLF, "Delete a node's own slots information", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("forget", 3, CLF, "Remove a node from the nodes table", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("getkeysinslot", 4, CMD_STALE, "Return local key names in the specified hash slot", "3.0.0", "O(log(N)) where N is the number of requested keys", "@slow"),
    X("help", 2, CMD_LOADING | CMD_STALE, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@slow"),
    X("info", 2, CMD_STALE, "Provides info about Redis Cluster node state", "3.0.0", "O(1)", "@slow"),
    X("keyslot", 3, CMD_STALE, "Returns the hash slot of the specified key", "3.0.0", "O(N) where N is the number of bytes in the key", "@slow"),
    X("links", 2, CMD_STALE, "Returns a list of all TCP links to and from peer nodes in cluster", "7.0.0", "O(N) where N is the total number of Cluster nodes", "@slow"),
    X("meet", -4, CLF, "Force a node cluster to handshake with another node", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("myid", 2, CMD_STALE, "Return the node id", "3.0.0", "O(1)", "@slow"),
    X("nodes", 2, CMD_STALE, "Get Cluster config for the node", "3.0.0", "O(N) where N is the total number of Cluster nodes", "@slow"),
    X("replicas", 3, CLF, "List replica nodes of the specified master node", "5.0.0", "O(1)", ACL_CL_ADMIN),
    X("replicate", 3, CLF, "Reconfigure a node as a replica of the specified master node", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("reset", -2, CLF | CMD_NOSCRIPT, "Reset a Redis Cluster node", "3.0.0", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.", ACL_CL_ADMIN),
    X("saveconfig", 2, CLF, "Forces the node to save cluster state on disk", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("set-config-epoch", 3, CLF, "Set the configuration epoch in a new node", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("setslot", -4, CLF, "Bind a hash slot to a specific node", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("shards", 2, CMD_STALE, "Get array of cluster slots to node mappings", "7.0.0", "O(N) where N is the total number of cluster nodes", "@slow"),
    X("slaves", 3, CLF, "List replica nodes of the specified master node", "3.0.0", "O(1)", ACL_CL_ADMIN),
    X("slots", 2, CMD_STALE, "Get array of Cluster slot to node mappings", "3.0.0", "O(N) where N is the total number of Cluster nodes", "@slow"),
    {0},
};
#undef X

#define RF (CMD_LOADING | CMD_STALE | CMD_FAST)

Command standalone_commands[] = {
    {"wait", cmd_wait, 3, CMD_NOSCRIPT, 0, 0, 0, "generic", "Wait for the synchronous replication of all the write commands sent in the context of the current connection", "3.0.0", "O(1)", "@slow @connection", NULL},
    {"role", cmd_role, 1, CMD_NOSCRIPT | RF, 0, 0, 0, "server", "Return the role of the instance in the context of replication", "2.8.12", "O(1)", "@admin @fast @dangerous", NULL},
    {"readonly", cluster_disabled, 1, RF, 0, 0, 0, CL, "Enables read queries for a connection to a cluster replica node", "3.0.0", "O(1)", "@fast @connection", NULL},
    {"readwrite", cluster_disabled, 1, RF, 0, 0, 0, CL, "Disables read queries for a connection to a cluster replica node", "3.0.0", "O(1)", "@fast @connection", NULL},
    {"cluster", NULL, -2, 0, 0, 0, 0, CL, "A container for cluster commands", "3.0.0", "Depends on subcommand.", "@slow", cluster_subs},
    {"lolwut", cmd_lolwut, -1, CMD_READONLY | CMD_FAST, 0, 0, 0, "server", "Display some computer art and the Redis version", "5.0.0", NULL, "@read @fast", NULL},
    {0},
};
