#include "encode_inputs.h"

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "base/npy.h"
#include "codec/jet_schema.h"
#include "sim/tpcml_hdf5.h"
#include "sim/wedge_source.h"

namespace daqz {

namespace fs = std::filesystem;

namespace {

bool is_hdf5(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".h5" || ext == ".hdf5";
}

uint32_t schema_for_columns(size_t columns) {
  for (uint32_t id : known_jet_schemas())
    if (jet_schema(id).size() == columns) return id;
  return kJetSchemaUnknown;
}

}  // namespace

std::optional<RecordKey> key_from_file_stem(const std::string& stem) {
  static const std::regex with_run(R"(^(.+)_r(\d+)_(\d+)$)"), without_run(R"(^(.+)_(\d+)$)");
  std::smatch m;
  if (std::regex_match(stem, m, with_run)) return RecordKey{m[1], std::stoull(m[2]), std::stoull(m[3])};
  if (std::regex_match(stem, m, without_run)) return RecordKey{m[1], 0, std::stoull(m[2])};
  return std::nullopt;
}

EncodeInputs::EncodeInputs(const std::vector<std::string>& paths, EncodeInputOptions options)
    : options_(std::move(options)) {
  for (const auto& p : paths) {
    if (fs::is_regular_file(p) && is_hdf5(p)) {
      files_.push_back(p);
      expected_ += list_tpcml_frames(p).size() * 24;
    } else {
      const auto npys = list_npy_files(p);  // throws for a missing path
      if (npys.empty()) throw std::runtime_error("no .npy files in '" + p + "'");
      files_.insert(files_.end(), npys.begin(), npys.end());
      expected_ += npys.size();
    }
  }
  if (files_.empty()) throw std::runtime_error("no input files given");
}

EncodeInputs::~EncodeInputs() = default;

RecordKey EncodeInputs::next_key(PayloadKind kind, const std::string& path) {
  if (options_.keys_from_names) {
    auto key = key_from_file_stem(fs::path(path).stem().string());
    if (!key)
      throw std::runtime_error("--keys-from-names: '" + path + "' is not named <source>_<sequence>.npy or "
                               "<source>_r<run>_<sequence>.npy");
    return *key;
  }
  if (kind == PayloadKind::kWedge) return {options_.source_id, options_.run, next_wedge_++};
  return {options_.source_id + "-jets", options_.run, next_jets_++};
}

std::optional<EncodeItem> EncodeInputs::from_npy(const std::string& path) {
  const NpyArray a = read_npy(path);
  EncodeItem item;
  item.origin = path;
  if (a.dtype == NpyDType::kUInt16 && a.shape.size() == 3) {
    DenseWedge w = wedge_from_npy(a, "'" + path + "'");
    for (uint16_t v : w.adc) item.suppressed_voxels += v > 0 && v <= kZeroSuppressionThreshold;
    zero_suppress(w);
    item.kind = PayloadKind::kWedge;
    item.wedge = to_sparse(w);
  } else if (a.dtype == NpyDType::kFloat32 && a.shape.size() == 2) {
    item.kind = PayloadKind::kJets;
    item.jets.n = uint32_t(a.shape[0]);
    item.jets.f = uint32_t(a.shape[1]);
    item.jets.schema_id = options_.jet_schema_id ? options_.jet_schema_id : schema_for_columns(a.shape[1]);
    item.jets.values.assign(a.as<float>(), a.as<float>() + a.elements());
    validate_jet_batch(item.jets);
  } else {
    throw std::runtime_error("'" + path + "' is neither a wedge (uint16, rank 3) nor a jet batch (float32, rank 2)");
  }
  item.key = next_key(item.kind, path);
  return item;
}

std::optional<EncodeItem> EncodeInputs::next() {
  while (true) {
    if (hdf5_) {
      if (auto w = hdf5_->next()) {
        EncodeItem item;
        item.kind = PayloadKind::kWedge;
        item.wedge = std::move(*w);
        item.origin = hdf5_path_;
        if (options_.keys_from_names)
          throw std::runtime_error("--keys-from-names: HDF5 input '" + hdf5_path_ + "' has no record names");
        item.key = next_key(item.kind, hdf5_path_);
        return item;
      }
      hdf5_.reset();
    }
    if (index_ == files_.size()) return std::nullopt;
    const std::string& path = files_[index_++];
    if (!is_hdf5(path)) return from_npy(path);
    Hdf5SourceOptions o;
    o.first_layer = options_.hdf5_first_layer;
    hdf5_ = make_hdf5_source(path, o);
    hdf5_path_ = path;
  }
}

}  // namespace daqz
