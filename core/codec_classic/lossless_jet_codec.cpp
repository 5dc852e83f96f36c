#include "codec_classic/lossless_jet_codec.h"

#include <zstd.h>

#include <cstring>

namespace daqz {

LosslessJetCodec::LosslessJetCodec(int zstd_level) : zstd_level_(zstd_level) {
  descriptor_.codec_id = kLosslessJetCodecId;
}

EncodedRecord LosslessJetCodec::encode(const JetBatch& b) {
  if (b.values.size() != size_t(b.n) * b.f) throw CodecError("jet-lossless: batch values do not match n x f");
  const size_t count = b.values.size();
  std::vector<uint8_t> shuffled(count * 4);
  const auto* src = reinterpret_cast<const uint8_t*>(b.values.data());
  for (size_t i = 0; i < count; ++i)
    for (size_t k = 0; k < 4; ++k) shuffled[k * count + i] = src[i * 4 + k];
  EncodedRecord r;
  r.codec_id = kLosslessJetCodecId;
  r.original_kind = PayloadKind::kJets;
  r.original_shape = {b.n, b.f};
  r.original_bytes = count * 4;
  r.params["schema_id"] = std::to_string(b.schema_id);
  r.bytes.resize(ZSTD_compressBound(shuffled.size()));
  const size_t n = ZSTD_compress(r.bytes.data(), r.bytes.size(), shuffled.data(), shuffled.size(), zstd_level_);
  if (ZSTD_isError(n)) throw CodecError(std::string("jet-lossless: zstd: ") + ZSTD_getErrorName(n));
  r.bytes.resize(n);
  return r;
}

JetBatch LosslessJetCodec::decode(const EncodedRecord& r) {
  if (r.codec_id != kLosslessJetCodecId || r.original_shape.size() != 2)
    throw CodecError("jet-lossless: record is not a jet-lossless jet batch");
  JetBatch b;
  b.n = r.original_shape[0];
  b.f = r.original_shape[1];
  auto it = r.params.find("schema_id");
  b.schema_id = it == r.params.end() ? 0 : uint32_t(std::stoul(it->second));
  const size_t count = size_t(b.n) * b.f;
  std::vector<uint8_t> shuffled(count * 4);
  const size_t got = ZSTD_decompress(shuffled.data(), shuffled.size(), r.bytes.data(), r.bytes.size());
  if (ZSTD_isError(got) || got != shuffled.size()) throw CodecError("jet-lossless: payload is corrupt");
  b.values.resize(count);
  auto* dst = reinterpret_cast<uint8_t*>(b.values.data());
  for (size_t i = 0; i < count; ++i)
    for (size_t k = 0; k < 4; ++k) dst[i * 4 + k] = shuffled[k * count + i];
  return b;
}

}  // namespace daqz
