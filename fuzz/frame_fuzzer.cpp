// libFuzzer target: the receive path of daqz-ingest and daqz-sink, from raw ZeroMQ frames to a
// validated message and its kind-specific payload (core/wire, transport/zmq_io.h), plus the
// packed form stored in segment and quarantine files.
//
// Input: the quarantine "raw frames" layout (u32 frame count, then u32 length + bytes per frame,
// little-endian), so quarantined frames from a real service are valid corpus entries. Lengths that
// run past the end are clipped, so every input is some list of frames.
//
// Oracles: validation may only fail with ValidationError (anything else escapes and libFuzzer
// reports it); an accepted wedge payload re-serialises to the very same bytes; pack/unpack of an
// accepted message round-trips (as a message). AddressSanitizer and UBSan catch memory errors and UB.
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <zmq.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "transport/zmq_io.h"
#include "wire/message.h"
#include "wire/wedge_payload.h"

namespace {

std::vector<zmq::message_t> split_frames(const uint8_t* data, size_t size) {
  std::vector<zmq::message_t> frames;
  auto get32 = [&](size_t& at, uint32_t& v) {
    if (at + 4 > size) return false;
    std::memcpy(&v, data + at, 4);
    at += 4;
    return true;
  };
  size_t at = 0;
  uint32_t count = 0;
  if (!get32(at, count)) return frames;
  for (uint32_t i = 0; i < count && i < 4; ++i) {  // more than 2 frames is already invalid
    uint32_t len = 0;
    if (!get32(at, len)) break;
    const size_t n = std::min<size_t>(len, size - at);
    frames.emplace_back(data + at, n);
    at += n;
  }
  return frames;
}

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "frame_fuzzer: oracle failed: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace daqz;
  // Protobuf logs every invalid UTF-8 string it parses; millions of lines would drown findings.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  ValidationLimits limits;
  limits.max_payload_bytes = 4u << 20;  // keeps iterations fast; the logic is the same as 64 MiB
  const auto frames = split_frames(data, size);
  try {
    const Message m = message_from_frames(frames, limits);
    switch (m.envelope.kind()) {
      case wire::KIND_WEDGE_ZS: {
        const SparseWedge w = wedge_from_message(m, kOuterWedgeShape);
        if (serialize_wedge_payload(w) != m.payload) finding("accepted wedge payload does not re-serialise");
        break;
      }
      case wire::KIND_JET_BATCH: {
        const JetBatch j = jets_from_message(m);
        if (j.values.size() != size_t(j.n) * j.f) finding("jet batch size mismatch");
        break;
      }
      case wire::KIND_ENCODED_RECORD: {
        const EncodedRecord r = record_from_message(m);
        if (r.bytes.size() != m.payload.size()) finding("record bytes differ from the payload");
        break;
      }
      default:
        break;
    }
    const std::vector<uint8_t> packed = pack_message(m);
    const Message back = unpack_message(packed.data(), packed.size(), limits);
    // Compared as messages, not bytes: protobuf does not promise one byte order for map fields
    // (record params), so re-serialising may reorder entries without changing the message.
    if (back.payload != m.payload || !google::protobuf::util::MessageDifferencer::Equals(back.envelope, m.envelope))
      finding("pack/unpack does not round-trip");
  } catch (const ValidationError&) {
    // the expected outcome for malformed input: counted and quarantined by the services
  }
  // The same bytes as a stored (segment/quarantine) message body.
  try {
    (void)unpack_message(data, size, limits);
  } catch (const ValidationError&) {
  }
  return 0;
}
