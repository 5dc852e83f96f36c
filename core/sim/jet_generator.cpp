// Trigger-level jet generator. Not a physics event generator: each variable is drawn from a
// simple parametric law chosen to match the shape of the ATLAS TLA distributions (falling power-
// law pt, log-normal moments, Beta fractions, integer constituent counts), with the correlations
// that matter to a compressor (m and N90 grow with pt, widths shrink with pt, EM/HEC fractions
// and CentroidR depend on eta, area 4-vector follows the jet axis, Oot10 <= Oot5, ...).
#include "sim/jet_generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "codec/jet_schema.h"
#include "base/xoshiro256.h"

namespace daqz {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kPtMaxGeV = 4000.0;

// Distributions on top of the shared generator (identical output everywhere).
class Rng : public Xoshiro256 {
 public:
  using Xoshiro256::Xoshiro256;
  using Xoshiro256::uniform;
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  double normal() {  // Box-Muller, no cached pair (keeps the stream position simple)
    return std::sqrt(-2.0 * std::log(uniform_open())) * std::cos(2.0 * kPi * uniform());
  }
  double normal(double mu, double sigma) { return mu + sigma * normal(); }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  uint32_t poisson(double mean) {  // Knuth; means here are < 30
    const double limit = std::exp(-mean);
    double p = uniform_open();
    uint32_t k = 0;
    while (p > limit) {
      p *= uniform_open();
      ++k;
    }
    return k;
  }
  double gamma(double k) {  // Marsaglia-Tsang
    if (k < 1.0) return gamma(k + 1.0) * std::pow(uniform_open(), 1.0 / k);
    const double d = k - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  double beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x / (x + y);
  }
};

double wrap_phi(double phi) {
  while (phi >= kPi) phi -= 2 * kPi;
  while (phi < -kPi) phi += 2 * kPi;
  return phi;
}

class JetGenerator final : public JetSource {
 public:
  JetGenerator(uint64_t seed, JetGeneratorConfig config) : seed_(seed), config_(config), rng_(seed) {
    if (!(config_.jets_per_event_mean > 0 && config_.jets_per_event_mean < 50))
      throw std::invalid_argument("jet generator: jets_per_event_mean must be in (0, 50), got " +
                                  std::to_string(config_.jets_per_event_mean));
    if (!(config_.pt_min_gev > 0 && config_.pt_min_gev < kPtMaxGeV))
      throw std::invalid_argument("jet generator: pt_min_gev must be in (0, 4000)");
    if (!(config_.pt_spectrum_index > 1.5))
      throw std::invalid_argument("jet generator: pt_spectrum_index must exceed 1.5");
    if (!(config_.eta_max > 0 && config_.eta_max <= 4.9))
      throw std::invalid_argument("jet generator: eta_max must be in (0, 4.9]");
  }

  std::optional<JetBatch> next() override {
    if (config_.max_events && events_ >= config_.max_events) return std::nullopt;
    ++events_;
    const uint32_t n = rng_.poisson(config_.jets_per_event_mean);
    std::vector<double> pts(n);
    for (auto& pt : pts) pt = draw_pt();
    std::sort(pts.begin(), pts.end(), std::greater<double>());
    JetBatch b;
    b.schema_id = kJetSchemaTla27;
    b.n = n;
    b.f = 27;
    b.values.resize(size_t(n) * 27);
    for (uint32_t i = 0; i < n; ++i) fill_jet(pts[i], &b.values[size_t(i) * 27]);
    return b;
  }

  std::string describe() const override {
    return "jet-generator(seed=" + std::to_string(seed_) +
           ", jets/event=" + std::to_string(config_.jets_per_event_mean) + ")";
  }

 private:
  double draw_pt() {
    // Inverse CDF of a power law above pt_min, redrawn above the kinematic cap.
    for (;;) {
      const double pt = config_.pt_min_gev * std::pow(rng_.uniform_open(), -1.0 / (config_.pt_spectrum_index - 1));
      if (pt < kPtMaxGeV) return pt;
    }
  }

