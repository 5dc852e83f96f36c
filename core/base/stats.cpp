#include "base/stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace daqz {

double histogram_quantile(const std::vector<uint64_t>& histogram, double q) {
  uint64_t total = 0;
  for (uint64_t c : histogram) total += c;
  if (total == 0) return 0.0;
  // numpy linear: position q * (n - 1) between order statistics floor and ceil.
  const double pos = q * double(total - 1);
  const uint64_t lo_rank = uint64_t(std::floor(pos));
  const uint64_t hi_rank = std::min<uint64_t>(lo_rank + 1, total - 1);
  const double frac = pos - double(lo_rank);
  double lo_value = 0, hi_value = 0;
  uint64_t seen = 0;
  bool lo_found = false;
  for (size_t v = 0; v < histogram.size(); ++v) {
    if (histogram[v] == 0) continue;
    seen += histogram[v];
    if (!lo_found && seen > lo_rank) {
      lo_value = double(v);
      lo_found = true;
    }
    if (seen > hi_rank) {
      hi_value = double(v);
      break;
    }
  }
  return lo_value + frac * (hi_value - lo_value);
}

void WedgeStatsAccumulator::init(const WedgeShape& shape) {
  if (initialised_) {
    if (shape != shape_)
      throw std::invalid_argument("wedge statistics: wedge shape " + shape.str() +
                                  " differs from the first wedge's " + shape_.str());
    return;
  }
  initialised_ = true;
  shape_ = shape;
  nonzero_per_layer_.assign(shape.layer, 0);
  nonzero_per_time_.assign(shape.time, 0);
  runs_time_.assign(shape.time + 1, 0);
  runs_azimuth_.assign(shape.azimuth + 1, 0);
  runs_layer_.assign(shape.layer + 1, 0);
}

void WedgeStatsAccumulator::add(const SparseWedge& wedge) { add(to_dense(wedge)); }

void WedgeStatsAccumulator::add(const DenseWedge& w) {
  init(w.shape);
  const uint32_t na = w.shape.azimuth, nt = w.shape.time, nl = w.shape.layer;
  if (w.adc.size() != w.shape.voxels())
    throw std::invalid_argument("wedge statistics: wedge holds " + std::to_string(w.adc.size()) +
                                " values, shape " + w.shape.str() + " needs " +
                                std::to_string(w.shape.voxels()));
  ++wedges_;
  voxels_ += w.shape.voxels();
  // Values, occupancy, runs along layer (innermost axis, contiguous).
  for (uint32_t a = 0; a < na; ++a) {
    for (uint32_t t = 0; t < nt; ++t) {
      const uint16_t* v = &w.adc[w.index(a, t, 0)];
      uint32_t run = 0;
      for (uint32_t l = 0; l < nl; ++l) {
        if (v[l] != 0) {
          ++nonzero_;
          ++nonzero_per_layer_[l];
          ++nonzero_per_time_[t];
          if (v[l] > kAdcMax) ++adc_above_max_;
          else ++adc_histogram_[v[l]];
          max_adc_ = std::max<uint32_t>(max_adc_, v[l]);
          ++run;
        } else if (run) {
          ++runs_layer_[run];
          run = 0;
        }
      }
      if (run) ++runs_layer_[run];
    }
  }
  // Runs along time.
  for (uint32_t a = 0; a < na; ++a)
    for (uint32_t l = 0; l < nl; ++l) {
      uint32_t run = 0;
      for (uint32_t t = 0; t < nt; ++t) {
        if (w.adc[w.index(a, t, l)] != 0) {
          ++run;
        } else if (run) {
          ++runs_time_[run];
          run = 0;
        }
      }
      if (run) ++runs_time_[run];
    }
  // Runs along azimuth.
  for (uint32_t t = 0; t < nt; ++t)
    for (uint32_t l = 0; l < nl; ++l) {
      uint32_t run = 0;
      for (uint32_t a = 0; a < na; ++a) {
        if (w.adc[w.index(a, t, l)] != 0) {
          ++run;
        } else if (run) {
          ++runs_azimuth_[run];
          run = 0;
        }
      }
      if (run) ++runs_azimuth_[run];
    }
  // 6-connected components by flood fill.
  label_scratch_.assign(w.adc.size(), 0);
  for (size_t i = 0; i < w.adc.size(); ++i) {
    if (w.adc[i] == 0 || label_scratch_[i]) continue;
    ++clusters_;
    uint64_t size = 0;
    stack_scratch_.clear();
    stack_scratch_.push_back(uint32_t(i));
    label_scratch_[i] = 1;
    while (!stack_scratch_.empty()) {
      const uint32_t cur = stack_scratch_.back();
      stack_scratch_.pop_back();
      ++size;
      const uint32_t l = cur % nl, t = (cur / nl) % nt, a = cur / (nl * nt);
      auto visit = [&](uint32_t idx) {
        if (w.adc[idx] != 0 && !label_scratch_[idx]) {
          label_scratch_[idx] = 1;
          stack_scratch_.push_back(idx);
        }
      };
      if (l > 0) visit(cur - 1);
      if (l + 1 < nl) visit(cur + 1);
      if (t > 0) visit(cur - nl);
      if (t + 1 < nt) visit(cur + nl);
      if (a > 0) visit(cur - nl * nt);
      if (a + 1 < na) visit(cur + nl * nt);
    }
    ++cluster_sizes_[size];
  }
}

