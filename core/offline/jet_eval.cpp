#include "offline/jet_eval.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "codec/codec.h"
#include "offline/plot.h"
#include "sim/jet_data.h"
#include "codec/jet_normalisation.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae.h"
#include "codec/model_card.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Central-interval quantiles: 68.27% (+-1 sigma of a Gaussian) and 95%.
constexpr double kQ68Lo = 0.158655, kQ68Hi = 0.841345, kQ95Lo = 0.025, kQ95Hi = 0.975;

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * double(sorted.size() - 1);
  const size_t i = size_t(pos);
  const double frac = pos - double(i);
  return i + 1 < sorted.size() ? sorted[i] * (1 - frac) + sorted[i + 1] * frac : sorted[i];
}

void summarise(std::vector<double> v, double* median, double* w68, double* w95) {
  std::sort(v.begin(), v.end());
  *median = quantile(v, 0.5);
  *w68 = 0.5 * (quantile(v, kQ68Hi) - quantile(v, kQ68Lo));
  *w95 = 0.5 * (quantile(v, kQ95Hi) - quantile(v, kQ95Lo));
}

struct CodecSpec {
  std::string id;
  std::map<std::string, std::string> params;
};

CodecSpec parse_codec_spec(const std::string& spec) {
  CodecSpec c;
  const size_t colon = spec.find(':');
  c.id = spec.substr(0, colon);
  if (colon == std::string::npos) return c;
  std::string rest = spec.substr(colon + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t comma = rest.find(',', start);
    const std::string kv = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!kv.empty()) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw std::invalid_argument("codec spec '" + spec + "': expected key=value, got '" + kv + "'");
      c.params[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return c;
}

std::string safe_name(const std::string& s) {
  std::string o;
  for (char ch : s) o += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return o;
}

void write_plots(const std::string& dir, const JetSchema& schema, const JetEvalResult& r,
                 const std::vector<std::vector<double>>& rel, const std::vector<std::vector<double>>& norm_res) {
  if (!plotting_available()) {
    spdlog::warn("jet eval: gnuplot not found, no plots written to {}", dir);
    return;
  }
  fs::create_directories(dir);
  for (size_t c = 0; c < schema.size(); ++c) {
    const JetVarResidual& v = r.variables[c];
    double half = 3 * std::max(v.rel_w95, 1e-9);
    HistogramSeries s{r.codec_id, v.rel_median - half, v.rel_median + half, std::vector<double>(80, 0.0)};
    for (double x : rel[c]) {
      const double pos = (x - s.lo) / (s.hi - s.lo) * 80;
      if (pos >= 0 && pos < 80) s.counts[size_t(pos)] += 1;
    }
    HistogramPlot h;
    h.title = v.name + ": relative residual (x_hat - x) / x, " + (r.model_name.empty() ? r.codec_id : r.model_name);
    h.xlabel = "(x_hat - x) / x";
    h.log_y = true;
    h.series.push_back(std::move(s));
    write_histogram_plot((fs::path(dir) / ("residual_" + safe_name(v.name) + ".png")).string(), h);
  }
  // Pearson correlation of the residuals in normalised units.
  const size_t f = schema.size(), n = norm_res.empty() ? 0 : norm_res[0].size();
  std::vector<double> mean(f, 0), sd(f, 0);
  for (size_t c = 0; c < f; ++c) {
    for (double x : norm_res[c]) mean[c] += x;
    mean[c] /= std::max<size_t>(n, 1);
    for (double x : norm_res[c]) sd[c] += (x - mean[c]) * (x - mean[c]);
    sd[c] = std::sqrt(sd[c] / std::max<size_t>(n, 1));
  }
  HeatMap m;
  m.title = "Correlation of residuals (normalised units), " + (r.model_name.empty() ? r.codec_id : r.model_name);
  m.nx = m.ny = f;
  m.z.assign(f * f, 0.0);
  m.z_min = -1;
  m.z_max = 1;
  m.annotate = f <= 15;
  m.x_labels = m.y_labels = schema.names();
  m.width = m.height = f > 15 ? 1400 : 800;
  for (size_t a = 0; a < f; ++a)
    for (size_t b = 0; b < f; ++b) {
      double s = 0;
      for (size_t i = 0; i < n; ++i) s += (norm_res[a][i] - mean[a]) * (norm_res[b][i] - mean[b]);
      m.z[a * f + b] = sd[a] > 0 && sd[b] > 0 ? s / (double(n) * sd[a] * sd[b]) : (a == b ? 1.0 : 0.0);
    }
  write_heat_map((fs::path(dir) / "residual_correlation.png").string(), m);
}

void print_text(const JetEvalResult& r) {
  std::printf("jet eval: %s%s on %s (%zu jets, schema %s)\n", r.codec_id.c_str(),
              r.model_name.empty() ? "" : (" [" + r.model_name + "]").c_str(), r.input.c_str(), r.jets,
              jet_schema(r.schema_id).name.c_str());
  std::printf("  ratio %.3f (%llu bytes in / %llu bytes stored), normalised MSE %.4g\n", r.ratio,
              (unsigned long long)r.bytes_in, (unsigned long long)r.bytes_stored, r.mse_normalised);
  std::printf("  encode %.0f jets/s, decode %.0f jets/s (this thread)\n", r.jets / std::max(r.encode_seconds, 1e-9),
              r.jets / std::max(r.decode_seconds, 1e-9));
  std::printf("  %-28s %11s %11s %11s %9s %11s\n", "variable", "rel median", "rel w68", "rel w95", "n(x!=0)",
              "norm MSE");
  for (const auto& v : r.variables)
    std::printf("  %-28s %11.3g %11.3g %11.3g %9zu %11.3g\n", v.name.c_str(), v.rel_median + 0.0, v.rel_w68 + 0.0,
                v.rel_w95 + 0.0,
                v.n_rel, v.mse_normalised);
  std::printf("  (w68/w95: half-widths of the central 68.27%% / 95%% intervals of (x_hat - x) / x)\n");
}

}  // namespace

