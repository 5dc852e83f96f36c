// Invertible per-variable normalisation of jet features, as in the ATLAS jet-autoencoder studies:
// log10 for wide, peaked, one-signed variables (pt, m, cluster moments, NegativeE, LArQF, ...),
// fixed scale factors for angles (eta / 3, phi / pi) and fractions (kept in [0, 1]), and
// standardisation ((y - mean) / std) of log forms, counts and timing.
//
//   JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla27, sample);   // or defaults(id)
//   norm.forward(raw.data(), normed.data(), n_rows);      // raw physics units -> network units
//   norm.inverse(normed.data(), back.data(), n_rows);     // and back (clamped to physical ranges)
//   nlohmann::json j = norm.to_json();                    // stored in model.json "normalisation"
//   JetNormalisation again = JetNormalisation::from_json(j);   // throws std::invalid_argument
//
// Per variable, with t = sign * x + offset:
//   log10:  y = (log10(t) - shift) / scale       inverse  x = sign * (10^(y * scale + shift) - offset)
//   linear: y = (t - shift) / scale              inverse  x = sign * (y * scale + shift - offset)
// computed in double. The inverse clamps x to [lo, hi] (physical range: fractions to [0, 1],
// NegativeE <= 0, ...), which leaves every in-range value's round trip intact (exact to float
// precision, tested). For log10, t <= 0 (outside the domain) is mapped to log10(t_floor).
// Immutable after construction; const methods are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace daqz {

struct JetVarTransform {
  enum class Kind { kLinear, kLog10 };
  std::string name;
  Kind kind = Kind::kLinear;
  double sign = 1, offset = 0, shift = 0, scale = 1;
  double t_floor = 1e-30;  // log10 domain floor
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  double forward(double x) const;
  double inverse(double y) const;
};

class JetNormalisation {
 public:
  JetNormalisation() = default;
  // Fixed parameters for every variable of `schema_id` (plain log10 forms, no standardisation).
  static JetNormalisation defaults(uint32_t schema_id);
  // defaults() with shift/scale of the standardised variables fitted (mean/std) on `sample`, which
  // must be in `schema_id`. With `standardise_angles`, eta and phi are standardised too instead of
  // the fixed eta / 3 and phi / pi (equal weight in an MSE loss). Throws std::invalid_argument for
  // a mismatched or empty sample.
  static JetNormalisation fit(uint32_t schema_id, const JetBatch& sample, bool standardise_angles = false);
  static JetNormalisation from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;

  uint32_t schema_id() const { return schema_id_; }
  size_t width() const { return vars_.size(); }
  const std::vector<JetVarTransform>& variables() const { return vars_; }

  // n_rows x width() floats, row-major; in-place allowed (in == out).
  void forward(const float* in, float* out, size_t n_rows) const;
  void inverse(const float* in, float* out, size_t n_rows) const;

 private:
  uint32_t schema_id_ = 0;
  std::vector<JetVarTransform> vars_;
};

}  // namespace daqz
