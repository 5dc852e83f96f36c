#include "base/crc32c.h"

#include <array>
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

namespace {

// Polynomials over GF(2) modulo the CRC polynomial, in the reflected bit order the CRC uses: bit 31
// holds x^0, bit 30 holds x^1, and so on.
constexpr uint32_t kOne = 1u << 31;

constexpr uint32_t multiply_mod_poly(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = kOne; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1) ? (b >> 1) ^ crc32c_detail::kPolyReflected : b >> 1;  // b *= x
  }
  return product;
}

// x^(2^k) mod P for k = 0..63: squaring the previous entry doubles the exponent.
constexpr std::array<uint32_t, 64> make_x_pow_2k() {
  std::array<uint32_t, 64> t{};
  t[0] = kOne >> 1;  // x^1
  for (size_t k = 1; k < t.size(); ++k) t[k] = multiply_mod_poly(t[k - 1], t[k - 1]);
  return t;
}
constexpr std::array<uint32_t, 64> kXPow2k = make_x_pow_2k();

}  // namespace

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t size_b) {
  // Appending size_b bytes multiplies A's register by x^(8 size_b); the pre- and post-inversions of
  // the two CRCs cancel in the sum (the same identity zlib's crc32_combine rests on).
  uint32_t shift = kOne;
  const uint64_t bits = size_b * 8;
  for (size_t k = 0; k < 64 && (bits >> k) != 0; ++k)
    if ((bits >> k) & 1) shift = multiply_mod_poly(kXPow2k[k], shift);
  return multiply_mod_poly(shift, crc_a) ^ crc_b;
}

}  // namespace daqz
