#include "offline/rd_sweep.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "codec/latent_store.h"
#include "codec_classic/smallest_codec.h"
#include "offline/plot.h"
#include "codec/model_card.h"

namespace daqz {
namespace {

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json bits_json(const std::string& bits) {
  if (bits.empty()) return nullptr;
  if (bits == kFp16Bits) return bits;
  return std::stoi(bits);
}

CodecOptions model_options(const RdSweepArgs& a, const std::string& bits) {
  CodecOptions o;
  o.model_dir = a.model_dir;
  o.intra_op_threads = a.threads;
  if (!bits.empty()) o.params[kBitsParam] = bits;
  return o;
}

std::vector<ZfpSettings::Domain> zfp_domains(const std::string& name) {
  if (name == "adc") return {ZfpSettings::Domain::kAdc};
  if (name == "log") return {ZfpSettings::Domain::kLog};
  if (name == "both") return {ZfpSettings::Domain::kAdc, ZfpSettings::Domain::kLog};
  throw std::invalid_argument("eval --rd: zfp domain must be adc, log or both, got '" + name + "'");
}

}  // namespace

RdReport run_rd_sweep(const RdSweepArgs& args) {
  if (args.model_dir.empty()) throw std::invalid_argument("eval --rd needs --model DIR (a BCAE model)");
  const ModelCard card = load_model_card(args.model_dir);
  const EvalWedges data = load_eval_wedges(args.input, args.max_wedges);
  RdReport rep;
  rep.input = data.source;
  rep.model = card.name;
  EvalRunOptions run;

  std::vector<double> model_ratios;
  for (const std::string& bits : args.bits) {
    auto codec = make_wedge_codec("bcae", model_options(args, bits));
    CodecEvalResult r = evaluate_codec(*codec, data, run);
    spdlog::info("eval --rd: {} bits={} ratio {:.1f} mse {:.2f}", card.name, bits, r.metrics.ratio_dense, r.metrics.mse);
    model_ratios.push_back(r.metrics.ratio_dense);
    rep.occupancy = r.metrics.occupancy;
    rep.points.push_back({"bcae", "bcae", bits, std::move(r)});
  }
  CodecEvalResult lossless = evaluate_lossless(data, run);
  rep.occupancy = lossless.metrics.occupancy;
  rep.points.push_back({"lossless", "lossless", "", lossless});
  if (args.smallest) {
    // The smallest mode at the model's default operating point (or the K asked for).
    CodecOptions o = model_options(args, args.smallest_bits);
    o.params["inner"] = "bcae";
    auto codec = make_wedge_codec(kSmallestCodecId, o);
    CodecEvalResult r = evaluate_codec(*codec, data, run);
    std::string bits = args.smallest_bits;
    if (bits.empty()) bits = LatentStore(card, {}, /*verify=*/false).bits_label();
    spdlog::info("eval --rd: smallest (bits={}) ratio {:.1f} mse {:.2f}", bits, r.metrics.ratio_dense, r.metrics.mse);
    rep.points.push_back({kSmallestCodecId, kSmallestCodecId, bits, std::move(r)});
  }
  if (args.zfp) {
    for (ZfpSettings::Domain d : zfp_domains(args.zfp_domain)) {
      for (CodecEvalResult& z : evaluate_zfp_sweep(default_zfp_sweep(model_ratios, d), data, run)) {
        const std::string label = z.label, family = z.family;
        rep.points.push_back({label, family, "", std::move(z)});
      }
    }
    spdlog::info("eval --rd: ZFP sweeps done");
  }
  return rep;
}

nlohmann::json rd_report_to_json(const RdReport& report) {
  nlohmann::json points = nlohmann::json::array();
  for (const RdPoint& p : report.points) {
    const MetricsSummary& m = p.result.metrics;
    points.push_back({{"codec", p.codec}, {"bits", bits_json(p.bits)}, {"ratio_dense", m.ratio_dense},
                      {"ratio_vs_lossless", m.ratio_vs_lossless}, {"mse", m.mse}, {"log_mae", m.log_mae},
                      {"psnr_db", finite_or_null(m.psnr_db)}, {"precision", m.precision}, {"recall", m.recall},
                      {"encode_wedges_per_s", p.result.encode_wedges_per_s},
                      {"decode_wedges_per_s", p.result.decode_wedges_per_s}});
  }
  return {{"points", points}};
}

std::string rd_report_to_text(const RdReport& report) {
  std::string s = fmt::format("model {}  input {}  occupancy {:.2f} %\n", report.model, report.input,
                              100 * report.occupancy);
  s += fmt::format("  {:<44} {:>5} {:>8} {:>8} {:>9} {:>8} {:>7} {:>6} {:>6} {:>8} {:>8}\n", "codec", "bits", "ratio",
                   "vs_lossl", "mse", "log_mae", "psnr", "prec", "recall", "enc/s", "dec/s");
  for (const RdPoint& p : report.points) {
    const MetricsSummary& m = p.result.metrics;
    s += fmt::format("  {:<44} {:>5} {:>8.2f} {:>8.3f} {:>9.2f} {:>8.4f} {:>7.2f} {:>6.3f} {:>6.3f} {:>8.1f} {:>8.1f}\n",
                     p.codec, p.bits.empty() ? "-" : p.bits, m.ratio_dense, m.ratio_vs_lossless, m.mse, m.log_mae,
                     std::isfinite(m.psnr_db) ? m.psnr_db : 0.0, m.precision, m.recall, p.result.encode_wedges_per_s,
                     p.result.decode_wedges_per_s);
  }
  return s;
}

std::vector<std::string> write_rd_plots(const std::string& dir, const RdReport& report) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::map<std::string, std::vector<const RdPoint*>> families;
  for (const RdPoint& p : report.points) families[p.family].push_back(&p);
  std::vector<std::string> written;
  for (const std::string metric : {"mse", "log_mae"}) {
    auto value = [&](const RdPoint& p) { return metric == "mse" ? p.result.metrics.mse : p.result.metrics.log_mae; };
    LinePlot plot;
    plot.title = fmt::format("{}: {} against compression ratio ({}, occupancy {:.2f} %)", report.model,
                             metric == "mse" ? "MSE" : "log-MAE", report.input, 100 * report.occupancy);
    plot.xlabel = "compression ratio (dense 16-bit bytes / stored bytes), log scale";
    plot.ylabel = metric == "mse" ? "MSE (raw ADC)" : "MAE of log2(ADC+1)";
    plot.log_x = true;
    plot.key_position = "top left";
    // Linear y from 0 so that lossless (distortion 0) is on the figure; ZFP points far above the
    // model's worst point are cut off rather than squashing the interesting region.
    double y_max = 0;
    for (const RdPoint& p : report.points)
      if (p.family == "bcae") y_max = std::max(y_max, value(p));
    plot.y_min = 0;
    plot.y_max = 1.6 * y_max;
    for (auto& [family, list] : families) {
      std::sort(list.begin(), list.end(), [](const RdPoint* a, const RdPoint* b) {
        return a->result.metrics.ratio_dense < b->result.metrics.ratio_dense;
      });
      PlotSeries s;
      s.name = family == "bcae" ? report.model + " (bits)"
               : family.rfind("zfp", 0) == 0 ? family + " (best post-threshold)"
                                              : family;
      s.style = family == "lossless" || family == "smallest" ? "points pt 7 ps 2" : "linespoints";
      for (const RdPoint* p : list) {
        s.x.push_back(p->result.metrics.ratio_dense);
        s.y.push_back(value(*p));
        if (family == "bcae" || family == "smallest") s.point_labels.push_back(p->bits);
      }
      if (!s.point_labels.empty() && s.point_labels.size() != s.x.size()) s.point_labels.clear();
      plot.series.push_back(std::move(s));
    }
    const std::string path = (fs::path(dir) / ("rd_" + metric + "_vs_ratio.png")).string();
    write_line_plot(path, plot);
    written.push_back(path);
  }
  return written;
}

}  // namespace daqz
