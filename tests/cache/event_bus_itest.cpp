// The Redis event bus against a real Redis (ESTIMATE_TEST_REDIS_URL; skipped without one).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "cache/event_bus.hpp"

namespace estimate::cache {
namespace {

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST(RedisEventBus, DeliversToEveryListenerAndReportsItsGaps) {
  const char* url = std::getenv("ESTIMATE_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') GTEST_SKIP() << "ESTIMATE_TEST_REDIS_URL not set";
  auto address = ParseRedisUrl(url);
  ASSERT_TRUE(address.ok());
  const std::string channel = "estimate-service:test:" + std::to_string(::getpid());
  auto a = MakeRedisEventBus(*address, channel);
  auto b = MakeRedisEventBus(*address, channel);
  std::mutex mu;
  std::vector<std::string> heard;
  std::atomic<int> gaps{0};
  b->Listen({[&](std::string_view m) {
               std::lock_guard lock(mu);
               heard.emplace_back(m);
             },
             [&] { ++gaps; }});
  ASSERT_TRUE(WaitFor([&] { return b->Live(); }));
  EXPECT_GE(gaps.load(), 1);  // subscribing is a gap: what came before may be missed
  a->Publish("user:7");
  a->Publish("family:abc");
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return heard.size() == 2;
  }));
  EXPECT_EQ(heard, (std::vector<std::string>{"user:7", "family:abc"}));
  EXPECT_FALSE(a->Live());  // it never listened
}

TEST(RedisEventBus, IsNotLiveWithoutRedis) {
  auto bus = MakeRedisEventBus({"127.0.0.1", 1, "", 0}, "x");
  std::atomic<int> gaps{0};
  bus->Listen({[](std::string_view) {}, [&] { ++gaps; }});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(bus->Live());
  bus->Publish("user:1");  // does not throw or block for long
  EXPECT_FALSE(MakeLocalEventBus()->Live());
}

TEST(FileEventBus, AnotherProcessesMessageIsAGapAtTheNextSync) {
  const std::string path = ::testing::TempDir() + "/bus-" + std::to_string(::getpid());
  auto server = MakeFileEventBus(path);
  auto cli = MakeFileEventBus(path);  // the command line, in another process
  int gaps = 0;
  server->Listen({[](std::string_view) {}, [&] { ++gaps; }});
  server->Sync();
  EXPECT_TRUE(server->Live());
  const int before = gaps;
  server->Sync();
  EXPECT_EQ(gaps, before);  // nothing new
  cli->Publish("user:7");
  server->Sync();
  EXPECT_EQ(gaps, before + 1);
  // Many messages, each seen: the size only grows until the file starts again.
  for (int i = 0; i < 5; ++i) {
    cli->Publish("family:x");
    server->Sync();
  }
  EXPECT_EQ(gaps, before + 6);
  server->Stop();
  cli->Publish("user:8");
  server->Sync();  // no callback after Stop
  EXPECT_EQ(gaps, before + 6);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace estimate::cache
