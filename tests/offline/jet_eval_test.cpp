#include "offline/jet_eval.h"

#include <gtest/gtest.h>

#include "sim/jet_data.h"
#include "sim/jet_generator.h"
#include "codec/jet_schema.h"

namespace daqz {
namespace {

TEST(JetEval, FloatTruncationFiguresFollowFromTheRule) {
  JetEvalArgs a;
  a.codec = "float-trunc:bits=7";
  a.input = "generate:4000:3";
  a.batch = 1000;
  const JetEvalResult r = evaluate_jets(a);
  EXPECT_EQ(r.jets, 4000u);
  EXPECT_EQ(r.bytes_in, 4000u * 27 * 4);
  // 4 x 32 + 23 x 16 bits per jet, plus a small header per 1000-jet record.
  EXPECT_NEAR(r.ratio, 864.0 / 496.0, 0.01);
  ASSERT_EQ(r.variables.size(), 27u);
  EXPECT_EQ(r.variables[0].name, "pt");
  EXPECT_EQ(r.variables[0].rel_w95, 0.0);  // kinematics kept at 23 bits
  const JetVarResidual& width = r.variables[13];
  EXPECT_EQ(width.name, "Width");
  // Rounding to 7 mantissa bits: |rel| <= 2^-8; uniform-ish error -> w68 ~ 0.68 * 2^-8.
  EXPECT_GT(width.rel_w68, 0.3 * std::ldexp(1.0, -8));
  EXPECT_LE(width.rel_w95, std::ldexp(1.0, -8));
  EXPECT_GT(r.mse_normalised, 0.0);
  EXPECT_LT(r.mse_normalised, 1e-4);
  const auto j = jet_eval_to_json(r);
  EXPECT_TRUE(j.at("variables").contains("N90Constituents"));
  EXPECT_TRUE(is_jet_codec_spec("float-trunc:bits=10"));
  EXPECT_FALSE(is_jet_codec_spec("zfp:rate=4"));
}

TEST(JetEval, NpyInputAndBadSpecs) {
  const std::string path = testing::TempDir() + "/jets4.npy";
  save_jets_npy(path, project_jets(generate_jets(1, 100), kJetSchemaTla4));
  JetEvalArgs a;
  a.codec = "float-trunc:bits=7,kinematic_bits=10";
  a.input = path;
  const JetEvalResult r = evaluate_jets(a);
  EXPECT_EQ(r.schema_id, kJetSchemaTla4);
  EXPECT_GT(r.variables[0].rel_w68, 0.0);  // pt truncated to 10 bits now
  a.codec = "float-trunc:bits";
  EXPECT_THROW(evaluate_jets(a), std::invalid_argument);
  a.codec = "nonsense";
  EXPECT_THROW(evaluate_jets(a), std::invalid_argument);
  a.codec = "float-trunc";
  a.input = "generate:0:1";
  EXPECT_THROW(evaluate_jets(a), std::runtime_error);
  EXPECT_EQ(run_jet_eval(a), 1);
}

}  // namespace
}  // namespace daqz
