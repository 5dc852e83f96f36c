#include "codec/jet_normalisation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "codec/jet_schema.h"

namespace daqz {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Default transform of one variable; `standardise` says whether fit() replaces shift/scale.
JetVarTransform default_for(const JetVariable& v, bool* standardise) {
  using K = JetVarKind;
  JetVarTransform t;
  t.name = v.name;
  *standardise = false;
  const std::string name = v.name;
  switch (v.kind) {
    case K::kMomentum:  // pt, m, LeadingClusterPt: log10(GeV), standardised
      t.kind = JetVarTransform::Kind::kLog10;
      t.lo = 0;
      *standardise = true;
      break;
    case K::kPositive:  // areas, widths, cluster moments, CentroidR, AverageLArQF
      t.kind = JetVarTransform::Kind::kLog10;
      t.lo = 0;
      // Variables that are legitimately 0 get an offset of about their smallest meaningful value.
      if (name == "AverageLArQF") t.offset = 1;  // integer-like quality units 0..65535
      if (name == "Width" || name == "WidthPhi") t.offset = 1e-4;
      if (name == "AverageLArQF") t.hi = 65535;
      *standardise = true;
      break;
    case K::kNegative:  // NegativeE <= 0: log10(-x + 0.01 GeV)
      t.kind = JetVarTransform::Kind::kLog10;
      t.sign = -1;
      t.offset = 0.01;
      t.hi = 0;
      *standardise = true;
      break;
    case K::kEta:  // fixed scale: |eta| < 4.9 -> |y| < 1.6
      t.scale = 3;
      t.lo = -4.9;
      t.hi = 4.9;
      break;
    case K::kAngle:  // fixed scale: phi in [-pi, pi) -> [-1, 1)
      t.scale = kPi;
      t.lo = -kPi;
      t.hi = kPi;
      break;
    case K::kFraction:  // kept as they are, clamped to [0, 1] on the way back
      t.lo = 0;
      t.hi = 1;
      break;
    case K::kCount:  // N90Constituents: standardised
      t.lo = 0;
      *standardise = true;
      break;
    case K::kCentered:  // Timing (ns): standardised
      *standardise = true;
      break;
  }
  return t;
}

const char* kind_name(JetVarTransform::Kind k) { return k == JetVarTransform::Kind::kLog10 ? "log10" : "linear"; }

nlohmann::json bound(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
double bound_from(const nlohmann::json& j, const char* key, double dflt) {
  if (!j.contains(key) || j.at(key).is_null()) return dflt;
  return j.at(key).get<double>();
}

}  // namespace

double JetVarTransform::forward(double x) const {
  const double t = sign * x + offset;
  if (kind == Kind::kLog10) return (std::log10(std::max(t, t_floor)) - shift) / scale;
  return (t - shift) / scale;
}

double JetVarTransform::inverse(double y) const {
  const double u = y * scale + shift;
  const double t = kind == Kind::kLog10 ? std::pow(10.0, u) : u;
  const double x = sign * (t - offset);
  return std::clamp(x, lo, hi);
}

JetNormalisation JetNormalisation::defaults(uint32_t schema_id) {
  const JetSchema& s = jet_schema(schema_id);
  JetNormalisation n;
  n.schema_id_ = schema_id;
  for (size_t i = 0; i < s.size(); ++i) {
    bool standardise = false;
    n.vars_.push_back(default_for(s.variable(i), &standardise));
  }
  return n;
}

JetNormalisation JetNormalisation::fit(uint32_t schema_id, const JetBatch& sample, bool standardise_angles) {
  JetNormalisation n = defaults(schema_id);
  validate_jet_batch(sample);
  if (sample.schema_id != schema_id)
    throw std::invalid_argument("jet normalisation: sample has schema " + std::to_string(sample.schema_id) +
                                ", expected " + std::to_string(schema_id));
  if (sample.n < 2) throw std::invalid_argument("jet normalisation: need at least 2 jets to fit");
  const JetSchema& s = jet_schema(schema_id);
  for (size_t c = 0; c < n.vars_.size(); ++c) {
    bool standardise = false;
    default_for(s.variable(c), &standardise);
    const JetVarKind kind = s.variable(c).kind;
    if (standardise_angles && (kind == JetVarKind::kEta || kind == JetVarKind::kAngle)) {
      n.vars_[c].scale = 1;  // fitted below from the raw values
      standardise = true;
    }
    if (!standardise) continue;
    JetVarTransform& t = n.vars_[c];
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < sample.n; ++r) {
      const double y = t.forward(sample.values[r * sample.f + c]);  // shift 0, scale 1
      sum += y;
      sum2 += y * y;
    }
    const double mean = sum / sample.n;
    const double var = std::max(0.0, sum2 / sample.n - mean * mean);
    t.shift = mean;
    t.scale = var > 1e-12 ? std::sqrt(var) : 1.0;
  }
  return n;
}

