// Jet autoencoder codecs: a trained jet AE model directory (deploy/models/jet-ae-*, see
// models/jet_ae.h) as a JetCodec. encode() normalises the batch with the card's normalisation, runs
// the encoder and stores the latents; decode() runs the decoder and inverts the normalisation.
//
//   CodecOptions o;
//   o.model_dir = "deploy/models/jet-ae-27d-z12";
//   auto codec = make_jet_codec("jet-ae", o);                 // throws CodecError
//   o.params = {{"bits", "10"}};
//   auto chain = make_jet_codec("float-trunc+jet-ae", o);     // ATLAS truncation, then the AE
//   o.params = {{"latent", "trunc"}, {"latent_bits", "7"}};
//   auto small = make_jet_codec("jet-ae", o);                 // latent itself float-truncated
//
// Params: latent = fp16 (default; IEEE half, round to nearest even, clamped to +-65504) | trunc
// (float32 latents truncated by the ATLAS rule to latent_bits = 5..23 mantissa bits, packed as in
// codec/jet_float_trunc.h); precision = fp32 | bf16; verify_weights = 1 (default) | 0.
// "float-trunc+jet-ae" also takes the float-trunc params (bits, kinematic_bits, bits.<var>) for
// the input truncation (default bits=10, kinematic_bits=23).
// Input batches must be in the model's schema (4D or 27D; use jets/jet_schema.h project_jets).
// Records carry model name/version/"<enc sha>:<dec sha>", latent_shape (n, z) and the params;
// decode() refuses records of another model or codec. One instance per thread. Throws CodecError.
#pragma once

#include <memory>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kJetAeCodecId[] = "jet-ae";
inline constexpr char kFloatTruncJetAeCodecId[] = "float-trunc+jet-ae";

std::unique_ptr<JetCodec> make_jet_ae_codec(const CodecOptions& options);
std::unique_ptr<JetCodec> make_float_trunc_jet_ae_codec(const CodecOptions& options);

}  // namespace daqz
