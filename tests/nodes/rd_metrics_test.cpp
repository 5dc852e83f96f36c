#include "nodes/rd_metrics.h"

#include <gtest/gtest.h>

namespace daqz {
namespace {

const prometheus::MetricFamily& family(const std::vector<prometheus::MetricFamily>& all, const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return f;
  throw std::runtime_error("metric " + name + " not registered");
}

std::string label(const prometheus::ClientMetric& m, const std::string& key) {
  for (const auto& l : m.label)
    if (l.name == key) return l.value;
  return "";
}

EncodedRecord record(const std::string& codec, const std::string& model, size_t bytes,
                     std::map<std::string, std::string> params = {}) {
  EncodedRecord r;
  r.codec_id = codec;
  r.model_name = model;
  r.bytes.resize(bytes);
  r.params = std::move(params);
  return r;
}

TEST(RdMetrics, SizeHistogramOperatingPointPerSourceAndChoices) {
  prometheus::Registry registry;
  RdMetrics rd(registry);
  rd.observe_wedge_record(record("bcae", "m", 10000, {{"bits", "6"}}), "felix-0");
  rd.observe_wedge_record(record("bcae", "m", 40000, {{"bits", "fp16"}}), "felix-1");
  rd.observe_wedge_record(record("lossless", "", 500, {{"selected_by", "smallest"}}), "felix-0");
  rd.observe_wedge_record(record("bcae", "m", 9000, {{"bits", "5"}, {"selected_by", "smallest"}}), "felix-0");
  rd.observe_wedge_record(record("lossless", "", 900), "felix-2");  // fallback: no choice, no point

  const auto all = registry.Collect();
  const auto& hist = family(all, "daqz_ingest_stored_bytes_per_wedge");
  ASSERT_EQ(hist.metric.size(), 1u);
  EXPECT_EQ(hist.metric[0].histogram.sample_count, 5u);
  EXPECT_DOUBLE_EQ(hist.metric[0].histogram.sample_sum, double(10000 + 40000 + 500 + 9000 + 900));

  std::map<std::string, double> point;
  for (const auto& m : family(all, "daqz_ingest_operating_point").metric) point[label(m, "source")] = m.gauge.value;
  EXPECT_EQ(point.size(), 2u);
  EXPECT_DOUBLE_EQ(point["felix-0"], 5.0);  // the stream's last neural record
  EXPECT_DOUBLE_EQ(point["felix-1"], 16.0);

  std::map<std::string, double> choice;
  for (const auto& m : family(all, "daqz_ingest_codec_choice_total").metric) choice[label(m, "codec")] = m.counter.value;
  EXPECT_EQ(choice.size(), 2u);
  EXPECT_DOUBLE_EQ(choice["lossless"], 1.0);
  EXPECT_DOUBLE_EQ(choice["bcae"], 1.0);
}

}  // namespace
}  // namespace daqz
