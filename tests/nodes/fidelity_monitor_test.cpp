#include "nodes/fidelity_monitor.h"

#include <gtest/gtest.h>

#include "codec/model_repository.h"
#include "support/synthetic_wedges.h"
#include "codec_classic/lossless_codec.h"

namespace daqz {
namespace {

double gauge(prometheus::Registry& r, const std::string& name) {
  for (const auto& f : r.Collect())
    if (f.name == name && !f.metric.empty()) {
      const auto& m = f.metric.front();
      return f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  throw std::runtime_error("metric " + name + " not registered");
}

TEST(FidelityMonitor, DisabledRegistersNothingAndTakesNothing) {
  prometheus::Registry registry;
  FidelityMonitor monitor({0.0, 4, 8}, {}, registry);
  const SparseWedge w = to_sparse(testing::synthetic_wedge(1));
  monitor.offer(w, LosslessCodec().encode_one(w));
  EXPECT_FALSE(monitor.enabled());
  EXPECT_EQ(monitor.measured(), 0u);
  EXPECT_TRUE(registry.Collect().empty());
}

TEST(FidelityMonitor, LosslessRecordsMeasurePerfect) {
  prometheus::Registry registry;
  FidelityMonitor monitor({0.5, 64, 8}, {}, registry);
  LosslessCodec lossless;
  for (uint32_t i = 0; i < 6; ++i) {
    const SparseWedge w = to_sparse(testing::synthetic_wedge(i));
    monitor.offer(w, lossless.encode_one(w));
  }
  monitor.flush(30);
  EXPECT_EQ(monitor.measured(), 3u) << "fraction 0.5 samples every second wedge";
  EXPECT_EQ(gauge(registry, "daqz_ingest_fidelity_samples_total"), 3.0);
  EXPECT_EQ(gauge(registry, "daqz_ingest_fidelity_mse"), 0.0);
  EXPECT_EQ(gauge(registry, "daqz_ingest_fidelity_precision"), 1.0);
  EXPECT_EQ(gauge(registry, "daqz_ingest_fidelity_recall"), 1.0);
}

TEST(FidelityMonitor, DetectsAWrongReconstruction) {
  // A record of another wedge stands in for a codec that went wrong: the monitor must see it.
  prometheus::Registry registry;
  FidelityMonitor monitor({1.0, 8, 8}, {}, registry);
  LosslessCodec lossless;
  const SparseWedge a = to_sparse(testing::synthetic_wedge(11)), b = to_sparse(testing::synthetic_wedge(12));
  monitor.offer(a, lossless.encode_one(b));
  monitor.flush(30);
  ASSERT_EQ(monitor.measured(), 1u);
  EXPECT_GT(gauge(registry, "daqz_ingest_fidelity_mse"), 100.0);
  EXPECT_LT(gauge(registry, "daqz_ingest_fidelity_precision"), 0.5);
}

TEST(FidelityMonitor, DropsWhenBusyAndCountsIt) {
  prometheus::Registry registry;
  FidelityMonitor monitor({1.0, 1, 4}, {}, registry);
  LosslessCodec lossless;
  const SparseWedge w = to_sparse(testing::synthetic_wedge(3));
  const EncodedRecord rec = lossless.encode_one(w);
  for (int i = 0; i < 200; ++i) monitor.offer(w, rec);  // far faster than it decodes
  monitor.flush(60);
  EXPECT_GT(monitor.dropped(), 0u);
  EXPECT_EQ(monitor.measured() + monitor.dropped(), 200u) << "every sample is measured or counted as dropped";
  EXPECT_EQ(gauge(registry, "daqz_ingest_fidelity_dropped_total"), double(monitor.dropped()));
}

TEST(FidelityMonitor, MeasuresAShippedBcaeModel) {
  const std::string root = std::string(DAQZ_SOURCE_DIR) + "/deploy/models";
  const auto model = ModelRepository({root}).first_with_arch("bcae-2d");
  if (!model) GTEST_SKIP() << "no shipped bcae-2d model under " << root;
  CodecOptions o;
  o.model_dir = model->dir;
  auto codec = make_wedge_codec("bcae", o);
  prometheus::Registry registry;
  FidelityMonitor monitor({1.0, 4, 8}, {root}, registry);
  const SparseWedge w = to_sparse(testing::synthetic_wedge(5));
  monitor.offer(w, codec->encode({&w}).at(0));
  monitor.flush(60);
  ASSERT_EQ(monitor.measured(), 1u);
  EXPECT_GT(gauge(registry, "daqz_ingest_fidelity_mse"), 0.0) << "a lossy codec is not perfect";
  EXPECT_GT(gauge(registry, "daqz_ingest_fidelity_recall"), 0.0);
}

TEST(FidelityMonitor, RejectsBadConfig) {
  prometheus::Registry registry;
  EXPECT_THROW(FidelityMonitor({1.5, 4, 8}, {}, registry), std::invalid_argument);
  EXPECT_THROW(FidelityMonitor({0.1, 0, 8}, {}, registry), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
