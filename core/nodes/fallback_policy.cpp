#include "nodes/fallback_policy.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "codec_classic/passthrough_codec.h"

namespace daqz {

FallbackPolicy::FallbackPolicy(const CodecSpec& spec, IngestStats& stats)
    : spec_(spec),
      stats_(stats),
      wedge_lossless_(make_wedge_codec("lossless", {})),
      jet_lossless_(make_jet_codec("jet-lossless", {})) {
  try {
    if (spec.wedge_ok) wedge_codec_ = make_wedge_codec(spec.wedge_codec, spec.wedge_options);
  } catch (const std::exception& e) {
    spdlog::error("wedge codec '{}' failed to load in a worker ({}); this worker stores wedges losslessly",
                  spec.wedge_codec, e.what());
  }
  try {
    if (spec.jet_ok) jet_codec_ = make_jet_codec(spec.jet_codec, spec.jet_options);
  } catch (const std::exception& e) {
    spdlog::error("jet codec '{}' failed to load in a worker ({}); this worker stores jets losslessly", spec.jet_codec,
                  e.what());
  }
  wedge_lossless_model_ = stats_.model("wedge", wedge_lossless_->descriptor());
  jet_lossless_model_ = stats_.model("jets", jet_lossless_->descriptor());
  wedge_model_ = wedge_codec_ ? stats_.model("wedge", wedge_codec_->descriptor()) : wedge_lossless_model_;
  jet_model_ = jet_codec_ ? stats_.model("jets", jet_codec_->descriptor()) : jet_lossless_model_;
}

FallbackPolicy::~FallbackPolicy() = default;

size_t FallbackPolicy::preferred_batch() const {
  return wedge_codec_ ? std::max<size_t>(wedge_codec_->preferred_batch(), 1) : 1;
}

std::vector<EncodedRecord> FallbackPolicy::encode_wedges(const std::vector<const SparseWedge*>& wedges) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<EncodedRecord> records;
  bool ok = false;
  if (wedge_codec_) {
    try {
      records = wedge_codec_->encode(wedges);
      ok = records.size() == wedges.size();
      if (!ok) spdlog::error("codec returned {} records for {} wedges", records.size(), wedges.size());
    } catch (const std::exception& e) {
      spdlog::error("wedge codec '{}' failed on a batch of {}: {}; storing them losslessly", spec_.wedge_codec,
                    wedges.size(), e.what());
    }
  }
  if (!ok) {
    records = wedge_lossless_->encode(wedges);
    stats_.fallback_wedge.Increment(double(wedges.size()));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats_.encode_seconds.Observe(seconds);
  stats_.wedges_encoded.Increment(double(wedges.size()));
  const ModelCounters& m = ok ? wedge_model_ : wedge_lossless_model_;
  m.records->Increment(double(wedges.size()));
  m.encode_seconds->Increment(seconds);
  return records;
}

bool FallbackPolicy::stores_wedges_as_received() const {
  return wedge_codec_ && wedge_codec_->descriptor().codec_id == kPassthroughCodecId;
}

std::vector<EncodedRecord> FallbackPolicy::store_wedges_as_received(const std::vector<PayloadView>& payloads,
                                                                    const WedgeShape& shape) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<EncodedRecord> records;
  records.reserve(payloads.size());
  for (const PayloadView& p : payloads) records.push_back(passthrough_record(p, shape));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats_.encode_seconds.Observe(seconds);
  stats_.wedges_encoded.Increment(double(payloads.size()));
  wedge_model_.records->Increment(double(payloads.size()));
  wedge_model_.encode_seconds->Increment(seconds);
  return records;
}

EncodedRecord FallbackPolicy::encode_jets(const JetBatch& jets) {
  stats_.jets_encoded.Increment(double(jets.n));
  const auto t0 = std::chrono::steady_clock::now();
  auto count = [&](const ModelCounters& m) {
    m.records->Increment();
    m.encode_seconds->Increment(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  if (jet_codec_) {
    try {
      EncodedRecord r = jet_codec_->encode(jets);
      count(jet_model_);
      return r;
    } catch (const std::exception& e) {
      spdlog::error("jet codec '{}' failed: {}; storing the batch losslessly", spec_.jet_codec, e.what());
    }
  }
  stats_.fallback_jets.Increment();
  EncodedRecord r = jet_lossless_->encode(jets);
  count(jet_lossless_model_);
  return r;
}

}  // namespace daqz
