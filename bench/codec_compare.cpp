// bench_codec_compare: model-free TPC wedge codecs side by side on the same wedges — daqz's lossless
// codec (zstd levels), ZFP (fixed-accuracy, fixed-rate), plain zstd and lz4 of the dense 16-bit array
// and of the zero-suppressed wire payload. Bytes per wedge, ratio to the dense array, encode/decode
// MB/s (of dense bytes, 2 bytes/voxel) and wedges/s, single thread.
//
//   build/bin/bench_codec_compare                                  # 1 simulated event = 24 wedges
//   build/bin/bench_codec_compare --input ../shared/anchors/bcae-v1/probe_wedge.npy --repeat 5
//   build/bin/bench_codec_compare --sim-events 2 --seed 3
//
// Lossless entries are checked bit-exact on every wedge (the run aborts otherwise).
#include <CLI/CLI.hpp>
#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec_classic/lossless_codec.h"
#include "codec_classic/zfp_codec.h"
#include "base/reconstruction_metrics.h"
#include "sim/tpc_simulator.h"
#include "sim/wedge_source.h"
#include "base/npy.h"
#include "wire/wedge_payload.h"

namespace {

using namespace daqz;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<uint8_t>;

struct Entry {
  std::string name;
  bool lossless = true;
  // encode: wedge -> bytes; decode: bytes -> dense float ADC (for the check and a fair decode cost).
  std::function<Bytes(const SparseWedge&)> encode;
  std::function<std::vector<float>(const Bytes&, const SparseWedge&)> decode;
};

std::vector<float> floats_of(const DenseWedge& d) { return {d.adc.begin(), d.adc.end()}; }

Bytes dense_bytes(const SparseWedge& w) {
  const DenseWedge d = to_dense(w);
  const auto* p = reinterpret_cast<const uint8_t*>(d.adc.data());
  return Bytes(p, p + d.adc.size() * 2);
}

DenseWedge dense_from_bytes(const Bytes& raw, WedgeShape shape) {
  DenseWedge d(shape);
  if (raw.size() != d.adc.size() * 2) throw std::runtime_error("dense size mismatch");
  std::memcpy(d.adc.data(), raw.data(), raw.size());
  return d;
}

Bytes zstd_compress(const Bytes& in, int level) {
  Bytes out(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Bytes zstd_decompress(const Bytes& in) {
  Bytes out(ZSTD_getFrameContentSize(in.data(), in.size()));
  const size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  return out;
}

// lz4 blocks carry no size: prefix the raw size (4 bytes).
Bytes lz4_compress(const Bytes& in, int hc_level) {
  Bytes out(4 + size_t(LZ4_compressBound(int(in.size()))));
  const uint32_t size = uint32_t(in.size());
  std::memcpy(out.data(), &size, 4);
  const int n = hc_level > 0
                    ? LZ4_compress_HC(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data() + 4),
                                      int(in.size()), int(out.size() - 4), hc_level)
                    : LZ4_compress_default(reinterpret_cast<const char*>(in.data()),
                                           reinterpret_cast<char*>(out.data() + 4), int(in.size()), int(out.size() - 4));
  if (n <= 0) throw std::runtime_error("lz4 compression failed");
  out.resize(4 + size_t(n));
  return out;
}

Bytes lz4_decompress(const Bytes& in) {
  uint32_t size = 0;
  std::memcpy(&size, in.data(), 4);
  Bytes out(size);
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + 4), reinterpret_cast<char*>(out.data()),
                                    int(in.size() - 4), int(size));
  if (n != int(size)) throw std::runtime_error("lz4 decompression failed");
  return out;
}

