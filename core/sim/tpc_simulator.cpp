// TPC simulator: see tpc_simulator.h and docs/simulator.md.
//
// Cost structure (why it is fast): an event is simulated once for all 24 wedges. Particles are
// followed analytically (a helix through the beam axis crosses radius r at a closed-form turning
// angle), so the cost per particle is a few steps per pad row it crosses. Each step becomes one
// Gaussian charge deposit; deposits are bucketed per wedge and spread on pads (tabulated normal
// CDF) and time samples (tabulated shaping response), into one wedge-sized float buffer at a
// time. Digitisation visits only the time range each pad received signal in, and emits the
// zero-suppressed runs directly; pure-noise threshold crossings of empty samples are drawn as a
// Poisson number of noise hits instead of adding noise to every sample.
#include "sim/tpc_simulator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "base/xoshiro256.h"

namespace daqz {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2 * kPi;
constexpr double kPionMass = 0.13957, kKaonMass = 0.49368, kProtonMass = 0.93827;
constexpr double kElectronMass = 0.000511;

// Distributions on top of the shared generator (identical output everywhere).
class Rng : public Xoshiro256 {
 public:
  using Xoshiro256::Xoshiro256;
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double f = std::sqrt(-2 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  double exponential(double mean) { return -mean * std::log(uniform_open()); }
  uint64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30) {  // Knuth
      const double l = std::exp(-mean);
      uint64_t k = 0;
      double p = uniform_open();
      while (p > l) {
        ++k;
        p *= uniform_open();
      }
      return k;
    }
    const double x = std::round(mean + std::sqrt(mean) * normal());
    return x < 0 ? 0 : uint64_t(x);
  }

 private:
  double spare_ = 0;
  bool has_spare_ = false;
};

// Inverse-CDF sampler of a tabulated density on [lo, hi].
class TableSampler {
 public:
  template <typename Pdf>
  TableSampler(double lo, double hi, size_t n, Pdf pdf) : lo_(lo), step_((hi - lo) / (n - 1)) {
    cdf_.resize(n, 0.0);
    double prev = pdf(lo);
    for (size_t i = 1; i < n; ++i) {
      const double cur = pdf(lo + i * step_);
      cdf_[i] = cdf_[i - 1] + 0.5 * (prev + cur) * step_;
      prev = cur;
    }
    const double total = cdf_.back();
    for (auto& c : cdf_) c /= total;
  }
  double sample(double u) const {
    const size_t i = size_t(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    if (i == 0) return lo_;
    if (i >= cdf_.size()) return lo_ + (cdf_.size() - 1) * step_;
    const double c0 = cdf_[i - 1], c1 = cdf_[i];
    const double f = c1 > c0 ? (u - c0) / (c1 - c0) : 0.0;
    return lo_ + (double(i - 1) + f) * step_;
  }

 private:
  double lo_, step_;
  std::vector<double> cdf_;
};

// One track step's charge, ready to be spread on a wedge.
struct Deposit {
  float pad;        // wedge-local continuous pad coordinate (pad a covers [a, a+1))
  float time;       // arrival time in bins from the frame start, in time order
  float charge;     // peak ADC counts if the whole charge sat on one pad with no diffusion
  float pad_sigma;  // transverse spread in pads
  uint8_t layer;
  uint8_t time_sigma_level;  // index into the shaping tables
};

struct Collision {
  double time_ns;
  double vertex_z_cm;
};

struct Particle {
  double pt, eta, phi, mass;
  int charge;
};

}  // namespace

double landau_from_uniforms(double u1, double u2) {
  // CMS for a stable law with alpha = 1, beta = 1 (Nolan S1, unit scale), then scaled to the
  // Landau scale c = pi/2, which for alpha = 1 also shifts the location by (2/pi) c ln c.
  const double v = kPi * (u1 - 0.5);
  const double w = -std::log(u2);
  const double half_pi = kPi / 2;
  const double x = (2 / kPi) * ((half_pi + v) * std::tan(v) -
                                std::log((half_pi * w * std::cos(v)) / (half_pi + v)));
  return half_pi * x + std::log(half_pi);
}

double landau_cdf(double x) {
  // P(X <= x) for X = a(V) - (2/pi) ln W (the CMS construction, W ~ Exp(1)) is the average over
  // V ~ U(-pi/2, pi/2) of P(W >= exp((pi/2)(a(V) - x))); a(V) already holds the Landau scaling.
  const int n = 2048;
  const double half_pi = kPi / 2;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double v = -half_pi + kPi * (i + 0.5) / n;
    const double a = (half_pi + v) * std::tan(v) - std::log(half_pi * std::cos(v) / (half_pi + v));
    // lambda = half_pi * (2/pi) * (a - ln W) + ln(half_pi) = a - ln W + ln(half_pi)
    const double e = a + std::log(half_pi) - x;  // lambda <= x  <=>  ln W >= e
    if (e > 700) continue;
    sum += std::exp(-std::exp(e));
  }
  return sum / n;
}

