// Dense jet autoencoders (ATLAS TLA jet-compression studies), LibTorch behind a torch-free interface.
//
//   "jet-ae-4d":  4-200-200-20-3-20-200-200-4, tanh between layers (latent 3)
//   "jet-ae-27d": 27-200-200-200-z-200-200-200-27, LeakyReLU(0.01) between layers (z = 8..20)
// Layers are named en1..en4 (encoder.pt) and de1..de4 (decoder.pt), as the PyTorch reference
// (HEPAutoencoders AE_3D_200 / AE_big) names them; no activation on the latent or the output.
// Networks see normalised features (jets/jet_normalisation.h); the normalisation lives in the card.
//
//   ModelCard card = load_model_card("deploy/models/jet-ae-27d-z12");
//   auto model = JetAeModel::load(card);                 // verifies SHA-256, throws ModelCardError
//   model->encode(normed.data(), n, latent.data());      // n x spec().latent_dim
//   model->decode(latent.data(), n, normed_out.data());  // n x spec().n_features
//
// Not thread-safe (one instance per worker; InferenceMode is opened inside each call).
// encode/decode throw std::runtime_error wrapping LibTorch errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/jet_normalisation.h"
#include "codec/model_card.h"

namespace daqz {

inline constexpr char kJetAe4dArch[] = "jet-ae-4d";
inline constexpr char kJetAe27dArch[] = "jet-ae-27d";

struct JetAeSpec {
  std::string arch;
  uint32_t schema_id = 0;
  int n_features = 0;
  int latent_dim = 0;
  std::vector<int> encoder_widths;  // n_features, ..., latent_dim
  std::vector<int> decoder_widths;  // latent_dim, ..., n_features
  bool tanh = false;                // else LeakyReLU(0.01)

  // latent_dim is ignored for jet-ae-4d (always 3); must be 8..20 for jet-ae-27d.
  // Throws std::invalid_argument naming the known archs.
  static JetAeSpec for_arch(const std::string& arch, int latent_dim = 0);
  // Multiply-accumulates per jet.
  double encoder_macs() const;
  double decoder_macs() const;
};

bool is_jet_ae_arch(const std::string& arch);

class JetAeModel {
 public:
  // Loads weights and normalisation from a card (arch jet-ae-*, keys latent_dim, normalisation).
  static std::unique_ptr<JetAeModel> load(const ModelCard& card, bool verify_weights = true);
  ~JetAeModel();

  const JetAeSpec& spec() const;
  const JetNormalisation& normalisation() const;
  const ModelCard& card() const;

  // "fp32" (default) or "bf16" (encoder and decoder weights cast; inputs/outputs stay float).
  void set_precision(const std::string& precision);
  void set_threads(int threads);

  void encode(const float* normed, size_t n, float* latent) const;
  void decode(const float* latent, size_t n, float* normed) const;

 private:
  struct Impl;
  explicit JetAeModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
