#include "nodes/ingest_rejects.h"

#include <spdlog/spdlog.h>

#include "transport/zmq_io.h"

namespace daqz {

IngestRejects::IngestRejects(const std::string& quarantine_path, IngestStats& stats)
    : stats_(stats), quarantine_(quarantine_path) {}

void IngestRejects::reject(RejectReason reason, const std::string& what, const std::vector<zmq::message_t>& frames) {
  stats_.rejected(reason).Increment();
  const bool kept = quarantine_.write(reason, what, raw_frames_bytes(frames));
  if (kept) stats_.quarantined.Increment();
  spdlog::warn("rejected frame ({}): {}{}", reject_reason_label(reason), what, kept ? "" : " [quarantine full]");
}

}  // namespace daqz
