#include "offline/jet_trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "offline/jet_eval.h"
#include "sim/jet_data.h"
#include "sim/jet_generator.h"
#include "codec/jet_normalisation.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "codec_torch/state_dict.h"
#include "codec_torch/torch_util.h"
#include "base/sha256.h"
#include "base/tensor_allocator.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr double kPi = 3.14159265358979323846;

std::string fmt_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = long(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  return buf;
}

torch::Tensor to_tensor(const JetBatch& b, const JetNormalisation& norm) {
  std::vector<float> y(b.values.size());
  norm.forward(b.values.data(), y.data(), b.n);
  return torch::from_blob(y.data(), {int64_t(b.n), int64_t(b.f)}, torch::kFloat).clone();
}

double mse_of(JetAeNet& net, const torch::Tensor& x) {
  torch::NoGradGuard ng;
  net->eval();
  double sum = 0;
  for (int64_t i = 0; i < x.size(0); i += 8192) {
    auto xb = x.slice(0, i, std::min<int64_t>(i + 8192, x.size(0)));
    sum += torch::mse_loss(net->forward(xb), xb, torch::Reduction::Sum).item<double>();
  }
  net->train();
  return sum / double(x.numel());
}

struct History {
  int epoch;
  double train_loss, val_loss, seconds;
};

class Trainer {
 public:
  explicit Trainer(const JetTrainOptions& o) : o_(o) {}

  int run() {
    if (o_.out_dir.empty()) throw std::invalid_argument("jet training: --out DIR is required");
    spec_ = JetAeSpec::for_arch(o_.arch, o_.latent_dim);
    if (o_.epochs < 1 || o_.batch < 1 || !(o_.lr > 0))
      throw std::invalid_argument("jet training: epochs, batch and lr must be positive");
    if (o_.optimizer != "adam" && o_.optimizer != "adamw")
      throw std::invalid_argument("jet training: optimizer must be adam or adamw, got '" + o_.optimizer + "'");
    if (o_.schedule != "cosine" && o_.schedule != "constant")
      throw std::invalid_argument("jet training: schedule must be cosine or constant, got '" + o_.schedule + "'");
    name_ = o_.name.empty() ? fs::path(o_.out_dir).lexically_normal().filename().string() : o_.name;
    if (name_.empty() || name_ == ".") name_ = fs::absolute(o_.out_dir).lexically_normal().parent_path().filename();
    ckpt_dir_ = o_.checkpoint_dir.empty() ? fs::path(o_.out_dir) / "checkpoint" : fs::path(o_.checkpoint_dir);
    fs::create_directories(o_.out_dir);
    fs::create_directories(ckpt_dir_);
    set_torch_threads(o_.threads);
    keep_freed_tensor_memory();

    load_data();
    torch::manual_seed(o_.seed);
    net_ = JetAeNet(spec_);
    make_optimizer();
    int start_epoch = 0;
    if (o_.resume) start_epoch = load_checkpoint();

    const int64_t n = train_.size(0);
    const int64_t steps_per_epoch = (n + int64_t(o_.batch) - 1) / int64_t(o_.batch);
    const int64_t total_steps = steps_per_epoch * o_.epochs;
    const bool tty = isatty(fileno(stderr));
    const auto t_start = Clock::now();
    int64_t steps_done_here = 0;
    for (int epoch = start_epoch; epoch < o_.epochs; ++epoch) {
      torch::manual_seed(o_.seed * 7919 + uint64_t(epoch));  // per-epoch shuffle, reproducible on resume
      const auto perm = torch::randperm(n, torch::kLong);
      const auto t_epoch = Clock::now();
      double loss_sum = 0;
      int64_t loss_count = 0;
      auto last_print = Clock::now();
      int last_decile = -1;
      for (int64_t s = 0; s < steps_per_epoch; ++s) {
        const int64_t step = int64_t(epoch) * steps_per_epoch + s;
        set_lr(lr_at(step, steps_per_epoch, total_steps));
        const auto idx = perm.slice(0, s * int64_t(o_.batch), std::min(n, (s + 1) * int64_t(o_.batch)));
        const auto xb = train_.index_select(0, idx);
        optimizer_->zero_grad();
        auto loss = torch::mse_loss(net_->forward(xb), xb);
        loss.backward();
        optimizer_->step();
        loss_sum += loss.item<double>();
        ++loss_count;
        ++steps_done_here;
        const double elapsed = std::chrono::duration<double>(Clock::now() - t_start).count();
        const double eta = elapsed / double(steps_done_here) * double(total_steps - step - 1);
        const int decile = int(10 * (s + 1) / steps_per_epoch);
        const bool time_to_print = tty ? Clock::now() - last_print > std::chrono::milliseconds(500)
                                       : decile != last_decile;
        if (time_to_print || s + 1 == steps_per_epoch) {
          print_progress(epoch, double(s + 1) / double(steps_per_epoch), loss_sum / double(loss_count), elapsed,
                         eta, tty);
          last_print = Clock::now();
          last_decile = decile;
        }
      }
      const double val = mse_of(net_, val_);
      const double seconds = std::chrono::duration<double>(Clock::now() - t_epoch).count();
      history_.push_back({epoch + 1, loss_sum / double(loss_count), val, seconds});
      if (tty) std::fputc('\n', stderr);
      spdlog::info("{} epoch {}/{}: train MSE {:.6f}, validation MSE {:.6f} ({:.1f} s)", name_, epoch + 1,
                   o_.epochs, history_.back().train_loss, val, seconds);
      save_checkpoint(epoch + 1);
      const double minutes = std::chrono::duration<double>(Clock::now() - t_start).count() / 60;
      if (o_.max_minutes > 0 && minutes > o_.max_minutes && epoch + 1 < o_.epochs) {
        spdlog::warn("{}: stopping after {:.1f} min (--max-minutes); continue with --resume", name_, minutes);
        return 2;
      }
    }
    write_model();
    return 0;
  }

