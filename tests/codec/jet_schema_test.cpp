#include "codec/jet_schema.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace daqz {
namespace {

TEST(JetSchema, Tla27HasTheIssueVariablesInOrder) {
  const JetSchema& s = jet_schema(kJetSchemaTla27);
  ASSERT_EQ(s.size(), 27u);
  const std::vector<std::string> expected = {
      "pt", "eta", "phi", "m", "ActiveArea", "ActiveArea4vec_eta", "ActiveArea4vec_m", "ActiveArea4vec_phi",
      "ActiveArea4vec_pt", "AverageLArQF", "NegativeE", "HECQuality", "LArQuality", "Width", "WidthPhi",
      "CentroidR", "DetectorEta", "LeadingClusterCenterLambda", "LeadingClusterPt",
      "LeadingClusterSecondLambda", "LeadingClusterSecondR", "N90Constituents", "EMFrac", "HECFrac", "Timing",
      "OotFracClusters10", "OotFracClusters5"};
  EXPECT_EQ(s.names(), expected);
  for (size_t i = 0; i < s.size(); ++i) EXPECT_STRNE(s.variable(i).unit, "") << s.variable(i).name;
}

TEST(JetSchema, ViewsAreSubsetsWithDistinctIds) {
  const JetSchema& four = jet_schema(kJetSchemaTla4);
  EXPECT_EQ(four.names(), (std::vector<std::string>{"pt", "eta", "phi", "m"}));
  const JetSchema& fifteen = jet_schema(kJetSchemaTla15);
  EXPECT_EQ(fifteen.size(), 15u);
  EXPECT_EQ(std::set<int>(fifteen.columns.begin(), fifteen.columns.end()).size(), 15u);
  EXPECT_EQ(fifteen.index_of("m"), 3);
  EXPECT_EQ(fifteen.index_of("CentroidR"), -1);
  std::set<uint32_t> ids;
  for (uint32_t id : known_jet_schemas()) ids.insert(id);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.count(kJetSchemaUnknown), 0u);
  EXPECT_EQ(jet_schema_by_name("4d").id, kJetSchemaTla4);
  EXPECT_EQ(jet_schema_by_name("atlas-tla-27d").id, kJetSchemaTla27);
  EXPECT_THROW(jet_schema(99), std::invalid_argument);
  EXPECT_THROW(jet_schema_by_name("5d"), std::invalid_argument);
}

TEST(JetSchema, ProjectSelectsColumnsAndValidates) {
  JetBatch b;
  b.schema_id = kJetSchemaTla27;
  b.n = 2;
  b.f = 27;
  for (int i = 0; i < 54; ++i) b.values.push_back(float(i));
  const JetBatch p = project_jets(b, kJetSchemaTla15);
  EXPECT_EQ(p.schema_id, kJetSchemaTla15);
  ASSERT_EQ(p.f, 15u);
  const JetSchema& s15 = jet_schema(kJetSchemaTla15);
  for (size_t r = 0; r < 2; ++r)
    for (size_t c = 0; c < 15; ++c) EXPECT_EQ(p.values[r * 15 + c], float(r * 27 + s15.columns[c]));
  const JetBatch four = project_jets(p, kJetSchemaTla4);
  EXPECT_EQ(four.values, (std::vector<float>{0, 1, 2, 3, 27, 28, 29, 30}));
  EXPECT_THROW(project_jets(four, kJetSchemaTla27), std::invalid_argument);  // columns missing
  b.values.pop_back();
  EXPECT_THROW(validate_jet_batch(b), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
