// The encoder pool alone (no sockets): items in as the receivers hand them over, records out; bad
// items rejected one by one without stopping their batch; stop() finishes what was queued.
#include "nodes/encoder_pool.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <mutex>

#include "base/crc32c.h"
#include "codec/codec.h"
#include "support/synthetic_wedges.h"
#include "wire/message.h"
#include "wire/message_view.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

IngestItem item_from(const Message& m) {
  IngestItem item;
  item.envelope = m.envelope;
  const std::string env = m.envelope.SerializeAsString();
  item.frames.emplace_back(env.data(), env.size());
  if (!m.payload.empty()) item.frames.emplace_back(m.payload.data(), m.payload.size());
  return item;
}

// The dense ADC values the sender meant, by the wire's own parser (an oracle independent of the pool).
std::vector<uint16_t> sent_adc(const Message& m) { return to_dense(wedge_from_message(m, kOuterWedgeShape)).adc; }

struct PoolFixture : ::testing::Test {
  prometheus::Registry registry;
  IngestStats stats{registry, {}};
  fs::path dir = fs::path(::testing::TempDir()) / ("encoder_pool_" + std::to_string(::getpid()));
  std::unique_ptr<IngestRejects> rejects;
  CodecSpec codecs;
  std::mutex mu;
  std::map<uint64_t, Message> out;
  int ready = 0;
  int validators = 0;

  void SetUp() override {
    fs::create_directories(dir);
    rejects = std::make_unique<IngestRejects>((dir / "q").string(), stats);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::unique_ptr<EncoderPool> make_pool(int workers, size_t max_batch) {
    EncoderPoolConfig c;
    c.workers = workers;
    c.validators = validators;
    c.max_batch = max_batch;
    c.queue_capacity = 4;
    return std::make_unique<EncoderPool>(
        c, codecs, stats, *rejects, nullptr,
        [this](ForwardItem&& f) {
          std::lock_guard<std::mutex> lock(mu);
          out[f.message.envelope.sequence()] = std::move(f.message);
        },
        [this] {
          std::lock_guard<std::mutex> lock(mu);
          ++ready;
        });
  }
};

// The same behaviour whether the workers validate their own batches (0) or validator threads do it
// ahead of them (2).
struct ValidatorModes : PoolFixture, ::testing::WithParamInterface<int> {
  void SetUp() override {
    PoolFixture::SetUp();
    validators = GetParam();
  }
};
INSTANTIATE_TEST_SUITE_P(InWorkersOrAhead, ValidatorModes, ::testing::Values(0, 2));

TEST_P(ValidatorModes, EncodesEveryValidItemAndRejectsBadOnesByReason) {
  auto pool = make_pool(2, 4);
  std::vector<SparseWedge> sent;
  for (uint64_t seq = 0; seq < 12; ++seq) {
    sent.push_back(to_sparse(testing::synthetic_wedge(uint32_t(seq) + 3)));
    Message m = make_wedge_message(sent.back(), "felix-0", seq);
    m.envelope.set_run(42);
    if (seq == 5) m.payload[10] ^= 0x40;                          // corrupted in flight: CRC fails
    if (seq == 7) {  // an ADC above 10 bits, with a CRC that matches: the run-list check must catch it
      m.payload[6] = 0xFF, m.payload[7] = 0xFF;  // the first value of the first run
      m.envelope.set_payload_crc32c(crc32c(m.payload.data(), m.payload.size()));
    }
    IngestItem item = item_from(m);
    ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(10)));
  }
  pool->stop();
  EXPECT_EQ(ready, 2);
  EXPECT_EQ(stats.rejected(RejectReason::kBadCrc).Value(), 1);
  EXPECT_EQ(stats.rejected(RejectReason::kAdcRange).Value(), 1);
  EXPECT_EQ(stats.counts().rejected, 2u);
  EXPECT_EQ(stats.counts().wedges_encoded, 10u);
  ASSERT_EQ(out.size(), 10u);
  EXPECT_FALSE(out.count(5));
  EXPECT_FALSE(out.count(7));
  auto lossless = make_wedge_codec("lossless", {});
  for (const auto& [seq, m] : out) {
    EXPECT_EQ(m.envelope.run(), 42u) << seq;
    EXPECT_EQ(m.envelope.source_id(), "felix-0");
    const Reconstruction r = lossless->decode(record_from_message(m));
    EXPECT_EQ(r.rounded().adc, to_dense(sent[seq]).adc) << "sequence " << seq;
  }
}

TEST_P(ValidatorModes, StopFinishesQueuedItemsAndRefusesNewOnes) {
  auto pool = make_pool(1, 8);
  for (uint64_t seq = 0; seq < 4; ++seq) {
    IngestItem item = item_from(make_wedge_message(to_sparse(testing::synthetic_wedge(9)), "s", seq));
    ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(10)));
  }
  pool->stop();
  EXPECT_EQ(out.size(), 4u);
  EXPECT_FALSE(pool->accepting());
  IngestItem late = item_from(make_wedge_message(to_sparse(testing::synthetic_wedge(9)), "s", 99));
  EXPECT_FALSE(pool->enqueue(late, std::chrono::milliseconds(10)));
  EXPECT_FALSE(late.frames.empty()) << "a refused item must be left with its caller";
}

