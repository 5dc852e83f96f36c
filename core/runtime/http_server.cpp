#include "runtime/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace daqz {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

Clock::duration seconds(double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); }

tcp::endpoint parse_endpoint(const std::string& bind_address) {
  const auto colon = bind_address.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("address '" + bind_address + "' is not host:port");
  std::string host = bind_address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "*") host = "0.0.0.0";
  const std::string port = bind_address.substr(colon + 1);
  size_t used = 0;
  const int p = std::stoi(port, &used);
  if (used != port.size() || p < 0 || p > 65535) throw std::invalid_argument("port '" + port + "' is not 0-65535");
  return tcp::endpoint(net::ip::make_address(host), uint16_t(p));
}

}  // namespace

void validate(const HttpServerOptions& o) {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("HttpServerOptions: " + what);
  };
  need(o.io_threads >= 1, "io_threads must be >= 1, got " + std::to_string(o.io_threads));
  need(o.read_timeout_s > 0, "read_timeout_s must be > 0");
  need(o.write_timeout_s > 0, "write_timeout_s must be > 0");
  need(o.max_connections >= 1, "max_connections must be >= 1");
  need(o.max_request_bytes >= 256 && o.max_request_bytes <= (1u << 30),
       "max_request_bytes must be within 256 B .. 1 GiB, got " + std::to_string(o.max_request_bytes));
}

class Session;

// State shared by the acceptor and every connection; connections hold it by shared_ptr, so it
// outlives the last one whatever order the io_context destroys them in.
struct ServerShared {
  HttpServerOptions options;
  HttpServer::Routes routes;
  std::mutex mu;                // guards `sessions`
  std::list<Session*> sessions;  // open connections; each erases itself in its destructor
  std::atomic<uint64_t> accepted{0}, requests{0}, timed_out{0}, evicted{0}, refused{0}, oversize{0}, bad_requests{0};
};

// One connection: read a request (deadline), answer it (deadline), repeat while kept alive. All
// its handlers run on its own strand, so with several I/O threads a session is never re-entered.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerShared> shared)
      : stream_(std::move(socket)), buffer_(2 * shared->options.max_request_bytes + 4096), shared_(std::move(shared)) {}

  ~Session() {
    if (!registered_) return;
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->sessions.erase(self_);
  }

  // Called with shared_->mu held, before start().
  void register_in(std::list<Session*>& sessions) {
    self_ = sessions.insert(sessions.end(), this);
    registered_ = true;
  }

  void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this())); }

  // Time since which this connection has waited for (the rest of) a request; 0 while it is busy.
  // claim_for_eviction() takes that mark atomically, so two accepts never pick the same victim.
  int64_t waiting_since_ns() const { return waiting_since_ns_.load(); }
  bool claim_for_eviction() {
    int64_t t = waiting_since_ns_.load();
    return t > 0 && waiting_since_ns_.compare_exchange_strong(t, -1);
  }

  // Closes the connection if it is still waiting for its request when the strand gets to it.
  void evict() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->reading_) return;  // its request arrived meanwhile: let it be answered
      ++self->shared_->evicted;
      self->stream_.close();  // the pending read completes with operation_aborted
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(uint32_t(shared_->options.max_request_bytes));
    parser_->body_limit(uint64_t(shared_->options.max_request_bytes));
    reading_ = true;
    waiting_since_ns_ = now_ns();
    stream_.expires_after(seconds(shared_->options.read_timeout_s));  // whole request: cuts slow lorises
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    reading_ = false;
    waiting_since_ns_ = 0;
    if (ec == http::error::end_of_stream) return shutdown();  // the client closed between requests
    if (ec == http::error::partial_message) return;          // the client left mid-request
    if (ec == beast::error::timeout) {
      ++shared_->timed_out;  // the stream closed the socket
      return;
    }
    if (ec == http::error::header_limit || ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      ++shared_->oversize;
      const bool header = ec != http::error::body_limit;
      return reply_error(header ? http::status::request_header_fields_too_large : http::status::payload_too_large,
                         "request larger than " + std::to_string(shared_->options.max_request_bytes) + " bytes\n");
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {  // any parse error
      ++shared_->bad_requests;
      return reply_error(http::status::bad_request, "malformed request: " + ec.message() + "\n");
    }
    if (ec) return;  // reset, aborted (evicted, shutting down): nothing to answer
    answer(parser_->get());
  }

  void answer(const http::request<http::string_body>& req) {
    ++shared_->requests;
    const bool head = req.method() == http::verb::head;
    HttpResponse out;
    if (req.method() != http::verb::get && !head) {
      out = HttpResponse{405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
    } else {
      const beast::string_view target = req.target();
      const std::string path(target.substr(0, target.find('?')));
      const auto route = shared_->routes.find(path);
      if (route == shared_->routes.end()) {
        std::string known;
        for (const auto& r : shared_->routes) known += (known.empty() ? "" : ", ") + r.first;
        out = HttpResponse{404, "text/plain; charset=utf-8", "no such path; try " + known + "\n"};
      } else {
        try {
          out = route->second();
        } catch (const std::exception& e) {
          spdlog::error("HTTP handler for '{}' failed: {}", path, e.what());
          out = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
        }
      }
    }
    response_ = {};
    response_.version(req.version());
    response_.result(http::int_to_status(unsigned(out.status)));
    response_.set(http::field::content_type, out.content_type);
    if (out.status == 405) response_.set(http::field::allow, "GET, HEAD");
    response_.keep_alive(req.keep_alive());
    response_.body() = std::move(out.body);
    response_.prepare_payload();
    if (head) {  // HEAD: the GET's headers (Content-Length included), no body
      const auto length = response_.body().size();
      response_.body().clear();
      response_.content_length(length);
    }
    write();
  }

  // Answers an unusable request and closes: what follows it on the connection cannot be trusted.
  void reply_error(http::status status, std::string body) {
    ++shared_->requests;
    response_ = {};
    response_.version(11);
    response_.result(status);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.keep_alive(false);
    response_.body() = std::move(body);
    response_.prepare_payload();
    write();
  }

  void write() {
    stream_.expires_after(seconds(shared_->options.write_timeout_s));  // a client that never reads is cut
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this(), !response_.keep_alive()));
  }

  void on_write(bool close, beast::error_code ec, size_t) {
    if (ec == beast::error::timeout) ++shared_->timed_out;
    if (ec) return;
    if (close) return shutdown();
    read();
  }

  void shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);  // FIN after the response; the socket closes with us
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerShared> shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::list<Session*>::iterator self_;
  bool registered_ = false;
  bool reading_ = false;  // strand-only
  std::atomic<int64_t> waiting_since_ns_{0};
};