std::vector<Entry> make_entries() {
  std::vector<Entry> e;
  for (int level : {1, 3, 9, 19}) {
    e.push_back({"daqz lossless (zstd " + std::to_string(level) + ")", true,
                 [level](const SparseWedge& w) { return lossless_compress(w, level); },
                 [](const Bytes& b, const SparseWedge& w) {
                   return floats_of(to_dense(lossless_decompress(b.data(), b.size(), w.shape)));
                 }});
  }
  for (int level : {1, 3, 19}) {
    e.push_back({"zstd " + std::to_string(level) + " of dense uint16", true,
                 [level](const SparseWedge& w) { return zstd_compress(dense_bytes(w), level); },
                 [](const Bytes& b, const SparseWedge& w) { return floats_of(dense_from_bytes(zstd_decompress(b), w.shape)); }});
  }
  e.push_back({"zstd 3 of ZS wire payload", true,
               [](const SparseWedge& w) { return zstd_compress(serialize_wedge_payload(w), 3); },
               [](const Bytes& b, const SparseWedge& w) {
                 const Bytes raw = zstd_decompress(b);
                 return floats_of(to_dense(parse_wedge_payload(raw.data(), raw.size(), w.shape)));
               }});
  for (int hc : {0, 9}) {
    const std::string tag = hc ? "lz4hc 9" : "lz4";
    e.push_back({tag + " of dense uint16", true, [hc](const SparseWedge& w) { return lz4_compress(dense_bytes(w), hc); },
                 [](const Bytes& b, const SparseWedge& w) { return floats_of(dense_from_bytes(lz4_decompress(b), w.shape)); }});
    e.push_back({tag + " of ZS wire payload", true,
                 [hc](const SparseWedge& w) { return lz4_compress(serialize_wedge_payload(w), hc); },
                 [](const Bytes& b, const SparseWedge& w) {
                   const Bytes raw = lz4_decompress(b);
                   return floats_of(to_dense(parse_wedge_payload(raw.data(), raw.size(), w.shape)));
                 }});
  }
  auto zfp_entry = [&e](ZfpSettings s) {
    auto codec = std::make_shared<ZfpCodec>(s);
    e.push_back({s.label(), false, [codec](const SparseWedge& w) { return codec->encode_one(w).bytes; },
                 [codec](const Bytes& b, const SparseWedge& w) {
                   EncodedRecord r = codec->encode_one(SparseWedge{w.shape, {}, {}});  // header fields only
                   r.bytes = b;
                   return codec->decode(r).adc;
                 }});
  };
  for (double tol : {256.0, 512.0, 1024.0}) {
    ZfpSettings s;
    s.tolerance = tol;
    s.post_threshold = 40;
    zfp_entry(s);
  }
  for (double rate : {0.5, 1.0, 2.0}) {
    ZfpSettings s;
    s.mode = ZfpSettings::Mode::kRate;
    s.rate = rate;
    s.post_threshold = 40;
    zfp_entry(s);
  }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Model-free TPC wedge codecs side by side (single thread)"};
  std::string input;
  uint64_t sim_events = 1, seed = 1;
  size_t max_wedges = 0;
  int repeat = 3;
  app.add_option("--input", input, ".npy wedge or folder (default: simulated wedges)");
  app.add_option("--sim-events", sim_events, "Simulated events (24 wedges each) when no --input")->capture_default_str();
  app.add_option("--seed", seed, "Simulation seed")->capture_default_str();
  app.add_option("--max-wedges", max_wedges, "Use at most N wedges (0 = all)")->capture_default_str();
  app.add_option("--repeat", repeat, "Timing repetitions over all wedges (best is reported)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    std::unique_ptr<WedgeSource> src = input.empty()
                                           ? make_tpc_sim_source(TpcSimConfig::for_group(LayerGroup::kOuter), seed, sim_events)
                                           : make_npy_folder_source(input, false);
    std::vector<SparseWedge> wedges;
    while (max_wedges == 0 || wedges.size() < max_wedges) {
      auto w = src->next();
      if (!w) break;
      wedges.push_back(std::move(*w));
    }
    if (wedges.empty()) throw std::runtime_error("no wedges from " + src->describe());
    size_t voxels = 0, nonzero = 0;
    for (const auto& w : wedges) {
      voxels += w.shape.voxels();
      nonzero += w.values.size();
    }
    const double dense_mb = double(voxels) * 2.0 / 1e6;
    std::printf("bench_codec_compare: %zu wedges from %s, occupancy %.4f, %.2f MB dense, best of %d\n\n",
                wedges.size(), src->describe().c_str(), double(nonzero) / double(voxels), dense_mb, repeat);
    std::printf("%-50s %10s %8s %9s %9s %9s %9s %10s\n", "codec", "B/wedge", "ratio", "enc MB/s", "dec MB/s",
                "enc w/s", "dec w/s", "mse");

    for (const Entry& e : make_entries()) {
      double best_enc = 1e30, best_dec = 1e30;
      size_t total_bytes = 0;
      MetricsAccumulator acc;
      for (int rep = 0; rep < repeat; ++rep) {
        std::vector<Bytes> encoded;
        encoded.reserve(wedges.size());
        auto t0 = Clock::now();
        for (const auto& w : wedges) encoded.push_back(e.encode(w));
        best_enc = std::min(best_enc, std::chrono::duration<double>(Clock::now() - t0).count());
        std::vector<std::vector<float>> decoded;
        decoded.reserve(wedges.size());
        t0 = Clock::now();
        for (size_t i = 0; i < wedges.size(); ++i) decoded.push_back(e.decode(encoded[i], wedges[i]));
        best_dec = std::min(best_dec, std::chrono::duration<double>(Clock::now() - t0).count());
        if (rep == 0) {
          for (size_t i = 0; i < wedges.size(); ++i) {
            total_bytes += encoded[i].size();
            const DenseWedge truth = to_dense(wedges[i]);
            acc.add_wedge(truth, decoded[i].data(), decoded[i].size());
            acc.add_bytes(encoded[i].size(), 0);
          }
        }
      }
      const MetricsSummary m = acc.summary();
      if (e.lossless && m.mse != 0.0) throw std::runtime_error(e.name + " is not lossless (mse " + std::to_string(m.mse) + ")");
      const double n = double(wedges.size());
      std::printf("%-50s %10.0f %8.2f %9.1f %9.1f %9.1f %9.1f %10.3g\n", e.name.c_str(), double(total_bytes) / n,
                  m.ratio_dense, dense_mb / best_enc, dense_mb / best_dec, n / best_enc, n / best_dec, m.mse);
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "bench_codec_compare: %s\n", ex.what());
    return 1;
  }
  return 0;
}
