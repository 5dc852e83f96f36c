// A small concurrent HTTP/1.1 server (Boost.Beast) for scrapes and probes: GET and HEAD on a
// fixed set of paths, each answered by a handler that returns the whole response.
//
// What it guarantees, so that no client can block another (a Prometheus scrape or a Kubernetes
// probe must answer while a broken client holds a connection):
//   - accepting and serving are asynchronous on `io_threads` threads; a connection that sends
//     nothing costs a socket, never a thread;
//   - each request must arrive within `read_timeout_s` (the whole request, so a client dripping a
//     byte a second is cut: slow loris), each response be taken within `write_timeout_s`, and a
//     kept-alive connection idles at most `read_timeout_s`;
//   - at most `max_connections` connections are open; at the cap, the connection waiting longest
//     for its request is closed to make room, and only if every connection is busy is the new one
//     refused;
//   - requests larger than `max_request_bytes` are answered 431/413 and closed.
// Other methods get 405, other paths 404, a handler that throws 500.
//
// Why not prometheus-cpp's civetweb exposer: civetweb starts its threads with a fixed 100 KiB
// stack, and a process that loads LibTorch with OpenBLAS carries more static TLS than that
// (OpenBLAS alone 60 KiB), so pthread_create fails ("null context when constructing
// CivetServer"). This server's threads are std::threads with the default stack size.
//
//   HttpServer::Routes routes;
//   routes["/metrics"] = [] { return HttpResponse{200, "text/plain", "..."}; };
//   HttpServer server(HttpServerOptions{"127.0.0.1:0"}, std::move(routes));   // serves at once
//   server.port();                     // the bound port (useful with port 0)
//
// Handlers run on the I/O threads, possibly concurrently: they must be thread-safe and should be
// quick (they hold an I/O thread; with two threads one slow handler does not stop the other).
// Construction throws std::runtime_error naming the address when it cannot bind. The destructor
// closes every connection and joins the threads. Thread-safe: port() and stats() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace daqz {

struct HttpServerOptions {
  static constexpr int kDefaultIoThreads = 2;
  static constexpr double kDefaultTimeoutS = 5;
  static constexpr size_t kDefaultMaxConnections = 64;
  static constexpr size_t kDefaultMaxRequestBytes = 8192;

  std::string bind_address;  // "host:port"; host "" or "*" = all interfaces; port 0 = any free port
  int io_threads = kDefaultIoThreads;
  double read_timeout_s = kDefaultTimeoutS;   // whole request, and keep-alive idle time
  double write_timeout_s = kDefaultTimeoutS;  // whole response
  size_t max_connections = kDefaultMaxConnections;
  size_t max_request_bytes = kDefaultMaxRequestBytes;  // request line + headers (and body, if any)
};

// Throws std::invalid_argument naming the field when the options cannot work.
void validate(const HttpServerOptions& options);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse()>;
  using Routes = std::map<std::string, Handler>;  // exact path (query string ignored) -> handler

  HttpServer(const HttpServerOptions& options, Routes routes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

  // Counters since start (connections cut, refused, ...): for tests and the server's own metrics.
  struct Stats {
    uint64_t accepted = 0;          // connections accepted
    uint64_t active = 0;            // connections open now
    uint64_t requests = 0;          // requests answered (any status)
    uint64_t timed_out = 0;         // connections cut by a read or write deadline
    uint64_t evicted = 0;           // idle connections closed to make room at the cap
    uint64_t refused = 0;           // connections refused at the cap (all busy)
    uint64_t oversize = 0;          // requests over max_request_bytes
    uint64_t bad_requests = 0;      // unparsable requests (answered 400)
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
