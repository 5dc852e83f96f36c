// Lossless jet codec ("jet-lossless"): float32 jet features, byte-shuffled (all first bytes, then
// all second bytes, ...) and zstd-compressed. The ingest node's fallback for jet batches a jet
// codec cannot encode, and the baseline jet codecs are compared with. Bit-exact, NaN included.
#pragma once

#include "codec/codec.h"

namespace daqz {

inline constexpr char kLosslessJetCodecId[] = "jet-lossless";

class LosslessJetCodec final : public JetCodec {
 public:
  explicit LosslessJetCodec(int zstd_level = 3);
  const CodecDescriptor& descriptor() const override { return descriptor_; }
  EncodedRecord encode(const JetBatch& batch) override;
  JetBatch decode(const EncodedRecord& record) override;

 private:
  int zstd_level_;
  CodecDescriptor descriptor_;
};

}  // namespace daqz
