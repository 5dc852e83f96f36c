#include "codec_torch/jet_ae_codec.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "codec/jet_float_trunc.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae.h"

namespace daqz {
namespace {

class JetAeCodec final : public JetCodec {
 public:
  JetAeCodec(const CodecOptions& o, bool chain) : chain_(chain) {
    if (o.model_dir.empty())
      throw CodecError(std::string(chain ? kFloatTruncJetAeCodecId : kJetAeCodecId) +
                       ": needs a model directory (--model DIR with model.json)");
    std::map<std::string, std::string> trunc_params;
    for (const auto& [k, v] : o.params) {
      if (k == "latent") {
        if (v != "fp16" && v != "trunc") throw CodecError("jet-ae: latent must be fp16 or trunc, got '" + v + "'");
        latent_trunc_ = v == "trunc";
      } else if (k == "latent_bits") {
        latent_bits_ = FloatTruncator(std::stoi(v)).bits();  // validates 5..23
      } else if (k == "precision") {
        precision_ = v;
      } else if (k == "verify_weights") {
        verify_ = v != "0";
      } else if (chain && (k == "bits" || k == "kinematic_bits" || k.rfind("bits.", 0) == 0)) {
        trunc_params[k] = v;
      } else {
        throw CodecError(std::string(chain ? kFloatTruncJetAeCodecId : kJetAeCodecId) + ": unknown parameter '" + k +
                         "' (known: latent, latent_bits, precision, verify_weights" +
                         (chain ? ", bits, kinematic_bits, bits.<variable>)" : ")"));
      }
    }
    try {
      model_ = JetAeModel::load(load_model_card(o.model_dir), verify_);
      model_->set_threads(o.intra_op_threads);
      if (precision_ != "fp32") model_->set_precision(precision_);
    } catch (const CodecError&) {
      throw;
    } catch (const std::exception& e) {
      throw CodecError(std::string("jet-ae: cannot load model from '") + o.model_dir + "': " + e.what());
    }
    const auto& spec = model_->spec();
    if (chain_) input_bits_ = float_trunc_bits(spec.schema_id, spec.n_features, trunc_params);
    const ModelCard& card = model_->card();
    descriptor_ = {chain ? kFloatTruncJetAeCodecId : kJetAeCodecId, card.name, card.version, card.weights_sha256()};
  }

  const CodecDescriptor& descriptor() const override { return descriptor_; }

  EncodedRecord encode(const JetBatch& batch) override {
    const auto& spec = model_->spec();
    try {
      validate_jet_batch(batch);
    } catch (const std::invalid_argument& e) {
      throw CodecError(descriptor_.codec_id + ": " + e.what());
    }
    if (batch.schema_id != spec.schema_id)
      throw CodecError(descriptor_.codec_id + ": model '" + descriptor_.model_name + "' encodes schema " +
                       jet_schema(spec.schema_id).name + ", the batch has schema id " +
                       std::to_string(batch.schema_id) + " (project it first)");
    const size_t n = batch.n, f = spec.n_features, z = spec.latent_dim;
    std::vector<float> x(batch.values);
    if (chain_)
      for (size_t i = 0; i < x.size(); ++i) x[i] = truncate_float(x[i], input_bits_[i % f]);
    model_->normalisation().forward(x.data(), x.data(), n);
    std::vector<float> latent(n * z);
    try {
      model_->encode(x.data(), n, latent.data());
    } catch (const std::exception& e) {
      throw CodecError(e.what());
    }
    EncodedRecord r;
    r.codec_id = descriptor_.codec_id;
    r.model_name = descriptor_.model_name;
    r.model_version = descriptor_.model_version;
    r.weights_sha256 = descriptor_.weights_sha256;
    r.latent_shape = {uint32_t(n), uint32_t(z)};
    r.original_kind = PayloadKind::kJets;
    r.original_shape = {uint32_t(n), uint32_t(f)};
    r.original_bytes = uint64_t(n) * f * sizeof(float);
    r.params["schema_id"] = std::to_string(spec.schema_id);
    r.params["latent"] = latent_trunc_ ? "trunc" : "fp16";
    if (latent_trunc_) r.params["latent_bits"] = std::to_string(latent_bits_);
    if (chain_) {
      std::string list;
      for (int b : input_bits_) list += (list.empty() ? "" : ",") + std::to_string(b);
      r.params["input_bits"] = list;
    }
    if (latent_trunc_) {
      r.bytes = pack_truncated(latent.data(), n, std::vector<int>(z, latent_bits_));
    } else {
      r.bytes.resize(n * z * 2);
      for (size_t i = 0; i < latent.size(); ++i) {
        const uint16_t h = c10::Half(std::clamp(latent[i], -65504.0f, 65504.0f)).x;
        r.bytes[2 * i] = uint8_t(h);
        r.bytes[2 * i + 1] = uint8_t(h >> 8);
      }
    }
    return r;
  }

