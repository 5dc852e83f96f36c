// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), as used by iSCSI, ext4 and the daqz wire
// format. Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
//
//   uint32_t c = crc32c(data, size);             // one shot
//   uint32_t c2 = crc32c_extend(c, more, n);     // continue over a second buffer
//
// Thread-safe (pure functions). Check value: crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>

namespace daqz {

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);
inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }

}  // namespace daqz
