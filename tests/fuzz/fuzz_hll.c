/* tests/fuzz/fuzz_hll.c -- libFuzzer target for the HyperLogLog codec
 * (ds/hll.c): a PFADD/PFCOUNT/PFMERGE/PFDEBUG value is any string a client
 * SET, so every reader must survive any bytes (CVE-2025-32023 was a sparse
 * run-length overflow). Built and run by `make fuzz` (build-fuzz/fuzz_hll).
 *
 * Input: byte 0 picks the shape (bit 0: prepend a valid header so the
 * fuzzer spends its time in the registers; bit 1: its encoding is sparse),
 * byte 1 hll-sparse-max-bytes / 16, then the value (up to the first
 * "\n--\n"), then elements to add, one per line. Invariants, on values
 * the commands accept (hll_header_ok):
 *   - the sparse readers agree on corruption: PFCOUNT (hll_count), PFMERGE
 *     (hll_merge_max) and PFDEBUG TODENSE (hll_to_dense) all refuse, or
 *     all accept;
 *   - a sparse value's count equals its dense form's count, and the dense
 *     registers equal the ones PFMERGE read;
 *   - after adding elements (promoting to dense when hll_set asks), the
 *     count equals the union estimate of the registers the elements set
 *     (PFCOUNT of one key = PFCOUNT's multi-key path on the same
 *     registers), and the value still passes hll_header_ok. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ds/hll.h"

#define MAX_ELEMENTS 256

static bool sparse_readers_agree(const uint8_t *s, size_t len, uint8_t *regs) {
    uint64_t card = 0;
    bool counted = hll_count(s, len, &card);
    memset(regs, 0, HLL_REGISTERS);
    bool merged = hll_merge_max(s, len, regs);
    uint8_t *dense = malloc(HLL_DENSE_SIZE + 1);
    memcpy(dense, s, len);
    size_t dlen = len;
    bool converted = hll_to_dense(dense, &dlen);
    if (counted != merged || counted != converted) abort();
    if (converted) {
        uint64_t dcard = 0;
        if (dlen != HLL_DENSE_SIZE || !hll_header_ok(dense, dlen)) abort();
        if (!hll_count(dense, dlen, &dcard) || dcard != card) abort();
        for (long i = 0; i < HLL_REGISTERS; i++)
            if (hll_dense_get(dense, i) != regs[i]) abort();
    }
    free(dense);
    return counted;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int shape = data[0];
    int64_t sparse_max = (int64_t)data[1] * 16;
    data += 2;
    size -= 2;
    const uint8_t *sep = memmem(data, size, "\n--\n", 4);
    size_t vlen = sep ? (size_t)(sep - data) : size;
    const uint8_t *elems = sep ? sep + 4 : data + size;
    size_t elen = (size_t)(data + size - elems);

    size_t head = (shape & 1) ? HLL_HDR_SIZE : 0;
    size_t len = head + vlen;
    size_t cap = len > HLL_DENSE_SIZE ? len : HLL_DENSE_SIZE;
    if ((size_t)sparse_max > cap) cap = (size_t)sparse_max;
    uint8_t *s = calloc(1, cap + HLL_SPARSE_SLACK + 1);
    if (head) {
        memcpy(s, "HYLL", 4);
        s[4] = (shape & 2) ? HLL_SPARSE : HLL_DENSE;
    }
    memcpy(s + head, data, vlen);
    uint8_t *regs = malloc(HLL_REGISTERS);
    if (!hll_header_ok(s, len)) goto done; /* WRONGTYPE: no reader runs */

    bool valid = true;
    if (hll_encoding(s) == HLL_SPARSE) {
        valid = sparse_readers_agree(s, len, regs);
        size_t tlen = 0;
        free(hll_sparse_text(s, len, &tlen));
    } else {
        uint64_t card;
        if (!hll_count(s, len, &card) || !hll_merge_max(s, len, memset(regs, 0, HLL_REGISTERS)))
            abort(); /* a dense value of the right size is never corrupt */
    }
    if (!valid) goto done;

    int added = 0;
    for (size_t i = 0; i < elen && added < MAX_ELEMENTS; added++) {
        size_t j = i;
        while (j < elen && elems[j] != '\n') j++;
        long index;
        int count = hll_pattern(elems + i, j - i, &index);
        if (count > regs[index]) regs[index] = (uint8_t)count;
        int r = hll_add(s, &len, elems + i, j - i, sparse_max);
        if (r == HLL_PROMOTE) {
            if (!hll_to_dense(s, &len)) abort(); /* it was valid a moment ago */
            r = hll_add(s, &len, elems + i, j - i, sparse_max);
        }
        if (r == HLL_CORRUPT || r == HLL_PROMOTE) abort();
        i = j + 1;
    }
    uint64_t card = 0;
    if (!hll_header_ok(s, len) || !hll_count(s, len, &card)) abort();
    if (card != hll_count_raw(regs)) abort();
done:
    free(regs);
    free(s);
    return 0;
}
