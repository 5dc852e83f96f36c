// The zero-suppressed wedge payload as it travels on the wire (second ZeroMQ frame of a
// KIND_WEDGE_ZS message). Little-endian uint16 words, one block per run, sorted by (pad, t_start):
//
//   pad, t_start, length, adc[0] ... adc[length-1]
//
// pad = azimuth * layers + layer. Every adc is in 65..1023 (zero suppression leaves no value
// <= 64 inside a run); runs of the same pad neither overlap nor touch.
//
//   std::vector<uint8_t> bytes = serialize_wedge_payload(sparse);
//   SparseWedge back = parse_wedge_payload(bytes.data(), bytes.size(), kOuterWedgeShape);
//
// parse_wedge_payload validates everything and throws ValidationError (kTruncated, kBadRuns,
// kAdcRange) with a message naming the offending run. Thread-safe. The receive path's allocation-free
// forms (validate only, decode into a reused SparseWedge or a dense buffer, straight from a
// PayloadView) are in wire/wedge_payload_view.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/wedge.h"
#include "wire/validation.h"

namespace daqz {

// Throws std::invalid_argument unless wedge.values holds exactly the values its runs cover.
std::vector<uint8_t> serialize_wedge_payload(const SparseWedge& wedge);
SparseWedge parse_wedge_payload(const uint8_t* data, size_t size, WedgeShape shape);

}  // namespace daqz
