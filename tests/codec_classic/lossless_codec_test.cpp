#include "codec_classic/lossless_codec.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "support/synthetic_wedges.h"
#include "base/varint.h"
#include "wire/wedge_payload.h"

namespace daqz {
namespace {

const WedgeShape kSmall{24, 40, 16};

void expect_round_trip(const DenseWedge& dense, int level = 3) {
  const SparseWedge sparse = to_sparse(dense);
  const std::vector<uint8_t> bytes = lossless_compress(sparse, level);
  const SparseWedge back = lossless_decompress(bytes.data(), bytes.size(), dense.shape);
  EXPECT_EQ(to_dense(back).adc, dense.adc);
  ASSERT_EQ(back.runs.size(), sparse.runs.size());
  for (size_t i = 0; i < back.runs.size(); ++i) {
    EXPECT_EQ(back.runs[i].pad, sparse.runs[i].pad);
    EXPECT_EQ(back.runs[i].t_start, sparse.runs[i].t_start);
    EXPECT_EQ(back.runs[i].length, sparse.runs[i].length);
  }
  EXPECT_EQ(back.values, sparse.values);
}

// Builds the compact stream of lossless_codec.h by hand (runs + value planes) and wraps it in zstd,
// so tests can forge payloads that are valid zstd but wrong inside.
std::vector<uint8_t> forge(const std::vector<uint64_t>& header_and_runs, const std::vector<uint8_t>& planes) {
  std::vector<uint8_t> raw;
  for (uint64_t v : header_and_runs) put_varint(raw, v);
  raw.insert(raw.end(), planes.begin(), planes.end());
  std::vector<uint8_t> out(ZSTD_compressBound(raw.size()));
  out.resize(ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3));
  return out;
}

TEST(LosslessCodec, RoundTripStructuredWedges) {
  for (uint32_t seed = 1; seed <= 3; ++seed) expect_round_trip(testing::synthetic_wedge(seed, kSmall));
  expect_round_trip(testing::synthetic_wedge(9));  // full (192, 249, 16) wedge
  expect_round_trip(testing::synthetic_wedge(4, kSmall), 1);
  expect_round_trip(testing::synthetic_wedge(5, kSmall), 19);
}

TEST(LosslessCodec, RoundTripRandomWedgesOfAnyOccupancy) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> adc(kZeroSuppressionThreshold + 1, kAdcMax);
  for (double occupancy : {0.0, 0.01, 0.3, 0.9, 1.0}) {
    DenseWedge w(kSmall);
    std::bernoulli_distribution on(occupancy);
    for (auto& v : w.adc) v = on(rng) ? uint16_t(adc(rng)) : 0;
    expect_round_trip(w);
  }
}

TEST(LosslessCodec, EdgeValuesAndEdgePositions) {
  DenseWedge w(kSmall);
  // Extremes of the value range, runs touching t = 0 and t = time - 1, first and last pads.
  w.at(0, 0, 0) = kZeroSuppressionThreshold + 1;
  w.at(0, 1, 0) = kAdcMax;
  w.at(kSmall.azimuth - 1, kSmall.time - 1, kSmall.layer - 1) = kAdcMax;
  for (uint32_t t = 0; t < kSmall.time; ++t) w.at(5, t, 7) = uint16_t(65 + (t * 37) % 959);  // whole pad
  w.at(6, 3, 2) = 700;
  w.at(6, 5, 2) = 701;  // two runs on one pad separated by one zero
  expect_round_trip(w);
}

TEST(LosslessCodec, CodecInterfaceRoundTripAndRecordFields) {
  const DenseWedge dense = testing::synthetic_wedge(11, kSmall);
  const SparseWedge sparse = to_sparse(dense);
  CodecOptions o;
  o.params["zstd_level"] = "5";
  auto codec = make_wedge_codec("lossless", o);
  const std::vector<EncodedRecord> recs = codec->encode({&sparse, &sparse});
  ASSERT_EQ(recs.size(), 2u);
  const EncodedRecord& r = recs[0];
  EXPECT_EQ(r.codec_id, "lossless");
  EXPECT_EQ(r.params.at("zstd_level"), "5");
  EXPECT_EQ(r.original_shape, (std::vector<uint32_t>{24, 40, 16}));
  EXPECT_EQ(r.original_bytes, wedge_payload_size(sparse));
  EXPECT_LT(r.bytes.size(), r.original_bytes) << "the codec must beat the raw zero-suppressed payload";
  const Reconstruction back = codec->decode(r);
  EXPECT_EQ(back.shape, dense.shape);
  EXPECT_EQ(back.rounded().adc, dense.adc);
  for (size_t i = 0; i < dense.adc.size(); ++i) ASSERT_EQ(back.adc[i], float(dense.adc[i]));
}

TEST(LosslessCodec, RejectsInvalidInputWedges) {
  SparseWedge bad_value;
  bad_value.shape = kSmall;
  bad_value.runs = {{0, 0, 1}};
  bad_value.values = {64};  // <= zero-suppression threshold
  EXPECT_THROW(lossless_compress(bad_value), CodecError);
  bad_value.values = {1024};
  EXPECT_THROW(lossless_compress(bad_value), CodecError);

  SparseWedge unsorted;
  unsorted.shape = kSmall;
  unsorted.runs = {{3, 0, 1}, {2, 0, 1}};
  unsorted.values = {100, 100};
  EXPECT_THROW(lossless_compress(unsorted), CodecError);
  SparseWedge overlapping;
  overlapping.shape = kSmall;
  overlapping.runs = {{3, 0, 4}, {3, 2, 1}};
  overlapping.values = {100, 100, 100, 100, 100};
  EXPECT_THROW(lossless_compress(overlapping), CodecError);
}

