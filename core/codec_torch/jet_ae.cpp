#include "codec_torch/jet_ae.h"

#include <cstring>
#include <stdexcept>

#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "codec_torch/state_dict.h"
#include "codec_torch/torch_util.h"

namespace daqz {

JetAeSpec JetAeSpec::for_arch(const std::string& arch, int latent_dim) {
  JetAeSpec s;
  s.arch = arch;
  if (arch == kJetAe4dArch) {
    s.schema_id = kJetSchemaTla4;
    s.n_features = 4;
    s.latent_dim = 3;
    s.encoder_widths = {4, 200, 200, 20, 3};
    s.decoder_widths = {3, 20, 200, 200, 4};
    s.tanh = true;
  } else if (arch == kJetAe27dArch) {
    if (latent_dim < 8 || latent_dim > 20)
      throw std::invalid_argument("jet-ae-27d: latent_dim must be in 8..20, got " + std::to_string(latent_dim));
    s.schema_id = kJetSchemaTla27;
    s.n_features = 27;
    s.latent_dim = latent_dim;
    s.encoder_widths = {27, 200, 200, 200, latent_dim};
    s.decoder_widths = {latent_dim, 200, 200, 200, 27};
    s.tanh = false;
  } else {
    throw std::invalid_argument("unknown jet autoencoder arch '" + arch + "'; known: jet-ae-4d, jet-ae-27d");
  }
  return s;
}

static double macs(const std::vector<int>& w) {
  double m = 0;
  for (size_t i = 1; i < w.size(); ++i) m += double(w[i - 1]) * w[i];
  return m;
}
double JetAeSpec::encoder_macs() const { return macs(encoder_widths); }
double JetAeSpec::decoder_macs() const { return macs(decoder_widths); }

bool is_jet_ae_arch(const std::string& arch) { return arch == kJetAe4dArch || arch == kJetAe27dArch; }

// ---- module ----

JetAeNetImpl::JetAeNetImpl(const JetAeSpec& spec) : spec_(spec) {
  for (size_t i = 1; i < spec.encoder_widths.size(); ++i)
    en_.push_back(register_module("en" + std::to_string(i),
                                  torch::nn::Linear(spec.encoder_widths[i - 1], spec.encoder_widths[i])));
  for (size_t i = 1; i < spec.decoder_widths.size(); ++i)
    de_.push_back(register_module("de" + std::to_string(i),
                                  torch::nn::Linear(spec.decoder_widths[i - 1], spec.decoder_widths[i])));
}

torch::Tensor JetAeNetImpl::act(const torch::Tensor& x) const {
  return spec_.tanh ? torch::tanh(x) : torch::leaky_relu(x, 0.01);
}

torch::Tensor JetAeNetImpl::encode(torch::Tensor x) {
  for (size_t i = 0; i < en_.size(); ++i) {
    x = en_[i]->forward(x);
    if (i + 1 < en_.size()) x = act(x);
  }
  return x;
}

torch::Tensor JetAeNetImpl::decode(torch::Tensor z) {
  for (size_t i = 0; i < de_.size(); ++i) {
    z = de_[i]->forward(z);
    if (i + 1 < de_.size()) z = act(z);
  }
  return z;
}

std::map<std::string, torch::Tensor> JetAeNetImpl::encoder_state() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [k, v] : state_dict_of(*this))
    if (k.rfind("en", 0) == 0) out[k] = v;
  return out;
}

std::map<std::string, torch::Tensor> JetAeNetImpl::decoder_state() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [k, v] : state_dict_of(*this))
    if (k.rfind("de", 0) == 0) out[k] = v;
  return out;
}

// ---- inference wrapper ----

struct JetAeModel::Impl {
  ModelCard card;
  JetAeSpec spec;
  JetNormalisation norm;
  JetAeNet net{nullptr};
  at::ScalarType dtype = torch::kFloat;
};

JetAeModel::JetAeModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JetAeModel::~JetAeModel() = default;

std::unique_ptr<JetAeModel> JetAeModel::load(const ModelCard& card, bool verify_weights) {
  auto impl = std::make_unique<Impl>();
  impl->card = card;
  try {
    impl->spec = JetAeSpec::for_arch(card.arch, card.raw.value("latent_dim", 0));
    if (!card.raw.contains("normalisation"))
      throw ModelCardError("model card of '" + card.name + "' lacks \"normalisation\"");
    impl->norm = JetNormalisation::from_json(card.raw.at("normalisation"));
  } catch (const std::invalid_argument& e) {
    throw ModelCardError("model '" + card.name + "': " + e.what());
  }
  if (impl->norm.schema_id() != impl->spec.schema_id)
    throw ModelCardError("model '" + card.name + "': normalisation schema " + std::to_string(impl->norm.schema_id()) +
                         " does not match arch " + card.arch);
  if (verify_weights) verify_model_weights(card);
  impl->net = JetAeNet(impl->spec);
  StateDict sd;
  for (const auto& path : {card.encoder_path, card.decoder_path})
    for (auto& [k, v] : read_state_dict(path)) sd[k] = v;
  load_state_dict(*impl->net, sd, "jet autoencoder '" + card.name + "'");
  impl->net->eval();
  return std::unique_ptr<JetAeModel>(new JetAeModel(std::move(impl)));
}

const JetAeSpec& JetAeModel::spec() const { return impl_->spec; }
const JetNormalisation& JetAeModel::normalisation() const { return impl_->norm; }
const ModelCard& JetAeModel::card() const { return impl_->card; }

void JetAeModel::set_precision(const std::string& precision) {
  impl_->dtype = parse_precision(precision);
  impl_->net->to(impl_->dtype);
}

void JetAeModel::set_threads(int threads) { set_torch_threads(threads); }

void JetAeModel::encode(const float* normed, size_t n, float* latent) const {
  if (n == 0) return;
  try {
    c10::InferenceMode guard;
    const auto& s = impl_->spec;
    auto x = torch::from_blob(const_cast<float*>(normed), {int64_t(n), s.n_features}, torch::kFloat);
    auto z = impl_->net->encode(x.to(impl_->dtype)).to(torch::kFloat).contiguous();
    std::memcpy(latent, z.data_ptr<float>(), n * s.latent_dim * sizeof(float));
  } catch (const c10::Error& e) {
    throw std::runtime_error("jet autoencoder '" + impl_->card.name + "' encode: " + e.what_without_backtrace());
  }
}

void JetAeModel::decode(const float* latent, size_t n, float* normed) const {
  if (n == 0) return;
  try {
    c10::InferenceMode guard;
    const auto& s = impl_->spec;
    auto z = torch::from_blob(const_cast<float*>(latent), {int64_t(n), s.latent_dim}, torch::kFloat);
    auto x = impl_->net->decode(z.to(impl_->dtype)).to(torch::kFloat).contiguous();
    std::memcpy(normed, x.data_ptr<float>(), n * s.n_features * sizeof(float));
  } catch (const c10::Error& e) {
    throw std::runtime_error("jet autoencoder '" + impl_->card.name + "' decode: " + e.what_without_backtrace());
  }
}

}  // namespace daqz
