// Float truncation codec for jets ("float-trunc"), bit-compatible with ATLAS's lossy float
// compression (CxxUtils::FloatCompressor::reduceFloatPrecision), plus packed storage.
//
// The rule, for m kept mantissa bits (5..23), on the IEEE-754 bits b of a float32 x:
//   m == 23            -> x unchanged
//   x NaN or +-inf     -> x unchanged (payload included)
//   rounding = 1 << (22 - m)                      (half an LSB of the kept mantissa)
//   vmax     = 0x7f700000 | (0x000fffff ^ rounding)   (= 0x7f7fffff - rounding)
//   if ((b & 0x7fffffff) < vmax) b += rounding    (round half away from zero in magnitude;
//                                                  a carry into the exponent is correct rounding)
//   b &= ~((1 << (23 - m)) - 1)                   (drop the low 23 - m mantissa bits)
// No overflow into infinity: magnitudes >= vmax (within half a kept LSB of FLT_MAX's binade top,
// i.e. bits >= 0x7f7fffff - rounding) are not rounded, only masked, i.e. truncated toward zero;
// they keep the largest finite value with their kept mantissa bits. (ATLAS's comparison is strict,
// so bits == vmax is also only masked, although rounding it would stay finite: kept for exact
// compatibility.) Subnormals and signed zeros follow the same integer rule.
//
// Packed storage: each value keeps sign + 8 exponent bits + m mantissa bits (9 + m bits), written
// row by row, column by column, LSB-first into a byte stream. Non-finite values whose dropped bits
// are non-zero (NaN payloads) are stored exactly in an exception list. Payload layout:
//   u8 version (1) | varint rows | varint cols | cols x u8 kept bits | packed bits (byte-padded)
//   | varint exception count | per exception: varint flat index, u32 LE raw bits.
//
//   float y = truncate_float(x, 10);
//   FloatTruncCodec codec(bits_for_schema(kJetSchemaTla27, params));
//   EncodedRecord rec = codec.encode(batch);  JetBatch back = codec.decode(rec);
//   // back.values[i] has exactly the bits of truncate_float(batch.values[i], bits[col])
//
// Pure functions are thread-safe; a codec instance is immutable after construction. Throws
// CodecError for bad parameters or malformed payloads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kFloatTruncCodecId[] = "float-trunc";
inline constexpr int kFloatTruncMinBits = 5;
inline constexpr int kFloatTruncMaxBits = 23;

// The ATLAS rule on raw bits / on a float. Throws CodecError if m is outside 5..23.
class FloatTruncator {
 public:
  explicit FloatTruncator(int mantissa_bits);
  uint32_t apply(uint32_t bits) const {
    if (bits_ == kFloatTruncMaxBits) return bits;
    if ((bits & 0x7f800000u) == 0x7f800000u) return bits;  // NaN or inf
    if ((bits & 0x7fffffffu) < vmax_) bits += rounding_;
    return bits & mask_;
  }
  float operator()(float x) const;
  int bits() const { return bits_; }

 private:
  int bits_;
  uint32_t mask_, rounding_, vmax_;
};

float truncate_float(float x, int mantissa_bits);
void truncate_floats(const float* in, float* out, size_t n, int mantissa_bits);

// Packs rows x cols floats (row-major), truncating column c to bits[c] mantissa bits.
std::vector<uint8_t> pack_truncated(const float* values, size_t rows, const std::vector<int>& bits);
// Inverse of pack_truncated; fills rows/cols/bits from the payload header.
std::vector<float> unpack_truncated(const uint8_t* data, size_t size, size_t* rows, size_t* cols,
                                    std::vector<int>* bits);
// Size in bytes of the packed stream (excluding header and exceptions), for planning/reporting.
size_t packed_bits_per_row(const std::vector<int>& bits);

// Kept mantissa bits per column of `schema_id` from codec params:
//   "bits"            default for every variable (default 10)
//   "kinematic_bits"  for pt, eta, phi, m (default 23: ATLAS stores the 4-vector untouched)
//   "bits.<name>"     per-variable override, e.g. "bits.Timing=7"
// For schema 0 (unknown) "bits" applies to every column; `cols` gives the width then.
std::vector<int> float_trunc_bits(uint32_t schema_id, size_t cols, const std::map<std::string, std::string>& params);

class FloatTruncCodec final : public JetCodec {
 public:
  explicit FloatTruncCodec(std::map<std::string, std::string> params);
  const CodecDescriptor& descriptor() const override { return descriptor_; }
  EncodedRecord encode(const JetBatch& batch) override;
  JetBatch decode(const EncodedRecord& record) override;

 private:
  std::map<std::string, std::string> params_;
  CodecDescriptor descriptor_;
};

}  // namespace daqz
