#pragma once
// A minimal Redis connection (hiredis) for what the service needs so far: reachability. The cache,
// rate-limit counters and cross-instance events of later issues build on the same client.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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

// One reply of a pipelined command.
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kError };
  Type type = Type::kNil;
  std::int64_t integer = 0;
  std::string text;  // string, status or error text
};

// A small pool of connections to one Redis, for the short synchronous exchanges of the rate
// limiter and the result cache. A connection that fails is dropped; the next call opens a new one,
// so a Redis restart heals by itself. Thread-safe.
class RedisPool {
 public:
  explicit RedisPool(RedisAddress address,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(500),
                     std::size_t max_idle = 16);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Sends the commands (each an argv, binary-safe) in one round trip and returns their replies
  // in order; nullopt when Redis cannot be reached or the connection broke.
  std::optional<std::vector<RedisReply>> Run(const std::vector<std::vector<std::string>>& commands);

 private:
  struct Connection;
  std::unique_ptr<Connection> Take();
  void Give(std::unique_ptr<Connection> connection);

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace estimate::cache
