#include "nodes/encoder_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <string>

#include "base/thread_cpu.h"
#include "codec_classic/passthrough_codec.h"
#include "nodes/fidelity_monitor.h"
#include "wire/message_view.h"
#include "wire/wedge_payload_view.h"

namespace daqz {

// One item after validation: its decoded content, or rejected.
struct EncoderPool::Decoded {
  bool valid = false;
  bool as_received = false;  // passthrough: validated in place, never decoded (no SparseWedge)
  PayloadView payload;       // into the item's payload frame: re-taken after the item moved
  SparseWedge wedge;         // a worker's slot is reused batch after batch: decode_wedge_payload keeps its capacity
  JetBatch jets;
};

// What a validator thread hands to the encoder workers.
struct EncoderPool::Validated {
  IngestItem item;
  Decoded decoded;
};

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
  if (config_.validators > 0) {
    validated_ = std::make_unique<BoundedQueue<Validated>>(config_.queue_capacity);
    validators_running_ = config_.validators;
    for (int i = 0; i < config_.validators; ++i) validators_.emplace_back([this, i] { validate_loop(i); });
  }
  for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this, i] { work(i); });
}

EncoderPool::~EncoderPool() { stop(); }

bool EncoderPool::enqueue(IngestItem& item, std::chrono::milliseconds timeout) {
  if (queue_.push(item, timeout)) return true;
  if (!queue_.closed()) stats_.backpressure_waits.Increment();
  return false;
}

size_t EncoderPool::in_flight() const {
  return queue_.size() + validating_.load() + (validated_ ? validated_->size() : 0) + encoding_.load();
}

void EncoderPool::stop() {
  queue_.close();
  // Validators drain the input queue, then the last one closes validated_ and the workers drain that.
  for (auto& t : validators_)
    if (t.joinable()) t.join();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

bool EncoderPool::validate(IngestItem& item, Decoded& d, bool store_as_received) {
  // Validate where the bytes arrived: CRC, kind/shape, run list, ADC range; decode into reused storage.
  d.valid = false;
  d.as_received = false;  // a reused slot: a jet batch after a wedge stored as received
  try {
    MessageView view{item.envelope, item.has_payload(), item.payload()};
    verify_payload_crc(view);
    if (item.envelope.kind() == wire::KIND_WEDGE_ZS) {
      d.payload = wedge_payload_of(view, config_.wedge_shape);
      d.as_received = store_as_received;
      if (d.as_received)
        validate_wedge_payload(d.payload, config_.wedge_shape);
      else
        decode_wedge_payload(d.payload, config_.wedge_shape, d.wedge);
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
  return d.valid;
}

void EncoderPool::validate_loop(int index) {
  pthread_setname_np(pthread_self(), ("validator-" + std::to_string(index)).substr(0, 15).c_str());
  // The passthrough codec cannot fail to load, so its choice is known without loading it; a worker
  // whose codec is not passthrough decodes such an item itself (work()).
  const bool store_as_received = codecs_.wedge_codec == kPassthroughCodecId;
  std::vector<IngestItem> got;
  while (!queue_.drained()) {
    got.clear();
    if (queue_.pop_batch(got, config_.max_batch, std::chrono::microseconds(0), std::chrono::milliseconds(100)) == 0)
      continue;
    validating_ += got.size();
    for (IngestItem& item : got) {
      Validated v{std::move(item), {}};
      const double t0 = thread_cpu_seconds();
      const bool ok = validate(v.item, v.decoded, store_as_received);
      stats_.add_stage_cpu(IngestStage::kValidate, thread_cpu_seconds() - t0);
      if (ok) validated_->push(std::move(v));  // blocks while the workers are behind: back-pressure
      --validating_;
    }
  }
  if (--validators_running_ == 0) validated_->close();
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
  // The passthrough codec stores the validated payload as it came: no decode, no re-serialising
  // (the fidelity monitor has nothing to measure on an exact codec).
  const bool store_as_received = policy.stores_wedges_as_received();
  std::vector<IngestItem> batch;
  std::vector<Validated> from_validators;
  std::vector<Decoded> decoded(max_batch);
  while (true) {
    batch.clear();
    size_t n = 0;
    if (validated_) {
      if (validated_->drained()) break;
      from_validators.clear();
      n = validated_->pop_batch(from_validators, max_batch, max_delay, std::chrono::milliseconds(100));
      if (n == 0) continue;
      encoding_ += n;
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(from_validators[i].item));
        decoded[i] = std::move(from_validators[i].decoded);
        Decoded& d = decoded[i];
        if (!d.as_received) continue;
        d.payload = batch[i].payload();  // the item moved: a small payload lives inside its frame
        if (!store_as_received) {        // this worker's codec is not passthrough after all
          const double t0 = thread_cpu_seconds();
          d.as_received = false;
          decode_wedge_payload(d.payload, config_.wedge_shape, d.wedge);
          stats_.add_stage_cpu(IngestStage::kValidate, thread_cpu_seconds() - t0);
        }
      }
    } else {
      if (queue_.drained()) break;
      n = queue_.pop_batch(batch, max_batch, max_delay, std::chrono::milliseconds(100));
      if (n == 0) continue;
      encoding_ += n;
      const double t_validate = thread_cpu_seconds();
      for (size_t i = 0; i < n; ++i) validate(batch[i], decoded[i], store_as_received);
      stats_.add_stage_cpu(IngestStage::kValidate, thread_cpu_seconds() - t_validate);
    }
    stats_.batch_size.Observe(double(n));
    encode_and_forward(policy, batch, decoded, n);
    encoding_ -= n;
  }
}

void EncoderPool::encode_and_forward(FallbackPolicy& policy, std::vector<IngestItem>& batch,
                                     std::vector<Decoded>& decoded, size_t n) {
  std::vector<const SparseWedge*> wedges;
  std::vector<size_t> wedge_index, as_received;
  for (size_t i = 0; i < n; ++i) {
    if (!decoded[i].valid || batch[i].envelope.kind() != wire::KIND_WEDGE_ZS) continue;
    if (decoded[i].as_received) {
      as_received.push_back(i);
    } else {
      wedges.push_back(&decoded[i].wedge);
      wedge_index.push_back(i);
    }
  }
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
    EncodedRecord& r = records[i];
    if (e.kind() == wire::KIND_WEDGE_ZS) {
      stats_.count_wedge_compression(config_.wedge_shape.voxels() * sizeof(uint16_t), r.bytes.size());
      stats_.rd.observe_wedge_record(r, e.source_id());
      if (fidelity_ && !decoded[i].as_received) fidelity_->offer(decoded[i].wedge, r);
    } else {
      stats_.count_jet_compression(uint64_t(decoded[i].jets.n) * decoded[i].jets.f * sizeof(float), r.bytes.size());
    }
    stats_.ratio_in_bytes.Increment(double(r.original_bytes));
    stats_.ratio_out_bytes.Increment(double(r.bytes.size()));
    // A record stored as received holds the payload verify_payload_crc() checked above: same CRC.
    const std::optional<uint32_t> known_crc =
        decoded[i].as_received ? std::optional<uint32_t>(e.payload_crc32c()) : std::nullopt;
    ForwardItem out{make_record_message(std::move(r), e.source_id(), e.sequence(), known_crc), e.timestamp_ns(),
                    e.reply_to()};
    out.message.envelope.set_run(e.run());
    output_(std::move(out));
  }
}

}  // namespace daqz
