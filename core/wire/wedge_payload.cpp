#include "wire/wedge_payload.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "wire/wedge_payload_view.h"

namespace daqz {

std::vector<uint8_t> serialize_wedge_payload(const SparseWedge& w) {
  size_t covered = 0;
  for (const PadRun& r : w.runs) covered += r.length;
  if (covered != w.values.size())
    throw std::invalid_argument("serialize_wedge_payload: runs cover " + std::to_string(covered) +
                                " values, the wedge holds " + std::to_string(w.values.size()));
  // Straight into the byte buffer: x86-64 and aarch64 are little-endian, as the wire format is.
  std::vector<uint8_t> out(wedge_payload_size(w));
  uint8_t* p = out.data();
  const uint16_t* values = w.values.data();
  for (const PadRun& r : w.runs) {
    const uint16_t header[3] = {r.pad, r.t_start, r.length};
    std::memcpy(p, header, sizeof header);
    std::memcpy(p + sizeof header, values, 2 * size_t(r.length));
    p += sizeof header + 2 * size_t(r.length);
    values += r.length;
  }
  return out;
}

SparseWedge parse_wedge_payload(const uint8_t* data, size_t size, WedgeShape shape) {
  SparseWedge w;
  decode_wedge_payload(PayloadView(data, size), shape, w);
  return w;
}

}  // namespace daqz
