// A small HTTP server for Prometheus scrapes (/metrics) and health checks (/healthz), on
// Boost.Asio with one thread.
//
// Why not prometheus-cpp's civetweb exposer: civetweb starts its threads with a fixed 100 KiB
// stack, and a process that loads LibTorch with OpenBLAS carries more static TLS than that
// (OpenBLAS alone 60 KiB), so pthread_create fails and the exposer cannot start ("null context
// when constructing CivetServer"). This server uses default-size threads.
//
//   HttpExposer http("127.0.0.1:9464", registry, [] { return std::string("{\"state\":\"run\"}"); });
//   http.port();   // the bound port (useful with port 0)
//
// Thread-safe to construct/destroy from one thread; serves from its own thread until destroyed.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace daqz {

class HttpExposer {
 public:
  using HealthFn = std::function<std::string()>;  // JSON body of /healthz
  // bind_address "host:port" (port 0 = any free port). Throws std::runtime_error if it can't bind.
  HttpExposer(const std::string& bind_address, std::shared_ptr<prometheus::Registry> registry, HealthFn health = {});
  ~HttpExposer();
  int port() const;
  void set_health(HealthFn health);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
