// Model directories: deploy/models/<name>/ (or <name>/<version>/, see codec/model_repository.h, which
// finds them) holds model.json (the model card), encoder.pt and decoder.pt (plain dicts name -> tensor,
// readable by Python's torch.load and torch::pickle_load).
//
//   ModelCard card = load_model_card("deploy/models/bcae-2d-sim");   // throws ModelCardError
//   verify_model_weights(card);   // recomputes SHA-256 of both files, throws on mismatch
//
// model.json keys used by code: name, arch, version, threshold (BCAE), encoder, decoder,
// encoder_sha256, decoder_sha256. Everything else (training command, seed, data, metrics,
// normalisation) is kept verbatim in `raw` for the codec that needs it. No LibTorch here.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace daqz {

struct ModelCardError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ModelCard {
  std::string dir;
  std::string name;
  std::string arch;     // "bcae-v1", "bcae-2d", "jet-ae-4d", "jet-ae-27d", ...
  std::string version;
  double threshold = 0.5;
  std::string encoder_path;
  std::string decoder_path;
  std::string encoder_sha256;
  std::string decoder_sha256;
  nlohmann::json raw;

  // "<encoder sha>:<decoder sha>", as carried in EncodedRecord::weights_sha256.
  std::string weights_sha256() const { return encoder_sha256 + ":" + decoder_sha256; }
};

ModelCard load_model_card(const std::string& dir);
void verify_model_weights(const ModelCard& card);

}  // namespace daqz
