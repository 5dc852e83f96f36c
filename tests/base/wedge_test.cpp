#include "base/wedge.h"

#include <gtest/gtest.h>

#include <random>

namespace daqz {
namespace {

DenseWedge random_wedge(WedgeShape shape, double occupancy, uint32_t seed) {
  DenseWedge w(shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<int> adc(65, 1023);
  for (auto& v : w.adc) v = u(rng) < occupancy ? uint16_t(adc(rng)) : 0;
  return w;
}

TEST(Wedge, SparseRoundTripIsBitExact) {
  for (double occ : {0.0, 0.01, 0.1, 0.5, 1.0}) {
    const DenseWedge w = random_wedge(kOuterWedgeShape, occ, 42);
    const SparseWedge s = to_sparse(w);
    EXPECT_EQ(s.values.size(), w.nonzero());
    const DenseWedge back = to_dense(s);
    EXPECT_EQ(back.shape, w.shape);
    EXPECT_EQ(back.adc, w.adc) << "occupancy " << occ;
  }
}

TEST(Wedge, RunsAreMaximalAndOrdered) {
  DenseWedge w(WedgeShape{2, 10, 2});
  for (uint32_t t = 2; t < 5; ++t) w.at(1, t, 0) = 100;
  w.at(1, 9, 0) = 200;
  w.at(0, 0, 1) = 65;
  const SparseWedge s = to_sparse(w);
  ASSERT_EQ(s.runs.size(), 3u);
  EXPECT_EQ(s.runs[0].pad, 1);  // azimuth 0, layer 1
  EXPECT_EQ(s.runs[1].pad, 2);  // azimuth 1, layer 0
  EXPECT_EQ(s.runs[1].t_start, 2);
  EXPECT_EQ(s.runs[1].length, 3);
  EXPECT_EQ(s.runs[2].t_start, 9);
  EXPECT_EQ(s.runs[2].length, 1);
}

TEST(Wedge, ValuesAtOrBelowThresholdAreSuppressed) {
  DenseWedge w(WedgeShape{1, 4, 1});
  w.adc = {64, 65, 1, 2000};
  zero_suppress(w);
  EXPECT_EQ(w.adc, (std::vector<uint16_t>{0, 65, 0, 1023}));
}

TEST(Wedge, ToDenseRejectsRunOutsideShape) {
  SparseWedge s;
  s.shape = WedgeShape{2, 10, 2};
  s.runs = {PadRun{0, 8, 5}};
  s.values.assign(5, 100);
  EXPECT_THROW(to_dense(s), std::invalid_argument);
  s.runs = {PadRun{4, 0, 1}};
  s.values.assign(1, 100);
  EXPECT_THROW(to_dense(s), std::invalid_argument);
}

TEST(Wedge, ToDenseRejectsValueCountMismatch) {
  SparseWedge s;
  s.shape = WedgeShape{2, 10, 2};
  s.runs = {PadRun{0, 0, 3}};
  s.values.assign(2, 100);
  EXPECT_THROW(to_dense(s), std::invalid_argument);
  s.values.assign(4, 100);
  EXPECT_THROW(to_dense(s), std::invalid_argument);
}

TEST(Wedge, ToDenseIntoEqualsToDenseAndOverwritesTheWholeBuffer) {
  const WedgeShape shape{3, 12, 4};
  for (double occ : {0.0, 0.2, 1.0}) {
    const SparseWedge s = to_sparse(random_wedge(shape, occ, 7));
    const DenseWedge expected = to_dense(s);
    std::vector<uint16_t> u16(shape.voxels(), 4242);  // a dirty, reused buffer
    to_dense_into(s, u16.data(), u16.size());
    EXPECT_EQ(u16, expected.adc) << "occupancy " << occ;
    std::vector<float> f32(shape.voxels(), -1.0f);
    to_dense_into(s, f32.data(), f32.size());
    EXPECT_EQ(f32, std::vector<float>(expected.adc.begin(), expected.adc.end())) << "occupancy " << occ;
  }
}

TEST(Wedge, ToDenseIntoChecksBufferSizeAndRuns) {
  SparseWedge s;
  s.shape = WedgeShape{2, 10, 2};
  s.runs = {PadRun{0, 8, 5}};
  s.values.assign(5, 100);
  std::vector<float> buf(s.shape.voxels());
  EXPECT_THROW(to_dense_into(s, buf.data(), buf.size()), std::invalid_argument);  // outside the shape
  s.runs = {PadRun{0, 0, 5}};
  EXPECT_THROW(to_dense_into(s, buf.data(), buf.size() - 1), std::invalid_argument);  // wrong size
  s.values.assign(4, 100);
  EXPECT_THROW(to_dense_into(s, buf.data(), buf.size()), std::invalid_argument);  // too few values
}

TEST(Wedge, PadSplitIsExactForEverySixteenBitPad) {
  for (uint32_t layers : {1u, 2u, 3u, 7u, 16u, 17u, 48u, 249u, 1000u, 4097u, 65535u, 65536u, (1u << 24) - 1}) {
    const PadSplit split(layers);
    for (uint32_t pad = 0; pad < 65536; ++pad) {
      const uint32_t a = split.azimuth(pad);
      ASSERT_EQ(a, pad / layers) << "pad " << pad << ", layers " << layers;
      ASSERT_EQ(split.layer(pad, a), pad % layers) << "pad " << pad << ", layers " << layers;
    }
  }
}

}  // namespace
}  // namespace daqz
