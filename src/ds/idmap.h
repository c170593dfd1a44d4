/* ds/idmap.h -- an ordered map from StreamId to a pointer: insert and
 * delete anywhere, find, and walks in both directions from any point
 * (consumer-group PELs). A B+tree: O(log n) per operation, about 26 bytes
 * per entry when filled in increasing order (an empty map holds no node).
 * The map never owns the values unless idmap_free is given a destructor. */
#ifndef KILAT_IDMAP_H
#define KILAT_IDMAP_H

#include "../base.h"
#include "stream_id.h"

typedef struct IdMap IdMap;
typedef struct IdMapNode IdMapNode;

IdMap *idmap_new(void);
/* Frees the map; val_free (may be NULL) runs on every value. */
void idmap_free(IdMap *m, void (*val_free)(void *));
size_t idmap_len(const IdMap *m);
/* Bytes held by the map's own structure (not the values). */
size_t idmap_mem(const IdMap *m);

/* false (map unchanged) when id is already there. */
bool idmap_insert(IdMap *m, const StreamId *id, void *val);
/* The node of id, or NULL. */
IdMapNode *idmap_find(const IdMap *m, const StreamId *id);
/* Removes id; its value goes to *old (old may be NULL). false: absent. */
bool idmap_delete(IdMap *m, const StreamId *id, void **old);

/* Walks. Each returns NULL past the end. An IdMapNode * is a position,
 * not a pointer to dereference: ANY insert or delete in the map
 * invalidates every position in it (entries shift inside their node), so
 * a walk that changes its map seeks again by ID afterwards. Changing a
 * value (idmap_node_set_val) or another map keeps positions valid. */
IdMapNode *idmap_first(const IdMap *m);
IdMapNode *idmap_last(const IdMap *m);
IdMapNode *idmap_seek_ge(const IdMap *m, const StreamId *id); /* first node >= id */
IdMapNode *idmap_seek_le(const IdMap *m, const StreamId *id); /* last node <= id */
IdMapNode *idmap_next(const IdMapNode *n);
IdMapNode *idmap_prev(const IdMapNode *n);
const StreamId *idmap_node_id(const IdMapNode *n);
void *idmap_node_val(const IdMapNode *n);
void idmap_node_set_val(IdMapNode *n, void *val);

#endif
