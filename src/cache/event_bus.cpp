#include "cache/event_bus.hpp"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
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

// Each message appends a byte to the file; a listener that sees its size or inode change has
// missed something (a gap). Appends never shrink the size, so no change is ever lost between
// two looks; past 1 MiB the file starts again (a change of size too).
class FileEventBus final : public EventBus {
 public:
  explicit FileEventBus(std::string path) : path_(std::move(path)) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    Look(last_);
  }

  void Publish(std::string_view) override {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size >= (1 << 20)) {
      if (::ftruncate(fd, 0) != 0) { /* the append below still changes the size */
      }
    }
    const char byte = '.';
    if (::write(fd, &byte, 1) != 1) { /* a lost message: bounded by the listener's max age */
    }
    ::close(fd);
  }

  void Listen(Listener listener) override {
    std::lock_guard lock(mu_);
    listener_ = std::move(listener);
  }

  bool Live() const override {
    std::lock_guard lock(mu_);
    return live_ && listener_.on_gap != nullptr;
  }

  void Sync() override {
    Seen now;
    const bool ok = Look(now);
    std::function<void()> gap;
    {
      std::lock_guard lock(mu_);
      if (!ok || !(now == last_) || !live_) gap = listener_.on_gap;
      live_ = ok;
      last_ = now;
    }
    if (gap) gap();
  }

  void Stop() override {
    std::lock_guard lock(mu_);
    listener_ = {};
  }

 private:
  struct Seen {
    ino_t inode = 0;
    off_t size = -1;
    bool operator==(const Seen& o) const { return inode == o.inode && size == o.size; }
  };
  bool Look(Seen& seen) const {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return false;
    seen = {st.st_ino, st.st_size};
    return true;
  }

  const std::string path_;
  mutable std::mutex mu_;
  Listener listener_;
  Seen last_;
  bool live_ = true;
};

class RedisEventBus final : public EventBus {
 public:
  RedisEventBus(RedisAddress address, std::string channel)
      : address_(std::move(address)),
        channel_(std::move(channel)),
        publisher_(address_, std::chrono::milliseconds(500), 4) {}

  ~RedisEventBus() override { Stop(); }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    live_.store(false, std::memory_order_release);
  }

  void Publish(std::string_view message) override {
    // A failed publish is a gap for the other instances; they bound it by their entries' age.
    auto replies = publisher_.Run({{"PUBLISH", channel_, std::string(message)}});
    if (replies && !replies->empty() && (*replies)[0].integer > 0) {
      heard_by_someone_.store(true, std::memory_order_release);
    }
  }

  // Redis hands a message to each subscriber's connection at once; the listener applies it
  // within a millisecond or so. 100 ms leaves ample room, and only when someone listens.
  void Flush() override {
    if (heard_by_someone_.exchange(false, std::memory_order_acq_rel)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
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
        if (listener_.on_gap && !Stopping()) listener_.on_gap();
        ReadUntilFailure(c.get());
        live_.store(false, std::memory_order_release);
        if (listener_.on_gap && !Stopping()) listener_.on_gap();
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
    redisEnableKeepAlive(c.get());
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

  // Hands every buffered message to the listener; false when the connection broke.
  bool Drain(redisContext* c, bool& heard) {
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return false;
      if (raw == nullptr) return true;  // no complete reply buffered
      heard = true;
      ReplyPtr reply(static_cast<redisReply*>(raw));
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
          reply->element[0]->type == REDIS_REPLY_STRING &&
          std::string_view(reply->element[0]->str, reply->element[0]->len) == "message" &&
          reply->element[2]->type == REDIS_REPLY_STRING && listener_.on_message && !Stopping()) {
        listener_.on_message(std::string_view(reply->element[2]->str, reply->element[2]->len));
      }
    }
  }

  // Reads until the connection fails or the bus stops. A connection quiet for 5 s is asked for a
  // PING (allowed while subscribed); no answer within 3 s more means it is dead, though the
  // socket may not know yet: a gap, then a new subscription.
  void ReadUntilFailure(redisContext* c) {
    using Clock = std::chrono::steady_clock;
    auto last_heard = Clock::now();
    bool pinged = false;
    Clock::time_point ping_sent = last_heard;
    while (!Stopping()) {
      bool heard = false;
      if (!Drain(c, heard)) return;
      const auto now = Clock::now();
      if (heard) {
        last_heard = now;
        pinged = false;
      }
      if (pinged && now - ping_sent > std::chrono::seconds(3)) return;
      if (!pinged && now - last_heard > std::chrono::seconds(5)) {
        int done = 0;
        if (redisAppendCommand(c, "PING") != REDIS_OK) return;
        while (!done) {
          if (redisBufferWrite(c, &done) != REDIS_OK) return;
        }
        pinged = true;
        ping_sent = now;
      }
      pollfd p{c->fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 200);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (ready == 0) continue;
      if (redisBufferRead(c) != REDIS_OK) return;  // closed or broken
    }
  }

  RedisAddress address_;
  std::string channel_;
  RedisPool publisher_;
  Listener listener_;
  std::atomic<bool> live_{false};
  std::atomic<bool> heard_by_someone_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<EventBus> MakeLocalEventBus() { return std::make_unique<LocalEventBus>(); }

std::unique_ptr<EventBus> MakeFileEventBus(std::string path) {
  return std::make_unique<FileEventBus>(std::move(path));
}

std::unique_ptr<EventBus> MakeRedisEventBus(const RedisAddress& address, std::string channel) {
  return std::make_unique<RedisEventBus>(address, std::move(channel));
}

}  // namespace estimate::cache
