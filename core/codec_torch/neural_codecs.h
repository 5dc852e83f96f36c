// Registers the LibTorch codecs in the process's codec registry (codec/codec.h): bcae for wedges,
// jet-ae and float-trunc+jet-ae for jets, and the real compute-device check (CUDA availability).
// Called once at start by the binaries that link this layer (daqz-ingest, daqz, tests, benches);
// idempotent and thread-safe. Binaries without it (daqz-sink, daqz-felix-sim) never load LibTorch.
//
//   register_neural_codecs();
//   auto codec = make_wedge_codec("bcae", options);
#pragma once

namespace daqz {

void register_neural_codecs();

}  // namespace daqz
