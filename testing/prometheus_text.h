// Reading the Prometheus text exposition format (version 0.0.4) that the services serve on
// /metrics: samples with their labels, sums over label sets, sums by one label, histogram buckets
// and quantiles between two scrapes. For tests, benches and `daqz demo`; the services only write
// this format (runtime/metrics_server.h).
//
//   const std::string text = http_get(cluster.metrics_url(Service::kIngest));
//   double stored = prometheus_sum(text, "daqz_sink_records_stored_total");        // all label sets
//   auto by_reason = prometheus_by_label(text, "daqz_ingest_rejected_total", "reason");
//   auto b0 = prometheus_histogram_buckets(text0, "daqz_ingest_end_to_end_latency_seconds");
//   double p99 = histogram_quantile(b0, b1, 0.99);   // over the observations between two scrapes
//
// Pure functions, thread-safe. A sample line that does not parse throws PrometheusParseError
// naming the line (a truncated or foreign page is a failure to see, not a zero).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace daqz {

struct PrometheusParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PrometheusSample {
  std::string name;                           // e.g. "daqz_ingest_batch_size_bucket"
  std::map<std::string, std::string> labels;  // values unescaped (\\, \", \n)
  double value = 0;                           // +Inf, -Inf and NaN as the doubles they name
};

// Every sample of the exposition, in order; comments (# HELP, # TYPE) and blank lines skipped,
// timestamps ignored.
std::vector<PrometheusSample> parse_prometheus_text(const std::string& text);

// Sum of every sample named exactly `metric`, over all label sets (0 when there is none).
double prometheus_sum(const std::string& text, const std::string& metric);
// Sum of the samples of `metric` whose label `label` has the value `value`.
double prometheus_sum_where(const std::string& text, const std::string& metric, const std::string& label,
                            const std::string& value);
// `metric` summed per value of `label` (samples without the label are left out).
std::map<std::string, double> prometheus_by_label(const std::string& text, const std::string& metric,
                                                  const std::string& label);

// Cumulative buckets (upper bound "le" -> count) of histogram `name`, summed over its label sets.
std::map<double, double> prometheus_histogram_buckets(const std::string& text, const std::string& name);
// Quantile `q` of the observations made between two bucket snapshots of one histogram, linearly
// interpolated inside the bucket as PromQL's histogram_quantile does; the +Inf bucket answers with
// the highest finite bound. 0 when no observation fell in between.
double histogram_quantile(const std::map<double, double>& before, const std::map<double, double>& after, double q);

}  // namespace daqz
