#include "offline/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "offline/plot.h"

namespace daqz {
namespace {

// JSON has no infinity: a perfect reconstruction reports psnr_db as null.
nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string short_number(double v) {
  if (!std::isfinite(v)) return "inf";
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-3)) return fmt::format("{:.3g}", v);
  if (a >= 100) return fmt::format("{:.1f}", v);
  return fmt::format("{:.4g}", v);
}

std::string table_row(const std::string& name, const CodecEvalResult& r, size_t width) {
  const MetricsSummary& m = r.metrics;
  return fmt::format("  {:<{}} {:>8} {:>8} {:>10} {:>8} {:>7} {:>6} {:>6} {:>8} {:>8}\n", name, width,
                     short_number(m.ratio_dense), short_number(m.ratio_vs_lossless), short_number(m.mse),
                     short_number(m.log_mae), short_number(m.psnr_db), fmt::format("{:.3f}", m.precision),
                     fmt::format("{:.3f}", m.recall), short_number(r.encode_wedges_per_s),
                     short_number(r.decode_wedges_per_s));
}

std::string table_header(size_t width) {
  return fmt::format("  {:<{}} {:>8} {:>8} {:>10} {:>8} {:>7} {:>6} {:>6} {:>8} {:>8}\n", "codec", width, "ratio",
                     "vs_lossl", "mse", "log_mae", "psnr", "prec", "recall", "enc/s", "dec/s");
}

std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

std::vector<double> as_doubles(const std::vector<uint64_t>& v) { return {v.begin(), v.end()}; }

bool has_histograms(const CodecEvalResult& r) {
  for (auto c : r.histograms.truth)
    if (c) return true;
  return false;
}

}  // namespace

nlohmann::json result_to_json(const CodecEvalResult& r) {
  const MetricsSummary& m = r.metrics;
  nlohmann::json j;
  j["model"] = r.label;
  j["arch"] = r.arch;
  j["codec"] = r.codec_id;
  j["params"] = r.params;
  j["threshold"] = r.threshold ? nlohmann::json(*r.threshold) : nlohmann::json(nullptr);
  j["n_wedges"] = m.n_wedges;
  j["occupancy"] = m.occupancy;
  j["ratio_dense"] = m.ratio_dense;
  j["ratio_vs_lossless"] = m.ratio_vs_lossless;
  j["mse"] = m.mse;
  j["log_mae"] = m.log_mae;
  j["psnr_db"] = finite_or_null(m.psnr_db);
  j["precision"] = m.precision;
  j["recall"] = m.recall;
  j["encode_wedges_per_s"] = r.encode_wedges_per_s;
  j["decode_wedges_per_s"] = r.decode_wedges_per_s;
  j["bytes_per_wedge"] = m.n_wedges ? double(m.stored_bytes) / double(m.n_wedges) : 0.0;
  return j;
}