struct HttpServer::Impl {
  std::shared_ptr<ServerShared> shared = std::make_shared<ServerShared>();
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  tcp::acceptor acceptor{io};
  net::steady_timer retry_timer{io};
  int port = 0;
  std::vector<std::thread> threads;

  void accept_next() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;  // shutting down
      if (ec) {
        // Out of file descriptors and the like: wait a little instead of spinning on the error.
        spdlog::warn("HTTP server: accept failed: {}", ec.message());
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept_next();
        });
        return;
      }
      admit(std::move(socket));
      accept_next();
    });
  }

  // At the cap, the connection that has waited longest for its request makes room; a slow-loris or
  // silent client therefore cannot keep a scrape out for longer than one accept.
  void admit(tcp::socket socket) {
    auto session = std::make_shared<Session>(std::move(socket), shared);
    std::shared_ptr<Session> victim;  // released after the lock: its destructor takes the lock
    {
      std::lock_guard<std::mutex> lock(shared->mu);
      if (shared->sessions.size() >= shared->options.max_connections) {
        Session* oldest = nullptr;
        for (Session* s : shared->sessions) {
          const int64_t t = s->waiting_since_ns();
          if (t > 0 && (!oldest || t < oldest->waiting_since_ns())) oldest = s;
        }
        if (!oldest || !oldest->claim_for_eviction()) {
          ++shared->refused;
          return;  // every connection is busy answering: refuse (the socket closes with `session`)
        }
        victim = oldest->weak_from_this().lock();  // empty if it is being destroyed: room anyway
      }
      session->register_in(shared->sessions);
    }
    ++shared->accepted;
    if (victim) victim->evict();
    session->start();
  }
};

HttpServer::HttpServer(const HttpServerOptions& options, Routes routes) : impl_(std::make_unique<Impl>()) {
  validate(options);
  impl_->shared->options = options;
  impl_->shared->routes = std::move(routes);
  try {
    const tcp::endpoint ep = parse_endpoint(options.bind_address);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    impl_->port = impl_->acceptor.local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve HTTP on '" + options.bind_address + "': " + e.what());
  }
  impl_->accept_next();
  for (int i = 0; i < options.io_threads; ++i) impl_->threads.emplace_back([io = &impl_->io] { io->run(); });
}

HttpServer::~HttpServer() {
  // Stopping the io_context abandons every pending operation; the io_context's destructor then
  // destroys the sessions still referenced by those handlers, which closes their sockets.
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
}

int HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  const ServerShared& s = *impl_->shared;
  Stats out;
  out.accepted = s.accepted;
  out.requests = s.requests;
  out.timed_out = s.timed_out;
  out.evicted = s.evicted;
  out.refused = s.refused;
  out.oversize = s.oversize;
  out.bad_requests = s.bad_requests;
  {
    std::lock_guard<std::mutex> lock(impl_->shared->mu);
    out.active = impl_->shared->sessions.size();
  }
  return out;
}

}  // namespace daqz
