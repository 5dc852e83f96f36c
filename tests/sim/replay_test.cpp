// Replay sources: HDF5 files in the TPCMLDataInterface layout and folders of .npy wedges.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/tpcml_hdf5.h"
#include "sim/wedge_source.h"
#include "base/npy.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  const fs::path p = fs::path(testing::TempDir()) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

// A value that encodes where it came from: frame f, dataset layer k, pad phi, time bin t.
uint16_t code(uint32_t f, uint32_t k, uint32_t phi, uint32_t t) {
  return uint16_t(65 + (f * 7 + k * 13 + phi * 17 + t) % 900);
}

// 48 layers, 24 pads, 10 time bins: every dataset named Data_Layer0..47 as the real files.
std::vector<TpcMlFrame> make_frames(uint32_t frames) {
  std::vector<TpcMlFrame> out;
  for (uint32_t f = 0; f < frames; ++f) {
    TpcMlFrame fr;
    fr.n_phi = 24;
    fr.time_bins = 10;
    for (uint32_t k = 0; k < 48; ++k) {
      std::vector<uint16_t> v(size_t(fr.n_phi) * fr.time_bins);
      for (uint32_t phi = 0; phi < fr.n_phi; ++phi)
        for (uint32_t t = 0; t < fr.time_bins; ++t) v[size_t(phi) * fr.time_bins + t] = code(f, k, phi, t);
      fr.layers.push_back(std::move(v));
    }
    out.push_back(std::move(fr));
  }
  return out;
}

TEST(Hdf5Replay, CutsOuterLayersIntoTwentyFourWedgesPerFrame) {
  const std::string path = temp_dir("h5a") + "/frames.h5";
  write_tpcml_hdf5(path, make_frames(2));
  EXPECT_EQ(list_tpcml_frames(path), (std::vector<std::string>{"TimeFrame_0", "TimeFrame_1"}));

  auto src = make_hdf5_source(path);  // outer group: Data_Layer32..47
  std::vector<DenseWedge> wedges;
  while (auto w = src->next()) wedges.push_back(to_dense(*w));
  ASSERT_EQ(wedges.size(), 48u);
  for (uint32_t f = 0; f < 2; ++f)
    for (uint32_t half = 0; half < 2; ++half)
      for (uint32_t sector = 0; sector < 12; ++sector) {
        const DenseWedge& w = wedges[f * 24 + half * 12 + sector];
        ASSERT_EQ(w.shape, (WedgeShape{2, 5, 16}));
        for (uint32_t a = 0; a < 2; ++a)
          for (uint32_t t = 0; t < 5; ++t)
            for (uint32_t l = 0; l < 16; ++l)
              ASSERT_EQ(w.at(a, t, l), code(f, 32 + l, sector * 2 + a, half * 5 + t))
                  << "frame " << f << " half " << half << " sector " << sector;
      }
}

TEST(Hdf5Replay, MiddleGroupZeroSuppressionAndLooping) {
  const std::string path = temp_dir("h5b") + "/frames.h5";
  auto frames = make_frames(1);
  frames[0].layers[16][0] = 64;  // at the readout floor: must read 0
  frames[0].layers[16][1] = 65;
  write_tpcml_hdf5(path, frames);
  Hdf5SourceOptions opt;
  opt.first_layer = 16;
  opt.loop = true;
  auto src = make_hdf5_source(path, opt);
  const DenseWedge first = to_dense(*src->next());
  EXPECT_EQ(first.at(0, 0, 0), 0);
  EXPECT_EQ(first.at(0, 1, 0), 65);
  EXPECT_EQ(first.at(1, 0, 3), code(0, 19, 1, 0));
  for (int i = 1; i < 24; ++i) ASSERT_TRUE(src->next().has_value());
  EXPECT_EQ(to_dense(*src->next()).adc, first.adc);  // looped back to frame 0
}

TEST(Hdf5Replay, ErrorsNameTheProblem) {
  const std::string dir = temp_dir("h5c");
  auto frames = make_frames(1);
  frames[0].layers.resize(40);  // Data_Layer40..47 missing
  write_tpcml_hdf5(dir + "/short.h5", frames);
  auto src = make_hdf5_source(dir + "/short.h5");
  try {
    src->next();
    FAIL() << "expected a missing-dataset error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Data_Layer40"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_hdf5_source(dir + "/absent.h5"), std::runtime_error);
  TpcMlFrame odd;
  odd.n_phi = 25;
  odd.time_bins = 10;
  odd.layers.assign(16, std::vector<uint16_t>(250, 0));
  EXPECT_THROW(cut_frame_into_wedges(odd), std::runtime_error);
}

TEST(NpyReplay, FolderOfWedgesIsReplayedInNameOrderWithZeroSuppression) {
  const std::string dir = temp_dir("npyfolder");
  std::vector<DenseWedge> written;
  for (int i = 0; i < 3; ++i) {
    DenseWedge w(WedgeShape{4, 6, 2});
    for (size_t k = 0; k < w.adc.size(); ++k) w.adc[k] = uint16_t((k * 31 + i * 101) % 200);
    char name[32];
    std::snprintf(name, sizeof name, "evt%06d_w00.npy", 2 - i);  // reverse name order on purpose
    write_npy(dir + "/" + name, npy_from_wedge(w));
    written.push_back(w);
  }
  write_npy(dir + "/../not_in_folder.npy", npy_from_wedge(written[0]));
  auto src = make_npy_folder_source(dir, false);
  std::vector<DenseWedge> got;
  while (auto w = src->next()) got.push_back(to_dense(*w));
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    DenseWedge expected = written[2 - i];  // evt000000 was written last
    zero_suppress(expected);
    EXPECT_EQ(got[i].adc, expected.adc) << i;
  }
}

TEST(NpyReplay, SimulateOutputFolderMeansItsWedgesSubfolder) {
  // `daqz simulate --out D` writes D/wedges/*.npy and D/jets.npy: D itself must replay the wedges only.
  const std::string dir = temp_dir("simulate_out");
  fs::create_directories(dir + "/wedges");
  DenseWedge w(WedgeShape{4, 6, 2});
  w.adc[3] = 300;
  write_npy(dir + "/wedges/evt000000_w00.npy", npy_from_wedge(w));
  write_npy(dir + "/wedges/evt000000_w01.npy", npy_from_wedge(w));
  const float jets[2] = {1.0f, 2.0f};
  write_npy(dir + "/jets.npy", NpyArray::make(NpyDType::kFloat32, {1, 2}, jets));
  const auto files = list_npy_files(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].find("/wedges/evt000000_w00.npy"), std::string::npos) << files[0];
}

}  // namespace
}  // namespace daqz