struct TpcSimulator::Impl {
  TpcSimConfig cfg;
  TpcEventInfo info;

  // Derived constants.
  WedgeShape shape;
  uint32_t pads_total = 0, pads_per_sector = 0, sectors = 0, layers = 0, time_bins = 0;
  double bin_ns = 0, bin_cm = 0, drift_cm_per_ns = 0, half_length = 0, row_half_height = 0;
  std::vector<double> row_radius, pad_pitch;
  double zs_noise_hit_probability = 0;
  // TPCMLDataInterface acceptance per layer, in wedge time indices: in half 0 (index 0 at the
  // readout plane) samples below ml_first_inside[l] are outside; in half 1 (index 0 at the
  // membrane) samples above ml_last_inside[l] are.
  std::vector<int> ml_first_inside, ml_last_inside;
  float pedestal = 0, noise = 0, threshold = 0;

  TableSampler pion_pt, kaon_pt, proton_pt;
  std::vector<std::pair<double, double>> dndeta;

  // Shaping response convolved with longitudinal diffusion: kShapeLevels widths x samples of x in
  // [kShapeLo, kShapeHi] bins at kShapeRes per bin.
  static constexpr int kShapeLevels = 12;
  // Window: the longitudinal spread reaches ~0.75 bins at full drift (leading edge to -2 bins); the
  // CR-RC^4 tail at +6.5 bins is < 1e-3 of the peak.
  static constexpr double kShapeLo = -2.0, kShapeHi = 6.5;
  static constexpr int kShapeRes = 64;
  double shape_sigma_step = 0;
  std::vector<float> shape_table;  // [level][x]
  int shape_samples = 0;
  // Normal CDF on [-kCdfRange, kCdfRange] at kCdfRes per unit.
  static constexpr double kCdfRange = 6.0;
  static constexpr int kCdfRes = 512;
  std::vector<float> cdf_table;
  // Quantiles of the Landau distribution truncated at landau_lambda_max (no rejection loop).
  std::vector<float> landau_quantiles;
  // Noise quantiles for fast Gaussian draws.
  std::array<float, 4096> noise_quantiles{};

  // Per-event state.
  std::vector<std::vector<Deposit>> buckets;  // per wedge
  // Per-wedge scratch.
  std::vector<float> signal;                  // [a][l][t], time in time order
  std::vector<int16_t> t_lo, t_hi;            // touched time range per pad (a * layers + l)
  std::vector<uint16_t> row;                  // one kept window's values, wedge time order
  std::vector<std::pair<int, int>> windows;   // kept sample windows of one pad
  std::vector<int> forced_times;              // noise-hit crossings of one pad

  explicit Impl(TpcSimConfig c)
      : cfg((c.validate(), std::move(c))),
        pion_pt(make_pt_sampler(cfg.physics, kPionMass)),
        kaon_pt(make_pt_sampler(cfg.physics, kKaonMass)),
        proton_pt(make_pt_sampler(cfg.physics, kProtonMass)) {
    const TpcGeometry& g = cfg.geometry;
    const TpcPhysics& p = cfg.physics;
    shape = g.wedge_shape();
    pads_total = g.pads_per_layer;
    pads_per_sector = g.pads_per_sector();
    sectors = g.sectors;
    layers = g.layers;
    time_bins = g.time_bins_per_half();
    bin_ns = g.time_bin_ns();
    drift_cm_per_ns = g.drift_velocity_cm_per_us / 1000.0;
    bin_cm = bin_ns * drift_cm_per_ns;
    half_length = g.half_length_cm;
    row_half_height = 0.5 * g.row_pitch_cm();
    for (uint32_t l = 0; l < layers; ++l) {
      row_radius.push_back(g.row_radius_cm(l));
      pad_pitch.push_back(kTwoPi * g.row_radius_cm(l) / pads_total);
    }
    dndeta = p.dndeta_vs_centrality;
    pedestal = float(p.pedestal_adc);
    noise = float(p.noise_adc);
    threshold = float(p.zs_threshold_adc);
    zs_noise_hit_probability =
        p.noise_adc > 0 ? 0.5 * std::erfc(p.zs_threshold_adc / (p.noise_adc * std::sqrt(2.0))) : 0.0;

    build_shape_table();
    build_ml_acceptance();
    cdf_table.resize(size_t(2 * kCdfRange * kCdfRes) + 2);
    for (size_t i = 0; i < cdf_table.size(); ++i)
      cdf_table[i] = float(0.5 * std::erfc(-(double(i) / kCdfRes - kCdfRange) / std::sqrt(2.0)));
    Rng qrng(0x5eed);
    for (size_t i = 0; i < noise_quantiles.size(); ++i) {
      // Inverse normal CDF by bisection (startup only).
      const double u = (i + 0.5) / noise_quantiles.size();
      double lo = -8, hi = 8;
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        (0.5 * std::erfc(-mid / std::sqrt(2.0)) < u ? lo : hi) = mid;
      }
      noise_quantiles[i] = float(0.5 * (lo + hi));
    }

