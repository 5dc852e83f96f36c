// Every CRC32C implementation behind crc32c_extend (util/crc32c.h), exposed so that tests can compare
// them with each other and benches can time them side by side. Production code calls crc32c_extend.
//
// Each function has crc32c_extend's contract (the CRC so far in, the CRC including `data` out). The
// hardware ones may only be called when their have_*() says the CPU runs them.
//
// A CRC register is linear over GF(2), which is what lets the hardware path run three independent
// streams and join them: crc(A || B) = shift(crc(A), |B|) ^ crc_from_zero(B), where shift() appends
// |B| zero bytes (a 32x32 bit-matrix product, tabulated 8 bits at a time in Crc32cShift).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace daqz::crc32c_detail {

inline constexpr uint32_t kPolyReflected = 0x82F63B78u;

// The reference: one table lookup per byte (the implementation daqz used without SSE4.2).
uint32_t extend_bytewise(uint32_t crc, const uint8_t* data, size_t size);
// Portable fast path: eight bytes per step through eight tables.
uint32_t extend_slice8(uint32_t crc, const uint8_t* data, size_t size);

// The raw (not inverted) register after feeding `size` more bytes; the building block of the above.
uint32_t raw_update_bytewise(uint32_t raw, const uint8_t* data, size_t size);

// Appends `bytes` zero bytes to a raw CRC register: shift(raw) in four table lookups.
class Crc32cShift {
 public:
  explicit Crc32cShift(size_t bytes);
  uint32_t operator()(uint32_t raw) const {
    return table_[0][raw & 0xFF] ^ table_[1][(raw >> 8) & 0xFF] ^ table_[2][(raw >> 16) & 0xFF] ^
           table_[3][raw >> 24];
  }

 private:
  std::array<std::array<uint32_t, 256>, 4> table_;
};

bool have_sse42();
// One stream of crc32 instructions (the implementation daqz used with SSE4.2 before the 3-way one).
uint32_t extend_sse42(uint32_t crc, const uint8_t* data, size_t size);
// Three interleaved streams, joined with Crc32cShift: ~3x one stream on buffers of a few kB and more.
uint32_t extend_sse42_3way(uint32_t crc, const uint8_t* data, size_t size);

bool have_arm_crc();
uint32_t extend_arm_crc(uint32_t crc, const uint8_t* data, size_t size);

}  // namespace daqz::crc32c_detail
