#include "runtime/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace daqz {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(BoundedQueue, FifoAndBlocksWhenFull) {
  BoundedQueue<int> q(2);
  int a = 1, b = 2, c = 3;
  EXPECT_TRUE(q.push(a, milliseconds(10)));
  EXPECT_TRUE(q.push(b, milliseconds(10)));
  const auto t0 = Clock::now();
  EXPECT_FALSE(q.push(c, milliseconds(30))) << "full: the producer waits, then gives up";
  EXPECT_GE(Clock::now() - t0, milliseconds(25));
  EXPECT_EQ(c, 3) << "a refused item is left untouched";
  EXPECT_EQ(q.pop(milliseconds(1)), 1);
  EXPECT_EQ(q.pop(milliseconds(1)), 2);
  EXPECT_EQ(q.pop(milliseconds(1)), std::nullopt);
}

TEST(BoundedQueue, ABlockedProducerResumesWhenAConsumerTakes) {
  BoundedQueue<std::string> q(1);
  q.push(std::string("first"));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(std::string("second"));
    pushed = true;
  });
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_FALSE(pushed.load()) << "back-pressure: nothing is dropped, the producer waits";
  EXPECT_EQ(q.pop(milliseconds(100)), "first");
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.pop(milliseconds(100)), "second");
}

TEST(BoundedQueue, CloseWakesEveryoneAndStillHandsOutWhatItHolds) {
  BoundedQueue<int> q(4);
  q.push(7);
  q.push(8);
  q.close();
  EXPECT_FALSE(q.push(9));
  EXPECT_TRUE(q.closed());
  EXPECT_FALSE(q.drained());
  EXPECT_EQ(q.pop(milliseconds(1)), 7);
  EXPECT_EQ(q.pop(milliseconds(1)), 8);
  EXPECT_TRUE(q.drained());
  BoundedQueue<int> idle(1);
  std::thread consumer([&] { EXPECT_EQ(idle.pop(std::chrono::seconds(10)), std::nullopt); });
  std::this_thread::sleep_for(milliseconds(20));
  const auto t0 = Clock::now();
  idle.close();
  consumer.join();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1)) << "close must wake a waiting consumer";
}

TEST(BoundedQueue, PopBatchTakesUpToMaxItemsAndWaitsAtMostMaxDelay) {
  BoundedQueue<int> q(16);
  for (int i = 0; i < 10; ++i) q.push(i);
  std::vector<int> out;
  EXPECT_EQ(q.pop_batch(out, 4, microseconds(1000), microseconds(1000)), 4u);
  EXPECT_EQ(out, (std::vector<int>{0, 1, 2, 3}));
  out.clear();
  // 6 items left, asking for 8: it waits up to max_delay for more, then returns what it has.
  const auto t0 = Clock::now();
  EXPECT_EQ(q.pop_batch(out, 8, microseconds(20000), microseconds(1000)), 6u);
  const auto waited = Clock::now() - t0;
  EXPECT_GE(waited, milliseconds(15));
  EXPECT_LT(waited, milliseconds(500));
  out.clear();
  EXPECT_EQ(q.pop_batch(out, 8, microseconds(1000), microseconds(2000)), 0u) << "idle: nothing came";
}

TEST(BoundedQueue, PopBatchCollectsItemsArrivingDuringTheDelay) {
  BoundedQueue<int> q(16);
  q.push(1);
  std::thread late([&] {
    std::this_thread::sleep_for(milliseconds(10));
    q.push(2);
    q.push(3);
  });
  std::vector<int> out;
  EXPECT_EQ(q.pop_batch(out, 3, microseconds(2000000), microseconds(1000)), 3u) << "full batch before the delay";
  late.join();
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3}));
}

TEST(BoundedQueue, ManyProducersAndConsumersLoseNothing) {
  BoundedQueue<int> q(8);
  std::atomic<long> sum{0};
  std::atomic<int> count{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < 4; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < 1000; ++i) q.push(p * 1000 + i);
    });
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c)
    consumers.emplace_back([&] {
      std::vector<int> batch;
      while (!q.drained()) {
        batch.clear();
        q.pop_batch(batch, 5, microseconds(100), microseconds(1000));
        for (int v : batch) sum += v, ++count;
      }
    });
  for (auto& t : threads) t.join();
  q.close();
  for (auto& t : consumers) t.join();
  EXPECT_EQ(count.load(), 4000);
  EXPECT_EQ(sum.load(), 4000L * 3999 / 2);
}

}  // namespace
}  // namespace daqz
