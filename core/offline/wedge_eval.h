// The whole of `daqz eval` for TPC wedges: evaluates a model directory or a baseline codec on a file
// or folder of .npy wedges, optionally with the ZFP and lossless baselines matched to its ratio,
// and renders text, JSON and plots. services/daqz/cmd_eval.cpp only parses arguments.
//
//   WedgeEvalArgs a;
//   a.model_dir = "../shared/anchors/bcae-v1";       // or a.codec = "zfp:mode=rate,rate=0.5"
//   a.input = "../shared/anchors/bcae-v1/probe_wedge.npy";
//   a.baselines = true;
//   WedgeEvalReport r = run_wedge_evaluation(a);   // throws CodecError / ModelCardError / runtime_error
//   std::cout << report_to_json(r).dump(2);         // or report_to_text(r)
//
// Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "offline/evaluator.h"

namespace daqz {

struct WedgeEvalArgs {
  std::string model_dir;  // a BCAE model directory (model.json arch "bcae-*"), evaluated with codec "bcae"
  std::string codec;      // or "<id>[:key=value,...]", e.g. "lossless", "zfp:mode=accuracy,tolerance=16"
  std::string input;      // .npy wedge or folder of them
  std::optional<double> threshold;  // BCAE segmentation threshold (default: the model card's)
  bool baselines = false;           // ZFP sweeps + lossless, matched to the evaluated ratio
  std::string zfp_domain = "adc";   // baselines: "adc" (paper), "log", or "both"
  size_t max_wedges = 0;            // 0 = all
  int threads = 2;                  // LibTorch intra-op threads of a neural codec
  size_t batch = 0;                 // wedges per encode() call; 0 = the codec's preferred batch
  std::string plot_dir;             // when set: write the report figures there
  bool warmup = true;               // untimed first encode + decode (see EvalRunOptions)
  std::function<void(size_t done, size_t total)> progress;  // of the main evaluation (a progress bar)
};

struct WedgeEvalReport {
  std::string input;  // description of the wedges
  CodecEvalResult main;
  std::optional<CodecEvalResult> lossless;
  std::vector<CodecEvalResult> zfp;
  std::vector<std::string> plots;
};

// Splits "zfp:mode=rate,rate=0.5" into ("zfp", {mode: rate, rate: 0.5}). Throws CodecError on a
// parameter without '='.
std::pair<std::string, std::map<std::string, std::string>> parse_codec_spec(const std::string& spec);

WedgeEvalReport run_wedge_evaluation(const WedgeEvalArgs& args);

// The main result's keys at top level; with baselines: "baselines": {"lossless": {...},
// "zfp": [...], "matched": [...]}; "plots": [...] when figures were written.
nlohmann::json report_to_json(const WedgeEvalReport& report);
std::string report_to_text(const WedgeEvalReport& report);

}  // namespace daqz
