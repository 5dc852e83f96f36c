// The ingest node's encoder pool (Triton's dynamic batcher is the model): a bounded queue of received
// items and a set of workers, each with its own codecs (FallbackPolicy), that take dynamic batches
// (up to max_batch items, waiting at most max_delay after the first), validate each item where it
// arrived (payload CRC, run list, decoding into a reused SparseWedge: no per-run or per-voxel
// allocation), encode the batch and hand every record to `output`. The pool knows nothing of sockets.
//
// With validators > 0, that many threads validate and decode instead, between the queue and the
// workers (a second bounded queue), so that a worker only encodes: what a node with spare cores wants
// when its encoder, not the wire, is the limit (e.g. one worker per GPU).
//
//   EncoderPool pool(config, codecs, stats, rejects, fidelity, [&](ForwardItem&& r) { forwarder.enqueue(r); });
//   while (!pool.enqueue(item, 100ms)) if (stopping) break;   // back-pressure: blocks while full
//   pool.in_flight();                                        // queued + being encoded
//   pool.stop();                                             // finish everything taken, join
//
// Bad input is rejected per item (counted by reason, quarantined) and the rest of its batch goes on.
// Thread-safe: enqueue from any number of receivers; `output` is called from the worker threads and
// may block (back-pressure reaches the queue and then the receivers).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "base/wedge.h"
#include "nodes/fallback_policy.h"
#include "nodes/ingest_item.h"
#include "nodes/ingest_rejects.h"
#include "nodes/ingest_stats.h"
#include "runtime/bounded_queue.h"

namespace daqz {

class FidelityMonitor;

struct EncoderPoolConfig {
  static constexpr size_t kDefaultQueueCapacity = 64;
  static constexpr size_t kDefaultMaxBatch = 8;
  static constexpr double kDefaultMaxDelayMs = 5;

  int workers = 1;
  int validators = 0;  // threads validating + decoding ahead of the workers; 0: each worker validates its batch
  size_t queue_capacity = kDefaultQueueCapacity;
  size_t max_batch = kDefaultMaxBatch;
  double max_delay_ms = kDefaultMaxDelayMs;
  WedgeShape wedge_shape = kOuterWedgeShape;
};

class EncoderPool {
 public:
  using Output = std::function<void(ForwardItem&&)>;

  // Starts the workers; each loads its codecs and then calls `on_worker_ready` (readiness).
  EncoderPool(const EncoderPoolConfig& config, const CodecSpec& codecs, IngestStats& stats, IngestRejects& rejects,
              FidelityMonitor* fidelity, Output output, std::function<void()> on_worker_ready);
  ~EncoderPool();  // stop()
  EncoderPool(const EncoderPool&) = delete;
  EncoderPool& operator=(const EncoderPool&) = delete;

  // Blocks while the queue is full, at most `timeout`. False on time-out or after stop(): the item
  // is then left untouched (nothing is dropped; the caller keeps it and tries again).
  bool enqueue(IngestItem& item, std::chrono::milliseconds timeout);
  size_t queued() const { return queue_.size(); }
  bool accepting() const { return !queue_.closed(); }
  size_t in_flight() const;  // queued, being validated, validated and waiting, being encoded
  // Stops intake, lets the workers finish every queued item, joins them. Idempotent.
  void stop();

 private:
  struct Decoded;
  struct Validated;
  bool validate(IngestItem& item, Decoded& decoded, bool store_as_received);
  void validate_loop(int index);
  void work(int index);
  void encode_and_forward(FallbackPolicy& policy, std::vector<IngestItem>& batch, std::vector<Decoded>& decoded,
                          size_t n);

  const EncoderPoolConfig config_;
  const CodecSpec& codecs_;
  IngestStats& stats_;
  IngestRejects& rejects_;
  FidelityMonitor* fidelity_;
  Output output_;
  std::function<void()> on_worker_ready_;
  BoundedQueue<IngestItem> queue_;
  std::unique_ptr<BoundedQueue<Validated>> validated_;  // only with validators
  std::atomic<size_t> validating_{0}, encoding_{0};
  std::atomic<int> validators_running_{0};
  std::vector<std::thread> validators_, workers_;
};

}  // namespace daqz
