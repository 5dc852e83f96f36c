// Free TCP ports on the loopback interface, for services started by tests, benches and `daqz demo`.
//
//   const std::vector<int> ports = free_tcp_ports(3);   // three distinct ports, all free a moment ago
//
// The ports are bound to port 0 together (so the kernel hands out distinct ones), read back and
// released: another process may take one before the caller binds it, which is rare enough on a
// test machine and shows as a bind error naming the port. Thread-safe. Throws std::system_error
// when the sockets cannot be opened.
#pragma once

#include <cstddef>
#include <vector>

namespace daqz {

std::vector<int> free_tcp_ports(size_t n);

}  // namespace daqz
