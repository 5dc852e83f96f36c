#include "codec_classic/lossless_codec.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "base/varint.h"  // put_varint for the two counts
#include "wire/wedge_payload.h"

namespace daqz {
namespace {

constexpr uint16_t kValueOffset = kZeroSuppressionThreshold + 1;  // 65: stored values are adc - 65
constexpr uint16_t kMaxStored = kAdcMax - kValueOffset;           // 958

// ---- wedge -> compact stream --------------------------------------------------------------------
//
// ~10,000 runs and ~58,000 values per wedge: the stream is written through a raw pointer into a buffer
// sized for the worst case (run fields are 16-bit, so each varint takes at most 3 bytes), and read back
// with a one-byte fast path, since nearly every varint of a wedge is a single byte.

constexpr size_t kMaxRunBytes = 3 * 3;  // three varints of 16-bit values

inline uint8_t* put_small_varint(uint8_t* p, uint32_t v) {
  while (v >= 0x80) {
    *p++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *p++ = uint8_t(v);
  return p;
}

void put_runs(const SparseWedge& w, std::vector<uint8_t>& raw) {
  put_varint(raw, w.runs.size());
  put_varint(raw, w.values.size());
  const size_t start = raw.size();
  raw.resize(start + w.runs.size() * kMaxRunBytes);
  uint8_t* p = raw.data() + start;
  uint32_t prev_pad = 0, prev_end = 0;
  size_t covered = 0;
  for (const PadRun& r : w.runs) {
    if (r.length == 0 || r.pad < prev_pad || (r.pad == prev_pad && r.t_start < prev_end))
      throw CodecError("lossless: runs are not sorted, non-overlapping and non-empty");
    const bool same_pad = r.pad == prev_pad;
    p = put_small_varint(p, r.pad - prev_pad);
    p = put_small_varint(p, same_pad ? r.t_start - prev_end : r.t_start);
    p = put_small_varint(p, r.length - 1u);
    prev_pad = r.pad;
    prev_end = r.t_start + r.length;
    covered += r.length;
  }
  raw.resize(size_t(p - raw.data()));
  if (covered != w.values.size())
    throw CodecError("lossless: runs cover " + std::to_string(covered) + " values, the wedge holds " +
                     std::to_string(w.values.size()));
}

// Low bytes, then the high 2 bits packed 4 per byte; branch-free so the compiler vectorises it.
void put_value_planes(const std::vector<uint16_t>& values, std::vector<uint8_t>& raw) {
  const size_t n = values.size();
  const size_t lo_at = raw.size();
  raw.resize(lo_at + n + (n + 3) / 4);
  uint8_t* lo = raw.data() + lo_at;
  uint8_t* hi = lo + n;
  const uint16_t* v = values.data();
  unsigned out_of_range = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint16_t d = uint16_t(v[i] - kValueOffset);  // wraps for v <= 64
    out_of_range |= unsigned(d > kMaxStored);
    lo[i] = uint8_t(d);
  }
  if (out_of_range) {
    const auto bad = std::find_if(values.begin(), values.end(),
                                  [](uint16_t x) { return x <= kZeroSuppressionThreshold || x > kAdcMax; });
    throw CodecError("lossless: value " + std::to_string(*bad) + " outside the 10-bit ZS range 65..1023");
  }
  const size_t whole = n / 4;
  for (size_t j = 0; j < whole; ++j) {
    const uint16_t* q = v + 4 * j;
    hi[j] = uint8_t(((q[0] - kValueOffset) >> 8) | (((q[1] - kValueOffset) >> 8) << 2) |
                    (((q[2] - kValueOffset) >> 8) << 4) | (((q[3] - kValueOffset) >> 8) << 6));
  }
  if (n % 4) {
    uint8_t last = 0;
    for (size_t i = 4 * whole; i < n; ++i) last |= uint8_t(((v[i] - kValueOffset) >> 8) << (2 * (i % 4)));
    hi[whole] = last;
  }
}

// ---- compact stream -> runs and values ----------------------------------------------------------

[[noreturn]] __attribute__((cold, noinline)) void reject_stream(const std::string& what) {
  throw CodecError("lossless: " + what);
}

// LEB128 reads that never run past the end (throwing CodecError), fast for one-byte values.
class StreamReader {
 public:
  StreamReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  uint64_t next() {
    if (__builtin_expect(p_ != end_ && *p_ < 0x80, 1)) return *p_++;
    return next_long();
  }
  const uint8_t* position() const { return p_; }
  size_t remaining() const { return size_t(end_ - p_); }

