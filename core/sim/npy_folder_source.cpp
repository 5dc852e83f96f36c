#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "sim/wedge_source.h"
#include "base/npy.h"

namespace daqz {
namespace fs = std::filesystem;

std::vector<std::string> list_npy_files(const std::string& path) {
  std::vector<std::string> files;
  if (fs::is_regular_file(path)) return {path};
  if (!fs::is_directory(path)) throw std::runtime_error("no such file or folder: '" + path + "'");
  for (const auto& e : fs::directory_iterator(path))
    if (e.is_regular_file() && e.path().extension() == ".npy") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  // A `daqz simulate --out` folder keeps its wedges in wedges/ (beside jets.npy, which is not a wedge).
  if (fs::is_directory(fs::path(path) / "wedges")) {
    std::vector<std::string> inner = list_npy_files((fs::path(path) / "wedges").string());
    if (!inner.empty()) return inner;
  }
  return files;
}

namespace {

class NpyFolderSource final : public WedgeSource {
 public:
  NpyFolderSource(std::string path, bool loop) : path_(std::move(path)), loop_(loop) {
    files_ = list_npy_files(path_);
    if (files_.empty()) throw std::runtime_error("no .npy wedges in '" + path_ + "'");
  }
  std::optional<SparseWedge> next() override {
    if (index_ == files_.size()) {
      if (!loop_) return std::nullopt;
      index_ = 0;
    }
    const std::string& f = files_[index_++];
    DenseWedge w = wedge_from_npy(read_npy(f), "'" + f + "'");
    zero_suppress(w);
    return to_sparse(w);
  }
  std::string describe() const override {
    return "npy folder '" + path_ + "' (" + std::to_string(files_.size()) + " files" +
           (loop_ ? ", looping)" : ")");
  }

 private:
  std::string path_;
  bool loop_;
  std::vector<std::string> files_;
  size_t index_ = 0;
};

}  // namespace

std::unique_ptr<WedgeSource> make_npy_folder_source(const std::string& path, bool loop) {
  return std::make_unique<NpyFolderSource>(path, loop);
}

}  // namespace daqz