  void fill_jet(double pt, float* out) {
    Rng& r = rng_;
    double eta;
    do eta = r.normal(0.0, 1.5); while (std::fabs(eta) >= config_.eta_max);
    const double phi = r.uniform(-kPi, kPi);
    const double log_pt = std::log(pt / 30.0);

    // Mass grows with pt (m/pt slowly falling), log-normal around it.
    const double m = std::clamp(pt * 0.12 * std::pow(pt / 50.0, -0.12) * std::exp(0.4 * r.normal()),
                                0.005 * pt, 0.6 * pt);

    // (Separate statements: the order of two RNG calls inside one expression is unspecified.)
    const double area_core = r.normal(0.50, 0.03);
    const double area_soft = pt < 40 ? r.normal(0.0, 0.03) : 0.0;  // soft jets: noisier area
    const double area = std::clamp(area_core + area_soft, 0.2, 0.8);
    const double area_pt = area * (1.0 + r.normal(0.0, 0.01));
    const double area_eta = eta + r.normal(0.0, 0.02);
    const double area_phi = wrap_phi(phi + r.normal(0.0, 0.02));
    const double area_m = area * r.lognormal(0.12, 0.25);

    const double det_eta = std::clamp(eta + r.normal(0.0, 0.015), -4.9, 4.9);
    const double aeta = std::fabs(det_eta);

    // Calorimeter response: EM fraction falls slowly with pt; the HEC takes a share for |eta| > ~1.5.
    const double em = r.beta(std::max(2.0, 7.0 - 1.2 * std::log10(pt / 20.0)), 3.0);
    const double hec_share = 1.0 / (1.0 + std::exp(-(aeta - 1.5) / 0.08));
    const double hec = hec_share > 0.02 ? (1.0 - em) * hec_share * r.beta(8.0, 2.0) : 0.0;
    const double hec_quality = hec > 0 ? r.beta(0.6, 25.0) : 0.0;
    const double lar_quality = r.beta(0.5, 15.0);
    const double avg_lar_qf = std::clamp(r.lognormal(150.0, 1.1) * (1.0 + 20.0 * lar_quality), 0.0, 65535.0);
    const double negative_e =
        r.chance(0.35) ? 0.0 : -std::min(0.5 * pt, r.lognormal(0.3 * std::sqrt(pt / 50.0), 1.2));

    const double width = std::clamp(r.lognormal(0.12 * std::pow(pt / 30.0, -0.35), 0.45), 0.001, 0.4);
    const double width_phi = std::clamp(width * std::exp(0.25 * r.normal()), 0.001, 0.4);

    // Distance of the energy centroid from the origin: barrel cylinder or endcap disk, deeper
    // for hadronic showers.
    const double r_face = std::min(1700.0 * std::cosh(det_eta), 4000.0 / std::tanh(std::max(aeta, 1e-3)));
    const double centroid_r = r_face * (1.0 + 0.35 * (1.0 - em)) * std::exp(r.normal(0.0, 0.05));

    const double lc_pt = pt * r.beta(4.0, 3.0);
    const double lc_center_lambda = r.lognormal(200.0 * (1.0 + 1.5 * (1.0 - em)), 0.5);
    const double lc_second_lambda = r.lognormal(3e4 * (lc_center_lambda / 200.0), 0.9);
    const double lc_second_r = r.lognormal(600.0 * std::sqrt(width / 0.1), 0.9);
    const double n90 = std::max<uint32_t>(1, r.poisson(std::max(1.0, 3.0 + 2.2 * log_pt)));

    const double timing_sigma = 0.25 + 10.0 / pt;  // ns; better-measured at high pt
    const double timing = r.chance(0.02) ? r.normal(0.0, 4.0) : r.normal(0.0, timing_sigma);
    const double oot5 = r.chance(0.55) ? 0.0 : r.beta(0.5, 12.0);
    const double oot10 = r.chance(0.5) ? 0.0 : oot5 * r.beta(1.0, 2.0);

    const double v[27] = {pt,         eta,          phi,         m,          area,
                          area_eta,   area_m,       area_phi,    area_pt,    avg_lar_qf,
                          negative_e, hec_quality,  lar_quality, width,      width_phi,
                          centroid_r, det_eta,      lc_center_lambda,        lc_pt,
                          lc_second_lambda,         lc_second_r, n90,        em,
                          hec,        timing,       oot10,       oot5};
    for (int i = 0; i < 27; ++i) out[i] = float(v[i]);
  }

  uint64_t seed_;
  JetGeneratorConfig config_;
  Rng rng_;
  uint64_t events_ = 0;
};

}  // namespace

std::unique_ptr<JetSource> make_jet_generator(uint64_t seed, JetGeneratorConfig config) {
  return std::make_unique<JetGenerator>(seed, config);
}

JetBatch generate_jets(uint64_t seed, size_t n_jets, JetGeneratorConfig config) {
  config.max_events = 0;
  JetGenerator gen(seed, config);
  JetBatch all;
  all.schema_id = kJetSchemaTla27;
  all.f = 27;
  all.values.reserve(n_jets * 27);
  while (all.values.size() < n_jets * 27) {
    const JetBatch ev = *gen.next();
    const size_t take = std::min(ev.values.size(), n_jets * 27 - all.values.size());
    all.values.insert(all.values.end(), ev.values.begin(), ev.values.begin() + take);
  }
  all.n = uint32_t(n_jets);
  return all;
}

}  // namespace daqz
