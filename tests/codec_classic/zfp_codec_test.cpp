#include "codec_classic/zfp_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "support/synthetic_wedges.h"

namespace daqz {
namespace {

ZfpSettings accuracy(double tol, float post = 0) {
  ZfpSettings s;
  s.mode = ZfpSettings::Mode::kAccuracy;
  s.tolerance = tol;
  s.post_threshold = post;
  return s;
}

ZfpSettings rate(double r, float post = 0) {
  ZfpSettings s;
  s.mode = ZfpSettings::Mode::kRate;
  s.rate = r;
  s.post_threshold = post;
  return s;
}

double max_abs_error(const DenseWedge& truth, const Reconstruction& r) {
  double worst = 0;
  for (size_t i = 0; i < truth.adc.size(); ++i) worst = std::max(worst, std::fabs(double(truth.adc[i]) - r.adc[i]));
  return worst;
}

const WedgeShape kSmall{24, 40, 16};

TEST(ZfpCodec, AccuracyModeHonoursTolerance) {
  const DenseWedge truth = testing::synthetic_wedge(1, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  size_t previous_bytes = SIZE_MAX;
  for (double tol : {0.5, 4.0, 32.0, 256.0}) {
    ZfpCodec codec(accuracy(tol));
    const EncodedRecord rec = codec.encode({&sparse}).at(0);
    EXPECT_EQ(rec.codec_id, "zfp");
    EXPECT_EQ(rec.params.at("mode"), "accuracy");
    const Reconstruction r = codec.decode(rec);
    ASSERT_EQ(r.shape, truth.shape);
    EXPECT_LE(max_abs_error(truth, r), tol) << "tolerance " << tol;
    EXPECT_LT(rec.bytes.size(), previous_bytes) << "a looser tolerance must store fewer bytes";
    previous_bytes = rec.bytes.size();
  }
}

TEST(ZfpCodec, RateModeStoresRateBitsPerVoxel) {
  const DenseWedge truth = testing::synthetic_wedge(2, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  for (double bits : {0.5, 1.0, 4.0}) {
    ZfpCodec codec(rate(bits));
    const EncodedRecord rec = codec.encode({&sparse}).at(0);
    const double expected = double(kSmall.voxels()) * bits / 8.0;
    EXPECT_NEAR(double(rec.bytes.size()), expected, 32.0) << "rate " << bits;  // + header, word padding
    const Reconstruction r = codec.decode(rec);
    EXPECT_EQ(r.adc.size(), truth.adc.size());
  }
  // More bits, less error.
  ZfpCodec coarse(rate(0.5)), fine(rate(8.0));
  const double e_coarse = max_abs_error(truth, coarse.decode(coarse.encode({&sparse}).at(0)));
  const double e_fine = max_abs_error(truth, fine.decode(fine.encode({&sparse}).at(0)));
  EXPECT_LT(e_fine, e_coarse);
}

TEST(ZfpCodec, PostThresholdLeavesZeroOrLargeValues) {
  const DenseWedge truth = testing::synthetic_wedge(3, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  ZfpCodec raw(rate(1.0)), cut(rate(1.0, 48.0f));
  const Reconstruction r_raw = raw.decode(raw.encode({&sparse}).at(0));
  const Reconstruction r_cut = cut.decode(cut.encode({&sparse}).at(0));
  size_t small_raw = 0;
  for (size_t i = 0; i < r_raw.adc.size(); ++i) {
    small_raw += r_raw.adc[i] != 0.0f && r_raw.adc[i] < 48.0f;
    EXPECT_TRUE(r_cut.adc[i] == 0.0f || r_cut.adc[i] >= 48.0f) << i;
    if (r_raw.adc[i] >= 48.0f) EXPECT_EQ(r_cut.adc[i], r_raw.adc[i]);
  }
  EXPECT_GT(small_raw, 0u) << "ZFP at 1 bit/voxel should leave small noise for the threshold to remove";
}

TEST(ZfpCodec, LogDomainRoundTrip) {
  const DenseWedge truth = testing::synthetic_wedge(4, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  ZfpSettings s = accuracy(0.01);
  s.domain = ZfpSettings::Domain::kLog;
  ZfpCodec codec(s);
  const EncodedRecord rec = codec.encode({&sparse}).at(0);
  EXPECT_EQ(rec.params.at("domain"), "log");
  const Reconstruction r = codec.decode(rec);
  for (size_t i = 0; i < truth.adc.size(); ++i)
    EXPECT_NEAR(std::log2(r.adc[i] + 1.0), std::log2(truth.adc[i] + 1.0), 0.01) << i;
}

TEST(ZfpCodec, DecodesFromRecordParamsAndRegistry) {
  const DenseWedge truth = testing::synthetic_wedge(5, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  CodecOptions o;
  o.params = {{"mode", "rate"}, {"rate", "2"}, {"post_threshold", "40"}};
  auto encoder = make_wedge_codec("zfp", o);
  const EncodedRecord rec = encoder->encode({&sparse}).at(0);
  ZfpCodec other(accuracy(1.0));  // different settings: decode must follow the record
  const Reconstruction a = encoder->decode(rec), b = other.decode(rec);
  EXPECT_EQ(a.adc, b.adc);
  EXPECT_EQ(ZfpSettings::from_params(rec.params).label(), "zfp:mode=rate,rate=2,post_threshold=40");
}

TEST(ZfpCodec, FullSizeWedgeRoundTrip) {
  const DenseWedge truth = testing::synthetic_wedge(6);
  const SparseWedge sparse = to_sparse(truth);
  ZfpCodec codec(accuracy(16.0));
  const EncodedRecord rec = codec.encode({&sparse}).at(0);
  EXPECT_LT(rec.bytes.size(), truth.adc.size() * 2);
  EXPECT_LE(max_abs_error(truth, codec.decode(rec)), 16.0);
}

TEST(ZfpCodec, RejectsBadParameters) {
  for (const auto& params : std::vector<std::map<std::string, std::string>>{
           {{"mode", "precision"}}, {{"tolerance", "abc"}}, {{"tolerance", "-1"}}, {{"rate", "0"}},
           {{"rate", "1x"}}, {{"post_threshold", "-3"}}, {{"domain", "sqrt"}}, {{"tolerence", "3"}}}) {
    EXPECT_THROW(ZfpSettings::from_params(params), CodecError) << params.begin()->first;
  }
}

TEST(ZfpCodec, RejectsCorruptRecordsWithoutCrashing) {
  const DenseWedge truth = testing::synthetic_wedge(7, kSmall);
  const SparseWedge sparse = to_sparse(truth);
  for (const ZfpSettings& s : {accuracy(2.0), rate(1.0)}) {
    ZfpCodec codec(s);
    const EncodedRecord good = codec.encode({&sparse}).at(0);

    EncodedRecord wrong_id = good;
    wrong_id.codec_id = "lossless";
    EXPECT_THROW(codec.decode(wrong_id), CodecError);

    EncodedRecord wrong_shape = good;
    wrong_shape.original_shape = {24, 41, 16};
    EXPECT_THROW(codec.decode(wrong_shape), CodecError);

    EncodedRecord truncated = good;
    truncated.bytes.resize(good.bytes.size() / 2);
    EXPECT_THROW(codec.decode(truncated), CodecError);

    EncodedRecord empty = good;
    empty.bytes.clear();
    EXPECT_THROW(codec.decode(empty), CodecError);

    // Random bit flips in the body: either rejected or decoded to a wedge of the right size.
    std::mt19937 rng(11);
    for (int trial = 0; trial < 50; ++trial) {
      EncodedRecord flipped = good;
      for (int k = 0; k < 4; ++k) {
        const size_t at = rng() % flipped.bytes.size();
        flipped.bytes[at] ^= uint8_t(1u << (rng() % 8));
      }
      try {
        const Reconstruction r = codec.decode(flipped);
        EXPECT_EQ(r.adc.size(), kSmall.voxels());
      } catch (const CodecError&) {
      }
    }
    // Garbage of every length up to a few hundred bytes.
    for (size_t n = 0; n < 300; n += 7) {
      EncodedRecord garbage = good;
      garbage.bytes.resize(n);
      for (auto& b : garbage.bytes) b = uint8_t(rng());
      try {
        codec.decode(garbage);
      } catch (const CodecError&) {
      }
    }
  }
}

}  // namespace
}  // namespace daqz
