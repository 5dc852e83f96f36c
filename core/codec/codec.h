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
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "wedge/wedge.h"

namespace daqz {

// Thrown for every codec failure. `retryable` is false for bad input or a bad model (the caller
// should store the record losslessly instead), true for transient resource problems.
struct CodecError : std::runtime_error {
  explicit CodecError(const std::string& what, bool retryable = false)
      : std::runtime_error(what), retryable(retryable) {}
  bool retryable;
};

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

// Factories (core/codec/registry.cpp). Ids: see known_wedge_codecs() / known_jet_codecs().
// Throw CodecError naming the id and the known ones when `codec_id` is unknown.
std::unique_ptr<WedgeCodec> make_wedge_codec(const std::string& codec_id, const CodecOptions& options);
std::unique_ptr<JetCodec> make_jet_codec(const std::string& codec_id, const CodecOptions& options);
std::vector<std::string> known_wedge_codecs();
std::vector<std::string> known_jet_codecs();

}  // namespace daqz
