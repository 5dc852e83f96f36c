#include "offline/hdf5_export.h"

#include <hdf5.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "codec/jet_schema.h"
#include "codec_classic/record_decoder.h"
#include "storage/segment.h"
#include "base/build_info.h"

namespace daqz {
namespace {

// Closes an HDF5 handle on scope exit.
class H {
 public:
  H() = default;
  H(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H() { reset(); }
  H(H&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  H& operator=(H&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

struct Ctx {
  std::string path;
  hid_t check(hid_t id, const std::string& what) const {
    if (id < 0) throw StorageError("HDF5 export '" + path + "': " + what + " failed");
    return id;
  }
  void check(herr_t rc, const std::string& what, int) const {
    if (rc < 0) throw StorageError("HDF5 export '" + path + "': " + what + " failed");
  }
};

H string_type() {
  H t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

void write_strings(const Ctx& c, hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  const hsize_t n = v.size();
  H space(c.check(H5Screate_simple(1, &n, nullptr), "dataspace for " + name), H5Sclose);
  H type = string_type();
  H ds(c.check(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               "create " + name),
       H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  if (n) c.check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name, 0);
}

void write_u64(const Ctx& c, hid_t loc, const std::string& name, const std::vector<uint64_t>& v) {
  const hsize_t n = v.size();
  H space(c.check(H5Screate_simple(1, &n, nullptr), "dataspace for " + name), H5Sclose);
  H ds(c.check(H5Dcreate2(loc, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               "create " + name),
       H5Dclose);
  if (n) c.check(H5Dwrite(ds.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name, 0);
}

void attr_string(const Ctx& c, hid_t loc, const std::string& name, const std::string& value) {
  H space(H5Screate(H5S_SCALAR), H5Sclose);
  H type = string_type();
  if (H5Aexists(loc, name.c_str()) > 0) H5Adelete(loc, name.c_str());
  H a(c.check(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose);
  const char* p = value.c_str();
  c.check(H5Awrite(a.get(), type.get(), &p), "write attribute " + name, 0);
}

void attr_strings(const Ctx& c, hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  const hsize_t n = v.size();
  H space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H type = string_type();
  H a(c.check(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose);
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  if (n) c.check(H5Awrite(a.get(), type.get(), ptrs.data()), "write attribute " + name, 0);
}

void attr_u32(const Ctx& c, hid_t loc, const std::string& name, uint32_t value) {
  H space(H5Screate(H5S_SCALAR), H5Sclose);
  H a(c.check(H5Acreate2(loc, name.c_str(), H5T_STD_U32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose);
  c.check(H5Awrite(a.get(), H5T_NATIVE_UINT32, &value), "write attribute " + name, 0);
}

// An extendible dataset along axis 0, one chunk per `chunk_rows` rows, optional shuffle+gzip.
H create_extendible(const Ctx& c, hid_t loc, const std::string& name, hid_t file_type,
                    const std::vector<hsize_t>& row_dims, hsize_t chunk_rows, int gzip) {
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{chunk_rows};
  for (hsize_t d : row_dims) {
    dims.push_back(d);
    maxdims.push_back(d);
    chunk.push_back(d);
  }
  H space(c.check(H5Screate_simple(int(dims.size()), dims.data(), maxdims.data()), "dataspace " + name), H5Sclose);
  H dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  c.check(H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data()), "chunking of " + name, 0);
  if (gzip > 0) {
    if (!H5Zfilter_avail(H5Z_FILTER_DEFLATE)) throw StorageError("HDF5 library lacks the gzip (deflate) filter");
    H5Pset_shuffle(dcpl.get());
    c.check(H5Pset_deflate(dcpl.get(), unsigned(std::min(gzip, 9))), "gzip of " + name, 0);
  }
  return H(c.check(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                   "create " + name),
           H5Dclose);
}

// Appends `rows` rows (each `row_dims`) to an extendible dataset that holds `have` rows.
void append_rows(const Ctx& c, hid_t ds, hid_t mem_type, const std::vector<hsize_t>& row_dims, hsize_t have,
                 hsize_t rows, const void* data) {
  std::vector<hsize_t> size{have + rows}, start{have}, count{rows};
  for (hsize_t d : row_dims) {
    size.push_back(d);
    start.push_back(0);
    count.push_back(d);
  }
  c.check(H5Dset_extent(ds, size.data()), "extend dataset", 0);
  H file_space(H5Dget_space(ds), H5Sclose);
  c.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "select rows", 0);
  H mem_space(H5Screate_simple(int(count.size()), count.data(), nullptr), H5Sclose);
  c.check(H5Dwrite(ds, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data), "write rows", 0);
}

struct RecordColumns {
  std::vector<std::string> source, codec, model, model_version, sha, segment;
  std::vector<uint64_t> run, sequence, first_row, rows;
  void add(const ExportRecordInfo& i) {
    source.push_back(i.source);
    run.push_back(i.run);
    sequence.push_back(i.sequence);
    codec.push_back(i.codec);
    model.push_back(i.model);
    model_version.push_back(i.model_version);
    sha.push_back(i.weights_sha256);
    segment.push_back(i.segment);
  }
  void write(const Ctx& c, hid_t group) const {
    write_strings(c, group, "source", source);
    write_u64(c, group, "run", run);
    write_u64(c, group, "sequence", sequence);
    write_strings(c, group, "codec", codec);
    write_strings(c, group, "model", model);
    write_strings(c, group, "model_version", model_version);
    write_strings(c, group, "weights_sha256", sha);
    write_strings(c, group, "segment", segment);
    if (!rows.empty()) {
      write_u64(c, group, "first_row", first_row);
      write_u64(c, group, "rows", rows);
    }
  }
};

std::string model_label(const ExportRecordInfo& i) {
  if (i.model.empty()) return i.codec;
  return i.codec + "/" + i.model + "@" + i.model_version + "#" + i.weights_sha256;
}

struct JetGroup {
  uint32_t schema_id = 0;
  uint32_t f = 0;
  H group, values;
  uint64_t rows = 0;
  RecordColumns records;
  std::set<std::string> models;
};

}  // namespace

struct Hdf5ExportWriter::Impl {
  Ctx c;
  Hdf5ExportOptions opt;
  H file, wedges;
  WedgeShape wedge_shape;
  uint64_t n_wedges = 0, n_jet_batches = 0;
  RecordColumns wedge_records;
  std::set<std::string> wedge_models, all_models;
  std::map<uint32_t, JetGroup> jets;
  H jets_root;
  bool finished = false;

  std::vector<hsize_t> wedge_dims() const { return {wedge_shape.azimuth, wedge_shape.time, wedge_shape.layer}; }

  void finish() {
    if (finished) return;
    finished = true;
    if (wedges.ok()) {
      attr_string(c, wedges.get(), "axes", "record,azimuth,time,layer");
      attr_string(c, wedges.get(), "values", opt.float_wedges ? "decoded ADC (float32 reconstruction)"
                                                              : "decoded ADC rounded to uint16, zero-suppressed (<= 64 reads 0)");
      attr_strings(c, wedges.get(), "models", {wedge_models.begin(), wedge_models.end()});
      H g(c.check(H5Gcreate2(file.get(), "wedge_records", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group wedge_records"),
          H5Gclose);
      wedge_records.write(c, g.get());
      wedges.reset();
    }
    for (auto& [id, j] : jets) {
      attr_u32(c, j.group.get(), "feature_schema_id", id);
      std::vector<std::string> names;
      std::string schema_name = "unknown";
      try {
        const JetSchema& s = jet_schema(id);
        schema_name = s.name;
        if (s.size() == j.f) names = s.names();
      } catch (const std::exception&) {
        // untyped floats: no names
      }
      attr_string(c, j.group.get(), "feature_schema", schema_name);
      attr_strings(c, j.group.get(), "feature_names", names);
      attr_strings(c, j.group.get(), "models", {j.models.begin(), j.models.end()});
      attr_string(c, j.values.get(), "axes", "row (jet),feature");
      H g(c.check(H5Gcreate2(j.group.get(), "records", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group records"),
          H5Gclose);
      j.records.write(c, g.get());
      j.values.reset();
      j.group.reset();
    }
    jets.clear();
    jets_root.reset();
    attr_string(c, file.get(), "format", "daqz-export");
    attr_u32(c, file.get(), "format_version", 1);
    attr_string(c, file.get(), "creator", build_info_string());
    attr_strings(c, file.get(), "models", {all_models.begin(), all_models.end()});
    c.check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush", 0);
    file.reset();
  }
};

Hdf5ExportWriter::Hdf5ExportWriter(const std::string& path, Hdf5ExportOptions options)
    : impl_(std::make_unique<Impl>()) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become StorageError, not stderr dumps
  impl_->c.path = path;
  impl_->opt = options;
  impl_->file = H(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!impl_->file.ok()) throw StorageError("HDF5 export: cannot create '" + path + "'");
}

Hdf5ExportWriter::~Hdf5ExportWriter() {
  try {
    impl_->finish();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
}

void Hdf5ExportWriter::add_wedge(const ExportRecordInfo& info, const Reconstruction& w) {
  Impl& s = *impl_;
  if (s.finished) throw StorageError("HDF5 export '" + s.c.path + "': add after finish()");
  if (!s.wedges.ok()) {
    s.wedge_shape = w.shape;
    s.wedges = create_extendible(s.c, s.file.get(), "wedges", s.opt.float_wedges ? H5T_IEEE_F32LE : H5T_STD_U16LE,
                                 s.wedge_dims(), 1, s.opt.gzip_level);
  } else if (!(w.shape == s.wedge_shape)) {
    throw StorageError("HDF5 export '" + s.c.path + "': wedge (" + info.source + ", " + std::to_string(info.sequence) +
                       ") has shape " + std::to_string(w.shape.azimuth) + "x" + std::to_string(w.shape.time) + "x" +
                       std::to_string(w.shape.layer) + ", the file's wedges are " +
                       std::to_string(s.wedge_shape.azimuth) + "x" + std::to_string(s.wedge_shape.time) + "x" +
                       std::to_string(s.wedge_shape.layer));
  }
  if (w.adc.size() != w.shape.voxels())
    throw StorageError("HDF5 export: wedge (" + info.source + ", " + std::to_string(info.sequence) + ") has " +
                       std::to_string(w.adc.size()) + " values for " + std::to_string(w.shape.voxels()) + " voxels");
  if (s.opt.float_wedges) {
    append_rows(s.c, s.wedges.get(), H5T_NATIVE_FLOAT, s.wedge_dims(), s.n_wedges, 1, w.adc.data());
  } else {
    const DenseWedge d = w.rounded();
    append_rows(s.c, s.wedges.get(), H5T_NATIVE_UINT16, s.wedge_dims(), s.n_wedges, 1, d.adc.data());
  }
  ++s.n_wedges;
  s.wedge_records.add(info);
  s.wedge_models.insert(model_label(info));
  s.all_models.insert(model_label(info));
}

void Hdf5ExportWriter::add_jets(const ExportRecordInfo& info, const JetBatch& b) {
  Impl& s = *impl_;
  if (s.finished) throw StorageError("HDF5 export '" + s.c.path + "': add after finish()");
  if (b.values.size() != size_t(b.n) * b.f)
    throw StorageError("HDF5 export: jet batch (" + info.source + ", " + std::to_string(info.sequence) + ") has " +
                       std::to_string(b.values.size()) + " values for " + std::to_string(b.n) + "x" +
                       std::to_string(b.f));
  if (!s.jets_root.ok())
    s.jets_root = H(s.c.check(H5Gcreate2(s.file.get(), "jets", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group jets"),
                    H5Gclose);
  auto it = s.jets.find(b.schema_id);
  if (it == s.jets.end()) {
    JetGroup g;
    g.schema_id = b.schema_id;
    g.f = b.f;
    std::string name = "schema-" + std::to_string(b.schema_id);
    try {
      name = jet_schema(b.schema_id).name;
    } catch (const std::exception&) {
    }
    g.group = H(s.c.check(H5Gcreate2(s.jets_root.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          "group jets/" + name),
                H5Gclose);
    g.values = create_extendible(s.c, g.group.get(), "values", H5T_IEEE_F32LE, {b.f}, 4096, s.opt.gzip_level);
    it = s.jets.emplace(b.schema_id, std::move(g)).first;
  }
  JetGroup& g = it->second;
  if (b.f != g.f)
    throw StorageError("HDF5 export: jet batch (" + info.source + ", " + std::to_string(info.sequence) + ") has " +
                       std::to_string(b.f) + " features, earlier batches of schema " + std::to_string(b.schema_id) +
                       " had " + std::to_string(g.f));
  if (b.n) append_rows(s.c, g.values.get(), H5T_NATIVE_FLOAT, {b.f}, g.rows, b.n, b.values.data());
  g.records.add(info);
  g.records.first_row.push_back(g.rows);
  g.records.rows.push_back(b.n);
  g.rows += b.n;
  g.models.insert(model_label(info));
  s.all_models.insert(model_label(info));
  ++s.n_jet_batches;
}

void Hdf5ExportWriter::set_root_attribute(const std::string& name, const std::string& value) {
  attr_string(impl_->c, impl_->file.get(), name, value);
}

void Hdf5ExportWriter::finish() { impl_->finish(); }
uint64_t Hdf5ExportWriter::wedges() const { return impl_->n_wedges; }
uint64_t Hdf5ExportWriter::jet_batches() const { return impl_->n_jet_batches; }

ExportSummary export_segments_to_hdf5(const std::vector<std::string>& segment_paths,
                                      const std::vector<std::string>& model_roots, const std::string& out_path,
                                      const Hdf5ExportOptions& options) {
  ExportSummary sum;
  struct : CorruptionReporter {  // damaged regions are skipped, and said so
    void corruption(const std::string& path, uint64_t offset, uint64_t bytes, const std::string& reason) override {
      spdlog::warn("'{}' at byte {}: {} bytes skipped: {}", path, offset, bytes, reason);
    }
  } reporter;
  RecordDecoder decoder(model_roots);
  Hdf5ExportWriter writer(out_path, options);
  uint64_t bytes_total = 0, bytes_before = 0;
  if (options.progress)
    for (const auto& path : segment_paths) bytes_total += std::filesystem::file_size(path);
  for (const auto& path : segment_paths) {
    SegmentReader reader(path, &reporter);
    ++sum.segments;
    while (auto m = reader.next()) {
      if (options.progress) options.progress(bytes_before + reader.good_bytes(), bytes_total);
      if (m->envelope.kind() != wire::KIND_ENCODED_RECORD) continue;
      const EncodedRecord rec = record_from_message(*m);
      ExportRecordInfo info{m->envelope.source_id(), m->envelope.sequence(), rec.codec_id, rec.model_name,
                            rec.model_version, rec.weights_sha256, path, m->envelope.run()};
      try {
        const DecodedRecord d = decoder.decode(rec);
        if (d.kind == PayloadKind::kWedge) {
          writer.add_wedge(info, d.wedge);
          ++sum.wedges;
        } else {
          writer.add_jets(info, d.jets);
          ++sum.jet_batches;
          sum.jet_rows += d.jets.n;
        }
      } catch (const StorageError&) {
        throw;  // the output file is broken: stop
      } catch (const std::exception& e) {
        ++sum.failed;
        spdlog::error("record ({}, {}) in '{}' not exported: {}", info.source, info.sequence, path, e.what());
      }
    }
    if (reader.skipped_bytes() > 0 || reader.corrupt_regions() > 0) ++sum.damaged_segments;
    bytes_before += std::filesystem::file_size(path);
    if (options.progress) options.progress(bytes_before, bytes_total);
  }
  writer.finish();
  return sum;
}

// ---- readers -------------------------------------------------------------------------------------
namespace {

H open_dataset(const std::string& path, const std::string& dataset, H& file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  file = H(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw StorageError("cannot open HDF5 file '" + path + "'");
  H ds(H5Dopen2(file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw StorageError("'" + path + "' has no dataset '" + dataset + "'");
  return ds;
}

std::vector<hsize_t> dims_of(hid_t ds) {
  H space(H5Dget_space(ds), H5Sclose);
  std::vector<hsize_t> d(size_t(std::max(0, H5Sget_simple_extent_ndims(space.get()))));
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

}  // namespace

std::vector<DenseWedge> read_exported_wedges(const std::string& path) {
  H file;
  H ds = open_dataset(path, "wedges", file);
  const auto d = dims_of(ds.get());
  if (d.size() != 4) throw StorageError("'" + path + "' /wedges is not rank 4");
  const WedgeShape shape{uint32_t(d[1]), uint32_t(d[2]), uint32_t(d[3])};
  std::vector<uint16_t> all(size_t(d[0]) * shape.voxels());
  if (!all.empty() && H5Dread(ds.get(), H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) < 0)
    throw StorageError("'" + path + "': reading /wedges failed");
  std::vector<DenseWedge> out;
  for (size_t i = 0; i < d[0]; ++i) {
    DenseWedge w(shape);
    std::copy_n(all.begin() + ptrdiff_t(i * shape.voxels()), shape.voxels(), w.adc.begin());
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<std::string> read_exported_strings(const std::string& path, const std::string& dataset) {
  H file;
  H ds = open_dataset(path, dataset, file);
  const auto d = dims_of(ds.get());
  if (d.size() != 1) throw StorageError("'" + path + "' " + dataset + " is not 1-D");
  std::vector<char*> ptrs(d[0], nullptr);
  H type = string_type();
  if (!ptrs.empty() && H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw StorageError("'" + path + "': reading " + dataset + " failed");
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (!ptrs.empty()) {
    H space(H5Dget_space(ds.get()), H5Sclose);
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data());
  }
  return out;
}

std::vector<uint64_t> read_exported_u64(const std::string& path, const std::string& dataset) {
  H file;
  H ds = open_dataset(path, dataset, file);
  const auto d = dims_of(ds.get());
  if (d.size() != 1) throw StorageError("'" + path + "' " + dataset + " is not 1-D");
  std::vector<uint64_t> out(d[0]);
  if (!out.empty() && H5Dread(ds.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw StorageError("'" + path + "': reading " + dataset + " failed");
  return out;
}

std::vector<float> read_exported_floats(const std::string& path, const std::string& dataset, size_t* rows,
                                        size_t* cols) {
  H file;
  H ds = open_dataset(path, dataset, file);
  const auto d = dims_of(ds.get());
  if (d.size() != 2) throw StorageError("'" + path + "' " + dataset + " is not 2-D");
  std::vector<float> out(size_t(d[0]) * d[1]);
  if (!out.empty() && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw StorageError("'" + path + "': reading " + dataset + " failed");
  if (rows) *rows = d[0];
  if (cols) *cols = d[1];
  return out;
}

}  // namespace daqz
