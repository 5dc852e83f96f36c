// Replay of HDF5 files in the layout written by sPHENIX's TPCMLDataInterface, and a writer of the
// same layout (for tests and for exporting simulated frames).
//
// Layout: one group per time frame, "TimeFrame_<i>", holding datasets "Data_Layer<k>" (k = 0..47
// over the TPC's 48 pad layers: 0-15 inner, 16-31 middle, 32-47 outer), each uint16 of shape
// (n_phi, 498) = (azimuthal pads, z/time bins; bin 0 = z -105.5 cm, 248 = z 0, 497 = +105.5 cm).
//
// Cutting a frame into wedges (the public BCAE dataset's split): 12 sectors x 2 halves. Wedge
// w = half * 12 + sector holds pads [sector * n_phi/12, (sector+1) * n_phi/12) and time bins
// [half * 249, (half+1) * 249), with axes (azimuth, time, layer):
//   wedge[a][t][l] = Data_Layer<first_layer + l>[sector * n_phi/12 + a][half * 249 + t].
// The time axis is NOT flipped for either half (it grows with z), matching the simulator.
//
//   auto src = make_hdf5_source("frames.h5");                   // outer group, Layer32..47
//   Hdf5SourceOptions o; o.first_layer = 16;                       // middle group
//   auto mid = make_hdf5_source("frames.h5", o);
//
// Sources are not thread-safe; they throw std::runtime_error naming the file, group or dataset
// for missing datasets, wrong ranks, or shapes that do not split into the requested wedges.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/wedge_source.h"
#include "base/wedge.h"

namespace daqz {

struct Hdf5SourceOptions {
  uint32_t first_layer = 32;  // outer group; 16 = middle, 0 = inner
  uint32_t layers = 16;
  uint32_t sectors = 12;
  uint32_t z_halves = 2;
  bool zero_suppress = true;  // apply ADC <= 64 -> 0 on read, as the npy folder source does
  bool loop = false;
};

// One time frame of the TPCMLDataInterface layout: layers[k] is Data_Layer<first_layer_name + k>,
// n_phi * time_bins values in C order.
struct TpcMlFrame {
  uint32_t n_phi = 0;
  uint32_t time_bins = 498;
  std::vector<std::vector<uint16_t>> layers;
};

// Writes frames as TimeFrame_0, TimeFrame_1, ... with datasets Data_Layer<first_layer_name + k>.
void write_tpcml_hdf5(const std::string& path, const std::vector<TpcMlFrame>& frames,
                      uint32_t first_layer_name = 0);

// Cuts one frame (layers already restricted to the group) into wedges in wedge order.
std::vector<DenseWedge> cut_frame_into_wedges(const TpcMlFrame& frame, uint32_t sectors = 12,
                                              uint32_t z_halves = 2);

std::unique_ptr<WedgeSource> make_hdf5_source(const std::string& path, Hdf5SourceOptions options = {});

// Names of the TimeFrame_<i> groups of a file, sorted by i.
std::vector<std::string> list_tpcml_frames(const std::string& path);

}  // namespace daqz
