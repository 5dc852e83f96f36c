// The ZFP baseline codec (libzfp): a wedge as a dense 3-D float field, compressed in fixed-accuracy
// or fixed-rate mode, with the BCAE paper's post-threshold applied after decompression.
//
//   CodecOptions o;
//   o.params = {{"mode", "rate"}, {"rate", "0.5"}, {"post_threshold", "48"}};
//   auto zfp = make_wedge_codec("zfp", o);   // or ZfpCodec(ZfpSettings::from_params(o.params))
//   auto recs = zfp->encode({&sparse});      // recs[0].bytes: a ZFP stream with a full header
//   Reconstruction r = zfp->decode(recs[0]); // float ADC; values < post_threshold set to 0
//
// Parameters (CodecOptions::params and EncodedRecord::params):
//   mode            "accuracy" (absolute error tolerance) or "rate" (bits per voxel)
//   tolerance       accuracy mode: max absolute error, in the units of `domain` (default 32)
//   rate            rate mode: compressed bits per voxel (default 0.5, ratio_dense = 16 / rate)
//   post_threshold  after decompression, values below it (ADC units) become 0; 0 = off (default)
//   domain          "adc" (default, as in the BCAE paper's baseline: raw ADC values) or
//                   "log" (compresses log2(ADC + 1), decodes 2^clamp(y, 0, 10) - 1)
// The decoder takes everything it needs from the record (params + the ZFP header), not from the
// instance, so any ZfpCodec decodes any ZFP record.
//
// Thread-safety: instances hold no mutable state after construction; still, follow the codec rule
// of one instance per worker. Throws CodecError for bad parameters and malformed records (a corrupt
// stream never reads past its buffer).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kZfpCodecId[] = "zfp";

struct ZfpSettings {
  enum class Mode { kAccuracy, kRate };
  enum class Domain { kAdc, kLog };
  static constexpr double kDefaultTolerance = 32.0;
  static constexpr double kDefaultRate = 0.5;

  Mode mode = Mode::kAccuracy;
  double tolerance = kDefaultTolerance;
  double rate = kDefaultRate;
  float post_threshold = 0.0f;
  Domain domain = Domain::kAdc;

  // Parses and validates the keys above; unknown keys are an error (typos must not pass silently).
  static ZfpSettings from_params(const std::map<std::string, std::string>& params);
  std::map<std::string, std::string> to_params() const;
  std::string label() const;  // "zfp:mode=rate,rate=0.5,post_threshold=48"
};

class ZfpCodec final : public WedgeCodec {
 public:
  explicit ZfpCodec(ZfpSettings settings);
  const CodecDescriptor& descriptor() const override { return descriptor_; }
  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override;
  Reconstruction decode(const EncodedRecord& record) override;
  size_t preferred_batch() const override { return 8; }

  EncodedRecord encode_one(const SparseWedge& wedge) const;
  const ZfpSettings& settings() const { return settings_; }

 private:
  ZfpSettings settings_;
  CodecDescriptor descriptor_;
};

// Registry factory: ZfpCodec(ZfpSettings::from_params(options.params)).
std::unique_ptr<WedgeCodec> make_zfp_codec(const CodecOptions& options);

}  // namespace daqz
