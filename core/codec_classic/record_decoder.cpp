#include "codec_classic/record_decoder.h"

#include "codec/model_repository.h"
#include "codec_classic/classic_codecs.h"

namespace daqz {

RecordDecoder::RecordDecoder(std::vector<std::string> model_roots, std::string device, int threads)
    : roots_(std::move(model_roots)), device_(std::move(device)), threads_(threads) {
  register_classic_codecs();  // neural codecs come from the binary's main (codec_torch/neural_codecs.h)
}

RecordDecoder::~RecordDecoder() = default;

CodecOptions RecordDecoder::options_for(const EncodedRecord& r) const {
  CodecOptions o;
  o.device = device_;
  o.intra_op_threads = threads_;
  // Record params (threshold, bits, ...) are read by each codec's decode(); construction options stay default.
  if (!r.model_name.empty()) o.model_dir = ModelRepository(roots_).find_by_weights(r.model_name, r.weights_sha256).dir;
  return o;
}

DecodedRecord RecordDecoder::decode(const EncodedRecord& r) {
  const std::string key = r.codec_id + "/" + r.model_name + "#" + r.weights_sha256;
  DecodedRecord d;
  d.kind = r.original_kind;
  if (r.original_kind == PayloadKind::kWedge) {
    auto& codec = wedge_codecs_[key];
    if (!codec) codec = make_wedge_codec(r.codec_id, options_for(r));
    d.wedge = codec->decode(r);
  } else {
    auto& codec = jet_codecs_[key];
    if (!codec) codec = make_jet_codec(r.codec_id, options_for(r));
    d.jets = codec->decode(r);
  }
  return d;
}

}  // namespace daqz
