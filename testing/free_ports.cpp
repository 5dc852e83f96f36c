#include "testing/free_ports.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace daqz {

std::vector<int> free_tcp_ports(size_t n) {
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::acceptor> held;  // held open together, so the ports differ
  std::vector<int> ports;
  for (size_t i = 0; i < n; ++i) {
    held.emplace_back(io, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0});
    ports.push_back(held.back().local_endpoint().port());
  }
  return ports;
}

}  // namespace daqz
