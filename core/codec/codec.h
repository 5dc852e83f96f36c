// The codec interface: how daqz turns wedges and jet batches into stored records and back.
//
// Every compressor (lossless, ZFP, BCAE models, jet autoencoders, float truncation) implements
// WedgeCodec and/or JetCodec. A record produced by encode() carries everything decode() needs
// (codec id, model name/version, weights SHA-256, shapes, parameters), so records can be decoded
// years later by `daqz decode` with the right model.
//
//   CodecOptions opts;                      // model directory, device, threads, parameters
//   opts.model_dir = "deploy/models/bcae-2d-sim";
//   auto codec = make_wedge_codec("bcae", opts);     // throws CodecError (unknown id, bad model)
//   std::vector<EncodedRecord> recs = codec->encode({&wedge_a, &wedge_b});   // one per input
//   Reconstruction r = codec->decode(recs[0]);
//
// Thread-safety: a codec instance is NOT thread-safe; the worker pool gives each worker its own.
// No LibTorch type appears here: neural codecs hide it in their .cpp files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/records.h"
#include "base/wedge.h"

namespace daqz {

// Thrown for every codec failure. `retryable` is false for bad input or a bad model (the caller
// should store the record losslessly instead), true for transient resource problems.
struct CodecError : std::runtime_error {
  explicit CodecError(const std::string& what, bool retryable = false)
      : std::runtime_error(what), retryable(retryable) {}
  bool retryable;
};

struct CodecOptions {
  std::string model_dir;                     // for neural codecs: a model directory with model.json
  std::string device = "cpu";                // "cpu" or "cuda[:N]"
  int intra_op_threads = 1;                  // LibTorch threads used by this codec instance
  std::map<std::string, std::string> params;  // codec-specific, e.g. {"threshold","0.5"}
};

struct CodecDescriptor {
  std::string codec_id;
  std::string model_name;
  std::string model_version;
  std::string weights_sha256;
};

class WedgeCodec {
 public:
  virtual ~WedgeCodec() = default;
  virtual const CodecDescriptor& descriptor() const = 0;
  // Encodes a batch; returns exactly one record per input wedge, in order. Throws CodecError.
  virtual std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) = 0;
  // Decodes one record produced by this codec (same id and weights). Throws CodecError.
  virtual Reconstruction decode(const EncodedRecord& record) = 0;
  // Largest batch the codec handles efficiently (the batcher's upper bound).
  virtual size_t preferred_batch() const { return 1; }
};

class JetCodec {
 public:
  virtual ~JetCodec() = default;
  virtual const CodecDescriptor& descriptor() const = 0;
  virtual EncodedRecord encode(const JetBatch& batch) = 0;
  virtual JetBatch decode(const EncodedRecord& record) = 0;
};

// The codec registry (core/codec/registry.cpp): one per process, filled at start by the layers that
// hold codecs, so that a binary carries only the codecs it links:
//   register_classic_codecs();   // codec_classic/classic_codecs.h: lossless, zfp, jet-lossless
//   register_neural_codecs();    // codec_torch/neural_codecs.h: bcae, jet-ae, float-trunc+jet-ae, CUDA check
// float-trunc (this layer) is always there. Registration is idempotent and thread-safe; lookups too.
using WedgeCodecFactory = std::function<std::unique_ptr<WedgeCodec>(const CodecOptions&)>;
using JetCodecFactory = std::function<std::unique_ptr<JetCodec>(const CodecOptions&)>;
void register_wedge_codec(const std::string& codec_id, WedgeCodecFactory factory);
void register_jet_codec(const std::string& codec_id, JetCodecFactory factory);

// Throw CodecError naming the id and the registered ones when `codec_id` is unknown, and saying when
// the id is a codec this executable was built without (e.g. "bcae" in a binary without LibTorch).
std::unique_ptr<WedgeCodec> make_wedge_codec(const std::string& codec_id, const CodecOptions& options);
std::unique_ptr<JetCodec> make_jet_codec(const std::string& codec_id, const CodecOptions& options);
std::vector<std::string> known_wedge_codecs();
std::vector<std::string> known_jet_codecs();

// Compute devices ("cpu", "cuda", "cuda:N"). The neural-codec layer registers the real check; without
// it only "cpu" is usable. check_compute_device throws std::invalid_argument with the reason, so an
// unusable --device is a set-up error rather than a silent lossless fallback.
using DeviceCheck = std::function<void(const std::string& device)>;
void register_device_check(DeviceCheck check);
void check_compute_device(const std::string& device);

}  // namespace daqz
