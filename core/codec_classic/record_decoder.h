// Decodes stored records back into wedges and jet batches, choosing the codec each record names
// and checking the model's weights SHA-256 before use (a record is only ever decoded with the
// exact weights that encoded it).
//
//   RecordDecoder dec({"deploy/models"});
//   for (const Message& m : segment) {
//     DecodedRecord d = dec.decode(record_from_message(m));   // throws CodecError / ModelCardError
//   }
//
// Codecs are created on first use and cached by (codec, model, weights). Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace daqz {

struct DecodedRecord {
  PayloadKind kind = PayloadKind::kWedge;
  Reconstruction wedge;  // kind == kWedge
  JetBatch jets;         // kind == kJets
};

class RecordDecoder {
 public:
  explicit RecordDecoder(std::vector<std::string> model_roots, std::string device = "cpu", int threads = 1);
  ~RecordDecoder();
  DecodedRecord decode(const EncodedRecord& record);

 private:
  CodecOptions options_for(const EncodedRecord& record) const;
  std::vector<std::string> roots_;
  std::string device_;
  int threads_;
  std::map<std::string, std::unique_ptr<WedgeCodec>> wedge_codecs_;
  std::map<std::string, std::unique_ptr<JetCodec>> jet_codecs_;
};

}  // namespace daqz
