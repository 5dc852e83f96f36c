#include "codec_classic/zfp_codec.h"

#include <zfp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>

#include "wire/wedge_payload.h"

namespace daqz {
namespace {

// RAII owners of the libzfp C objects.
struct StreamCloser {
  void operator()(zfp_stream* s) const { zfp_stream_close(s); }
};
struct BitstreamCloser {
  void operator()(bitstream* b) const { stream_close(b); }
};
struct FieldFreer {
  void operator()(zfp_field* f) const { zfp_field_free(f); }
};
using StreamPtr = std::unique_ptr<zfp_stream, StreamCloser>;
using BitstreamPtr = std::unique_ptr<bitstream, BitstreamCloser>;
using FieldPtr = std::unique_ptr<zfp_field, FieldFreer>;

// Bytes of zeroed slack after a payload: the bit reader fetches whole 64-bit words.
constexpr size_t kReadSlack = 64;
// log2(kAdcMax + 1): the largest value of the log domain.
constexpr float kLogAdcMax = 10.0f;

double parse_double(const std::string& key, const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return v;
  } catch (const std::exception&) {
    throw CodecError("zfp: parameter '" + key + "' must be a number, got '" + text + "'");
  }
}

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::vector<float> dense_floats(const SparseWedge& w, ZfpSettings::Domain domain) {
  std::vector<float> out(w.shape.voxels(), 0.0f);
  size_t k = 0;
  for (const PadRun& r : w.runs) {
    const uint32_t a = r.pad / w.shape.layer, l = r.pad % w.shape.layer;
    if (a >= w.shape.azimuth || uint32_t(r.t_start) + r.length > w.shape.time || k + r.length > w.values.size())
      throw CodecError("zfp: run (pad " + std::to_string(r.pad) + ", t " + std::to_string(r.t_start) +
                       ") lies outside the wedge shape " + w.shape.str() + " or its values");
    for (uint32_t t = r.t_start; t < uint32_t(r.t_start) + r.length; ++t) {
      const float x = float(w.values[k++]);
      out[(size_t(a) * w.shape.time + t) * w.shape.layer + l] =
          domain == ZfpSettings::Domain::kLog ? std::log2(x + 1.0f) : x;
    }
  }
  return out;
}

}  // namespace

ZfpSettings ZfpSettings::from_params(const std::map<std::string, std::string>& params) {
  ZfpSettings s;
  for (const auto& [key, value] : params) {
    if (key == "mode") {
      if (value == "accuracy") s.mode = Mode::kAccuracy;
      else if (value == "rate") s.mode = Mode::kRate;
      else throw CodecError("zfp: mode must be 'accuracy' or 'rate', got '" + value + "'");
    } else if (key == "tolerance") {
      s.tolerance = parse_double(key, value);
      if (!(s.tolerance > 0)) throw CodecError("zfp: tolerance must be > 0, got " + value);
    } else if (key == "rate") {
      s.rate = parse_double(key, value);
      if (!(s.rate > 0 && s.rate <= 32)) throw CodecError("zfp: rate must be in (0, 32] bits/voxel, got " + value);
    } else if (key == "post_threshold") {
      s.post_threshold = float(parse_double(key, value));
      if (!(s.post_threshold >= 0)) throw CodecError("zfp: post_threshold must be >= 0, got " + value);
    } else if (key == "domain") {
      if (value == "adc") s.domain = Domain::kAdc;
      else if (value == "log") s.domain = Domain::kLog;
      else throw CodecError("zfp: domain must be 'adc' or 'log', got '" + value + "'");
    } else {
      throw CodecError("zfp: unknown parameter '" + key +
                       "'; known: mode, tolerance, rate, post_threshold, domain");
    }
  }
  return s;
}

std::map<std::string, std::string> ZfpSettings::to_params() const {
  std::map<std::string, std::string> p;
  p["mode"] = mode == Mode::kAccuracy ? "accuracy" : "rate";
  if (mode == Mode::kAccuracy) p["tolerance"] = format_number(tolerance);
  else p["rate"] = format_number(rate);
  p["post_threshold"] = format_number(post_threshold);
  p["domain"] = domain == Domain::kAdc ? "adc" : "log";
  return p;
}

std::string ZfpSettings::label() const {
  std::string s = "zfp:mode=";
  s += mode == Mode::kAccuracy ? "accuracy,tolerance=" + format_number(tolerance)
                               : "rate,rate=" + format_number(rate);
  if (post_threshold > 0) s += ",post_threshold=" + format_number(post_threshold);
  if (domain == Domain::kLog) s += ",domain=log";
  return s;
}

ZfpCodec::ZfpCodec(ZfpSettings settings) : settings_(settings) { descriptor_.codec_id = kZfpCodecId; }

