#include "nodes/encoder_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <string>

#include "base/thread_cpu.h"
#include "nodes/fidelity_monitor.h"
#include "wire/message_view.h"
#include "wire/wedge_payload_view.h"

namespace daqz {
namespace {

// One item of a batch after validation: its decoded content, or rejected.
struct Decoded {
  bool valid = false;
  bool as_received = false;  // passthrough: validated in place, never decoded (no SparseWedge)
  PayloadView payload;
  SparseWedge wedge;  // reused batch after batch: decode_wedge_payload keeps its capacity
  JetBatch jets;
};

}  // namespace

EncoderPool::EncoderPool(const EncoderPoolConfig& config, const CodecSpec& codecs, IngestStats& stats,
                         IngestRejects& rejects, FidelityMonitor* fidelity, Output output,
                         std::function<void()> on_worker_ready)
    : config_(config),
      codecs_(codecs),
      stats_(stats),
      rejects_(rejects),
      fidelity_(fidelity),
      output_(std::move(output)),
      on_worker_ready_(std::move(on_worker_ready)),
      queue_(config.queue_capacity) {
  for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this, i] { work(i); });
}

EncoderPool::~EncoderPool() { stop(); }

bool EncoderPool::enqueue(IngestItem& item, std::chrono::milliseconds timeout) {
  if (queue_.push(item, timeout)) return true;
  if (!queue_.closed()) stats_.backpressure_waits.Increment();
  return false;
}

void EncoderPool::stop() {
  queue_.close();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

void EncoderPool::work(int index) {
  pthread_setname_np(pthread_self(), ("encoder-" + std::to_string(index)).substr(0, 15).c_str());
  FallbackPolicy policy(codecs_, stats_);
  if (on_worker_ready_) on_worker_ready_();
  // A codec that batches well sets the batch size; a worker that fell back to lossless keeps the
  // configured one (lossless has no batch preference).
  const size_t max_batch =
      policy.wedge_codec_loaded() ? std::min(config_.max_batch, policy.preferred_batch()) : config_.max_batch;
  const auto max_delay = std::chrono::microseconds(int64_t(config_.max_delay_ms * 1000));
  std::vector<IngestItem> batch;
  std::vector<Decoded> decoded(max_batch);
  std::vector<const SparseWedge*> wedges;
  std::vector<size_t> wedge_index;
  // The passthrough codec stores the validated payload as it came: no decode, no re-serialising
  // (the fidelity monitor has nothing to measure on an exact codec).
  const bool store_as_received = policy.stores_wedges_as_received();
  std::vector<size_t> as_received;
  while (!queue_.drained()) {
    batch.clear();
    const size_t n = queue_.pop_batch(batch, max_batch, max_delay, std::chrono::milliseconds(100));
    if (n == 0) continue;
    encoding_ += n;
    stats_.batch_size.Observe(double(n));

    // Validate where the bytes arrived: CRC, kind/shape, run list, ADC range; decode into reused storage.
    const double t_validate = thread_cpu_seconds();
    wedges.clear();
    wedge_index.clear();
    as_received.clear();
    for (size_t i = 0; i < n; ++i) {
      IngestItem& item = batch[i];
      Decoded& d = decoded[i];
      d.valid = false;
      try {
        MessageView view{item.envelope, item.has_payload(), item.payload()};
        verify_payload_crc(view);
        if (item.envelope.kind() == wire::KIND_WEDGE_ZS) {
          d.payload = wedge_payload_of(view, config_.wedge_shape);
          d.as_received = store_as_received;
          if (d.as_received) {
            validate_wedge_payload(d.payload, config_.wedge_shape);
            as_received.push_back(i);
          } else {
            decode_wedge_payload(d.payload, config_.wedge_shape, d.wedge);
            wedges.push_back(&d.wedge);
            wedge_index.push_back(i);
          }
          stats_.messages_in_wedge.Increment();
        } else {
          Message m;
          m.envelope = item.envelope;
          const PayloadView p = item.payload();
          m.payload.assign(p.data, p.data + p.size);  // jet batches are a few kB
          d.jets = jets_from_message(m);
          stats_.messages_in_jets.Increment();
        }
        d.valid = true;
      } catch (const ValidationError& e) {
        rejects_.reject(e.reason(), describe_message(item.envelope) + ": " + e.what(), item.frames);
      }
    }
    stats_.add_stage_cpu(IngestStage::kValidate, thread_cpu_seconds() - t_validate);

    // Encode: the wedges as one batch, jet batches one by one; every item keeps its own record.
    const double t_encode = thread_cpu_seconds();
    std::vector<EncodedRecord> records(n);
    if (!wedges.empty()) {
      std::vector<EncodedRecord> encoded = policy.encode_wedges(wedges);
      for (size_t k = 0; k < wedges.size(); ++k) records[wedge_index[k]] = std::move(encoded[k]);
    }
    if (!as_received.empty()) {
      std::vector<PayloadView> payloads;
      for (size_t i : as_received) payloads.push_back(decoded[i].payload);
      std::vector<EncodedRecord> stored = policy.store_wedges_as_received(payloads, config_.wedge_shape);
      for (size_t k = 0; k < as_received.size(); ++k) records[as_received[k]] = std::move(stored[k]);
    }
    for (size_t i = 0; i < n; ++i)
      if (decoded[i].valid && batch[i].envelope.kind() == wire::KIND_JET_BATCH)
        records[i] = policy.encode_jets(decoded[i].jets);
    stats_.add_stage_cpu(IngestStage::kEncode, thread_cpu_seconds() - t_encode);

    for (size_t i = 0; i < n; ++i) {
      if (!decoded[i].valid) continue;
      const wire::Envelope& e = batch[i].envelope;
      const EncodedRecord& r = records[i];
      if (e.kind() == wire::KIND_WEDGE_ZS) {
        stats_.count_wedge_compression(config_.wedge_shape.voxels() * sizeof(uint16_t), r.bytes.size());
        stats_.rd.observe_wedge_record(r, e.source_id());
        if (fidelity_ && !decoded[i].as_received) fidelity_->offer(decoded[i].wedge, r);
      } else {
        stats_.count_jet_compression(uint64_t(decoded[i].jets.n) * decoded[i].jets.f * sizeof(float), r.bytes.size());
      }
      stats_.ratio_in_bytes.Increment(double(r.original_bytes));
      stats_.ratio_out_bytes.Increment(double(r.bytes.size()));
      ForwardItem out{make_record_message(r, e.source_id(), e.sequence()), e.timestamp_ns(), e.reply_to()};
      out.message.envelope.set_run(e.run());
      output_(std::move(out));
    }
    encoding_ -= n;
  }
}

}  // namespace daqz
