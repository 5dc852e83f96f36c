#include "sim/jet_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "codec/jet_schema.h"

namespace daqz {
namespace {

double column_mean(const JetBatch& b, int c) {
  double s = 0;
  for (size_t r = 0; r < b.n; ++r) s += b.values[r * b.f + c];
  return s / b.n;
}

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

TEST(JetGenerator, DeterministicPerSeedAndDifferentAcrossSeeds) {
  auto a = make_jet_generator(11), b = make_jet_generator(11), c = make_jet_generator(12);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    auto ea = a->next(), eb = b->next(), ec = c->next();
    ASSERT_TRUE(ea && eb && ec);
    EXPECT_EQ(ea->values, eb->values);
    differs |= ea->values != ec->values;
  }
  EXPECT_TRUE(differs);
}

TEST(JetGenerator, EventsHaveSchema27AndPoissonMultiplicity) {
  JetGeneratorConfig cfg;
  cfg.max_events = 4000;
  auto gen = make_jet_generator(3, cfg);
  size_t events = 0, jets = 0;
  while (auto ev = gen->next()) {
    ASSERT_EQ(ev->schema_id, kJetSchemaTla27);
    ASSERT_EQ(ev->f, 27u);
    validate_jet_batch(*ev);
    for (uint32_t i = 1; i < ev->n; ++i) EXPECT_GE(ev->values[(i - 1) * 27], ev->values[i * 27]);  // pt-ordered
    ++events;
    jets += ev->n;
  }
  EXPECT_EQ(events, 4000u);
  EXPECT_NEAR(double(jets) / events, 4.6, 0.15);  // Poisson sd of the mean ~0.034
}

TEST(JetGenerator, DistributionsArePlausibleAndCorrelated) {
  const JetBatch b = generate_jets(5, 40000);
  ASSERT_EQ(b.n, 40000u);
  const JetSchema& s = jet_schema(kJetSchemaTla27);
  auto col = [&](const char* name) { return s.index_of(name); };
  std::vector<double> pt, m_over_pt_low, m_over_pt_high, m_low, m_high;
  size_t above_100 = 0;
  for (size_t r = 0; r < b.n; ++r) {
    const float* j = &b.values[r * 27];
    for (int c = 0; c < 27; ++c) ASSERT_TRUE(std::isfinite(j[c])) << s.variable(c).name;
    ASSERT_GE(j[col("pt")], 20.0f);
    ASSERT_LT(std::fabs(j[col("eta")]), 2.8f);
    ASSERT_GE(j[col("phi")], -3.1416f);
    ASSERT_LT(j[col("phi")], 3.1416f);
    ASSERT_GT(j[col("m")], 0.0f);
    ASSERT_LE(j[col("NegativeE")], 0.0f);
    for (const char* f : {"EMFrac", "HECFrac", "LArQuality", "HECQuality", "OotFracClusters5",
                          "OotFracClusters10"}) {
      ASSERT_GE(j[col(f)], 0.0f) << f;
      ASSERT_LE(j[col(f)], 1.0f) << f;
    }
    ASSERT_LE(j[col("EMFrac")] + j[col("HECFrac")], 1.0f + 1e-6f);
    ASSERT_LE(j[col("OotFracClusters10")], j[col("OotFracClusters5")]);
    const float n90 = j[col("N90Constituents")];
    ASSERT_EQ(n90, std::round(n90));
    ASSERT_GE(n90, 1.0f);
    ASSERT_LE(j[col("LeadingClusterPt")], j[col("pt")]);
    pt.push_back(j[col("pt")]);
    above_100 += j[col("pt")] > 100;
    (j[col("pt")] < 40 ? m_low : m_high).push_back(j[col("m")]);
  }
  // Falling spectrum: power law index 4.5 above 20 GeV -> P(pt > 100) = 5^-3.5 ~ 0.0036 .. spread.
  EXPECT_GT(median_of(pt), 20.0 * std::pow(2.0, 1 / 3.5) * 0.95);
  EXPECT_LT(median_of(pt), 20.0 * std::pow(2.0, 1 / 3.5) * 1.05);
  EXPECT_GT(above_100, 40u);
  EXPECT_LT(above_100, 400u);
  EXPECT_GT(median_of(m_high), 1.4 * median_of(m_low));  // mass grows with pt
  EXPECT_NEAR(column_mean(b, col("Timing")), 0.0, 0.05);
  EXPECT_NEAR(column_mean(b, col("phi")), 0.0, 0.05);
  EXPECT_NEAR(column_mean(b, col("ActiveArea")), 0.5, 0.02);
  // HEC only matters in the endcap.
  double hec_barrel = 0, hec_endcap = 0;
  size_t nb = 0, ne = 0;
  for (size_t r = 0; r < b.n; ++r) {
    const float* j = &b.values[r * 27];
    if (std::fabs(j[col("DetectorEta")]) < 1.0) hec_barrel += j[col("HECFrac")], ++nb;
    if (std::fabs(j[col("DetectorEta")]) > 2.0) hec_endcap += j[col("HECFrac")], ++ne;
  }
  ASSERT_GT(ne, 100u);
  EXPECT_LT(hec_barrel / nb, 0.01);
  EXPECT_GT(hec_endcap / ne, 0.1);
}

TEST(JetGenerator, RejectsBadConfig) {
  JetGeneratorConfig cfg;
  cfg.jets_per_event_mean = -1;
  EXPECT_THROW(make_jet_generator(1, cfg), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
