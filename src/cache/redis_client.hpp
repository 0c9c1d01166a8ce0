#pragma once
// A minimal Redis connection (hiredis) for what the service needs so far: reachability. The cache,
// rate-limit counters and cross-instance events of later issues build on the same client.
#include <chrono>
#include <string>

#include "core/status.hpp"

namespace estimate::cache {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};

// Parses redis://[user:password@]host[:port][/db]. The message names REDIS_URL.
Result<RedisAddress> ParseRedisUrl(const std::string& url);

// Connects, authenticates, selects the db and sends PING, all within `timeout`.
Status RedisPing(const RedisAddress& address, std::chrono::milliseconds timeout);

}  // namespace estimate::cache
