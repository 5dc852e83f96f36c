// Jet codec speed: autoencoder encoder cycles per jet (batched) and ATLAS float truncation GB/s.
//
//   build/bin/bench_jet_bench [--batch 1024] [--threads 1] [--seconds 2] [--model DIR ...]
//
// Cycles are TSC ticks (x86 time-stamp counter, which runs at the CPU's nominal frequency whatever
// the current clock), measured around each timed loop; the TSC rate is calibrated against
// steady_clock and printed, so cycles = seconds x nominal Hz. Per jet = ticks / jets, single
// process, `--threads` LibTorch threads (the cycles of all threads are NOT summed: with 2 threads
// the figure is wall-clock ticks per jet). Anchor: PyTorch CPU needed ~37,800 cycles per jet for
// compress + decompress (ATLAS jet AE study); goal <= 2,000 cycles per jet to encode.
// The encoder figure includes normalisation and the fp16 latent conversion when measured through
// the codec (--model), and the bare network otherwise (random weights: speed does not depend on them).
#include <CLI/CLI.hpp>
#include <torch/torch.h>
#include <x86intrin.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "codec/jet_float_trunc.h"
#include "jets/jet_generator.h"
#include "jets/jet_schema.h"
#include "models/jet_ae_module.h"
#include "models/torch_util.h"

using namespace daqz;
using Clock = std::chrono::steady_clock;

namespace {

double calibrate_tsc_hz() {
  const auto t0 = Clock::now();
  const uint64_t c0 = __rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const uint64_t c1 = __rdtsc();
  return double(c1 - c0) / std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs fn repeatedly for ~seconds; returns {ticks per call, seconds per call}.
template <typename Fn>
std::pair<double, double> time_it(Fn&& fn, double seconds) {
  fn();  // warm-up (oneDNN primitive creation, allocations)
  size_t calls = 0;
  const auto t0 = Clock::now();
  const uint64_t c0 = __rdtsc();
  do {
    fn();
    ++calls;
  } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds);
  const uint64_t c1 = __rdtsc();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return {double(c1 - c0) / calls, s / calls};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Jet codec speed: AE encoder cycles per jet, float truncation GB/s"};
  size_t batch = 1024;
  int threads = 1;
  double seconds = 2;
  app.add_option("--batch", batch, "jets per encoder call");
  app.add_option("--threads", threads, "LibTorch intra-op threads");
  app.add_option("--seconds", seconds, "time per measurement");
  CLI11_PARSE(app, argc, argv);
  set_torch_threads(threads);
  const double tsc_hz = calibrate_tsc_hz();
  std::printf("TSC %.3f GHz (nominal clock; cycles below are TSC ticks), %d LibTorch thread(s), batch %zu\n",
              tsc_hz / 1e9, threads, batch);

  const JetBatch jets = generate_jets(1, std::max<size_t>(batch, 1 << 16));
  std::printf("\n%-28s %10s %14s %14s %12s\n", "encoder", "precision", "cycles/jet", "jets/s", "GFLOP/s");
  for (const auto& [arch, z] : std::vector<std::pair<std::string, int>>{{"jet-ae-4d", 3}, {"jet-ae-27d", 8},
                                                                         {"jet-ae-27d", 12}, {"jet-ae-27d", 20}}) {
    const JetAeSpec spec = JetAeSpec::for_arch(arch, z);
    for (const char* prec : {"fp32", "bf16"}) {
      JetAeNet net(spec);
      net->eval();
      const auto dtype = parse_precision(prec);
      net->to(dtype);
      c10::InferenceMode guard;
      const auto x = torch::randn({int64_t(batch), spec.n_features}).to(dtype);
      const auto [ticks, secs] = time_it([&] { auto zt = net->encode(x); (void)zt; }, seconds);
      const std::string label = arch + (arch == "jet-ae-4d" ? "" : " z=" + std::to_string(z));
      std::printf("%-28s %10s %14.0f %14.0f %12.1f\n", label.c_str(), prec, ticks / batch, batch / secs,
                  2 * spec.encoder_macs() * batch / secs / 1e9);
      const auto [dticks, dsecs] = time_it([&] { auto y = net->forward(x); (void)y; }, seconds);
      std::printf("%-28s %10s %14.0f %14.0f %12.1f\n", (label + " enc+dec").c_str(), prec, dticks / batch,
                  batch / dsecs, 2 * (spec.encoder_macs() + spec.decoder_macs()) * batch / dsecs / 1e9);
    }
  }

  std::printf("\n%-36s %12s %12s\n", "float truncation (27D jets)", "GB/s in", "cycles/jet");
  const size_t n = jets.n;
  std::vector<float> out(jets.values.size());
  for (int bits : {7, 10}) {
    const auto [ticks, secs] = time_it([&] { truncate_floats(jets.values.data(), out.data(), out.size(), bits); },
                                       seconds / 2);
    std::printf("%-36s %12.2f %12.1f\n", ("truncate only, " + std::to_string(bits) + " bits").c_str(),
                jets.values.size() * 4 / secs / 1e9, ticks / n);
    const std::vector<int> per_col = float_trunc_bits(kJetSchemaTla27, 27, {{"bits", std::to_string(bits)}});
    std::vector<uint8_t> packed;
    const auto [pticks, psecs] = time_it([&] { packed = pack_truncated(jets.values.data(), n, per_col); }, seconds / 2);
    std::printf("%-36s %12.2f %12.1f   (ratio %.3f)\n", ("truncate+pack, " + std::to_string(bits) + " bits").c_str(),
                jets.values.size() * 4 / psecs / 1e9, pticks / n, double(jets.values.size() * 4) / packed.size());
    size_t r = 0, c = 0;
    const auto [uticks, usecs] = time_it([&] { auto v = unpack_truncated(packed.data(), packed.size(), &r, &c, nullptr); },
                                         seconds / 2);
    std::printf("%-36s %12.2f %12.1f\n", ("unpack, " + std::to_string(bits) + " bits").c_str(),
                jets.values.size() * 4 / usecs / 1e9, uticks / n);
  }
  return 0;
}
