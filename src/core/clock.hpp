#pragma once
// The wall clock as a port: everything that needs "now" (token expiry, the login throttle, audit
// and row timestamps, the date and export time written into documents) reads it from a Clock it
// is given, so tests and replays fix the time. core holds the interface, a ManualClock for tests
// and the text forms of an instant; the one implementation that reads the real time is
// telemetry::SystemClock() (core has no I/O and no global state).
//
// The text forms used by the service, all UTC:
//   FormatUtcDate       "2026-01-31"                  a document's date when it names none
//   FormatXsdDateTime   "2026-01-31T09:15:02+00:00"   xs:dateTime with offset (ГГЭ ExportDateTime)
//   FormatUtcTimestamp  "2026-01-31T09:15:02.123Z"    stored times: one fixed width, sorts as text
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::core {

// A UTC instant with millisecond precision.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant. Implementations are thread-safe.
  virtual Timestamp Now() const = 0;
};

// Now() in whole seconds (truncated), as JWT's NumericDate counts.
inline std::chrono::sys_seconds NowSeconds(const Clock& clock) {
  return std::chrono::floor<std::chrono::seconds>(clock.Now());
}

// A clock that stands still until told to move; for tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp now) : ms_(now.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(std::chrono::milliseconds(ms_.load())); }
  void Set(Timestamp now) { ms_ = now.time_since_epoch().count(); }
  void Advance(std::chrono::milliseconds by) { ms_ += by.count(); }

 private:
  std::atomic<std::chrono::milliseconds::rep> ms_;
};

// "YYYY-MM-DD" of the UTC day of `t`.
std::string FormatUtcDate(Timestamp t);

// "YYYY-MM-DDTHH:MM:SS+00:00": whole seconds (truncated), the offset written out.
std::string FormatXsdDateTime(Timestamp t);

// "YYYY-MM-DDTHH:MM:SS.mmmZ", for years 0000–9999.
std::string FormatUtcTimestamp(Timestamp t);

// The instant FormatUtcTimestamp wrote. InvalidArgument for any other shape.
Result<Timestamp> ParseUtcTimestamp(std::string_view text);

}  // namespace estimate::core
