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
// Splitting the planes lets zstd model the near-constant high bits separately. The zstd level is a
// choice of the encoder only (records name it in params["zstd_level"]); every level decodes the same way.
//
//   LosslessCodec codec;                                   // default level kLosslessDefaultLevel
//   std::vector<EncodedRecord> recs = codec.encode({&wedge});
//   Reconstruction r = codec.decode(recs[0]);              // float ADC, bit-exact
//
// Cost per wedge (bench_receive_path_bench): the zstd contexts and scratch buffers live in a
// LosslessWorkspace that a codec instance (or, for the free functions, each thread) reuses, and decode()
// writes the dense output straight from the compact stream, with no SparseWedge or DenseWedge between.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kLosslessCodecId[] = "lossless";
// On simulated outer wedges level 2 compresses as well as 3 (ratio 3.00 vs 2.99) in ~25 % less zstd time;
// level 1 saves another ~25 % for a 4 % lower ratio (docs/bench.md, bench_receive_path_bench).
inline constexpr int kLosslessDefaultLevel = 2;

// zstd contexts and scratch buffers, reused across wedges. Not thread-safe: one per thread.
// Every method throws CodecError on malformed input.
class LosslessWorkspace {
 public:
  LosslessWorkspace();
  ~LosslessWorkspace();
  LosslessWorkspace(const LosslessWorkspace&) = delete;
  LosslessWorkspace& operator=(const LosslessWorkspace&) = delete;

  std::vector<uint8_t> compress(const SparseWedge& wedge, int zstd_level);
  void decompress(const uint8_t* data, size_t size, WedgeShape shape, SparseWedge& out);
  // Dense C-order output, exactly shape.voxels() elements, zeros where no run lies.
  void decompress_dense(const uint8_t* data, size_t size, WedgeShape shape, float* dense, size_t dense_size);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Thread-safe forms (each thread reuses its own workspace). Throw CodecError on malformed input.
std::vector<uint8_t> lossless_compress(const SparseWedge& wedge, int zstd_level = kLosslessDefaultLevel);
SparseWedge lossless_decompress(const uint8_t* data, size_t size, WedgeShape shape);

class LosslessCodec final : public WedgeCodec {
 public:
  explicit LosslessCodec(int zstd_level = kLosslessDefaultLevel);
  ~LosslessCodec() override;
  const CodecDescriptor& descriptor() const override { return descriptor_; }
  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override;
  Reconstruction decode(const EncodedRecord& record) override;
  size_t preferred_batch() const override { return 16; }

  // Single-wedge form used by the ingest fallback path. Not thread-safe (reuses this codec's workspace).
  EncodedRecord encode_one(const SparseWedge& wedge);

 private:
  int zstd_level_;
  CodecDescriptor descriptor_;
  std::unique_ptr<LosslessWorkspace> workspace_;
};

}  // namespace daqz
