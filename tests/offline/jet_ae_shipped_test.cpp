// The shipped jet models load (SHA-256 checked) and still reproduce the metrics in their cards.
#include <gtest/gtest.h>

#include <filesystem>

#include "offline/jet_eval.h"
#include "codec_torch/jet_ae.h"

namespace daqz {
namespace {

TEST(JetAeShipped, ModelsReproduceTheirCardMetrics) {
  const std::filesystem::path root = std::filesystem::path(DAQZ_SOURCE_DIR) / "deploy" / "models";
  int checked = 0;
  for (const char* name : {"jet-ae-4d", "jet-ae-27d-z8", "jet-ae-27d-z12", "jet-ae-27d-z20"}) {
    const auto dir = root / name;
    if (!std::filesystem::exists(dir / "model.json")) continue;
    const ModelCard card = load_model_card(dir.string());
    EXPECT_NO_THROW(verify_model_weights(card)) << name;
    ASSERT_TRUE(card.raw.contains("metrics")) << name;
    JetEvalArgs a;
    a.model_dir = dir.string();
    a.input = "generate:5000:77";
    const JetEvalResult r = evaluate_jets(a);
    const double card_mse = card.raw["metrics"]["mse_normalised"].get<double>();
    EXPECT_NEAR(r.ratio, card.raw["metrics"]["ratio"].get<double>(), 1e-9) << name;
    EXPECT_LT(r.mse_normalised, 1.3 * card_mse) << name;  // 5k jets vs the card's 100k: sampling spread
    EXPECT_GT(r.mse_normalised, 0.7 * card_mse) << name;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no jet models under " << root;
}

}  // namespace
}  // namespace daqz
