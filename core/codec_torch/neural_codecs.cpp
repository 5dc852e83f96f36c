#include "codec_torch/neural_codecs.h"

#include <mutex>

#include "codec/codec.h"
#include "codec_torch/bcae_codec.h"
#include "codec_torch/device.h"
#include "codec_torch/jet_ae_codec.h"

namespace daqz {

void register_neural_codecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_wedge_codec(kBcaeCodecId, &make_bcae_codec);
    register_jet_codec(kJetAeCodecId, &make_jet_ae_codec);
    register_jet_codec(kFloatTruncJetAeCodecId, &make_float_trunc_jet_ae_codec);
    register_device_check(&check_device);
  });
}

}  // namespace daqz
