// A non-owning view of a received payload: pointer + size into a buffer someone else owns (a
// zmq::message_t's data(), a segment file's record, a std::vector). Lets the receive path validate and
// decode a payload where it arrived, without copying it first.
//
//   zmq::message_t frame = ...;
//   PayloadView p(frame.data(), frame.size());   // valid while `frame` lives
//
// A plain value; the viewed bytes must outlive every use of the view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace daqz {

struct PayloadView {
  const uint8_t* data = nullptr;
  size_t size = 0;

  PayloadView() = default;
  PayloadView(const void* d, size_t n) : data(static_cast<const uint8_t*>(d)), size(n) {}
  explicit PayloadView(const std::vector<uint8_t>& v) : data(v.data()), size(v.size()) {}
  bool empty() const { return size == 0; }
};

}  // namespace daqz
