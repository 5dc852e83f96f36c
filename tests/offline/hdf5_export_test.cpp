// HDF5 export: the writer's layout read back, and the full segments -> HDF5 path with lossless records.
#include "offline/hdf5_export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "codec/codec.h"
#include "codec/jet_schema.h"
#include "storage/segment.h"
#include "wire/message.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("daqz-h5-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

DenseWedge random_wedge(uint32_t seed) {
  DenseWedge w(kOuterWedgeShape);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> adc(65, 1023);
  for (size_t i = 0; i < w.adc.size(); ++i)
    if (rng() % 10 == 0) w.adc[i] = uint16_t(adc(rng));
  return w;
}

Reconstruction as_reconstruction(const DenseWedge& w) {
  Reconstruction r;
  r.shape = w.shape;
  r.adc.assign(w.adc.begin(), w.adc.end());
  return r;
}

JetBatch random_jets(uint32_t n, uint32_t seed) {
  JetBatch b;
  b.schema_id = kJetSchemaTla4;
  b.n = n;
  b.f = 4;
  std::mt19937 rng(seed);
  std::normal_distribution<float> v(0, 100);
  for (size_t i = 0; i < size_t(n) * 4; ++i) b.values.push_back(v(rng));
  return b;
}

TEST(Hdf5Export, WriterLayoutReadsBack) {
  const fs::path d = temp_dir("writer");
  const std::string path = (d / "out.h5").string();
  const DenseWedge a = random_wedge(1), b = random_wedge(2);
  const JetBatch j1 = random_jets(3, 3), j2 = random_jets(5, 4);
  {
    Hdf5ExportWriter w(path);
    w.add_wedge({"felix-0", 7, "lossless", "", "", "", "seg-a"}, as_reconstruction(a));
    w.add_jets({"felix-0-jets", 0, "jet-lossless", "", "", "", "seg-a"}, j1);
    w.add_wedge({"felix-1", 9, "bcae", "bcae-v1", "1", "abc:def", "seg-b"}, as_reconstruction(b));
    w.add_jets({"felix-0-jets", 1, "jet-lossless", "", "", "", "seg-b"}, j2);
    Reconstruction small;
    small.shape = {4, 5, 6};
    small.adc.assign(small.shape.voxels(), 0.f);
    EXPECT_THROW(w.add_wedge({"x", 0, "lossless", "", "", "", ""}, small), StorageError);
    EXPECT_EQ(w.wedges(), 2u);
    EXPECT_EQ(w.jet_batches(), 2u);
    w.finish();
  }
  const auto wedges = read_exported_wedges(path);
  ASSERT_EQ(wedges.size(), 2u);
  EXPECT_EQ(wedges[0].adc, a.adc);
  EXPECT_EQ(wedges[1].adc, b.adc);
  EXPECT_EQ(read_exported_strings(path, "wedge_records/source"), (std::vector<std::string>{"felix-0", "felix-1"}));
  EXPECT_EQ(read_exported_u64(path, "wedge_records/sequence"), (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(read_exported_strings(path, "wedge_records/model"), (std::vector<std::string>{"", "bcae-v1"}));
  size_t rows = 0, cols = 0;
  const std::string group = "jets/" + jet_schema(kJetSchemaTla4).name;
  const auto values = read_exported_floats(path, group + "/values", &rows, &cols);
  EXPECT_EQ(rows, 8u);
  EXPECT_EQ(cols, 4u);
  std::vector<float> expected = j1.values;
  expected.insert(expected.end(), j2.values.begin(), j2.values.end());
  EXPECT_EQ(values, expected);
  EXPECT_EQ(read_exported_u64(path, group + "/records/first_row"), (std::vector<uint64_t>{0, 3}));
  EXPECT_EQ(read_exported_u64(path, group + "/records/rows"), (std::vector<uint64_t>{3, 5}));
  fs::remove_all(d);
}

TEST(Hdf5Export, CompressionShrinksSparseWedges) {
  const fs::path d = temp_dir("gzip");
  for (int level : {0, 4}) {
    Hdf5ExportOptions o;
    o.gzip_level = level;
    Hdf5ExportWriter w((d / ("g" + std::to_string(level) + ".h5")).string(), o);
    for (uint32_t i = 0; i < 3; ++i) w.add_wedge({"s", i, "lossless", "", "", "", ""}, as_reconstruction(random_wedge(i)));
  }
  const auto raw = fs::file_size(d / "g0.h5"), gz = fs::file_size(d / "g4.h5");
  EXPECT_GE(raw, 3 * kOuterWedgeShape.voxels() * 2);  // uncompressed: at least the dense bytes
  EXPECT_LT(gz, raw / 2) << "gzip+shuffle should at least halve ~10%-occupied wedges";
  EXPECT_EQ(read_exported_wedges((d / "g4.h5").string())[2].adc, random_wedge(2).adc);
  fs::remove_all(d);
}

TEST(Hdf5Export, SegmentsOfLosslessRecordsExportBitExactly) {
  const fs::path d = temp_dir("segments");
  SegmentWriterConfig cfg;
  cfg.dir = (d / "seg").string();
  cfg.fsync = FsyncPolicy::kNever;
  std::vector<DenseWedge> sent;
  {
    SegmentWriter writer(cfg);
    auto codec = make_wedge_codec("lossless", {});
    auto jet_codec = make_jet_codec("jet-lossless", {});
    for (uint32_t i = 0; i < 3; ++i) {
      sent.push_back(random_wedge(10 + i));
      const SparseWedge s = to_sparse(sent.back());
      writer.append(make_record_message(codec->encode({&s}).at(0), "felix-0", i));
    }
    writer.append(make_record_message(jet_codec->encode(random_jets(6, 5)), "felix-0-jets", 0));
    writer.close();
  }
  const std::string out = (d / "export.h5").string();
  const ExportSummary s = export_segments_to_hdf5(list_segments(cfg.dir), {"deploy/models"}, out);
  EXPECT_EQ(s.wedges, 3u);
  EXPECT_EQ(s.jet_batches, 1u);
  EXPECT_EQ(s.jet_rows, 6u);
  EXPECT_EQ(s.failed, 0u);
  const auto wedges = read_exported_wedges(out);
  ASSERT_EQ(wedges.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(wedges[i].adc, sent[i].adc) << "wedge " << i;
  EXPECT_EQ(read_exported_strings(out, "wedge_records/codec"), std::vector<std::string>(3, "lossless"));
  size_t rows = 0, cols = 0;
  EXPECT_EQ(read_exported_floats(out, "jets/" + jet_schema(kJetSchemaTla4).name + "/values", &rows, &cols),
            random_jets(6, 5).values);
  fs::remove_all(d);
}

}  // namespace
}  // namespace daqz
