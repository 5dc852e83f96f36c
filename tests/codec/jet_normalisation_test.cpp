#include "codec/jet_normalisation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/jet_generator.h"
#include "codec/jet_schema.h"

namespace daqz {
namespace {

// Round trip within float precision: y is stored as float32, so u = y * scale + shift carries an
// error of ~eps * (|y * scale| + |shift|); log10 forms turn that into a relative error ln(10) * du.
void expect_round_trip(const JetNormalisation& norm, const JetBatch& b) {
  std::vector<float> y(b.values.size()), back(b.values.size());
  norm.forward(b.values.data(), y.data(), b.n);
  norm.inverse(y.data(), back.data(), b.n);
  for (size_t r = 0; r < b.n; ++r)
    for (size_t c = 0; c < b.f; ++c) {
      const float x = b.values[r * b.f + c], xb = back[r * b.f + c];
      const auto& t = norm.variables()[c];
      constexpr double eps = 1.2e-7;  // float32 machine epsilon
      const double du = eps * (std::fabs(y[r * b.f + c] * t.scale) + std::fabs(t.shift));
      const double tol = 2 * (t.kind == JetVarTransform::Kind::kLog10 ? (std::fabs(x) + t.offset) * 2.303 * du + eps * std::fabs(x)
                                                                        : du + eps * std::fabs(x));
      ASSERT_LE(std::fabs(double(xb) - x), tol + 1e-37) << t.name << " x=" << x << " back=" << xb;
    }
}

TEST(JetNormalisation, RoundTripIsExactToFloatPrecision) {
  const JetBatch b = generate_jets(21, 20000);
  const JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla27, b);
  expect_round_trip(norm, b);
  expect_round_trip(JetNormalisation::defaults(kJetSchemaTla27), b);
  const JetBatch four = project_jets(b, kJetSchemaTla4);
  expect_round_trip(JetNormalisation::fit(kJetSchemaTla4, four), four);
}

TEST(JetNormalisation, FittedVariablesAreStandardisedAndLogFormsUsed) {
  const JetBatch b = generate_jets(22, 20000);
  const JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla27, b);
  std::vector<float> y(b.values.size());
  norm.forward(b.values.data(), y.data(), b.n);
  const JetSchema& s = jet_schema(kJetSchemaTla27);
  for (const char* name : {"pt", "m", "LeadingClusterSecondLambda", "NegativeE", "N90Constituents", "Timing"}) {
    const int c = s.index_of(name);
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < b.n; ++r) sum += y[r * 27 + c], sum2 += double(y[r * 27 + c]) * y[r * 27 + c];
    EXPECT_NEAR(sum / b.n, 0.0, 1e-3) << name;
    EXPECT_NEAR(sum2 / b.n, 1.0, 1e-2) << name;
  }
  EXPECT_EQ(norm.variables()[s.index_of("pt")].kind, JetVarTransform::Kind::kLog10);
  EXPECT_EQ(norm.variables()[s.index_of("NegativeE")].kind, JetVarTransform::Kind::kLog10);
  EXPECT_EQ(norm.variables()[s.index_of("EMFrac")].kind, JetVarTransform::Kind::kLinear);
  EXPECT_DOUBLE_EQ(norm.variables()[s.index_of("phi")].scale, 3.14159265358979323846);
  EXPECT_DOUBLE_EQ(norm.variables()[s.index_of("eta")].scale, 3.0);
}

TEST(JetNormalisation, JsonRoundTripAndInverseClampsToPhysicalRange) {
  const JetBatch b = generate_jets(23, 2000);
  const JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla27, b);
  const JetNormalisation again = JetNormalisation::from_json(nlohmann::json::parse(norm.to_json().dump()));
  ASSERT_EQ(again.width(), 27u);
  std::vector<float> y1(b.values.size()), y2(b.values.size());
  norm.forward(b.values.data(), y1.data(), b.n);
  again.forward(b.values.data(), y2.data(), b.n);
  EXPECT_EQ(y1, y2);
  // A network output beyond the physical range comes back clamped.
  const JetSchema& s = jet_schema(kJetSchemaTla27);
  std::vector<float> wild(27, 50.0f), x(27);
  wild[s.index_of("NegativeE")] = -50.0f;  // tiny |NegativeE| -> x = 0.01 - tiny > 0 before the clamp
  again.inverse(wild.data(), x.data(), 1);
  EXPECT_EQ(x[s.index_of("EMFrac")], 1.0f);
  EXPECT_EQ(x[s.index_of("NegativeE")], 0.0f);
  auto bad = norm.to_json();
  bad["variables"][0]["name"] = "eta";
  EXPECT_THROW(JetNormalisation::from_json(bad), std::invalid_argument);
  bad = norm.to_json();
  bad["variables"][3]["transform"] = "sqrt";
  EXPECT_THROW(JetNormalisation::from_json(bad), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
