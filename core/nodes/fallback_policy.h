// The ingest node's one fallback policy: encode with the configured codec, and store losslessly
// whatever it cannot encode (a codec that failed to load, an encode error, a wrong record count),
// counting every fallback. One instance per encoder worker: codecs are not thread-safe, and each
// worker loads its own model copy (and CUDA stream).
//
//   FallbackPolicy policy(spec, stats);                  // loads the codecs; never throws for a bad model
//   std::vector<EncodedRecord> recs = policy.encode_wedges(wedges);   // one record per wedge, always
//   EncodedRecord jets = policy.encode_jets(batch);
//
// A codec the node was told to use but could not load at start (CodecSpec::*_ok false) is not tried
// again here: the node already logged it, counted it and reported it on /readyz.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "wire/payload_view.h"
#include "nodes/ingest_stats.h"

namespace daqz {

struct CodecSpec {
  std::string wedge_codec = "lossless";
  CodecOptions wedge_options;
  bool wedge_ok = true;  // false: the wedge codec failed to load at start; store wedges losslessly
  std::string jet_codec = "jet-lossless";
  CodecOptions jet_options;
  bool jet_ok = true;
};

class FallbackPolicy {
 public:
  FallbackPolicy(const CodecSpec& spec, IngestStats& stats);
  ~FallbackPolicy();

  // Exactly one record per input wedge, in order.
  std::vector<EncodedRecord> encode_wedges(const std::vector<const SparseWedge*>& wedges);
  EncodedRecord encode_jets(const JetBatch& jets);
  // True when the wedge codec is passthrough (loaded): the pool may then skip decoding and hand the
  // validated payloads to store_wedges_as_received(), which builds the same records from them.
  bool stores_wedges_as_received() const;
  std::vector<EncodedRecord> store_wedges_as_received(const std::vector<PayloadView>& payloads, const WedgeShape& shape);
  // Largest batch the wedge codec handles efficiently (1 when it fell back).
  size_t preferred_batch() const;
  bool wedge_codec_loaded() const { return wedge_codec_ != nullptr; }

 private:
  const CodecSpec& spec_;
  IngestStats& stats_;
  std::unique_ptr<WedgeCodec> wedge_codec_, wedge_lossless_;
  std::unique_ptr<JetCodec> jet_codec_, jet_lossless_;
  ModelCounters wedge_model_, wedge_lossless_model_, jet_model_, jet_lossless_model_;
};

}  // namespace daqz
