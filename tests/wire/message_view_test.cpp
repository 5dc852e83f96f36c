#include "wire/message_view.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "support/synthetic_wedges.h"
#include "wire/wedge_payload_view.h"

namespace daqz {
namespace {

const WedgeShape kSmall{6, 20, 4};

struct Frames {
  std::string envelope;
  std::vector<uint8_t> payload;
};

Frames frames_of(const Message& m) { return {m.envelope.SerializeAsString(), m.payload}; }

std::optional<RejectReason> reason_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    return e.reason();
  }
  return std::nullopt;
}

TEST(MessageView, PayloadStaysWhereItArrived) {
  const SparseWedge w = to_sparse(testing::synthetic_wedge(1, kSmall, 0.2));
  const Frames f = frames_of(make_wedge_message(w, "felix-0", 7));
  const MessageView m = parse_envelope(f.envelope.data(), f.envelope.size(), f.payload.data(), f.payload.size(), true);
  EXPECT_EQ(m.payload.data, f.payload.data());  // no copy
  EXPECT_EQ(m.payload.size, f.payload.size());
  EXPECT_EQ(m.envelope.source_id(), "felix-0");
  EXPECT_EQ(m.envelope.sequence(), 7u);
  verify_payload_crc(m);
  SparseWedge back;
  decode_wedge_payload(wedge_payload_of(m, kSmall), kSmall, back);
  EXPECT_EQ(back.values, w.values);
  EXPECT_EQ(back.runs.size(), w.runs.size());
}

TEST(MessageView, CrcIsCheckedOnlyWhenAsked) {
  Frames f = frames_of(make_wedge_message(to_sparse(testing::synthetic_wedge(2, kSmall, 0.2)), "s", 1));
  f.payload[f.payload.size() / 2] ^= 0x04;
  const MessageView m = parse_envelope(f.envelope.data(), f.envelope.size(), f.payload.data(), f.payload.size(), true);
  EXPECT_EQ(reason_of([&] { verify_payload_crc(m); }), RejectReason::kBadCrc);
  // parse_message (the copying form) still checks it up front, with the same message.
  std::string via_view, via_message;
  try {
    verify_payload_crc(m);
  } catch (const ValidationError& e) {
    via_view = e.what();
  }
  try {
    parse_message(f.envelope.data(), f.envelope.size(), f.payload.data(), f.payload.size(), true);
  } catch (const ValidationError& e) {
    via_message = e.what();
  }
  EXPECT_FALSE(via_view.empty());
  EXPECT_EQ(via_view, via_message);
}

TEST(MessageView, EnvelopeChecksKeepTheirReasons) {
  const Frames good = frames_of(make_wedge_message(to_sparse(testing::synthetic_wedge(3, kSmall, 0.2)), "s", 1));
  auto parse = [](const std::string& env, const std::vector<uint8_t>& payload, bool has_payload,
                  ValidationLimits limits = {}) {
    return reason_of([&] { parse_envelope(env.data(), env.size(), payload.data(), payload.size(), has_payload, limits); });
  };
  EXPECT_EQ(parse("", good.payload, true), RejectReason::kTruncated);
  EXPECT_EQ(parse("\xff\xff\xff", good.payload, true), RejectReason::kBadEnvelope);
  EXPECT_EQ(parse(good.envelope, good.payload, false), RejectReason::kTruncated);  // payload frame missing
  std::vector<uint8_t> shorter(good.payload.begin(), good.payload.end() - 2);
  EXPECT_EQ(parse(good.envelope, shorter, true), RejectReason::kTruncated);  // size vs payload_bytes
  ValidationLimits tight;
  tight.max_payload_bytes = good.payload.size() - 1;
  EXPECT_EQ(parse(good.envelope, good.payload, true, tight), RejectReason::kOversize);
  tight = {};
  tight.max_envelope_bytes = good.envelope.size() - 1;
  EXPECT_EQ(parse(good.envelope, good.payload, true, tight), RejectReason::kOversize);

  wire::Envelope e;
  ASSERT_TRUE(e.ParseFromString(good.envelope));
  e.set_schema_version(kSchemaVersion + 1);
  EXPECT_EQ(parse(e.SerializeAsString(), good.payload, true), RejectReason::kSchemaVersion);
  e.set_schema_version(kSchemaVersion);
  e.set_kind(wire::Kind(99));
  EXPECT_EQ(parse(e.SerializeAsString(), good.payload, true), RejectReason::kUnknownKind);
}

TEST(MessageView, WedgeEnvelopeChecksKeepTheirReasons) {
  const Message good = make_wedge_message(to_sparse(testing::synthetic_wedge(4, kSmall, 0.2)), "s", 1);
  auto check = [&](const wire::Envelope& e, WedgeShape shape) {
    MessageView m;
    m.envelope = e;
    m.has_payload = true;
    m.payload = PayloadView(good.payload);
    return reason_of([&] { wedge_payload_of(m, shape); });
  };
  EXPECT_EQ(check(good.envelope, kSmall), std::nullopt);
  EXPECT_EQ(check(good.envelope, kOuterWedgeShape), RejectReason::kWrongShape);
  wire::Envelope e = good.envelope;
  e.set_dtype(wire::DTYPE_FLOAT32);
  EXPECT_EQ(check(e, kSmall), RejectReason::kWrongDtype);
  e = good.envelope;
  e.add_shape(1);
  EXPECT_EQ(check(e, kSmall), RejectReason::kWrongShape);
  e = good.envelope;
  e.set_kind(wire::KIND_JET_BATCH);
  EXPECT_EQ(check(e, kSmall), RejectReason::kUnknownKind);
}

}  // namespace
}  // namespace daqz
