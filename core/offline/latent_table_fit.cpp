#include "offline/latent_table_fit.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "codec/latent_store.h"
#include "codec/latent_tables.h"
#include "offline/evaluator.h"
#include "codec_torch/bcae_model_dir.h"
#include "codec_torch/torch_util.h"
#include "train/wedge_set.h"
#include "base/tensor_allocator.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct TrainingLatents {
  size_t channels = 0, per_channel = 0;
  std::vector<std::vector<float>> wedges;  // channel-major latent of each training wedge
  std::string source;
};

TrainingLatents encode_training_wedges(BcaeModel& model, const LatentTableFitConfig& cfg) {
  const WedgeSet set = load_wedge_set(cfg.data, cfg.max_train_wedges);
  TrainingLatents out;
  out.source = set.describe();
  c10::InferenceMode guard;
  for (size_t i = 0; i < set.wedges.size(); ++i) {
    const DenseWedge& w = set.wedges[i];
    std::vector<float> v(w.adc.begin(), w.adc.end());
    auto x = torch::from_blob(v.data(), {1, w.shape.azimuth, w.shape.time, w.shape.layer}, torch::kFloat);
    auto code = model.encode(x).to(torch::kFloat).contiguous();
    out.channels = size_t(code.size(1));
    out.per_channel = size_t(code.numel()) / out.channels;
    out.wedges.emplace_back(code.data_ptr<float>(), code.data_ptr<float>() + code.numel());
    if ((i + 1) % 100 == 0) spdlog::info("fit-tables: encoded {}/{} training wedges", i + 1, set.wedges.size());
  }
  return out;
}

// The training grid of a rate-trained model, or quantiles of the training latents.
std::pair<LatentGrid, Json> choose_grid(const ModelCard& card, const TrainingLatents& latents, double tail) {
  if (card.raw.contains("quantization_grid")) {
    const Json& g = card.raw.at("quantization_grid");
    LatentGrid grid{g.at("lo").get<std::vector<float>>(), g.at("hi").get<std::vector<float>>()};
    if (grid.channels() != latents.channels)
      throw std::runtime_error("fit-tables: model card's quantization_grid has " + std::to_string(grid.channels()) +
                               " channels, the latent " + std::to_string(latents.channels));
    return {grid, {{"source", "the rate-training grid of the model card (quantization_grid)"}}};
  }
  std::vector<std::vector<float>> samples(latents.channels);
  for (const auto& w : latents.wedges)
    for (size_t c = 0; c < latents.channels; ++c)
      samples[c].insert(samples[c].end(), w.begin() + long(c * latents.per_channel),
                        w.begin() + long((c + 1) * latents.per_channel));
  return {fit_latent_grid(samples, tail),
          {{"source", "per-channel quantiles of the training latents"}, {"tail_fraction", tail}}};
}

void write_card(const std::string& dir, const Json& card) {
  const fs::path path = fs::path(dir) / "model.json";
  const fs::path tmp = fs::path(dir) / "model.json.tmp";
  {
    std::ofstream out(tmp);
    out << card.dump(2) << "\n";
    if (!out) throw std::runtime_error("fit-tables: cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

Json point_json(const std::string& bits, const CodecEvalResult& r) {
  const auto& m = r.metrics;
  return {{"bits", bits}, {"mse", m.mse}, {"log_mae", m.log_mae}, {"psnr_db", m.psnr_db},
          {"precision", m.precision}, {"recall", m.recall}, {"ratio_dense", m.ratio_dense},
          {"ratio_vs_lossless", m.ratio_vs_lossless},
          {"bytes_per_wedge", m.n_wedges ? double(m.stored_bytes) / double(m.n_wedges) : 0.0}};
}

}  // namespace

LatentTableFitReport fit_latent_tables(const LatentTableFitConfig& cfg) {
  if (cfg.model_dir.empty() || cfg.data.empty() || cfg.val_data.empty())
    throw std::invalid_argument("fit-tables: --model, --data and --val-data are required");
  set_torch_threads(cfg.threads);
  keep_freed_tensor_memory();
  auto [model, card] = load_bcae_model_dir(cfg.model_dir, /*verify=*/true);

  const TrainingLatents latents = encode_training_wedges(*model, cfg);
  auto [grid, grid_json] = choose_grid(card, latents, cfg.tail_fraction);
  LatentTableFitter fitter(grid, cfg.bits);
  for (const auto& w : latents.wedges) fitter.add(w.data(), latents.channels, latents.per_channel);
  const LatentTables tables = fitter.tables();

  LatentTableFitReport rep;
  rep.tables_path = (fs::path(cfg.model_dir) / kLatentTablesFile).string();
  rep.tables_sha256 = tables.save(rep.tables_path);
  rep.train_escape_fraction = fitter.escape_fraction();
  spdlog::info("fit-tables: {} ({} channels x {} values per wedge), escapes {:.2e}; tables {} sha256 {}",
               latents.source, latents.channels, latents.per_channel, rep.train_escape_fraction, rep.tables_path,
               rep.tables_sha256);

  // The card names the tables first, so the codec can load them for the validation sweep.
  Json raw = card.raw;
  Json section = {{"tables", kLatentTablesFile}, {"tables_sha256", rep.tables_sha256}, {"bits_available", cfg.bits},
                  {"grid", grid_json}, {"fitted_on", latents.source},
                  {"train_escape_fraction", rep.train_escape_fraction}, {"command", cfg.command_line},
                  {"rule", "default_bits = the smallest K whose validation MSE is within " +
                               std::to_string(int(cfg.mse_tolerance * 100 + 0.5)) + " % of the fp16 point's"}};
  raw["entropy_coding"] = section;
  write_card(cfg.model_dir, raw);

  const EvalWedges val = load_eval_wedges(cfg.val_data, cfg.max_val_wedges);
  EvalRunOptions run;
  run.warmup = false;
  auto evaluate = [&](const std::string& bits) {
    CodecOptions o;
    o.model_dir = cfg.model_dir;
    o.intra_op_threads = cfg.threads;
    o.params[kBitsParam] = bits;
    auto codec = make_wedge_codec("bcae", o);
    CodecEvalResult r = evaluate_codec(*codec, val, run);
    spdlog::info("fit-tables: bits {:>4}: ratio {:7.2f} mse {:8.2f} log_mae {:.4f} ({} validation wedges)", bits,
                 r.metrics.ratio_dense, r.metrics.mse, r.metrics.log_mae, val.wedges.size());
    return r;
  };
  const CodecEvalResult fp16 = evaluate(kFp16Bits);
  rep.validation = Json::array({point_json(kFp16Bits, fp16)});
  for (uint32_t k : cfg.bits) {
    const CodecEvalResult r = evaluate(std::to_string(k));
    rep.validation.push_back(point_json(std::to_string(k), r));
    if (rep.default_bits == 0 && r.metrics.mse <= fp16.metrics.mse * (1 + cfg.mse_tolerance)) rep.default_bits = k;
  }
  section["validation"] = {{"data", val.source}, {"points", rep.validation}};
  if (rep.default_bits) section["default_bits"] = rep.default_bits;
  raw["entropy_coding"] = section;
  write_card(cfg.model_dir, raw);
  spdlog::info("fit-tables: default operating point {} written to {}/model.json",
               rep.default_bits ? "bits=" + std::to_string(rep.default_bits) : std::string("fp16 (no K within tolerance)"),
               cfg.model_dir);
  return rep;
}

}  // namespace daqz
