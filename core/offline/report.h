// Presentation of evaluation results: JSON objects, a plain-text summary, the side-by-side table
// of a model against ZFP and lossless at matched ratios, and the report figures (--plot DIR).
//
//   nlohmann::json j = result_to_json(ours);            // keys: ratio_dense, mse, ... (see docs/eval.md)
//   std::cout << format_matched_table(match_baselines(models, zfp), &lossless);
//   write_eval_plots("plots/", models, zfp, &lossless);  // Fig. 4 and Fig. 5/6 style PNGs
//
// Free functions, thread-safe. write_eval_plots throws PlotError (see plot.h).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "offline/evaluator.h"

namespace daqz {

// Flat object: model, arch, codec, params, threshold, n_wedges, occupancy, ratio_dense,
// ratio_vs_lossless, mse, log_mae, psnr_db, precision, recall, encode_wedges_per_s,
// decode_wedges_per_s, bytes_per_wedge.
nlohmann::json result_to_json(const CodecEvalResult& r);

// The matched rows as JSON: [{model, ratio_dense, zfp: {family: {above: {...}, below: {...}}}}].
nlohmann::json matched_to_json(const std::vector<MatchedRow>& rows);

// "key  value" lines of one result.
std::string format_result_text(const CodecEvalResult& r);

// One block per model: the model, then per ZFP family the settings at/above and at/below its ratio,
// then lossless; columns ratio, ratio_vs_lossless, mse, log_mae, psnr, precision, recall, enc/s, dec/s.
std::string format_matched_table(const std::vector<MatchedRow>& rows, const CodecEvalResult* lossless);

// A table of every result given (e.g. the whole ZFP sweep), sorted by family then ratio.
std::string format_sweep_table(const std::vector<CodecEvalResult>& results);

// Writes into `dir`: mse_vs_ratio.png, log_mae_vs_ratio.png (all codecs; Fig. 4), and for each
// result with histograms log_adc_hist_<label>.png (truth vs reconstruction, Fig. 5/6) and
// log_adc_joint_<label>.png (2-D histogram). Returns the paths written.
std::vector<std::string> write_eval_plots(const std::string& dir, const std::vector<CodecEvalResult>& models,
                                          const std::vector<CodecEvalResult>& zfp,
                                          const CodecEvalResult* lossless);

}  // namespace daqz
