#include "testing/free_ports.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <set>

namespace daqz {
namespace {

TEST(FreePorts, AreDistinctAndBindable) {
  const std::vector<int> ports = free_tcp_ports(8);
  ASSERT_EQ(ports.size(), 8u);
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), 8u);
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::acceptor> bound;
  for (int p : ports) {
    EXPECT_GT(p, 0);
    EXPECT_NO_THROW(bound.emplace_back(
        io, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), uint16_t(p)}))
        << "port " << p;
  }
}

TEST(FreePorts, ZeroIsEmpty) { EXPECT_TRUE(free_tcp_ports(0).empty()); }

}  // namespace
}  // namespace daqz