  JetBatch decode(const EncodedRecord& r) override {
    const auto& spec = model_->spec();
    if (r.codec_id != descriptor_.codec_id)
      throw CodecError(descriptor_.codec_id + ": cannot decode a record of codec '" + r.codec_id + "'");
    if (r.model_name != descriptor_.model_name || r.weights_sha256 != descriptor_.weights_sha256)
      throw CodecError(descriptor_.codec_id + ": record was encoded by model '" + r.model_name + "' (" +
                       r.weights_sha256 + "), this codec holds '" + descriptor_.model_name + "' (" +
                       descriptor_.weights_sha256 + ")");
    if (r.latent_shape.size() != 2 || int(r.latent_shape[1]) != spec.latent_dim)
      throw CodecError(descriptor_.codec_id + ": record latent shape does not match the model");
    const size_t n = r.latent_shape[0], z = spec.latent_dim;
    std::vector<float> latent;
    auto it = r.params.find("latent");
    if (it != r.params.end() && it->second == "trunc") {
      size_t rows = 0, cols = 0;
      latent = unpack_truncated(r.bytes.data(), r.bytes.size(), &rows, &cols, nullptr);
      if (rows != n || cols != z) throw CodecError(descriptor_.codec_id + ": truncated latent has the wrong shape");
    } else {
      if (r.bytes.size() != n * z * 2)
        throw CodecError(descriptor_.codec_id + ": payload holds " + std::to_string(r.bytes.size()) +
                         " bytes, expected " + std::to_string(n * z * 2) + " (fp16 latents)");
      latent.resize(n * z);
      for (size_t i = 0; i < latent.size(); ++i) {
        c10::Half h;
        h.x = uint16_t(r.bytes[2 * i] | (r.bytes[2 * i + 1] << 8));
        latent[i] = float(h);
      }
    }
    JetBatch b;
    b.schema_id = spec.schema_id;
    b.n = uint32_t(n);
    b.f = uint32_t(spec.n_features);
    b.values.resize(n * spec.n_features);
    try {
      model_->decode(latent.data(), n, b.values.data());
    } catch (const std::exception& e) {
      throw CodecError(e.what());
    }
    model_->normalisation().inverse(b.values.data(), b.values.data(), n);
    return b;
  }

 private:
  bool chain_;
  bool latent_trunc_ = false;
  int latent_bits_ = 7;
  std::string precision_ = "fp32";
  bool verify_ = true;
  std::vector<int> input_bits_;
  std::unique_ptr<JetAeModel> model_;
  CodecDescriptor descriptor_;
};

}  // namespace

std::unique_ptr<JetCodec> make_jet_ae_codec(const CodecOptions& options) {
  return std::make_unique<JetAeCodec>(options, false);
}
std::unique_ptr<JetCodec> make_float_trunc_jet_ae_codec(const CodecOptions& options) {
  return std::make_unique<JetAeCodec>(options, true);
}

}  // namespace daqz