bool is_jet_codec_spec(const std::string& spec) {
  const std::string id = spec.substr(0, spec.find(':'));
  const auto known = known_jet_codecs();
  return std::find(known.begin(), known.end(), id) != known.end();
}

JetEvalResult evaluate_jets(const JetEvalArgs& args) {
  if (args.model_dir.empty() && args.codec.empty())
    throw std::invalid_argument("jet eval: give a model directory or a codec spec");
  CodecSpec spec = parse_codec_spec(args.codec.empty() ? "jet-ae" : args.codec);
  std::string model_dir = args.model_dir;
  if (auto it = spec.params.find("model"); it != spec.params.end()) {  // "jet-ae:model=DIR,..."
    if (!model_dir.empty() && model_dir != it->second)
      throw std::invalid_argument("jet eval: model given twice ('" + model_dir + "' and '" + it->second + "')");
    model_dir = it->second;
    spec.params.erase(it);
  }
  if (!is_jet_codec_spec(spec.id))
    throw std::invalid_argument("jet eval: '" + spec.id + "' is not a jet codec; known: " + [] {
      std::string s;
      for (const auto& id : known_jet_codecs()) s += (s.empty() ? "" : ", ") + id;
      return s;
    }());
  if (args.batch == 0) throw std::invalid_argument("jet eval: batch must be positive");

  JetBatch data = load_jet_input(args.input);
  validate_jet_batch(data);
  if (data.n == 0) throw std::invalid_argument("jet eval: input '" + args.input + "' holds no jets");

  std::optional<JetNormalisation> norm;
  std::string model_name;
  if (!model_dir.empty()) {
    const ModelCard card = load_model_card(model_dir);
    model_name = card.name;
    if (is_jet_ae_arch(card.arch)) {
      const JetAeSpec ae = JetAeSpec::for_arch(card.arch, card.raw.value("latent_dim", 0));
      if (data.schema_id != ae.schema_id) data = project_jets(data, ae.schema_id);
      norm = JetNormalisation::from_json(card.raw.at("normalisation"));
    }
  }
  if (data.schema_id == kJetSchemaUnknown)
    throw std::invalid_argument("jet eval: input width " + std::to_string(data.f) + " matches no jet schema");
  if (!norm) norm = JetNormalisation::fit(data.schema_id, data);

  CodecOptions opts;
  opts.model_dir = model_dir;
  opts.intra_op_threads = args.threads;
  opts.params = spec.params;
  auto codec = make_jet_codec(spec.id, opts);

  JetEvalResult r;
  r.codec_id = spec.id;
  r.model_name = model_name;
  r.input = args.input;
  r.schema_id = data.schema_id;
  r.jets = data.n;
  std::vector<float> recon(data.values.size());
  for (size_t first = 0; first < data.n; first += args.batch) {
    const JetBatch part = slice_jets(data, first, std::min<size_t>(args.batch, data.n - first));
    const auto t0 = Clock::now();
    const EncodedRecord rec = codec->encode(part);
    const auto t1 = Clock::now();
    const JetBatch back = codec->decode(rec);
    const auto t2 = Clock::now();
    r.encode_seconds += std::chrono::duration<double>(t1 - t0).count();
    r.decode_seconds += std::chrono::duration<double>(t2 - t1).count();
    r.bytes_in += rec.original_bytes;
    r.bytes_stored += rec.bytes.size();
    if (back.n != part.n || back.f != part.f)
      throw std::runtime_error("jet eval: codec returned " + std::to_string(back.n) + " x " + std::to_string(back.f) +
                               " for a batch of " + std::to_string(part.n) + " x " + std::to_string(part.f));
    std::copy(back.values.begin(), back.values.end(), recon.begin() + first * data.f);
  }
  r.ratio = r.bytes_stored ? double(r.bytes_in) / double(r.bytes_stored) : 0;

  const JetSchema& schema = jet_schema(data.schema_id);
  const size_t f = data.f, n = data.n;
  std::vector<float> xn(data.values.size()), yn(recon.size());
  norm->forward(data.values.data(), xn.data(), n);
  norm->forward(recon.data(), yn.data(), n);
  std::vector<std::vector<double>> rel(f), norm_res(f, std::vector<double>(n));
  for (size_t c = 0; c < f; ++c) {
    JetVarResidual v;
    v.name = schema.variable(c).name;
    std::vector<double> absres(n);
    double mse = 0;
    for (size_t i = 0; i < n; ++i) {
      const double x = data.values[i * f + c], xh = recon[i * f + c];
      absres[i] = xh - x;
      if (x != 0 && std::isfinite(x) && std::isfinite(xh)) rel[c].push_back((xh - x) / x);
      const double d = double(yn[i * f + c]) - double(xn[i * f + c]);
      norm_res[c][i] = d;
      mse += d * d;
    }
    v.n_rel = rel[c].size();
    v.mse_normalised = mse / double(n);
    summarise(rel[c], &v.rel_median, &v.rel_w68, &v.rel_w95);
    summarise(absres, &v.abs_median, &v.abs_w68, &v.abs_w95);
    r.mse_normalised += v.mse_normalised / double(f);
    r.variables.push_back(v);
  }
  if (!args.plot_dir.empty()) write_plots(args.plot_dir, schema, r, rel, norm_res);
  return r;
}

