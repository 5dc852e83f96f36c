#include "offline/evaluator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>

#include "codec_classic/lossless_codec.h"
#include "sim/wedge_source.h"

namespace daqz {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double per_second(size_t n, double seconds) { return seconds > 0 ? double(n) / seconds : 0.0; }

}  // namespace

EvalWedges make_eval_wedges(std::vector<SparseWedge> wedges, std::string source) {
  EvalWedges data;
  data.source = std::move(source);
  data.wedges = std::move(wedges);
  data.lossless_bytes.reserve(data.wedges.size());
  LosslessCodec lossless;
  const auto t0 = Clock::now();
  for (const SparseWedge& w : data.wedges) data.lossless_bytes.push_back(lossless.encode_one(w).bytes.size());
  data.lossless_encode_seconds = seconds_since(t0);
  return data;
}

EvalWedges load_eval_wedges(const std::string& path, size_t max_wedges) {
  auto source = make_npy_folder_source(path, /*loop=*/false);
  std::vector<SparseWedge> wedges;
  while (max_wedges == 0 || wedges.size() < max_wedges) {
    auto w = source->next();
    if (!w) break;
    wedges.push_back(std::move(*w));
  }
  if (wedges.empty()) throw std::runtime_error("eval: no wedges loaded from '" + path + "'");
  return make_eval_wedges(std::move(wedges), source->describe());
}

CodecEvalResult evaluate_codec(WedgeCodec& codec, const EvalWedges& data, const EvalRunOptions& options) {
  CodecEvalResult result;
  const CodecDescriptor& d = codec.descriptor();
  result.codec_id = d.codec_id;
  result.model_name = d.model_name;
  result.label = d.model_name.empty() ? d.codec_id : d.model_name;
  const size_t batch = std::max<size_t>(1, options.batch ? options.batch : codec.preferred_batch());

  MetricsAccumulator single;
  if (options.histograms) single.enable_histograms();
  std::optional<ThresholdSweep> sweep;
  if (!options.post_thresholds.empty()) sweep.emplace(options.post_thresholds);

  if (options.warmup && !data.wedges.empty()) {
    std::vector<const SparseWedge*> first;
    for (size_t i = 0; i < std::min(batch, data.wedges.size()); ++i) first.push_back(&data.wedges[i]);
    const std::vector<EncodedRecord> warm = codec.encode(first);
    if (!warm.empty()) codec.decode(warm.front());
  }

  double encode_s = 0, decode_s = 0;
  std::vector<const SparseWedge*> ptrs;
  for (size_t start = 0; start < data.wedges.size(); start += batch) {
    const size_t end = std::min(data.wedges.size(), start + batch);
    ptrs.clear();
    for (size_t i = start; i < end; ++i) ptrs.push_back(&data.wedges[i]);
    auto t0 = Clock::now();
    std::vector<EncodedRecord> records = codec.encode(ptrs);
    encode_s += seconds_since(t0);
    if (records.size() != ptrs.size())
      throw CodecError("eval: codec '" + d.codec_id + "' returned " + std::to_string(records.size()) +
                       " records for " + std::to_string(ptrs.size()) + " wedges");
    for (size_t k = 0; k < records.size(); ++k) {
      if (start + k == 0) result.params = records[k].params;
      t0 = Clock::now();
      const Reconstruction recon = codec.decode(records[k]);
      decode_s += seconds_since(t0);
      const DenseWedge truth = to_dense(*ptrs[k]);
      const uint64_t lossless = data.lossless_bytes[start + k];
      if (sweep) {
        sweep->add_wedge(truth, recon.adc.data(), recon.adc.size());
        sweep->add_bytes(records[k].bytes.size(), lossless);
      } else {
        single.add_wedge(truth, recon.adc.data(), recon.adc.size());
        single.add_bytes(records[k].bytes.size(), lossless);
      }
    }
    if (options.progress) options.progress(end, data.wedges.size());
  }
  result.encode_wedges_per_s = per_second(data.wedges.size(), encode_s);
  result.decode_wedges_per_s = per_second(data.wedges.size(), decode_s);

  if (sweep) {
    const size_t best = sweep->best_by_mse();
    result.metrics = sweep->at(best).summary();
    result.threshold = sweep->thresholds()[best];
    if (options.histograms) {
      // Second pass for the winner only: histograms of every candidate would cost more than decoding.
      MetricsAccumulator h;
      h.enable_histograms();
      for (const SparseWedge& w : data.wedges) {
        const Reconstruction recon = codec.decode(codec.encode({&w}).at(0));
        h.add_wedge(to_dense(w), recon.adc.data(), recon.adc.size(), *result.threshold);
      }
      result.histograms = h.histograms();
    }
  } else {
    result.metrics = single.summary();
    if (options.histograms) result.histograms = single.histograms();
    const auto it = result.params.find("threshold");
    if (it != result.params.end()) {
      try {
        result.threshold = std::stod(it->second);
      } catch (const std::exception&) {
      }
    }
  }
  return result;
}

