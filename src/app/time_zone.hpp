#pragma once
// A time zone of the system's database (tzdata: /usr/share/zoneinfo, TZif files), for the
// collector's schedule (FSBTS_TIME_ZONE, default Europe/Moscow): the UTC offset at an instant from
// the file's transitions, and after the last one from its POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3"),
// so that a daily "0 2 * * *" stays at 2 AM local across summer time. Immutable once loaded.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cron.hpp"
#include "core/status.hpp"

namespace estimate::app {

class TimeZone {
 public:
  // "Europe/Moscow", "UTC". InvalidArgument naming the zone when there is no such file, or it is
  // not a TZif file, or its rule is not understood.
  static Result<TimeZone> Load(std::string_view name, const std::string& dir = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;
  core::LocalMinutes ToLocal(std::chrono::sys_seconds t) const;
  // The instant of a civil minute. A minute skipped by a change of offset (spring forward) is read
  // with the offset before the change (2:30 → 3:30 summer time); a minute that came twice
  // (autumn) is the first of them.
  std::chrono::sys_seconds ToUtc(core::LocalMinutes local) const;

  // The POSIX TZ rule that holds after the file's last transition.
  struct Rule {
    std::int32_t std_offset = 0;  // seconds east of UTC
    std::int32_t dst_offset = 0;
    bool has_dst = false;
    // Mm.w.d/time of the change to summer and back: month, week (5 = last), weekday, seconds.
    int start_month = 0, start_week = 0, start_weekday = 0, start_time = 7200;
    int end_month = 0, end_week = 0, end_weekday = 0, end_time = 7200;
  };

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      // in force from transitions_[i]
  std::int32_t initial_offset_ = 0;        // before the first transition
  Rule rule_;
  bool has_rule_ = false;
};

// "CET-1CEST,M3.5.0,M10.5.0/3", "MSK-3", "<+03>-3". InvalidArgument for anything else.
Result<TimeZone::Rule> ParsePosixTz(std::string_view text);

}  // namespace estimate::app
