// Why a frame was rejected. Every reason has a stable label used in logs, quarantine files and
// the daqz_frames_rejected_total{reason=...} counter, so operators can tell failures apart.
#pragma once

#include <stdexcept>
#include <string>

namespace daqz {

enum class RejectReason {
  kTruncated,       // fewer frames or bytes than the envelope promises
  kBadEnvelope,     // first frame is not a parseable Envelope
  kSchemaVersion,   // newer schema than this build understands
  kUnknownKind,     // kind not in the enum, or not accepted on this channel
  kBadCrc,          // payload CRC32C mismatch
  kOversize,        // payload above the configured maximum
  kWrongShape,      // shape missing, of wrong rank, or not the configured wedge/jet shape
  kWrongDtype,      // dtype does not match the kind
  kBadRuns,         // run list out of order, overlapping, outside the shape
  kAdcRange,        // ADC value <= 64 inside a run, or > 1023
  kNonFinite,       // NaN or inf where finite values are required (jets)
  kBadRecord,       // encoded record lacks codec metadata
  kCount
};

const char* reject_reason_label(RejectReason r);  // "bad_crc", "wrong_shape", ...

// Thrown by frame and payload validation. what() names the object and what was expected.
class ValidationError : public std::runtime_error {
 public:
  ValidationError(RejectReason reason, const std::string& what)
      : std::runtime_error(what), reason_(reason) {}
  RejectReason reason() const { return reason_; }

 private:
  RejectReason reason_;
};

}  // namespace daqz
