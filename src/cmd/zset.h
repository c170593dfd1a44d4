/* cmd/zset.h -- what the sorted-set command files share (zset.c: members,
 * pops, random, scan and the table; zset_range.c: ranges; zset_ops.c:
 * union/inter/diff). Internal to cmd/: not a public API. */
#ifndef KILAT_CMD_ZSET_H
#define KILAT_CMD_ZSET_H

#include "../core/args.h"
#include "../core/client.h"
#include "../core/db.h"
#include "../core/t_zset.h"

/* argv[i]'s entry for a read (lookupKeyRead: counts a keyspace hit or
 * miss) or a write (lookupKeyWrite: no counting). */
Entry *zs_lookup_read(Client *c, int i);
Entry *zs_lookup_write(Client *c, int i);
/* argv[i]'s set for a read command; false after WRONGTYPE. *z is NULL
 * when the key is absent. */
bool zs_read_or_reply(Client *c, int i, Zset **z);
/* After ZADD-like adds to argv[1]'s set z (e: its entry, NULL when z is
 * new): stores z back or adds the key (an empty new z is freed), counts
 * added + updated changes, wakes clients blocked on the key if added. */
void zs_add_done(Client *c, Entry *e, Zset *z, int64_t added, int64_t updated);
/* One element of a range reply: the member, and with scores its score
 * (RESP3: a nested [member, score] pair). */
void zs_reply_elem(Client *c, const ZsetElem *e, bool withscores);
/* After an in-place change of e's set (now z, `changes` things changed):
 * stores z back, counts dirty, deletes the key when z is empty. e is
 * invalid afterwards. */
void zs_commit(Client *c, int keyi, Entry *e, Zset *z, uint64_t changes);
/* zs_commit, then, when something changed, the key's events: `event`
 * (class z), and "del" if the set emptied. */
void zs_commit_notify(Client *c, int keyi, Entry *e, Zset *z, uint64_t changes,
                      const char *event);
/* ZRANGESTORE/ZUNIONSTORE...: stores `result` (owned) at argv[dsti],
 * replacing any value (an empty result deletes the key), wakes clients
 * blocked on it, and replies the result's size. */
void zs_store_reply(Client *c, int dsti, Zset *result, const char *event);

/* zset_range.c */
void cmd_zrange(Client *c);
void cmd_zrangestore(Client *c);
void cmd_zrevrange(Client *c);
void cmd_zrangebyscore(Client *c);
void cmd_zrevrangebyscore(Client *c);
void cmd_zrangebylex(Client *c);
void cmd_zrevrangebylex(Client *c);
void cmd_zcount(Client *c);
void cmd_zlexcount(Client *c);
void cmd_zremrangebyrank(Client *c);
void cmd_zremrangebyscore(Client *c);
void cmd_zremrangebylex(Client *c);

/* zset_ops.c */
void cmd_zunion(Client *c);
void cmd_zinter(Client *c);
void cmd_zdiff(Client *c);
void cmd_zunionstore(Client *c);
void cmd_zinterstore(Client *c);
void cmd_zdiffstore(Client *c);
void cmd_zintercard(Client *c);

#endif
