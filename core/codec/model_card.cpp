#include "codec/model_card.h"

#include <filesystem>
#include <fstream>

#include "base/sha256.h"

namespace daqz {
namespace fs = std::filesystem;

ModelCard load_model_card(const std::string& dir) {
  const fs::path card_path = fs::path(dir) / "model.json";
  std::ifstream in(card_path);
  if (!in) throw ModelCardError("model directory '" + dir + "' has no readable model.json");
  ModelCard c;
  try {
    in >> c.raw;
    c.dir = dir;
    c.name = c.raw.at("name").get<std::string>();
    c.arch = c.raw.at("arch").get<std::string>();
    c.version = c.raw.value("version", "");
    c.threshold = c.raw.value("threshold", 0.5);
    c.encoder_path = (fs::path(dir) / c.raw.value("encoder", "encoder.pt")).string();
    c.decoder_path = (fs::path(dir) / c.raw.value("decoder", "decoder.pt")).string();
    c.encoder_sha256 = c.raw.value("encoder_sha256", "");
    c.decoder_sha256 = c.raw.value("decoder_sha256", "");
  } catch (const nlohmann::json::exception& e) {
    throw ModelCardError("model card '" + card_path.string() + "' is malformed: " + e.what());
  }
  return c;
}

void verify_model_weights(const ModelCard& card) {
  auto check = [&](const std::string& path, const std::string& expected, const char* which) {
    if (expected.empty()) throw ModelCardError("model card of '" + card.name + "' lacks " + which + "_sha256");
    const std::string got = sha256_file_hex(path);
    if (got != expected)
      throw ModelCardError("model '" + card.name + "': " + which + " weights '" + path + "' have SHA-256 " +
                           got + ", the model card says " + expected);
  };
  check(card.encoder_path, card.encoder_sha256, "encoder");
  check(card.decoder_path, card.decoder_sha256, "decoder");
}

}  // namespace daqz
