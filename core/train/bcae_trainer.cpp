#include "train/bcae_trainer.h"

#include <ATen/autocast_mode.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/reconstruction_metrics.h"
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model.h"
#include "codec_torch/bcae_model_dir.h"
#include "codec/model_card.h"
#include "codec_torch/state_dict.h"
#include "codec_torch/torch_util.h"
#include "train/bcae_loss.h"
#include "train/rate_term.h"
#include "train/wedge_set.h"
#include "base/build_info.h"
#include "base/tensor_allocator.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr int kCheckpointFormat = 1;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string hms(double seconds) {
  const auto s = static_cast<int64_t>(std::max(0.0, seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                (long long)(s % 60));
  return buf;
}

// The mutable training state that, together with weights and optimizer moments, makes a resume exact.
struct TrainState {
  int epoch = 0;                 // current epoch (0-based)
  int64_t step_in_epoch = 0;
  int64_t global_step = 0;
  std::vector<int64_t> order;    // sample -> wedge index for the current epoch
  std::mt19937_64 rng;
  double balance = 0;
  double epoch_reg_sum = 0;      // running sums of the current epoch
  int64_t epoch_reg_n = 0;
  Json history = Json::array();  // per-epoch {epoch, train_reg, val_*}

  Json to_json() const {
    std::ostringstream r;
    r << rng;
    return {{"format", kCheckpointFormat}, {"epoch", epoch}, {"step_in_epoch", step_in_epoch},
            {"global_step", global_step}, {"order", order}, {"rng", r.str()}, {"balance", balance},
            {"epoch_reg_sum", epoch_reg_sum}, {"epoch_reg_n", epoch_reg_n}, {"history", history}};
  }
  void from_json(const Json& j) {
    if (j.at("format").get<int>() != kCheckpointFormat) throw std::runtime_error("unknown checkpoint format");
    epoch = j.at("epoch");
    step_in_epoch = j.at("step_in_epoch");
    global_step = j.at("global_step");
    order = j.at("order").get<std::vector<int64_t>>();
    std::istringstream r(j.at("rng").get<std::string>());
    r >> rng;
    balance = j.at("balance");
    epoch_reg_sum = j.at("epoch_reg_sum");
    epoch_reg_n = j.at("epoch_reg_n");
    history = j.at("history");
  }
};

class Trainer {
 public:
  explicit Trainer(const BcaeTrainConfig& cfg) : cfg_(cfg) {
    if (cfg_.out_dir.empty()) throw std::invalid_argument("train: an output model directory is required");
    if (cfg_.data.empty()) throw std::invalid_argument("train: a training data folder is required");
    if (cfg_.epochs < 1 || cfg_.batch < 1) throw std::invalid_argument("train: epochs and batch must be >= 1");
    if (cfg_.name.empty()) cfg_.name = fs::path(cfg_.out_dir).lexically_normal().filename().string();
    if (cfg_.name.empty()) cfg_.name = fs::path(cfg_.out_dir).parent_path().filename().string();
    if (cfg_.checkpoint_dir.empty()) cfg_.checkpoint_dir = cfg_.out_dir + ".ckpt";
    checkpoint_path_ = (fs::path(cfg_.checkpoint_dir) / "checkpoint.pt").string();

    set_torch_threads(cfg_.threads);
    keep_freed_tensor_memory();
    torch::manual_seed(cfg_.seed);
    model_ = make_bcae_model(cfg_.arch);  // throws invalid_argument for unknown archs
    init_bcae_weights(model_->encoder());
    init_bcae_weights(model_->decoder());
    if (!cfg_.init_from.empty()) load_initial_weights();
    const int64_t mult = model_->azimuth_multiple();
    crop_ = cfg_.crop_azimuth <= 0 ? 192 : cfg_.crop_azimuth;
    if (crop_ % mult != 0 || crop_ > 192)
      throw std::invalid_argument("train: --crop-azimuth " + std::to_string(crop_) + " must be a multiple of " +
                                  std::to_string(mult) + " for " + cfg_.arch + " and at most 192");
    crops_per_wedge_ = cfg_.crops_per_wedge > 0 ? cfg_.crops_per_wedge : std::max<int64_t>(1, 192 / crop_);

    // Data.
    WedgeSet all = load_wedge_set(cfg_.data, cfg_.max_train_wedges);
    if (cfg_.val_data.empty()) {
      auto split = split_wedge_set(std::move(all), cfg_.val_fraction);
      train_ = std::move(split.first);
      val_ = std::move(split.second);
    } else {
      train_ = std::move(all);
      val_ = load_wedge_set(cfg_.val_data, cfg_.max_val_wedges);
    }
    if (val_.wedges.size() > cfg_.max_val_wedges) {
      val_.wedges.resize(cfg_.max_val_wedges);
      val_.files.resize(cfg_.max_val_wedges);
    }
    if (train_.wedges.empty()) throw std::runtime_error("train: no training wedges left after the split");
    spdlog::info("train: {} | validation: {}", train_.describe(), val_.wedges.empty() ? "none" : val_.describe());

    samples_per_epoch_ = int64_t(train_.wedges.size()) * crops_per_wedge_;
    steps_per_epoch_ = (samples_per_epoch_ + cfg_.batch - 1) / cfg_.batch;
    total_steps_ = steps_per_epoch_ * cfg_.epochs;

    std::vector<torch::Tensor> params = model_->encoder().parameters();
    for (auto& p : model_->decoder().parameters()) params.push_back(p);
    optimizer_ = std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(cfg_.lr).weight_decay(cfg_.weight_decay));

