#include "codec/rans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "codec/symbol_stream.h"

namespace daqz {
namespace {

std::vector<int32_t> round_trip(const std::vector<int32_t>& values, FrequencyTable& t) {
  const std::vector<uint8_t> bytes = encode_symbol_segments({{values.data(), values.size(), &t}});
  t.prepare_decoding();
  std::vector<int32_t> back(values.size(), -12345);
  decode_symbol_segments(bytes.data(), bytes.size(), {{back.data(), back.size(), &t}});
  return back;
}

TEST(FrequencyTable, CountsAreQuantisedToTheScaleWithEverySymbolCodable) {
  const auto t = FrequencyTable::from_counts({1000000, 3, 0, 17, 0}, 12);
  uint64_t sum = 0;
  for (uint32_t f : t.frequencies()) {
    EXPECT_GE(f, 1u);
    sum += f;
  }
  EXPECT_EQ(sum, 4096u);
  EXPECT_GT(t.freq(0), 4000u);
  EXPECT_EQ(t.start(0), 0u);
  EXPECT_EQ(t.start(1), t.freq(0));
}

TEST(FrequencyTable, ProportionsFollowTheCounts) {
  const auto t = FrequencyTable::from_counts({600, 300, 100}, 12);
  EXPECT_NEAR(t.freq(0) / 4096.0, 0.6, 0.002);
  EXPECT_NEAR(t.freq(1) / 4096.0, 0.3, 0.002);
  EXPECT_NEAR(t.cost_bits(0), -std::log2(0.6), 0.01);
}

TEST(FrequencyTable, RejectsBadTables) {
  EXPECT_THROW(FrequencyTable::from_counts({}, 12), EntropyCodeError);
  EXPECT_THROW(FrequencyTable::from_counts({1, 2}, 4), EntropyCodeError);             // scale too small
  EXPECT_THROW(FrequencyTable::from_counts(std::vector<uint64_t>(300, 1), 8), EntropyCodeError);  // > slots
  EXPECT_THROW(FrequencyTable::from_frequencies({100, 0, 156}, 8), EntropyCodeError);  // zero frequency
  EXPECT_THROW(FrequencyTable::from_frequencies({100, 100}, 8), EntropyCodeError);     // sum != 256
}

TEST(FrequencyTable, SerialisesAndReadsBack) {
  const auto t = FrequencyTable::from_counts({5, 80, 2000, 7, 1}, 13);
  std::vector<uint8_t> bytes;
  t.serialize(bytes);
  t.serialize(bytes);
  size_t pos = 0;
  EXPECT_EQ(FrequencyTable::deserialize(bytes.data(), bytes.size(), &pos), t);
  EXPECT_EQ(FrequencyTable::deserialize(bytes.data(), bytes.size(), &pos), t);
  EXPECT_EQ(pos, bytes.size());
  for (size_t cut = 0; cut < bytes.size() / 2; ++cut) {
    size_t p = 0;
    EXPECT_THROW(FrequencyTable::deserialize(bytes.data(), cut, &p), EntropyCodeError) << "cut " << cut;
  }
}

TEST(Rans, RoundTripsUniformRandomSymbols) {
  std::mt19937 rng(1);
  std::vector<uint64_t> counts(65, 1);
  auto t = FrequencyTable::from_counts(counts, 12);
  std::vector<int32_t> v(50000);
  for (auto& x : v) x = int32_t(rng() % 64);
  EXPECT_EQ(round_trip(v, t), v);
}

TEST(Rans, SkewedDataCompressesNearItsEntropy) {
  // Geometric-like source: p(k) ~ 2^-k over 16 levels.
  std::mt19937 rng(2);
  std::geometric_distribution<int> geo(0.5);
  std::vector<int32_t> v(100000);
  std::vector<uint64_t> counts(17, 0);
  for (auto& x : v) {
    x = std::min(geo(rng), 15);
    ++counts[size_t(x)];
  }
  double entropy_bits = 0;
  for (uint64_t c : counts)
    if (c) entropy_bits -= double(c) * std::log2(double(c) / double(v.size()));
  auto t = FrequencyTable::from_counts(counts, 14);
  const auto bytes = encode_symbol_segments({{v.data(), v.size(), &t}});
  EXPECT_LT(double(bytes.size()) * 8, entropy_bits * 1.01 + 64);
  EXPECT_GT(double(bytes.size()) * 8, entropy_bits * 0.99);
  EXPECT_EQ(round_trip(v, t), v);
}

TEST(Rans, EscapesCarryValuesOutsideTheTableExactly) {
  auto t = FrequencyTable::from_counts({10, 10, 10, 10, 1}, 12);  // levels 0..3 + escape
  std::vector<int32_t> v = {0, 3, 4, -1, 5, 1000, -1000, (1 << 24) + 3, -(1 << 24), 2, 65535 + 4, -65536};
  EXPECT_EQ(round_trip(v, t), v);
  std::vector<int32_t> too_far = {1 << 28};
  EXPECT_THROW(encode_symbol_segments({{too_far.data(), 1, &t}}), EntropyCodeError);
}

TEST(Rans, EmptyAndSingleSymbolInputs) {
  auto t = FrequencyTable::from_counts({1, 1}, 8);  // one level + escape
  std::vector<int32_t> empty;
  const auto bytes = encode_symbol_segments({{empty.data(), 0, &t}});
  EXPECT_EQ(bytes.size(), 4u);  // the state alone
  EXPECT_TRUE(round_trip(empty, t).empty());
  std::vector<int32_t> one = {0};
  EXPECT_EQ(round_trip(one, t), one);
  std::vector<int32_t> zeros(10000, 0);
  auto skew = FrequencyTable::from_counts({1000000, 1}, 12);
  EXPECT_EQ(round_trip(zeros, skew), zeros);
  EXPECT_LT(encode_symbol_segments({{zeros.data(), zeros.size(), &skew}}).size(), 16u);
}

TEST(Rans, SegmentsUseTheirOwnTables) {
  auto a = FrequencyTable::from_counts({100, 1, 1}, 10);
  auto b = FrequencyTable::from_counts({1, 1, 100, 1, 1}, 10);
  a.prepare_decoding();
  b.prepare_decoding();
  std::vector<int32_t> va = {0, 0, 1, 0, 7}, vb = {2, 2, 3, 0, -4, 2};
  const auto bytes = encode_symbol_segments({{va.data(), va.size(), &a}, {vb.data(), vb.size(), &b}});
  std::vector<int32_t> ra(va.size()), rb(vb.size());
  decode_symbol_segments(bytes.data(), bytes.size(), {{ra.data(), ra.size(), &a}, {rb.data(), rb.size(), &b}});
  EXPECT_EQ(ra, va);
  EXPECT_EQ(rb, vb);
}

TEST(Rans, TruncatedOrCorruptedStreamsThrowInsteadOfCrashing) {
  std::mt19937 rng(3);
  auto t = FrequencyTable::from_counts({50, 30, 10, 5, 3, 1, 1, 1, 1}, 12);
  t.prepare_decoding();
  std::vector<int32_t> v(2000);
  for (auto& x : v) x = int32_t(rng() % 10) - 1;  // includes escapes (-1, 8)
  const auto bytes = encode_symbol_segments({{v.data(), v.size(), &t}});
  std::vector<int32_t> out(v.size());
  for (size_t cut : {size_t(0), size_t(3), size_t(4), bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THROW(decode_symbol_segments(bytes.data(), cut, {{out.data(), out.size(), &t}}), EntropyCodeError)
        << "cut at " << cut;
  }
  int detected = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto bad = bytes;
    bad[rng() % bad.size()] ^= uint8_t(1 + rng() % 255);
    try {
      decode_symbol_segments(bad.data(), bad.size(), {{out.data(), out.size(), &t}});
    } catch (const EntropyCodeError&) {
      ++detected;
    }
  }
  EXPECT_GE(detected, 190);  // the end-of-stream state check catches nearly every single-byte flip
  auto extra = bytes;
  extra.push_back(0);
  EXPECT_THROW(decode_symbol_segments(extra.data(), extra.size(), {{out.data(), out.size(), &t}}), EntropyCodeError);
}

TEST(Rans, RawBitsRoundTrip) {
  RansEncoder enc;
  const std::vector<std::pair<uint32_t, uint32_t>> fields = {{1, 1}, {0x1F, 5}, {0xFFFF, 16}, {0, 16}, {0x1234, 13}};
  for (size_t i = fields.size(); i-- > 0;) enc.put_raw(fields[i].first, fields[i].second);
  const auto bytes = enc.finish();
  RansDecoder dec(bytes.data(), bytes.size());
  for (const auto& [value, bits] : fields) EXPECT_EQ(dec.get_raw(bits), value);
  dec.finish();
  EXPECT_THROW(enc.put_raw(1, 17), EntropyCodeError);
}

}  // namespace
}  // namespace daqz
