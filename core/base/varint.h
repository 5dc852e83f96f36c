// LEB128 unsigned varints: compact integers for run lists and record headers.
// VarintReader throws std::out_of_range on truncated or over-long input (never reads past `size`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace daqz {

inline void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

class VarintReader {
 public:
  VarintReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint64_t next() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) throw std::out_of_range("varint: input is truncated");
      const uint8_t b = *p_++;
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::out_of_range("varint: value is longer than 64 bits");
  }
  const uint8_t* position() const { return p_; }
  size_t remaining() const { return size_t(end_ - p_); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace daqz
