#include "offline/wedge_eval.h"

#include <spdlog/spdlog.h>

#include <set>

#include "codec_classic/lossless_codec.h"
#include "codec_classic/zfp_codec.h"
#include "offline/report.h"
#include "codec/model_card.h"

namespace daqz {

std::pair<std::string, std::map<std::string, std::string>> parse_codec_spec(const std::string& spec) {
  const size_t colon = spec.find(':');
  std::pair<std::string, std::map<std::string, std::string>> out;
  out.first = spec.substr(0, colon);
  if (colon == std::string::npos) return out;
  std::string rest = spec.substr(colon + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    const size_t comma = rest.find(',', pos);
    const std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw CodecError("codec spec '" + spec + "': parameter '" + item + "' is not key=value");
      out.second[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

namespace {

std::vector<ZfpSettings::Domain> domains_of(const std::string& name) {
  if (name == "adc") return {ZfpSettings::Domain::kAdc};
  if (name == "log") return {ZfpSettings::Domain::kLog};
  if (name == "both") return {ZfpSettings::Domain::kAdc, ZfpSettings::Domain::kLog};
  throw std::invalid_argument("eval: zfp domain must be adc, log or both, got '" + name + "'");
}

CodecEvalResult evaluate_main(const WedgeEvalArgs& args, const EvalWedges& data) {
  EvalRunOptions run;
  run.histograms = !args.plot_dir.empty();
  run.batch = args.batch;
  run.warmup = args.warmup;
  run.progress = args.progress;
  if (!args.model_dir.empty()) {
    const ModelCard card = load_model_card(args.model_dir);
    CodecOptions opts;
    opts.model_dir = args.model_dir;
    opts.intra_op_threads = args.threads;
    const double threshold = args.threshold.value_or(card.threshold);
    opts.params["threshold"] = std::to_string(threshold);
    auto codec = make_wedge_codec("bcae", opts);
    CodecEvalResult r = evaluate_codec(*codec, data, run);
    r.family = "model";
    r.label = card.name;
    r.model_name = card.name;
    r.arch = card.arch;
    r.threshold = threshold;
    return r;
  }
  auto [id, params] = parse_codec_spec(args.codec);
  if (id == kLosslessCodecId) {
    CodecOptions opts;
    opts.params = params;
    auto codec = make_wedge_codec(id, opts);
    CodecEvalResult r = evaluate_codec(*codec, data, run);
    r.family = "lossless";
    r.label = args.codec;
    return r;
  }
  if (id == kZfpCodecId) {
    // Without an explicit post_threshold, pick the best one, as for the baselines.
    ZfpSettings s = ZfpSettings::from_params(params);
    const bool sweep = params.find("post_threshold") == params.end();
    if (sweep) run.post_thresholds = default_post_thresholds();
    ZfpCodec codec(s);
    CodecEvalResult r = evaluate_codec(codec, data, run);
    if (sweep) s.post_threshold = float(r.threshold.value_or(0.0));
    r.threshold = s.post_threshold;
    r.label = s.label();
    r.params = s.to_params();
    r.family = "model";
    return r;
  }
  // Any other registered wedge codec (e.g. a future one): evaluated as it is.
  CodecOptions opts;
  opts.params = params;
  opts.intra_op_threads = args.threads;
  auto codec = make_wedge_codec(id, opts);
  CodecEvalResult r = evaluate_codec(*codec, data, run);
  r.family = "model";
  r.label = args.codec;
  return r;
}

}  // namespace

WedgeEvalReport run_wedge_evaluation(const WedgeEvalArgs& args) {
  if (args.model_dir.empty() == args.codec.empty())
    throw std::invalid_argument("eval: give exactly one of a model directory or a codec");
  if (args.input.empty()) throw std::invalid_argument("eval: no input wedges given");
  const std::vector<ZfpSettings::Domain> domains = domains_of(args.zfp_domain);

  WedgeEvalReport report;
  const EvalWedges data = load_eval_wedges(args.input, args.max_wedges);
  report.input = data.source;
  spdlog::info("eval: {} wedges from {}", data.wedges.size(), data.source);

  report.main = evaluate_main(args, data);
  spdlog::info("eval: {} ratio {:.2f} mse {:.2f}", report.main.label, report.main.metrics.ratio_dense,
               report.main.metrics.mse);

  if (args.baselines) {
    EvalRunOptions run;
    run.batch = args.batch;
    run.warmup = args.warmup;
    report.lossless = evaluate_lossless(data, run);
    for (ZfpSettings::Domain domain : domains) {
      auto results = evaluate_zfp_sweep(default_zfp_sweep({report.main.metrics.ratio_dense}, domain), data, run);
      for (auto& r : results) report.zfp.push_back(std::move(r));
    }
    spdlog::info("eval: {} ZFP settings evaluated", report.zfp.size());
    if (!args.plot_dir.empty()) {
      // Fig. 5/6 for ZFP: the setting matched at or above the model's ratio in each family.
      std::set<std::string> matched;
      for (const MatchedRow& row : match_baselines({report.main}, report.zfp))
        for (const MatchedBaseline& b : row.baselines)
          if (b.above) matched.insert(b.above->label);
      for (auto& z : report.zfp) {
        if (!matched.count(z.label)) continue;
        ZfpCodec codec(ZfpSettings::from_params(z.params));  // params carry the chosen post-threshold
        EvalRunOptions with_hist = run;
        with_hist.histograms = true;
        z.histograms = evaluate_codec(codec, data, with_hist).histograms;
      }
    }
  }
  if (!args.plot_dir.empty()) {
    report.plots = write_eval_plots(args.plot_dir, {report.main}, report.zfp,
                                    report.lossless ? &*report.lossless : nullptr);
  }
  return report;
}

nlohmann::json report_to_json(const WedgeEvalReport& report) {
  nlohmann::json j = result_to_json(report.main);
  j["input"] = report.input;
  if (report.lossless || !report.zfp.empty()) {
    nlohmann::json b;
    if (report.lossless) b["lossless"] = result_to_json(*report.lossless);
    b["zfp"] = nlohmann::json::array();
    for (const auto& z : report.zfp) b["zfp"].push_back(result_to_json(z));
    b["matched"] = matched_to_json(match_baselines({report.main}, report.zfp));
    b["matching_rule"] =
        "per ZFP family: 'above' = the setting with the smallest ratio_dense >= the model's, "
        "'below' = the setting with the largest ratio_dense <= the model's; each ZFP setting uses its "
        "best post-threshold (lowest MSE on these wedges)";
    j["baselines"] = std::move(b);
  }
  if (!report.plots.empty()) j["plots"] = report.plots;
  return j;
}

std::string report_to_text(const WedgeEvalReport& report) {
  std::string s = "input                 " + report.input + "\n" + format_result_text(report.main);
  if (report.lossless || !report.zfp.empty()) {
    s += "\n";
    const std::vector<CodecEvalResult> models = {report.main};
    s += format_matched_table(match_baselines(models, report.zfp),
                              report.lossless ? &*report.lossless : nullptr);
    s += "All ZFP settings (each with its best post-threshold):\n" + format_sweep_table(report.zfp);
  }
  for (const auto& p : report.plots) s += "plot: " + p + "\n";
  return s;
}

}  // namespace daqz
