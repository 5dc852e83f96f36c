// Feature schemas of ATLAS trigger-level (TLA) jet records: the 27 variables of the TLA "27D" set
// (names, units, order), its 4D view (pt, eta, phi, m) and a 15D view. A JetBatch carries its
// schema id on the wire (JetBatch::schema_id), so a reader knows what each column is.
//
//   const JetSchema& s = jet_schema(kJetSchemaTla27);      // throws std::invalid_argument if unknown
//   int col = s.index_of("EMFrac");                        // -1 if absent
//   JetBatch four = project_jets(batch27, kJetSchemaTla4);  // column selection (27D -> 4D / 15D)
//
// Units follow ATLAS xAOD conventions except energies/momenta, which are in GeV (not MeV).
// Ids are stable wire values: never renumber, only append. Everything here is immutable and
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace daqz {

// Wire values of JetBatch::schema_id. 0 means "unknown / untyped floats".
inline constexpr uint32_t kJetSchemaUnknown = 0;
inline constexpr uint32_t kJetSchemaTla27 = 1;  // the full 27D set
inline constexpr uint32_t kJetSchemaTla4 = 2;   // pt, eta, phi, m
inline constexpr uint32_t kJetSchemaTla15 = 3;  // kinematics + area + energy fractions + shapes

// What a variable is, physically; drives the default normalisation (jets/jet_normalisation.h)
// and the generator's sanity checks.
enum class JetVarKind : uint8_t {
  kMomentum,   // positive, wide, falling (GeV): log10
  kEta,        // pseudorapidity, |eta| < ~4.9
  kAngle,      // azimuth in [-pi, pi)
  kPositive,   // positive, wide, peaked (moments, areas): log10
  kNegative,   // <= 0, wide (NegativeE): log10 of the magnitude
  kFraction,   // in [0, 1]
  kCount,      // non-negative integer (N90Constituents)
  kCentered,   // roughly Gaussian around 0 (Timing)
};

struct JetVariable {
  const char* name;
  const char* unit;  // "GeV", "rad", "mm", "mm^2", "ns", "1", "count"
  JetVarKind kind;
};

// The 27 variables in wire order (index = column of a kJetSchemaTla27 batch).
const std::vector<JetVariable>& tla27_variables();

struct JetSchema {
  uint32_t id = kJetSchemaUnknown;
  std::string name;            // "atlas-tla-27d", "atlas-tla-4d", "atlas-tla-15d"
  std::vector<int> columns;    // indices into tla27_variables(), in this schema's order
  size_t size() const { return columns.size(); }
  const JetVariable& variable(size_t i) const { return tla27_variables().at(columns.at(i)); }
  std::vector<std::string> names() const;
  int index_of(const std::string& variable_name) const;  // -1 when absent
};

// Known schemas; jet_schema throws std::invalid_argument naming the id and the known ones.
const JetSchema& jet_schema(uint32_t id);
const JetSchema& jet_schema_by_name(const std::string& name);  // "atlas-tla-27d" or "27d", "4d", "15d"
std::vector<uint32_t> known_jet_schemas();

// Checks n * f == values.size() and f == the schema's width (when the schema is known).
// Throws std::invalid_argument naming what is wrong.
void validate_jet_batch(const JetBatch& batch);

// Column selection from a wider schema to a narrower one (each target column must exist in the
// source). Throws std::invalid_argument.
JetBatch project_jets(const JetBatch& batch, uint32_t target_schema_id);

}  // namespace daqz