nlohmann::json jet_eval_to_json(const JetEvalResult& r) {
  nlohmann::json vars = nlohmann::json::object();
  for (const auto& v : r.variables)
    vars[v.name] = {{"rel_median", v.rel_median}, {"rel_w68", v.rel_w68},   {"rel_w95", v.rel_w95},
                    {"n_rel", v.n_rel},           {"abs_median", v.abs_median}, {"abs_w68", v.abs_w68},
                    {"abs_w95", v.abs_w95},       {"mse_normalised", v.mse_normalised}};
  return {{"codec", r.codec_id},
          {"model", r.model_name},
          {"input", r.input},
          {"schema", jet_schema(r.schema_id).name},
          {"jets", r.jets},
          {"bytes_in", r.bytes_in},
          {"bytes_stored", r.bytes_stored},
          {"ratio", r.ratio},
          {"mse_normalised", r.mse_normalised},
          {"encode_jets_per_s", r.jets / std::max(r.encode_seconds, 1e-9)},
          {"decode_jets_per_s", r.jets / std::max(r.decode_seconds, 1e-9)},
          {"widths", "half-widths of the central 68.27% / 95% intervals"},
          {"variables", vars}};
}

int run_jet_eval(const JetEvalArgs& args) {
  try {
    const JetEvalResult r = evaluate_jets(args);
    if (args.json) std::cout << jet_eval_to_json(r).dump(2) << std::endl;
    else print_text(r);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "daqz eval (jets): %s\n", e.what());
    return 1;
  }
}

}  // namespace daqz
