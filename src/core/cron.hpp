#pragma once
// A schedule in the standard 5-field cron syntax, as FSBTS_UPDATE_SCHEDULE writes it
// ("0 2 * * *": daily at 2 AM): minute (0–59), hour (0–23), day of month (1–31), month (1–12 or
// JAN–DEC), day of week (0–7 or SUN–SAT; 0 and 7 are Sunday). Each field is *, a value, a range
// a-b, a step */n or a-b/n or a/n, or a list of those separated by commas. When both the day of
// month and the day of week are restricted, a day matching either fires (as Vixie cron does).
//
// Times are civil ("local") minutes: the caller's time zone turns them into instants. Pure.
#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::core {

using LocalMinutes = std::chrono::local_time<std::chrono::minutes>;

class CronSchedule {
 public:
  // InvalidArgument naming the field and what is wrong: "field 2 (hour): 25 is not in 0–23".
  static Result<CronSchedule> Parse(std::string_view expression);

  // The first minute strictly after `after` at which the schedule fires; none within 8 years (a
  // schedule such as "0 0 30 2 *" never fires).
  std::optional<LocalMinutes> Next(LocalMinutes after) const;
  // Whether the schedule fires at `minute`.
  bool Matches(LocalMinutes minute) const;

  const std::string& expression() const { return expression_; }

 private:
  std::string expression_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1–31
  std::bitset<13> months_;    // 1–12
  std::bitset<7> weekdays_;   // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;

  bool DayMatches(std::chrono::year_month_day date) const;
};

}  // namespace estimate::core