EncodedRecord ZfpCodec::encode_one(const SparseWedge& wedge) const {
  const WedgeShape shape = wedge.shape;
  std::vector<float> values = dense_floats(wedge, settings_.domain);
  // zfp's x axis is the fastest-varying one: (x, y, z) = (layer, time, azimuth) of the C-order wedge.
  FieldPtr field(zfp_field_3d(values.data(), zfp_type_float, shape.layer, shape.time, shape.azimuth));
  StreamPtr zs(zfp_stream_open(nullptr));
  if (!field || !zs) throw CodecError("zfp: cannot allocate a stream", true);
  if (settings_.mode == ZfpSettings::Mode::kAccuracy)
    zfp_stream_set_accuracy(zs.get(), settings_.tolerance);
  else
    zfp_stream_set_rate(zs.get(), settings_.rate, zfp_type_float, 3, zfp_false);

  const size_t capacity = zfp_stream_maximum_size(zs.get(), field.get());
  std::vector<uint8_t> buffer(capacity);
  BitstreamPtr bits(stream_open(buffer.data(), buffer.size()));
  zfp_stream_set_bit_stream(zs.get(), bits.get());
  zfp_stream_rewind(zs.get());
  if (!zfp_write_header(zs.get(), field.get(), ZFP_HEADER_FULL)) throw CodecError("zfp: cannot write the header");
  if (!zfp_compress(zs.get(), field.get())) throw CodecError("zfp: compression failed for " + shape.str());
  buffer.resize(zfp_stream_compressed_size(zs.get()));

  EncodedRecord r;
  r.codec_id = kZfpCodecId;
  r.original_kind = PayloadKind::kWedge;
  r.original_shape = {shape.azimuth, shape.time, shape.layer};
  r.original_bytes = wedge_payload_size(wedge);
  r.params = settings_.to_params();
  r.bytes = std::move(buffer);
  return r;
}

std::vector<EncodedRecord> ZfpCodec::encode(const std::vector<const SparseWedge*>& batch) {
  std::vector<EncodedRecord> out;
  out.reserve(batch.size());
  for (const SparseWedge* w : batch) out.push_back(encode_one(*w));
  return out;
}

Reconstruction ZfpCodec::decode(const EncodedRecord& record) {
  if (record.codec_id != kZfpCodecId)
    throw CodecError("zfp: cannot decode a record of codec '" + record.codec_id + "'");
  if (record.original_shape.size() != 3) throw CodecError("zfp: record lacks a wedge shape");
  const WedgeShape shape{record.original_shape[0], record.original_shape[1], record.original_shape[2]};
  if (shape.voxels() == 0 || shape.voxels() > (size_t(1) << 28))
    throw CodecError("zfp: record has an implausible wedge shape " + shape.str());
  const ZfpSettings settings = ZfpSettings::from_params(record.params);

  // Read the header from a zero-padded copy (word-aligned: the bit reader works in 64-bit words).
  std::vector<uint64_t> words((record.bytes.size() + kReadSlack + 7) / 8, 0);
  std::memcpy(words.data(), record.bytes.data(), record.bytes.size());
  StreamPtr zs(zfp_stream_open(nullptr));
  FieldPtr field(zfp_field_alloc());
  if (!zs || !field) throw CodecError("zfp: cannot allocate a stream", true);
  BitstreamPtr bits(stream_open(words.data(), words.size() * 8));
  zfp_stream_set_bit_stream(zs.get(), bits.get());
  zfp_stream_rewind(zs.get());
  if (!zfp_read_header(zs.get(), field.get(), ZFP_HEADER_FULL))
    throw CodecError("zfp: payload does not start with a valid ZFP header");
  size_t nx = 0, ny = 0, nz = 0;
  size_t dims[4] = {0, 0, 0, 0};
  zfp_field_size(field.get(), dims);
  nx = dims[0], ny = dims[1], nz = dims[2];
  if (zfp_field_type(field.get()) != zfp_type_float || zfp_field_dimensionality(field.get()) != 3 ||
      nx != shape.layer || ny != shape.time || nz != shape.azimuth)
    throw CodecError("zfp: header describes a field that is not a float wedge of shape " + shape.str());

  // Worst case the decoder can consume for this mode; pad to it so corrupt bits stay in bounds.
  const size_t header_bytes = (stream_rtell(bits.get()) + 7) / 8;
  const size_t bound = zfp_stream_maximum_size(zs.get(), field.get()) + header_bytes + kReadSlack;
  if (words.size() * 8 < bound) {
    const size_t consumed_bits = stream_rtell(bits.get());
    words.resize((bound + 7) / 8, 0);
    bits.reset(stream_open(words.data(), words.size() * 8));
    zfp_stream_set_bit_stream(zs.get(), bits.get());
    zfp_stream_rewind(zs.get());
    stream_rseek(bits.get(), consumed_bits);
  }

  Reconstruction r;
  r.shape = shape;
  r.adc.assign(shape.voxels(), 0.0f);
  zfp_field_set_pointer(field.get(), r.adc.data());
  const size_t used = zfp_decompress(zs.get(), field.get());
  if (used == 0) throw CodecError("zfp: decompression failed");
  if (used > record.bytes.size())
    throw CodecError("zfp: payload is truncated (" + std::to_string(record.bytes.size()) + " bytes, stream needs " +
                     std::to_string(used) + ")");

  const bool log_domain = settings.domain == ZfpSettings::Domain::kLog;
  const float cut = settings.post_threshold;
  for (float& v : r.adc) {
    // Log domain: clamp to the 10-bit range first, or a small error at a large value explodes.
    if (log_domain) v = std::exp2(std::clamp(v, 0.0f, kLogAdcMax)) - 1.0f;
    if (!std::isfinite(v)) throw CodecError("zfp: decoded a non-finite value (corrupt payload)");
    if (cut > 0 && v < cut) v = 0.0f;
  }
  return r;
}

std::unique_ptr<WedgeCodec> make_zfp_codec(const CodecOptions& options) {
  return std::make_unique<ZfpCodec>(ZfpSettings::from_params(options.params));
}

}  // namespace daqz
