#pragma once
// The wall clock, injected: token verification, refresh rotation and the login throttle read the
// time only through a Clock, so tests (and replays) control it. SystemClock() is the one place
// that reads the real time.
#include <atomic>
#include <chrono>

namespace estimate::auth {

using Seconds = std::chrono::sys_seconds;  // JWT NumericDate: whole seconds since the epoch

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Seconds Now() const = 0;
};

// The system's real-time clock, truncated to seconds. Thread-safe.
const Clock& SystemClock();

// A clock that stands still until told to move; for tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Seconds now) : now_(now.time_since_epoch().count()) {}
  Seconds Now() const override { return Seconds(std::chrono::seconds(now_.load())); }
  void Set(Seconds now) { now_ = now.time_since_epoch().count(); }
  void Advance(std::chrono::seconds by) { now_ += by.count(); }

 private:
  std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace estimate::auth
