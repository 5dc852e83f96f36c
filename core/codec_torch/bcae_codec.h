// The BCAE wedge codec: a trained BCAE model directory (deploy/models/<name>/, see models/model_card.h)
// turned into a WedgeCodec. encode() runs the encoder on a batch of wedges and stores each wedge's code
// as fp16 (one EncodedRecord per wedge); decode() runs the bicephalous decoder and applies
// ADC = 64 + 6 exp(regression) where segmentation >= threshold, else 0.
//
//   CodecOptions o;
//   o.model_dir = "deploy/models/bcae-2d-sim";   // model.json arch: "bcae-v1" or "bcae-2d"
//   o.intra_op_threads = 2;
//   o.params["precision"] = "bf16";               // encoder precision: fp32 (default) | bf16
//   auto codec = make_wedge_codec("bcae", o);     // throws CodecError
//
// Options (CodecOptions::params): precision (fp32|bf16; transposed convolutions, i.e. the decoder, stay
// fp32), batch (preferred batch size, default 1 on CPU, 16 on CUDA), threshold (overrides the model card's
// h for records this codec encodes), channels_last (0|1; default 1 on CPU, 0 on CUDA), fp32_first_conv (1 = a bf16 bcae-v1 encoder
// keeps its first convolution in fp32, default), verify_weights (1 = check SHA-256 of the weight files,
// default). device: "cpu" or "cuda[:N]" (fails at construction when CUDA is unavailable).
//
// bits (fp16 | 2..10): how the latent is stored (codec/latent_store.h): fp16, or quantised to K bits per
// value on the model's grid and rANS-coded with the tables of the model directory. Default: the model
// card's entropy_coding.default_bits (written by `daqz fit-tables`), fp16 for a model without tables.
//
// Records carry model name, version, "<encoder sha>:<decoder sha>", latent_shape and params
// {threshold, precision, bits, latent_tables_sha256 (K-bit records)}; records without `bits` (written
// before entropy coding) are fp16. decode() refuses records of another model, shape or tables.
// Thread-safety: one instance per worker thread (LibTorch InferenceMode is opened inside each call).
// Errors: CodecError for everything, LibTorch errors included (retryable = false).
#pragma once

#include <memory>

#include "codec/codec.h"

namespace daqz {

inline constexpr char kBcaeCodecId[] = "bcae";

std::unique_ptr<WedgeCodec> make_bcae_codec(const CodecOptions& options);

}  // namespace daqz
