// Statistics of a set of wedges, under the key names of shared/reference/sphenix_outer_wedge_stats.json
// so that simulated and real data can be compared number by number (`daqz stats`).
//
//   WedgeStatsAccumulator acc;             // shape taken from the first wedge
//   while (auto w = source->next()) acc.add(*w);
//   nlohmann::json stats = acc.to_json();  // {"occupancy": ..., "nonzero_adc_quantiles": {...}, ...}
//
// Definitions (all over the nonzero voxels of every wedge added):
//  - occupancy: nonzero / voxels; occupancy_per_layer; occupancy_vs_time_10_bins (time axis cut
//    like numpy.array_split into 10 nearly equal parts).
//  - nonzero_adc_quantiles p1..p99 and run-length quantiles use numpy's default (linear)
//    interpolation; fraction_nonzero_below_100 counts ADC < 100; saturated means ADC == 1023.
//  - run_length_of_consecutive_nonzero_voxels: lengths of maximal runs of nonzero voxels along
//    each axis (every run counted once).
//  - connected_3d_clusters: face-connected (6-neighbour, scipy.ndimage.label's default) components
//    of nonzero voxels per wedge; count is the mean per wedge, sizes pooled over wedges.
// Memory is bounded by histograms (ADC values, run lengths, cluster sizes), not by the number of
// wedges. Not thread-safe; merge() combines accumulators filled by different threads.
// add() throws std::invalid_argument when a wedge's shape differs from the first one's.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/wedge.h"

namespace daqz {

class WedgeStatsAccumulator {
 public:
  WedgeStatsAccumulator() = default;

  void add(const DenseWedge& wedge);
  void add(const SparseWedge& wedge);
  void merge(const WedgeStatsAccumulator& other);

  uint64_t wedges() const { return wedges_; }
  nlohmann::json to_json() const;

 private:
  void init(const WedgeShape& shape);

  bool initialised_ = false;
  WedgeShape shape_{};
  uint64_t wedges_ = 0;
  uint64_t voxels_ = 0;
  uint64_t nonzero_ = 0;
  std::vector<uint64_t> adc_histogram_ = std::vector<uint64_t>(kAdcMax + 1, 0);  // index = ADC
  uint64_t adc_above_max_ = 0;  // values > 1023 (not produced by a 10-bit readout)
  uint32_t max_adc_ = 0;
  std::vector<uint64_t> nonzero_per_layer_;
  std::vector<uint64_t> nonzero_per_time_;
  std::vector<uint64_t> runs_time_, runs_azimuth_, runs_layer_;  // index = run length
  std::map<uint64_t, uint64_t> cluster_sizes_;                    // size -> count
  uint64_t clusters_ = 0;
  // Scratch for the connected-component pass.
  std::vector<int32_t> label_scratch_;
  std::vector<uint32_t> stack_scratch_;
};

// Convenience: statistics of a list of wedges.
nlohmann::json wedge_stats(const std::vector<DenseWedge>& wedges);

// numpy.percentile(..., method="linear") of the values described by histogram[v] = count of v.
double histogram_quantile(const std::vector<uint64_t>& histogram, double q);

}  // namespace daqz
