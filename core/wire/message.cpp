#include "wire/message.h"

#include <chrono>
#include <cmath>
#include <cstring>

#include "base/crc32c.h"
#include "wire/message_view.h"
#include "wire/wedge_payload.h"

namespace daqz {
namespace {

void set_payload(Message& m, std::vector<uint8_t> payload, std::optional<uint32_t> known_crc = {}) {
  m.payload = std::move(payload);
  m.envelope.set_payload_bytes(m.payload.size());
  m.envelope.set_payload_crc32c(known_crc ? *known_crc : crc32c(m.payload.data(), m.payload.size()));
}

Message make_base(wire::Kind kind, const std::string& source, uint64_t sequence) {
  Message m;
  m.envelope.set_kind(kind);
  m.envelope.set_schema_version(kSchemaVersion);
  m.envelope.set_source_id(source);
  m.envelope.set_sequence(sequence);
  m.envelope.set_timestamp_ns(now_ns());
  return m;
}

[[noreturn]] void reject(RejectReason r, const std::string& what) { throw ValidationError(r, what); }

}  // namespace

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

Message make_wedge_message(const SparseWedge& wedge, const std::string& source, uint64_t sequence) {
  Message m = make_base(wire::KIND_WEDGE_ZS, source, sequence);
  m.envelope.add_shape(wedge.shape.azimuth);
  m.envelope.add_shape(wedge.shape.time);
  m.envelope.add_shape(wedge.shape.layer);
  m.envelope.set_dtype(wire::DTYPE_UINT16);
  set_payload(m, serialize_wedge_payload(wedge));
  return m;
}

Message make_jet_message(const JetBatch& jets, const std::string& source, uint64_t sequence) {
  Message m = make_base(wire::KIND_JET_BATCH, source, sequence);
  m.envelope.add_shape(jets.n);
  m.envelope.add_shape(jets.f);
  m.envelope.set_dtype(wire::DTYPE_FLOAT32);
  m.envelope.set_feature_schema_id(jets.schema_id);
  std::vector<uint8_t> bytes(jets.values.size() * sizeof(float));
  std::memcpy(bytes.data(), jets.values.data(), bytes.size());
  set_payload(m, std::move(bytes));
  return m;
}

namespace {

// A record message's envelope, without its payload.
Message record_message_base(const EncodedRecord& r, const std::string& source, uint64_t sequence) {
  Message m = make_base(wire::KIND_ENCODED_RECORD, source, sequence);
  for (uint32_t d : r.latent_shape) m.envelope.add_shape(d);
  m.envelope.set_dtype(wire::DTYPE_BYTES);
  wire::RecordMeta* meta = m.envelope.mutable_record_meta();
  meta->set_codec_id(r.codec_id);
  meta->set_model_name(r.model_name);
  meta->set_model_version(r.model_version);
  meta->set_weights_sha256(r.weights_sha256);
  for (uint32_t d : r.latent_shape) meta->add_latent_shape(d);
  meta->set_original_kind(r.original_kind == PayloadKind::kJets ? wire::KIND_JET_BATCH : wire::KIND_WEDGE_ZS);
  for (uint32_t d : r.original_shape) meta->add_original_shape(d);
  meta->set_original_bytes(uint32_t(r.original_bytes));
  for (const auto& [k, v] : r.params) (*meta->mutable_params())[k] = v;
  return m;
}

}  // namespace

Message make_record_message(const EncodedRecord& r, const std::string& source, uint64_t sequence) {
  Message m = record_message_base(r, source, sequence);
  set_payload(m, r.bytes);
  return m;
}

Message make_record_message(EncodedRecord&& r, const std::string& source, uint64_t sequence,
                            std::optional<uint32_t> bytes_crc32c) {
  Message m = record_message_base(r, source, sequence);
  set_payload(m, std::move(r.bytes), bytes_crc32c);
  return m;
}

Message make_end_of_stream(const std::string& source, uint64_t sequence) {
  return make_base(wire::KIND_END_OF_STREAM, source, sequence);
}

Message parse_message(const void* envelope, size_t envelope_size, const void* payload, size_t payload_size,
                      bool has_payload, const ValidationLimits& limits) {
  MessageView view = parse_envelope(envelope, envelope_size, payload, payload_size, has_payload, limits);
  verify_payload_crc(view);
  Message m;
  m.envelope = std::move(view.envelope);
  if (view.has_payload) m.payload.assign(view.payload.data, view.payload.data + view.payload.size);
  return m;
}

SparseWedge wedge_from_message(const Message& m, const WedgeShape& expected) {
  check_wedge_envelope(m.envelope, expected);
  return parse_wedge_payload(m.payload.data(), m.payload.size(), expected);
}

JetBatch jets_from_message(const Message& m) {
  const wire::Envelope& e = m.envelope;
  if (e.kind() != wire::KIND_JET_BATCH) reject(RejectReason::kUnknownKind, describe_message(e) + " is not a jet batch");
  if (e.dtype() != wire::DTYPE_FLOAT32)
    reject(RejectReason::kWrongDtype, describe_message(e) + " jets must be float32");
  if (e.shape_size() != 2 || e.shape(0) == 0 || e.shape(1) == 0 || e.shape(1) > 64)
    reject(RejectReason::kWrongShape, describe_message(e) + " jet batch must have shape (N > 0, 0 < F <= 64)");
  JetBatch b;
  b.schema_id = e.feature_schema_id();
  b.n = e.shape(0);
  b.f = e.shape(1);
  if (m.payload.size() != size_t(b.n) * b.f * sizeof(float))
    reject(RejectReason::kWrongShape, describe_message(e) + " payload of " + std::to_string(m.payload.size()) +
                                          " bytes does not hold " + std::to_string(b.n) + " x " +
                                          std::to_string(b.f) + " float32");
  b.values.resize(size_t(b.n) * b.f);
  std::memcpy(b.values.data(), m.payload.data(), m.payload.size());
  for (size_t i = 0; i < b.values.size(); ++i)
    if (!std::isfinite(b.values[i]))
      reject(RejectReason::kNonFinite, describe_message(e) + " jet " + std::to_string(i / b.f) + " feature " +
                                           std::to_string(i % b.f) + " is not finite");
  return b;
}

void check_record_envelope(const wire::Envelope& e) {
  if (e.kind() != wire::KIND_ENCODED_RECORD || !e.has_record_meta())
    reject(RejectReason::kBadRecord, describe_message(e) + " is not an encoded record with metadata");
  if (e.record_meta().codec_id().empty())
    reject(RejectReason::kBadRecord, describe_message(e) + " record lacks a codec id");
}

EncodedRecord record_from_message(const Message& m) {
  const wire::Envelope& e = m.envelope;
  check_record_envelope(e);
  const wire::RecordMeta& meta = e.record_meta();
  EncodedRecord r;
  r.codec_id = meta.codec_id();
  r.model_name = meta.model_name();
  r.model_version = meta.model_version();
  r.weights_sha256 = meta.weights_sha256();
  r.latent_shape.assign(meta.latent_shape().begin(), meta.latent_shape().end());
  r.original_kind = meta.original_kind() == wire::KIND_JET_BATCH ? PayloadKind::kJets : PayloadKind::kWedge;
  r.original_shape.assign(meta.original_shape().begin(), meta.original_shape().end());
  r.original_bytes = meta.original_bytes();
  for (const auto& [k, v] : meta.params()) r.params[k] = v;
  r.bytes = m.payload;
  return r;
}

std::vector<uint8_t> pack_message(const Message& m) {
  const std::string env = m.envelope.SerializeAsString();
  std::vector<uint8_t> out(4 + env.size() + m.payload.size());
  const uint32_t n = uint32_t(env.size());
  std::memcpy(out.data(), &n, 4);
  std::memcpy(out.data() + 4, env.data(), env.size());
  if (!m.payload.empty()) std::memcpy(out.data() + 4 + env.size(), m.payload.data(), m.payload.size());
  return out;
}

Message unpack_message(const uint8_t* data, size_t size, const ValidationLimits& limits) {
  if (size < 4) reject(RejectReason::kTruncated, "packed message shorter than its length prefix");
  uint32_t n;
  std::memcpy(&n, data, 4);
  if (size_t(n) > size - 4) reject(RejectReason::kTruncated, "packed message envelope runs past its end");
  const size_t payload_size = size - 4 - n;
  Message m = parse_message(data + 4, n, data + 4 + n, payload_size, true, limits);
  if (payload_size == 0 && m.envelope.payload_bytes() == 0) m.payload.clear();
  return m;
}

}  // namespace daqz
