// bench_bcae_encoder_bench: BCAE encoder throughput (wedges/s) on this machine, side by side with the
// compute limit (analytic FLOPs per wedge / peak FLOP/s of the cores used), for each model, precision
// (fp32, bf16, and for bcae-v1 bf16 with its first convolution in fp32, the codec's choice), batch size and
// memory format; plus the fidelity cost of a bf16 encoder: MSE of the probe wedge's reconstruction with a
// bf16 vs fp32 encoder (fp32 decoder, fp16 code). DAQZ_MALLOC_TUNING=0 measures with glibc's default
// allocator settings (util/tensor_allocator.h).
//
//   build-bcae/bin/bench_bcae_encoder_bench [--threads 2] [--seconds 4] [--batches 1,4,8]
//        [--model ../shared/anchors/bcae-v1] [--model deploy/models/bcae-2d-sim] [--ghz 2.6]
//
// Peak assumptions per core and cycle: fp32 AVX-512 with two FMA ports = 2 x 16 lanes x 2 = 64 FLOP;
// bf16 AVX512-BF16 (vdpbf16ps, two ports) = 128 FLOP; bf16 AMX (one 16x16x32 TDPBF16PS per 16 cycles)
// = 1024 FLOP. The clock is /proc/cpuinfo's "cpu MHz" unless --ghz is given.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <ctime>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/reconstruction_metrics.h"
#include "codec/model_repository.h"
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model.h"
#include "codec_torch/bcae_model_dir.h"
#include "codec_torch/torch_util.h"
#include "base/tensor_allocator.h"
#include "base/npy.h"

// Paths relative to the repository root (run the bench from there) unless the build defines them.
#ifndef DAQZ_BENCH_SHARED_DIR
#define DAQZ_BENCH_SHARED_DIR "../shared"
#endif
#ifndef DAQZ_BENCH_SOURCE_DIR
#define DAQZ_BENCH_SOURCE_DIR "."
#endif

namespace {

using namespace daqz;
using Clock = std::chrono::steady_clock;

double cpu_ghz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("cpu MHz", 0) == 0) return std::stod(line.substr(line.find(':') + 1)) / 1000.0;
  return 0;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a;
  in >> a;
  return a;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Rate {
  double wall = 0;  // wedges per wall-clock second
  double cpu = 0;   // wedges per CPU-second of this process (robust to other processes on shared cores)
};

// Encoder wedges/s for one configuration: warm-up, then batches until `seconds` have passed.
Rate measure(BcaeModel& model, int batch, double seconds) {
  c10::InferenceMode guard;
  auto x = (torch::rand({batch, 192, 249, 16}) * 400).floor().mul_(torch::rand({batch, 192, 249, 16}).lt(0.1));
  model.encode(x);  // warm-up (oneDNN primitive creation)
  int64_t wedges = 0;
  const double c0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    model.encode(x);
    wedges += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < seconds);
  return {double(wedges) / elapsed, double(wedges) / (process_cpu_seconds() - c0)};
}

struct Loaded {
  std::string label;
  std::string dir;
  std::unique_ptr<BcaeModel> model;
};

// The shipped models, for --model NAME and the defaults.
daqz::ModelRepository shipped_models() {
  return daqz::ModelRepository({std::string(DAQZ_BENCH_SOURCE_DIR) + "/deploy/models"});
}

// `model_or_arch`: a model directory, a shipped model's name[@version], or an architecture name.
Loaded load(const std::string& model_or_arch) {
  Loaded l;
  std::optional<daqz::ModelCard> found;
  try {
    found = shipped_models().resolve(model_or_arch);
  } catch (const daqz::ModelNotFoundError&) {
  }
  if (found) {
    auto [model, card] = load_bcae_model_dir(found->dir, /*verify=*/false);
    l.label = card.name + " (" + card.arch + ")";
    l.dir = found->dir;
    l.model = std::move(model);
  } else {  // an architecture name: random weights (speed does not depend on them)
    torch::manual_seed(1);
    l.model = make_bcae_model(model_or_arch);
    init_bcae_weights(l.model->encoder());
    init_bcae_weights(l.model->decoder());
    l.label = model_or_arch + " (random weights)";
  }
  return l;
}

