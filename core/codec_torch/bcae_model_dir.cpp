#include "codec_torch/bcae_model_dir.h"

#include <filesystem>
#include <fstream>

#include "codec_torch/state_dict.h"
#include "base/sha256.h"

namespace daqz {

namespace fs = std::filesystem;

void write_bcae_model_dir(BcaeModel& model, const std::string& dir, nlohmann::json card) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ModelCardError("cannot create model directory '" + dir + "': " + ec.message());
  auto fp32 = [](StateDict sd) {
    for (auto& [name, t] : sd) t = t.to(torch::kFloat);
    return sd;
  };
  const std::string enc = (fs::path(dir) / "encoder.pt").string();
  const std::string dec = (fs::path(dir) / "decoder.pt").string();
  write_state_dict(fp32(state_dict_of(model.encoder())), enc);
  write_state_dict(fp32(state_dict_of(model.decoder())), dec);
  card["arch"] = model.arch();
  card["encoder"] = "encoder.pt";
  card["decoder"] = "decoder.pt";
  card["encoder_sha256"] = sha256_file_hex(enc);
  card["decoder_sha256"] = sha256_file_hex(dec);
  card["code_shape"] = model.code_shape(192);
  card["input_shape"] = {192, 249, 16};
  card["regression_transform"] = "adc = 64 + 6 * exp(y)";
  card["latent_dtype"] = "float16";
  const std::string path = (fs::path(dir) / "model.json").string();
  std::ofstream out(path + ".tmp");
  out << card.dump(2) << "\n";
  out.close();
  if (!out) throw ModelCardError("cannot write '" + path + "'");
  fs::rename(path + ".tmp", path);
}

std::pair<std::unique_ptr<BcaeModel>, ModelCard> load_bcae_model_dir(const std::string& dir, bool verify) {
  ModelCard card = load_model_card(dir);
  if (verify) verify_model_weights(card);
  std::unique_ptr<BcaeModel> model;
  try {
    model = make_bcae_model(card.arch);
  } catch (const std::invalid_argument& e) {
    throw ModelCardError("model '" + card.name + "' in '" + dir + "': " + e.what());
  }
  load_state_dict(model->encoder(), read_state_dict(card.encoder_path), card.name + " encoder");
  load_state_dict(model->decoder(), read_state_dict(card.decoder_path), card.name + " decoder");
  model->encoder().eval();
  model->decoder().eval();
  return {std::move(model), std::move(card)};
}

}  // namespace daqz