CodecEvalResult evaluate_lossless(const EvalWedges& data, const EvalRunOptions& options) {
  LosslessCodec codec;
  EvalRunOptions o = options;
  o.post_thresholds.clear();
  CodecEvalResult r = evaluate_codec(codec, data, o);
  r.family = "lossless";
  r.label = "lossless";
  if (r.metrics.mse != 0.0 || r.metrics.precision != 1.0 || r.metrics.recall != 1.0)
    throw CodecError("eval: the lossless codec did not reproduce the wedges bit-exactly (mse " +
                     std::to_string(r.metrics.mse) + ")");
  return r;
}

std::vector<ZfpSettings> default_zfp_sweep(const std::vector<double>& target_ratios, ZfpSettings::Domain domain) {
  std::vector<ZfpSettings> out;
  // In the log domain values span 0..10: tolerances from 2^-7; ZFP keeps a few guard bit planes, so
  // reaching ratios above ~20 there takes tolerances well above the value range.
  const bool log = domain == ZfpSettings::Domain::kLog;
  for (int k = log ? -7 : 0; k <= (log ? 9 : 12); ++k) {
    ZfpSettings s;
    s.mode = ZfpSettings::Mode::kAccuracy;
    s.tolerance = std::ldexp(1.0, k);
    s.domain = domain;
    out.push_back(s);
  }
  // Rates as whole bits per 4x4x4 block (64 voxels): 8 .. 512 bits per block.
  std::set<int> block_bits = {8, 16, 24, 32, 48, 64, 96, 128, 256, 512};
  for (double ratio : target_ratios) {
    if (!(ratio > 0)) continue;
    const double bits = 64.0 * 16.0 / ratio;  // ratio_dense = 16 / rate, ignoring the header
    const int b = int(std::floor(bits));
    for (int cand : {b - 1, b, b + 1, b + 2})
      if (cand >= 1 && cand <= 2048) block_bits.insert(cand);
  }
  for (int bits : block_bits) {
    ZfpSettings s;
    s.mode = ZfpSettings::Mode::kRate;
    s.rate = bits / 64.0;
    s.domain = domain;
    out.push_back(s);
  }
  return out;
}

std::vector<CodecEvalResult> evaluate_zfp_sweep(const std::vector<ZfpSettings>& settings, const EvalWedges& data,
                                                const EvalRunOptions& options) {
  std::vector<CodecEvalResult> out;
  for (ZfpSettings s : settings) {
    s.post_threshold = 0;  // the sweep picks it
    ZfpCodec codec(s);
    EvalRunOptions o = options;
    if (o.post_thresholds.empty()) o.post_thresholds = default_post_thresholds();
    CodecEvalResult r = evaluate_codec(codec, data, o);
    s.post_threshold = float(r.threshold.value_or(0.0));
    r.label = s.label();
    r.params = s.to_params();
    r.family = std::string(s.mode == ZfpSettings::Mode::kAccuracy ? "zfp-accuracy" : "zfp-rate") +
               (s.domain == ZfpSettings::Domain::kLog ? "-log" : "");
    spdlog::debug("eval: {} ratio {:.2f} mse {:.2f}", r.label, r.metrics.ratio_dense, r.metrics.mse);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<MatchedRow> match_baselines(const std::vector<CodecEvalResult>& models,
                                        const std::vector<CodecEvalResult>& zfp) {
  std::vector<std::string> families;
  for (const auto& z : zfp)
    if (std::find(families.begin(), families.end(), z.family) == families.end()) families.push_back(z.family);
  std::vector<MatchedRow> rows;
  for (const auto& m : models) {
    MatchedRow row;
    row.model = m;
    const double ratio = m.metrics.ratio_dense;
    for (const auto& fam : families) {
      const CodecEvalResult* above = nullptr;
      const CodecEvalResult* below = nullptr;
      for (const auto& z : zfp) {
        if (z.family != fam) continue;
        const double zr = z.metrics.ratio_dense;
        if (zr >= ratio && (!above || zr < above->metrics.ratio_dense)) above = &z;
        if (zr <= ratio && (!below || zr > below->metrics.ratio_dense)) below = &z;
      }
      MatchedBaseline mb;
      mb.family = fam;
      if (above) mb.above = *above;
      if (below) mb.below = *below;
      row.baselines.push_back(std::move(mb));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace daqz