 private:
  __attribute__((noinline)) uint64_t next_long() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) reject_stream("compact stream is malformed: varint: input is truncated");
      const uint8_t b = *p_++;
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    reject_stream("compact stream is malformed: varint: value is longer than 64 bits");
  }
  const uint8_t* p_;
  const uint8_t* end_;
};

// Parses and checks the run list into `runs`, then expands the value planes into `values` (both
// reused); throws CodecError for anything malformed or out of range.
void parse_compact(const uint8_t* raw, size_t size, WedgeShape shape, std::vector<PadRun>& runs,
                   std::vector<uint16_t>& values) {
  StreamReader in(raw, size);
  const uint64_t run_count = in.next(), value_count = in.next();
  if (run_count > shape.voxels() || value_count > shape.voxels())
    reject_stream("run or value count exceeds the wedge shape " + shape.str());
  runs.resize(run_count);
  uint32_t pad = 0, end = 0;
  uint64_t covered = 0;
  for (PadRun& r : runs) {
    const uint64_t dpad = in.next(), dt = in.next(), len = in.next() + 1;
    const bool same_pad = dpad == 0;
    if (dpad >= shape.pads()) reject_stream("run lies outside the wedge shape " + shape.str());
    pad += uint32_t(dpad);
    const uint64_t t = same_pad ? end + dt : dt;
    if (pad >= shape.pads() || t + len > shape.time) reject_stream("run lies outside the wedge shape " + shape.str());
    r = PadRun{uint16_t(pad), uint16_t(t), uint16_t(len)};
    end = uint32_t(t + len);
    covered += len;
  }
  if (covered != value_count)
    reject_stream("runs cover " + std::to_string(covered) + " values, header says " + std::to_string(value_count));
  const size_t n = value_count;
  if (in.remaining() != n + (n + 3) / 4) reject_stream("value planes have the wrong size");
  const uint8_t* lo = in.position();
  const uint8_t* hi = lo + n;
  values.resize(n);
  uint16_t* v = values.data();
  unsigned too_big = 0;  // the planes can express 65..1088: above 1023 is a forged or corrupt record
  const size_t whole = n / 4;
  for (size_t j = 0; j < whole; ++j) {
    const unsigned h = hi[j];
    for (unsigned k = 0; k < 4; ++k) {
      const unsigned d = lo[4 * j + k] | (((h >> (2 * k)) & 3u) << 8);
      too_big |= unsigned(d > kMaxStored);
      v[4 * j + k] = uint16_t(d + kValueOffset);
    }
  }
  for (size_t i = 4 * whole; i < n; ++i) {
    const unsigned d = lo[i] | (((hi[i / 4] >> (2 * (i % 4))) & 3u) << 8);
    too_big |= unsigned(d > kMaxStored);
    v[i] = uint16_t(d + kValueOffset);
  }
  if (too_big) {
    const auto bad = std::find_if(values.begin(), values.end(), [](uint16_t x) { return x > kAdcMax; });
    reject_stream("decoded ADC " + std::to_string(*bad) + " exceeds 1023");
  }
}

}  // namespace

// ---- workspace ----------------------------------------------------------------------------------

struct LosslessWorkspace::Impl {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx{ZSTD_createCCtx(), ZSTD_freeCCtx};
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx{ZSTD_createDCtx(), ZSTD_freeDCtx};
  bool level_set = false;  // cctx's compression level is `level`
  int level = 0;
  std::vector<uint8_t> raw;         // compact stream
  std::vector<uint8_t> compressed;  // zstd output before it is copied to its exact size
  SparseWedge wedge;                // decoded runs and values, reused

  Impl() {
    if (!cctx || !dctx) throw CodecError("lossless: cannot allocate zstd contexts", /*retryable=*/true);
    // A content checksum (4 bytes) makes a corrupted record fail to decode instead of decoding
    // into a different, valid-looking wedge.
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  }

  // Decompresses into `raw`; returns the compact stream's size.
  size_t inflate(const uint8_t* data, size_t size, WedgeShape shape) {
    const unsigned long long raw_size = ZSTD_getFrameContentSize(data, size);
    if (raw_size == ZSTD_CONTENTSIZE_ERROR || raw_size == ZSTD_CONTENTSIZE_UNKNOWN)
      throw CodecError("lossless: payload is not a zstd frame");
    // Bound: runs and values can't exceed voxels; guards against a forged content size.
    if (raw_size > shape.voxels() * 8 + 64) throw CodecError("lossless: payload claims an impossible size");
    if (raw.size() < raw_size) raw.resize(raw_size);
    const size_t got = ZSTD_decompressDCtx(dctx.get(), raw.data(), raw_size, data, size);
    if (ZSTD_isError(got) || got != raw_size) throw CodecError("lossless: zstd frame is corrupt");
    return size_t(raw_size);
  }
};

