// CRC32C with the ARMv8 CRC extension (aarch64 only; other targets get stubs that report
// have_arm_crc() == false). One stream; the dispatcher in crc32c.cpp uses it when HWCAP_CRC32 is set.
// Not exercised by CI (x86-64); it mirrors extend_sse42's loop.
#include "base/crc32c_variants.h"

#include <cstring>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace daqz::crc32c_detail {

#if defined(__aarch64__) && defined(__linux__)

bool have_arm_crc() { return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0; }

// Inline assembly rather than <arm_acle.h>: its intrinsics need -march=...+crc for the whole file on
// some compilers (clang 14), which would let the compiler use CRC instructions elsewhere too.
uint32_t extend_arm_crc(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t raw = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    asm(".arch_extension crc\n\tcrc32cx %w[c], %w[c], %x[v]" : [c] "+r"(raw) : [v] "r"(v));
  }
  for (; n > 0; ++p, --n) {
    const uint32_t b = *p;
    asm(".arch_extension crc\n\tcrc32cb %w[c], %w[c], %w[b]" : [c] "+r"(raw) : [b] "r"(b));
  }
  return ~raw;
}

#else  // not aarch64 Linux

bool have_arm_crc() { return false; }
uint32_t extend_arm_crc(uint32_t crc, const uint8_t* p, size_t n) { return extend_slice8(crc, p, n); }

#endif

}  // namespace daqz::crc32c_detail
