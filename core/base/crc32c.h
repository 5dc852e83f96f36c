// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), as used by iSCSI, ext4 and the daqz wire
// format. Chooses the fastest implementation this CPU runs once, at first use:
//   x86-64 with SSE4.2: the crc32 instruction on three interleaved streams (util/crc32c_x86.cpp);
//   aarch64 with the CRC extension: the crc32c instructions (util/crc32c_arm.cpp);
//   anything else: a portable slice-by-8 table.
// Every implementation gives the same result (tests/util/crc32c_test.cpp checks all of them against
// the byte-wise reference on every length 0..300, unaligned starts and large buffers).
//
//   uint32_t c = crc32c(data, size);             // one shot
//   uint32_t c2 = crc32c_extend(c, more, n);     // continue over a second buffer
//   uint32_t c3 = crc32c_combine(c, crc32c(more, n), n);   // the same, from the two CRCs alone
//
// Thread-safe (pure functions). Check value: crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>

namespace daqz {

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);
inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }

// The CRC of A followed by B from crc32c(A), crc32c(B) and B's length, without reading B: lets a
// writer frame a record around a payload whose CRC was already checked on receipt. O(log size_b).
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t size_b);

// Which implementation crc32c_extend dispatches to: "sse4.2-3way", "armv8-crc" or "slice-by-8".
const char* crc32c_implementation();

}  // namespace daqz
