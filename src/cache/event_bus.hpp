#pragma once
// Notifications between the instances of the service (and its command line) over one channel:
// "the sessions of user 7 ended", so that each instance drops what it remembered of them.
//
// Delivery is best effort and at most once, as Redis pub/sub gives it. A listener therefore
// learns of every gap — the subscription not yet up, dropped (a dead connection is found by a
// PING when quiet), or re-established — through `on_gap`, and may rely on what it cached only
// while Live() is true: every message published anywhere since the last gap reaches it.
// Without Redis, on an SQLite database, the other processes are on this host: the file bus
// (MakeFileEventBus) counts their messages in a file next to the database, and Sync() — one
// stat() — reports any new one as a gap before the listener answers from memory. Otherwise
// nothing is live (MakeLocalEventBus): a listener then keeps nothing it would have to invalidate
// from elsewhere.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cache/redis_client.hpp"

namespace estimate::cache {

class EventBus {
 public:
  struct Listener {
    std::function<void(std::string_view message)> on_message;
    std::function<void()> on_gap;  // messages may have been missed: forget what depends on them
  };

  virtual ~EventBus() = default;

  // Sends `message` to the listeners of every instance, this one's included (asynchronously).
  // Never blocks for long and never fails the caller: a lost message is a gap for the others.
  virtual void Publish(std::string_view message) = 0;

  // Starts listening (once; before the first Publish for a process that listens). Callbacks run
  // on the bus's own thread.
  virtual void Listen(Listener listener) = 0;

  // Whether the subscription is up now (see above).
  virtual bool Live() const = 0;

  // Brings the listener up to date now, where the bus can (the file bus); a no-op otherwise.
  virtual void Sync() {}

  // Returns once what this process published has had time to reach the other instances' listeners
  // (a process that exits right after publishing, the command line, calls it); a no-op where
  // delivery is synchronous.
  virtual void Flush() {}

  // Stops listening: no callback runs after it returns. The listener's owner calls it before it
  // goes away.
  virtual void Stop() {}
};

// No other instance: Publish does nothing, nothing is ever live.
std::unique_ptr<EventBus> MakeLocalEventBus();

// Messages counted in the file `path` (created if missing): for the processes of one host
// sharing an SQLite database.
std::unique_ptr<EventBus> MakeFileEventBus(std::string path);

// Redis pub/sub on `channel`: one connection subscribed by a thread of its own (reconnecting
// with back-off after a failure), publishing through short-lived pooled connections.
std::unique_ptr<EventBus> MakeRedisEventBus(const RedisAddress& address, std::string channel);

}  // namespace estimate::cache