 private:
  void load_data() {
    JetBatch train, val;
    if (o_.data == "generate") {
      train = generate_jets(o_.data_seed, o_.train_jets);
      val = generate_jets(o_.data_seed + 1, o_.val_jets);
      data_desc_ = "jet generator (jets/jet_generator.h), seeds " + std::to_string(o_.data_seed) + " (train), " +
                   std::to_string(o_.data_seed + 1) + " (validation)";
    } else {
      JetBatch all = load_jets_npy(o_.data);
      if (all.n < 1000) throw std::invalid_argument("jet training: '" + o_.data + "' holds fewer than 1000 jets");
      const size_t n_val = std::min<size_t>(o_.val_jets, all.n / 10);
      train = slice_jets(all, 0, all.n - n_val);
      val = slice_jets(all, all.n - n_val, n_val);
      data_desc_ = o_.data + " (last " + std::to_string(n_val) + " jets for validation)";
    }
    if (train.schema_id != spec_.schema_id) {
      train = project_jets(train, spec_.schema_id);
      val = project_jets(val, spec_.schema_id);
    }
    norm_ = JetNormalisation::fit(spec_.schema_id, train, o_.standardise_angles);
    train_ = to_tensor(train, norm_);
    val_ = to_tensor(val, norm_);
    spdlog::info("{}: {} training jets, {} validation jets, schema {}", name_, train.n, val.n,
                 jet_schema(spec_.schema_id).name);
  }

  void make_optimizer() {
    if (o_.optimizer == "adamw")
      optimizer_ = std::make_unique<torch::optim::AdamW>(net_->parameters(),
                                                         torch::optim::AdamWOptions(o_.lr).weight_decay(o_.weight_decay));
    else
      optimizer_ = std::make_unique<torch::optim::Adam>(net_->parameters(),
                                                        torch::optim::AdamOptions(o_.lr).weight_decay(o_.weight_decay));
  }

  double lr_at(int64_t step, int64_t warmup, int64_t total) const {
    if (o_.schedule == "constant") return o_.lr;
    if (step < warmup) return o_.lr * double(step + 1) / double(warmup);
    const double p = double(step - warmup) / double(std::max<int64_t>(1, total - warmup));
    const double lo = o_.lr * 0.01;
    return lo + 0.5 * (o_.lr - lo) * (1 + std::cos(kPi * p));
  }

  void set_lr(double lr) {
    current_lr_ = lr;
    for (auto& g : optimizer_->param_groups()) {
      if (o_.optimizer == "adamw") static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
      else static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    }
  }

  void print_progress(int epoch, double frac, double loss, double elapsed, double eta, bool tty) const {
    constexpr int kWidth = 24;
    const int filled = int(frac * kWidth);
    std::string bar(size_t(filled), '=');
    if (filled < kWidth) bar += '>' + std::string(size_t(kWidth - filled - 1), ' ');
    const std::string val = history_.empty() ? "-" : fmt::format("{:.5f}", history_.back().val_loss);
    std::fprintf(stderr, "%s%s epoch %d/%d [%s] %3.0f%% loss %.5f val %s lr %.2e elapsed %s ETA %s%s",
                 tty ? "\r" : "", name_.c_str(), epoch + 1, o_.epochs, bar.c_str(), 100 * frac, loss, val.c_str(),
                 current_lr_, fmt_duration(elapsed).c_str(), fmt_duration(eta).c_str(), tty ? "  " : "\n");
    std::fflush(stderr);
  }

  fs::path ckpt(const char* file) const { return ckpt_dir_ / file; }

  void save_checkpoint(int epochs_done) {
    torch::save(net_, ckpt("model.pt.tmp").string());
    torch::save(*optimizer_, ckpt("optim.pt.tmp").string());
    nlohmann::json st = {{"arch", o_.arch}, {"latent_dim", spec_.latent_dim}, {"epochs_done", epochs_done},
                         {"seed", o_.seed}, {"data_seed", o_.data_seed}, {"history", history_json()}};
    std::ofstream(ckpt("state.json.tmp")) << st.dump(2);
    // Rename last-to-first so a crash never leaves state.json ahead of the weights it describes.
    fs::rename(ckpt("model.pt.tmp"), ckpt("model.pt"));
    fs::rename(ckpt("optim.pt.tmp"), ckpt("optim.pt"));
    fs::rename(ckpt("state.json.tmp"), ckpt("state.json"));
  }

