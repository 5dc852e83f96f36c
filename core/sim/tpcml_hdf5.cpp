// TPCMLDataInterface HDF5 replay and writer. A torch-only build (no HDF5 library on the GPU machine)
// compiles the stubs at the end instead, which say so when called.
#include "sim/tpcml_hdf5.h"

#include <stdexcept>

#if DAQZ_HAVE_HDF5
#include <hdf5.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <stdexcept>
#include <utility>

namespace daqz {
namespace {

// Closes an HDF5 handle on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

constexpr const char* kFramePrefix = "TimeFrame_";

herr_t collect_frame(hid_t, const char* name, const H5L_info_t*, void* data) {
  auto* out = static_cast<std::vector<std::pair<long, std::string>>*>(data);
  const std::string n(name);
  const std::string prefix(kFramePrefix);
  if (n.rfind(prefix, 0) == 0 && n.size() > prefix.size()) {
    char* end = nullptr;
    const long idx = std::strtol(n.c_str() + prefix.size(), &end, 10);
    if (end && *end == '\0') out->emplace_back(idx, n);
  }
  return 0;
}

TpcMlFrame read_frame(hid_t file, const std::string& path, const std::string& group,
                      const Hdf5SourceOptions& opt) {
  Handle g(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.ok()) throw std::runtime_error("'" + path + "': cannot open group '" + group + "'");
  TpcMlFrame frame;
  for (uint32_t l = 0; l < opt.layers; ++l) {
    const std::string ds_name = "Data_Layer" + std::to_string(opt.first_layer + l);
    const std::string where = "'" + path + "' " + group + "/" + ds_name;
    Handle ds(H5Dopen2(g.get(), ds_name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw std::runtime_error(where + ": dataset missing");
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.get()) != 2)
      throw std::runtime_error(where + ": expected a rank-2 dataset (n_phi, time bins)");
    hsize_t dims[2];
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    if (l == 0) {
      frame.n_phi = uint32_t(dims[0]);
      frame.time_bins = uint32_t(dims[1]);
    } else if (dims[0] != frame.n_phi || dims[1] != frame.time_bins) {
      throw std::runtime_error(where + ": shape (" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
                               ") differs from the group's first layer (" + std::to_string(frame.n_phi) + ", " +
                               std::to_string(frame.time_bins) + ")");
    }
    std::vector<uint16_t> values(size_t(dims[0]) * dims[1]);
    if (H5Dread(ds.get(), H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      throw std::runtime_error(where + ": read failed (not convertible to uint16?)");
    frame.layers.push_back(std::move(values));
  }
  return frame;
}

class Hdf5Source final : public WedgeSource {
 public:
  Hdf5Source(std::string path, Hdf5SourceOptions opt) : path_(std::move(path)), opt_(opt) {
    frames_ = list_tpcml_frames(path_);
    if (frames_.empty()) throw std::runtime_error("'" + path_ + "': no TimeFrame_<i> groups");
    silence_hdf5_errors();
    file_ = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0) throw std::runtime_error("'" + path_ + "': cannot open as HDF5");
  }
  ~Hdf5Source() override {
    if (file_ >= 0) H5Fclose(file_);
  }
  std::optional<SparseWedge> next() override {
    if (queue_.empty()) {
      if (index_ == frames_.size()) {
        if (!opt_.loop) return std::nullopt;
        index_ = 0;
      }
      TpcMlFrame frame = read_frame(file_, path_, frames_[index_++], opt_);
      for (auto& w : cut_frame_into_wedges(frame, opt_.sectors, opt_.z_halves)) {
        if (opt_.zero_suppress) zero_suppress(w);
        queue_.push_back(to_sparse(w));
      }
    }
    SparseWedge w = std::move(queue_.front());
    queue_.pop_front();
    return w;
  }
  std::string describe() const override {
    return "HDF5 '" + path_ + "' (" + std::to_string(frames_.size()) + " frames, Data_Layer" +
           std::to_string(opt_.first_layer) + ".." + std::to_string(opt_.first_layer + opt_.layers - 1) +
           (opt_.loop ? ", looping)" : ")");
  }

 private:
  std::string path_;
  Hdf5SourceOptions opt_;
  std::vector<std::string> frames_;
  hid_t file_ = -1;
  size_t index_ = 0;
  std::deque<SparseWedge> queue_;
};

}  // namespace

std::vector<std::string> list_tpcml_frames(const std::string& path) {
  silence_hdf5_errors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw std::runtime_error("'" + path + "': cannot open as HDF5");
  std::vector<std::pair<long, std::string>> found;
  hsize_t idx = 0;
  H5Literate(file.get(), H5_INDEX_NAME, H5_ITER_NATIVE, &idx, collect_frame, &found);
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& f : found) names.push_back(f.second);
  return names;
}

void write_tpcml_hdf5(const std::string& path, const std::vector<TpcMlFrame>& frames, uint32_t first_layer_name) {
  silence_hdf5_errors();
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw std::runtime_error("'" + path + "': cannot create HDF5 file");
  for (size_t f = 0; f < frames.size(); ++f) {
    const TpcMlFrame& frame = frames[f];
    const std::string group = kFramePrefix + std::to_string(f);
    Handle g(H5Gcreate2(file.get(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g.ok()) throw std::runtime_error("'" + path + "': cannot create group " + group);
    const hsize_t dims[2] = {frame.n_phi, frame.time_bins};
    for (size_t l = 0; l < frame.layers.size(); ++l) {
      if (frame.layers[l].size() != size_t(dims[0]) * dims[1])
        throw std::runtime_error("'" + path + "': frame " + std::to_string(f) + " layer " + std::to_string(l) +
                                 " has the wrong number of values");
      Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
      const std::string name = "Data_Layer" + std::to_string(first_layer_name + l);
      Handle ds(H5Dcreate2(g.get(), name.c_str(), H5T_STD_U16LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                H5Dclose);
      if (!ds.ok() ||
          H5Dwrite(ds.get(), H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, frame.layers[l].data()) < 0)
        throw std::runtime_error("'" + path + "': cannot write " + group + "/" + name);
    }
  }
}

std::unique_ptr<WedgeSource> make_hdf5_source(const std::string& path, Hdf5SourceOptions options) {
  return std::make_unique<Hdf5Source>(path, options);
}

}  // namespace daqz

#else  // !DAQZ_HAVE_HDF5

namespace daqz {
namespace {
[[noreturn]] void no_hdf5(const std::string& path) {
  throw std::runtime_error("'" + path + "': this build has no HDF5 support (torch-only build); convert the file "
                           "to an .npy folder on a full build first");
}
}  // namespace

void write_tpcml_hdf5(const std::string& path, const std::vector<TpcMlFrame>&, uint32_t) { no_hdf5(path); }
std::vector<std::string> list_tpcml_frames(const std::string& path) { no_hdf5(path); }
std::unique_ptr<WedgeSource> make_hdf5_source(const std::string& path, Hdf5SourceOptions) { no_hdf5(path); }

}  // namespace daqz

#endif  // DAQZ_HAVE_HDF5
