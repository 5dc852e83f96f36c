// The passthrough wedge codec: stores the validated zero-suppressed payload exactly as it travels on
// the wire (wire/wedge_payload.h), so it is lossless and costs one copy. It measures what the pipeline
// itself costs without an encoder (bench_pipeline_bench transport --codec passthrough), and it is the
// cheapest way to keep raw data when the CPU budget is spent.
//
//   auto codec = make_wedge_codec("passthrough", {});
//   std::vector<EncodedRecord> recs = codec->encode({&wedge});    // bytes == serialize_wedge_payload(wedge)
//   Reconstruction r = codec->decode(recs[0]);                     // bit-exact; `daqz decode` reads it too
//   EncodedRecord rec = passthrough_record(payload_view, shape);   // from a received frame, no re-serialising
//
// Records: codec_id "passthrough", latent_shape {payload words}, original_shape the wedge shape,
// original_bytes == bytes.size(), no params. decode() validates the payload as the receive path does
// (run list, ADC range) and throws CodecError naming the reject reason for a corrupt record.
// Thread-safety: a codec instance is stateless; passthrough_record is a pure function.
#pragma once

#include <memory>

#include "codec/codec.h"
#include "wire/payload_view.h"

namespace daqz {

inline constexpr char kPassthroughCodecId[] = "passthrough";

// A record holding `payload` (already validated against `shape` by the receive path) as it is.
EncodedRecord passthrough_record(PayloadView payload, const WedgeShape& shape);

std::unique_ptr<WedgeCodec> make_passthrough_codec(const CodecOptions& options);

}  // namespace daqz