nlohmann::json JetNormalisation::to_json() const {
  nlohmann::json vars = nlohmann::json::array();
  for (const auto& t : vars_)
    vars.push_back({{"name", t.name}, {"transform", kind_name(t.kind)}, {"sign", t.sign}, {"offset", t.offset},
                    {"shift", t.shift}, {"scale", t.scale}, {"t_floor", t.t_floor}, {"lo", bound(t.lo)},
                    {"hi", bound(t.hi)}});
  return {{"schema", jet_schema(schema_id_).name},
          {"schema_id", schema_id_},
          {"formula", "log10: y=(log10(sign*x+offset)-shift)/scale; linear: y=(sign*x+offset-shift)/scale"},
          {"variables", vars}};
}

JetNormalisation JetNormalisation::from_json(const nlohmann::json& j) {
  try {
    JetNormalisation n;
    n.schema_id_ = j.at("schema_id").get<uint32_t>();
    const JetSchema& s = jet_schema(n.schema_id_);
    const auto& vars = j.at("variables");
    if (vars.size() != s.size())
      throw std::invalid_argument("normalisation lists " + std::to_string(vars.size()) + " variables, schema " +
                                  s.name + " has " + std::to_string(s.size()));
    for (size_t i = 0; i < vars.size(); ++i) {
      const auto& v = vars[i];
      JetVarTransform t;
      t.name = v.at("name").get<std::string>();
      if (t.name != s.variable(i).name)
        throw std::invalid_argument("normalisation variable " + std::to_string(i) + " is '" + t.name +
                                    "', schema " + s.name + " says '" + s.variable(i).name + "'");
      const std::string kind = v.at("transform").get<std::string>();
      if (kind == "log10") t.kind = JetVarTransform::Kind::kLog10;
      else if (kind == "linear") t.kind = JetVarTransform::Kind::kLinear;
      else throw std::invalid_argument("normalisation of '" + t.name + "': unknown transform '" + kind + "'");
      t.sign = v.value("sign", 1.0);
      t.offset = v.value("offset", 0.0);
      t.shift = v.value("shift", 0.0);
      t.scale = v.value("scale", 1.0);
      t.t_floor = v.value("t_floor", 1e-30);
      t.lo = bound_from(v, "lo", -kInf);
      t.hi = bound_from(v, "hi", kInf);
      if (!(t.scale != 0 && std::isfinite(t.scale)))
        throw std::invalid_argument("normalisation of '" + t.name + "': scale must be finite and non-zero");
      n.vars_.push_back(t);
    }
    return n;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("jet normalisation JSON is malformed: ") + e.what());
  }
}

void JetNormalisation::forward(const float* in, float* out, size_t n_rows) const {
  const size_t f = vars_.size();
  for (size_t r = 0; r < n_rows; ++r)
    for (size_t c = 0; c < f; ++c) out[r * f + c] = float(vars_[c].forward(in[r * f + c]));
}

void JetNormalisation::inverse(const float* in, float* out, size_t n_rows) const {
  const size_t f = vars_.size();
  for (size_t r = 0; r < n_rows; ++r)
    for (size_t c = 0; c < f; ++c) out[r * f + c] = float(vars_[c].inverse(in[r * f + c]));
}

}  // namespace daqz
