#include "codec_classic/lossless_codec.h"

#include <zstd.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "base/varint.h"
#include "wire/wedge_payload.h"

namespace daqz {
namespace {
SparseWedge parse_compact(const std::vector<uint8_t>& raw, WedgeShape shape);
}  // namespace

std::vector<uint8_t> lossless_compress(const SparseWedge& w, int zstd_level) {
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

SparseWedge lossless_decompress(const uint8_t* data, size_t size, WedgeShape shape) {
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

namespace {
SparseWedge parse_compact(const std::vector<uint8_t>& raw, WedgeShape shape) {
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
}  // namespace

LosslessCodec::LosslessCodec(int zstd_level) : zstd_level_(zstd_level) {
  descriptor_.codec_id = kLosslessCodecId;
}

EncodedRecord LosslessCodec::encode_one(const SparseWedge& wedge) const {
  EncodedRecord r;
  r.codec_id = kLosslessCodecId;
  r.original_kind = PayloadKind::kWedge;
  r.original_shape = {wedge.shape.azimuth, wedge.shape.time, wedge.shape.layer};
  r.original_bytes = wedge_payload_size(wedge);
  r.params["zstd_level"] = std::to_string(zstd_level_);
  r.bytes = lossless_compress(wedge, zstd_level_);
  return r;
}

std::vector<EncodedRecord> LosslessCodec::encode(const std::vector<const SparseWedge*>& batch) {
  std::vector<EncodedRecord> out;
  out.reserve(batch.size());
  for (const SparseWedge* w : batch) out.push_back(encode_one(*w));
  return out;
}

Reconstruction LosslessCodec::decode(const EncodedRecord& record) {
  if (record.codec_id != kLosslessCodecId)
    throw CodecError("lossless: cannot decode a record of codec '" + record.codec_id + "'");
  if (record.original_shape.size() != 3) throw CodecError("lossless: record lacks a wedge shape");
  const WedgeShape shape{record.original_shape[0], record.original_shape[1], record.original_shape[2]};
  const DenseWedge dense = to_dense(lossless_decompress(record.bytes.data(), record.bytes.size(), shape));
  Reconstruction r;
  r.shape = shape;
  r.adc.assign(dense.adc.begin(), dense.adc.end());
  return r;
}

}  // namespace daqz
