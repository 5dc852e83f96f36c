#include "wire/validation.h"

namespace daqz {

const char* reject_reason_label(RejectReason r) {
  switch (r) {
    case RejectReason::kTruncated: return "truncated";
    case RejectReason::kBadEnvelope: return "bad_envelope";
    case RejectReason::kSchemaVersion: return "schema_version";
    case RejectReason::kUnknownKind: return "unknown_kind";
    case RejectReason::kBadCrc: return "bad_crc";
    case RejectReason::kOversize: return "oversize";
    case RejectReason::kWrongShape: return "wrong_shape";
    case RejectReason::kWrongDtype: return "wrong_dtype";
    case RejectReason::kBadRuns: return "bad_runs";
    case RejectReason::kAdcRange: return "adc_range";
    case RejectReason::kNonFinite: return "non_finite";
    case RejectReason::kBadRecord: return "bad_record";
    case RejectReason::kCount: break;
  }
  return "unknown";
}

}  // namespace daqz
