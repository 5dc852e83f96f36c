// How the BCAE codec stores a latent: fp16 values (every record written before entropy coding, and
// `bits=fp16`), or quantised to K bits per value on the model's grid and rANS-coded with the
// frequency tables of the model directory (`bits=K`, K in 2..10; codec/latent_coder.h).
//
//   LatentStore store(card, options.params, /*verify=*/true);   // throws CodecError
//   if (store.quantised()) {
//     r.bytes = store.encode(latent, channels, per_channel);   // float, channel-major
//     store.stamp(r);                                           // params bits, latent_tables_sha256
//   }
//   if (LatentStore::is_quantised(record)) values = store.decode(record, channels, per_channel);
//
// The model card's "entropy_coding" section names the tables file, its SHA-256 and the default
// operating point (`default_bits`), written by `daqz fit-tables`. Without the `bits` parameter the
// codec uses that default, or fp16 when the model has no tables. A record names its K and the SHA-256
// of the tables that coded it; decoding refuses other tables. Records without `bits` are fp16.
// No LibTorch. Not thread-safe (decoding indexes are built lazily); one per codec instance.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/latent_tables.h"
#include "codec/model_card.h"

namespace daqz {

inline constexpr char kBitsParam[] = "bits";
inline constexpr char kFp16Bits[] = "fp16";
inline constexpr char kTablesShaParam[] = "latent_tables_sha256";

class LatentStore {
 public:
  LatentStore() = default;
  // verify: check the tables file against the SHA-256 in the card.
  LatentStore(const ModelCard& card, const std::map<std::string, std::string>& params, bool verify);

  bool quantised() const { return bits_.has_value(); }
  uint32_t bits() const { return bits_.value_or(16); }  // 16 = fp16 (the operating-point gauge's value)
  std::string bits_label() const { return bits_ ? std::to_string(*bits_) : kFp16Bits; }
  bool has_tables() const { return tables_.has_value(); }
  const std::string& tables_sha256() const { return tables_sha_; }
  size_t memory_bytes() const { return tables_ ? tables_->memory_bytes() : 0; }

  std::vector<uint8_t> encode(const float* latent, size_t channels, size_t per_channel) const;
  void stamp(EncodedRecord& r) const;

  static bool is_quantised(const EncodedRecord& r);
  std::vector<float> decode(const EncodedRecord& r, size_t channels, size_t per_channel);

 private:
  std::string model_name_;
  std::optional<uint32_t> bits_;
  std::optional<LatentTables> tables_;
  std::string tables_sha_;
};

// Parses a `bits` parameter: "fp16" -> nullopt, "2".."10" -> K; throws CodecError otherwise.
std::optional<uint32_t> parse_bits_param(const std::string& value);

}  // namespace daqz
