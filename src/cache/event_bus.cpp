#include "cache/event_bus.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace estimate::cache {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

class LocalEventBus final : public EventBus {
 public:
  void Publish(std::string_view) override {}
  void Listen(Listener) override {}
  bool Live() const override { return false; }
};

class RedisEventBus final : public EventBus {
 public:
  RedisEventBus(RedisAddress address, std::string channel)
      : address_(std::move(address)),
        channel_(std::move(channel)),
        publisher_(address_, std::chrono::milliseconds(500), 4) {}

  ~RedisEventBus() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Publish(std::string_view message) override {
    // A failed publish is a gap for the other instances; they bound it by their entries' age.
    publisher_.Run({{"PUBLISH", channel_, std::string(message)}});
  }

  void Listen(Listener listener) override {
    if (thread_.joinable()) return;
    listener_ = std::move(listener);
    thread_ = std::thread([this] { Loop(); });
  }

  bool Live() const override { return live_.load(std::memory_order_acquire); }

 private:
  bool Stopping() {
    std::lock_guard lock(mu_);
    return stop_;
  }

  // Subscribes, then reads messages until the connection fails or the bus stops; reconnects
  // after a growing pause (0.1 s doubling to 5 s).
  void Loop() {
    std::chrono::milliseconds pause(100);
    while (!Stopping()) {
      ContextPtr c = Subscribe();
      if (c) {
        pause = std::chrono::milliseconds(100);
        // Subscribed: from now on every message reaches us; what came before may not have.
        live_.store(true, std::memory_order_release);
        if (listener_.on_gap) listener_.on_gap();
        ReadUntilFailure(c.get());
        live_.store(false, std::memory_order_release);
        if (listener_.on_gap) listener_.on_gap();
      }
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, pause, [this] { return stop_; });
      pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    }
  }

  ContextPtr Subscribe() {
    timeval tv{1, 0};
    ContextPtr c(redisConnectWithTimeout(address_.host.c_str(), address_.port, tv));
    if (!c || c->err) return nullptr;
    redisSetTimeout(c.get(), tv);
    auto ok = [](void* raw) {
      ReplyPtr reply(static_cast<redisReply*>(raw));
      return reply && reply->type != REDIS_REPLY_ERROR;
    };
    if (!address_.password.empty() &&
        !ok(redisCommand(c.get(), "AUTH %s", address_.password.c_str()))) {
      return nullptr;
    }
    // The confirmation is ["subscribe", channel, 1].
    if (!ok(redisCommand(c.get(), "SUBSCRIBE %b", channel_.data(), channel_.size()))) {
      return nullptr;
    }
    return c;
  }

  void ReadUntilFailure(redisContext* c) {
    while (!Stopping()) {
      pollfd p{c->fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 200);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (ready == 0) continue;
      if (redisBufferRead(c) != REDIS_OK) return;  // closed or broken
      for (;;) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return;
        if (raw == nullptr) break;  // no complete reply buffered
        ReplyPtr reply(static_cast<redisReply*>(raw));
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
            reply->element[0]->type == REDIS_REPLY_STRING &&
            std::string_view(reply->element[0]->str, reply->element[0]->len) == "message" &&
            reply->element[2]->type == REDIS_REPLY_STRING && listener_.on_message) {
          listener_.on_message(std::string_view(reply->element[2]->str, reply->element[2]->len));
        }
      }
    }
  }

  RedisAddress address_;
  std::string channel_;
  RedisPool publisher_;
  Listener listener_;
  std::atomic<bool> live_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<EventBus> MakeLocalEventBus() { return std::make_unique<LocalEventBus>(); }

std::unique_ptr<EventBus> MakeRedisEventBus(const RedisAddress& address, std::string channel) {
  return std::make_unique<RedisEventBus>(address, std::move(channel));
}

}  // namespace estimate::cache
