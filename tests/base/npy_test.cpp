#include "base/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace daqz {
namespace {

std::string temp_path(const std::string& name) { return testing::TempDir() + "/" + name; }

TEST(Npy, Uint16WedgeRoundTrip) {
  DenseWedge w(WedgeShape{3, 5, 2});
  for (size_t i = 0; i < w.adc.size(); ++i) w.adc[i] = uint16_t(i * 37 % 1024);
  const std::string path = temp_path("w.npy");
  write_npy(path, npy_from_wedge(w));
  const DenseWedge back = wedge_from_npy(read_npy(path));
  EXPECT_EQ(back.shape, w.shape);
  EXPECT_EQ(back.adc, w.adc);
}

TEST(Npy, Float32AndFloat16RoundTrip) {
  const std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
  auto a = read_npy((write_npy(temp_path("f.npy"), npy_from_floats(f, {2, 3})), temp_path("f.npy")));
  EXPECT_EQ(a.dtype, NpyDType::kFloat32);
  EXPECT_EQ(a.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(std::vector<float>(a.as<float>(), a.as<float>() + 6), f);

  const std::vector<uint16_t> halves = {0x3C00, 0xC000, 0x7BFF};  // 1, -2, 65504
  write_npy(temp_path("h.npy"), NpyArray::make(NpyDType::kFloat16, {3}, halves.data()));
  auto h = read_npy(temp_path("h.npy"));
  EXPECT_EQ(h.dtype, NpyDType::kFloat16);
  EXPECT_EQ(std::vector<uint16_t>(h.as<uint16_t>(), h.as<uint16_t>() + 3), halves);
}

TEST(Npy, HeaderIsAlignedTo64Bytes) {
  const auto bytes = serialize_npy(npy_from_floats({1, 2}, {2}));
  const size_t header_len = bytes[8] | bytes[9] << 8;
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(bytes.size(), 10 + header_len + 8);
}

TEST(Npy, RejectsMalformedInput) {
  const std::string junk = "not a numpy file at all";
  EXPECT_THROW(parse_npy(junk.data(), junk.size()), NpyError);
  auto bytes = serialize_npy(npy_from_floats({1, 2, 3, 4}, {4}));
  EXPECT_THROW(parse_npy(bytes.data(), bytes.size() - 1), NpyError);  // truncated data
  EXPECT_THROW(parse_npy(bytes.data(), 9), NpyError);                 // truncated header
  EXPECT_THROW(read_npy("/nonexistent/x.npy"), NpyError);
}

TEST(Npy, RejectsFortranOrderAndWrongWedgeDtype) {
  auto bytes = serialize_npy(npy_from_floats({1, 2, 3, 4}, {2, 2}));
  std::string s(bytes.begin(), bytes.end());
  s.replace(s.find("False"), 5, "True ");
  EXPECT_THROW(parse_npy(s.data(), s.size()), NpyError);
  EXPECT_THROW(wedge_from_npy(npy_from_floats({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2})), NpyError);
  const std::vector<uint16_t> v(4);
  EXPECT_THROW(wedge_from_npy(NpyArray::make(NpyDType::kUInt16, {2, 2}, v.data())), NpyError);
}

TEST(Npy, ReadsReferenceProbeWedge) {
  const std::string path = std::string(DAQZ_SHARED_DIR) + "/anchors/bcae-v1/probe_wedge.npy";
  if (!std::ifstream(path)) GTEST_SKIP() << "shared/ not present beside the checkout: " << path;
  const DenseWedge w = wedge_from_npy(read_npy(path));
  EXPECT_EQ(w.shape, kOuterWedgeShape);
  EXPECT_GT(w.nonzero(), 0u);
}

}  // namespace
}  // namespace daqz
