#include "codec_torch/densify.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/synthetic_wedges.h"

namespace daqz {
namespace {

// The host conversion the device op replaces: to_dense_into, wedge after wedge, into one fp32 tensor.
torch::Tensor host_dense(const std::vector<const SparseWedge*>& batch, const WedgeShape& s) {
  auto out = torch::empty({int64_t(batch.size()), s.azimuth, s.time, s.layer}, torch::kFloat);
  for (size_t i = 0; i < batch.size(); ++i)
    to_dense_into(*batch[i], out[int64_t(i)].data_ptr<float>(), s.voxels());
  return out;
}

void expect_bit_identical(const std::vector<const SparseWedge*>& batch, const WedgeShape& s) {
  const torch::Tensor got = densify_on_device(pack_wedge_runs(batch, s, /*pinned=*/false), torch::kCPU);
  const torch::Tensor want = host_dense(batch, s);
  ASSERT_EQ(got.sizes(), want.sizes());
  ASSERT_EQ(got.scalar_type(), torch::kFloat);
  // Bit for bit: compare the raw bytes, not values within a tolerance.
  ASSERT_EQ(std::memcmp(got.contiguous().data_ptr<float>(), want.data_ptr<float>(), want.numel() * sizeof(float)), 0);
}

SparseWedge random_sparse(const WedgeShape& s, double occupancy, uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(occupancy);
  std::uniform_int_distribution<int> adc(65, 1023);
  DenseWedge d(s);
  for (auto& v : d.adc) v = on(rng) ? uint16_t(adc(rng)) : 0;
  return to_sparse(d);
}

TEST(Densify, EqualsTheHostConversionOnRandomBatches) {
  const WedgeShape small{8, 30, 4};
  std::vector<SparseWedge> wedges;
  for (double occ : {0.0, 0.01, 0.2, 0.7, 1.0}) wedges.push_back(random_sparse(small, occ, uint32_t(occ * 100) + 1));
  std::vector<const SparseWedge*> batch;
  for (const auto& w : wedges) batch.push_back(&w);
  expect_bit_identical(batch, small);
  expect_bit_identical({&wedges[2]}, small);                   // batch of one
  expect_bit_identical({&wedges[0], &wedges[0]}, small);       // only empty wedges
  expect_bit_identical({}, small);                             // empty batch
}

TEST(Densify, EqualsTheHostConversionOnFullWedges) {
  const SparseWedge a = to_sparse(testing::synthetic_wedge(1)), b = to_sparse(testing::synthetic_wedge(2, kOuterWedgeShape, 0.3));
  expect_bit_identical({&a, &b, &a}, kOuterWedgeShape);
}

TEST(Densify, EdgeRuns) {
  const WedgeShape s{5, 12, 3};
  DenseWedge d(s);
  for (uint32_t t = 0; t < s.time; ++t) d.at(0, t, 0) = uint16_t(65 + t);  // whole first pad
  for (uint32_t t = 0; t < s.time; ++t) d.at(4, t, 2) = uint16_t(1023 - t);  // whole last pad
  d.at(2, 0, 1) = 65;      // t = 0
  d.at(2, 11, 1) = 1023;   // t = time - 1 on the same pad
  d.at(3, 5, 0) = 500;     // single-bin run
  const SparseWedge w = to_sparse(d);
  ASSERT_EQ(w.runs.size(), 5u);
  const SparseWedge empty = to_sparse(DenseWedge(s));
  expect_bit_identical({&empty, &w, &empty}, s);
}

TEST(Densify, PackedBufferHoldsTheZeroSuppressedWords) {
  const SparseWedge a = to_sparse(testing::synthetic_wedge(3, WedgeShape{6, 20, 4}, 0.3));
  const PackedWedgeRuns p = pack_wedge_runs({&a, &a}, a.shape, false);
  EXPECT_EQ(p.wedges, 2);
  EXPECT_EQ(p.runs, int64_t(2 * a.runs.size()));
  EXPECT_EQ(p.values, int64_t(2 * a.values.size()));
  // As many words as the two wire payloads, plus two per wedge for the run count.
  EXPECT_EQ(p.host.numel(), int64_t(2 * (3 * a.runs.size() + a.values.size()) + 4));
  EXPECT_EQ(p.host.scalar_type(), torch::kInt16);
  EXPECT_FALSE(p.host.is_pinned());
}

TEST(Densify, PackRejectsWedgesItCannotPlace) {
  const WedgeShape s{4, 10, 2};
  SparseWedge w;
  w.shape = s;
  w.runs = {PadRun{8, 0, 1}};  // pad outside
  w.values = {100};
  EXPECT_THROW(pack_wedge_runs({&w}, s, false), std::invalid_argument);
  w.runs = {PadRun{1, 8, 3}};  // time outside
  w.values = {100, 100, 100};
  EXPECT_THROW(pack_wedge_runs({&w}, s, false), std::invalid_argument);
  w.runs = {PadRun{1, 0, 3}};
  w.values = {100, 100};  // too few values
  EXPECT_THROW(pack_wedge_runs({&w}, s, false), std::invalid_argument);
  w.values = {100, 100, 100};
  EXPECT_THROW(pack_wedge_runs({&w}, WedgeShape{4, 10, 3}, false), std::invalid_argument);  // other shape
}

}  // namespace
}  // namespace daqz
