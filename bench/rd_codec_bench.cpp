// bench_rd_codec_bench: the cost of entropy-coded latents, side by side with the fp16 codec in one run.
//
//   build/bin/bench_rd_codec_bench --model deploy/models/bcae-v1-sim-ft --bits 5,6,8 --threads 2
//   build/bin/bench_rd_codec_bench --input runs/data/sim-test --max-wedges 24
//
// For each K it prints: bytes per wedge and ratio; the codec's encode wedges/s for fp16 and bits=K
// (same wedges, same thread count, alternated passes so drift in machine load hits both alike) and
// the encode time entropy coding adds, measured two ways (codec difference; quantise + rANS alone on
// the same latents, single thread, relative to the fp16 codec's per-wedge time); entropy decoding
// (payload -> float latent, rANS + dequantisation) in wedges/s on ONE core; the memory a codec
// instance holds for entropy coding (tables + the decoding index of one K); and the RSS growth of one
// more codec instance, fp16 vs bits=K.
// Targets (issue 13): entropy coding adds <= 5 % to a wedge's encode time; entropy decode >= 1,000
// wedges/s per core.
#include <CLI/CLI.hpp>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/latent_coder.h"
#include "codec/latent_store.h"
#include "codec_torch/bcae_model_dir.h"
#include "codec_torch/neural_codecs.h"
#include "codec_torch/torch_util.h"
#include "sim/tpc_simulator.h"
#include "sim/wedge_source.h"
#include "base/tensor_allocator.h"

namespace {

using namespace daqz;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of the calling thread: per-core figures that do not depend on how busy the machine is.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::vector<SparseWedge> load_wedges(const std::string& input, size_t max_wedges) {
  std::vector<SparseWedge> out;
  if (input.empty()) {
    TpcSimulator sim{TpcSimConfig{}};
    for (auto& w : sim.simulate_event(4242, 0))
      if (out.size() < max_wedges) out.push_back(std::move(w));
    return out;
  }
  auto src = make_npy_folder_source(input, false);
  while (out.size() < max_wedges)
    if (auto w = src->next()) out.push_back(std::move(*w)); else break;
  return out;
}

// Seconds per wedge of codec->encode, one wedge per call, over `passes` passes.
double encode_seconds_per_wedge(WedgeCodec& codec, const std::vector<SparseWedge>& wedges, size_t* bytes) {
  const auto t0 = Clock::now();
  size_t total = 0;
  for (const auto& w : wedges) total += codec.encode({&w}).at(0).bytes.size();
  if (bytes) *bytes = total / wedges.size();
  return seconds_since(t0) / double(wedges.size());
}

// Resident set size of this process, KiB (/proc/self/status VmRSS).
long rss_kib() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  std::fclose(f);
  return kib;
}

