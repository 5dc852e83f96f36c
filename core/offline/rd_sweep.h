// `daqz eval --rd`: the rate-distortion picture of a BCAE model on a set of wedges. Sweeps the model's
// operating points (fp16 and bits 3..8 through the real codec: quantisation + rANS), the baselines
// (ZFP fixed-accuracy and fixed-rate sweeps, each setting with its best post-threshold; lossless) and
// the smallest-record mode (neural at the model's default K, or lossless when smaller).
//
//   RdSweepArgs a;
//   a.model_dir = "deploy/models/bcae-v1-sim-ft";  a.input = "runs/data/sim-test";  a.max_wedges = 16;
//   RdReport r = run_rd_sweep(a);                 // throws CodecError / ModelCardError / runtime_error
//   std::cout << rd_report_to_json(r).dump(2);    // {"points": [{codec, bits, ratio_dense, ...}, ...]}
//   write_rd_plots("plots/", r);                  // rd_mse_vs_ratio.png, rd_log_mae_vs_ratio.png
//
// Point fields (JSON): codec ("bcae", "lossless", "smallest", or the full ZFP setting
// "zfp:mode=...,post_threshold=T"), bits (K, "fp16", or null), ratio_dense, ratio_vs_lossless, mse,
// log_mae, psnr_db (null when lossless), precision, recall, encode_wedges_per_s, decode_wedges_per_s.
// Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "offline/evaluator.h"

namespace daqz {

struct RdSweepArgs {
  std::string model_dir;
  std::string input;
  size_t max_wedges = 0;
  int threads = 2;
  std::vector<std::string> bits = {"fp16", "3", "4", "5", "6", "7", "8"};
  std::string zfp_domain = "adc";  // as WedgeEvalArgs::zfp_domain: adc, log or both
  bool zfp = true;
  bool smallest = true;
  std::string smallest_bits;       // "" = the model's default operating point
};

struct RdPoint {
  std::string codec;
  std::string family;   // plot series: "bcae", "zfp-accuracy", "zfp-rate", "lossless", "smallest"
  std::string bits;     // K, "fp16" or ""
  CodecEvalResult result;
};

struct RdReport {
  std::string input;
  std::string model;
  double occupancy = 0;
  std::vector<RdPoint> points;
};

RdReport run_rd_sweep(const RdSweepArgs& args);
nlohmann::json rd_report_to_json(const RdReport& report);
std::string rd_report_to_text(const RdReport& report);
// Ratio (log axis) against MSE and against log-MAE, every codec in one figure each. Throws PlotError.
std::vector<std::string> write_rd_plots(const std::string& dir, const RdReport& report);

}  // namespace daqz
