// Test helper: an untrained 27D jet autoencoder model directory (model.json + weights with their
// SHA-256 + a fitted normalisation). Speed, record format and model identity do not depend on
// training, so codec and model-lookup tests use these instead of the shipped models.
//
//   const std::string dir = write_untrained_jet_model(root + "/jet-x/2", "jet-x", "2", 10, /*seed=*/7);
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "codec/jet_normalisation.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "codec_torch/state_dict.h"
#include "sim/jet_generator.h"

namespace daqz::testing {

// Writes the model into `dir` (created); different seeds give different weights. Returns `dir`.
inline std::string write_untrained_jet_model(const std::string& dir, const std::string& name,
                                             const std::string& version, int latent_dim, uint64_t seed) {
  const std::filesystem::path d(dir);
  std::filesystem::create_directories(d);
  torch::manual_seed(seed);
  JetAeNet net(JetAeSpec::for_arch("jet-ae-27d", latent_dim));
  write_state_dict(net->encoder_state(), (d / "encoder.pt").string());
  write_state_dict(net->decoder_state(), (d / "decoder.pt").string());
  const JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla27, generate_jets(2, 2000));
  const nlohmann::json card = {{"name", name}, {"arch", "jet-ae-27d"}, {"version", version},
                               {"latent_dim", latent_dim},
                               {"encoder_sha256", sha256_file_hex((d / "encoder.pt").string())},
                               {"decoder_sha256", sha256_file_hex((d / "decoder.pt").string())},
                               {"normalisation", norm.to_json()}};
  std::ofstream(d / "model.json") << card.dump();
  return dir;
}

}  // namespace daqz::testing
