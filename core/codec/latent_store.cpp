#include "codec/latent_store.h"

#include <filesystem>

#include "codec/latent_coder.h"
#include "base/sha256.h"

namespace daqz {

std::optional<uint32_t> parse_bits_param(const std::string& value) {
  if (value == kFp16Bits) return std::nullopt;
  try {
    size_t used = 0;
    const int k = std::stoi(value, &used);
    if (used == value.size() && k >= int(kMinLatentBits) && k <= int(kMaxLatentBits)) return uint32_t(k);
  } catch (const std::exception&) {
  }
  throw CodecError("bcae: bits must be fp16 or an integer in " + std::to_string(kMinLatentBits) + ".." +
                   std::to_string(kMaxLatentBits) + ", got '" + value + "'");
}

LatentStore::LatentStore(const ModelCard& card, const std::map<std::string, std::string>& params, bool verify)
    : model_name_(card.name) {
  const auto section = card.raw.find("entropy_coding");
  const bool card_has_tables = section != card.raw.end() && section->contains("tables");
  if (card_has_tables) {
    const std::string file = (std::filesystem::path(card.dir) / section->at("tables").get<std::string>()).string();
    tables_ = LatentTables::load(file);  // throws EntropyCodeError (a CodecError)
    tables_sha_ = tables_->sha256();
    const std::string expected = section->value("tables_sha256", "");
    if (verify && tables_sha_ != expected)
      throw CodecError("bcae: latent tables '" + file + "' of model '" + card.name + "' have SHA-256 " + tables_sha_ +
                       ", the model card says " + (expected.empty() ? "(nothing)" : expected));
  }
  if (auto it = params.find(kBitsParam); it != params.end()) {
    bits_ = parse_bits_param(it->second);
  } else if (card_has_tables && section->contains("default_bits")) {
    bits_ = parse_bits_param(section->at("default_bits").dump());
  }
  if (bits_ && !tables_)
    throw CodecError("bcae: bits=" + std::to_string(*bits_) + " needs latent tables, and model '" + card.name +
                     "' has none (run `daqz fit-tables --model " + card.dir + " ...`)");
  if (bits_) tables_->for_bits(*bits_);  // throws naming the settings available
}

std::vector<uint8_t> LatentStore::encode(const float* latent, size_t channels, size_t per_channel) const {
  return encode_latent(latent, channels, per_channel, *tables_, *bits_);
}

void LatentStore::stamp(EncodedRecord& r) const {
  r.params[kBitsParam] = bits_label();
  if (bits_) r.params[kTablesShaParam] = tables_sha_;
}

bool LatentStore::is_quantised(const EncodedRecord& r) {
  const auto it = r.params.find(kBitsParam);
  return it != r.params.end() && it->second != kFp16Bits;
}

std::vector<float> LatentStore::decode(const EncodedRecord& r, size_t channels, size_t per_channel) {
  const std::optional<uint32_t> bits = parse_bits_param(r.params.at(kBitsParam));
  if (!tables_)
    throw CodecError("bcae: record has " + std::to_string(*bits) + "-bit latents, model '" + model_name_ +
                     "' has no latent tables");
  const auto sha = r.params.find(kTablesShaParam);
  if (sha == r.params.end() || sha->second != tables_sha_)
    throw CodecError("bcae: record was coded with latent tables " +
                     (sha == r.params.end() ? std::string("(not named)") : sha->second) + ", model '" + model_name_ +
                     "' holds " + tables_sha_);
  if (latent_payload_bits(r.bytes.data(), r.bytes.size()) != *bits)
    throw CodecError("bcae: record says bits=" + std::to_string(*bits) + " but its payload is coded with " +
                     std::to_string(latent_payload_bits(r.bytes.data(), r.bytes.size())));
  return decode_latent(r.bytes.data(), r.bytes.size(), *tables_, channels, per_channel);
}

}  // namespace daqz
