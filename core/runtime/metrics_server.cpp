#include "runtime/metrics_server.h"

#include <cmath>
#include <stdexcept>

#include "base/build_info.h"

namespace daqz {

MetricsServer::MetricsServer(const std::string& bind_address, const std::string& service, const std::string& device,
                             const HttpServerOptions& http)
    : registry_(std::make_shared<prometheus::Registry>()),
      health_(std::make_shared<HealthState>(service.empty() ? "daqz" : service)) {
  const BuildInfo& b = build_info();
  add_gauge(*registry_, "daqz_build_info", "Build of this daqz process (value is always 1)",
            {{"version", b.version},
             {"git_hash", b.git_hash},
             {"torch_version", b.torch_version},
             {"cuda_compiled", b.cuda_compiled ? "true" : "false"},
             {"service", service},
             {"device", device}})
      .Set(1);
  notifier_ = std::make_unique<SystemdNotifier>(health_);
  if (bind_address.empty()) return;
  HttpServerOptions options = http;
  options.bind_address = bind_address;
  exposer_ = std::make_unique<HttpExposer>(options, registry_, health_);
  std::string host = bind_address.substr(0, bind_address.rfind(':'));
  if (host.empty() || host == "0.0.0.0" || host == "*") host = "127.0.0.1";
  url_ = "http://" + host + ":" + std::to_string(exposer_->port()) + "/metrics";
}

void MetricsServer::set_health(std::function<std::string()> health) { health_->set_details(std::move(health)); }

std::string MetricsServer::base_url() const { return url_.empty() ? "" : url_.substr(0, url_.rfind('/')); }

HttpServer::Stats MetricsServer::http_stats() const { return exposer_ ? exposer_->stats() : HttpServer::Stats{}; }

MetricsServer::~MetricsServer() = default;

RejectCounters add_reject_counters(prometheus::Registry& r, const std::string& name) {
  RejectCounters out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = &add_counter(r, name, "Frames rejected, by reason", {{"reason", reject_reason_label(RejectReason(i))}});
  return out;
}

prometheus::Histogram::BucketBoundaries exponential_buckets(double start, double factor, int count) {
  prometheus::Histogram::BucketBoundaries b;
  for (int i = 0; i < count; ++i) b.push_back(start * std::pow(factor, i));
  return b;
}

prometheus::Counter& add_counter(prometheus::Registry& r, const std::string& name, const std::string& help,
                                 const std::map<std::string, std::string>& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add(labels);
}

prometheus::Gauge& add_gauge(prometheus::Registry& r, const std::string& name, const std::string& help,
                             const std::map<std::string, std::string>& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add(labels);
}

prometheus::Histogram& add_histogram(prometheus::Registry& r, const std::string& name, const std::string& help,
                                     const prometheus::Histogram::BucketBoundaries& buckets,
                                     const std::map<std::string, std::string>& labels) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r).Add(labels, buckets);
}

}  // namespace daqz
