// Tight loops over a zero-suppressed wedge payload (wire/wedge_payload.h describes the format) read
// straight from where it arrived (a PayloadView): one-pass validation, and decoding into storage the
// caller owns and reuses, so the receive path allocates nothing per run or per voxel.
//
//   PayloadView p(frame.data(), frame.size());
//   WedgePayloadCounts n = validate_wedge_payload(p, kOuterWedgeShape);   // throws ValidationError
//   decode_wedge_payload(p, kOuterWedgeShape, sparse);     // validates + fills `sparse`, reusing its capacity
//   decode_wedge_payload_dense(p, shape, dense.data(), dense.size());   // validates + zero-fills + scatters
//
// Validation checks, in one pass and in this order per run, exactly what parse_wedge_payload always
// checked, with the same reasons and messages: even byte count, whole run headers (kTruncated), length
// > 0, run inside the shape, runs sorted by (pad, t_start) and neither overlapping nor touching on a pad
// (kBadRuns), all values present (kTruncated), every value in 65..1023 (kAdcRange). Messages are built
// only when a payload is rejected.
//
// Thread-safe (pure functions over caller-owned data). On a throw, the output is unspecified.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/wedge.h"
#include "wire/payload_view.h"
#include "wire/validation.h"

namespace daqz {

struct WedgePayloadCounts {
  size_t runs = 0;
  size_t values = 0;
};

// Validates without writing anything; returns how many runs and values the payload holds.
WedgePayloadCounts validate_wedge_payload(PayloadView payload, const WedgeShape& shape);

// Validates and decodes into `out` (shape, runs, values replaced) in the same single pass. `out` keeps
// capacity for the worst case of this payload size (about 1.7x what a typical wedge needs), so a reused
// SparseWedge never allocates again; on a throw `out` is left empty.
void decode_wedge_payload(PayloadView payload, const WedgeShape& shape, SparseWedge& out);

// Validates and writes the dense wedge (C order (azimuth, time, layer), zeros where nothing was sent)
// into `dense`, which must hold exactly shape.voxels() elements (std::invalid_argument otherwise).
void decode_wedge_payload_dense(PayloadView payload, const WedgeShape& shape, uint16_t* dense, size_t dense_size);
void decode_wedge_payload_dense(PayloadView payload, const WedgeShape& shape, float* dense, size_t dense_size);

}  // namespace daqz
