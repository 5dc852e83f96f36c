// bench_gpu_codec_bench: the BCAE encoder on a GPU (or, for a dry run, the CPU), two measurements:
//
//  1. encoder throughput — each model x precision (fp16, bf16, fp32) x batch size (1 ... 256): wedges/s
//     on device-resident inputs, and the fraction of the device's peak FLOP/s that is (analytic encoder
//     FLOPs per wedge; the peak is --peak-tflops, e.g. ~790 bf16/fp16 dense for one H200 as measured);
//  2. the end-to-end feeding path — simulated zero-suppressed wedges packed as run lists on the host
//     (pinned), copied to the device, densified there (codec_torch/densify.h), encoded, the latents copied
//     back: wedges/s, the bytes that crossed PCIe per wedge (vs a dense fp32 copy), and checks that the
//     device densify equals the host conversion bit for bit and that the device latents match the
//     CPU encoder's (same weights) within the precision's tolerance.
//
//   bench_gpu_codec_bench --device cuda --model deploy/models/bcae-2d-sim --model deploy/models/bcae-v1-sim-ft
//                         --batches 1,8,32,128,256 --precisions fp16,bf16 --seconds 3 --json
//
// Built by the torch-only build (bench/gpu/run.sh does it on a GPU machine) and the full build.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "base/wedge.h"
#include "codec_torch/bcae_model.h"
#include "codec_torch/bcae_model_dir.h"
#include "codec_torch/densify.h"
#include "codec_torch/torch_util.h"
#include "sim/tpc_simulator.h"

