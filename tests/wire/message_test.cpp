// Envelope packing (the unit stored in segments) and the run field: old records (no run) read as
// run 0 and are byte-identical to what a pre-run writer produced.
#include "wire/message.h"

#include <gtest/gtest.h>

#include "wire/record_key.h"

namespace daqz {
namespace {

Message sample(uint64_t run) {
  EncodedRecord r;
  r.codec_id = "lossless";
  r.latent_shape = {5};
  r.original_shape = {192, 249, 16};
  r.original_bytes = 77;
  r.params["threshold"] = "0.5";
  r.bytes = {1, 2, 3, 4, 5};
  Message m = make_record_message(r, "felix-sim-0/link-3", 41);
  m.envelope.set_run(run);
  m.envelope.set_reply_to("tcp://127.0.0.1:5557");
  return m;
}

TEST(MessagePacking, RoundTripsEnvelopePayloadAndRun) {
  const Message m = sample(1718000000123);
  const auto packed = pack_message(m);
  const Message got = unpack_message(packed.data(), packed.size());
  EXPECT_EQ(got.envelope.SerializeAsString(), m.envelope.SerializeAsString());
  EXPECT_EQ(got.payload, m.payload);
  EXPECT_EQ(RecordKey::of(got.envelope), (RecordKey{"felix-sim-0/link-3", 1718000000123, 41}));
  EXPECT_EQ(record_from_message(got).params.at("threshold"), "0.5");
}

TEST(MessagePacking, RecordsWithoutARunAreRunZeroAndUnchangedOnTheWire) {
  Message m = sample(0);
  const std::string without = m.envelope.SerializeAsString();
  m.envelope.set_run(9);
  const std::string with = m.envelope.SerializeAsString();
  EXPECT_GT(with.size(), without.size());
  m.envelope.set_run(0);
  EXPECT_EQ(m.envelope.SerializeAsString(), without) << "run 0 is not written: old readers see the old bytes";
  wire::Envelope old;
  ASSERT_TRUE(old.ParseFromString(without));
  EXPECT_EQ(old.run(), 0u);
}

TEST(MessagePacking, UnpackRejectsDamagedInput) {
  const auto packed = pack_message(sample(3));
  auto expect_reason = [](std::vector<uint8_t> b, RejectReason r) {
    try {
      unpack_message(b.data(), b.size());
      ADD_FAILURE() << "accepted damaged input";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.reason(), r) << e.what();
    }
  };
  expect_reason({1, 2}, RejectReason::kTruncated);
  auto b = packed;
  b[0] = 0xFF, b[1] = 0xFF;  // envelope length past the end
  expect_reason(b, RejectReason::kTruncated);
  b = packed;
  b.back() ^= 1;  // payload byte: its CRC no longer matches
  expect_reason(b, RejectReason::kBadCrc);
  b = packed;
  b.pop_back();  // one payload byte short of payload_bytes
  expect_reason(b, RejectReason::kTruncated);
  b = packed;
  b[4] = 0xFF;  // the envelope itself
  b[5] = 0xFF;
  EXPECT_THROW(unpack_message(b.data(), b.size()), ValidationError);
}

TEST(MessagePacking, AckEntriesCarryTheRun) {
  wire::Envelope ack;
  ack.set_kind(wire::KIND_ACK);
  auto* a = ack.add_acks();
  a->set_source_id("s");
  a->set_run(12);
  a->set_sequence(3);
  wire::Envelope back;
  ASSERT_TRUE(back.ParseFromString(ack.SerializeAsString()));
  EXPECT_EQ(RecordKey::of(back.acks(0)), (RecordKey{"s", 12, 3}));
}

TEST(RecordKey, OrdersBySourceRunSequenceAndNamesFiles) {
  EXPECT_LT((RecordKey{"a", 2, 0}), (RecordKey{"b", 1, 0}));
  EXPECT_LT((RecordKey{"a", 1, 9}), (RecordKey{"a", 2, 0}));
  EXPECT_NE((RecordKey{"a", 1, 0}), (RecordKey{"a", 2, 0}));
  EXPECT_EQ(record_file_stem({"felix-sim-0", 0, 17}), "felix-sim-0_17") << "run 0 keeps the old names";
  EXPECT_EQ(record_file_stem({"felix-sim-0", 1718, 17}), "felix-sim-0_r1718_17");
}

}  // namespace
}  // namespace daqz
