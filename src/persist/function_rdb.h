/* persist/function_rdb.h -- functions in RDB bytes: the FUNCTION2 records
 * of a file (before the keys, as Redis 7.0) and FUNCTION DUMP / RESTORE
 * payloads (the same records, then the RDB version and CRC-64, as DUMP). */
#ifndef KILAT_FUNCTION_RDB_H
#define KILAT_FUNCTION_RDB_H

#include "rdb_dec.h"
#include "rdb_enc.h"

/* One FUNCTION2 record (opcode byte, then the library code) per library. */
void function_rdb_write(RdbBuf *b);
/* Reads the library after a FUNCTION2 or pre-GA FUNCTION opcode (type)
 * and loads it (replace: DEBUG RELOAD MERGE). false with err. */
bool function_rdb_read(RdbReader *r, int type, bool replace, char *err, size_t errlen);
/* Sets FUNCTION DUMP and RESTORE's handlers (script/function.h hooks). */
void function_rdb_init(void);

#endif
