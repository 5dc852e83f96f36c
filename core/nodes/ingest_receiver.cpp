#include "nodes/ingest_receiver.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "base/thread_cpu.h"
#include "transport/curve.h"
#include "transport/zmq_io.h"
#include "wire/message_view.h"

namespace daqz {

IngestReceiver::IngestReceiver(std::string endpoint, const ReceiverConfig& config, zmq::context_t& ctx,
                               const CurveSecurity& curve, EncoderPool& pool, IngestStats& stats,
                               IngestRejects& rejects)
    : endpoint_(std::move(endpoint)),
      config_(config),
      pool_(pool),
      stats_(stats),
      rejects_(rejects),
      pull_(make_bound_pull(ctx, {endpoint_}, config.hwm, config.max_message_bytes, curve.server())) {}

IngestReceiver::~IngestReceiver() {
  if (thread_.joinable()) drain();
}

void IngestReceiver::start() {
  thread_ = std::thread([this] { run(); });
}

void IngestReceiver::drain() {
  draining_ = true;
  if (thread_.joinable()) thread_.join();
}

void IngestReceiver::run() {
  pthread_setname_np(pthread_self(), "receiver");
  while (!draining_) {
    if (auto frames = recv_frames(pull_, std::chrono::milliseconds(100))) handle(*frames);
  }
  // Drain: no new connections, then whatever the socket already holds, until it has been quiet.
  try {
    pull_.unbind(endpoint_);
  } catch (const zmq::error_t&) {
    // A wildcard endpoint ("tcp://*:5555") cannot be unbound by name; the quiet period still empties it.
  }
  const auto quiet = std::chrono::milliseconds(int(config_.drain_quiet_ms));
  while (auto frames = recv_frames(pull_, quiet)) {
    handle(*frames);
    ++drained_;
  }
  spdlog::info("drain: took {} messages still queued in the socket of {}", drained_, endpoint_);
}

void IngestReceiver::handle(std::vector<zmq::message_t>& frames) {
  const double t0 = thread_cpu_seconds();
  size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  stats_.bytes_in.Increment(double(bytes));
  IngestItem item;
  try {
    ValidationLimits limits;
    limits.max_payload_bytes = size_t(config_.max_message_bytes);
    MessageView view = view_frames(frames, limits);
    const wire::Envelope& e = view.envelope;
    if (e.kind() == wire::KIND_END_OF_STREAM) {
      stats_.end_of_stream.Increment();
      spdlog::info("end of stream from '{}' (run {}) after {} messages", e.source_id(), e.run(), e.sequence());
      return;
    }
    if (e.kind() != wire::KIND_WEDGE_ZS && e.kind() != wire::KIND_JET_BATCH)
      throw ValidationError(RejectReason::kUnknownKind,
                            "kind " + wire::Kind_Name(e.kind()) + " is not accepted on the ingest data channel");
    if (!e.reply_to().empty() && !config_.acks_enabled && !warned_no_acks_) {
      warned_no_acks_ = true;
      spdlog::warn("'{}' asks for acknowledgements ({}) but this node has no --ack-listen: it cannot tell when "
                   "records are stored, so it never acknowledges and the sender will re-send",
                   e.source_id(), e.reply_to());
    }
    item.envelope = std::move(view.envelope);
  } catch (const ValidationError& e) {
    rejects_.reject(e.reason(), e.what(), frames);
    stats_.add_stage_cpu(IngestStage::kReceive, thread_cpu_seconds() - t0);
    return;
  }
  item.frames = std::move(frames);
  item.received = std::chrono::steady_clock::now();
  // Blocking hand-off: a full pool stops this thread reading, which is the back-pressure. (Waiting
  // on the queue costs no CPU, so the stage's CPU time stays the receive work itself.)
  while (!pool_.enqueue(item, std::chrono::milliseconds(100))) {
    if (!pool_.accepting()) {
      spdlog::error("encoder pool stopped: message {} not taken (never acknowledged, so a reliable sender "
                    "re-sends it)", describe_message(item.envelope));
      break;
    }
  }
  stats_.add_stage_cpu(IngestStage::kReceive, thread_cpu_seconds() - t0);
}

}  // namespace daqz
