// Codec factories by id. Each codec adds one line here (explicit, so the static library keeps it).
#include <algorithm>

#include "codec/bcae_codec.h"
#include "codec/codec.h"
#include "codec/lossless_codec.h"
#include "codec/lossless_jet_codec.h"
#include "codec/passthrough_codec.h"
#include "codec/jet_ae_codec.h"
#include "codec/jet_float_trunc.h"
#include "codec/zfp_codec.h"

namespace daqz {
namespace {

using WedgeFactory = std::unique_ptr<WedgeCodec> (*)(const CodecOptions&);
using JetFactory = std::unique_ptr<JetCodec> (*)(const CodecOptions&);

std::unique_ptr<WedgeCodec> make_lossless(const CodecOptions& o) {
  auto it = o.params.find("zstd_level");
  return std::make_unique<LosslessCodec>(it == o.params.end() ? kLosslessDefaultLevel : std::stoi(it->second));
}

const std::vector<std::pair<std::string, WedgeFactory>>& wedge_factories() {
  static const std::vector<std::pair<std::string, WedgeFactory>> f = {
      {kLosslessCodecId, &make_lossless},
      {kBcaeCodecId, &make_bcae_codec},
      {kZfpCodecId, &make_zfp_codec},
      {kPassthroughCodecId, &make_passthrough_codec},
  };
  return f;
}

const std::vector<std::pair<std::string, JetFactory>>& jet_factories() {
  static const std::vector<std::pair<std::string, JetFactory>> f = {
      {kLosslessJetCodecId, [](const CodecOptions&) -> std::unique_ptr<JetCodec> {
         return std::make_unique<LosslessJetCodec>(); }},
      {kFloatTruncCodecId, [](const CodecOptions& o) -> std::unique_ptr<JetCodec> {
         return std::make_unique<FloatTruncCodec>(o.params); }},
      {kJetAeCodecId, &make_jet_ae_codec},
      {kFloatTruncJetAeCodecId, &make_float_trunc_jet_ae_codec},
  };
  return f;
}

template <typename List>
std::vector<std::string> ids(const List& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.first);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

}  // namespace

std::vector<std::string> known_wedge_codecs() { return ids(wedge_factories()); }
std::vector<std::string> known_jet_codecs() { return ids(jet_factories()); }

std::unique_ptr<WedgeCodec> make_wedge_codec(const std::string& codec_id, const CodecOptions& options) {
  for (const auto& [id, factory] : wedge_factories())
    if (id == codec_id) return factory(options);
  throw CodecError("unknown wedge codec '" + codec_id + "'; known: " + joined(known_wedge_codecs()));
}

std::unique_ptr<JetCodec> make_jet_codec(const std::string& codec_id, const CodecOptions& options) {
  for (const auto& [id, factory] : jet_factories())
    if (id == codec_id) return factory(options);
  throw CodecError("unknown jet codec '" + codec_id + "'; known: " + joined(known_jet_codecs()));
}

DenseWedge Reconstruction::rounded() const {
  DenseWedge w(shape);
  for (size_t i = 0; i < adc.size() && i < w.adc.size(); ++i) {
    const float v = std::clamp(adc[i], 0.0f, float(kAdcMax));
    w.adc[i] = uint16_t(v + 0.5f);
  }
  return w;
}

}  // namespace daqz
