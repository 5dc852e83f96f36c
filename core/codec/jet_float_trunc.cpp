#include "codec/jet_float_trunc.h"

#include <cstring>
#include <stdexcept>

#include "codec/jet_schema.h"
#include "base/varint.h"

namespace daqz {
namespace {

uint32_t float_bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
float bits_float(uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

int parse_bits(const std::string& key, const std::string& value) {
  size_t used = 0;
  int b = 0;
  try {
    b = std::stoi(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || b < kFloatTruncMinBits || b > kFloatTruncMaxBits)
    throw CodecError("float-trunc: parameter " + key + "='" + value + "' must be an integer in 5..23");
  return b;
}

// LSB-first bit writer/reader over a byte vector, 64-bit accumulator.
class BitWriter {
 public:
  explicit BitWriter(std::vector<uint8_t>& out) : out_(out) {}
  void put(uint32_t v, int width) {
    acc_ |= uint64_t(v) << fill_;
    fill_ += width;
    while (fill_ >= 8) {
      out_.push_back(uint8_t(acc_));
      acc_ >>= 8;
      fill_ -= 8;
    }
  }
  void flush() {
    if (fill_ > 0) out_.push_back(uint8_t(acc_));
    acc_ = 0;
    fill_ = 0;
  }

 private:
  std::vector<uint8_t>& out_;
  uint64_t acc_ = 0;
  int fill_ = 0;
};

class BitReader {
 public:
  BitReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  uint32_t get(int width) {
    while (fill_ < width) {
      if (p_ == end_) throw CodecError("float-trunc: packed stream is truncated");
      acc_ |= uint64_t(*p_++) << fill_;
      fill_ += 8;
    }
    const uint32_t v = uint32_t(acc_ & ((uint64_t(1) << width) - 1));
    acc_ >>= width;
    fill_ -= width;
    return v;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t acc_ = 0;
  int fill_ = 0;
};

}  // namespace

FloatTruncator::FloatTruncator(int mantissa_bits) : bits_(mantissa_bits) {
  if (mantissa_bits < kFloatTruncMinBits || mantissa_bits > kFloatTruncMaxBits)
    throw CodecError("float-trunc: kept mantissa bits must be in 5..23, got " + std::to_string(mantissa_bits));
  mask_ = ~((uint32_t(1) << (23 - bits_)) - 1);
  rounding_ = bits_ == 23 ? 0 : uint32_t(1) << (32 - (1 + 8 + bits_) - 1);
  vmax_ = (uint32_t(0x7f7) << 20) | (0x000fffffu ^ rounding_);
}

float FloatTruncator::operator()(float x) const { return bits_float(apply(float_bits(x))); }

float truncate_float(float x, int mantissa_bits) { return FloatTruncator(mantissa_bits)(x); }

void truncate_floats(const float* in, float* out, size_t n, int mantissa_bits) {
  const FloatTruncator t(mantissa_bits);
  for (size_t i = 0; i < n; ++i) out[i] = bits_float(t.apply(float_bits(in[i])));
}

size_t packed_bits_per_row(const std::vector<int>& bits) {
  size_t s = 0;
  for (int b : bits) s += size_t(9 + b);
  return s;
}

std::vector<uint8_t> pack_truncated(const float* values, size_t rows, const std::vector<int>& bits) {
  const size_t cols = bits.size();
  std::vector<FloatTruncator> trunc;
  for (int b : bits) trunc.emplace_back(b);
  std::vector<uint8_t> out;
  out.reserve(16 + cols + (rows * packed_bits_per_row(bits) + 7) / 8);
  out.push_back(1);
  put_varint(out, rows);
  put_varint(out, cols);
  for (int b : bits) out.push_back(uint8_t(b));
  std::vector<std::pair<uint64_t, uint32_t>> exceptions;
  BitWriter w(out);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const uint32_t t = trunc[c].apply(float_bits(values[r * cols + c]));
      const int drop = 23 - bits[c];
      if (drop > 0 && (t & ((uint32_t(1) << drop) - 1)) != 0) exceptions.emplace_back(r * cols + c, t);
      w.put(t >> drop, 9 + bits[c]);
    }
  }
  w.flush();
  put_varint(out, exceptions.size());
  for (const auto& [index, raw] : exceptions) {
    put_varint(out, index);
    for (int k = 0; k < 4; ++k) out.push_back(uint8_t(raw >> (8 * k)));
  }
  return out;
}

std::vector<float> unpack_truncated(const uint8_t* data, size_t size, size_t* rows_out, size_t* cols_out,
                                    std::vector<int>* bits_out) {
  try {
    if (size < 1 || data[0] != 1) throw CodecError("float-trunc: payload has an unknown format version");
    VarintReader in(data + 1, size - 1);
    const uint64_t rows = in.next(), cols = in.next();
    if (cols == 0 || cols > 4096 || rows > (uint64_t(1) << 32))
      throw CodecError("float-trunc: payload header is implausible (" + std::to_string(rows) + " x " +
                       std::to_string(cols) + ")");
    if (in.remaining() < cols) throw CodecError("float-trunc: payload header is truncated");
    std::vector<int> bits(cols);
    for (size_t c = 0; c < cols; ++c) {
      bits[c] = in.position()[c];
      if (bits[c] < kFloatTruncMinBits || bits[c] > kFloatTruncMaxBits)
        throw CodecError("float-trunc: payload has invalid kept bits " + std::to_string(bits[c]));
    }
    const uint8_t* packed = in.position() + cols;
    const size_t packed_bytes = (rows * packed_bits_per_row(bits) + 7) / 8;
    const size_t header = size_t(packed - data);
    if (size - header < packed_bytes) throw CodecError("float-trunc: packed stream is truncated");
    std::vector<float> out(rows * cols);
    BitReader br(packed, packed_bytes);
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) out[r * cols + c] = bits_float(br.get(9 + bits[c]) << (23 - bits[c]));
    const uint8_t* p = packed + packed_bytes;
    const uint8_t* const end = data + size;
    auto next_varint = [&]() {
      VarintReader v(p, size_t(end - p));
      const uint64_t x = v.next();
      p = v.position();
      return x;
    };
    const uint64_t n_exc = next_varint();
    if (n_exc > out.size()) throw CodecError("float-trunc: exception count exceeds the value count");
    for (uint64_t k = 0; k < n_exc; ++k) {
      const uint64_t index = next_varint();
      if (index >= out.size() || end - p < 4) throw CodecError("float-trunc: exception list is corrupt");
      out[index] = bits_float(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
      p += 4;
    }
    if (p != end) throw CodecError("float-trunc: payload has trailing bytes");
    *rows_out = rows;
    *cols_out = cols;
    if (bits_out) *bits_out = bits;
    return out;
  } catch (const std::out_of_range& e) {
    throw CodecError(std::string("float-trunc: payload is malformed: ") + e.what());
  }
}

std::vector<int> float_trunc_bits(uint32_t schema_id, size_t cols, const std::map<std::string, std::string>& params) {
  int dflt = 10, kinematic = 23;
  for (const auto& [k, v] : params) {
    if (k == "bits") dflt = parse_bits(k, v);
    else if (k == "kinematic_bits") kinematic = parse_bits(k, v);
  }
  if (schema_id == kJetSchemaUnknown) {
    for (const auto& [k, v] : params)
      if (k.rfind("bits.", 0) == 0)
        throw CodecError("float-trunc: per-variable bits need a known jet schema ('" + k + "')");
    return std::vector<int>(cols, dflt);
  }
  const JetSchema& s = jet_schema(schema_id);
  std::vector<int> bits(s.size(), dflt);
  for (size_t c = 0; c < s.size(); ++c) {
    const std::string name = s.variable(c).name;
    if (name == "pt" || name == "eta" || name == "phi" || name == "m") bits[c] = kinematic;
  }
  for (const auto& [k, v] : params) {
    if (k.rfind("bits.", 0) != 0) continue;
    const int col = s.index_of(k.substr(5));
    if (col < 0) throw CodecError("float-trunc: parameter '" + k + "' names no variable of schema " + s.name);
    bits[col] = parse_bits(k, v);
  }
  return bits;
}

FloatTruncCodec::FloatTruncCodec(std::map<std::string, std::string> params) : params_(std::move(params)) {
  for (const auto& [k, v] : params_)
    if (k != "bits" && k != "kinematic_bits" && k.rfind("bits.", 0) != 0)
      throw CodecError("float-trunc: unknown parameter '" + k + "' (known: bits, kinematic_bits, bits.<variable>)");
  float_trunc_bits(kJetSchemaTla27, 27, params_);  // validates values early
  descriptor_.codec_id = kFloatTruncCodecId;
}

EncodedRecord FloatTruncCodec::encode(const JetBatch& batch) {
  try {
    validate_jet_batch(batch);
  } catch (const std::invalid_argument& e) {
    throw CodecError(std::string("float-trunc: ") + e.what());
  }
  const std::vector<int> bits = float_trunc_bits(batch.schema_id, batch.f, params_);
  EncodedRecord r;
  r.codec_id = kFloatTruncCodecId;
  r.original_kind = PayloadKind::kJets;
  r.original_shape = {batch.n, batch.f};
  r.original_bytes = uint64_t(batch.n) * batch.f * sizeof(float);
  r.params["schema_id"] = std::to_string(batch.schema_id);
  std::string list;
  for (int b : bits) list += (list.empty() ? "" : ",") + std::to_string(b);
  r.params["bits"] = list;
  r.bytes = pack_truncated(batch.values.data(), batch.n, bits);
  return r;
}

JetBatch FloatTruncCodec::decode(const EncodedRecord& record) {
  if (record.codec_id != kFloatTruncCodecId)
    throw CodecError("float-trunc: cannot decode a record of codec '" + record.codec_id + "'");
  size_t rows = 0, cols = 0;
  JetBatch b;
  b.values = unpack_truncated(record.bytes.data(), record.bytes.size(), &rows, &cols, nullptr);
  if (record.original_shape.size() == 2 && (record.original_shape[0] != rows || record.original_shape[1] != cols))
    throw CodecError("float-trunc: payload holds " + std::to_string(rows) + " x " + std::to_string(cols) +
                     " values, the record says " + std::to_string(record.original_shape[0]) + " x " +
                     std::to_string(record.original_shape[1]));
  b.n = uint32_t(rows);
  b.f = uint32_t(cols);
  auto it = record.params.find("schema_id");
  b.schema_id = it == record.params.end() ? kJetSchemaUnknown : uint32_t(std::stoul(it->second));
  return b;
}

}  // namespace daqz
