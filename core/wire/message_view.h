// The receive path's message parsing without copies: the Envelope (first frame) is decoded, the
// payload (second frame) stays where it arrived (a PayloadView into the ZeroMQ message). The checks
// are split so that the cheap ones can run on the receiver thread and the per-byte ones (CRC,
// run-list validation) on worker threads:
//
//   MessageView m = parse_envelope(f0.data(), f0.size(), f1.data(), f1.size(), true, limits);  // receiver
//   verify_payload_crc(m);                                              // worker: kBadCrc
//   PayloadView p = wedge_payload_of(m, kOuterWedgeShape);              // worker: kind, dtype, shape
//   decode_wedge_payload(p, kOuterWedgeShape, sparse);                  // worker: runs, ADC range
//
// parse_envelope + verify_payload_crc check exactly what parse_message (wire/message.h) checks, with
// the same reasons and messages; parse_message is built from them. Every function throws
// ValidationError. Thread-safe (pure functions); a MessageView is valid while the frames it views live.
#pragma once

#include <cstddef>

#include "daqz.pb.h"
#include "base/wedge.h"
#include "wire/message.h"
#include "wire/payload_view.h"

namespace daqz {

struct MessageView {
  wire::Envelope envelope;
  bool has_payload = false;
  PayloadView payload;
};

// Envelope size and parse, schema version, known kind, payload present when the kind needs one,
// payload size limit and size vs the envelope's payload_bytes. Not the CRC.
MessageView parse_envelope(const void* envelope, size_t envelope_size, const void* payload, size_t payload_size,
                           bool has_payload, const ValidationLimits& limits = {});

// The payload's CRC32C against the envelope's payload_crc32c (kBadCrc). No-op without a payload.
void verify_payload_crc(const MessageView& message);

// Kind, dtype and shape of a wedge message (kUnknownKind, kWrongDtype, kWrongShape); returns its payload.
PayloadView wedge_payload_of(const MessageView& message, const WedgeShape& expected);
void check_wedge_envelope(const wire::Envelope& envelope, const WedgeShape& expected);

// "message (source 's', sequence n)": how rejections name a message.
std::string describe_message(const wire::Envelope& envelope);

}  // namespace daqz