    state_.rng.seed(cfg_.seed);
    state_.balance = loss_.balance();
    if (cfg_.rate) setup_rate();
    if (cfg_.resume) load_checkpoint();
  }

  BcaeTrainReport run() {
    const auto t0 = Clock::now();
    auto last_ckpt = Clock::now(), last_progress = Clock::now();
    BcaeTrainReport rep;
    rep.total_steps = total_steps_;
    rep.checkpoint_path = checkpoint_path_;
    int64_t steps_this_run = 0;
    bool stop = false;
    model_->encoder().train();
    model_->decoder().train();

    while (state_.epoch < cfg_.epochs && !stop) {
      if (state_.step_in_epoch == 0 && state_.order.empty()) new_epoch_order();
      while (state_.step_in_epoch < steps_per_epoch_) {
        const auto [seg, reg] = train_step();
        rep.step_seg_loss.push_back(seg);
        rep.step_reg_loss.push_back(reg);
        if (rate_) rep.step_rate_bits.push_back(last_bits_);
        ++steps_this_run;
        const double elapsed = seconds_since(t0);
        if (seconds_since(last_progress) >= cfg_.progress_seconds || state_.step_in_epoch == steps_per_epoch_) {
          progress_line(seg, reg, elapsed, steps_this_run);
          last_progress = Clock::now();
        }
        if ((cfg_.max_steps > 0 && state_.global_step >= cfg_.max_steps) ||
            (cfg_.max_minutes > 0 && elapsed >= cfg_.max_minutes * 60)) {
          stop = true;
          break;
        }
        if (seconds_since(last_ckpt) >= cfg_.checkpoint_minutes * 60) {
          save_checkpoint();
          last_ckpt = Clock::now();
        }
      }
      if (state_.step_in_epoch >= steps_per_epoch_) finish_epoch(rep);
    }
    save_checkpoint();
    rep.finished = state_.epoch >= cfg_.epochs;
    rep.epochs_completed = state_.epoch;
    rep.steps = state_.global_step;
    if (!rep.finished)
      spdlog::info("train: stopped at step {}/{} (epoch {}/{}); resume with --resume from {}", state_.global_step,
                   total_steps_, state_.epoch + 1, cfg_.epochs, checkpoint_path_);
    if (cfg_.write_model) finalize(rep);
    rep.seconds = seconds_since(t0);
    return rep;
  }

 private:
  void new_epoch_order() {
    state_.order.clear();
    for (int64_t w = 0; w < int64_t(train_.wedges.size()); ++w)
      for (int64_t c = 0; c < crops_per_wedge_; ++c) state_.order.push_back(w);
    std::shuffle(state_.order.begin(), state_.order.end(), state_.rng);
    state_.epoch_reg_sum = 0;
    state_.epoch_reg_n = 0;
  }

  double lr_at(int64_t step) const {
    if (step < cfg_.warmup_steps) return cfg_.lr * double(step + 1) / double(cfg_.warmup_steps + 1);
    const double span = std::max<int64_t>(1, total_steps_ - cfg_.warmup_steps);
    const double progress = std::min(1.0, double(step - cfg_.warmup_steps) / span);
    return cfg_.min_lr + 0.5 * (cfg_.lr - cfg_.min_lr) * (1 + std::cos(M_PI * progress));
  }

  torch::Tensor crop_batch(const std::vector<int64_t>& wedge_ids) {
    const auto& shape = kOuterWedgeShape;
    auto x = torch::empty({int64_t(wedge_ids.size()), crop_, shape.time, shape.layer}, torch::kFloat);
    float* dst = x.data_ptr<float>();
    const size_t row = size_t(shape.time) * shape.layer;
    std::uniform_int_distribution<int64_t> offset(0, shape.azimuth - crop_);
    for (size_t i = 0; i < wedge_ids.size(); ++i) {
      const auto& w = train_.wedges[size_t(wedge_ids[i])];
      const int64_t a0 = crop_ == shape.azimuth ? 0 : offset(state_.rng);
      const uint16_t* src = w.adc.data() + size_t(a0) * row;
      float* out = dst + i * size_t(crop_) * row;
      for (size_t k = 0; k < size_t(crop_) * row; ++k) out[k] = float(src[k]);
    }
    return x;
  }

  std::pair<double, double> train_step() {
    const int64_t first = state_.step_in_epoch * cfg_.batch;
    const int64_t last = std::min<int64_t>(first + cfg_.batch, int64_t(state_.order.size()));
    const std::vector<int64_t> ids(state_.order.begin() + first, state_.order.begin() + last);
    const auto x = crop_batch(ids);
    const double lr = lr_at(state_.global_step);
    for (auto& group : optimizer_->param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

    optimizer_->zero_grad();
    torch::Tensor code;
    {
      // bf16 autocast only around the encoder: transposed convolutions fail in bf16 here.
      at::autocast::set_cpu_enabled(cfg_.autocast_bf16);
      if (cfg_.autocast_bf16) at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
      code = model_->encode(x);
      at::autocast::set_cpu_enabled(false);
      if (cfg_.autocast_bf16) at::autocast::clear_cache();
    }
    torch::Tensor code_hat = code.to(torch::kFloat);
    RateTerm::Noisy noisy;
    if (rate_) {
      noisy = rate_->noisy(code_hat, state_.global_step);
      code_hat = noisy.code_hat;
    }
    auto [seg, reg] = model_->decode(code_hat);
    loss_.set_balance(state_.balance);
    BcaeLosses l = loss_(seg, reg, x);
    state_.balance = loss_.balance();
    torch::Tensor total = l.total;
    if (rate_) {
      total = total + rate_->lambda_at(state_.global_step) * noisy.bits_per_value;
      last_bits_ = noisy.bits_per_value.item<double>();
    }
    total.backward();
    optimizer_->step();
    if (rate_) rate_->train_prior(noisy.z);
    ++state_.step_in_epoch;
    ++state_.global_step;
    state_.epoch_reg_sum += l.reg;
    ++state_.epoch_reg_n;
    last_lr_ = lr;
    return {l.seg, l.reg};
  }

  void progress_line(double seg, double reg, double elapsed, int64_t steps_this_run) {
    const double per_step = elapsed / double(std::max<int64_t>(1, steps_this_run));
    const double eta = per_step * double(total_steps_ - state_.global_step);
    const int width = 24;
    const int filled = int(width * double(state_.global_step) / double(std::max<int64_t>(1, total_steps_)));
    std::string bar = "[" + std::string(size_t(filled), '=') + std::string(size_t(width - filled), ' ') + "]";
    const std::string rate = rate_ ? fmt::format(" bits {:.3f} lambda {:.3g}", last_bits_,
                                                 rate_->lambda_at(state_.global_step)) : "";
    spdlog::info("{} epoch {}/{} step {}/{} ({}/{}) seg {:.5f} reg {:.1f}{} c {:.3g} lr {:.2e} {:.2f} s/step "
                 "elapsed {} ETA {}",
                 bar, state_.epoch + 1, cfg_.epochs, state_.step_in_epoch, steps_per_epoch_, state_.global_step,
                 total_steps_, seg, reg, rate, state_.balance, last_lr_, per_step, hms(elapsed), hms(eta));
  }

  // Runs the model on full validation wedges and returns {seg, reg} per wedge (CPU, fp32).
  std::vector<std::pair<torch::Tensor, torch::Tensor>> predict(const std::vector<DenseWedge>& wedges) {
    c10::InferenceMode guard;
    model_->encoder().eval();
    model_->decoder().eval();
    std::vector<std::pair<torch::Tensor, torch::Tensor>> out;
    for (const auto& w : wedges) {
      std::vector<float> v(w.adc.begin(), w.adc.end());
      auto x = torch::from_blob(v.data(), {1, w.shape.azimuth, w.shape.time, w.shape.layer}, torch::kFloat).clone();
      // As in deployment: the code is stored as fp16, or rounded to the grid when training for rate.
      auto raw = model_->encode(x).to(torch::kFloat);
      auto code = rate_ ? rate_->quantize(raw) : raw.to(torch::kHalf).to(torch::kFloat);
      if (rate_) last_val_bits_.push_back(rate_->rounded_bits_per_value(raw));
      auto [seg, reg] = model_->decode(code);
      out.emplace_back(seg, reg);
    }
    model_->encoder().train();
    model_->decoder().train();
    return out;
  }

  MetricsSummary measure(const std::vector<DenseWedge>& wedges,
                         const std::vector<std::pair<torch::Tensor, torch::Tensor>>& pred, double h) {
    MetricsAccumulator acc;
    for (size_t i = 0; i < wedges.size(); ++i) {
      auto recon = combine_bcae_output(pred[i].first, pred[i].second, h).contiguous();
      acc.add_wedge(wedges[i], recon.data_ptr<float>(), size_t(recon.numel()));
    }
    return acc.summary();
  }

  void finish_epoch(BcaeTrainReport& rep) {
    const double train_reg = state_.epoch_reg_n ? state_.epoch_reg_sum / double(state_.epoch_reg_n) : 0;
    rep.epoch_train_loss.push_back(train_reg);
    Json entry = {{"epoch", state_.epoch + 1}, {"train_reg_loss", train_reg}, {"step", state_.global_step}};
    if (!val_.wedges.empty()) {
      last_val_bits_.clear();
      const auto m = measure(val_.wedges, predict(val_.wedges), 0.5);
      if (rate_) {
        entry["val_bits_per_value"] = mean_val_bits();
        spdlog::info("validation after epoch {}/{}: {:.3f} bits per latent value ({}-bit grid, entropy model)",
                     state_.epoch + 1, cfg_.epochs, mean_val_bits(), cfg_.rate_bits);
      }
      entry["val_mse"] = m.mse;
      entry["val_log_mae"] = m.log_mae;
      entry["val_precision"] = m.precision;
      entry["val_recall"] = m.recall;
      spdlog::info("validation after epoch {}/{}: mse {:.1f} log_mae {:.4f} precision {:.3f} recall {:.3f} (h 0.5, "
                   "{} wedges)", state_.epoch + 1, cfg_.epochs, m.mse, m.log_mae, m.precision, m.recall,
                   val_.wedges.size());
    }
    state_.history.push_back(entry);
    ++state_.epoch;
    state_.step_in_epoch = 0;
    state_.order.clear();
    save_checkpoint();
  }

  void save_checkpoint() {
    fs::create_directories(cfg_.checkpoint_dir);
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive enc, dec, opt;
    model_->encoder().save(enc);
    model_->decoder().save(dec);
    optimizer_->save(opt);
    archive.write("encoder", enc);
    archive.write("decoder", dec);
    archive.write("optimizer", opt);
    if (rate_) {
      torch::serialize::OutputArchive rate;
      rate_->save(rate);
      archive.write("rate", rate);
    }
    Json meta = state_.to_json();
    if (rate_) meta["rate_bits"] = cfg_.rate_bits;
    meta["arch"] = cfg_.arch;
    meta["seed"] = cfg_.seed;
    meta["train_wedges"] = train_.wedges.size();
    meta["steps_per_epoch"] = steps_per_epoch_;
    meta["epochs"] = cfg_.epochs;
    archive.write("state", c10::IValue(meta.dump()));
    const std::string tmp = checkpoint_path_ + ".tmp";
    archive.save_to(tmp);
    fs::rename(tmp, checkpoint_path_);
    spdlog::info("checkpoint: step {} epoch {} -> {}", state_.global_step, state_.epoch, checkpoint_path_);
  }

  void load_checkpoint() {
    if (!fs::exists(checkpoint_path_))
      throw std::runtime_error("train --resume: no checkpoint at '" + checkpoint_path_ + "'");
    torch::serialize::InputArchive archive;
    archive.load_from(checkpoint_path_);
    c10::IValue meta_value;
    archive.read("state", meta_value);
    const Json meta = Json::parse(meta_value.toStringRef());
    // A resume must continue the same run: same architecture, seed, data size and schedule.
    auto expect = [&](const char* key, const Json& want) {
      if (meta.at(key) != want)
        throw std::runtime_error("train --resume: checkpoint '" + checkpoint_path_ + "' has " + key + " = " +
                                 meta.at(key).dump() + ", this run has " + want.dump());
    };
    expect("arch", cfg_.arch);
    expect("seed", cfg_.seed);
    expect("train_wedges", train_.wedges.size());
    expect("steps_per_epoch", steps_per_epoch_);
    torch::serialize::InputArchive enc, dec, opt;
    archive.read("encoder", enc);
    archive.read("decoder", dec);
    archive.read("optimizer", opt);
    model_->encoder().load(enc);
    model_->decoder().load(dec);
    optimizer_->load(opt);
    if (rate_) {
      if (!meta.contains("rate_bits"))
        throw std::runtime_error("train --resume --rate-lambda: checkpoint '" + checkpoint_path_ +
                                 "' comes from a run without the rate term");
      expect("rate_bits", cfg_.rate_bits);
      torch::serialize::InputArchive rate;
      archive.read("rate", rate);
      rate_->load(rate);
    } else if (meta.contains("rate_bits")) {
      throw std::runtime_error("train --resume: checkpoint '" + checkpoint_path_ +
                               "' comes from a rate-aware run; give --rate-lambda again");
    }
    state_.from_json(meta);
    if (meta.at("epochs").get<int>() != cfg_.epochs)
      spdlog::warn("train --resume: epochs changed from {} to {}; the LR schedule is stretched accordingly",
                   meta.at("epochs").get<int>(), cfg_.epochs);
    spdlog::info("train: resumed from {} at step {} (epoch {}/{})", checkpoint_path_, state_.global_step,
                 state_.epoch + 1, cfg_.epochs);
  }

  // Fine-tuning: start from a model directory of the same architecture (SHA-256 of its weights checked).
  // A --resume continues from the checkpoint, which already holds the fine-tuned weights.
  void load_initial_weights() {
    const ModelCard card = load_model_card(cfg_.init_from);  // throws ModelCardError
    if (card.arch != cfg_.arch)
      throw std::invalid_argument("train --init-from " + cfg_.init_from + ": model '" + card.name + "' is " +
                                  card.arch + ", not " + cfg_.arch);
    verify_model_weights(card);
    load_state_dict(model_->encoder(), read_state_dict(card.encoder_path), card.name + " encoder");
    load_state_dict(model_->decoder(), read_state_dict(card.decoder_path), card.name + " decoder");
    init_card_ = Json{{"name", card.name}, {"version", card.version}, {"dir", cfg_.init_from},
                      {"weights_sha256", card.weights_sha256()}};
    spdlog::info("train: initial weights from {} ({} version {})", cfg_.init_from, card.name, card.version);
  }

  void finalize(BcaeTrainReport& rep) {
    Json card = {{"name", cfg_.name}, {"version", cfg_.version}};
    Json training = {{"command", cfg_.command_line}, {"seed", cfg_.seed}, {"arch", cfg_.arch},
                     {"data", train_.describe()}, {"data_path", cfg_.data},
                     {"validation", val_.wedges.empty() ? "none" : val_.describe()},
                     {"epochs_planned", cfg_.epochs}, {"epochs_completed", state_.epoch},
                     {"steps", state_.global_step}, {"total_steps", total_steps_},
                     {"finished", state_.epoch >= cfg_.epochs}, {"batch", cfg_.batch},
                     {"crop_azimuth", crop_}, {"crops_per_wedge", crops_per_wedge_}, {"lr", cfg_.lr},
                     {"weight_decay", cfg_.weight_decay}, {"threads", cfg_.threads},
                     {"autocast_bf16", cfg_.autocast_bf16}, {"history", state_.history},
                     {"build", build_info_string()}};
    if (!init_card_.is_null()) training["init_from"] = init_card_;
    if (rate_) {
      // The codec must quantise on the grid the model was trained for (codec/latent_tables.h).
      card["quantization_grid"] = rate_->grid_json();
      training["rate"] = {{"lambda", cfg_.rate_lambda}, {"bits", cfg_.rate_bits},
                          {"lambda_warmup_steps", cfg_.rate_lambda_warmup_steps}, {"entropy_lr", cfg_.entropy_lr},
                          {"grid_wedges", cfg_.rate_grid_wedges},
                          {"loss", "distortion + lambda * bits per latent value (factorized prior, "
                                   "additive uniform noise on the grid)"}};
    }
    double h = 0.5;
    if (!val_.wedges.empty()) {
      // Tune h on validation: the threshold with the lowest MSE (the paper's primary figure).
      last_val_bits_.clear();
      const auto pred = predict(val_.wedges);
      if (rate_) rep.val_bits_per_value = mean_val_bits();
      Json sweep = Json::array();
      double best = 1e300;
      for (double t = 0.2; t <= 0.8001; t += 0.025) {
        const auto m = measure(val_.wedges, pred, t);
        sweep.push_back({{"h", t}, {"mse", m.mse}, {"log_mae", m.log_mae}, {"precision", m.precision},
                         {"recall", m.recall}});
        if (m.mse < best) {
          best = m.mse;
          h = t;
        }
      }
      const auto m = measure(val_.wedges, pred, h);
      rep.val_mse = m.mse;
      rep.val_log_mae = m.log_mae;
      rep.val_precision = m.precision;
      rep.val_recall = m.recall;
      training["threshold_sweep"] = sweep;
      card["metrics_validation"] = {{"wedges", val_.wedges.size()}, {"threshold", h}, {"mse", m.mse},
                                    {"log_mae", m.log_mae}, {"psnr_db", m.psnr_db},
                                    {"precision", m.precision}, {"recall", m.recall}};
      spdlog::info("threshold h = {:.3f} (min validation MSE {:.1f}; log_mae {:.4f} precision {:.3f} recall {:.3f})",
                   h, m.mse, m.log_mae, m.precision, m.recall);
    }
    if (!cfg_.test_data.empty()) {
      const WedgeSet test = load_wedge_set(cfg_.test_data, cfg_.max_test_wedges);
      last_val_bits_.clear();
      const auto m = measure(test.wedges, predict(test.wedges), h);
      const std::vector<int64_t> code = model_->code_shape(192);
      const double ratio = double(kOuterWedgeShape.voxels()) /
                           double(std::accumulate(code.begin(), code.end(), int64_t(1), std::multiplies<int64_t>()));
      card["metrics_heldout"] = {{"data", test.describe()}, {"threshold", h}, {"ratio_dense", ratio},
                                 {"mse", m.mse}, {"log_mae", m.log_mae}, {"psnr_db", m.psnr_db},
                                 {"precision", m.precision}, {"recall", m.recall}, {"occupancy", m.occupancy}};
      if (rate_) {
        // Measured on the grid (rounded code); the ratio an ideal coder with the entropy model reaches.
        // The codec's real sizes come from its fitted tables (`daqz fit-tables`, `daqz eval --rd`).
        const double bits = mean_val_bits();
        card["metrics_heldout"]["latent"] = fmt::format("rounded to the {}-bit training grid", cfg_.rate_bits);
        card["metrics_heldout"]["ratio_dense"] = nullptr;
        card["metrics_heldout"]["bits_per_value_entropy_model"] = bits;
        card["metrics_heldout"]["ratio_dense_entropy_model"] = ratio * 16.0 / bits;
      }
      spdlog::info("held-out ({}): ratio {:.1f} mse {:.1f} log_mae {:.4f} psnr {:.2f} dB precision {:.3f} recall {:.3f}",
                   test.describe(), ratio, m.mse, m.log_mae, m.psnr_db, m.precision, m.recall);
    }
    card["threshold"] = h;
    card["training"] = training;
    rep.threshold = h;
    write_bcae_model_dir(*model_, cfg_.out_dir, card);
    spdlog::info("model written to {}", cfg_.out_dir);
  }

  // Rate training: the grid comes from the starting model's latents of the first training wedges
  // (a resume reads it from the checkpoint instead).
  void setup_rate() {
    RateTermConfig rc;
    rc.lambda = cfg_.rate_lambda;
    rc.bits = cfg_.rate_bits;
    rc.lambda_warmup_steps = cfg_.rate_lambda_warmup_steps;
    rc.entropy_lr = cfg_.entropy_lr;
    rc.seed = cfg_.seed;
    const std::vector<int64_t> code = model_->code_shape(192);
    rate_ = std::make_unique<RateTerm>(rc, code.at(0));
    if (cfg_.resume) return;
    torch::NoGradGuard no_grad;
    model_->encoder().eval();
    std::vector<torch::Tensor> codes;
    const size_t n = std::min(cfg_.rate_grid_wedges, train_.wedges.size());
    for (size_t i = 0; i < n; ++i) {
      const auto& w = train_.wedges[i];
      std::vector<float> v(w.adc.begin(), w.adc.end());
      auto x = torch::from_blob(v.data(), {1, w.shape.azimuth, w.shape.time, w.shape.layer}, torch::kFloat).clone();
      codes.push_back(model_->encode(x).to(torch::kFloat));
    }
    model_->encoder().train();
    rate_->fit_grid(torch::cat(codes, 0));
    spdlog::info("rate: grid of {} bits fitted on the latents of {} training wedges; lambda {} (warm-up {} steps)",
                 cfg_.rate_bits, n, cfg_.rate_lambda, cfg_.rate_lambda_warmup_steps);
  }

  double mean_val_bits() const {
    if (last_val_bits_.empty()) return 0;
    return std::accumulate(last_val_bits_.begin(), last_val_bits_.end(), 0.0) / double(last_val_bits_.size());
  }

  BcaeTrainConfig cfg_;
  std::string checkpoint_path_;
  std::unique_ptr<RateTerm> rate_;  // null unless cfg_.rate
  double last_bits_ = 0;
  std::vector<double> last_val_bits_;
  Json init_card_;  // the --init-from model (name, version, dir, weights), null when trained from scratch
  std::unique_ptr<BcaeModel> model_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  BcaeLoss loss_;
  WedgeSet train_, val_;
  int64_t crop_ = 48;
  int64_t crops_per_wedge_ = 4;
  int64_t samples_per_epoch_ = 0;
  int64_t steps_per_epoch_ = 0;
  int64_t total_steps_ = 0;
  double last_lr_ = 0;
  TrainState state_;
};

}  // namespace

BcaeTrainReport run_bcae_training(const BcaeTrainConfig& cfg) {
  try {
    Trainer trainer(cfg);
    return trainer.run();
  } catch (const c10::Error& e) {
    throw std::runtime_error(std::string("train: LibTorch error: ") + e.what_without_backtrace());
  }
}

}  // namespace daqz
