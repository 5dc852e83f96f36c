// LibTorch module of the jet autoencoders (see models/jet_ae.h for the architectures). Internal:
// includes LibTorch, so include only from .cpp files that already use it (models, train, codec,
// tests and benches of those), like models/torch_util.h.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "codec_torch/jet_ae.h"

namespace daqz {

class JetAeNetImpl : public torch::nn::Module {
 public:
  explicit JetAeNetImpl(const JetAeSpec& spec);
  torch::Tensor encode(torch::Tensor x);
  torch::Tensor decode(torch::Tensor z);
  torch::Tensor forward(torch::Tensor x) { return decode(encode(x)); }
  const JetAeSpec& spec() const { return spec_; }

  // Parameters of the encoder (en*) / decoder (de*) only, as stored in encoder.pt / decoder.pt.
  std::map<std::string, torch::Tensor> encoder_state() const;
  std::map<std::string, torch::Tensor> decoder_state() const;

 private:
  torch::Tensor act(const torch::Tensor& x) const;
  JetAeSpec spec_;
  std::vector<torch::nn::Linear> en_, de_;
};
TORCH_MODULE(JetAeNet);

}  // namespace daqz
