#include "base/crc32c.h"

#include <cstring>

#include "base/crc32c_variants.h"

namespace daqz {
namespace crc32c_detail {
namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the classic byte table; tables[k][b] is the register contribution of byte b followed
// by k zero bytes, which is what lets slice-by-8 fold eight bytes per step.
constexpr Tables make_tables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolyReflected : c >> 1;
    t[0][i] = c;
  }
  for (size_t k = 1; k < 8; ++k)
    for (uint32_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  return t;
}

constexpr Tables kTables = make_tables();

}  // namespace

uint32_t raw_update_bytewise(uint32_t raw, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) raw = kTables[0][(raw ^ p[i]) & 0xFF] ^ (raw >> 8);
  return raw;
}

uint32_t extend_bytewise(uint32_t crc, const uint8_t* p, size_t n) { return ~raw_update_bytewise(~crc, p, n); }

uint32_t extend_slice8(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t raw = ~crc;
  while (n >= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);  // little-endian hosts (x86-64, aarch64): the reflected CRC's byte order
    std::memcpy(&hi, p + 4, 4);
    lo ^= raw;
    raw = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
          kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
          kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  return ~raw_update_bytewise(raw, p, n);
}

Crc32cShift::Crc32cShift(size_t bytes) : table_{} {
  // shift() is linear: tabulate it on the 32 unit vectors, then combine them per byte value.
  std::array<uint32_t, 32> basis{};
  for (int bit = 0; bit < 32; ++bit) {
    uint32_t raw = 1u << bit;
    for (size_t i = 0; i < bytes; ++i) raw = kTables[0][raw & 0xFF] ^ (raw >> 8);
    basis[size_t(bit)] = raw;
  }
  for (size_t k = 0; k < 4; ++k)
    for (uint32_t v = 0; v < 256; ++v) {
      uint32_t out = 0;
      for (int j = 0; j < 8; ++j)
        if (v & (1u << j)) out ^= basis[8 * k + size_t(j)];
      table_[k][v] = out;
    }
}

}  // namespace crc32c_detail

namespace {

using ExtendFn = uint32_t (*)(uint32_t, const uint8_t*, size_t);

struct Choice {
  ExtendFn fn;
  const char* name;
};

Choice choose() {
  using namespace crc32c_detail;
  if (have_sse42()) return {&extend_sse42_3way, "sse4.2-3way"};
  if (have_arm_crc()) return {&extend_arm_crc, "armv8-crc"};
  return {&extend_slice8, "slice-by-8"};
}

const Choice& chosen() {
  static const Choice c = choose();
  return c;
}

}  // namespace

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size) {
  return chosen().fn(crc, static_cast<const uint8_t*>(data), size);
}

const char* crc32c_implementation() { return chosen().name; }

}  // namespace daqz
