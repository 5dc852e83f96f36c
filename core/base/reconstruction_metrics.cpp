#include "base/reconstruction_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace daqz {
namespace {

// log2(x + 1) of every 16-bit integer ADC value the truth can hold (10-bit plus headroom).
const std::array<double, 4096>& truth_log_table() {
  static const std::array<double, 4096> table = [] {
    std::array<double, 4096> t{};
    for (size_t i = 0; i < t.size(); ++i) t[i] = std::log2(double(i) + 1.0);
    return t;
  }();
  return table;
}

inline double truth_log(uint16_t x) {
  const auto& t = truth_log_table();
  return x < t.size() ? t[x] : std::log2(double(x) + 1.0);
}

// The same for a reconstruction; integer values (lossless codecs) hit the table, so a perfect
// reconstruction gives exactly 0.
inline double recon_log(float y) {
  const auto& t = truth_log_table();
  if (!(y > 0.0f)) return 0.0;
  if (y < float(t.size()) && y == std::floor(y)) return t[size_t(y)];
  return std::log2(double(y) + 1.0);
}

}  // namespace

int LogAdcHistograms::bin_of(double log_adc) {
  const int b = int(std::floor(log_adc / bin_width()));
  return std::clamp(b, 0, kBins - 1);
}

void LogAdcHistograms::merge(const LogAdcHistograms& o) {
  for (size_t i = 0; i < truth.size(); ++i) truth[i] += o.truth[i];
  for (size_t i = 0; i < recon.size(); ++i) recon[i] += o.recon[i];
  for (size_t i = 0; i < joint.size(); ++i) joint[i] += o.joint[i];
}

void MetricsAccumulator::add_wedge(const DenseWedge& truth, const float* recon, size_t n,
                                   float post_threshold) {
  if (n != truth.adc.size())
    throw std::invalid_argument("metrics: reconstruction has " + std::to_string(n) +
                                " voxels, truth wedge " + truth.shape.str() + " has " +
                                std::to_string(truth.adc.size()));
  // Sums per wedge in double; the common all-zero voxel costs one compare.
  const bool thresholded = post_threshold > 0.0f;
  double sq = 0, log_abs = 0;
  uint64_t t_nz = 0, r_nz = 0, both = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint16_t x = truth.adc[i];
    float y = recon[i];
    if (thresholded && y < post_threshold) y = 0.0f;
    if (x == 0 && y == 0.0f) continue;
    const double d = double(x) - double(y);
    sq += d * d;
    const double lx = truth_log(x);
    const double ly = recon_log(y);
    log_abs += std::fabs(lx - ly);
    const bool tn = x > 0, rn = y > 0.0f;
    t_nz += tn;
    r_nz += rn;
    both += tn && rn;
    if (histograms_on_) {
      const int bx = LogAdcHistograms::bin_of(lx), by = LogAdcHistograms::bin_of(ly);
      if (tn) ++hist_.truth[bx];
      if (rn) ++hist_.recon[by];
      ++hist_.joint[size_t(bx) * LogAdcHistograms::kBins + by];
    }
  }
  ++n_wedges_;
  voxels_ += n;
  sum_sq_ += sq;
  sum_log_abs_ += log_abs;
  truth_nonzero_ += t_nz;
  recon_nonzero_ += r_nz;
  both_nonzero_ += both;
}

void MetricsAccumulator::add_bytes(uint64_t stored_bytes, uint64_t lossless_bytes) {
  stored_bytes_ += stored_bytes;
  lossless_bytes_ += lossless_bytes;
}

void MetricsAccumulator::merge(const MetricsAccumulator& o) {
  n_wedges_ += o.n_wedges_;
  voxels_ += o.voxels_;
  sum_sq_ += o.sum_sq_;
  sum_log_abs_ += o.sum_log_abs_;
  truth_nonzero_ += o.truth_nonzero_;
  recon_nonzero_ += o.recon_nonzero_;
  both_nonzero_ += o.both_nonzero_;
  stored_bytes_ += o.stored_bytes_;
  lossless_bytes_ += o.lossless_bytes_;
  if (o.histograms_on_) {
    histograms_on_ = true;
    hist_.merge(o.hist_);
  }
}

MetricsSummary MetricsAccumulator::summary() const {
  MetricsSummary s;
  s.n_wedges = n_wedges_;
  s.voxels = voxels_;
  if (voxels_ > 0) {
    s.mse = sum_sq_ / double(voxels_);
    s.log_mae = sum_log_abs_ / double(voxels_);
    s.occupancy = double(truth_nonzero_) / double(voxels_);
  }
  const double peak = double(kAdcMax) * kAdcMax;
  s.psnr_db = s.mse > 0 ? 10.0 * std::log10(peak / s.mse) : INFINITY;
  // Conventions for empty denominators: nothing predicted -> precision 1; nothing to find -> recall 1.
  s.precision = recon_nonzero_ ? double(both_nonzero_) / double(recon_nonzero_) : 1.0;
  s.recall = truth_nonzero_ ? double(both_nonzero_) / double(truth_nonzero_) : 1.0;
  s.dense_bytes = voxels_ * sizeof(uint16_t);
  s.stored_bytes = stored_bytes_;
  s.lossless_bytes = lossless_bytes_;
  if (stored_bytes_ > 0) {
    s.ratio_dense = double(s.dense_bytes) / double(stored_bytes_);
    s.ratio_vs_lossless = double(lossless_bytes_) / double(stored_bytes_);
  }
  return s;
}

ThresholdSweep::ThresholdSweep(std::vector<float> thresholds) : thresholds_(std::move(thresholds)) {
  if (thresholds_.empty()) throw std::invalid_argument("threshold sweep: no thresholds given");
  acc_.resize(thresholds_.size());
}

void ThresholdSweep::add_wedge(const DenseWedge& truth, const float* recon, size_t n) {
  for (size_t i = 0; i < thresholds_.size(); ++i) acc_[i].add_wedge(truth, recon, n, thresholds_[i]);
}

void ThresholdSweep::add_bytes(uint64_t stored_bytes, uint64_t lossless_bytes) {
  for (auto& a : acc_) a.add_bytes(stored_bytes, lossless_bytes);
}

size_t ThresholdSweep::best_by_mse() const {
  size_t best = 0;
  double best_mse = INFINITY;
  for (size_t i = 0; i < acc_.size(); ++i) {
    const double m = acc_[i].summary().mse;
    if (m < best_mse) {
      best_mse = m;
      best = i;
    }
  }
  return best;
}

std::vector<float> default_post_thresholds() {
  return {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128};
}

}  // namespace daqz
