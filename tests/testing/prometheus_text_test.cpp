#include "testing/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace daqz {
namespace {

// As prometheus-cpp writes it, plus what the format allows (timestamps, escapes, odd spacing).
const char* const kPage = R"(# HELP daqz_ingest_rejected_total Messages rejected, by reason
# TYPE daqz_ingest_rejected_total counter
daqz_ingest_rejected_total{reason="crc"} 3
daqz_ingest_rejected_total{reason="shape",node="a"} 4
daqz_ingest_rejected_total{node="b",reason="crc"} 5 1700000000000
daqz_ingest_rejected_total_extra 100
daqz_sink_records_stored_total 42

daqz_odd{path="C:\\data \"x\"\nend",  le="+Inf",} 1e3
daqz_latency_seconds_bucket{le="0.01"} 2
daqz_latency_seconds_bucket{le="0.02"} 6
daqz_latency_seconds_bucket{le="+Inf"} 10
daqz_latency_seconds_sum 0.5
daqz_latency_seconds_count 10
daqz_gauge_nan NaN
)";

TEST(PrometheusText, ParsesNamesLabelsAndValues) {
  const auto samples = parse_prometheus_text(kPage);
  ASSERT_EQ(samples.size(), 12u);
  EXPECT_EQ(samples[0].name, "daqz_ingest_rejected_total");
  EXPECT_EQ(samples[0].labels.at("reason"), "crc");
  EXPECT_EQ(samples[2].value, 5) << "the timestamp is not the value";
  EXPECT_EQ(samples[5].name, "daqz_odd");
  EXPECT_EQ(samples[5].labels.at("path"), "C:\\data \"x\"\nend");
  EXPECT_EQ(samples[5].labels.at("le"), "+Inf");
  EXPECT_EQ(samples[5].value, 1000);
  EXPECT_TRUE(std::isnan(samples.back().value));
}

TEST(PrometheusText, SumsAnExactNameOverLabelSets) {
  EXPECT_EQ(prometheus_sum(kPage, "daqz_ingest_rejected_total"), 12) << "not the _extra metric";
  EXPECT_EQ(prometheus_sum(kPage, "daqz_sink_records_stored_total"), 42);
  EXPECT_EQ(prometheus_sum(kPage, "daqz_absent_total"), 0);
  EXPECT_EQ(prometheus_sum("", "daqz_sink_records_stored_total"), 0);
}

TEST(PrometheusText, SumsWhereALabelMatchesAndByLabel) {
  EXPECT_EQ(prometheus_sum_where(kPage, "daqz_ingest_rejected_total", "reason", "crc"), 8);
  EXPECT_EQ(prometheus_sum_where(kPage, "daqz_ingest_rejected_total", "node", "a"), 4);
  EXPECT_EQ(prometheus_sum_where(kPage, "daqz_ingest_rejected_total", "node", "zz"), 0);
  const auto by_reason = prometheus_by_label(kPage, "daqz_ingest_rejected_total", "reason");
  EXPECT_EQ(by_reason, (std::map<std::string, double>{{"crc", 8}, {"shape", 4}}));
  const auto by_node = prometheus_by_label(kPage, "daqz_ingest_rejected_total", "node");
  EXPECT_EQ(by_node.size(), 2u) << "the sample without the label is left out";
}

TEST(PrometheusText, HistogramBucketsAndQuantilesBetweenScrapes) {
  const auto after = prometheus_histogram_buckets(kPage, "daqz_latency_seconds");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after.at(0.02), 6);
  EXPECT_EQ(after.at(INFINITY), 10);
  const std::map<double, double> before = {{0.01, 2}, {0.02, 2}, {INFINITY, 2}};
  // Between the scrapes: 0 in (0, 0.01], 4 in (0.01, 0.02], 4 above. Median rank 4 of 8: the top
  // of the second bucket; the 25th percentile (rank 2) halfway into it.
  EXPECT_DOUBLE_EQ(histogram_quantile(before, after, 0.5), 0.02);
  EXPECT_DOUBLE_EQ(histogram_quantile(before, after, 0.25), 0.015);
  EXPECT_DOUBLE_EQ(histogram_quantile(before, after, 0.99), 0.02) << "+Inf answers with the highest bound";
  EXPECT_EQ(histogram_quantile(after, after, 0.5), 0) << "no observation in between";
}

TEST(PrometheusText, MalformedSampleLinesThrowNamingTheLine) {
  for (const char* bad : {"daqz_x", "daqz_x{a=\"1\" 2", "daqz_x{a=1} 2", "daqz_x twelve", "{a=\"1\"} 2"}) {
    try {
      parse_prometheus_text(std::string("daqz_ok 1\n") + bad + "\n");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const PrometheusParseError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace daqz