    build_landau_table();
    buckets.resize(g.wedges_per_frame());
    signal.assign(size_t(pads_per_sector) * layers * time_bins, 0.0f);
    t_lo.assign(size_t(pads_per_sector) * layers, int16_t(time_bins));
    t_hi.assign(size_t(pads_per_sector) * layers, int16_t(-1));
    row.assign(time_bins, 0);
  }

  // The frame's z bins split [-L, L] evenly (bin 0 at z = -L); a sample is inside when the
  // pseudorapidity of (r, |z_centre| - margin) is at most eta_max, i.e. |z| <= margin + r sinh(eta_max).
  void build_ml_acceptance() {
    const TpcPhysics& p = cfg.physics;
    ml_first_inside.assign(layers, 0);
    ml_last_inside.assign(layers, int(time_bins) - 1);
    if (p.ml_acceptance_eta_max <= 0) return;
    const double z_bin = 2 * half_length / (2.0 * time_bins);
    for (uint32_t l = 0; l < layers; ++l) {
      const double z_max = p.ml_acceptance_vertex_margin_cm + row_radius[l] * std::sinh(p.ml_acceptance_eta_max);
      int first = int(time_bins), last = -1;
      for (int t = 0; t < int(time_bins); ++t) {
        const double z0 = std::abs(-half_length + (t + 0.5) * z_bin);                // half 0
        const double z1 = std::abs(-half_length + (time_bins + t + 0.5) * z_bin);     // half 1
        if (z0 <= z_max) first = std::min(first, t);
        if (z1 <= z_max) last = std::max(last, t);
      }
      ml_first_inside[l] = first;
      ml_last_inside[l] = last;
    }
  }

  static TableSampler make_pt_sampler(const TpcPhysics& p, double mass) {
    const double t = p.tsallis_temperature_gev, n = p.tsallis_n;
    return TableSampler(0.0, 10.0, 8192, [=](double pt) {
      const double mt = std::sqrt(pt * pt + mass * mass);
      return pt * std::pow(1 + (mt - mass) / (n * t), -n);
    });
  }

  void build_shape_table() {
    const TpcPhysics& p = cfg.physics;
    const double peak_bins = p.shaping_peaking_ns / bin_ns;
    const double max_sigma =
        p.diffusion_longitudinal_cm_per_sqrt_cm * std::sqrt(half_length * 1.02) / bin_cm + 1e-3;
    shape_sigma_step = max_sigma / (kShapeLevels - 1);
    shape_samples = int((kShapeHi - kShapeLo) * kShapeRes) + 1;
    shape_table.assign(size_t(kShapeLevels) * shape_samples, 0.0f);
    auto h = [&](double x) {  // CR-RC^4 normalised to peak 1 at x = peak_bins
      if (x <= 0) return 0.0;
      const double r = x / peak_bins;
      return r * r * r * r * std::exp(4.0 * (1.0 - r));
    };
    for (int lvl = 0; lvl < kShapeLevels; ++lvl) {
      const double sigma = lvl * shape_sigma_step;
      for (int i = 0; i < shape_samples; ++i) {
        const double x = kShapeLo + double(i) / kShapeRes;
        double v = 0;
        if (sigma < 1e-4) {
          v = h(x);
        } else {  // numeric convolution with the Gaussian arrival-time spread
          double wsum = 0;
          for (int k = -40; k <= 40; ++k) {
            const double d = k * sigma / 10.0;
            const double w = std::exp(-0.5 * (d / sigma) * (d / sigma));
            v += w * h(x - d);
            wsum += w;
          }
          v /= wsum;
        }
        shape_table[size_t(lvl) * shape_samples + i] = float(v);
      }
    }
  }

  void build_landau_table() {
    // The table costs ~2M transcendental calls: built once per truncation value per process.
    static std::mutex cache_mutex;
    static std::map<double, std::vector<float>> cache;
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = cache.find(cfg.physics.landau_lambda_max);
    if (it == cache.end()) {
      build_landau_table_uncached();
      cache.emplace(cfg.physics.landau_lambda_max, landau_quantiles);
    } else {
      landau_quantiles = it->second;
    }
  }

  void build_landau_table_uncached() {
    // CDF on a grid dense at the peak, then inverted at equally spaced probabilities.
    const double lo = -4.0, hi = cfg.physics.landau_lambda_max;
    const int n = 1024;
    std::vector<double> xs(n + 1), cdf(n + 1);
    for (int i = 0; i <= n; ++i) {
      const double f = double(i) / n;
      xs[i] = lo + (hi - lo) * f * f;
      cdf[i] = landau_cdf(xs[i]);
    }
    const double top = cdf[n];
    landau_quantiles.resize(8192 + 1);
    int j = 0;
    for (size_t k = 0; k < landau_quantiles.size(); ++k) {
      const double u = top * double(k) / double(landau_quantiles.size() - 1);
      while (j < n - 1 && cdf[j + 1] < u) ++j;
      const double span = cdf[j + 1] - cdf[j];
      const double f = span > 0 ? std::clamp((u - cdf[j]) / span, 0.0, 1.0) : 0.0;
      landau_quantiles[k] = float(xs[j] + f * (xs[j + 1] - xs[j]));
    }
  }

  float normal_cdf(float x) const {
    float f = (x + float(kCdfRange)) * kCdfRes;
    if (f <= 0) return 0.0f;
    if (f >= float(cdf_table.size() - 2)) return 1.0f;
    const int i = int(f);
    const float frac = f - i;
    return cdf_table[i] + frac * (cdf_table[i + 1] - cdf_table[i]);
  }
  float fast_noise(Rng& rng) const { return noise * noise_quantiles[rng.next() >> 52]; }

  double dndeta_at(double c) const {
    if (c <= dndeta.front().first) return dndeta.front().second;
    for (size_t i = 1; i < dndeta.size(); ++i)
      if (c <= dndeta[i].first) {
        const auto& a = dndeta[i - 1];
        const auto& b = dndeta[i];
        return a.second + (b.second - a.second) * (c - a.first) / (b.first - a.first);
      }
    return dndeta.back().second;
  }

  // Mean ionisation relative to a minimum-ionising particle: 1/beta^2 below beta*gamma = 3.5,
  // logarithmic relativistic rise above (Fermi plateau ~1.4 in a light gas).
  double ionisation_factor(double p, double mass) const {
    const double bg = p / mass;
    if (bg >= 3.5) return std::min(1.4, 1.0 + 0.14 * std::log(bg / 3.5));
    const double beta2 = bg * bg / (1 + bg * bg);
    const double beta2_min = 3.5 * 3.5 / (1 + 3.5 * 3.5);
    return std::min(cfg.physics.max_ionisation_factor, beta2_min / beta2);
  }

  double landau_factor(Rng& rng) const {
    const double pos = rng.uniform() * double(landau_quantiles.size() - 1);
    const size_t i = size_t(pos);
    const double lambda = landau_quantiles[i] + (pos - double(i)) * (landau_quantiles[i + 1] - landau_quantiles[i]);
    return std::max(0.05, 1.0 + cfg.physics.landau_width * (lambda + 0.22278));
  }

  // ---- Event generation ---------------------------------------------------------------------

  void generate_collision(Rng& rng, const Collision& col, double centrality) {
    const TpcPhysics& p = cfg.physics;
    const uint64_t n_primary = rng.poisson(dndeta_at(centrality) * 2 * p.eta_max);
    info.primaries += n_primary;
    for (uint64_t i = 0; i < n_primary; ++i) {
      Particle part;
      const double u = rng.uniform();
      if (u < p.proton_fraction) {
        part.mass = kProtonMass;
        part.pt = proton_pt.sample(rng.uniform());
      } else if (u < p.proton_fraction + p.kaon_fraction) {
        part.mass = kKaonMass;
        part.pt = kaon_pt.sample(rng.uniform());
      } else {
        part.mass = kPionMass;
        part.pt = pion_pt.sample(rng.uniform());
      }
      part.eta = p.eta_max * (2 * rng.uniform() - 1);
      part.phi = kTwoPi * rng.uniform();
      part.charge = rng.uniform() < 0.5 ? 1 : -1;
      transport(rng, part, col);
    }
    const uint64_t n_soft = rng.poisson(p.soft_hits_per_primary_per_layer * double(n_primary) * layers);
    for (uint64_t i = 0; i < n_soft; ++i) {
      const uint32_t layer = uint32_t(rng.next() % layers);
      const double phi = kTwoPi * rng.uniform();
      const double z = half_length * (2 * rng.uniform() - 1);
      add_deposit(layer, phi, z, col.time_ns, rng.exponential(p.soft_hit_charge_mean_adc));
    }
    const uint64_t n_secondary = rng.poisson(p.secondary_electrons_per_primary * double(n_primary));
    info.secondaries += n_secondary;
    for (uint64_t i = 0; i < n_secondary; ++i) {
      Particle part;
      part.mass = kElectronMass;
      part.pt = rng.exponential(p.secondary_pt_mean_gev);
      part.eta = p.eta_max * (2 * rng.uniform() - 1);
      part.phi = kTwoPi * rng.uniform();
      part.charge = rng.uniform() < 0.5 ? 1 : -1;
      transport(rng, part, col);
    }
  }

  // Follows a helix from the beam axis through the pad rows of the group. For a circle of radius R
  // through the origin, the point at turning angle psi lies at r = 2R |sin(psi/2)| and azimuth
  // phi0 + s psi/2 (s = rotation sense), and z grows by R sinh(eta) per radian.
  void transport(Rng& rng, const Particle& part, const Collision& col) {
    const TpcPhysics& p = cfg.physics;
    const double radius = part.pt / (0.003 * p.magnetic_field_tesla);  // cm
    const double diameter = 2 * radius;
    if (diameter <= row_radius[0] - row_half_height) return;
    const double sense = part.charge > 0 ? -1.0 : 1.0;  // B along +z: positive charges turn clockwise
    const double sinh_eta = std::sinh(part.eta), cosh_eta = std::cosh(part.eta);
    const double dz_dpsi = radius * sinh_eta;
    const double ds_dpsi = radius * cosh_eta;  // 3-D path length per radian
    double psi_max = p.max_half_turns * kPi;
    if (std::abs(dz_dpsi) > 1e-9) {
      const double z_end = dz_dpsi > 0 ? half_length : -half_length;
      psi_max = std::min(psi_max, (z_end - col.vertex_z_cm) / dz_dpsi);
    }
    if (psi_max <= 0) return;
    const double momentum = part.pt * cosh_eta;
    const double charge_per_cm = p.electrons_per_cm_mpv * ionisation_factor(momentum, part.mass) *
                                 p.gem_gain * p.adc_per_electron;

    auto deposit_segment = [&](uint32_t layer, double psi_a, double psi_b) {
      psi_a = std::max(psi_a, 0.0);
      psi_b = std::min(psi_b, psi_max);
      if (psi_b <= psi_a) return;
      const double length = (psi_b - psi_a) * ds_dpsi;
      const int steps = std::max(1, int(std::lround(length / p.step_cm)));
      const double dpsi = (psi_b - psi_a) / steps;
      const double step_len = length / steps;
      for (int i = 0; i < steps; ++i) {
        const double psi = psi_a + (i + 0.5) * dpsi;
        const double phi = part.phi + sense * 0.5 * std::fmod(psi, kTwoPi);
        const double z = col.vertex_z_cm + dz_dpsi * psi;
        const double dr = diameter * std::abs(std::sin(0.5 * psi)) - row_radius[layer];
        add_deposit(layer, phi, z, col.time_ns, charge_per_cm * step_len * landau_factor(rng), dr);
      }
    };

    for (uint32_t l = 0; l < layers; ++l) {
      const double r_lo = row_radius[l] - row_half_height, r_hi = row_radius[l] + row_half_height;
      if (r_lo >= diameter) break;
      const double a_lo = 2 * std::asin(r_lo / diameter);
      const bool turns_inside = r_hi >= diameter;
      const double a_hi = turns_inside ? kPi : 2 * std::asin(r_hi / diameter);
      for (double base = 0; base + a_lo < psi_max; base += kTwoPi) {
        if (turns_inside) {
          deposit_segment(l, base + a_lo, base + kTwoPi - a_lo);
        } else {
          deposit_segment(l, base + a_lo, base + a_hi);
          deposit_segment(l, base + kTwoPi - a_hi, base + kTwoPi - a_lo);
        }
      }
    }
  }

  // A charge at radial offset dr from the centre of pad row `layer`: the part of its transverse
  // spread that crosses a row boundary is induced on the neighbouring row.
  void add_deposit(uint32_t layer, double phi, double z, double t_coll_ns, double charge, double dr = 0.0) {
    if (std::abs(z) >= half_length) return;
    const TpcPhysics& p = cfg.physics;
    const uint32_t half = z < 0 ? 0 : 1;
    const double drift = half_length - std::abs(z);
    const double time = (t_coll_ns + drift / drift_cm_per_ns) / bin_ns;
    if (time < kShapeLo - 1 || time >= time_bins) return;
    const double sigma_cm = std::sqrt(p.diffusion_transverse_cm_per_sqrt_cm *
                                          p.diffusion_transverse_cm_per_sqrt_cm * drift +
                                      p.pad_response_sigma_cm * p.pad_response_sigma_cm);
    const double sigma_t = p.diffusion_longitudinal_cm_per_sqrt_cm * std::sqrt(drift) / bin_cm;
    const int level = std::min(kShapeLevels - 1, int(std::lround(sigma_t / shape_sigma_step)));
    double phi_wrapped = std::fmod(phi, kTwoPi);
    if (phi_wrapped < 0) phi_wrapped += kTwoPi;
    const double u = phi_wrapped / kTwoPi * pads_total;
    const float inv_sigma = float(1.0 / sigma_cm);
    const double leak_up = layer + 1 < layers ? normal_cdf(float(dr - row_half_height) * inv_sigma) : 0.0;
    const double leak_down = layer > 0 ? normal_cdf(float(-row_half_height - dr) * inv_sigma) : 0.0;
    push_deposit(half, layer, u, time, charge * (1.0 - leak_up - leak_down), sigma_cm, level);
    if (leak_up > 0.02) push_deposit(half, layer + 1, u, time, charge * leak_up, sigma_cm, level);
    if (leak_down > 0.02) push_deposit(half, layer - 1, u, time, charge * leak_down, sigma_cm, level);
  }

  void push_deposit(uint32_t half, uint32_t layer, double u, double time, double charge, double sigma_cm,
                    int level) {
    const uint32_t sector = std::min(sectors - 1, uint32_t(u / pads_per_sector));
    const double sigma_pad = sigma_cm / pad_pitch[layer];
    Deposit d;
    d.time = float(time);
    d.charge = float(charge);
    d.pad_sigma = float(sigma_pad);
    d.layer = uint8_t(layer);
    d.time_sigma_level = uint8_t(level);
    const double local = u - double(sector) * pads_per_sector;
    d.pad = float(local);
    buckets[half * sectors + sector].push_back(d);
    ++info.deposits;
    // Charge near a sector edge also lands on the neighbouring wedge.
    const double reach = 4.0 * sigma_pad + 1.0;
    if (local < reach) {
      d.pad = float(local + pads_per_sector);
      buckets[half * sectors + (sector + sectors - 1) % sectors].push_back(d);
    }
    if (local > pads_per_sector - reach) {
      d.pad = float(local - pads_per_sector);
      buckets[half * sectors + (sector + 1) % sectors].push_back(d);
    }
  }

  // ---- Digitisation -------------------------------------------------------------------------

  void spread(const Deposit& d) {
    const int a_first = std::max(0, int(std::floor(d.pad - 3.0f * d.pad_sigma)));
    const int a_last = std::min(int(pads_per_sector) - 1, int(std::floor(d.pad + 3.0f * d.pad_sigma)));
    if (a_first > a_last) return;
    const int t_first = std::max(0, int(std::ceil(d.time + float(kShapeLo))));
    const int t_last = std::min(int(time_bins) - 1, int(std::floor(d.time + float(kShapeHi))));
    if (t_first > t_last) return;
    float pulse[32];
    const int n_t = std::min(32, t_last - t_first + 1);
    const float* table = &shape_table[size_t(d.time_sigma_level) * shape_samples];
    for (int k = 0; k < n_t; ++k) {
      const int idx = int((float(t_first + k) - d.time - float(kShapeLo)) * kShapeRes + 0.5f);
      pulse[k] = (idx >= 0 && idx < shape_samples) ? table[idx] * d.charge : 0.0f;
    }
    const float inv_sigma = 1.0f / d.pad_sigma;
    float cdf_prev = normal_cdf((float(a_first) - d.pad) * inv_sigma);
    for (int a = a_first; a <= a_last; ++a) {
      const float cdf_next = normal_cdf((float(a + 1) - d.pad) * inv_sigma);
      const float w = cdf_next - cdf_prev;
      cdf_prev = cdf_next;
      if (w < 1e-4f) continue;
      const size_t pad = size_t(a) * layers + d.layer;
      float* s = &signal[pad * time_bins + t_first];
      for (int k = 0; k < n_t; ++k) s[k] += w * pulse[k];
      t_lo[pad] = std::min<int16_t>(t_lo[pad], int16_t(t_first));
      t_hi[pad] = std::max<int16_t>(t_hi[pad], int16_t(t_first + n_t - 1));
    }
  }

  SparseWedge digitise(uint32_t wedge, Rng& rng) {
    const uint32_t half = wedge / sectors;
    for (const Deposit& d : buckets[wedge]) spread(d);

    // Pure-noise threshold crossings on samples without signal: a Poisson count placed at random.
    struct NoiseHit {
      uint32_t pad;
      uint16_t time;
    };
    std::vector<NoiseHit> noise_hits(
        rng.poisson(zs_noise_hit_probability * double(shape.voxels())));
    for (auto& h : noise_hits) {
      h.pad = uint32_t(rng.next() % (uint64_t(pads_per_sector) * layers));
      h.time = uint16_t(rng.next() % time_bins);
    }
    std::sort(noise_hits.begin(), noise_hits.end(),
              [](const NoiseHit& a, const NoiseHit& b) { return a.pad < b.pad || (a.pad == b.pad && a.time < b.time); });
    size_t next_hit = 0;

    SparseWedge out;
    out.shape = shape;
    const TpcPhysics& p = cfg.physics;
    const int pre = int(p.zs_pre_samples), post = int(p.zs_post_samples);
    const float noise_floor = threshold - 3.7f * noise;  // below: noise cannot reach threshold
    const uint32_t n_pads = pads_per_sector * layers;
    for (uint32_t pad = 0; pad < n_pads; ++pad) {
      const bool has_noise_hit = next_hit < noise_hits.size() && noise_hits[next_hit].pad == pad;
      if (t_hi[pad] < 0 && !has_noise_hit) continue;
      float* s = &signal[size_t(pad) * time_bins];
      const int lo = t_lo[pad], hi = t_hi[pad];
      // Kept windows as [start, end) intervals in time order: forced noise crossings first, then
      // the signal's own crossings; merged below.
      windows.clear();
      forced_times.clear();
      auto open_window = [&](int i) {
        windows.emplace_back(std::max(0, i - pre), std::min(int(time_bins), i + post));
      };
      while (next_hit < noise_hits.size() && noise_hits[next_hit].pad == pad) {
        const int i = noise_hits[next_hit++].time;
        if (s[i] < noise_floor) {  // otherwise the signal path decides
          open_window(i);
          forced_times.push_back(i);
        }
      }
      const size_t forced = windows.size();
      for (int i = lo; i <= hi; ++i) {
        // Skip 8 quiet samples at a time (vectorisable); most of a pad's range is tails.
        while (i + 8 <= hi + 1) {
          bool loud = false;
          for (int k = 0; k < 8; ++k) loud |= s[i + k] >= noise_floor;
          if (loud) break;
          i += 8;
        }
        if (i > hi) break;
        if (s[i] < noise_floor) continue;
        if (s[i] + fast_noise(rng) > threshold) {
          open_window(i);
          i += post - 1;
        }
      }
      if (!windows.empty()) {
        if (forced > 0) std::sort(windows.begin(), windows.end());
        size_t merged = 0;
        for (size_t k = 1; k < windows.size(); ++k) {
          if (windows[k].first <= windows[merged].second)
            windows[merged].second = std::max(windows[merged].second, windows[k].second);
          else
            windows[++merged] = windows[k];
        }
        windows.resize(merged + 1);
        if (half != 0) std::reverse(windows.begin(), windows.end());
        for (const auto& [start, end] : windows) {
          // Values in wedge time order: time order for half 0, reversed for half 1.
          const int n = end - start;
          const int t0 = half == 0 ? start : int(time_bins) - end;
          for (int k = 0; k < n; ++k) {
            const int i = half == 0 ? start + k : end - 1 - k;
            float v = pedestal + s[i] + fast_noise(rng);
            if (!forced_times.empty() &&
                std::find(forced_times.begin(), forced_times.end(), i) != forced_times.end()) {
              // The crossing sample of a noise hit is above threshold: Gaussian tail beyond it.
              v = pedestal + threshold + float(rng.exponential(noise * noise / threshold));
            }
            v = std::min(v, float(kAdcMax));
            const uint16_t adc = v <= 0 ? 0 : uint16_t(v);
            row[k] = adc > kZeroSuppressionThreshold ? adc : 0;
          }
          // TPCMLDataInterface's cut, in increasing z-bin (= wedge time) order: outside samples
          // are dropped until a wavelet starts inside, which then keeps its tail.
          const uint32_t layer = pad % layers;
          if (half == 0)
            for (int k = 0; k < n && t0 + k < ml_first_inside[layer]; ++k) row[k] = 0;
          int k = 0;
          while (k < n) {
            if (row[k] == 0) {
              ++k;
              continue;
            }
            if (half != 0 && t0 + k > ml_last_inside[layer]) break;  // starts outside: dropped
            PadRun run;
            run.pad = uint16_t(pad);
            run.t_start = uint16_t(t0 + k);
            const int first = k;
            while (k < n && row[k] != 0) out.values.push_back(row[k++]);
            run.length = uint16_t(k - first);
            out.runs.push_back(run);
          }
        }
      }
      if (hi >= lo) std::fill(s + lo, s + hi + 1, 0.0f);
      t_lo[pad] = int16_t(time_bins);
      t_hi[pad] = -1;
    }
    return out;
  }

  std::vector<SparseWedge> simulate(uint64_t seed, uint64_t event_index) {
    uint64_t mix = seed ^ (0xD6E8FEB86659FD93ull * (event_index + 1));
    Rng rng(Rng::splitmix(mix));
    const TpcPhysics& p = cfg.physics;
    info = TpcEventInfo{};
    for (auto& b : buckets) b.clear();

    const double drift_ns = cfg.geometry.drift_time_us() * 1000.0;
    Collision trigger{0.0, p.vertex_z_sigma_cm * rng.normal()};
    info.trigger_centrality = p.trigger_centrality_min +
                              (p.trigger_centrality_max - p.trigger_centrality_min) * rng.uniform();
    info.trigger_vertex_z_cm = trigger.vertex_z_cm;
    generate_collision(rng, trigger, info.trigger_centrality);
    // Pile-up: collisions in a window of pileup_window_drift_times drift times centred on the
    // trigger. A collision dt after the trigger shows its charge dt later (nearer the membrane end
    // of each half; earlier ones nearer the readout end), and what arrives outside [0, one drift
    // time] is not in the frame: with a one-drift window the ends of the time axis see half the
    // pile-up of the middle.
    const double window_ns = p.pileup_window_drift_times * drift_ns;
    const uint64_t n_pileup = rng.poisson(p.pileup_rate_khz * 1e-6 * window_ns);
    info.pileup_collisions = uint32_t(n_pileup);
    for (uint64_t i = 0; i < n_pileup; ++i) {
      Collision c{window_ns * (rng.uniform() - 0.5), p.vertex_z_sigma_cm * rng.normal()};
      generate_collision(rng, c, rng.uniform());
    }

    std::vector<SparseWedge> wedges;
    wedges.reserve(buckets.size());
    for (uint32_t w = 0; w < buckets.size(); ++w) wedges.push_back(digitise(w, rng));
    return wedges;
  }
};

