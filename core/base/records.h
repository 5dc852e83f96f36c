// The record types every layer shares: a batch of jets, one encoded record (what a codec produces and
// a sink stores), and a decoded wedge. Plain data, no behaviour beyond rounding; the codec interface
// (codec/codec.h) and the wire format (wire/message.h) both build on them.
//
//   EncodedRecord r = codec->encode({&wedge})[0];   // codec id, model identity, shapes, params, bytes
//   Reconstruction back = codec->decode(r);
//   DenseWedge adc = back.rounded();                 // nearest integer ADC, clamped to [0, 1023]
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/wedge.h"

namespace daqz {

enum class PayloadKind : uint8_t { kWedge = 1, kJets = 2 };

// A batch of jets: n rows of f float32 features, row-major, in the feature schema `schema_id`
// (see jets/). Rows are independent jets.
struct JetBatch {
  uint32_t schema_id = 0;
  uint32_t n = 0;
  uint32_t f = 0;
  std::vector<float> values;  // n * f
};

// One compressed wedge or jet batch. Maps 1:1 onto wire::RecordMeta + the payload frame.
struct EncodedRecord {
  std::string codec_id;        // "lossless", "zfp", "bcae", "jet-ae", "float-trunc", ...
  std::string model_name;      // empty for model-free codecs
  std::string model_version;
  std::string weights_sha256;  // "<encoder sha>:<decoder sha>" for neural codecs
  std::vector<uint32_t> latent_shape;
  PayloadKind original_kind = PayloadKind::kWedge;
  std::vector<uint32_t> original_shape;  // wedge (azimuth, time, layer) or jets (n, f)
  uint64_t original_bytes = 0;           // wire size of what was encoded (zero-suppressed form)
  std::map<std::string, std::string> params;
  std::vector<uint8_t> bytes;            // the stored payload (e.g. fp16 latents)
};

// A decoded wedge: float ADC values (neural codecs reconstruct non-integers), C order.
struct Reconstruction {
  WedgeShape shape;
  std::vector<float> adc;
  DenseWedge rounded() const;  // nearest integer, clamped to [0, 1023]
};

}  // namespace daqz
