#include "codec_torch/jet_ae_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "codec/jet_float_trunc.h"
#include "sim/jet_generator.h"
#include "codec/jet_normalisation.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "support/untrained_jet_model.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

// An untrained 27D model directory (speed and format do not depend on training).
std::string make_model_dir(const std::string& name, int z, uint64_t seed) {
  return testing::write_untrained_jet_model((fs::path(::testing::TempDir()) / name).string(), name, "0", z, seed);
}

TEST(JetAeCodec, Fp16LatentRecordsRoundTripThroughTheModel) {
  const std::string dir = make_model_dir("jet_ae_codec_a", 10, 1);
  CodecOptions o;
  o.model_dir = dir;
  auto codec = make_jet_codec("jet-ae", o);
  const JetBatch jets = generate_jets(3, 700);
  const EncodedRecord rec = codec->encode(jets);
  EXPECT_EQ(rec.codec_id, "jet-ae");
  EXPECT_EQ(rec.model_name, "jet_ae_codec_a");
  EXPECT_EQ(rec.weights_sha256.size(), 129u);
  EXPECT_EQ(rec.latent_shape, (std::vector<uint32_t>{700, 10}));
  EXPECT_EQ(rec.bytes.size(), 700u * 10 * 2);  // fp16
  EXPECT_EQ(rec.original_bytes, 700u * 27 * 4);
  const JetBatch back = codec->decode(rec);
  ASSERT_EQ(back.n, 700u);
  ASSERT_EQ(back.f, 27u);
  EXPECT_EQ(back.schema_id, kJetSchemaTla27);
  // Decoding is deterministic and respects the physical ranges of the inverse normalisation.
  EXPECT_EQ(codec->decode(rec).values, back.values);
  const int em = jet_schema(kJetSchemaTla27).index_of("EMFrac");
  for (size_t r = 0; r < back.n; ++r) {
    ASSERT_GE(back.values[r * 27 + em], 0.0f);
    ASSERT_LE(back.values[r * 27 + em], 1.0f);
  }
  // Another model refuses the record.
  CodecOptions other;
  other.model_dir = make_model_dir("jet_ae_codec_b", 10, 2);
  EXPECT_THROW(make_jet_codec("jet-ae", other)->decode(rec), CodecError);
  // Wrong schema refused.
  EXPECT_THROW(codec->encode(project_jets(jets, kJetSchemaTla4)), CodecError);
}

TEST(JetAeCodec, TruncatedLatentAndChainMatchTheirDefinitions) {
  const std::string dir = make_model_dir("jet_ae_codec_c", 12, 4);
  const JetBatch jets = generate_jets(5, 300);
  CodecOptions o;
  o.model_dir = dir;
  o.params = {{"latent", "trunc"}, {"latent_bits", "7"}};
  auto trunc = make_jet_codec("jet-ae", o);
  const EncodedRecord rt = trunc->encode(jets);
  EXPECT_EQ(rt.params.at("latent"), "trunc");
  EXPECT_NEAR(double(rt.bytes.size()), 300.0 * 12 * 16 / 8, 32);  // 1 + 8 + 7 bits per latent + header
  // The truncated latents are exactly the ATLAS-truncated fp32 latents of the model.
  o.params.clear();
  auto plain = make_jet_codec("jet-ae", o);
  size_t rows = 0, cols = 0;
  const auto lat = unpack_truncated(rt.bytes.data(), rt.bytes.size(), &rows, &cols, nullptr);
  const EncodedRecord rp = plain->encode(jets);
  for (size_t i = 0; i < lat.size(); ++i) {
    const float fp16 = float(c10::Half(uint16_t(rp.bytes[2 * i] | rp.bytes[2 * i + 1] << 8), c10::Half::from_bits()));
    ASSERT_NEAR(lat[i], fp16, std::fabs(fp16) * 0.01 + 1e-3);
  }
  EXPECT_EQ(trunc->decode(rt).n, 300u);

  // Chain: float truncation of the input, then the AE == AE on pre-truncated input.
  o.params = {{"bits", "7"}};
  auto chain = make_jet_codec("float-trunc+jet-ae", o);
  const EncodedRecord rc = chain->encode(jets);
  EXPECT_EQ(rc.codec_id, "float-trunc+jet-ae");
  JetBatch pre = jets;
  const auto bits = float_trunc_bits(kJetSchemaTla27, 27, {{"bits", "7"}});
  for (size_t i = 0; i < pre.values.size(); ++i) pre.values[i] = truncate_float(pre.values[i], bits[i % 27]);
  EXPECT_EQ(plain->encode(pre).bytes, rc.bytes);
  EXPECT_NE(rp.bytes, rc.bytes);
  EXPECT_EQ(chain->decode(rc).n, 300u);
  o.params = {{"latent", "int8"}};
  EXPECT_THROW(make_jet_codec("jet-ae", o), CodecError);
  EXPECT_THROW(make_jet_codec("jet-ae", CodecOptions{}), CodecError);
}

}  // namespace
}  // namespace daqz
