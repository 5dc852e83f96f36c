#include "wire/message_view.h"

#include <string>

#include "base/crc32c.h"

namespace daqz {
namespace {

[[noreturn]] void reject(RejectReason r, const std::string& what) { throw ValidationError(r, what); }

}  // namespace

std::string describe_message(const wire::Envelope& e) {
  return "message (source '" + e.source_id() + "', sequence " + std::to_string(e.sequence()) + ")";
}

MessageView parse_envelope(const void* envelope, size_t envelope_size, const void* payload, size_t payload_size,
                           bool has_payload, const ValidationLimits& limits) {
  if (envelope_size == 0) reject(RejectReason::kTruncated, "message has an empty envelope frame");
  if (envelope_size > limits.max_envelope_bytes)
    reject(RejectReason::kOversize, "envelope of " + std::to_string(envelope_size) + " bytes exceeds " +
                                        std::to_string(limits.max_envelope_bytes));
  MessageView m;
  if (!m.envelope.ParseFromArray(envelope, int(envelope_size)))
    reject(RejectReason::kBadEnvelope, "first frame (" + std::to_string(envelope_size) +
                                           " bytes) is not a daqz Envelope");
  const wire::Envelope& e = m.envelope;
  if (e.schema_version() == 0 || e.schema_version() > kSchemaVersion)
    reject(RejectReason::kSchemaVersion, describe_message(e) + " has schema version " +
                                             std::to_string(e.schema_version()) + ", this build reads 1.." +
                                             std::to_string(kSchemaVersion));
  if (!wire::Kind_IsValid(e.kind()) || e.kind() == wire::KIND_UNSPECIFIED)
    reject(RejectReason::kUnknownKind, describe_message(e) + " has unknown kind " + std::to_string(int(e.kind())));
  const bool needs_payload = e.kind() == wire::KIND_WEDGE_ZS || e.kind() == wire::KIND_JET_BATCH ||
                             e.kind() == wire::KIND_ENCODED_RECORD;
  if (needs_payload && !has_payload)
    reject(RejectReason::kTruncated, describe_message(e) + " lacks its payload frame");
  if (has_payload) {
    if (payload_size > limits.max_payload_bytes)
      reject(RejectReason::kOversize, describe_message(e) + " payload of " + std::to_string(payload_size) +
                                          " bytes exceeds the limit " + std::to_string(limits.max_payload_bytes));
    if (payload_size != e.payload_bytes())
      reject(RejectReason::kTruncated, describe_message(e) + " payload has " + std::to_string(payload_size) +
                                           " bytes, the envelope says " + std::to_string(e.payload_bytes()));
    m.has_payload = true;
    m.payload = PayloadView(payload, payload_size);
  }
  return m;
}

void verify_payload_crc(const MessageView& m) {
  if (!m.has_payload) return;
  const uint32_t crc = crc32c(m.payload.data, m.payload.size);
  if (crc != m.envelope.payload_crc32c())
    reject(RejectReason::kBadCrc, describe_message(m.envelope) + " payload CRC32C is " + std::to_string(crc) +
                                      ", the envelope says " + std::to_string(m.envelope.payload_crc32c()));
}

void check_wedge_envelope(const wire::Envelope& e, const WedgeShape& expected) {
  if (e.kind() != wire::KIND_WEDGE_ZS) reject(RejectReason::kUnknownKind, describe_message(e) + " is not a wedge");
  if (e.dtype() != wire::DTYPE_UINT16)
    reject(RejectReason::kWrongDtype,
           describe_message(e) + " wedge must be uint16, got dtype " + std::to_string(e.dtype()));
  if (e.shape_size() != 3 || WedgeShape{e.shape(0), e.shape(1), e.shape(2)} != expected) {
    std::string got = "(";
    for (int i = 0; i < e.shape_size(); ++i) got += (i ? ", " : "") + std::to_string(e.shape(i));
    reject(RejectReason::kWrongShape,
           describe_message(e) + " has wedge shape " + got + "), expected " + expected.str());
  }
}

PayloadView wedge_payload_of(const MessageView& m, const WedgeShape& expected) {
  check_wedge_envelope(m.envelope, expected);
  return m.payload;
}

}  // namespace daqz
