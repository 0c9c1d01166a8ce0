#include "cache/redis_client.hpp"

#include <gtest/gtest.h>

namespace estimate::cache {
namespace {

TEST(RedisUrl, ParsesHostPortPasswordAndDb) {
  auto a = ParseRedisUrl("redis://:pw@10.0.0.5:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->password, "pw");
  EXPECT_EQ(a->db, 2);
  auto b = ParseRedisUrl("redis://cache");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->db, 0);
}

TEST(RedisUrl, NamesTheVariableOnBadInput) {
  for (const char* bad : {"http://x", "redis://h:99999", "redis://h/x", "redis://"}) {
    auto r = ParseRedisUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind("REDIS_URL: ", 0), 0u) << r.status().message();
  }
}

TEST(RedisPing, ClosedPortIsUnavailable) {
  Status s = RedisPing({"127.0.0.1", 1, "", 0}, std::chrono::milliseconds(500));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace estimate::cache
