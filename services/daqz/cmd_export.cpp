// `daqz export --hdf5 FILE`: segment files -> one HDF5 file (wedges, jet tables, record metadata)
// for h5py and other analysis tools. Like `daqz decode`, segment CRCs are verified by the reader
// and model weights by SHA-256 before any record is decoded. Layout: core/storage/hdf5_export.h.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/install_paths.h"
#include "base/progress_bar.h"
#include "command.h"
#include "offline/hdf5_export.h"
#include "storage/segment.h"

namespace {

struct ExportArgs {
  std::string input;
  std::string hdf5;
  std::vector<std::string> models{daqz::default_models_root()};
  int gzip = 4;
  bool float_wedges = false;
  bool json = false;
  bool progress = true;
};

int run_export(const ExportArgs& a) {
  using namespace daqz;
  try {
    std::vector<std::string> segments;
    if (std::filesystem::is_directory(a.input)) segments = list_segments(a.input);
    else if (std::filesystem::is_regular_file(a.input)) segments = {a.input};
    else throw std::invalid_argument("input '" + a.input + "' is neither a segment file nor a folder");
    if (segments.empty()) throw std::invalid_argument("no segment files in '" + a.input + "'");
    Hdf5ExportOptions opt;
    opt.gzip_level = a.gzip;
    opt.float_wedges = a.float_wedges;
    ProgressBar::Options po;
    if (!a.progress) po.mode = ProgressBar::Mode::kOff;
    ProgressBar bar("export", 0, ProgressBar::Unit::kBytes, po);
    opt.progress = [&bar](uint64_t done, uint64_t total) {
      bar.set_total(total);
      bar.set(done);
    };
    const ExportSummary s = export_segments_to_hdf5(segments, a.models, a.hdf5, opt);
    bar.finish();
    const nlohmann::json summary = {{"segments", s.segments}, {"wedges", s.wedges}, {"jet_batches", s.jet_batches},
                                    {"jet_rows", s.jet_rows}, {"failed", s.failed},
                                    {"damaged_segments", s.damaged_segments}, {"out", a.hdf5},
                                    {"bytes", std::filesystem::file_size(a.hdf5)}};
    if (a.json) std::cout << summary.dump() << std::endl;
    else spdlog::info("exported {} wedges and {} jet batches ({} jets) from {} segments into '{}' ({} failed)",
                      s.wedges, s.jet_batches, s.jet_rows, s.segments, a.hdf5, s.failed);
    return s.failed ? 2 : 0;
  } catch (const std::exception& e) {
    spdlog::error("export: {}", e.what());
    return 1;
  }
}

void setup_export(CLI::App& sub, int& exit_code) {
  auto a = std::make_shared<ExportArgs>();
  sub.add_option("input", a->input, "Segment file or folder of segments")->required();
  sub.add_option("--hdf5", a->hdf5, "Output HDF5 file (overwritten)")->required();
  sub.add_option("--models", a->models, "Model roots (folders of model directories, or model directories)")
      ->capture_default_str();
  sub.add_option("--gzip", a->gzip, "gzip level of the datasets (0 = uncompressed)")
      ->capture_default_str()->check(CLI::Range(0, 9));
  sub.add_flag("--float", a->float_wedges, "Store wedges as float32 reconstructions instead of rounded uint16");
  sub.add_flag("--json", a->json, "Print a JSON summary");
  sub.add_flag("!--no-progress", a->progress, "No progress bar on stderr");
  sub.callback([a, &exit_code] { exit_code = run_export(*a); });
}

}  // namespace

DAQZ_COMMAND(export, "Export segment files to one HDF5 file (wedges, jets, record metadata) for h5py", setup_export);