nlohmann::json matched_to_json(const std::vector<MatchedRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const MatchedRow& row : rows) {
    nlohmann::json j;
    j["model"] = row.model.label;
    j["ratio_dense"] = row.model.metrics.ratio_dense;
    for (const MatchedBaseline& b : row.baselines) {
      j["zfp"][b.family]["above"] = b.above ? result_to_json(*b.above) : nlohmann::json(nullptr);
      j["zfp"][b.family]["below"] = b.below ? result_to_json(*b.below) : nlohmann::json(nullptr);
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::string format_result_text(const CodecEvalResult& r) {
  const MetricsSummary& m = r.metrics;
  std::string s;
  auto line = [&s](const std::string& k, const std::string& v) { s += fmt::format("{:<22}{}\n", k, v); };
  line("model", r.label);
  if (!r.arch.empty()) line("arch", r.arch);
  line("codec", r.codec_id);
  if (r.threshold) line("threshold", short_number(*r.threshold));
  line("n_wedges", std::to_string(m.n_wedges));
  line("occupancy", fmt::format("{:.4f}", m.occupancy));
  line("bytes_per_wedge", short_number(m.n_wedges ? double(m.stored_bytes) / double(m.n_wedges) : 0.0));
  line("ratio_dense", short_number(m.ratio_dense));
  line("ratio_vs_lossless", short_number(m.ratio_vs_lossless));
  line("mse", short_number(m.mse));
  line("log_mae", short_number(m.log_mae));
  line("psnr_db", short_number(m.psnr_db));
  line("precision", fmt::format("{:.4f}", m.precision));
  line("recall", fmt::format("{:.4f}", m.recall));
  line("encode_wedges_per_s", short_number(r.encode_wedges_per_s));
  line("decode_wedges_per_s", short_number(r.decode_wedges_per_s));
  return s;
}

std::string format_matched_table(const std::vector<MatchedRow>& rows, const CodecEvalResult* lossless) {
  std::string s;
  for (const MatchedRow& row : rows) {
    size_t width = std::max<size_t>(24, row.model.label.size());
    for (const MatchedBaseline& b : row.baselines) {
      width = std::max(width, b.family.size() + 5);
      if (b.above) width = std::max(width, b.above->label.size() + 5);
      if (b.below) width = std::max(width, b.below->label.size() + 5);
    }
    s += fmt::format("Matched at ratio {:.2f} (ZFP [>=] = smallest ZFP ratio >= the model's; "
                     "[<=] = largest ZFP ratio <= it):\n",
                     row.model.metrics.ratio_dense);
    s += table_header(width);
    s += table_row(row.model.label, row.model, width);
    for (const MatchedBaseline& b : row.baselines) {
      if (b.above) s += table_row(b.above->label + " [>=]", *b.above, width);
      else s += fmt::format("  {:<{}} (no setting reaches this ratio)\n", b.family + " [>=]", width);
      if (b.below && (!b.above || b.below->label != b.above->label)) s += table_row(b.below->label + " [<=]", *b.below, width);
      else if (!b.below) s += fmt::format("  {:<{}} (no setting at or below this ratio)\n", b.family + " [<=]", width);
    }
    if (lossless) s += table_row("lossless", *lossless, width);
    s += "\n";
  }
  return s;
}

std::string format_sweep_table(const std::vector<CodecEvalResult>& results) {
  std::vector<const CodecEvalResult*> sorted;
  size_t width = 24;
  for (const auto& r : results) {
    sorted.push_back(&r);
    width = std::max(width, r.label.size());
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->family != b->family ? a->family < b->family : a->metrics.ratio_dense < b->metrics.ratio_dense;
  });
  std::string s = table_header(width);
  for (const auto* r : sorted) s += table_row(r->label, *r, width);
  return s;
}

std::vector<std::string> write_eval_plots(const std::string& dir, const std::vector<CodecEvalResult>& models,
                                          const std::vector<CodecEvalResult>& zfp,
                                          const CodecEvalResult* lossless) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::vector<std::string> written;

  // Fig. 4: distortion against compression ratio, one series per ZFP family, one point per model.
  std::map<std::string, std::vector<const CodecEvalResult*>> families;
  for (const auto& z : zfp) families[z.family].push_back(&z);
  for (const auto& [metric, title] : std::vector<std::pair<std::string, std::string>>{
           {"mse", "MSE (raw ADC) against compression ratio"},
           {"log_mae", "MAE of log2(ADC+1) against compression ratio"}}) {
    auto value = [&metric](const CodecEvalResult& r) { return metric == "mse" ? r.metrics.mse : r.metrics.log_mae; };
    LinePlot p;
    p.title = title;
    p.xlabel = "compression ratio (dense 16-bit bytes / stored bytes)";
    p.ylabel = metric == "mse" ? "MSE" : "log MAE";
    p.log_x = true;
    p.log_y = metric == "mse";
    p.key_position = "bottom right";
    for (auto& [family, list] : families) {
      std::sort(list.begin(), list.end(),
                [](const auto* a, const auto* b) { return a->metrics.ratio_dense < b->metrics.ratio_dense; });
      PlotSeries s;
      s.name = family + " (best post-threshold)";
      for (const auto* r : list) {
        s.x.push_back(r->metrics.ratio_dense);
        s.y.push_back(value(*r));
      }
      p.series.push_back(std::move(s));
    }
    for (const auto& m : models) {
      PlotSeries s;
      s.name = m.label;
      s.style = "points pt 7 ps 2";
      s.x = {m.metrics.ratio_dense};
      s.y = {value(m)};
      p.series.push_back(std::move(s));
    }
    if (lossless && metric == "log_mae") {
      // Lossless has zero distortion: shown on the linear log-MAE axis only (log axes cannot hold 0).
      PlotSeries s;
      s.name = "lossless";
      s.style = "points pt 5 ps 2";
      s.x = {lossless->metrics.ratio_dense};
      s.y = {value(*lossless)};
      p.series.push_back(std::move(s));
    }
    const std::string path = (fs::path(dir) / (metric + "_vs_ratio.png")).string();
    write_line_plot(path, p);
    written.push_back(path);
  }

  // Fig. 5/6: distributions of log2(ADC+1) of nonzero voxels, truth vs reconstruction.
  std::vector<const CodecEvalResult*> with_hist;
  std::set<std::string> labels;  // a baseline may be the evaluated codec itself: one figure each
  for (const auto& m : models)
    if (has_histograms(m) && labels.insert(m.label).second) with_hist.push_back(&m);
  for (const auto& z : zfp)
    if (has_histograms(z) && labels.insert(z.label).second) with_hist.push_back(&z);
  for (const auto* r : with_hist) {
    const LogAdcHistograms& h = r->histograms;
    HistogramPlot hp;
    hp.title = "log2(ADC+1) of nonzero voxels: " + r->label;
    hp.xlabel = "log2(ADC + 1)";
    hp.x_min = 4.5;  // nonzero truth starts at log2(66) = 6.04; ZFP's post-threshold may go lower
    hp.x_max = LogAdcHistograms::kLogHistMax;
    hp.series.push_back({"truth", 0.0, LogAdcHistograms::kLogHistMax, as_doubles(h.truth)});
    hp.series.push_back({"reconstruction", 0.0, LogAdcHistograms::kLogHistMax, as_doubles(h.recon)});
    const std::string hist_path = (fs::path(dir) / ("log_adc_hist_" + file_safe(r->label) + ".png")).string();
    write_histogram_plot(hist_path, hp);
    written.push_back(hist_path);

    HeatMap m;
    m.title = "truth vs reconstruction log2(ADC+1), voxels nonzero in either\n" + r->label;
    m.xlabel = "reconstruction log2(ADC + 1)";
    m.ylabel = "truth log2(ADC + 1)";
    m.zlabel = "voxels";
    m.nx = m.ny = LogAdcHistograms::kBins;
    m.x_lo = m.y_lo = 0;
    m.x_hi = m.y_hi = LogAdcHistograms::kLogHistMax;
    m.z = as_doubles(h.joint);  // row = truth bin, column = reconstruction bin
    m.log_z = true;
    const std::string joint_path = (fs::path(dir) / ("log_adc_joint_" + file_safe(r->label) + ".png")).string();
    write_heat_map(joint_path, m);
    written.push_back(joint_path);
  }
  return written;
}

}  // namespace daqz
