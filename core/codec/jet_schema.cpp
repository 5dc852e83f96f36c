#include "codec/jet_schema.h"

#include <algorithm>
#include <stdexcept>

namespace daqz {

const std::vector<JetVariable>& tla27_variables() {
  using K = JetVarKind;
  // Order of the ATLAS TLA 27D set as used in the jet-autoencoder studies.
  static const std::vector<JetVariable> vars = {
      {"pt", "GeV", K::kMomentum},
      {"eta", "1", K::kEta},
      {"phi", "rad", K::kAngle},
      {"m", "GeV", K::kMomentum},
      {"ActiveArea", "1", K::kPositive},
      {"ActiveArea4vec_eta", "1", K::kEta},
      {"ActiveArea4vec_m", "1", K::kPositive},
      {"ActiveArea4vec_phi", "rad", K::kAngle},
      {"ActiveArea4vec_pt", "1", K::kPositive},
      {"AverageLArQF", "1", K::kPositive},
      {"NegativeE", "GeV", K::kNegative},
      {"HECQuality", "1", K::kFraction},
      {"LArQuality", "1", K::kFraction},
      {"Width", "1", K::kPositive},
      {"WidthPhi", "1", K::kPositive},
      {"CentroidR", "mm", K::kPositive},
      {"DetectorEta", "1", K::kEta},
      {"LeadingClusterCenterLambda", "mm", K::kPositive},
      {"LeadingClusterPt", "GeV", K::kMomentum},
      {"LeadingClusterSecondLambda", "mm^2", K::kPositive},
      {"LeadingClusterSecondR", "mm^2", K::kPositive},
      {"N90Constituents", "count", K::kCount},
      {"EMFrac", "1", K::kFraction},
      {"HECFrac", "1", K::kFraction},
      {"Timing", "ns", K::kCentered},
      {"OotFracClusters10", "1", K::kFraction},
      {"OotFracClusters5", "1", K::kFraction},
  };
  return vars;
}

namespace {

int tla27_index(const std::string& name) {
  const auto& v = tla27_variables();
  for (size_t i = 0; i < v.size(); ++i)
    if (name == v[i].name) return int(i);
  throw std::logic_error("jet schema: no TLA variable named '" + name + "'");
}

JetSchema make_schema(uint32_t id, std::string name, const std::vector<std::string>& vars) {
  JetSchema s;
  s.id = id;
  s.name = std::move(name);
  for (const auto& v : vars) s.columns.push_back(tla27_index(v));
  return s;
}

const std::vector<JetSchema>& schemas() {
  static const std::vector<JetSchema> all = [] {
    std::vector<JetSchema> out;
    JetSchema full;
    full.id = kJetSchemaTla27;
    full.name = "atlas-tla-27d";
    for (size_t i = 0; i < tla27_variables().size(); ++i) full.columns.push_back(int(i));
    out.push_back(full);
    out.push_back(make_schema(kJetSchemaTla4, "atlas-tla-4d", {"pt", "eta", "phi", "m"}));
    // 15D: the 4-vector, the jet area, energy fractions, the widths, constituent count, timing
    // and the leading cluster pt: the variables most used downstream (calibration, cleaning).
    out.push_back(make_schema(kJetSchemaTla15, "atlas-tla-15d",
                              {"pt", "eta", "phi", "m", "ActiveArea", "ActiveArea4vec_pt", "NegativeE",
                               "Width", "WidthPhi", "DetectorEta", "LeadingClusterPt", "N90Constituents",
                               "EMFrac", "HECFrac", "Timing"}));
    return out;
  }();
  return all;
}

std::string known_list() {
  std::string s;
  for (const auto& sc : schemas()) s += (s.empty() ? "" : ", ") + std::to_string(sc.id) + " (" + sc.name + ")";
  return s;
}

}  // namespace

std::vector<std::string> JetSchema::names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < size(); ++i) out.emplace_back(variable(i).name);
  return out;
}

int JetSchema::index_of(const std::string& variable_name) const {
  for (size_t i = 0; i < size(); ++i)
    if (variable_name == variable(i).name) return int(i);
  return -1;
}

const JetSchema& jet_schema(uint32_t id) {
  for (const auto& s : schemas())
    if (s.id == id) return s;
  throw std::invalid_argument("unknown jet schema id " + std::to_string(id) + "; known: " + known_list());
}

const JetSchema& jet_schema_by_name(const std::string& name) {
  for (const auto& s : schemas())
    if (s.name == name || s.name == "atlas-tla-" + name) return s;
  throw std::invalid_argument("unknown jet schema '" + name + "'; known: " + known_list());
}

std::vector<uint32_t> known_jet_schemas() {
  std::vector<uint32_t> ids;
  for (const auto& s : schemas()) ids.push_back(s.id);
  return ids;
}

void validate_jet_batch(const JetBatch& b) {
  if (size_t(b.n) * b.f != b.values.size())
    throw std::invalid_argument("jet batch: n=" + std::to_string(b.n) + " x f=" + std::to_string(b.f) +
                                " does not match " + std::to_string(b.values.size()) + " values");
  if (b.schema_id == kJetSchemaUnknown) return;
  const JetSchema& s = jet_schema(b.schema_id);
  if (b.f != s.size())
    throw std::invalid_argument("jet batch: schema " + s.name + " has " + std::to_string(s.size()) +
                                " variables, the batch has f=" + std::to_string(b.f));
}

JetBatch project_jets(const JetBatch& batch, uint32_t target_schema_id) {
  validate_jet_batch(batch);
  const JetSchema& src = jet_schema(batch.schema_id);
  const JetSchema& dst = jet_schema(target_schema_id);
  std::vector<size_t> pick;
  for (int col : dst.columns) {
    auto it = std::find(src.columns.begin(), src.columns.end(), col);
    if (it == src.columns.end())
      throw std::invalid_argument(std::string("jet batch: cannot project ") + src.name + " to " + dst.name +
                                  ": variable '" + tla27_variables()[col].name + "' is missing");
    pick.push_back(size_t(it - src.columns.begin()));
  }
  JetBatch out;
  out.schema_id = dst.id;
  out.n = batch.n;
  out.f = uint32_t(dst.size());
  out.values.resize(size_t(out.n) * out.f);
  for (size_t r = 0; r < batch.n; ++r)
    for (size_t c = 0; c < pick.size(); ++c) out.values[r * out.f + c] = batch.values[r * batch.f + pick[c]];
  return out;
}

}  // namespace daqz
