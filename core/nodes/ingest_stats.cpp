#include "nodes/ingest_stats.h"

namespace daqz {

IngestStats::IngestStats(prometheus::Registry& r, const IngestTargets& targets)
    : registry_(r),
      messages_in_wedge(add_counter(r, "daqz_ingest_messages_received_total", "Valid data messages received", {{"kind", "wedge"}})),
      messages_in_jets(add_counter(r, "daqz_ingest_messages_received_total", "Valid data messages received", {{"kind", "jets"}})),
      end_of_stream(add_counter(r, "daqz_ingest_end_of_stream_total", "End-of-stream markers received")),
      bytes_in(add_counter(r, "daqz_ingest_received_bytes_total", "Bytes received on the data channel (all frames)")),
      quarantined(add_counter(r, "daqz_ingest_quarantined_frames_total", "Rejected frames kept in the quarantine file")),
      wedges_encoded(add_counter(r, "daqz_ingest_wedges_encoded_total", "TPC wedges encoded (any codec)")),
      jets_encoded(add_counter(r, "daqz_ingest_jets_encoded_total", "Jets encoded (any codec)")),
      fallback_wedge(add_counter(r, "daqz_ingest_fallback_total", "Records stored losslessly because the codec failed", {{"kind", "wedge"}})),
      fallback_jets(add_counter(r, "daqz_ingest_fallback_total", "Records stored losslessly because the codec failed", {{"kind", "jets"}})),
      codec_unavailable(add_counter(r, "daqz_ingest_codec_unavailable_total", "Configured codecs that failed to load at start")),
      records_out(add_counter(r, "daqz_ingest_records_sent_total", "Encoded records sent to sinks (first sends)")),
      bytes_out(add_counter(r, "daqz_ingest_sent_bytes_total", "Bytes sent to sinks, re-sends included")),
      ratio_in_bytes(add_counter(r, "daqz_ingest_encoded_input_bytes_total", "Zero-suppressed wire bytes of the encoded inputs")),
      ratio_out_bytes(add_counter(r, "daqz_ingest_encoded_output_bytes_total", "Stored payload bytes of the encoded records")),
      acks(add_counter(r, "daqz_ingest_acks_total", "Records acknowledged by sinks")),
      upstream_acks(add_counter(r, "daqz_ingest_upstream_acks_total", "Stored records acknowledged to their senders")),
      resent(add_counter(r, "daqz_ingest_resent_records_total", "Records re-sent after an acknowledgement time-out")),
      backpressure_waits(add_counter(r, "daqz_ingest_backpressure_waits_total", "Waits on a full queue or a blocked sink")),
      input_depth(add_gauge(r, "daqz_ingest_queue_depth", "Items waiting in a queue", {{"queue", "input"}})),
      input_capacity(add_gauge(r, "daqz_ingest_queue_capacity", "Queue capacity", {{"queue", "input"}})),
      output_depth(add_gauge(r, "daqz_ingest_queue_depth", "Items waiting in a queue", {{"queue", "output"}})),
      output_capacity(add_gauge(r, "daqz_ingest_queue_capacity", "Queue capacity", {{"queue", "output"}})),
      replay_depth(add_gauge(r, "daqz_ingest_replay_buffer_records", "Records sent but not yet acknowledged")),
      replay_capacity(add_gauge(r, "daqz_ingest_replay_buffer_capacity", "Unacknowledged records kept at most (back-pressure when full)")),
      target_wedges_per_second(add_gauge(r, "daqz_ingest_target_wedges_per_second", "FELIX-rate target of this node")),
      target_bytes_per_second(add_gauge(r, "daqz_ingest_target_bytes_per_second", "FELIX-rate target of this node in received bytes")),
      achieved_wedges_per_second(add_gauge(r, "daqz_ingest_achieved_wedges_per_second", "Wedges encoded per second over the last rate window")),
      achieved_bytes_per_second(add_gauge(r, "daqz_ingest_achieved_bytes_per_second", "Bytes received per second over the last rate window")),
      target_ratio(add_gauge(r, "daqz_ingest_target_ratio", "Achieved / target wedges per second, clipped to [0, 1]")),
      compression_ratio_wedge(add_gauge(r, "daqz_ingest_compression_ratio", "Dense bytes / stored bytes of the encoded records since start", {{"kind", "wedge"}})),
      compression_ratio_jets(add_gauge(r, "daqz_ingest_compression_ratio", "Dense bytes / stored bytes of the encoded records since start", {{"kind", "jets"}})),
      batch_size(add_histogram(r, "daqz_ingest_batch_size", "Items per encoder batch", {1, 2, 4, 8, 16, 32, 64})),
      encode_seconds(add_histogram(r, "daqz_ingest_encode_seconds", "Encoder time per batch",
                                   exponential_buckets(1e-4, 2, 16))),
      latency(add_histogram(r, "daqz_ingest_end_to_end_latency_seconds",
                            "From the sender's timestamp to the record's send to a sink",
                            exponential_buckets(1e-4, 2, 18))),
      rd(r) {
  rejected_by_reason_ = add_reject_counters(r, "daqz_ingest_frames_rejected_total");
  for (size_t i = 0; i < stage_cpu_.size(); ++i)
    stage_cpu_[i] = &add_counter(r, "daqz_ingest_stage_cpu_seconds_total", "CPU time spent per pipeline stage",
                                 {{"stage", ingest_stage_label(IngestStage(i))}});
  target_wedges_per_second.Set(targets.wedges_per_second);
  target_bytes_per_second.Set(targets.bytes_per_second);
}

ModelCounters IngestStats::model(const std::string& kind, const CodecDescriptor& codec) {
  const std::string model = codec.model_name.empty() ? "none" : codec.model_name;
  const std::string version = codec.model_version.empty() ? "none" : codec.model_version;
  add_gauge(registry_, "daqz_ingest_model_info", "Codecs and models loaded (value 1), with the weights' SHA-256",
            {{"kind", kind}, {"codec", codec.codec_id}, {"model", model}, {"version", version},
             {"sha256", codec.weights_sha256.empty() ? "none" : codec.weights_sha256}})
      .Set(1);
  const prometheus::Labels labels = {{"kind", kind}, {"codec", codec.codec_id}, {"model", model}, {"version", version}};
  ModelCounters m;
  m.records = &add_counter(registry_, "daqz_ingest_model_records_total", "Records encoded, per codec and model", labels);
  m.encode_seconds = &add_counter(registry_, "daqz_ingest_model_encode_seconds_total",
                                  "Encoder wall time, per codec and model", labels);
  return m;
}

const char* ingest_stage_label(IngestStage stage) {
  switch (stage) {
    case IngestStage::kReceive: return "receive";
    case IngestStage::kValidate: return "validate";
    case IngestStage::kEncode: return "encode";
    case IngestStage::kSend: return "send";
    case IngestStage::kCount: break;
  }
  return "unknown";
}

void IngestStats::count_wedge_compression(uint64_t dense_bytes, uint64_t stored_bytes) {
  const double dense = double(dense_wedge_bytes_ += dense_bytes);
  compression_ratio_wedge.Set(dense / double(stored_wedge_bytes_ += stored_bytes));
}

void IngestStats::count_jet_compression(uint64_t dense_bytes, uint64_t stored_bytes) {
  const double dense = double(dense_jet_bytes_ += dense_bytes);
  compression_ratio_jets.Set(dense / double(stored_jet_bytes_ += stored_bytes));
}

IngestStats::Counts IngestStats::counts() const {
  auto n = [](const prometheus::Counter& c) { return uint64_t(c.Value()); };
  Counts c;
  c.received = n(messages_in_wedge) + n(messages_in_jets);
  for (const prometheus::Counter* r : rejected_by_reason_) c.rejected += n(*r);
  c.wedges_encoded = n(wedges_encoded);
  c.jets_encoded = n(jets_encoded);
  c.fallback = n(fallback_wedge) + n(fallback_jets);
  c.sent = n(records_out);
  c.acked = n(acks);
  c.resent = n(resent);
  return c;
}

}  // namespace daqz
