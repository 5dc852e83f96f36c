// The lossless codec: zero-suppressed runs -> compact sparse streams -> zstd.
//
// This is daqz's honest baseline: neural codecs report `ratio_vs_lossless` against it, and any
// record a neural codec cannot encode is stored with it instead. Bit-exact for every valid wedge.
//
// Layout before zstd (all little-endian):
//   varint run_count, varint value_count,
//   runs:   per run varint(pad delta from previous run), varint(t_start or gap after the previous
//           run on the same pad), varint(length - 1)
//   values: low bytes of (adc - 65) for every value, then the high 2 bits of each packed 4 per byte.
// Splitting the planes lets zstd model the near-constant high bits separately.
#pragma once

#include <cstdint>
#include <vector>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kLosslessCodecId[] = "lossless";

// Pure functions, thread-safe. Throw CodecError on malformed input.
std::vector<uint8_t> lossless_compress(const SparseWedge& wedge, int zstd_level = 3);
SparseWedge lossless_decompress(const uint8_t* data, size_t size, WedgeShape shape);

class LosslessCodec final : public WedgeCodec {
 public:
  explicit LosslessCodec(int zstd_level = 3);
  const CodecDescriptor& descriptor() const override { return descriptor_; }
  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override;
  Reconstruction decode(const EncodedRecord& record) override;
  size_t preferred_batch() const override { return 16; }

  // Single-wedge forms used by the ingest fallback path.
  EncodedRecord encode_one(const SparseWedge& wedge) const;

 private:
  int zstd_level_;
  CodecDescriptor descriptor_;
};

}  // namespace daqz