// RSS growth from creating one more codec instance and encoding + decoding one wedge with it (weights,
// tables, decoding index, first activations; the allocator keeps freed blocks, so this is an upper bound).
long instance_rss_kib(const CodecOptions& o, const SparseWedge& w) {
  const long before = rss_kib();
  auto codec = make_wedge_codec("bcae", o);
  codec->decode(codec->encode({&w}).at(0));
  return rss_kib() - before;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_rd_codec_bench: entropy-coded BCAE latents vs fp16, encode overhead and decode speed"};
  std::string model_dir = "deploy/models/bcae-v1-sim-ft", input;
  std::vector<uint32_t> bits = {5, 6, 8};
  size_t max_wedges = 12;
  int threads = 2, passes = 3, decode_repeat = 50;
  app.add_option("--model", model_dir, "BCAE model directory with latent tables")->capture_default_str();
  app.add_option("--input", input, "Folder of .npy wedges (default: one simulated Au+Au event)");
  app.add_option("--max-wedges", max_wedges, "Wedges")->capture_default_str();
  app.add_option("--bits", bits, "Operating points K")->delimiter(',')->capture_default_str();
  app.add_option("--threads", threads, "LibTorch threads of the codecs (encode)")->capture_default_str();
  app.add_option("--passes", passes, "Alternating fp16 / bits=K encode passes")->capture_default_str();
  app.add_option("--decode-repeat", decode_repeat, "Entropy-decode passes over the payloads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  register_neural_codecs();  // the bcae codec reaches a binary by registration
  keep_freed_tensor_memory();
  const std::vector<SparseWedge> wedges = load_wedges(input, max_wedges);
  std::printf("model %s, %zu wedges, encode threads %d, entropy coding on one thread\n", model_dir.c_str(),
              wedges.size(), threads);

  // Float latents of the wedges, for timing the entropy coder alone.
  auto [model, card] = load_bcae_model_dir(model_dir);
  set_torch_threads(threads);
  std::vector<std::vector<float>> latents;
  size_t channels = 0, per_channel = 0;
  {
    c10::InferenceMode guard;
    for (const auto& w : wedges) {
      const DenseWedge d = to_dense(w);
      std::vector<float> v(d.adc.begin(), d.adc.end());
      auto code = model->encode(torch::from_blob(v.data(), {1, 192, 249, 16}, torch::kFloat)).contiguous();
      channels = size_t(code.size(1));
      per_channel = size_t(code.numel()) / channels;
      latents.emplace_back(code.data_ptr<float>(), code.data_ptr<float>() + code.numel());
    }
  }

  CodecOptions fp16_options;
  fp16_options.model_dir = model_dir;
  fp16_options.intra_op_threads = threads;
  fp16_options.params["bits"] = "fp16";
  auto fp16 = make_wedge_codec("bcae", fp16_options);
  encode_seconds_per_wedge(*fp16, {wedges.front()}, nullptr);  // warm-up (kernels, allocations)

  std::printf("\n%-5s %9s %7s %11s %11s %9s %11s %11s %11s %12s %12s %11s\n", "bits", "bytes", "ratio", "fp16 enc/s",
              "K enc/s", "added %", "rANS add %", "ent.enc us", "(cpu us)", "ent.dec w/s", "(per cpu s)", "memory KiB");
  for (uint32_t k : bits) {
    CodecOptions o = fp16_options;
    o.params["bits"] = std::to_string(k);
    auto codec = make_wedge_codec("bcae", o);
    encode_seconds_per_wedge(*codec, {wedges.front()}, nullptr);
    double fp16_s = 0, k_s = 0;
    size_t bytes = 0;
    for (int p = 0; p < passes; ++p) {
      fp16_s += encode_seconds_per_wedge(*fp16, wedges, nullptr) / passes;
      k_s += encode_seconds_per_wedge(*codec, wedges, &bytes) / passes;
    }
    // Quantisation + rANS alone on the same latents (what bits=K adds to the fp16 conversion).
    LatentStore store(card, o.params, true);
    std::vector<std::vector<uint8_t>> payloads;
    const auto t_enc = Clock::now();
    const double cpu_enc = thread_cpu_seconds();
    for (int r = 0; r < 5; ++r) {
      payloads.clear();
      for (const auto& l : latents) payloads.push_back(store.encode(l.data(), channels, per_channel));
    }
    const double entropy_encode_s = seconds_since(t_enc) / (5.0 * double(latents.size()));
    const double entropy_encode_cpu_s = (thread_cpu_seconds() - cpu_enc) / (5.0 * double(latents.size()));
    EncodedRecord rec;
    store.stamp(rec);
    const auto t_dec = Clock::now();
    const double cpu_dec = thread_cpu_seconds();
    size_t decoded = 0;
    for (int r = 0; r < decode_repeat; ++r)
      for (const auto& p : payloads) {
        rec.bytes = p;
        decoded += store.decode(rec, channels, per_channel).size() > 0;
      }
    const double decode_rate = double(decoded) / seconds_since(t_dec);
    const double decode_rate_cpu = double(decoded) / (thread_cpu_seconds() - cpu_dec);
    const double ratio = double(kOuterWedgeShape.voxels() * 2) / double(bytes);
    std::printf("%-5u %9zu %7.1f %11.2f %11.2f %8.2f%% %10.2f%% %11.1f %11.1f %12.0f %12.0f %11.1f\n", k, bytes, ratio,
                1 / fp16_s, 1 / k_s, 100 * (k_s - fp16_s) / fp16_s, 100 * entropy_encode_s / fp16_s,
                1e6 * entropy_encode_s, 1e6 * entropy_encode_cpu_s, decode_rate, decode_rate_cpu,
                double(store.memory_bytes()) / 1024);
  }
  // Instance memory last, after every kernel and allocator pool above is warm.
  CodecOptions k_options = fp16_options;
  k_options.params["bits"] = std::to_string(bits.back());
  const long rss_fp16 = instance_rss_kib(fp16_options, wedges.front());
  const long rss_k = instance_rss_kib(k_options, wedges.front());
  std::printf("\none more codec instance (create + encode + decode one wedge): RSS +%.1f MiB fp16, +%.1f MiB bits=%u\n",
              double(rss_fp16) / 1024, double(rss_k) / 1024, bits.back());
  std::printf("\nadded %%: (bits=K encode time - fp16 encode time) / fp16 encode time, whole codec (noisy: load);\n"
              "rANS add %%: quantise + rANS of one latent / fp16 codec time per wedge (target <= 5 %%);\n"
              "ent.dec w/s: rANS decode + dequantisation per wedge, one core (target >= 1000); (cpu ...): the same per\n"
              "second of the thread's CPU time, i.e. per core whatever else the machine runs.\n");
  return 0;
}