LosslessWorkspace::LosslessWorkspace() : impl_(std::make_unique<Impl>()) {}
LosslessWorkspace::~LosslessWorkspace() = default;

std::vector<uint8_t> LosslessWorkspace::compress(const SparseWedge& w, int zstd_level) {
  Impl& s = *impl_;
  s.raw.clear();
  put_runs(w, s.raw);
  put_value_planes(w.values, s.raw);
  if (!s.level_set || zstd_level != s.level) {
    const size_t rc = ZSTD_CCtx_setParameter(s.cctx.get(), ZSTD_c_compressionLevel, zstd_level);
    if (ZSTD_isError(rc)) throw CodecError(std::string("lossless: zstd level: ") + ZSTD_getErrorName(rc));
    s.level = zstd_level;
    s.level_set = true;
  }
  s.compressed.resize(ZSTD_compressBound(s.raw.size()));
  const size_t written = ZSTD_compress2(s.cctx.get(), s.compressed.data(), s.compressed.size(), s.raw.data(), s.raw.size());
  if (ZSTD_isError(written)) throw CodecError(std::string("lossless: zstd: ") + ZSTD_getErrorName(written));
  // Records wait in queues and replay buffers: give each one exactly its size, not the bound.
  return std::vector<uint8_t>(s.compressed.begin(), s.compressed.begin() + long(written));
}

void LosslessWorkspace::decompress(const uint8_t* data, size_t size, WedgeShape shape, SparseWedge& out) {
  Impl& s = *impl_;
  const size_t raw_size = s.inflate(data, size, shape);
  out.shape = shape;
  parse_compact(s.raw.data(), raw_size, shape, out.runs, out.values);
}

void LosslessWorkspace::decompress_dense(const uint8_t* data, size_t size, WedgeShape shape, float* dense,
                                         size_t dense_size) {
  if (dense_size != shape.voxels())
    throw std::invalid_argument("lossless: dense buffer holds " + std::to_string(dense_size) + " values, shape " +
                                shape.str() + " needs " + std::to_string(shape.voxels()));
  Impl& s = *impl_;
  const size_t raw_size = s.inflate(data, size, shape);
  s.wedge.shape = shape;
  parse_compact(s.raw.data(), raw_size, shape, s.wedge.runs, s.wedge.values);
  to_dense_into(s.wedge, dense, dense_size);  // checked runs: cannot throw here
}

// ---- free functions -----------------------------------------------------------------------------

namespace {
LosslessWorkspace& thread_workspace() {
  thread_local LosslessWorkspace workspace;
  return workspace;
}
}  // namespace

std::vector<uint8_t> lossless_compress(const SparseWedge& wedge, int zstd_level) {
  return thread_workspace().compress(wedge, zstd_level);
}

SparseWedge lossless_decompress(const uint8_t* data, size_t size, WedgeShape shape) {
  SparseWedge w;
  thread_workspace().decompress(data, size, shape, w);
  return w;
}

// ---- codec --------------------------------------------------------------------------------------

LosslessCodec::LosslessCodec(int zstd_level)
    : zstd_level_(zstd_level), workspace_(std::make_unique<LosslessWorkspace>()) {
  if (zstd_level < ZSTD_minCLevel() || zstd_level > ZSTD_maxCLevel())
    throw CodecError("lossless: zstd level " + std::to_string(zstd_level) + " outside " +
                     std::to_string(ZSTD_minCLevel()) + ".." + std::to_string(ZSTD_maxCLevel()));
  descriptor_.codec_id = kLosslessCodecId;
}

LosslessCodec::~LosslessCodec() = default;

EncodedRecord LosslessCodec::encode_one(const SparseWedge& wedge) {
  EncodedRecord r;
  r.codec_id = kLosslessCodecId;
  r.original_kind = PayloadKind::kWedge;
  r.original_shape = {wedge.shape.azimuth, wedge.shape.time, wedge.shape.layer};
  r.original_bytes = wedge_payload_size(wedge);
  r.params["zstd_level"] = std::to_string(zstd_level_);
  r.bytes = workspace_->compress(wedge, zstd_level_);
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
  Reconstruction r;
  r.shape = shape;
  r.adc.resize(shape.voxels());
  workspace_->decompress_dense(record.bytes.data(), record.bytes.size(), shape, r.adc.data(), r.adc.size());
  return r;
}

}  // namespace daqz
