// Sources of wedges and jet batches for daqz-felix-sim, `daqz simulate`, training and eval:
// the physics simulator, folders of .npy wedges, HDF5 files in the TPCMLDataInterface layout.
//
//   auto src = make_npy_folder_source("data/test", /*loop=*/false);
//   while (auto w = src->next()) send(*w);
//
// A source is not thread-safe; next() returns std::nullopt when exhausted and throws
// std::runtime_error (naming the file) for unreadable input.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/records.h"
#include "base/wedge.h"

namespace daqz {

class WedgeSource {
 public:
  virtual ~WedgeSource() = default;
  virtual std::optional<SparseWedge> next() = 0;
  virtual std::string describe() const = 0;
};

class JetSource {
 public:
  virtual ~JetSource() = default;
  virtual std::optional<JetBatch> next() = 0;
  virtual std::string describe() const = 0;
};

// Lists the .npy files of a folder (sorted by name) or the single file `path`. A `daqz simulate --out`
// folder stands for its wedges/ subfolder.
std::vector<std::string> list_npy_files(const std::string& path);

// Wedges from .npy files (uint16, rank 3); zero suppression is applied on read.
std::unique_ptr<WedgeSource> make_npy_folder_source(const std::string& path, bool loop);

// Other sources, declared with their options in their own headers:
//   sim/tpc_simulator.h  make_tpc_sim_source(config, seed, max_events)  physics simulator
//   sim/tpcml_hdf5.h     make_hdf5_source(path, options)                TPCMLDataInterface HDF5

}  // namespace daqz
