// Bad input, from any of the ingest node's threads (receivers reject bad envelopes, encoder workers
// bad CRCs and run lists): counted by reason, logged, and kept byte for byte in the quarantine file.
// Nothing is dropped silently, nothing crashes the node.
//
//   IngestRejects rejects(cfg.quarantine_path, stats);
//   rejects.reject(e.reason(), e.what(), item.frames);
//
// Thread-safe (the quarantine writer serialises its appends).
#pragma once

#include <string>
#include <vector>
#include <zmq.hpp>

#include "nodes/ingest_stats.h"
#include "storage/quarantine.h"

namespace daqz {

class IngestRejects {
 public:
  IngestRejects(const std::string& quarantine_path, IngestStats& stats);
  void reject(RejectReason reason, const std::string& what, const std::vector<zmq::message_t>& frames);

 private:
  IngestStats& stats_;
  QuarantineWriter quarantine_;
};

}  // namespace daqz