TEST(LosslessCodec, RejectsForeignOrMalformedRecords) {
  const SparseWedge sparse = to_sparse(testing::synthetic_wedge(12, kSmall));
  LosslessCodec codec;
  const EncodedRecord good = codec.encode_one(sparse);
  EncodedRecord wrong_id = good;
  wrong_id.codec_id = "zfp";
  EXPECT_THROW(codec.decode(wrong_id), CodecError);
  EncodedRecord no_shape = good;
  no_shape.original_shape.clear();
  EXPECT_THROW(codec.decode(no_shape), CodecError);
  EncodedRecord empty = good;
  empty.bytes.clear();
  EXPECT_THROW(codec.decode(empty), CodecError);
  EncodedRecord truncated = good;
  truncated.bytes.resize(good.bytes.size() - 3);
  EXPECT_THROW(codec.decode(truncated), CodecError);
  EncodedRecord extended = good;
  extended.bytes.push_back(0);
  EXPECT_THROW(codec.decode(extended), CodecError);
  // A smaller shape than the one encoded: runs fall outside it.
  EncodedRecord smaller = good;
  smaller.original_shape = {4, 40, 16};
  EXPECT_THROW(codec.decode(smaller), CodecError);
}

TEST(LosslessCodec, RejectsForgedCompactStreams) {
  // Valid zstd, bad content. Header: run_count, value_count; run: dpad, t, len-1; then planes.
  const auto decode = [](const std::vector<uint8_t>& b) { return lossless_decompress(b.data(), b.size(), kSmall); };
  // One run of 2 values at pad 0, t 0: correct form decodes.
  EXPECT_EQ(decode(forge({1, 2, 0, 0, 1}, {10, 20, 0})).values, (std::vector<uint16_t>{75, 85}));
  EXPECT_THROW(decode(forge({1, 3, 0, 0, 1}, {10, 20, 30, 0})), CodecError);       // count mismatch
  EXPECT_THROW(decode(forge({1, 2, 0, 0, 1}, {10, 20})), CodecError);              // planes too short
  EXPECT_THROW(decode(forge({1, 2, 0, 0, 1}, {10, 20, 0, 0})), CodecError);        // planes too long
  EXPECT_THROW(decode(forge({1, 2, kSmall.pads(), 0, 1}, {10, 20, 0})), CodecError);  // pad outside
  EXPECT_THROW(decode(forge({1, 2, 0, kSmall.time - 1, 1}, {10, 20, 0})), CodecError);  // time outside
  EXPECT_THROW(decode(forge({2, 2, 0, 0, 0}, {10, 20, 0})), CodecError);           // runs truncated
  EXPECT_THROW(decode(forge({uint64_t(1) << 40, 2}, {})), CodecError);             // absurd counts
  EXPECT_THROW(decode(forge({}, {})), CodecError);                                 // empty stream
  const std::vector<uint8_t> not_zstd = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_THROW(decode(not_zstd), CodecError);
}

// Decoded values must stay in the 10-bit zero-suppressed range 65..1023. The value planes can
// express 65..1088 (10 bits + 65), so a forged payload with d > 958 must be rejected.
// DISABLED: lossless_decompress does not check this yet (reported to the lead; the fix is one range
// check in parse_compact). Run with --gtest_also_run_disabled_tests to see it fail.
TEST(LosslessCodec, RejectsDecodedValuesAboveAdcMax) {
  const std::vector<uint8_t> b = forge({1, 1, 0, 0, 0}, {0xFF, 0x03});  // d = 1023 -> ADC 1088
  EXPECT_THROW(lossless_decompress(b.data(), b.size(), kSmall), CodecError);
}

TEST(LosslessCodec, NeverCrashesOnCorruptBytes) {
  const SparseWedge sparse = to_sparse(testing::synthetic_wedge(13, kSmall));
  LosslessCodec codec;
  const EncodedRecord good = codec.encode_one(sparse);
  std::mt19937 rng(5);
  int rejected = 0, decoded = 0;
  for (int trial = 0; trial < 300; ++trial) {
    EncodedRecord bad = good;
    const int flips = 1 + int(rng() % 8);
    for (int k = 0; k < flips; ++k) bad.bytes[rng() % bad.bytes.size()] ^= uint8_t(1u << (rng() % 8));
    try {
      const Reconstruction r = codec.decode(bad);
      EXPECT_EQ(r.adc.size(), kSmall.voxels());
      ++decoded;
    } catch (const CodecError&) {
      ++rejected;
    }
  }
  // Frames carry no checksum, so a flip inside a literal value decodes to another valid wedge; flips
  // in the zstd structure or the run list are caught.
  EXPECT_EQ(rejected + decoded, 300);
  EXPECT_GT(rejected, 0);
  for (size_t n = 0; n < 200; ++n) {  // random garbage of every small length
    std::vector<uint8_t> garbage(n);
    for (auto& b : garbage) b = uint8_t(rng());
    try {
      lossless_decompress(garbage.data(), garbage.size(), kSmall);
    } catch (const CodecError&) {
    }
  }
}

}  // namespace
}  // namespace daqz
