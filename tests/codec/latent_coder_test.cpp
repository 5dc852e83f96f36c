#include "codec/latent_coder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

namespace daqz {
namespace {

constexpr size_t kChannels = 3, kPerChannel = 4000;

// Instance-normalised-looking latent: per channel a skewed unit-variance distribution.
std::vector<float> synthetic_latent(uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 1);
  std::exponential_distribution<float> e(1);
  std::vector<float> v(kChannels * kPerChannel);
  for (size_t c = 0; c < kChannels; ++c)
    for (size_t i = 0; i < kPerChannel; ++i)
      v[c * kPerChannel + i] = scale * (c == 0 ? n(rng) : e(rng) - 1.0f + 0.1f * float(c));
  return v;
}

LatentTables fitted_tables(const std::vector<uint32_t>& bits) {
  std::vector<std::vector<float>> samples(kChannels);
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    const auto v = synthetic_latent(seed);
    for (size_t c = 0; c < kChannels; ++c)
      samples[c].insert(samples[c].end(), v.begin() + long(c * kPerChannel), v.begin() + long((c + 1) * kPerChannel));
  }
  LatentTableFitter fit(fit_latent_grid(samples, 1e-4), bits);
  for (uint32_t seed = 1; seed <= 4; ++seed) fit.add(synthetic_latent(seed).data(), kChannels, kPerChannel);
  return fit.tables();
}

TEST(LatentCoder, RoundTripEqualsQuantisationAtEveryBits) {
  LatentTables tables = fitted_tables({2, 3, 4, 5, 6, 7, 8, 9, 10});
  const auto latent = synthetic_latent(99);  // held out: a few values fall outside the grid
  for (uint32_t bits = kMinLatentBits; bits <= kMaxLatentBits; ++bits) {
    const auto payload = encode_latent(latent.data(), kChannels, kPerChannel, tables, bits);
    EXPECT_EQ(latent_payload_bits(payload.data(), payload.size()), bits);
    const auto back = decode_latent(payload.data(), payload.size(), tables, kChannels, kPerChannel);
    ASSERT_EQ(back.size(), latent.size());
    double max_err = 0;
    for (size_t c = 0; c < kChannels; ++c) {
      const float step = tables.grid().step(c, bits);
      for (size_t i = 0; i < kPerChannel; ++i) {
        const size_t k = c * kPerChannel + i;
        // Escaped values are exact grid levels too, so the error never exceeds half a step.
        EXPECT_LE(std::fabs(back[k] - latent[k]), 0.5f * step * 1.0001f + 1e-6f) << "bits " << bits << " at " << k;
        max_err = std::max(max_err, double(std::fabs(back[k] - latent[k])));
      }
    }
    // Rate falls with K: under K + 0.5 bits per value, and the header is small.
    EXPECT_LT(double(payload.size()) * 8 / double(latent.size()), bits + 0.5) << "bits " << bits;
  }
}

TEST(LatentCoder, OutOfGridValuesAreEscapedNotClipped) {
  LatentTables tables = fitted_tables({4});
  auto latent = synthetic_latent(5);
  latent[7] = 50.0f;  // far above every channel-0 sample
  latent[kPerChannel + 3] = -40.0f;
  const auto payload = encode_latent(latent.data(), kChannels, kPerChannel, tables, 4);
  const auto back = decode_latent(payload.data(), payload.size(), tables, kChannels, kPerChannel);
  EXPECT_NEAR(back[7], 50.0f, 0.5f * tables.grid().step(0, 4) + 1e-4f);
  EXPECT_NEAR(back[kPerChannel + 3], -40.0f, 0.5f * tables.grid().step(1, 4) + 1e-4f);
  latent[9] = std::nanf("");
  EXPECT_THROW(encode_latent(latent.data(), kChannels, kPerChannel, tables, 4), EntropyCodeError);
}

TEST(LatentCoder, MismatchesAndDamageAreErrors) {
  LatentTables tables = fitted_tables({5});
  const auto latent = synthetic_latent(6);
  EXPECT_THROW(encode_latent(latent.data(), kChannels, kPerChannel, tables, 6), EntropyCodeError);  // no 6-bit tables
  const auto payload = encode_latent(latent.data(), kChannels, kPerChannel, tables, 5);
  EXPECT_THROW(decode_latent(payload.data(), payload.size(), tables, kChannels, kPerChannel + 1), EntropyCodeError);
  for (size_t cut : {size_t(0), size_t(1), size_t(5), size_t(20), payload.size() - 3})
    EXPECT_THROW(decode_latent(payload.data(), cut, tables, kChannels, kPerChannel), EntropyCodeError) << cut;
  auto bad = payload;
  bad[0] = 9;
  EXPECT_THROW(decode_latent(bad.data(), bad.size(), tables, kChannels, kPerChannel), EntropyCodeError);
  bad = payload;
  bad[bad.size() / 2] ^= 0x5A;
  EXPECT_THROW(decode_latent(bad.data(), bad.size(), tables, kChannels, kPerChannel), EntropyCodeError);
}

TEST(LatentTables, SerialiseLoadAndShaAreStable) {
  const LatentTables tables = fitted_tables({3, 6});
  const auto path = (std::filesystem::temp_directory_path() / "daqz_latent_tables_test.bin").string();
  const std::string sha = tables.save(path);
  EXPECT_EQ(sha.size(), 64u);
  EXPECT_EQ(sha, tables.sha256());
  const LatentTables back = LatentTables::load(path);
  EXPECT_EQ(back.sha256(), sha);
  EXPECT_EQ(back.grid(), tables.grid());
  EXPECT_EQ(back.bits_available(), (std::vector<uint32_t>{3, 6}));
  EXPECT_EQ(back.for_bits(6)[2], tables.for_bits(6)[2]);
  std::filesystem::remove(path);
  const auto bytes = tables.serialize();
  for (size_t cut = 0; cut < bytes.size(); cut += 7)
    EXPECT_THROW(LatentTables::deserialize(bytes.data(), cut), EntropyCodeError) << cut;
  EXPECT_THROW(LatentTables::load(path), EntropyCodeError);  // removed
}

TEST(LatentTables, FitterCountsEscapesAndGridUsesQuantiles) {
  std::vector<std::vector<float>> samples = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 100}};
  const LatentGrid full = fit_latent_grid(samples, 0.0);
  EXPECT_EQ(full.lo[0], 0.0f);
  EXPECT_EQ(full.hi[0], 100.0f);
  const LatentGrid trimmed = fit_latent_grid(samples, 0.12);  // drops one value at each end
  EXPECT_EQ(trimmed.lo[0], 1.0f);
  EXPECT_EQ(trimmed.hi[0], 8.0f);
  LatentTableFitter fit(trimmed, {2});
  const std::vector<float> v = {-5, 1, 8, 100};  // within half a step of the grid counts as inside
  fit.add(v.data(), 1, v.size());
  EXPECT_DOUBLE_EQ(fit.escape_fraction(), 0.5);
  std::vector<std::vector<float>> constant = {{2, 2, 2}};
  EXPECT_THROW(fit_latent_grid(constant, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
