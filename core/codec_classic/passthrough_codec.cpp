#include "codec_classic/passthrough_codec.h"

#include <string>

#include "wire/wedge_payload.h"
#include "wire/wedge_payload_view.h"

namespace daqz {
namespace {

class PassthroughCodec final : public WedgeCodec {
 public:
  PassthroughCodec() { descriptor_.codec_id = kPassthroughCodecId; }

  const CodecDescriptor& descriptor() const override { return descriptor_; }
  // Batching saves nothing here; a batch only has to fit the pool's usual bounds.
  size_t preferred_batch() const override { return 16; }

  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override {
    std::vector<EncodedRecord> out;
    out.reserve(batch.size());
    for (const SparseWedge* w : batch) {
      std::vector<uint8_t> bytes;
      try {
        bytes = serialize_wedge_payload(*w);
      } catch (const std::invalid_argument& e) {
        throw CodecError(std::string("passthrough: ") + e.what());
      }
      EncodedRecord r = record_header(w->shape, bytes.size());
      r.bytes = std::move(bytes);
      out.push_back(std::move(r));
    }
    return out;
  }

  Reconstruction decode(const EncodedRecord& record) override {
    if (record.codec_id != kPassthroughCodecId)
      throw CodecError("passthrough: cannot decode a record of codec '" + record.codec_id + "'");
    if (record.original_shape.size() != 3) throw CodecError("passthrough: record lacks a wedge shape");
    Reconstruction r;
    r.shape = WedgeShape{record.original_shape[0], record.original_shape[1], record.original_shape[2]};
    if (r.shape.voxels() == 0 || r.shape.voxels() > (size_t(1) << 28))
      throw CodecError("passthrough: record names an impossible wedge shape " + r.shape.str());
    r.adc.resize(r.shape.voxels());
    try {
      decode_wedge_payload_dense(PayloadView(record.bytes), r.shape, r.adc.data(), r.adc.size());
    } catch (const ValidationError& e) {
      throw CodecError(std::string("passthrough: stored payload is invalid (") + reject_reason_label(e.reason()) +
                       "): " + e.what());
    }
    return r;
  }

  static EncodedRecord record_header(const WedgeShape& shape, size_t bytes) {
    EncodedRecord r;
    r.codec_id = kPassthroughCodecId;
    r.latent_shape = {uint32_t(bytes / 2)};
    r.original_kind = PayloadKind::kWedge;
    r.original_shape = {shape.azimuth, shape.time, shape.layer};
    r.original_bytes = bytes;
    return r;
  }

 private:
  CodecDescriptor descriptor_;
};

}  // namespace

EncodedRecord passthrough_record(PayloadView payload, const WedgeShape& shape) {
  EncodedRecord r = PassthroughCodec::record_header(shape, payload.size);
  r.bytes.assign(payload.data, payload.data + payload.size);
  return r;
}

std::unique_ptr<WedgeCodec> make_passthrough_codec(const CodecOptions&) { return std::make_unique<PassthroughCodec>(); }

}  // namespace daqz
