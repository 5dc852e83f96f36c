// Reconstruction metrics for TPC wedge codecs, accumulated over many wedges (the figures of
// `daqz eval` and of the BCAE paper's comparison with ZFP).
//
//   MetricsAccumulator acc;                          // optionally acc.enable_histograms()
//   for (...) {
//     acc.add_wedge(truth_dense, recon.adc.data(), recon.adc.size());
//     acc.add_bytes(record.bytes.size(), lossless_bytes);
//   }
//   MetricsSummary m = acc.summary();                // m.mse, m.log_mae, m.ratio_dense, ...
//
// Definitions (all voxels of all wedges weigh the same):
//   mse        mean (x - x̂)^2 on raw ADC (x̂ not clamped)
//   log_mae    mean |log2(x + 1) - log2(max(x̂, 0) + 1)|  (negatives clamped so the log exists)
//   psnr_db    10 log10(1023^2 / mse)
//   precision  |x > 0 and x̂ > 0| / |x̂ > 0|;  recall  |x > 0 and x̂ > 0| / |x > 0|
//   ratio_dense        sum of dense 16-bit bytes (voxels * 2) / sum of stored bytes
//   ratio_vs_lossless  sum of lossless-codec bytes / sum of stored bytes
//   occupancy  fraction of truth voxels that are nonzero
// A post-threshold t > 0 (used for ZFP) maps x̂ < t to 0 before anything is measured; t <= 0
// measures the reconstruction as it is.
//
// Thread-safety: an accumulator is a plain value; use one per thread and merge().
// Throws std::invalid_argument when a reconstruction's size does not match its truth wedge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/wedge.h"

namespace daqz {

struct MetricsSummary {
  uint64_t n_wedges = 0;
  uint64_t voxels = 0;
  double mse = 0;
  double log_mae = 0;
  double psnr_db = 0;
  double precision = 0;
  double recall = 0;
  double occupancy = 0;
  uint64_t dense_bytes = 0;
  uint64_t stored_bytes = 0;
  uint64_t lossless_bytes = 0;
  double ratio_dense = 0;        // 0 when no bytes were recorded
  double ratio_vs_lossless = 0;  // 0 when no lossless bytes were recorded
};

// Histograms of log2(ADC + 1) on [0, kLogHistMax): truth over truth-nonzero voxels, reconstruction
// over reconstruction-nonzero voxels, and a joint (truth, reconstruction) histogram over voxels
// where either is nonzero (row = truth bin, column = reconstruction bin).
struct LogAdcHistograms {
  static constexpr int kBins = 105;
  static constexpr double kLogHistMax = 10.5;
  std::vector<uint64_t> truth = std::vector<uint64_t>(kBins, 0);
  std::vector<uint64_t> recon = std::vector<uint64_t>(kBins, 0);
  std::vector<uint64_t> joint = std::vector<uint64_t>(size_t(kBins) * kBins, 0);
  static double bin_width() { return kLogHistMax / kBins; }
  static int bin_of(double log_adc);  // clamped to [0, kBins)
  void merge(const LogAdcHistograms& o);
};

class MetricsAccumulator {
 public:
  void enable_histograms() { histograms_on_ = true; }
  bool histograms_enabled() const { return histograms_on_; }

  // Adds one wedge: `recon` holds truth.adc.size() floats in the same C order.
  void add_wedge(const DenseWedge& truth, const float* recon, size_t n, float post_threshold = 0.0f);
  // Adds the byte counts of one stored wedge (stored = what the codec wrote; lossless = what the
  // lossless codec writes for the same wedge, 0 if unknown). The dense size comes from add_wedge.
  void add_bytes(uint64_t stored_bytes, uint64_t lossless_bytes);

  void merge(const MetricsAccumulator& o);
  MetricsSummary summary() const;
  const LogAdcHistograms& histograms() const { return hist_; }

 private:
  uint64_t n_wedges_ = 0;
  uint64_t voxels_ = 0;
  double sum_sq_ = 0;
  double sum_log_abs_ = 0;
  uint64_t truth_nonzero_ = 0;
  uint64_t recon_nonzero_ = 0;
  uint64_t both_nonzero_ = 0;
  uint64_t stored_bytes_ = 0;
  uint64_t lossless_bytes_ = 0;
  bool histograms_on_ = false;
  LogAdcHistograms hist_;
};

// Accumulates the same wedges under several post-thresholds at once (one pass over the
// reconstruction), to pick the best threshold of a lossy baseline such as ZFP.
class ThresholdSweep {
 public:
  explicit ThresholdSweep(std::vector<float> thresholds);
  void add_wedge(const DenseWedge& truth, const float* recon, size_t n);
  void add_bytes(uint64_t stored_bytes, uint64_t lossless_bytes);
  const std::vector<float>& thresholds() const { return thresholds_; }
  const MetricsAccumulator& at(size_t i) const { return acc_[i]; }
  // Index of the threshold with the lowest MSE (ties: the lower threshold).
  size_t best_by_mse() const;

 private:
  std::vector<float> thresholds_;
  std::vector<MetricsAccumulator> acc_;
};

// Default post-thresholds tried for ZFP on raw ADC: 0 and values up to the ZS threshold and above.
std::vector<float> default_post_thresholds();

}  // namespace daqz
