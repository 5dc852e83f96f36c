// A deliberately primitive HTTP client for testing the metrics server from the outside: plain
// POSIX sockets, so a test can misbehave exactly (connect and stay silent, drip bytes, never read).
//
//   RawClient c(port);                               // connects to 127.0.0.1:port
//   c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
//   RawResponse r = c.read_response(2.0);            // status, headers, body (Content-Length)
//   c.wait_closed(1.0);                              // true once the server closed the connection
//
//   RawResponse r = http_request(port, "HEAD", "/metrics");   // one request, Connection: close
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>

namespace daqz::http_test {

struct RawResponse {
  int status = 0;        // 0: no complete response
  std::string headers;   // status line and headers, as sent
  std::string body;
  double seconds = 0;    // from the request to the complete response

  std::string header(const std::string& name) const {  // value of a header (case-sensitive name)
    const auto at = headers.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    const auto start = at + name.size() + 4;
    return headers.substr(start, headers.find("\r\n", start) - start);
  }
};

class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

  // Returns false if the server has closed the connection (EPIPE/ECONNRESET).
  bool send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += size_t(n);
    }
    return true;
  }

  // Shrinks the receive buffer, so a large response the test never reads fills the server's
  // send path quickly (write-deadline tests).
  void set_small_receive_buffer() {
    int bytes = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }

  // Reads one response (headers, then Content-Length bytes of body, or to EOF without one).
  RawResponse read_response(double timeout_s, bool expect_body = true) {
    const auto start = std::chrono::steady_clock::now();
    RawResponse r;
    std::string data;
    size_t header_end = std::string::npos;
    size_t need = std::string::npos;
    while (true) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          r.headers = data.substr(0, header_end + 2);
          const std::string length = r.header("Content-Length");
          need = !expect_body ? 0 : length.empty() ? std::string::npos : std::stoul(length);
        }
      }
      if (header_end != std::string::npos && need != std::string::npos && data.size() - header_end - 4 >= need) break;
      const double left = timeout_s - seconds_since(start);
      if (left <= 0 || !readable(left)) return r;  // timed out: status stays 0
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (header_end != std::string::npos && need == std::string::npos) break;  // body to EOF
        return r;
      }
      data.append(buf, size_t(n));
    }
    r.body = data.substr(header_end + 4);
    if (need != std::string::npos) {
      extra_ = r.body.substr(need);
      r.body.resize(need);
    }
    r.status = std::stoi(r.headers.substr(r.headers.find(' ') + 1, 3));
    r.seconds = seconds_since(start);
    return r;
  }

  // Bytes that arrived after the last response's body (should be none for HEAD).
  const std::string& extra() const { return extra_; }

  // Waits until the server closes the connection (EOF or reset); false on time-out. Discards data.
  bool wait_closed(double timeout_s) {
    const auto start = std::chrono::steady_clock::now();
    while (true) {
      const double left = timeout_s - seconds_since(start);
      if (left <= 0 || !readable(left)) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }

 private:
  static double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  }
  bool readable(double timeout_s) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, int(timeout_s * 1000) + 1) > 0;
  }
  int fd_ = -1;
  std::string extra_;
};

// One request on a fresh connection with "Connection: close".
inline RawResponse http_request(int port, const std::string& method, const std::string& path, double timeout_s = 2.0) {
  RawClient c(port);
  const auto start = std::chrono::steady_clock::now();
  if (!c.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) return {};
  RawResponse r = c.read_response(timeout_s, method != "HEAD");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace daqz::http_test
