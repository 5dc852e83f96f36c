// The HTTP face of a daqz process: Prometheus scrapes and health probes, on HttpServer.
//
//   GET|HEAD /metrics   prometheus-cpp's registry, text format 0.0.4
//   GET|HEAD /healthz   liveness: 200 while the process works (any state but error), else 503
//   GET|HEAD /readyz    readiness: 200 in state run with every condition holding, else 503 with
//                       a JSON "reason" (health_state.h)
//   (/health is an alias of /healthz for older scrapers.)
//
//   auto health = std::make_shared<HealthState>("daqz-sink");
//   HttpExposer http(HttpServerOptions{"127.0.0.1:9464"}, registry, health);
//   http.port();   // the bound port (useful with port 0)
//
// Scrapes only read the registry: prometheus-cpp's Collect copies the values under its short
// per-family locks and the text is built from the copy on an HTTP thread, so the data path (which
// only increments) never waits on a client, however slow. The server counts its own troubles in
// daqz_http_* metrics, refreshed at each scrape. Throws std::runtime_error if it cannot bind.
// Thread-safe; serves from its own threads until destroyed.
#pragma once

#include <memory>
#include <string>

#include "runtime/health_state.h"
#include "runtime/http_server.h"

namespace prometheus {
class Registry;
}

namespace daqz {

class HttpExposer {
 public:
  HttpExposer(const HttpServerOptions& options, std::shared_ptr<prometheus::Registry> registry,
              std::shared_ptr<HealthState> health);
  ~HttpExposer();
  int port() const;
  HttpServer::Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
