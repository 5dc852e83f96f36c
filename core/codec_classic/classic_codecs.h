// Registers this layer's codecs in the process's codec registry (codec/codec.h): lossless, zfp,
// passthrough and smallest (the smaller of a lossy and the lossless record) for wedges, jet-lossless
// for jets. Every binary that encodes or decodes calls it once at start (idempotent, thread-safe);
// the ingest node and the record decoder call it themselves.
//
//   register_classic_codecs();
//   auto codec = make_wedge_codec("lossless", {});
#pragma once

namespace daqz {

void register_classic_codecs();

}  // namespace daqz
