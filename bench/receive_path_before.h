// Frozen copies of the receive path's per-byte code as it was before the tight loops (daqz commit
// 737d600), kept only so bench_receive_path_bench can time "before" and "after" side by side in the same
// run. Not used by any production code. The CRC32C "before" implementations stay in the library itself
// (util/crc32c_variants.h: extend_bytewise, extend_sse42).
#pragma once

#include <zstd.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "base/varint.h"
#include "base/wedge.h"
#include "wire/validation.h"

namespace daqz::before {

// wire/wedge_payload.cpp: builds a message string per run and pushes value by value.
inline SparseWedge parse_wedge_payload(const uint8_t* data, size_t size, WedgeShape shape) {
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

// codec/lossless_codec.cpp: a ZSTD_CCtx per call, output sized to the bound.
inline std::vector<uint8_t> lossless_compress(const SparseWedge& w, int zstd_level) {
  std::vector<uint8_t> raw;
  raw.reserve(w.runs.size() * 3 + w.values.size() * 2 + 16);
  put_varint(raw, w.runs.size());
  put_varint(raw, w.values.size());
  uint32_t prev_pad = 0, prev_end = 0;
  for (const PadRun& r : w.runs) {
    if (r.length == 0 || r.pad < prev_pad || (r.pad == prev_pad && r.t_start < prev_end))
      throw CodecError("lossless: runs are not sorted, non-overlapping and non-empty");
    const bool same_pad = r.pad == prev_pad;
    put_varint(raw, r.pad - prev_pad);
    put_varint(raw, same_pad ? r.t_start - prev_end : r.t_start);
    put_varint(raw, r.length - 1u);
    prev_pad = r.pad;
    prev_end = r.t_start + r.length;
  }
  const size_t n = w.values.size();
  const size_t lo_at = raw.size();
  raw.resize(lo_at + n + (n + 3) / 4, 0);
  uint8_t* lo = raw.data() + lo_at;
  uint8_t* hi = lo + n;
  for (size_t i = 0; i < n; ++i) {
    const uint16_t v = w.values[i];
    if (v <= kZeroSuppressionThreshold || v > kAdcMax)
      throw CodecError("lossless: value " + std::to_string(v) + " outside the 10-bit ZS range 65..1023");
    const uint16_t d = uint16_t(v - (kZeroSuppressionThreshold + 1));
    lo[i] = uint8_t(d & 0xFF);
    hi[i / 4] |= uint8_t((d >> 8) << (2 * (i % 4)));
  }
  std::vector<uint8_t> out(ZSTD_compressBound(raw.size()));
  // A content checksum (4 bytes) makes a corrupted record fail to decode instead of decoding
  // into a different, valid-looking wedge.
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, zstd_level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  const size_t written = ZSTD_compress2(cctx.get(), out.data(), out.size(), raw.data(), raw.size());
  if (ZSTD_isError(written)) throw CodecError(std::string("lossless: zstd: ") + ZSTD_getErrorName(written));
  out.resize(written);
  return out;
}

inline SparseWedge parse_compact(const std::vector<uint8_t>& raw, WedgeShape shape) {
  VarintReader in(raw.data(), raw.size());
  SparseWedge w;
  w.shape = shape;
  const uint64_t runs = in.next(), values = in.next();
  if (runs > shape.voxels() || values > shape.voxels())
    throw CodecError("lossless: run or value count exceeds the wedge shape " + shape.str());
  w.runs.resize(runs);
  uint32_t pad = 0, end = 0;
  uint64_t covered = 0;
  for (auto& r : w.runs) {
    const uint64_t dpad = in.next(), dt = in.next(), len = in.next() + 1;
    const bool same_pad = dpad == 0;
    pad += uint32_t(dpad);
    const uint64_t t = same_pad ? end + dt : dt;
    if (pad >= shape.pads() || t + len > shape.time)
      throw CodecError("lossless: run lies outside the wedge shape " + shape.str());
    r = PadRun{uint16_t(pad), uint16_t(t), uint16_t(len)};
    end = uint32_t(t + len);
    covered += len;
  }
  if (covered != values) throw CodecError("lossless: runs cover " + std::to_string(covered) +
                                          " values, header says " + std::to_string(values));
  const size_t n = values;
  if (in.remaining() != n + (n + 3) / 4) throw CodecError("lossless: value planes have the wrong size");
  const uint8_t* lo = in.position();
  const uint8_t* hi = lo + n;
  w.values.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint16_t d = uint16_t(lo[i] | (((hi[i / 4] >> (2 * (i % 4))) & 3) << 8));
    if (d > kAdcMax - (kZeroSuppressionThreshold + 1))
      throw CodecError("lossless: decoded ADC " + std::to_string(d + kZeroSuppressionThreshold + 1) + " exceeds 1023");
    w.values[i] = uint16_t(d + kZeroSuppressionThreshold + 1);
  }
  return w;
}

// ZSTD_decompress (a DCtx per call) into a fresh buffer, then a SparseWedge.
inline SparseWedge lossless_decompress(const uint8_t* data, size_t size, WedgeShape shape) {
  const unsigned long long raw_size = ZSTD_getFrameContentSize(data, size);
  if (raw_size == ZSTD_CONTENTSIZE_ERROR || raw_size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw CodecError("lossless: payload is not a zstd frame");
  // Bound: runs and values can't exceed voxels; guards against a forged content size.
  if (raw_size > shape.voxels() * 8 + 64) throw CodecError("lossless: payload claims an impossible size");
  std::vector<uint8_t> raw(raw_size);
  const size_t got = ZSTD_decompress(raw.data(), raw.size(), data, size);
  if (ZSTD_isError(got) || got != raw_size) throw CodecError("lossless: zstd frame is corrupt");

  try {
    return parse_compact(raw, shape);
  } catch (const std::out_of_range& e) {
    throw CodecError(std::string("lossless: compact stream is malformed: ") + e.what());
  }
}

// LosslessCodec::decode: SparseWedge -> DenseWedge -> float vector.
inline std::vector<float> lossless_decode_dense(const std::vector<uint8_t>& bytes, WedgeShape shape) {
  const DenseWedge dense = to_dense(before::lossless_decompress(bytes.data(), bytes.size(), shape));
  return std::vector<float>(dense.adc.begin(), dense.adc.end());
}

}  // namespace daqz::before
