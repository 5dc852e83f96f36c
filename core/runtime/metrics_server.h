// One Prometheus registry per process, served over HTTP (/metrics, /healthz) by HttpExposer.
//
//   MetricsServer metrics("127.0.0.1:9464");        // "" disables serving (registry still works)
//   auto& sent = prometheus::BuildCounter().Name("daqz_x_total").Help("...").Register(metrics.registry())
//                    .Add({});                       // keep the handle; hot paths only Increment()
//   metrics.url();                                    // "http://127.0.0.1:9464/metrics"
//
// Port 0 picks a free port (url() reports it). Every process also exports daqz_build_info.
// Thread-safe as prometheus-cpp is: handles may be used from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "runtime/http_exposer.h"
#include "wire/validation.h"

#include <array>
#include <functional>
#include <memory>
#include <string>


namespace daqz {

class MetricsServer {
 public:
  // `service` labels daqz_build_info; `device` too ("cpu", "cuda:0", "-").
  explicit MetricsServer(const std::string& bind_address, const std::string& service = "",
                         const std::string& device = "-");
  ~MetricsServer();
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  std::string url() const { return url_; }  // empty when not serving
  // JSON body served at /healthz (e.g. the service state); thread-safe.
  void set_health(std::function<std::string()> health);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<HttpExposer> exposer_;
  std::string url_;
};

// One counter per rejection reason, labelled reason="<label>", indexed by RejectReason.
using RejectCounters = std::array<prometheus::Counter*, size_t(RejectReason::kCount)>;
RejectCounters add_reject_counters(prometheus::Registry& r, const std::string& name);

// Exponential buckets helper (prometheus-cpp has none): start, factor, count.
prometheus::Histogram::BucketBoundaries exponential_buckets(double start, double factor, int count);

// Shorthands that keep registration lines short.
prometheus::Counter& add_counter(prometheus::Registry& r, const std::string& name, const std::string& help,
                                 const std::map<std::string, std::string>& labels = {});
prometheus::Gauge& add_gauge(prometheus::Registry& r, const std::string& name, const std::string& help,
                             const std::map<std::string, std::string>& labels = {});
prometheus::Histogram& add_histogram(prometheus::Registry& r, const std::string& name, const std::string& help,
                                     const prometheus::Histogram::BucketBoundaries& buckets,
                                     const std::map<std::string, std::string>& labels = {});

}  // namespace daqz
