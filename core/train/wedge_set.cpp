#include "train/wedge_set.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "sim/wedge_source.h"
#include "base/npy.h"

namespace daqz {

std::string WedgeSet::describe() const {
  std::ostringstream s;
  s << wedges.size() << " wedges from " << source << " (occupancy " << std::fixed;
  s.precision(2);
  s << 100.0 * occupancy() << "%)";
  return s.str();
}

double WedgeSet::occupancy() const {
  size_t nz = 0, all = 0;
  for (const auto& w : wedges) {
    nz += w.nonzero();
    all += w.adc.size();
  }
  return all ? double(nz) / double(all) : 0.0;
}

WedgeSet load_wedge_set(const std::string& path, size_t max_wedges, WedgeShape shape) {
  namespace fs = std::filesystem;
  // `daqz simulate --out DIR` writes DIR/wedges/*.npy.
  const std::string root = fs::is_directory(fs::path(path) / "wedges") ? (fs::path(path) / "wedges").string() : path;
  if (!fs::exists(root)) throw std::runtime_error("training data '" + path + "' does not exist");
  WedgeSet set;
  set.source = path;
  for (const auto& file : list_npy_files(root)) {
    if (max_wedges && set.wedges.size() >= max_wedges) break;
    DenseWedge w;
    try {
      w = wedge_from_npy(read_npy(file), file);
    } catch (const std::exception& e) {
      throw std::runtime_error("training data file '" + file + "': " + e.what());
    }
    if (w.shape != shape)
      throw std::runtime_error("training data file '" + file + "' has shape " + w.shape.str() + ", expected " +
                               shape.str());
    zero_suppress(w);
    set.files.push_back(file);
    set.wedges.push_back(std::move(w));
  }
  if (set.wedges.empty()) throw std::runtime_error("training data '" + path + "' holds no .npy wedges");
  return set;
}

std::pair<WedgeSet, WedgeSet> split_wedge_set(WedgeSet all, double fraction) {
  WedgeSet val;
  val.source = all.source + " (validation split)";
  const size_t n = all.wedges.size();
  size_t n_val = size_t(std::ceil(std::max(0.0, fraction) * double(n)));
  if (n >= 2) n_val = std::clamp<size_t>(n_val, 1, n - 1);
  else n_val = 0;
  for (size_t i = n - n_val; i < n; ++i) {
    val.files.push_back(all.files[i]);
    val.wedges.push_back(std::move(all.wedges[i]));
  }
  all.files.resize(n - n_val);
  all.wedges.resize(n - n_val);
  return {std::move(all), std::move(val)};
}

}  // namespace daqz
