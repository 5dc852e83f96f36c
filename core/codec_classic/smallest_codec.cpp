#include "codec_classic/smallest_codec.h"

#include "codec_classic/lossless_codec.h"

namespace daqz {
namespace {

class SmallestCodec final : public WedgeCodec {
 public:
  explicit SmallestCodec(const CodecOptions& options) {
    CodecOptions inner_options = options;
    auto it = inner_options.params.find("inner");
    const std::string inner_id = it == inner_options.params.end() ? "bcae" : it->second;
    if (it != inner_options.params.end()) inner_options.params.erase(it);
    if (inner_id == kSmallestCodecId || inner_id == kLosslessCodecId)
      throw CodecError("smallest: the inner codec must be a lossy codec, not '" + inner_id + "'");
    inner_ = make_wedge_codec(inner_id, inner_options);
    descriptor_ = inner_->descriptor();  // records of the inner codec dominate; its model is the one to load
  }

  const CodecDescriptor& descriptor() const override { return descriptor_; }
  size_t preferred_batch() const override { return inner_->preferred_batch(); }

  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override {
    std::vector<EncodedRecord> out = inner_->encode(batch);
    if (out.size() != batch.size())
      throw CodecError("smallest: inner codec '" + descriptor_.codec_id + "' returned " + std::to_string(out.size()) +
                       " records for " + std::to_string(batch.size()) + " wedges");
    for (size_t i = 0; i < batch.size(); ++i) {
      EncodedRecord exact = lossless_.encode_one(*batch[i]);
      const size_t neural_bytes = out[i].bytes.size();
      if (exact.bytes.size() < neural_bytes) {
        exact.params["alternative_bytes"] = std::to_string(neural_bytes);
        out[i] = std::move(exact);
      } else {
        out[i].params["alternative_bytes"] = std::to_string(exact.bytes.size());
      }
      out[i].params[kSelectedByParam] = kSmallestCodecId;
    }
    return out;
  }

  Reconstruction decode(const EncodedRecord& record) override {
    if (record.codec_id == kLosslessCodecId) return lossless_.decode(record);
    return inner_->decode(record);
  }

 private:
  std::unique_ptr<WedgeCodec> inner_;
  LosslessCodec lossless_;
  CodecDescriptor descriptor_;
};

}  // namespace

std::unique_ptr<WedgeCodec> make_smallest_codec(const CodecOptions& options) {
  return std::make_unique<SmallestCodec>(options);
}

bool selected_by_smallest(const EncodedRecord& record) {
  const auto it = record.params.find(kSelectedByParam);
  return it != record.params.end() && it->second == kSmallestCodecId;
}

}  // namespace daqz
