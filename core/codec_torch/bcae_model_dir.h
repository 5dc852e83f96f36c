// Reading and writing BCAE model directories (model.json + encoder.pt + decoder.pt).
//
//   auto model = make_bcae_model("bcae-2d");  ... train ...
//   nlohmann::json card = {{"name", "bcae-2d-sim"}, {"version", "1"}, {"threshold", 0.45}};
//   write_bcae_model_dir(*model, "deploy/models/bcae-2d-sim", card);   // adds arch, files, SHA-256
//   auto [loaded, model_card] = load_bcae_model_dir("deploy/models/bcae-2d-sim");
//
// LibTorch header (see torch_util.h). Throws ModelCardError / StateDictError naming the directory.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>

#include "codec_torch/bcae_model.h"
#include "codec/model_card.h"

namespace daqz {

// Writes encoder.pt and decoder.pt (fp32, CPU) and model.json = `card` plus arch, encoder, decoder,
// encoder_sha256, decoder_sha256, code_shape, regression_transform. Creates the directory.
void write_bcae_model_dir(BcaeModel& model, const std::string& dir, nlohmann::json card);

// Loads model.json, verifies the SHA-256 of both weight files (when `verify`), builds the
// architecture it names and loads both state dicts strictly. The model is in eval mode, fp32, CPU.
std::pair<std::unique_ptr<BcaeModel>, ModelCard> load_bcae_model_dir(const std::string& dir, bool verify = true);

}  // namespace daqz
