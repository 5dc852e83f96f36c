// The inputs of `daqz encode`: .npy files (uint16 rank-3 wedges, float32 rank-2 jet batches),
// folders of them, and TPCMLDataInterface HDF5 files (cut into wedges as daqz-felix-sim replays
// them), read one record at a time so that memory stays flat whatever the input size.
//
//   EncodeInputs in({"data/wedges", "frames.h5"}, opts);   // throws std::runtime_error naming a path
//   while (auto item = in.next()) encode(*item);            // item->key: (source, run, sequence)
//
// Keys: by default one source (`source_id`, jets under "<source_id>-jets", as felix-sim names
// them) numbered from 0 in input order; with `keys_from_names` a file named as daqz decode and
// felix-sim --dump name records (<source>_<sequence>.npy, <source>_r<run>_<sequence>.npy) keeps
// its key, so decoding restores the same file names. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/records.h"
#include "base/wedge.h"
#include "wire/record_key.h"

namespace daqz {

class WedgeSource;

struct EncodeInputOptions {
  std::string source_id = "offline";
  uint64_t run = 0;
  bool keys_from_names = false;
  uint32_t hdf5_first_layer = 32;  // TPCMLDataInterface pad-layer group: 0 inner, 16 middle, 32 outer
  uint32_t jet_schema_id = 0;      // 0: from the number of columns (27, 4 or 15)
};

struct EncodeItem {
  RecordKey key;
  PayloadKind kind = PayloadKind::kWedge;
  SparseWedge wedge;             // kind == kWedge (zero-suppressed)
  JetBatch jets;                 // kind == kJets
  std::string origin;            // file (and frame) it came from, for messages
  uint64_t suppressed_voxels = 0;  // nonzero voxels at or below the threshold that read as 0
};

class EncodeInputs {
 public:
  EncodeInputs(const std::vector<std::string>& paths, EncodeInputOptions options);
  ~EncodeInputs();
  std::optional<EncodeItem> next();
  // Records expected in total (the progress bar's 100 %); HDF5 files count 24 wedges a frame.
  uint64_t expected() const { return expected_; }

 private:
  std::optional<EncodeItem> from_npy(const std::string& path);
  RecordKey next_key(PayloadKind kind, const std::string& path);

  EncodeInputOptions options_;
  std::vector<std::string> files_;
  size_t index_ = 0;
  std::unique_ptr<WedgeSource> hdf5_;  // the HDF5 file being read, if any
  std::string hdf5_path_;
  uint64_t expected_ = 0, next_wedge_ = 0, next_jets_ = 0;
};

// Parses a record file stem ("felix-0_17", "felix-0_r1718000000000_17"); nullopt if it is neither.
std::optional<RecordKey> key_from_file_stem(const std::string& stem);

}  // namespace daqz