namespace {

using namespace daqz;
using Clock = std::chrono::steady_clock;

void sync(const torch::Device& device) {
#if DAQZ_HAVE_CUDA
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
#else
  (void)device;
#endif
}

// Runs `step` (one batch) repeatedly for `seconds` after a warm-up; returns batches per second.
template <typename Step>
double batches_per_second(const torch::Device& device, double seconds, Step step) {
  for (int i = 0; i < 3; ++i) step();
  sync(device);
  const auto t0 = Clock::now();
  int64_t batches = 0;
  double elapsed = 0;
  do {
    step();
    ++batches;
    sync(device);
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < seconds);
  return double(batches) / elapsed;
}

std::vector<SparseWedge> simulated_wedges(int n, uint64_t seed) {
  auto source = make_tpc_sim_source(TpcSimConfig{}, seed, 0);
  std::vector<SparseWedge> out;
  while (int(out.size()) < n)
    if (auto w = source->next()) out.push_back(std::move(*w));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string device_name = "cuda";
  std::vector<std::string> models;
  std::vector<int> batches{1, 8, 32, 128, 256};
  std::vector<std::string> precisions{"fp16", "bf16"};
  double seconds = 3, peak_tflops = 790;
  int threads = 2, e2e_wedges = 256, e2e_batch = 32;
  bool json = false;
  CLI::App app{"bench_gpu_codec_bench: BCAE encoder throughput and the zero-suppressed GPU feeding path"};
  app.add_option("--device", device_name, "cuda[:N], or cpu for a dry run")->capture_default_str();
  app.add_option("--model", models, "Model directory (repeatable)")->required();
  app.add_option("--batches", batches, "Batch sizes")->delimiter(',');
  app.add_option("--precisions", precisions, "Encoder precisions: fp16, bf16, fp32")->delimiter(',');
  app.add_option("--seconds", seconds, "Measuring time per configuration")->capture_default_str();
  app.add_option("--peak-tflops", peak_tflops, "Device peak for the precision, dense TFLOP/s (for % of peak)")
      ->capture_default_str();
  app.add_option("--threads", threads, "LibTorch CPU threads (CPU dry runs, the reference encoder)")->capture_default_str();
  app.add_option("--e2e-wedges", e2e_wedges, "Simulated wedges in the end-to-end check")->capture_default_str();
  app.add_option("--e2e-batch", e2e_batch, "Batch size of the end-to-end check")->capture_default_str();
  app.add_flag("--json", json, "One JSON document on stdout");
  CLI11_PARSE(app, argc, argv);

  set_torch_threads(threads);
  const torch::Device device = parse_torch_device(device_name);
  c10::InferenceMode guard;
  const WedgeShape shape = kOuterWedgeShape;
  nlohmann::json report = {{"device", device_name}, {"peak_tflops", peak_tflops}, {"encoder", nlohmann::json::array()},
                           {"end_to_end", nlohmann::json::array()}};

  const std::vector<SparseWedge> wedges = simulated_wedges(std::max(e2e_wedges, 8), 11);
  for (const auto& dir : models) {
    auto [model, card] = load_bcae_model_dir(dir);
    model->encoder().eval();
    const double flops_per_wedge = 2.0 * model->encoder_macs();
    for (const auto& p_name : precisions) {
      const at::ScalarType precision = parse_precision(p_name);
      if (precision == at::kHalf && !device.is_cuda()) continue;  // no fp16 convolutions on CPUs
      model->encoder().to(device, precision);
      for (int batch : batches) {
        torch::Tensor x = torch::rand({batch, shape.azimuth, shape.time, shape.layer},
                                      torch::TensorOptions().device(device)) * 300;
        const double bps = batches_per_second(device, seconds, [&] { (void)model->encode(x); });
        const double wps = bps * batch;
        const double pct = 100.0 * wps * flops_per_wedge / (peak_tflops * 1e12);
        report["encoder"].push_back({{"model", card.name}, {"arch", card.arch}, {"precision", p_name},
                                     {"batch", batch}, {"wedges_per_s", wps}, {"percent_of_peak", pct},
                                     {"gflop_per_wedge", flops_per_wedge * 1e-9}});
        if (!json)
          std::printf("%-16s %-5s batch %4d  %10.1f wedges/s  %6.2f %% of %.0f TFLOP/s\n", card.name.c_str(),
                      p_name.c_str(), batch, wps, pct, peak_tflops);
      }
    }

    // End to end: run lists -> device -> densify -> encode -> latents on the host.
    const at::ScalarType precision = device.is_cuda() ? at::kHalf : at::kFloat;
    model->encoder().to(device, precision);
    std::vector<const SparseWedge*> batch;
    for (int i = 0; i < e2e_batch; ++i) batch.push_back(&wedges[size_t(i) % wedges.size()]);
    const PackedWedgeRuns packed = pack_wedge_runs(batch, shape, device.is_cuda());
    // Checks first: densify equals the host conversion; latents match a CPU fp32 encoder.
    const torch::Tensor dense_dev = densify_on_device(packed, device).to(torch::kCPU);
    bool densify_exact = true;
    for (size_t i = 0; i < batch.size() && densify_exact; ++i) {
      const DenseWedge host = to_dense(*batch[i]);
      const torch::Tensor ref = torch::from_blob(const_cast<uint16_t*>(host.adc.data()),
                                                 {shape.azimuth, shape.time, shape.layer}, torch::kInt16)
                                    .to(torch::kFloat);
      densify_exact = torch::equal(dense_dev[int64_t(i)], ref);
    }
    const torch::Tensor code_dev =
        model->encode(densify_on_device(packed, device, precision)).to(torch::kFloat).to(torch::kCPU);
    auto [cpu_model, cpu_card] = load_bcae_model_dir(dir);
    cpu_model->encoder().eval();
    const torch::Tensor code_cpu = cpu_model->encode(dense_dev);
    const double max_abs = (code_dev - code_cpu).abs().max().item<double>();
    const double scale = code_cpu.abs().max().item<double>();
    const double bps = batches_per_second(device, seconds, [&] {
      const PackedWedgeRuns p = pack_wedge_runs(batch, shape, device.is_cuda());
      torch::Tensor code = model->encode(densify_on_device(p, device, precision)).to(torch::kHalf).to(torch::kCPU);
      (void)code;
    });
    const double packed_bytes_per_wedge = double(packed.host.numel() * 2) / double(batch.size());
    const double dense_fp32_bytes = double(shape.voxels()) * 4;
    const double wps = bps * double(batch.size());
    report["end_to_end"].push_back({{"model", card.name}, {"precision", precision_name(precision)},
                                    {"batch", batch.size()}, {"wedges_per_s", wps},
                                    {"h2d_bytes_per_wedge", packed_bytes_per_wedge},
                                    {"dense_fp32_bytes_per_wedge", dense_fp32_bytes},
                                    {"h2d_gbytes_per_s_at_15k", packed_bytes_per_wedge * 15000 * 1e-9},
                                    {"densify_bit_exact", densify_exact},
                                    {"latent_max_abs_diff_vs_cpu_fp32", max_abs}, {"latent_max_abs", scale}});
    if (!json)
      std::printf("%-16s e2e %-5s batch %3zu  %10.1f wedges/s  H2D %.0f B/wedge (dense fp32 %.0f)  densify %s  "
                  "latent |diff| max %.4f of %.2f\n",
                  card.name.c_str(), precision_name(precision).c_str(), batch.size(), wps, packed_bytes_per_wedge,
                  dense_fp32_bytes, densify_exact ? "bit-exact" : "DIFFERS", max_abs, scale);
    if (!densify_exact) {
      std::fprintf(stderr, "densify on %s differs from the host conversion\n", device_name.c_str());
      return 1;
    }
  }
  if (json) std::cout << report.dump(2) << std::endl;
  return 0;
}