  int load_checkpoint() {
    if (!fs::exists(ckpt("state.json"))) {
      spdlog::warn("{}: --resume but no checkpoint in {}; starting from scratch", name_,
                   ckpt_dir_.string());
      return 0;
    }
    nlohmann::json st;
    std::ifstream(ckpt("state.json")) >> st;
    if (st.at("arch") != o_.arch || st.at("latent_dim").get<int>() != spec_.latent_dim)
      throw std::invalid_argument("jet training: checkpoint is for " + st.at("arch").get<std::string>() + " z=" +
                                  std::to_string(st.at("latent_dim").get<int>()) + ", not this run");
    torch::load(net_, ckpt("model.pt").string());
    torch::load(*optimizer_, ckpt("optim.pt").string());
    for (const auto& h : st.at("history"))
      history_.push_back({h.at("epoch"), h.at("train_mse"), h.at("val_mse"), h.at("seconds")});
    const int done = st.at("epochs_done");
    spdlog::info("{}: resumed after epoch {}", name_, done);
    return done;
  }

  nlohmann::json history_json() const {
    nlohmann::json h = nlohmann::json::array();
    for (const auto& e : history_)
      h.push_back({{"epoch", e.epoch}, {"train_mse", e.train_loss}, {"val_mse", e.val_loss}, {"seconds", e.seconds}});
    return h;
  }

  void write_model() {
    const fs::path dir(o_.out_dir);
    write_state_dict(net_->encoder_state(), (dir / "encoder.pt").string());
    write_state_dict(net_->decoder_state(), (dir / "decoder.pt").string());
    double seconds = 0;
    for (const auto& h : history_) seconds += h.seconds;
    nlohmann::json card = {
        {"name", name_},
        {"arch", o_.arch},
        {"version", o_.version},
        {"schema", jet_schema(spec_.schema_id).name},
        {"latent_dim", spec_.latent_dim},
        {"latent_storage", "fp16"},
        {"layers", {{"encoder", spec_.encoder_widths}, {"decoder", spec_.decoder_widths},
                    {"activation", spec_.tanh ? "tanh" : "leaky_relu(0.01)"}}},
        {"encoder", "encoder.pt"},
        {"decoder", "decoder.pt"},
        {"encoder_sha256", sha256_file_hex((dir / "encoder.pt").string())},
        {"decoder_sha256", sha256_file_hex((dir / "decoder.pt").string())},
        {"normalisation", norm_.to_json()},
        {"training",
         {{"command", o_.command_line},
          {"seed", o_.seed},
          {"data", data_desc_},
          {"data_seed", o_.data_seed},
          {"train_jets", train_.size(0)},
          {"val_jets", val_.size(0)},
          {"epochs", o_.epochs},
          {"batch", o_.batch},
          {"lr", o_.lr},
          {"weight_decay", o_.weight_decay},
          {"optimizer", o_.optimizer},
          {"schedule", o_.schedule == "cosine" ? "1-epoch linear warm-up, cosine to lr*0.01" : "constant"},
          {"loss", "MSE in normalised units"},
          {"threads", o_.threads},
          {"seconds", seconds},
          {"history", history_json()}}},
    };
    std::ofstream(dir / "model.json") << card.dump(2) << "\n";

    if (o_.test_jets > 0) {  // measured metrics on held-out generated jets
      JetEvalArgs ea;
      ea.model_dir = o_.out_dir;
      ea.input = "generate:" + std::to_string(o_.test_jets) + ":" + std::to_string(o_.data_seed + 2);
      ea.threads = o_.threads;
      const JetEvalResult r = evaluate_jets(ea);
      card["metrics"] = jet_eval_to_json(r);
      card["metrics"]["command"] = "daqz eval --model " + o_.out_dir + " --input " + ea.input + " --json";
      std::ofstream(dir / "model.json") << card.dump(2) << "\n";
      spdlog::info("{}: test ratio {:.2f}, normalised MSE {:.3g}", name_, r.ratio, r.mse_normalised);
    }
    spdlog::info("{}: wrote {}", name_, (dir / "model.json").string());
  }

  JetTrainOptions o_;
  JetAeSpec spec_;
  std::string name_;
  std::string data_desc_;
  fs::path ckpt_dir_;
  JetNormalisation norm_;
  torch::Tensor train_, val_;
  JetAeNet net_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  double current_lr_ = 0;
  std::vector<History> history_;
};

}  // namespace

int run_jet_training(const JetTrainOptions& options) {
  try {
    return Trainer(options).run();
  } catch (const c10::Error& e) {
    spdlog::error("jet training: LibTorch: {}", e.what_without_backtrace());
  } catch (const std::exception& e) {
    spdlog::error("jet training: {}", e.what());
  }
  return 1;
}

}  // namespace daqz
