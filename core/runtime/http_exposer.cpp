#include "runtime/http_exposer.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace daqz {
namespace asio = boost::asio;
using asio::ip::tcp;

struct HttpExposer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::shared_ptr<prometheus::Registry> registry;
  std::mutex health_mu;
  HealthFn health;
  std::thread thread;

  void accept_next() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;  // acceptor closed: shutting down
      serve(std::move(socket));
      accept_next();
    });
  }

  // One request per connection (HTTP/1.0 style, "Connection: close"): scrapes are rare and small.
  void serve(tcp::socket socket) {
    boost::system::error_code ec;
    asio::streambuf request;
    asio::read_until(socket, request, "\r\n\r\n", ec);
    if (ec) return;
    std::istream in(&request);
    std::string method, target;
    in >> method >> target;
    std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
    if (method != "GET") {
      status = "405 Method Not Allowed";
      body = "only GET\n";
    } else if (target == "/metrics") {
      body = prometheus::TextSerializer().Serialize(registry->Collect());
    } else if (target == "/healthz" || target == "/health") {
      std::lock_guard<std::mutex> lock(health_mu);
      body = health ? health() : "{\"status\":\"ok\"}";
      type = "application/json";
    } else {
      status = "404 Not Found";
      body = "try /metrics or /healthz\n";
    }
    const std::string head = "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    asio::write(socket, std::array<asio::const_buffer, 2>{asio::buffer(head), asio::buffer(body)}, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
};

HttpExposer::HttpExposer(const std::string& bind_address, std::shared_ptr<prometheus::Registry> registry,
                         HealthFn health)
    : impl_(std::make_unique<Impl>()) {
  impl_->registry = std::move(registry);
  impl_->health = std::move(health);
  const auto colon = bind_address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("metrics address '" + bind_address + "' is not host:port");
  std::string host = bind_address.substr(0, colon);
  if (host.empty() || host == "*") host = "0.0.0.0";
  try {
    const tcp::endpoint ep(asio::ip::make_address(host), uint16_t(std::stoi(bind_address.substr(colon + 1))));
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on '" + bind_address + "': " + e.what());
  }
  impl_->accept_next();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

HttpExposer::~HttpExposer() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int HttpExposer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpExposer::set_health(HealthFn health) {
  std::lock_guard<std::mutex> lock(impl_->health_mu);
  impl_->health = std::move(health);
}

}  // namespace daqz
