#include "runtime/http_exposer.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <mutex>

namespace daqz {
namespace {

constexpr const char* kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kJsonType = "application/json";

// The server's own counters, turned into Prometheus metrics at each scrape (the server itself
// knows nothing of Prometheus).
class ServerMetrics {
 public:
  explicit ServerMetrics(prometheus::Registry& r)
      : connections_(prometheus::BuildGauge()
                         .Name("daqz_http_connections")
                         .Help("Open connections to the metrics/health HTTP server")
                         .Register(r)
                         .Add({})),
        requests_(prometheus::BuildCounter()
                      .Name("daqz_http_requests_total")
                      .Help("Requests answered by the metrics/health HTTP server (any status)")
                      .Register(r)
                      .Add({})),
        dropped_(prometheus::BuildCounter()
                     .Name("daqz_http_connections_dropped_total")
                     .Help("Connections the metrics/health HTTP server closed early, by reason")
                     .Register(r)),
        timed_out_(dropped_.Add({{"reason", "timeout"}})),
        evicted_(dropped_.Add({{"reason", "evicted"}})),
        refused_(dropped_.Add({{"reason", "refused"}})),
        oversize_(dropped_.Add({{"reason", "oversize"}})),
        bad_request_(dropped_.Add({{"reason", "bad_request"}})) {}

  void refresh(const HttpServer::Stats& now) {
    std::lock_guard<std::mutex> lock(mu_);  // two scrapes at once must not add the same delta twice
    connections_.Set(double(now.active));
    add(requests_, now.requests, last_.requests);
    add(timed_out_, now.timed_out, last_.timed_out);
    add(evicted_, now.evicted, last_.evicted);
    add(refused_, now.refused, last_.refused);
    add(oversize_, now.oversize, last_.oversize);
    add(bad_request_, now.bad_requests, last_.bad_requests);
    last_ = now;
  }

 private:
  static void add(prometheus::Counter& c, uint64_t now, uint64_t last) {
    if (now > last) c.Increment(double(now - last));
  }
  prometheus::Gauge& connections_;
  prometheus::Counter& requests_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Counter &timed_out_, &evicted_, &refused_, &oversize_, &bad_request_;
  std::mutex mu_;
  HttpServer::Stats last_;
};

HttpResponse json_response(const HealthState::Report& report) {
  return HttpResponse{report.ok ? 200 : 503, kJsonType, report.json + "\n"};
}

}  // namespace

struct HttpExposer::Impl {
  std::shared_ptr<prometheus::Registry> registry;
  std::shared_ptr<HealthState> health;
  ServerMetrics server_metrics;
  std::unique_ptr<HttpServer> server;  // last: its threads stop before the rest goes
  // The server as its own handlers see it: set once it is constructed (a scrape can arrive while
  // its constructor is still running).
  std::atomic<HttpServer*> serving{nullptr};

  Impl(std::shared_ptr<prometheus::Registry> r, std::shared_ptr<HealthState> h)
      : registry(std::move(r)), health(std::move(h)), server_metrics(*registry) {}

  HttpServer::Routes routes() {
    HttpServer::Routes out;
    out["/metrics"] = [this] {
      if (HttpServer* s = serving.load()) server_metrics.refresh(s->stats());
      return HttpResponse{200, kPrometheusTextType, prometheus::TextSerializer().Serialize(registry->Collect())};
    };
    out["/healthz"] = [this] { return json_response(health->liveness()); };
    out["/health"] = out["/healthz"];
    out["/readyz"] = [this] { return json_response(health->readiness()); };
    return out;
  }
};

HttpExposer::HttpExposer(const HttpServerOptions& options, std::shared_ptr<prometheus::Registry> registry,
                         std::shared_ptr<HealthState> health)
    : impl_(std::make_unique<Impl>(std::move(registry), std::move(health))) {
  impl_->server = std::make_unique<HttpServer>(options, impl_->routes());
  impl_->serving = impl_->server.get();
}

HttpExposer::~HttpExposer() = default;

int HttpExposer::port() const { return impl_->server->port(); }

HttpServer::Stats HttpExposer::stats() const { return impl_->server->stats(); }

}  // namespace daqz
