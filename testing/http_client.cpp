#include "testing/http_client.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <stdexcept>

namespace daqz {
namespace {

using boost::asio::ip::tcp;

struct Url {
  std::string host, port, path;
};

Url parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("http_fetch: '" + url + "' is not an http:// URL");
  const auto slash = url.find('/', scheme.size());
  const std::string hostport = url.substr(scheme.size(), slash - scheme.size());
  if (hostport.empty()) throw std::invalid_argument("http_fetch: '" + url + "' names no host");
  const auto colon = hostport.rfind(':');
  Url u;
  u.host = hostport.substr(0, colon);
  u.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  return u;
}

// Status code and body of a raw HTTP/1.x response.
void parse_response(const std::string& raw, HttpGetResult& r) {
  const auto line_end = raw.find("\r\n");
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || line_end == std::string::npos || head_end == std::string::npos) {
    r.error = "malformed HTTP response (" + std::to_string(raw.size()) + " bytes)";
    return;
  }
  const auto space = raw.find(' ');
  try {
    r.status = std::stoi(raw.substr(space + 1, 3));
  } catch (const std::exception&) {
    r.error = "malformed status line '" + raw.substr(0, line_end) + "'";
    return;
  }
  r.body = raw.substr(head_end + 4);
}

}  // namespace

HttpGetResult http_fetch(const std::string& url, double timeout_s) {
  const Url u = parse_url(url);
  HttpGetResult r;
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  const std::string request = "GET " + u.path + " HTTP/1.0\r\nHost: " + u.host + "\r\n\r\n";
  std::array<char, 8192> buf;
  std::string raw;
  bool complete = false;
  boost::system::error_code failure;
  // The exchange as a chain of handlers, all run by io.run_for() below under one deadline. HTTP/1.0:
  // the server closes the connection after the response, so end-of-file ends it.
  std::function<void()> read_more = [&] {
    socket.async_read_some(boost::asio::buffer(buf), [&](const boost::system::error_code& ec, size_t n) {
      raw.append(buf.data(), n);
      if (ec == boost::asio::error::eof) complete = true;
      else if (ec) failure = ec;
      else read_more();
    });
  };
  resolver.async_resolve(u.host, u.port, [&](const boost::system::error_code& ec, tcp::resolver::results_type hits) {
    if (ec) return void(failure = ec);
    boost::asio::async_connect(socket, hits, [&](const boost::system::error_code& ec2, const tcp::endpoint&) {
      if (ec2) return void(failure = ec2);
      boost::asio::async_write(socket, boost::asio::buffer(request),
                               [&](const boost::system::error_code& ec3, size_t) {
                                 if (ec3) return void(failure = ec3);
                                 read_more();
                               });
    });
  });
  io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_s)));
  if (!complete && !failure) {
    // Out of time: cancel what is pending and let the handlers finish while the locals they use live.
    boost::system::error_code ignored;
    resolver.cancel();
    socket.close(ignored);
    io.restart();
    io.run();
    r.error = "no complete response from " + url + " within " + std::to_string(timeout_s) + " s";
    return r;
  }
  if (failure) {
    r.error = url + ": " + failure.message();
    return r;
  }
  parse_response(raw, r);
  return r;
}

std::string http_get(const std::string& url, double timeout_s) {
  HttpGetResult r = http_fetch(url, timeout_s);
  return r.ok() ? std::move(r.body) : std::string();
}

}  // namespace daqz