// MSE of the probe reconstruction with the encoder in `precision` (decoder fp32, code fp16).
double probe_mse(BcaeModel& model, const DenseWedge& wedge, at::ScalarType precision, double threshold) {
  c10::InferenceMode guard;
  model.encoder().to(precision);
  std::vector<float> v(wedge.adc.begin(), wedge.adc.end());
  auto x = torch::from_blob(v.data(), {1, 192, 249, 16}, torch::kFloat).clone();
  auto code = model.encode(x).to(torch::kHalf).to(torch::kFloat);
  auto [seg, reg] = model.decode(code);
  auto recon = combine_bcae_output(seg, reg, threshold).contiguous();
  MetricsAccumulator acc;
  acc.add_wedge(wedge, recon.data_ptr<float>(), size_t(recon.numel()));
  model.encoder().to(torch::kFloat);
  return acc.summary().mse;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BCAE encoder throughput vs the compute limit, fp32 vs bf16"};
  int threads = 2;
  double seconds = 4;
  std::vector<int> batches{1, 4, 8};
  std::vector<std::string> models;
  std::string probe = std::string(DAQZ_BENCH_SHARED_DIR) + "/anchors/bcae-v1/probe_wedge.npy";
  double ghz = 0;
  bool no_channels_last = false;
  app.add_option("--threads", threads, "LibTorch intra-op threads")->capture_default_str();
  app.add_option("--seconds", seconds, "Measuring time per configuration")->capture_default_str();
  app.add_option("--batches", batches, "Batch sizes")->delimiter(',');
  app.add_option("--model", models,
                 "Model directory, shipped model name[@version], or architecture name (repeatable)");
  app.add_option("--probe", probe, "Probe wedge for the bf16 fidelity check");
  app.add_option("--ghz", ghz, "Core clock for the peak (default: /proc/cpuinfo)");
  app.add_flag("--no-channels-last", no_channels_last, "Skip the channels-last variants");
  CLI11_PARSE(app, argc, argv);
  if (models.empty()) {
    const auto anchor =
        daqz::ModelRepository({std::string(DAQZ_BENCH_SHARED_DIR) + "/anchors"}).first_with_arch("bcae-v1");
    models.push_back(anchor ? anchor->dir : "bcae-v1");
    const auto shipped = shipped_models().first_with_arch("bcae-2d");
    models.push_back(shipped ? shipped->dir : "bcae-2d");
  }
  set_torch_threads(threads);
  const bool allocator_tuned = keep_freed_tensor_memory();
  if (ghz <= 0) ghz = cpu_ghz();
  const double peak_fp32 = threads * ghz * 1e9 * 64;
  const double peak_bf16 = threads * ghz * 1e9 * 128;
  const double peak_amx = threads * ghz * 1e9 * 1024;
  std::printf("threads %d, clock %.2f GHz, load average %s (the cores are shared: figures are lower bounds)\n",
              threads, ghz, load_average().c_str());
  std::printf("allocator: %s\n", allocator_tuned ? "freed tensor memory kept (util/tensor_allocator.h)"
                                                  : "glibc defaults (DAQZ_MALLOC_TUNING=0)");
  std::printf("peak: fp32 AVX-512 FMA %.0f GFLOP/s, bf16 AVX512-BF16 %.0f GFLOP/s, bf16 AMX %.0f GFLOP/s\n\n",
              peak_fp32 / 1e9, peak_bf16 / 1e9, peak_amx / 1e9);

  for (const auto& m : models) {
    Loaded l = load(m);
    BcaeModel& model = *l.model;
    const double flops = 2 * model.encoder_macs();
    std::printf("== %s: encoder %.3f GFLOP/wedge (analytic, every conv) -> limit fp32 %.1f, bf16 %.1f (AMX %.0f) "
                "wedges/s\n", l.label.c_str(), flops / 1e9, peak_fp32 / flops, peak_bf16 / flops, peak_amx / flops);
    std::printf("%-12s %-6s %-14s %10s %12s %12s %14s\n", "prec", "batch", "layout", "wedges/s", "GFLOP/s",
                "% of peak", "wedges/CPU-s");
    // bf16 twice: every layer in bf16, and "bf16/fp32-in" with the first convolution in fp32 (bcae-v1 only).
    const std::vector<std::pair<at::ScalarType, bool>> variants{
        {at::kFloat, false}, {at::kBFloat16, false}, {at::kBFloat16, true}};
    for (const auto& [prec, fp32_first] : variants) {
      if (fp32_first && l.model->arch() != "bcae-v1") continue;
      model.set_fp32_first_conv(fp32_first);
      const std::string prec_label = fp32_first ? "bf16/fp32-in" : precision_name(prec);
      model.encoder().to(prec);
      for (const bool cl : {false, true}) {
        if (cl && no_channels_last) continue;
        model.set_channels_last(cl);
        for (const int b : batches) {
          Rate rate;
          try {
            rate = measure(model, b, seconds);
          } catch (const c10::Error& e) {
            std::printf("%-12s %-6d %-14s failed: %s\n", prec_label.c_str(), b,
                        cl ? "channels-last" : "contiguous", e.what_without_backtrace());
            continue;
          }
          const double peak = prec == at::kFloat ? peak_fp32 : peak_bf16;
          std::printf("%-12s %-6d %-14s %10.2f %12.1f %11.1f%% %14.2f\n", prec_label.c_str(), b,
                      cl ? "channels-last" : "contiguous", rate.wall, rate.wall * flops / 1e9,
                      100 * rate.wall * flops / peak, rate.cpu);
          std::fflush(stdout);
        }
      }
      model.set_channels_last(false);
      model.encoder().to(torch::kFloat);
    }
    if (std::filesystem::exists(probe)) {
      const DenseWedge wedge = wedge_from_npy(read_npy(probe), probe);
      const double h = l.dir.empty() ? 0.5 : load_model_card(l.dir).threshold;
      model.set_fp32_first_conv(false);
      const double mse32 = probe_mse(model, wedge, at::kFloat, h);
      const double mse16 = probe_mse(model, wedge, at::kBFloat16, h);
      model.set_fp32_first_conv(true);
      const double mse16m = probe_mse(model, wedge, at::kBFloat16, h);
      std::printf("probe MSE: fp32 encoder %.2f, bf16 encoder %.2f (%+.2f%%), bf16/fp32-in encoder %.2f (%+.2f%%)\n\n",
                  mse32, mse16, 100 * (mse16 - mse32) / mse32, mse16m, 100 * (mse16m - mse32) / mse32);
    }
  }
  return 0;
}
