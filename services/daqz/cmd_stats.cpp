// `daqz stats`: statistics of wedges (a .npy file, a folder searched recursively for wedge .npy
// files, or a TPCMLDataInterface HDF5 file) under the key names of the sPHENIX reference JSON.
//
//   daqz stats data/sim --json            # machine-readable
//   daqz stats data/sim                   # table, with the reference values beside when found
//   daqz stats frames.h5 --first-layer 32
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "sim/tpcml_hdf5.h"
#include "base/npy.h"
#include "base/stats.h"

namespace daqz::cli {
namespace {

namespace fs = std::filesystem;

struct StatsOptions {
  std::string path;
  bool json = false;
  std::string reference;
  bool zero_suppress = false;
  uint32_t first_layer = 32;
  uint64_t limit = 0;
};

bool is_hdf5(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".h5" || ext == ".hdf5" || ext == ".hdf";
}

// Wedge-shaped npy files (uint16, rank 3) under `root`, sorted; other .npy files are skipped.
std::vector<std::string> wedge_files(const fs::path& root, size_t& skipped) {
  std::vector<std::string> files;
  if (fs::is_regular_file(root)) return {root.string()};
  if (!fs::is_directory(root)) throw std::runtime_error("no such file or folder: '" + root.string() + "'");
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".npy") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<std::string> wedges;
  for (const auto& f : files) {
    // Peek at the header only: dtype and rank decide.
    std::ifstream in(f, std::ios::binary);
    char head[512] = {};
    in.read(head, sizeof head);
    const std::string h(head, size_t(in.gcount()));
    const bool u16 = h.find("'<u2'") != std::string::npos || h.find("'|u2'") != std::string::npos;
    const size_t open = h.find("'shape': (");
    const size_t close = open == std::string::npos ? open : h.find(')', open);
    const bool rank3 = open != std::string::npos && close != std::string::npos &&
                       std::count(h.begin() + long(open), h.begin() + long(close), ',') == 2;
    if (u16 && rank3) wedges.push_back(f);
    else ++skipped;
  }
  return wedges;
}

std::string find_reference(const std::string& given) {
  if (!given.empty()) {
    if (!fs::is_regular_file(given)) throw std::runtime_error("reference file '" + given + "' not found");
    return given;
  }
  const std::string rel = "shared/reference/sphenix_outer_wedge_stats.json";
  std::vector<fs::path> candidates = {fs::path("..") / rel, fs::path(rel)};
  char exe[PATH_MAX] = {};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    fs::path dir = fs::path(std::string(exe, size_t(n))).parent_path();
    for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path())
      candidates.push_back(dir / ".." / rel);
  }
  for (const auto& c : candidates)
    if (fs::is_regular_file(c)) return c.string();
  return "";
}

std::string fmt(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) {
    char buf[32];
    const double d = v.get<double>();
    std::snprintf(buf, sizeof buf, std::abs(d) < 0.01 && d != 0 ? "%.5f" : "%.4g", d);
    return buf;
  }
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + fmt(v[i]);
    return s + "]";
  }
  return v.dump();
}

void print_table(const nlohmann::json& stats, const nlohmann::json& ref, const std::string& ref_path) {
  std::printf("%-58s %-26s %s\n", "statistic", "value", ref.is_null() ? "" : "reference");
  std::function<void(const nlohmann::json&, const nlohmann::json&, const std::string&)> walk =
      [&](const nlohmann::json& s, const nlohmann::json& r, const std::string& prefix) {
        for (const auto& item : s.items()) {
          const std::string key = prefix.empty() ? item.key() : prefix + "." + item.key();
          const nlohmann::json rv = (r.is_object() && r.contains(item.key())) ? r[item.key()] : nlohmann::json();
          if (item.value().is_object()) {
            walk(item.value(), rv, key);
          } else if (item.value().is_array() && item.value().size() > 4) {
            std::printf("%-58s %s\n", key.c_str(), fmt(item.value()).c_str());
            if (!rv.is_null()) std::printf("%-58s %s\n", (key + " (reference)").c_str(), fmt(rv).c_str());
          } else {
            std::printf("%-58s %-26s %s\n", key.c_str(), fmt(item.value()).c_str(),
                        ref.is_null() ? "" : fmt(rv).c_str());
          }
        }
      };
  walk(stats, ref, "");
  if (!ref_path.empty()) std::printf("\nreference: %s\n", ref_path.c_str());
}

int run_stats(const StatsOptions& opt) {
  WedgeStatsAccumulator acc;
  const fs::path root(opt.path);
  uint64_t added = 0;
  auto take = [&](DenseWedge w) {
    if (opt.zero_suppress) zero_suppress(w);
    acc.add(w);
    ++added;
  };
  if (fs::is_regular_file(root) && is_hdf5(root)) {
    Hdf5SourceOptions ho;
    ho.first_layer = opt.first_layer;
    ho.zero_suppress = opt.zero_suppress;
    auto src = make_hdf5_source(root.string(), ho);
    while (auto w = src->next()) {
      acc.add(*w);
      if (opt.limit && ++added >= opt.limit) break;
    }
  } else {
    size_t skipped = 0;
    const auto files = wedge_files(root, skipped);
    // stderr, so that --json output stays parseable.
    if (skipped) std::fprintf(stderr, "daqz stats: skipped %zu .npy files that are not uint16 rank-3 wedges\n", skipped);
    if (files.empty()) throw std::runtime_error("no wedge .npy files (uint16, rank 3) under '" + opt.path + "'");
    for (const auto& f : files) {
      take(wedge_from_npy(read_npy(f), "'" + f + "'"));
      if (opt.limit && added >= opt.limit) break;
    }
  }
  nlohmann::json stats = acc.to_json();
  if (opt.json) {
    std::printf("%s\n", stats.dump(2).c_str());
    return 0;
  }
  const std::string ref_path = find_reference(opt.reference);
  nlohmann::json ref;
  if (!ref_path.empty()) {
    std::ifstream in(ref_path);
    try {
      in >> ref;
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("reference '" + ref_path + "' is not valid JSON: " + e.what());
    }
  }
  print_table(stats, ref, ref_path);
  return 0;
}

void setup_stats(CLI::App& sub, int& exit_code) {
  auto opt = std::make_shared<StatsOptions>();
  sub.add_option("path", opt->path, "A wedge .npy file, a folder (searched recursively), or an HDF5 file")
      ->required();
  sub.add_flag("--json", opt->json, "Print JSON (keys of the sPHENIX reference statistics)");
  sub.add_option("--reference", opt->reference,
                 "Reference statistics JSON shown beside the values (default: ../shared/reference/...)");
  sub.add_flag("--zero-suppress", opt->zero_suppress, "Apply ADC <= 64 -> 0 before measuring");
  sub.add_option("--first-layer", opt->first_layer, "HDF5 input: first Data_Layer of the group (32 = outer)")
      ->capture_default_str();
  sub.add_option("--limit", opt->limit, "Stop after this many wedges (0 = all)");
  sub.callback([opt, &exit_code] { exit_code = run_stats(*opt); });
}

}  // namespace

DAQZ_COMMAND(stats, "Statistics of wedges (.npy file/folder or HDF5), comparable to the sPHENIX reference",
             setup_stats);

}  // namespace daqz::cli
