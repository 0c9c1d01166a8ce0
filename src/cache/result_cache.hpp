#pragma once
// Computed results (an estimate's figures as served JSON, an ОСР, a ССР) kept for the next reader.
//
// Keys name an immutable value: they carry the version of what was computed
// ("estimate:<org>:<id>:v<version>:view"), so an entry is never stale and invalidation is a matter
// of the version moving on — which every instance sees at once, because each request reads the
// current version from the database before it looks here. Old versions age out (LRU in process,
// TTL in Redis).
//
// In process by default; with REDIS_URL the entries are shared between instances (an instance
// that did not compute a result finds it there) with a small in-process layer in front. Redis
// failures are misses: the cache never fails a request. Thread-safe.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cache/redis_client.hpp"

namespace estimate::cache {

class ResultCache {
 public:
  virtual ~ResultCache() = default;
  // The value of `key`, or null.
  virtual std::shared_ptr<const std::string> Get(const std::string& key) = 0;
  virtual void Put(const std::string& key, std::shared_ptr<const std::string> value) = 0;
};

// Counts the answers of another cache (for the hit ratio on /metrics); `hits` and `misses` must
// outlive it.
class CountingResultCache : public ResultCache {
 public:
  CountingResultCache(std::unique_ptr<ResultCache> inner, std::atomic<std::uint64_t>& hits,
                      std::atomic<std::uint64_t>& misses)
      : inner_(std::move(inner)), hits_(hits), misses_(misses) {}
  std::shared_ptr<const std::string> Get(const std::string& key) override {
    auto value = inner_->Get(key);
    (value ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
    return value;
  }
  void Put(const std::string& key, std::shared_ptr<const std::string> value) override {
    inner_->Put(key, std::move(value));
  }

 private:
  std::unique_ptr<ResultCache> inner_;
  std::atomic<std::uint64_t>& hits_;
  std::atomic<std::uint64_t>& misses_;
};

// Least recently used entries go first once the values exceed `max_bytes`.
std::unique_ptr<ResultCache> MakeInProcessResultCache(std::size_t max_bytes);

// Redis (entries expire after `ttl`) behind an in-process layer of `local_bytes`.
std::unique_ptr<ResultCache> MakeRedisResultCache(const RedisAddress& address,
                                                  std::chrono::seconds ttl,
                                                  std::size_t local_bytes);

}  // namespace estimate::cache