void WedgeStatsAccumulator::merge(const WedgeStatsAccumulator& o) {
  if (!o.initialised_) return;
  init(o.shape_);
  wedges_ += o.wedges_;
  voxels_ += o.voxels_;
  nonzero_ += o.nonzero_;
  for (size_t i = 0; i < adc_histogram_.size(); ++i) adc_histogram_[i] += o.adc_histogram_[i];
  adc_above_max_ += o.adc_above_max_;
  max_adc_ = std::max(max_adc_, o.max_adc_);
  auto add_vec = [](std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  };
  add_vec(nonzero_per_layer_, o.nonzero_per_layer_);
  add_vec(nonzero_per_time_, o.nonzero_per_time_);
  add_vec(runs_time_, o.runs_time_);
  add_vec(runs_azimuth_, o.runs_azimuth_);
  add_vec(runs_layer_, o.runs_layer_);
  for (const auto& [size, count] : o.cluster_sizes_) cluster_sizes_[size] += count;
  clusters_ += o.clusters_;
}

namespace {

double round_to(double v, double digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

nlohmann::json run_stats(const std::vector<uint64_t>& hist) {
  uint64_t n = 0, sum = 0;
  for (size_t len = 0; len < hist.size(); ++len) {
    n += hist[len];
    sum += hist[len] * len;
  }
  return {{"mean", round_to(n ? double(sum) / double(n) : 0.0, 3)},
          {"p50", histogram_quantile(hist, 0.50)},
          {"p90", histogram_quantile(hist, 0.90)},
          {"p99", histogram_quantile(hist, 0.99)},
          {"runs", n}};
}

}  // namespace

nlohmann::json WedgeStatsAccumulator::to_json() const {
  nlohmann::json j;
  j["wedges"] = wedges_;
  if (!initialised_ || wedges_ == 0) return j;
  j["shape"] = {shape_.azimuth, shape_.time, shape_.layer};
  j["occupancy"] = round_to(double(nonzero_) / double(voxels_), 5);
  const double voxels_per_layer = double(voxels_) / shape_.layer;
  nlohmann::json per_layer = nlohmann::json::array();
  for (uint64_t c : nonzero_per_layer_) per_layer.push_back(round_to(double(c) / voxels_per_layer, 4));
  j["occupancy_per_layer"] = per_layer;
  // numpy.array_split(time, 10): the first (time % 10) parts get one extra bin.
  nlohmann::json per_time = nlohmann::json::array();
  const uint32_t parts = std::min<uint32_t>(10, shape_.time);
  uint32_t t = 0;
  for (uint32_t p = 0; p < parts; ++p) {
    const uint32_t len = shape_.time / parts + (p < shape_.time % parts ? 1 : 0);
    uint64_t c = 0;
    for (uint32_t k = 0; k < len; ++k) c += nonzero_per_time_[t + k];
    t += len;
    per_time.push_back(round_to(double(c) / (double(voxels_) / shape_.time * len), 4));
  }
  j["occupancy_vs_time_10_bins"] = per_time;

  uint32_t min_nonzero = 0;
  for (size_t v = 1; v < adc_histogram_.size(); ++v)
    if (adc_histogram_[v]) {
      min_nonzero = uint32_t(v);
      break;
    }
  j["min_nonzero_adc"] = min_nonzero;
  j["max_adc"] = max_adc_;
  std::vector<uint64_t> nz = adc_histogram_;
  nz[0] = 0;
  nlohmann::json q;
  for (int p : {1, 5, 25, 50, 75, 95, 99}) q["p" + std::to_string(p)] = histogram_quantile(nz, p / 100.0);
  j["nonzero_adc_quantiles"] = q;
  double sum = 0, log_sum = 0, log_sq = 0;
  uint64_t below_100 = 0;
  for (size_t v = 1; v < nz.size(); ++v) {
    if (!nz[v]) continue;
    const double c = double(nz[v]);
    const double lg = std::log2(double(v) + 1.0);
    sum += c * double(v);
    log_sum += c * lg;
    log_sq += c * lg * lg;
    if (v < 100) below_100 += nz[v];
  }
  const double n = double(nonzero_ - adc_above_max_);
  j["nonzero_adc_mean"] = round_to(n ? sum / n : 0.0, 3);
  j["fraction_nonzero_saturated_1023"] = round_to(n ? double(nz[kAdcMax]) / n : 0.0, 6);
  j["fraction_nonzero_below_100"] = round_to(n ? double(below_100) / n : 0.0, 4);
  const double log_mean = n ? log_sum / n : 0.0;
  const double log_var = n ? std::max(0.0, log_sq / n - log_mean * log_mean) : 0.0;
  j["log2_adc_plus_1_nonzero"] = {{"mean", round_to(log_mean, 4)}, {"std", round_to(std::sqrt(log_var), 4)}};
  j["run_length_of_consecutive_nonzero_voxels"] = {{"along_time", run_stats(runs_time_)},
                                                  {"along_azimuth", run_stats(runs_azimuth_)},
                                                  {"along_layer", run_stats(runs_layer_)}};
  uint64_t max_size = 0, total_size = 0;
  for (const auto& [size, count] : cluster_sizes_) {
    max_size = std::max(max_size, size);
    total_size += size * count;
  }
  // Cluster-size quantiles from the size map (sizes can exceed any fixed histogram).
  auto size_quantile = [&](double qv) {
    std::vector<std::pair<uint64_t, uint64_t>> items(cluster_sizes_.begin(), cluster_sizes_.end());
    if (clusters_ == 0) return 0.0;
    const double pos = qv * double(clusters_ - 1);
    const uint64_t lo_rank = uint64_t(std::floor(pos)), hi_rank = std::min(lo_rank + 1, clusters_ - 1);
    double lo = 0, hi = 0;
    uint64_t seen = 0;
    bool lo_found = false;
    for (const auto& [size, count] : items) {
      seen += count;
      if (!lo_found && seen > lo_rank) {
        lo = double(size);
        lo_found = true;
      }
      if (seen > hi_rank) {
        hi = double(size);
        break;
      }
    }
    return lo + (pos - double(lo_rank)) * (hi - lo);
  };
  j["connected_3d_clusters"] = {{"count", round_to(double(clusters_) / double(wedges_), 2)},
                                {"size_p50", size_quantile(0.5)},
                                {"size_p90", size_quantile(0.9)},
                                {"mean_size", round_to(clusters_ ? double(total_size) / double(clusters_) : 0.0, 1)},
                                {"max_size", max_size},
                                {"connectivity", 6}};
  return j;
}

nlohmann::json wedge_stats(const std::vector<DenseWedge>& wedges) {
  WedgeStatsAccumulator acc;
  for (const auto& w : wedges) acc.add(w);
  return acc.to_json();
}

}  // namespace daqz
