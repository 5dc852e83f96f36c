// Jet codec speed: autoencoder encoder cycles per jet (batched) and ATLAS float truncation GB/s.
//
//   build/bin/bench_jet_bench [--batch 1024] [--threads 1] [--seconds 2] [--model DIR_OR_NAME ...]
//
// Two cycle figures per row, both at the nominal clock (the TSC rate, calibrated against
// steady_clock and printed; TSC ticks at the nominal frequency whatever the current clock):
//   wall cycles/jet = TSC ticks elapsed around the timed loop / jets (= wall seconds x nominal Hz);
//   cpu cycles/jet  = process CPU seconds (CLOCK_PROCESS_CPUTIME_ID, all threads summed) x nominal
//                     Hz / jets: robust to being descheduled on a shared machine, which the wall
//                     figure is not. With 1 thread and an idle machine the two agree. Anchor: PyTorch CPU needed ~37,800 cycles per jet for
// compress + decompress (ATLAS jet AE study); goal <= 2,000 cycles per jet to encode.
// The encoder figure includes normalisation and the fp16 latent conversion when measured through
// the codec (--model), and the bare network otherwise (random weights: speed does not depend on them).
#include <CLI/CLI.hpp>
#include <torch/torch.h>
#include <x86intrin.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "codec_torch/neural_codecs.h"
#include "codec/codec.h"
#include "codec/jet_float_trunc.h"
#include "codec/model_repository.h"
#include "sim/jet_generator.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "codec_torch/torch_util.h"

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

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double g_tsc_hz = 0;

struct Timing {
  double wall_ticks;   // per call
  double wall_seconds; // per call
  double cpu_ticks;    // per call: CPU seconds x nominal Hz
};

// Runs fn repeatedly for ~seconds.
template <typename Fn>
Timing time_it(Fn&& fn, double seconds) {
  fn();  // warm-up (oneDNN primitive creation, allocations)
  size_t calls = 0;
  const auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  const uint64_t c0 = __rdtsc();
  do {
    fn();
    ++calls;
  } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds);
  const uint64_t c1 = __rdtsc();
  const double cpu = cpu_seconds() - cpu0;
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return {double(c1 - c0) / calls, s / calls, cpu * g_tsc_hz / calls};
}

}  // namespace

int main(int argc, char** argv) {
  daqz::register_neural_codecs();
  CLI::App app{"Jet codec speed: AE encoder cycles per jet, float truncation GB/s"};
  size_t batch = 1024;
  int threads = 1;
  double seconds = 2;
  app.add_option("--batch", batch, "jets per encoder call");
  app.add_option("--threads", threads, "LibTorch intra-op threads");
  app.add_option("--seconds", seconds, "time per measurement");
  std::vector<std::string> models;
  app.add_option("--model", models, "model directories or names[@version] to time through the jet-ae codec (normalisation, fp16)");
  CLI11_PARSE(app, argc, argv);
  set_torch_threads(threads);
  const double tsc_hz = calibrate_tsc_hz();
  g_tsc_hz = tsc_hz;
  std::printf("TSC %.3f GHz (nominal clock; cycles below are TSC ticks), %d LibTorch thread(s), batch %zu\n",
              tsc_hz / 1e9, threads, batch);

  const JetBatch jets = generate_jets(1, std::max<size_t>(batch, 1 << 16));
  std::printf("\n%-28s %10s %16s %16s %12s %12s\n", "network", "precision", "wall cycles/jet", "cpu cycles/jet",
              "jets/s", "GFLOP/s");
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
      const Timing e = time_it([&] { auto zt = net->encode(x); (void)zt; }, seconds);
      const std::string label = arch + (arch == "jet-ae-4d" ? "" : " z=" + std::to_string(z));
      std::printf("%-28s %10s %16.0f %16.0f %12.0f %12.1f\n", (label + " encode").c_str(), prec, e.wall_ticks / batch,
                  e.cpu_ticks / batch, batch / e.wall_seconds, 2 * spec.encoder_macs() * batch / e.wall_seconds / 1e9);
      const Timing d = time_it([&] { auto y = net->forward(x); (void)y; }, seconds);
      std::printf("%-28s %10s %16.0f %16.0f %12.0f %12.1f\n", (label + " enc+dec").c_str(), prec, d.wall_ticks / batch,
                  d.cpu_ticks / batch, batch / d.wall_seconds,
                  2 * (spec.encoder_macs() + spec.decoder_macs()) * batch / d.wall_seconds / 1e9);
    }
  }

  if (!models.empty())
    std::printf("\n%-36s %10s %16s %16s %12s\n", "jet-ae codec encode (whole record)", "precision", "wall cycles/jet",
                "cpu cycles/jet", "jets/s");
  for (const auto& model : models) {
    const ModelCard card = ModelRepository(ModelRepository::default_roots()).resolve(model);
    for (const char* prec : {"fp32", "bf16"}) {
      CodecOptions o;
      o.model_dir = card.dir;
      o.intra_op_threads = threads;
      o.params["precision"] = prec;
      auto codec = make_jet_codec("jet-ae", o);
      JetBatch part = jets;
      part.n = uint32_t(batch);
      part.values.resize(batch * 27);
      if (card.arch == "jet-ae-4d") part = project_jets(part, kJetSchemaTla4);
      const Timing t = time_it([&] { auto r = codec->encode(part); (void)r; }, seconds);
      std::printf("%-36s %10s %16.0f %16.0f %12.0f\n", codec->descriptor().model_name.c_str(), prec, t.wall_ticks / batch,
                  t.cpu_ticks / batch, batch / t.wall_seconds);
    }
  }

  std::printf("\n%-36s %12s %16s %16s\n", "float truncation (27D jets)", "GB/s in", "wall cycles/jet",
              "cpu cycles/jet");
  const size_t n = jets.n;
  std::vector<float> out(jets.values.size());
  for (int bits : {7, 10}) {
    const Timing t = time_it([&] { truncate_floats(jets.values.data(), out.data(), out.size(), bits); }, seconds / 2);
    std::printf("%-36s %12.2f %16.1f %16.1f\n", ("truncate only, " + std::to_string(bits) + " bits").c_str(),
                jets.values.size() * 4 / t.wall_seconds / 1e9, t.wall_ticks / n, t.cpu_ticks / n);
    const std::vector<int> per_col = float_trunc_bits(kJetSchemaTla27, 27, {{"bits", std::to_string(bits)}});
    std::vector<uint8_t> packed;
    const Timing p = time_it([&] { packed = pack_truncated(jets.values.data(), n, per_col); }, seconds / 2);
    std::printf("%-36s %12.2f %16.1f %16.1f   (ratio %.3f)\n",
                ("truncate+pack, " + std::to_string(bits) + " bits").c_str(), jets.values.size() * 4 / p.wall_seconds / 1e9,
                p.wall_ticks / n, p.cpu_ticks / n, double(jets.values.size() * 4) / packed.size());
    size_t r = 0, c = 0;
    const Timing u = time_it([&] { auto v = unpack_truncated(packed.data(), packed.size(), &r, &c, nullptr); },
                             seconds / 2);
    std::printf("%-36s %12.2f %16.1f %16.1f\n", ("unpack, " + std::to_string(bits) + " bits").c_str(),
                jets.values.size() * 4 / u.wall_seconds / 1e9, u.wall_ticks / n, u.cpu_ticks / n);
  }
  return 0;
}
