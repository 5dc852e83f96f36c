// Evaluation of TPC wedge codecs on a set of wedges: metrics (see metrics.h), encode/decode speed,
// ZFP baseline sweeps with the best post-threshold, and the matching of baselines to a model's
// compression ratio. The engine behind `daqz eval`.
//
//   EvalWedges data = load_eval_wedges("data/test", /*max_wedges=*/50);   // + lossless sizes
//   auto codec = make_wedge_codec("bcae", opts);
//   CodecEvalResult ours = evaluate_codec(*codec, data, {});
//   std::vector<CodecEvalResult> zfp = evaluate_zfp_sweep(data, default_zfp_sweep({ours.metrics.ratio_dense}), {});
//   CodecEvalResult lossless = evaluate_lossless(data, {});
//   auto rows = match_baselines({ours}, zfp);
//
// Speeds are wall-clock wedges/s of codec->encode() over batches of preferred_batch() wedges and of
// codec->decode() per record, on the calling thread (the codec's own threads included).
// Not thread-safe (codecs are not); throws CodecError from codecs and std::runtime_error for input.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec_classic/zfp_codec.h"
#include "base/reconstruction_metrics.h"

namespace daqz {

// The wedges of one evaluation, held once in memory (sparse), with their lossless sizes.
struct EvalWedges {
  std::string source;                    // what was loaded, for reports
  std::vector<SparseWedge> wedges;       // zero-suppressed
  std::vector<uint64_t> lossless_bytes;  // LosslessCodec (default zstd level) bytes of each wedge
  double lossless_encode_seconds = 0;    // time spent computing them
};

// Loads the .npy wedges of a file or folder (sorted; zero suppression applied), at most
// `max_wedges` of them (0 = all). Throws std::runtime_error naming the path when nothing loads.
EvalWedges load_eval_wedges(const std::string& path, size_t max_wedges);
// Wraps wedges already in memory (tests, benches).
EvalWedges make_eval_wedges(std::vector<SparseWedge> wedges, std::string source);

struct CodecEvalResult {
  std::string label;     // e.g. model name, "lossless", "zfp:mode=rate,rate=0.5,post_threshold=48"
  std::string family;    // "model", "lossless", "zfp-accuracy", "zfp-rate" (groups plot series)
  std::string codec_id;
  std::string model_name, arch;
  std::map<std::string, std::string> params;
  std::optional<double> threshold;  // BCAE segmentation threshold or ZFP post-threshold
  MetricsSummary metrics;
  double encode_wedges_per_s = 0;
  double decode_wedges_per_s = 0;
  LogAdcHistograms histograms;  // filled when EvalRunOptions::histograms
};

struct EvalRunOptions {
  bool histograms = false;
  size_t batch = 0;                     // wedges per encode() call; 0 = codec->preferred_batch()
  std::vector<float> post_thresholds;   // when set: pick the best (lowest MSE) of these after decoding
  // One untimed encode + decode of the first wedge before timing: neural codecs build their kernels
  // (oneDNN primitives, allocations) on the first call, which would dominate a small evaluation.
  bool warmup = true;
  // Called after every encoded batch with the wedges done and in total (a progress bar).
  std::function<void(size_t done, size_t total)> progress;
};

CodecEvalResult evaluate_codec(WedgeCodec& codec, const EvalWedges& data, const EvalRunOptions& options);

// The lossless codec on the same wedges (ratio_vs_lossless = 1 by construction; checks round trip:
// throws CodecError if a wedge does not come back bit-exact).
CodecEvalResult evaluate_lossless(const EvalWedges& data, const EvalRunOptions& options);

// ZFP settings to sweep: fixed-accuracy tolerances 2^0..2^12 (log domain 2^-7..2^9; ZFP rounds a tolerance down to a
// power of two, so finer steps add nothing) and fixed-rate rates from 1/8 to 8 bits/voxel, plus for
// each target ratio R the two fixed-rate settings whose ratios bracket R (ZFP's fixed-rate step is
// 1/64 bit per voxel in 3-D). domain as in ZfpSettings.
std::vector<ZfpSettings> default_zfp_sweep(const std::vector<double>& target_ratios,
                                           ZfpSettings::Domain domain = ZfpSettings::Domain::kAdc);

// Evaluates each setting with the best post-threshold among `post_thresholds` (default
// default_post_thresholds()), chosen by MSE on these wedges, as the BCAE paper did for ZFP.
std::vector<CodecEvalResult> evaluate_zfp_sweep(const std::vector<ZfpSettings>& settings, const EvalWedges& data,
                                                const EvalRunOptions& options);

// Matching rule for the side-by-side table: for a model at ratio R and each ZFP family, `above` is
// the setting with the smallest ratio >= R (ZFP stores at most as many bytes as the model) and
// `below` the setting with the largest ratio <= R (ZFP may store at least as many bytes: the
// comparison favourable to ZFP, used for the "same or lower ratio" target).
// Rows hold copies, so they outlive the vectors they were matched from.
struct MatchedBaseline {
  std::string family;
  std::optional<CodecEvalResult> above;
  std::optional<CodecEvalResult> below;
};
struct MatchedRow {
  CodecEvalResult model;
  std::vector<MatchedBaseline> baselines;
};
std::vector<MatchedRow> match_baselines(const std::vector<CodecEvalResult>& models,
                                        const std::vector<CodecEvalResult>& zfp);

}  // namespace daqz
