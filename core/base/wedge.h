// Wedge types: the unit of TPC data daqz moves and compresses.
//
// A wedge is a 3-D block of 10-bit ADC values with axes (azimuth, time, layer), stored C-order as
// in the public BCAE dataset: index = (a * time + t) * layers + l. The sPHENIX outer wedge is
// (192, 249, 16). Readout is zero-suppressed: ADC <= 64 reads 0, so a wedge travels as the runs of
// consecutive nonzero time bins of each pad (azimuth, layer), as SAMPA/FELIX data does.
//
//   DenseWedge dense = ...;
//   SparseWedge sparse = to_sparse(dense);        // bit-exact
//   DenseWedge back = to_dense(sparse);           // back == dense
//
// Types are plain values: not thread-safe for concurrent mutation, safe to share read-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace daqz {

// ADC range of the 10-bit SAMPA digitiser after zero suppression.
inline constexpr uint16_t kZeroSuppressionThreshold = 64;  // ADC <= 64 reads 0
inline constexpr uint16_t kAdcMax = 1023;

struct WedgeShape {
  uint32_t azimuth = 192;
  uint32_t time = 249;
  uint32_t layer = 16;

  size_t voxels() const { return size_t(azimuth) * time * layer; }
  uint32_t pads() const { return azimuth * layer; }
  bool operator==(const WedgeShape& o) const {
    return azimuth == o.azimuth && time == o.time && layer == o.layer;
  }
  bool operator!=(const WedgeShape& o) const { return !(*this == o); }
  std::string str() const;  // "(192, 249, 16)"
};

inline constexpr WedgeShape kOuterWedgeShape{192, 249, 16};

struct DenseWedge {
  WedgeShape shape;
  std::vector<uint16_t> adc;  // shape.voxels() values, C order (azimuth, time, layer)

  DenseWedge() = default;
  explicit DenseWedge(WedgeShape s) : shape(s), adc(s.voxels(), 0) {}
  size_t index(uint32_t a, uint32_t t, uint32_t l) const {
    return (size_t(a) * shape.time + t) * shape.layer + l;
  }
  uint16_t at(uint32_t a, uint32_t t, uint32_t l) const { return adc[index(a, t, l)]; }
  uint16_t& at(uint32_t a, uint32_t t, uint32_t l) { return adc[index(a, t, l)]; }
  size_t nonzero() const;
};

// pad -> (azimuth, layer) by multiplying with a reciprocal: the layer count is only known at run time, and a
// hardware division per run costs more than the rest of a dense decoder's per-run work. Exact for every
// pad < 2^16 and layer count < 2^24 (the rounding error of the 40-bit reciprocal stays below 2^-24).
struct PadSplit {
  explicit PadSplit(uint32_t layer_count)
      : layers(layer_count), reciprocal(((uint64_t(1) << 40) + layer_count - 1) / layer_count) {}
  uint32_t azimuth(uint32_t pad) const { return uint32_t((uint64_t(pad) * reciprocal) >> 40); }
  uint32_t layer(uint32_t pad, uint32_t azimuth_of_pad) const { return pad - azimuth_of_pad * layers; }

  uint32_t layers;
  uint64_t reciprocal;
};

// One run of consecutive nonzero time bins on one pad. pad = azimuth * layers + layer.
struct PadRun {
  uint16_t pad = 0;
  uint16_t t_start = 0;
  uint16_t length = 0;
};

// Zero-suppressed wedge: runs sorted by (pad, t_start), non-overlapping and non-adjacent, and
// their ADC values concatenated in the same order.
struct SparseWedge {
  WedgeShape shape;
  std::vector<PadRun> runs;
  std::vector<uint16_t> values;
};

// Applies zero suppression (values <= 64 become 0) and saturation (> 1023 becomes 1023) in place.
void zero_suppress(DenseWedge& wedge);

// Dense -> runs. Values <= kZeroSuppressionThreshold are treated as zero.
SparseWedge to_sparse(const DenseWedge& dense);
// Runs -> dense. Throws std::invalid_argument if a run lies outside the shape.
DenseWedge to_dense(const SparseWedge& sparse);
// The same into a caller-owned buffer of exactly sparse.shape.voxels() elements (zeros written where no
// run lies), so decoders fill a tensor or a reused buffer without a dense intermediate. Same checks and
// exceptions as to_dense (a wrong buffer size too); on a throw the buffer's contents are unspecified.
void to_dense_into(const SparseWedge& sparse, uint16_t* dense, size_t dense_size);
void to_dense_into(const SparseWedge& sparse, float* dense, size_t dense_size);

// Bytes of the wedge's zero-suppressed wire payload (wire/wedge_payload.h: three uint16 words per run
// plus one per value): the "original size" codecs record, without serialising.
size_t wedge_payload_size(const SparseWedge& wedge);

}  // namespace daqz