TEST_F(PoolFixture, UnloadableCodecFallsBackToLosslessAndCounts) {
  codecs.wedge_codec = "no-such-codec";
  auto pool = make_pool(1, 2);
  IngestItem item = item_from(make_wedge_message(to_sparse(testing::synthetic_wedge(1)), "s", 0));
  ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(10)));
  pool->stop();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(record_from_message(out.at(0)).codec_id, "lossless");
  EXPECT_EQ(stats.fallback_wedge.Value(), 1);
}

// Passthrough stores each validated payload as it came, without decoding it: the stored bytes are
// the wire payload's, bad payloads are still rejected by reason, and the records decode exactly.
TEST_P(ValidatorModes, PassthroughStoresValidatedPayloadsAsReceived) {
  codecs.wedge_codec = "passthrough";
  auto pool = make_pool(1, 4);
  std::vector<Message> sent;
  for (uint64_t seq = 0; seq < 6; ++seq) {
    sent.push_back(make_wedge_message(to_sparse(testing::synthetic_wedge(uint32_t(seq) + 20)), "felix-0", seq));
    Message m = sent.back();
    if (seq == 2) {  // an ADC above 10 bits with a matching CRC: only validation can catch it
      m.payload[6] = 0xFF, m.payload[7] = 0xFF;
      m.envelope.set_payload_crc32c(crc32c(m.payload.data(), m.payload.size()));
    }
    IngestItem item = item_from(m);
    ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(10)));
  }
  pool->stop();
  EXPECT_EQ(stats.rejected(RejectReason::kAdcRange).Value(), 1);
  ASSERT_EQ(out.size(), 5u);
  auto passthrough = make_wedge_codec("passthrough", {});
  for (const auto& [seq, m] : out) {
    const EncodedRecord r = record_from_message(m);
    EXPECT_EQ(r.codec_id, "passthrough");
    EXPECT_TRUE(std::equal(r.bytes.begin(), r.bytes.end(), sent[seq].payload.begin(), sent[seq].payload.end()))
        << "sequence " << seq << ": stored bytes differ from the wire payload";
    EXPECT_EQ(passthrough->decode(r).rounded().adc, sent_adc(sent[seq])) << seq;
    EXPECT_EQ(m.envelope.payload_crc32c(), crc32c(m.payload.data(), m.payload.size()))
        << "sequence " << seq << ": the record's CRC (taken over from the wire payload's) is wrong";
  }
  EXPECT_EQ(stats.counts().wedges_encoded, 5u);
  EXPECT_EQ(stats.fallback_wedge.Value(), 0);
}

// A record stored as received takes the wire payload's CRC over; a jet record encoded in the same
// (reused) batch slot right after must get its own.
TEST_P(ValidatorModes, RecordsStoredAsReceivedAndJetRecordsEachCarryTheirPayloadsCrc) {
  codecs.wedge_codec = "passthrough";
  auto pool = make_pool(1, 1);  // one slot, taken by wedges and jet batches in turn
  for (uint64_t seq = 0; seq < 6; ++seq) {
    Message m;
    if (seq % 2 == 0) {
      m = make_wedge_message(to_sparse(testing::synthetic_wedge(uint32_t(seq) + 40)), "felix-0", seq);
    } else {
      JetBatch jets;
      jets.n = 4;
      jets.f = 5;
      jets.values.assign(20, 1.5f + float(seq));
      m = make_jet_message(jets, "felix-0-jets", seq);
    }
    IngestItem item = item_from(m);
    ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(10)));
  }
  pool->stop();
  ASSERT_EQ(out.size(), 6u);
  for (const auto& [seq, m] : out)
    EXPECT_EQ(m.envelope.payload_crc32c(), crc32c(m.payload.data(), m.payload.size())) << "sequence " << seq;
}

// The model identity of what a worker stored (issue 16): one info sample per loaded codec with its
// weights' SHA-256, records and encoder time counted per codec and model; a fallback counts under lossless.
TEST_F(PoolFixture, CountsRecordsPerModelWithTheModelsIdentity) {
  codecs.wedge_codec = "bcae";
  codecs.wedge_options.model_dir = std::string(DAQZ_SOURCE_DIR) + "/deploy/models/bcae-2d-sim";
  auto pool = make_pool(1, 2);
  for (uint64_t seq = 0; seq < 3; ++seq) {
    IngestItem item = item_from(make_wedge_message(to_sparse(testing::synthetic_wedge(uint32_t(seq))), "s", seq));
    ASSERT_TRUE(pool->enqueue(item, std::chrono::seconds(30)));
  }
  pool->stop();
  ASSERT_EQ(out.size(), 3u);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  auto line_with = [&](const std::vector<std::string>& parts) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      bool all = true;
      for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
      if (all) return line;
    }
    return std::string();
  };
  const std::string info = line_with({"daqz_ingest_model_info{", "codec=\"bcae\"", "model=\"bcae-2d-sim\""});
  ASSERT_FALSE(info.empty()) << text;
  EXPECT_NE(info.find("sha256=\"" + record_from_message(out.at(0)).weights_sha256 + "\""), std::string::npos) << info;
  EXPECT_EQ(info.back(), '1');
  const std::string records = line_with({"daqz_ingest_model_records_total{", "model=\"bcae-2d-sim\""});
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.substr(records.rfind(' ') + 1), "3") << records;
  const std::string lossless = line_with({"daqz_ingest_model_records_total{", "codec=\"lossless\"", "kind=\"wedge\""});
  EXPECT_EQ(lossless.substr(lossless.rfind(' ') + 1), "0") << lossless;
}

}  // namespace
}  // namespace daqz
