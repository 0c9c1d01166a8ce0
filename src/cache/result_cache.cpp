#include "cache/result_cache.hpp"

#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace estimate::cache {
namespace {

class InProcessResultCache final : public ResultCache {
 public:
  explicit InProcessResultCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  std::shared_ptr<const std::string> Get(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);  // most recently used first
    return it->second->second;
  }

  void Put(const std::string& key, std::shared_ptr<const std::string> value) override {
    if (!value || value->size() > max_bytes_) return;
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->second->size();
      order_.erase(it->second);
      index_.erase(it);
    }
    bytes_ += value->size();
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
    while (bytes_ > max_bytes_ && !order_.empty()) {
      bytes_ -= order_.back().second->size();
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const std::string>>;
  const std::size_t max_bytes_;
  std::mutex mu_;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
};

class RedisResultCache final : public ResultCache {
 public:
  RedisResultCache(const RedisAddress& address, std::chrono::seconds ttl, std::size_t local_bytes)
      : pool_(address), ttl_(std::to_string(ttl.count() > 0 ? ttl.count() : 1)),
        local_(local_bytes) {}

  std::shared_ptr<const std::string> Get(const std::string& key) override {
    if (auto hit = local_.Get(key)) return hit;
    auto replies = pool_.Run({{"GET", kPrefix + key}});
    if (!replies || replies->front().type != RedisReply::Type::kString) return nullptr;
    auto value = std::make_shared<const std::string>(std::move(replies->front().text));
    local_.Put(key, value);
    return value;
  }

  void Put(const std::string& key, std::shared_ptr<const std::string> value) override {
    if (!value) return;
    pool_.Run({{"SET", kPrefix + key, *value, "EX", ttl_}});
    local_.Put(key, std::move(value));
  }

 private:
  static inline const std::string kPrefix = "rc:";
  RedisPool pool_;
  std::string ttl_;
  InProcessResultCache local_;
};

}  // namespace

std::unique_ptr<ResultCache> MakeInProcessResultCache(std::size_t max_bytes) {
  return std::make_unique<InProcessResultCache>(max_bytes);
}

std::unique_ptr<ResultCache> MakeRedisResultCache(const RedisAddress& address,
                                                  std::chrono::seconds ttl,
                                                  std::size_t local_bytes) {
  return std::make_unique<RedisResultCache>(address, ttl, local_bytes);
}

}  // namespace estimate::cache
