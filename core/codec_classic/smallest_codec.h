// The smallest record per wedge: encodes every wedge with a neural codec (default "bcae") AND the
// lossless codec and keeps the smaller record. Lossless is exact, so when it is smaller it wins on both
// counts (at low occupancy, p+p-like, it is).
//
//   CodecOptions o;
//   o.model_dir = "deploy/models/bcae-v1-sim-ft";
//   o.params = {{"inner", "bcae"}, {"bits", "6"}};     // other params go to the inner codec
//   auto codec = make_wedge_codec("smallest", o);      // throws CodecError
//   auto recs = codec->encode({&wedge});               // recs[0].codec_id: "bcae" or "lossless"
//
// The records it returns are ordinary records of the codec that won (so any daqz decodes them without
// knowing about this mode), marked with params `selected_by=smallest` and `alternative_bytes` (the
// loser's size), which the ingest node counts per choice (daqz_ingest_codec_choice_total{codec}).
// decode() dispatches on the record's codec id. Not thread-safe (one per worker, as every codec).
#pragma once

#include <memory>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kSmallestCodecId[] = "smallest";
inline constexpr char kSelectedByParam[] = "selected_by";

std::unique_ptr<WedgeCodec> make_smallest_codec(const CodecOptions& options);

// True for records chosen by the smallest mode (the ingest node counts these per codec).
bool selected_by_smallest(const EncodedRecord& record);

}  // namespace daqz
