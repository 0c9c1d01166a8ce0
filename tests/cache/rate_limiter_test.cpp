#include "cache/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace estimate::cache {
namespace {

TEST(InProcessRateLimiter, AllowsTheLimitPerWindowThenSaysWhenToRetry) {
  auto limiter = MakeInProcessRateLimiter(3, std::chrono::seconds(60));
  const std::int64_t t0 = 1'800'000'000;  // the start of a 60 s window
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter->Hit("ip:1", t0 + 10).allowed) << i;
  auto refused = limiter->Hit("ip:1", t0 + 10);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after.count(), 50);
  EXPECT_TRUE(limiter->Hit("ip:2", t0 + 10).allowed) << "keys count apart";
  EXPECT_TRUE(limiter->Hit("ip:1", t0 + 60).allowed) << "a new window starts afresh";
}

TEST(InProcessRateLimiter, CountsExactlyUnderConcurrency) {
  auto limiter = MakeInProcessRateLimiter(1000, std::chrono::seconds(60));
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter->Hit("k", 1'800'000'000).allowed) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(RedisRateLimiter, FailsOpenWhenRedisIsUnreachable) {
  auto limiter = MakeRedisRateLimiter({"127.0.0.1", 1, "", 0}, 1, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter->Hit("k", 1'800'000'000).allowed);
}

}  // namespace
}  // namespace estimate::cache
