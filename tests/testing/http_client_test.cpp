#include "testing/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "testing/free_ports.h"

namespace daqz {
namespace {

using boost::asio::ip::tcp;

// Answers one connection: reads the request head, records its first line, writes `response`
// (nothing when empty: then holds the connection open until `release`), closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response)
      : acceptor_(io_, tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}), response_(std::move(response)) {
    thread_ = std::thread([this] {
      try {
        tcp::socket s(io_);
        acceptor_.accept(s);
        boost::asio::streambuf head;
        boost::asio::read_until(s, head, "\r\n\r\n");
        std::istream in(&head);
        std::string line;
        std::getline(in, line);
        request_line_.set_value(line);
        if (response_.empty()) {
          while (!release_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } else {
          boost::asio::write(s, boost::asio::buffer(response_));
        }
      } catch (const std::exception&) {
      }
    });
  }
  ~OneShotServer() {
    release_ = true;
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  std::string request_line() { return request_line_future_.get(); }

 private:
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string response_;
  std::promise<std::string> request_line_;
  std::future<std::string> request_line_future_ = request_line_.get_future();
  std::atomic<bool> release_{false};
  std::thread thread_;
};

TEST(HttpClient, GetsTheBodyOfA200AndSendsTheRequestedPath) {
  OneShotServer server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\ndaqz_up 1\n");
  const HttpGetResult r = http_fetch(server.url("/metrics"));
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "daqz_up 1\n");
  EXPECT_EQ(server.request_line(), "GET /metrics HTTP/1.0\r");
}

TEST(HttpClient, OtherStatusesAreReportedAndHttpGetGivesNothing) {
  OneShotServer a("HTTP/1.1 503 Service Unavailable\r\n\r\n{\"ready\":false}");
  const HttpGetResult r = http_fetch(a.url("/readyz"));
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"ready\":false}");
  EXPECT_FALSE(r.ok());
  OneShotServer b("HTTP/1.0 404 Not Found\r\n\r\nnope");
  EXPECT_EQ(http_get(b.url("/x")), "");
}

TEST(HttpClient, ARefusedConnectionIsAnErrorNotAnException) {
  const int port = free_tcp_ports(1)[0];  // nothing listens there
  const HttpGetResult r = http_fetch("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find(std::to_string(port)), std::string::npos) << r.error;
}

TEST(HttpClient, AServerThatNeverAnswersTimesOut) {
  OneShotServer silent("");
  const auto t0 = std::chrono::steady_clock::now();
  const HttpGetResult r = http_fetch(silent.url("/metrics"), 0.3);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("within"), std::string::npos) << r.error;
  EXPECT_LT(took, 3.0);
  EXPECT_GE(took, 0.25);
}

TEST(HttpClient, AGarbledAnswerIsAnError) {
  OneShotServer server("SSH-2.0-OpenSSH\r\n");
  const HttpGetResult r = http_fetch(server.url("/"));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("malformed"), std::string::npos) << r.error;
}

TEST(HttpClient, ANonHttpUrlIsRefused) {
  EXPECT_THROW(http_fetch("https://127.0.0.1/metrics"), std::invalid_argument);
  EXPECT_THROW(http_get("127.0.0.1:9100/metrics"), std::invalid_argument);
  EXPECT_THROW(http_fetch("http:///metrics"), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