TpcSimulator::TpcSimulator(TpcSimConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
TpcSimulator::~TpcSimulator() = default;

std::vector<SparseWedge> TpcSimulator::simulate_event(uint64_t seed, uint64_t event_index) {
  return impl_->simulate(seed, event_index);
}
const TpcEventInfo& TpcSimulator::last_event_info() const { return impl_->info; }
const TpcSimConfig& TpcSimulator::config() const { return impl_->cfg; }

namespace {

class TpcSimSource final : public WedgeSource {
 public:
  TpcSimSource(const TpcSimConfig& cfg, uint64_t seed, uint64_t max_events)
      : sim_(cfg), seed_(seed), max_events_(max_events) {}
  std::optional<SparseWedge> next() override {
    if (queue_.empty()) {
      if (max_events_ != 0 && event_ == max_events_) return std::nullopt;
      for (auto& w : sim_.simulate_event(seed_, event_++)) queue_.push_back(std::move(w));
    }
    SparseWedge w = std::move(queue_.front());
    queue_.pop_front();
    return w;
  }
  std::string describe() const override {
    return "TPC simulator (" + layer_group_name(sim_.config().geometry.group) + " group, seed " +
           std::to_string(seed_) + ", " +
           (max_events_ ? std::to_string(max_events_) + " events" : std::string("unbounded")) + ")";
  }

 private:
  TpcSimulator sim_;
  uint64_t seed_, max_events_;
  uint64_t event_ = 0;
  std::deque<SparseWedge> queue_;
};

}  // namespace

std::unique_ptr<WedgeSource> make_tpc_sim_source(const TpcSimConfig& config, uint64_t seed,
                                                 uint64_t max_events) {
  return std::make_unique<TpcSimSource>(config, seed, max_events);
}

}  // namespace daqz
