#include "transport/replay_buffer.h"

#include <gtest/gtest.h>

namespace daqz {
namespace {

using Clock = ReplayBuffer::Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

Message record(const std::string& source, uint64_t run, uint64_t seq) {
  Message m = make_end_of_stream(source, seq);
  m.envelope.set_run(run);
  return m;
}

TEST(ReplayBuffer, AcknowledgementsAreMatchedByRunToo) {
  ReplayBuffer rb(10);
  const auto t = Clock::now();
  rb.add(record("felix", 1, 0), t);
  rb.add(record("felix", 2, 0), t);  // a new run restarts its sequence: a different record
  EXPECT_EQ(rb.size(), 2u);
  EXPECT_FALSE(rb.ack({"felix", 3, 0})) << "an ack for another run acknowledges nothing";
  EXPECT_TRUE(rb.ack({"felix", 2, 0}));
  EXPECT_FALSE(rb.ack({"felix", 2, 0})) << "only the first ack counts";
  EXPECT_EQ(rb.size(), 1u);
  EXPECT_TRUE(rb.ack({"felix", 1, 0}));
  EXPECT_EQ(rb.size(), 0u);
}

TEST(ReplayBuffer, FullAtCapacity) {
  ReplayBuffer rb(3);
  const auto t = Clock::now();
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(rb.full());
    rb.add(record("s", 0, i), t);
  }
  EXPECT_TRUE(rb.full());
  rb.ack({"s", 0, 1});
  EXPECT_FALSE(rb.full());
}

TEST(ReplayBuffer, DueReturnsOverdueRecordsOnceAndRestartsTheirClock) {
  ReplayBuffer rb(10);
  const auto t0 = Clock::now();
  rb.add(record("s", 5, 0), t0);
  rb.add(record("s", 5, 1), t0 + seconds(3));
  EXPECT_TRUE(rb.due(t0 + seconds(2), seconds(5)).empty());
  auto due = rb.due(t0 + seconds(6), seconds(5));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], (RecordKey{"s", 5, 0}));
  ASSERT_NE(rb.find(due[0]), nullptr);
  EXPECT_EQ(rb.find(due[0])->envelope.run(), 5u);
  EXPECT_TRUE(rb.due(t0 + seconds(6) + milliseconds(60), seconds(5)).empty()) << "re-sent just now";
  due = rb.due(t0 + seconds(9), seconds(5));
  ASSERT_EQ(due.size(), 1u) << "record 1 is overdue now; record 0 was re-sent 3 s ago";
  EXPECT_EQ(due[0].sequence, 1u);
  rb.ack(due[0]);
  EXPECT_EQ(rb.find(due[0]), nullptr) << "an acknowledged record is no longer found";
}

TEST(ReplayBuffer, ScansAtMostEveryFiftyMilliseconds) {
  ReplayBuffer rb(10);
  const auto t0 = Clock::now();
  rb.add(record("s", 0, 0), t0);
  EXPECT_EQ(rb.due(t0 + seconds(10), seconds(1)).size(), 1u);
  rb.add(record("s", 0, 1), t0);
  EXPECT_TRUE(rb.due(t0 + seconds(10) + milliseconds(10), seconds(1)).empty());
  EXPECT_EQ(rb.due(t0 + seconds(10) + milliseconds(60), seconds(1)).size(), 1u);
}

}  // namespace
}  // namespace daqz
