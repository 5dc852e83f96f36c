// One Prometheus registry and one health state per process, served over HTTP (/metrics, /healthz,
// /readyz) by HttpExposer.
//
//   MetricsServer metrics("127.0.0.1:9464", "daqz-sink");  // "" disables serving (registry still works)
//   auto& sent = prometheus::BuildCounter().Name("daqz_x_total").Help("...").Register(metrics.registry())
//                    .Add({});                       // keep the handle; hot paths only Increment()
//   metrics.url();                                    // "http://127.0.0.1:9464/metrics"
//   metrics.health().set_state(DeviceState::kRunning); // drives /healthz and /readyz (health_state.h)
//
// Under systemd (Type=notify), the same health state is reported with sd_notify (systemd_notifier.h).
// Port 0 picks a free port (url() reports it). Every process also exports daqz_build_info.
// Thread-safe as prometheus-cpp is: handles may be used from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "runtime/http_exposer.h"
#include "runtime/systemd_notifier.h"
#include "wire/validation.h"

#include <array>
#include <functional>
#include <memory>
#include <string>


namespace daqz {

class MetricsServer {
 public:
  // `service` labels daqz_build_info; `device` too ("cpu", "cuda:0", "-").
  // `http` tunes the server (deadlines, connection cap); its bind_address is replaced by the first argument.
  explicit MetricsServer(const std::string& bind_address, const std::string& service = "",
                         const std::string& device = "-", const HttpServerOptions& http = {});
  ~MetricsServer();
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  std::string url() const { return url_; }  // empty when not serving
  std::string base_url() const;              // "http://host:port" (empty when not serving)
  // State and readiness conditions behind /healthz and /readyz; exists when not serving, too.
  HealthState& health() { return *health_; }
  std::shared_ptr<HealthState> shared_health() { return health_; }
  // Extra JSON (an object) shown under "details" in /healthz and /readyz; thread-safe.
  void set_health(std::function<std::string()> health);
  // The HTTP server's counters (zero when not serving).
  HttpServer::Stats http_stats() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<HealthState> health_;
  std::unique_ptr<HttpExposer> exposer_;
  std::unique_ptr<SystemdNotifier> notifier_;
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
