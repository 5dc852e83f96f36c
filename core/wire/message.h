// A daqz message: the Protobuf Envelope (first ZeroMQ frame) plus an optional raw payload (second
// frame). This file builds messages of each kind and validates received ones.
//
//   Message m = make_wedge_message(sparse, "felix-sim-0", seq);
//   std::string env = m.envelope.SerializeAsString();            // frame 1; m.payload is frame 2
//   ...
//   Message got = parse_message(env_bytes, env_size, payload_ptr, payload_size, has_payload, limits);
//   SparseWedge w = wedge_from_message(got, kOuterWedgeShape);  // throws ValidationError
//
// All parse/validate functions throw ValidationError (wire/validation.h) whose reason() feeds the
// rejection counters; they never crash on any input. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/records.h"
#include "daqz.pb.h"
#include "base/wedge.h"
#include "wire/validation.h"

namespace daqz {

inline constexpr uint32_t kSchemaVersion = 1;

struct Message {
  wire::Envelope envelope;
  std::vector<uint8_t> payload;
};

struct ValidationLimits {
  size_t max_payload_bytes = 64u << 20;   // a dense wedge is 1.5 MB; 64 MiB bounds any batch
  size_t max_envelope_bytes = 64u << 10;
};

uint64_t now_ns();

Message make_wedge_message(const SparseWedge& wedge, const std::string& source, uint64_t sequence);
Message make_jet_message(const JetBatch& jets, const std::string& source, uint64_t sequence);
Message make_record_message(const EncodedRecord& record, const std::string& source, uint64_t sequence);
// Moves the bytes in. `bytes_crc32c`, when set, is their CRC32C already known (the passthrough codec's
// bytes are a payload whose CRC was checked on receipt): it is used instead of reading them again.
Message make_record_message(EncodedRecord&& record, const std::string& source, uint64_t sequence,
                            std::optional<uint32_t> bytes_crc32c = std::nullopt);
Message make_end_of_stream(const std::string& source, uint64_t sequence);

// Validates the envelope (parse, schema version, known kind, payload size and CRC).
Message parse_message(const void* envelope, size_t envelope_size, const void* payload, size_t payload_size,
                      bool has_payload, const ValidationLimits& limits = {});

// Kind-specific validation and decoding.
SparseWedge wedge_from_message(const Message& m, const WedgeShape& expected);
JetBatch jets_from_message(const Message& m);
EncodedRecord record_from_message(const Message& m);
// What record_from_message checks, on the envelope alone (kBadRecord): for a sink that stores the
// payload where it arrived.
void check_record_envelope(const wire::Envelope& envelope);

// Serialises a whole message into one buffer (u32 envelope length, envelope, payload) and back:
// the unit stored in segment files and quarantine files.
std::vector<uint8_t> pack_message(const Message& m);
Message unpack_message(const uint8_t* data, size_t size, const ValidationLimits& limits = {});

}  // namespace daqz
