// The shipped jet models load (SHA-256 checked) and still reproduce the metrics in their cards.
#include <gtest/gtest.h>

#include <filesystem>

#include "codec/model_repository.h"
#include "offline/jet_eval.h"
#include "codec_torch/jet_ae.h"

namespace daqz {
namespace {

TEST(JetAeShipped, ModelsReproduceTheirCardMetrics) {
  const std::filesystem::path root = std::filesystem::path(DAQZ_SOURCE_DIR) / "deploy" / "models";
  int checked = 0;
  for (const ModelEntry& entry : ModelRepository({root.string()}).latest()) {
    const ModelCard& card = entry.card;
    if (card.arch.rfind("jet-ae", 0) != 0) continue;
    const std::string& name = card.name;
    EXPECT_NO_THROW(verify_model_weights(card)) << name;
    ASSERT_TRUE(card.raw.contains("metrics")) << name;
    JetEvalArgs a;
    a.model_dir = card.dir;
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
