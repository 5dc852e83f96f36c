#include "codec_classic/classic_codecs.h"

#include <mutex>

#include "codec/codec.h"
#include "codec_classic/lossless_codec.h"
#include "codec_classic/lossless_jet_codec.h"
#include "codec_classic/passthrough_codec.h"
#include "codec_classic/smallest_codec.h"
#include "codec_classic/zfp_codec.h"

namespace daqz {

void register_classic_codecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_wedge_codec(kLosslessCodecId, [](const CodecOptions& o) -> std::unique_ptr<WedgeCodec> {
      auto it = o.params.find("zstd_level");
      return std::make_unique<LosslessCodec>(it == o.params.end() ? kLosslessDefaultLevel : std::stoi(it->second));
    });
    register_wedge_codec(kZfpCodecId, &make_zfp_codec);
    register_wedge_codec(kPassthroughCodecId, &make_passthrough_codec);
    // The smallest-record mode wraps a lossy codec found in the registry when it is made, so a binary
    // without LibTorch gets a clear "bcae not linked" error rather than a missing "smallest".
    register_wedge_codec(kSmallestCodecId, &make_smallest_codec);
    register_jet_codec(kLosslessJetCodecId, [](const CodecOptions&) -> std::unique_ptr<JetCodec> {
      return std::make_unique<LosslessJetCodec>();
    });
  });
}

}  // namespace daqz
