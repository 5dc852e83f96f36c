// ReliableSender and AckPublisher over inproc sockets: acknowledgements match records by (source,
// run, sequence), overdue records are re-sent, a full replay buffer blocks the sender.
#include "transport/reliable_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "transport/ack_publisher.h"

namespace daqz {
namespace {

using std::chrono::milliseconds;

class ReliableSenderTest : public ::testing::Test {
 protected:
  zmq::context_t ctx{1};
  std::string data_ep, ack_ep;
  SocketOptions opts;
  std::optional<zmq::socket_t> pull, push;

  void SetUp() override {
    static std::atomic<int> n{0};
    const int id = n++;
    data_ep = "inproc://rs-data-" + std::to_string(id);
    ack_ep = "inproc://rs-acks-" + std::to_string(id);
    opts.linger_ms = 0;
    pull.emplace(make_socket(ctx, zmq::socket_type::pull, opts));
    bind_all(*pull, {data_ep});
    push.emplace(make_socket(ctx, zmq::socket_type::push, opts));
    connect_all(*push, {data_ep});
  }
  Message msg(uint64_t run, uint64_t seq) {
    Message m = make_end_of_stream("felix", seq);
    m.envelope.set_run(run);
    return m;
  }
  std::vector<Message> receive_all() {
    std::vector<Message> out;
    while (auto f = recv_frames(*pull, milliseconds(50))) out.push_back(message_from_frames(*f, {}));
    return out;
  }
};

TEST_F(ReliableSenderTest, AcknowledgesByRunAndForwardsTheKey) {
  ReliableSender out(ctx, *push, {ack_ep, "", 16, 60}, opts);
  std::vector<RecordKey> acked;
  out.on_ack = [&](const RecordKey& k) { acked.push_back(k); };
  ASSERT_TRUE(out.send(msg(1, 0), nullptr));
  ASSERT_TRUE(out.send(msg(2, 0), nullptr));  // same source and sequence, next run
  const auto got = receive_all();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].envelope.reply_to(), ack_ep);
  EXPECT_EQ(got[1].envelope.run(), 2u);
  EXPECT_EQ(out.unacked(), 2u);

  AckPublisher acks(ctx, "sink-test", opts);
  acks.add(got[1].envelope.reply_to(), RecordKey::of(got[1].envelope));
  acks.add(ack_ep, {"felix", 3, 0});  // a run this sender never used
  EXPECT_EQ(acks.flush(), 2u);
  for (int i = 0; i < 50 && acked.empty(); ++i) out.service(), std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0], (RecordKey{"felix", 2, 0}));
  EXPECT_EQ(out.unacked(), 1u) << "run 1's record is still waiting";
  EXPECT_EQ(out.acked(), 1u);
}

TEST_F(ReliableSenderTest, ReSendsOnlyOnceAcknowledgementsStall) {
  ReliableSender out(ctx, *push, {ack_ep, "", 16, 0.1}, opts);
  ASSERT_TRUE(out.send(msg(4, 0), nullptr));
  ASSERT_TRUE(out.send(msg(4, 1), nullptr));
  EXPECT_EQ(receive_all().size(), 2u);
  out.service();
  EXPECT_EQ(out.resent(), 0u) << "not overdue yet";
  std::this_thread::sleep_for(milliseconds(150));
  out.service();
  EXPECT_EQ(out.resent(), 2u);
  const auto again = receive_all();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].envelope.run(), 4u) << "a re-send keeps its run";
  AckPublisher acks(ctx, "sink-test", opts);
  for (const auto& m : again) acks.add(ack_ep, RecordKey::of(m.envelope));
  acks.flush();
  EXPECT_TRUE(out.wait_all_acked(2.0));
}

// Acknowledgements taken while a re-send waits on back-pressure erase replay entries, the one being
// re-sent included: the sender must neither touch them afterwards (they were once used through
// dangling pointers: a crash, "pure virtual method called", seen in the ingest kill -9 test) nor
// re-send what was acknowledged meanwhile.
TEST_F(ReliableSenderTest, AcknowledgementsDuringABlockedReSendEraseSafely) {
  ReliableSender out(ctx, *push, {ack_ep, "", 16, 0.05}, opts);
  for (uint64_t i = 0; i < 3; ++i) ASSERT_TRUE(out.send(msg(6, i), nullptr));
  const auto first = receive_all();
  ASSERT_EQ(first.size(), 3u);
  int fillers = 0;  // fill the pipe to the receiver so that the next send waits
  while (send_message(*push, msg(99, 0), milliseconds(0))) ++fillers;
  ASSERT_GT(fillers, 0);
  std::this_thread::sleep_for(milliseconds(100));  // all three are overdue now
  std::thread receiver([&] {
    std::this_thread::sleep_for(milliseconds(200));  // while the first re-send waits: acknowledge all
    AckPublisher acks(ctx, "sink-test", opts);
    for (const auto& m : first) acks.add(ack_ep, RecordKey::of(m.envelope));
    acks.flush();
    std::this_thread::sleep_for(milliseconds(200));  // then make room
    while (recv_frames(*pull, milliseconds(100))) {
    }
  });
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  out.service([&] { return std::chrono::steady_clock::now() > give_up_at; });
  receiver.join();
  EXPECT_EQ(out.unacked(), 0u);
  EXPECT_EQ(out.acked(), 3u);
  EXPECT_EQ(out.resent(), 1u) << "only the re-send already waiting went out; the others were acknowledged";
}

TEST_F(ReliableSenderTest, AFullReplayBufferBlocksTheSender) {
  ReliableSender out(ctx, *push, {ack_ep, "", 2, 60}, opts);
  int blocked = 0;
  out.on_blocked = [&] { ++blocked; };
  ASSERT_TRUE(out.send(msg(1, 0), nullptr));
  ASSERT_TRUE(out.send(msg(1, 1), nullptr));
  int polls = 0;
  EXPECT_FALSE(out.send(msg(1, 2), [&] { return ++polls > 5; })) << "back-pressure until give-up";
  EXPECT_GT(blocked, 0);
  EXPECT_EQ(out.unacked(), 2u);
  EXPECT_EQ(receive_all().size(), 2u) << "the refused message was not sent";
  AckPublisher acks(ctx, "sink-test", opts);
  acks.add(ack_ep, {"felix", 1, 0});
  acks.flush();
  EXPECT_TRUE(out.send(msg(1, 2), [&] { return false; })) << "an acknowledgement frees a slot";
}

TEST_F(ReliableSenderTest, WithoutAnAckEndpointItIsFireAndForget) {
  ReliableSender out(ctx, *push, {"", "", 2, 60}, opts);
  EXPECT_FALSE(out.reliable());
  for (uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(out.send(msg(1, i), nullptr));
  const auto got = receive_all();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_TRUE(got[0].envelope.reply_to().empty());
  EXPECT_EQ(out.unacked(), 0u);
}

TEST(AdvertisedEndpoint, WildcardBecomesLoopback) {
  EXPECT_EQ(advertised_endpoint("tcp://*:5560", ""), "tcp://127.0.0.1:5560");
  EXPECT_EQ(advertised_endpoint("tcp://*:5560", "tcp://host-a:5560"), "tcp://host-a:5560");
}

}  // namespace
}  // namespace daqz
