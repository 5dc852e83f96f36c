#include "wire/wedge_payload.h"

#include <cstring>
#include <string>

namespace daqz {

std::vector<uint8_t> serialize_wedge_payload(const SparseWedge& w) {
  std::vector<uint16_t> words;
  words.reserve(3 * w.runs.size() + w.values.size());
  size_t offset = 0;
  for (const PadRun& r : w.runs) {
    words.push_back(r.pad);
    words.push_back(r.t_start);
    words.push_back(r.length);
    words.insert(words.end(), w.values.begin() + offset, w.values.begin() + offset + r.length);
    offset += r.length;
  }
  std::vector<uint8_t> out(words.size() * 2);
  std::memcpy(out.data(), words.data(), out.size());  // x86 and aarch64 are little-endian
  return out;
}

SparseWedge parse_wedge_payload(const uint8_t* data, size_t size, WedgeShape shape) {
  if (size % 2 != 0)
    throw ValidationError(RejectReason::kTruncated,
                          "wedge payload has an odd byte count " + std::to_string(size));
  const size_t n = size / 2;
  auto word = [data](size_t i) { return uint16_t(data[2 * i] | (data[2 * i + 1] << 8)); };
  SparseWedge w;
  w.shape = shape;
  w.values.reserve(n);
  size_t i = 0;
  uint32_t prev_pad = 0, prev_end = 0;
  bool first = true;
  while (i < n) {
    if (i + 3 > n)
      throw ValidationError(RejectReason::kTruncated, "wedge payload ends inside a run header at word " +
                                                          std::to_string(i));
    const PadRun r{word(i), word(i + 1), word(i + 2)};
    const std::string where = "run " + std::to_string(w.runs.size()) + " (pad " + std::to_string(r.pad) +
                              ", t " + std::to_string(r.t_start) + ", length " + std::to_string(r.length) + ")";
    if (r.length == 0) throw ValidationError(RejectReason::kBadRuns, where + " is empty");
    if (r.pad >= shape.pads() || uint32_t(r.t_start) + r.length > shape.time)
      throw ValidationError(RejectReason::kBadRuns, where + " lies outside wedge shape " + shape.str());
    if (!first && (r.pad < prev_pad || (r.pad == prev_pad && r.t_start <= prev_end)))
      throw ValidationError(RejectReason::kBadRuns, where + " is out of order or overlaps the previous run");
    i += 3;
    if (i + r.length > n)
      throw ValidationError(RejectReason::kTruncated, where + " has fewer values than its length");
    for (size_t k = 0; k < r.length; ++k) {
      const uint16_t v = word(i + k);
      if (v <= kZeroSuppressionThreshold || v > kAdcMax)
        throw ValidationError(RejectReason::kAdcRange, where + " holds ADC " + std::to_string(v) +
                                                           "; zero-suppressed values lie in 65..1023");
      w.values.push_back(v);
    }
    i += r.length;
    w.runs.push_back(r);
    prev_pad = r.pad;
    prev_end = uint32_t(r.t_start) + r.length;
    first = false;
  }
  return w;
}

}  // namespace daqz
