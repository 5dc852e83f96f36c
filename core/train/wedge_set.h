// In-memory sets of training/validation wedges for `daqz train`.
//
//   WedgeSet train = load_wedge_set("data/sim-train");     // DIR/wedges/*.npy, DIR/*.npy or one file
//   auto [fit, val] = split_wedge_set(std::move(train), 0.1);   // last 10% (by file name) validate
//
// Wedges are zero-suppressed on load. Plain values; not thread-safe for concurrent mutation.
// Throws std::runtime_error naming the path when nothing usable is found or a file is malformed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/wedge.h"

namespace daqz {

struct WedgeSet {
  std::string source;               // the path given
  std::vector<std::string> files;   // one per wedge
  std::vector<DenseWedge> wedges;
  std::string describe() const;     // "N wedges from PATH (occupancy X%)"
  double occupancy() const;
};

// Loads up to `max_wedges` (0 = all) wedges of shape `shape`; other shapes are an error.
WedgeSet load_wedge_set(const std::string& path, size_t max_wedges = 0, WedgeShape shape = kOuterWedgeShape);

// Splits off the last ceil(fraction * n) wedges (at least 1 when n >= 2) as validation.
std::pair<WedgeSet, WedgeSet> split_wedge_set(WedgeSet all, double fraction);

}  // namespace daqz
