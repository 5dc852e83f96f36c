// Export of decoded records to one HDF5 file (readable with h5py), for analysis outside daqz.
//
//   /                      attrs: format="daqz-export", format_version=1, creator, models[]
//   /wedges                (N, azimuth, time, layer) uint16 (or float32 with float_wedges), chunked
//                          one wedge per chunk, gzip+shuffle; attrs: axes, dtype_note
//   /wedge_records/        one row per wedge, same order: source, run, sequence, codec, model,
//                          model_version, weights_sha256, segment (1-D datasets)
//   /jets/<schema>/values  (rows, F) float32, every batch of that feature schema stacked;
//                          attrs: feature_schema_id, feature_schema, feature_names[], models[]
//   /jets/<schema>/records source, run, sequence, first_row, rows, codec, model, model_version,
//                          weights_sha256, segment
//
//   Hdf5ExportWriter w("run.h5");            // truncates; throws StorageError naming the file
//   w.add_wedge(info, reconstruction);       // or add_jets(info, batch)
//   w.finish();                              // record tables + attributes; the file is complete
//
// export_segments_to_hdf5() is the whole `daqz export --hdf5` job: it reads segments (CRC-checked),
// decodes each record with RecordDecoder (model SHA-256 verified) and writes them. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "base/wedge.h"

namespace daqz {

struct Hdf5ExportOptions {
  int gzip_level = 4;          // 0-9; 0 = no compression filter
  bool float_wedges = false;   // float32 reconstructions instead of rounded uint16 ADC
  // Called after every record with the segment bytes read so far and in total (a progress bar).
  std::function<void(uint64_t bytes_done, uint64_t bytes_total)> progress;
};

struct ExportRecordInfo {
  std::string source;
  uint64_t sequence = 0;
  std::string codec, model, model_version, weights_sha256;
  std::string segment;  // file the record came from
  uint64_t run = 0;     // the source's run (0: records written before runs existed)
};

class Hdf5ExportWriter {
 public:
  explicit Hdf5ExportWriter(const std::string& path, Hdf5ExportOptions options = {});
  ~Hdf5ExportWriter();  // finishes if finish() was not called (errors are logged, not thrown)
  Hdf5ExportWriter(const Hdf5ExportWriter&) = delete;
  Hdf5ExportWriter& operator=(const Hdf5ExportWriter&) = delete;

  // Throws StorageError if the wedge shape differs from the first wedge's, or on I/O errors.
  void add_wedge(const ExportRecordInfo& info, const Reconstruction& wedge);
  void add_jets(const ExportRecordInfo& info, const JetBatch& jets);
  void set_root_attribute(const std::string& name, const std::string& value);
  void finish();

  uint64_t wedges() const;
  uint64_t jet_batches() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ExportSummary {
  uint64_t segments = 0, wedges = 0, jet_batches = 0, jet_rows = 0, failed = 0, damaged_segments = 0;
};

// Decodes every encoded record of `segment_paths` into `out_path`. Records that fail to decode are
// logged and counted (summary.failed), not fatal; a bad segment header throws StorageError.
ExportSummary export_segments_to_hdf5(const std::vector<std::string>& segment_paths,
                                      const std::vector<std::string>& model_roots, const std::string& out_path,
                                      const Hdf5ExportOptions& options = {});

// Minimal readers (tests and tools without h5py): the wedges as stored, a 1-D string or u64 column,
// and a jet group's values (rows x cols).
std::vector<DenseWedge> read_exported_wedges(const std::string& path);
std::vector<std::string> read_exported_strings(const std::string& path, const std::string& dataset);
std::vector<uint64_t> read_exported_u64(const std::string& path, const std::string& dataset);
std::vector<float> read_exported_floats(const std::string& path, const std::string& dataset, size_t* rows,
                                        size_t* cols);

}  // namespace daqz
