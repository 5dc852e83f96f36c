// CRC32C with the SSE4.2 crc32 instruction (x86-64 only; other targets get stubs that report
// have_sse42() == false). Compiled for the baseline ISA; only these functions carry target("sse4.2"),
// and crc32c.cpp calls them only after __builtin_cpu_supports says the CPU has the instruction.
#include "base/crc32c_variants.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace daqz::crc32c_detail {

#if defined(__x86_64__)
namespace {

// The crc32 instruction has a latency of 3 cycles and a throughput of one per cycle: three independent
// streams keep it busy. Long blocks amortise the join (two table shifts); short ones cover the tail of
// a message (a 187 kB wedge: 7 long rounds, then ~20 short ones).
constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

__attribute__((target("sse4.2"))) inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

__attribute__((target("sse4.2"))) uint32_t raw_update_sse42(uint32_t raw, const uint8_t* p, size_t n) {
  uint64_t c = raw;
  for (; n >= 8; p += 8, n -= 8) c = _mm_crc32_u64(c, load64(p));
  uint32_t c32 = uint32_t(c);
  for (; n > 0; ++p, --n) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

// Three streams over consecutive blocks of `block` bytes; returns the register after all 3 * block.
template <size_t block>
__attribute__((target("sse4.2"))) uint32_t three_blocks(uint32_t raw, const uint8_t* p, const Crc32cShift& shift) {
  uint64_t c0 = raw, c1 = 0, c2 = 0;
  for (size_t i = 0; i < block; i += 8) {
    c0 = _mm_crc32_u64(c0, load64(p + i));
    c1 = _mm_crc32_u64(c1, load64(p + block + i));
    c2 = _mm_crc32_u64(c2, load64(p + 2 * block + i));
  }
  uint32_t joined = shift(uint32_t(c0)) ^ uint32_t(c1);
  return shift(joined) ^ uint32_t(c2);
}

}  // namespace

bool have_sse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

uint32_t extend_sse42(uint32_t crc, const uint8_t* p, size_t n) { return ~raw_update_sse42(~crc, p, n); }

uint32_t extend_sse42_3way(uint32_t crc, const uint8_t* p, size_t n) {
  static const Crc32cShift shift_long(kLongBlock), shift_short(kShortBlock);
  uint32_t raw = ~crc;
  for (; n >= 3 * kLongBlock; p += 3 * kLongBlock, n -= 3 * kLongBlock)
    raw = three_blocks<kLongBlock>(raw, p, shift_long);
  for (; n >= 3 * kShortBlock; p += 3 * kShortBlock, n -= 3 * kShortBlock)
    raw = three_blocks<kShortBlock>(raw, p, shift_short);
  return ~raw_update_sse42(raw, p, n);
}

#else  // not x86-64

bool have_sse42() { return false; }
uint32_t extend_sse42(uint32_t crc, const uint8_t* p, size_t n) { return extend_slice8(crc, p, n); }
uint32_t extend_sse42_3way(uint32_t crc, const uint8_t* p, size_t n) { return extend_slice8(crc, p, n); }

#endif

}  // namespace daqz::crc32c_detail
