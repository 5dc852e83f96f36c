// The bcae codec's quantised latents (bits=K): records name K and their tables, decode to the grid
// values, fp16 records (with and without the `bits` parameter, i.e. written before entropy coding)
// still decode, the smallest-record mode picks lossless for an almost empty wedge, and every mismatch
// is a CodecError. A random bcae-2d model (fast) with tables fitted here stands in for a shipped one.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "codec_torch/bcae_codec.h"
#include "codec/latent_coder.h"
#include "codec/latent_store.h"
#include "codec_classic/smallest_codec.h"
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model_dir.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

DenseWedge sample_wedge(uint32_t seed, uint32_t occupancy_per_256 = 25) {
  DenseWedge w(kOuterWedgeShape);
  uint32_t s = seed;
  for (auto& v : w.adc) {
    s = s * 1664525u + 1013904223u;
    v = (s >> 24) < occupancy_per_256 ? uint16_t(65 + ((s >> 8) % 400)) : 0;
  }
  return w;
}

std::vector<float> fp16_latent(const EncodedRecord& r) {
  auto t = torch::from_blob(const_cast<uint8_t*>(r.bytes.data()), {int64_t(r.bytes.size() / 2)}, torch::kHalf)
               .to(torch::kFloat)
               .contiguous();
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

nlohmann::json read_card(const std::string& dir) {
  std::ifstream in(dir + "/model.json");
  return nlohmann::json::parse(in);
}

void write_card(const std::string& dir, const nlohmann::json& card) { std::ofstream(dir + "/model.json") << card.dump(2); }

// A random bcae-2d model with 4-, 6- and 8-bit tables fitted on the fp16 latents of three wedges;
// default operating point 6. Built once per process: ctest runs each case in its own process, in
// parallel, so the directory is named by the process id (a shared one would be removed under a
// neighbour's feet).
class BcaeBits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = (fs::temp_directory_path() / ("daqz_bcae_bits_test_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    torch::manual_seed(21);
    auto model = make_bcae_model("bcae-2d");
    init_bcae_weights(model->encoder());
    init_bcae_weights(model->decoder());
    write_bcae_model_dir(*model, dir_, {{"name", "bcae-2d-bits-test"}, {"version", "0"}, {"threshold", 0.5}});
    CodecOptions o = options("fp16");
    auto codec = make_wedge_codec("bcae", o);
    std::vector<SparseWedge> wedges;
    for (uint32_t s = 1; s <= 3; ++s) wedges.push_back(to_sparse(sample_wedge(s)));
    std::vector<std::vector<float>> latents, samples(8);
    for (const auto& w : wedges) {
      latents.push_back(fp16_latent(codec->encode({&w}).at(0)));
      const size_t per = latents.back().size() / 8;
      for (size_t c = 0; c < 8; ++c)
        samples[c].insert(samples[c].end(), latents.back().begin() + long(c * per), latents.back().begin() + long((c + 1) * per));
    }
    LatentTableFitter fit(fit_latent_grid(samples, 1e-3), {4, 6, 8});
    for (const auto& l : latents) fit.add(l.data(), 8, l.size() / 8);
    const std::string sha = fit.tables().save(dir_ + "/" + kLatentTablesFile);
    nlohmann::json card = read_card(dir_);
    card["entropy_coding"] = {{"tables", kLatentTablesFile}, {"tables_sha256", sha}, {"default_bits", 6}};
    write_card(dir_, card);
  }

  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static CodecOptions options(const std::string& bits) {
    CodecOptions o;
    o.model_dir = dir_;
    o.intra_op_threads = 2;
    if (!bits.empty()) o.params["bits"] = bits;
    return o;
  }

  static std::string dir_;
};
std::string BcaeBits::dir_;

TEST_F(BcaeBits, RecordsNameTheirBitsAndTablesAndDecodeToTheGrid) {
  const SparseWedge w = to_sparse(sample_wedge(7));
  auto fp16 = make_wedge_codec("bcae", options("fp16"));
  const EncodedRecord ref = fp16->encode({&w}).at(0);
  const std::vector<float> latent = fp16_latent(ref);
  EXPECT_EQ(ref.params.at("bits"), "fp16");

  LatentTables tables = LatentTables::load(dir_ + "/" + kLatentTablesFile);
  size_t previous_bytes = ref.bytes.size();
  for (const std::string bits : {"8", "6", "4"}) {
    auto codec = make_wedge_codec("bcae", options(bits));
    const EncodedRecord r = codec->encode({&w}).at(0);
    EXPECT_EQ(r.params.at("bits"), bits);
    EXPECT_EQ(r.params.at("latent_tables_sha256"), tables.sha256());
    EXPECT_LT(r.bytes.size(), previous_bytes) << "fewer bits must store fewer bytes (bits " << bits << ")";
    previous_bytes = r.bytes.size();
    // The payload decodes to grid levels within half a step of the (fp16-rounded) latent.
    const auto back = decode_latent(r.bytes.data(), r.bytes.size(), tables, 8, latent.size() / 8);
    const uint32_t k = uint32_t(std::stoi(bits));
    for (size_t i = 0; i < latent.size(); i += 7) {
      const float step = tables.grid().step(i / (latent.size() / 8), k);
      ASSERT_LE(std::fabs(back[i] - latent[i]), 0.5f * step + 2e-3f * (1 + std::fabs(latent[i]))) << i;
    }
    const Reconstruction rec = codec->decode(r);
    EXPECT_EQ(rec.adc.size(), kOuterWedgeShape.voxels());
  }
}

TEST_F(BcaeBits, DefaultBitsComeFromTheCard) {
  const SparseWedge w = to_sparse(sample_wedge(8));
  auto codec = make_wedge_codec("bcae", options(""));
  const EncodedRecord r = codec->encode({&w}).at(0);
  EXPECT_EQ(r.params.at("bits"), "6");
  EXPECT_LT(r.bytes.size(), 8u * 48 * 64 * 2 / 2);
}

TEST_F(BcaeBits, Fp16RecordsWrittenBeforeEntropyCodingStillDecode) {
  const SparseWedge w = to_sparse(sample_wedge(9));
  auto fp16 = make_wedge_codec("bcae", options("fp16"));
  const EncodedRecord current = fp16->encode({&w}).at(0);
  // A record as the codec wrote it before `bits` existed: params threshold and precision only.
  EncodedRecord old = current;
  old.params.erase("bits");
  ASSERT_EQ(old.params.size(), 2u);
  ASSERT_TRUE(old.params.count("threshold") && old.params.count("precision"));
  const Reconstruction expected = fp16->decode(current);
  // Decoded by a codec configured for another operating point (as `daqz decode` builds them).
  auto default_codec = make_wedge_codec("bcae", options(""));
  EXPECT_EQ(default_codec->decode(old).adc, expected.adc);
  auto k4 = make_wedge_codec("bcae", options("4"));
  EXPECT_EQ(k4->decode(old).adc, expected.adc);
}

TEST_F(BcaeBits, MismatchesAreCodecErrors) {
  EXPECT_THROW(make_wedge_codec("bcae", options("11")), CodecError);
  EXPECT_THROW(make_wedge_codec("bcae", options("six")), CodecError);
  EXPECT_THROW(make_wedge_codec("bcae", options("5")), CodecError);  // no 5-bit tables
  const SparseWedge w = to_sparse(sample_wedge(10));
  auto codec = make_wedge_codec("bcae", options("6"));
  const EncodedRecord good = codec->encode({&w}).at(0);
  EncodedRecord other_tables = good;
  other_tables.params["latent_tables_sha256"] = std::string(64, 'a');
  EXPECT_THROW(codec->decode(other_tables), CodecError);
  EncodedRecord truncated = good;
  truncated.bytes.resize(good.bytes.size() / 2);
  EXPECT_THROW(codec->decode(truncated), CodecError);
  EncodedRecord mislabelled = good;
  mislabelled.params["bits"] = "8";
  EXPECT_THROW(codec->decode(mislabelled), CodecError);

  // Tables that do not match the SHA-256 in the card are refused at construction.
  const std::string copy = dir_ + "_tampered";
  fs::remove_all(copy);
  fs::copy(dir_, copy);
  nlohmann::json card = read_card(copy);
  card["entropy_coding"]["tables_sha256"] = std::string(64, 'b');
  write_card(copy, card);
  CodecOptions o = options("6");
  o.model_dir = copy;
  EXPECT_THROW(make_wedge_codec("bcae", o), CodecError);
  // A model without tables cannot take bits=K, but fp16 works.
  card.erase("entropy_coding");
  write_card(copy, card);
  EXPECT_THROW(make_wedge_codec("bcae", o), CodecError);
  o.params.erase("bits");
  EXPECT_EQ(make_wedge_codec("bcae", o)->encode({&w}).at(0).params.at("bits"), "fp16");
}

TEST_F(BcaeBits, SmallestModeKeepsTheSmallerRecord) {
  CodecOptions o = options("6");
  o.params["inner"] = "bcae";
  auto codec = make_wedge_codec("smallest", o);
  DenseWedge sparse_dense = sample_wedge(11, 0);  // empty but for a few voxels: lossless is tiny
  sparse_dense.adc[1000] = 300;
  sparse_dense.adc[5000] = 90;
  const SparseWedge nearly_empty = to_sparse(sparse_dense);
  const SparseWedge busy = to_sparse(sample_wedge(12, 40));  // ~16 % random voxels: lossless is large
  const auto recs = codec->encode({&nearly_empty, &busy});
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].codec_id, "lossless");
  EXPECT_EQ(recs[1].codec_id, "bcae");
  for (const auto& r : recs) {
    EXPECT_TRUE(selected_by_smallest(r));
    EXPECT_GT(std::stoul(r.params.at("alternative_bytes")), r.bytes.size());
  }
  EXPECT_EQ(recs[1].params.at("bits"), "6");
  // Stored records decode with the codec they name, without the wrapper.
  EXPECT_EQ(make_wedge_codec("lossless", {})->decode(recs[0]).rounded().adc, sparse_dense.adc);
  EXPECT_EQ(codec->decode(recs[0]).rounded().adc, sparse_dense.adc);
  EXPECT_EQ(make_wedge_codec("bcae", options("6"))->decode(recs[1]).adc, codec->decode(recs[1]).adc);
  CodecOptions bad = options("");
  bad.params["inner"] = "lossless";
  EXPECT_THROW(make_wedge_codec("smallest", bad), CodecError);
}

}  // namespace
}  // namespace daqz
