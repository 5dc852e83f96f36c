#include "codec/jet_float_trunc.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "sim/jet_generator.h"
#include "codec/jet_schema.h"

namespace daqz {
namespace {

uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
float from_bits(uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

// Independent reference of the rule, written from its arithmetic meaning rather than bit tricks:
// round the magnitude to m mantissa bits, ties away from zero, unless that would reach infinity.
uint32_t reference(uint32_t b, int m) {
  if (m == 23) return b;
  const uint32_t exp = (b >> 23) & 0xff;
  if (exp == 0xff) return b;
  const uint32_t sign = b & 0x80000000u, mag = b & 0x7fffffffu;
  const uint64_t lsb = uint64_t(1) << (23 - m);
  uint64_t rounded = (uint64_t(mag) + lsb / 2) / lsb * lsb;           // nearest, ties up in magnitude
  const uint64_t vmax = 0x7f7fffffull - lsb / 2;                      // ATLAS's threshold
  if (mag >= vmax) rounded = uint64_t(mag) / lsb * lsb;              // would overflow: truncate
  return sign | uint32_t(rounded);
}

TEST(FloatTrunc, MatchesTheRuleOnSpecialAndRandomValues) {
  std::vector<uint32_t> cases = {0x00000000, 0x80000000, 0x00000001, 0x007fffff, 0x00800000, 0x3f800000,
                                 0x3fffffff, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
                                 0x7f800001, 0xffc00001, 0x7f7f8000, 0x7f7f7fff, 0x4effffff, 0x3f7fffff};
  std::mt19937 rng(5);
  for (int i = 0; i < 200000; ++i) cases.push_back(rng());
  for (int m = 5; m <= 23; ++m) {
    const FloatTruncator t(m);
    for (uint32_t b : cases) {
      const uint32_t got = t.apply(b);
      ASSERT_EQ(got, reference(b, m)) << "m=" << m << " bits=" << std::hex << b;
      const float x = from_bits(b);
      if (std::isnan(x)) {
        ASSERT_EQ(got, b);  // NaN passes unchanged, payload included
      } else if (std::isinf(x)) {
        ASSERT_EQ(got, b);
      } else {
        ASSERT_TRUE(std::isfinite(from_bits(got))) << "overflow into inf, m=" << m << std::hex << " bits=" << b;
        ASSERT_EQ(got & ((1u << (23 - m)) - 1), 0u);
        ASSERT_EQ(got >> 31, b >> 31);  // sign kept
        // Relative error at most half an LSB (or one LSB at the no-overflow edge).
        if (std::fabs(x) >= FLT_MIN)
          ASSERT_LE(std::fabs(from_bits(got) - x), std::fabs(x) * std::ldexp(1.0, -m)) << m;
      }
    }
  }
}

TEST(FloatTrunc, NoOverflowKeepsLargestFiniteWithThatMantissa) {
  // FLT_MAX rounded to 7 bits would carry into the exponent (inf); it is truncated instead.
  EXPECT_EQ(bits_of(truncate_float(FLT_MAX, 7)), 0x7f7f0000u);
  EXPECT_EQ(bits_of(truncate_float(-FLT_MAX, 7)), 0xff7f0000u);
  EXPECT_EQ(truncate_float(1.0f + 1.0f / 256, 7), 1.0f + 1.0f / 128);  // a tie rounds up in magnitude
  EXPECT_EQ(truncate_float(-(1.0f + 1.0f / 256), 7), -(1.0f + 1.0f / 128));
  EXPECT_EQ(truncate_float(1.0f + 1.0f / 512, 7), 1.0f);
  EXPECT_EQ(truncate_float(1.9999999f, 5), 2.0f);  // carry into the exponent is correct rounding
  EXPECT_THROW(FloatTruncator(4), CodecError);
  EXPECT_THROW(FloatTruncator(24), CodecError);
}

TEST(FloatTrunc, PackedRoundTripIsBitExactAndShrinks) {
  std::mt19937 rng(9);
  const size_t rows = 3001;
  std::vector<int> bits = {23, 5, 7, 10, 16, 22, 8};
  std::vector<float> v(rows * bits.size());
  for (auto& x : v) {
    uint32_t b;
    do b = rng(); while ((b & 0x7f800000u) == 0x7f800000u);  // NaN/inf only where placed below
    x = from_bits(b);
  }
  v[3] = std::numeric_limits<float>::quiet_NaN();
  v[4] = from_bits(0x7f800001);  // NaN whose payload lies in the dropped bits: goes to the exception list
  v[5] = -std::numeric_limits<float>::infinity();
  const auto packed = pack_truncated(v.data(), rows, bits);
  size_t r = 0, c = 0;
  std::vector<int> got_bits;
  const auto back = unpack_truncated(packed.data(), packed.size(), &r, &c, &got_bits);
  ASSERT_EQ(r, rows);
  ASSERT_EQ(c, bits.size());
  EXPECT_EQ(got_bits, bits);
  for (size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(bits_of(back[i]), FloatTruncator(bits[i % bits.size()]).apply(bits_of(v[i]))) << i;
  EXPECT_LT(packed.size(), rows * packed_bits_per_row(bits) / 8 + 64);
  EXPECT_LT(packed.size(), v.size() * 4 * 0.7);  // 154 of 224 bits per row
  auto corrupt = packed;
  corrupt.resize(corrupt.size() / 2);
  EXPECT_THROW(unpack_truncated(corrupt.data(), corrupt.size(), &r, &c, nullptr), CodecError);
}

TEST(FloatTrunc, CodecKeepsKinematicsAndTruncatesTheRest) {
  const JetBatch b = generate_jets(4, 1000);
  auto codec = make_jet_codec("float-trunc", CodecOptions{"", "cpu", 1, {{"bits", "7"}, {"bits.Timing", "12"}}});
  const EncodedRecord rec = codec->encode(b);
  EXPECT_EQ(rec.codec_id, "float-trunc");
  EXPECT_EQ(rec.original_bytes, 1000u * 27 * 4);
  // 4 x 32 + 1 x 21 + 22 x 16 bits per jet.
  EXPECT_NEAR(double(rec.bytes.size()), 1000.0 * (128 + 21 + 22 * 16) / 8, 64);
  const JetBatch back = codec->decode(rec);
  ASSERT_EQ(back.n, b.n);
  EXPECT_EQ(back.schema_id, kJetSchemaTla27);
  const JetSchema& s = jet_schema(kJetSchemaTla27);
  for (size_t i = 0; i < b.values.size(); ++i) {
    const int col = int(i % 27);
    const int m = col < 4 ? 23 : col == s.index_of("Timing") ? 12 : 7;
    ASSERT_EQ(bits_of(back.values[i]), bits_of(truncate_float(b.values[i], m))) << s.variable(col).name;
  }
  EXPECT_THROW(make_jet_codec("float-trunc", CodecOptions{"", "cpu", 1, {{"bits", "3"}}}), CodecError);
  EXPECT_THROW(make_jet_codec("float-trunc", CodecOptions{"", "cpu", 1, {{"bogus", "3"}}}), CodecError);
}

}  // namespace
}  // namespace daqz
