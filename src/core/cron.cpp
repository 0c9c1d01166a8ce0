#include "core/cron.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "core/text.hpp"

namespace estimate::core {
namespace {

struct Field {
  const char* name;
  int low, high;
  const char* const* names;  // for months and weekdays; nullptr otherwise
  int names_base;            // the value of names[0]
};

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec", nullptr};
constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};

constexpr std::array<Field, 5> kFields = {{{"minute", 0, 59, nullptr, 0},
                                           {"hour", 0, 23, nullptr, 0},
                                           {"day of month", 1, 31, nullptr, 0},
                                           {"month", 1, 12, kMonthNames, 1},
                                           {"day of week", 0, 7, kDayNames, 0}}};

std::string Where(std::size_t i) {
  return "field " + std::to_string(i + 1) + " (" + kFields[i].name + ")";
}

// A value: digits, or a name of the field.
Result<int> Value(std::string_view text, std::size_t i) {
  const Field& f = kFields[i];
  if (text.empty()) return InvalidArgument(Where(i) + ": a value is missing");
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    int v = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000) {
        return InvalidArgument(Where(i) + ": \"" + std::string(text) + "\" is not a number");
      }
      v = v * 10 + (c - '0');
    }
    if (v < f.low || v > f.high) {
      return InvalidArgument(Where(i) + ": " + std::to_string(v) + " is not in " + std::to_string(f.low) + "–" +
                             std::to_string(f.high));
    }
    return v;
  }
  if (f.names != nullptr) {
    const std::string lower = AsciiLower(text);
    for (int k = 0; f.names[k] != nullptr; ++k) {
      if (lower == f.names[k]) return f.names_base + k;
    }
  }
  return InvalidArgument(Where(i) + ": \"" + std::string(text) + "\" is not a " +
                         (f.names != nullptr ? "number or a name" : "number"));
}

// One field into the values it allows (within low–high); `star` when it is "*" (or "*/1").
Status ParseField(std::string_view text, std::size_t i, std::vector<bool>& allowed, bool& star) {
  const Field& f = kFields[i];
  allowed.assign(static_cast<std::size_t>(f.high) + 1, false);
  star = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item.empty()) return InvalidArgument(Where(i) + ": an empty item in \"" + std::string(text) + "\"");
    std::string_view range = item;
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      const std::string_view s = item.substr(slash + 1);
      int v = 0;
      if (s.empty()) return InvalidArgument(Where(i) + ": a step is missing after \"/\"");
      for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000) {
          return InvalidArgument(Where(i) + ": step \"" + std::string(s) + "\" is not a number");
        }
        v = v * 10 + (c - '0');
      }
      if (v < 1 || v > f.high) {
        return InvalidArgument(Where(i) + ": step " + std::to_string(v) + " is not in 1–" + std::to_string(f.high));
      }
      step = v;
    }
    int from = f.low, to = f.high;
    if (range == "*") {
      if (step == 1 && item == text) star = true;
    } else if (const auto dash = range.find('-'); dash != std::string_view::npos) {
      auto a = Value(range.substr(0, dash), i);
      if (!a.ok()) return a.status();
      auto b = Value(range.substr(dash + 1), i);
      if (!b.ok()) return b.status();
      if (*b < *a) {
        return InvalidArgument(Where(i) + ": the range " + std::string(range) + " runs backwards");
      }
      from = *a;
      to = *b;
    } else {
      auto a = Value(range, i);
      if (!a.ok()) return a.status();
      from = *a;
      to = item.find('/') != std::string_view::npos ? f.high : *a;  // "5/15": from 5 on, every 15
    }
    for (int v = from; v <= to; v += step) allowed[static_cast<std::size_t>(v)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view expression) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  const std::string_view e = TrimWhitespace(expression);
  while (i < e.size()) {
    while (i < e.size() && std::isspace(static_cast<unsigned char>(e[i]))) ++i;
    const std::size_t start = i;
    while (i < e.size() && !std::isspace(static_cast<unsigned char>(e[i]))) ++i;
    if (i > start) parts.push_back(e.substr(start, i - start));
  }
  if (parts.size() != 5) {
    return InvalidArgument("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                           std::to_string(parts.size()) + ": \"" + std::string(e) + "\"");
  }
  CronSchedule s;
  s.expression_ = std::string(e);
  std::vector<bool> allowed;
  bool star = false;
  for (std::size_t f = 0; f < 5; ++f) {
    if (Status st = ParseField(parts[f], f, allowed, star); !st.ok()) return st;
    for (std::size_t v = 0; v < allowed.size(); ++v) {
      if (!allowed[v]) continue;
      switch (f) {
        case 0: s.minutes_.set(v); break;
        case 1: s.hours_.set(v); break;
        case 2: s.days_.set(v); break;
        case 3: s.months_.set(v); break;
        default: s.weekdays_.set(v % 7); break;  // 7 is Sunday too
      }
    }
    if (f == 2) s.days_restricted_ = !star;
    if (f == 4) s.weekdays_restricted_ = !star;
  }
  return s;
}

bool CronSchedule::DayMatches(std::chrono::year_month_day date) const {
  if (!months_.test(static_cast<unsigned>(date.month()))) return false;
  const bool day = days_.test(static_cast<unsigned>(date.day()));
  const bool weekday = weekdays_.test(std::chrono::weekday(std::chrono::sys_days(date)).c_encoding());
  if (days_restricted_ && weekdays_restricted_) return day || weekday;
  if (days_restricted_) return day;
  if (weekdays_restricted_) return weekday;
  return true;
}

bool CronSchedule::Matches(LocalMinutes minute) const {
  using namespace std::chrono;
  const auto day = floor<days>(minute);
  const year_month_day date{sys_days(day.time_since_epoch())};
  const auto in_day = minute - day;
  const auto h = duration_cast<hours>(in_day);
  const auto m = duration_cast<minutes>(in_day - h);
  return DayMatches(date) && hours_.test(static_cast<std::size_t>(h.count())) &&
         minutes_.test(static_cast<std::size_t>(m.count()));
}

std::optional<LocalMinutes> CronSchedule::Next(LocalMinutes after) const {
  using namespace std::chrono;
  LocalMinutes t = after + minutes(1);
  // Day by day (at most 8 years of them), then the hours and minutes of a matching day.
  for (int n = 0; n < 366 * 8 + 2; ++n) {
    const auto day = floor<days>(t);
    const year_month_day date{sys_days(day.time_since_epoch())};
    if (DayMatches(date)) {
      const auto in_day = t - day;
      const int h0 = static_cast<int>(duration_cast<hours>(in_day).count());
      const int m0 = static_cast<int>(duration_cast<minutes>(in_day).count() % 60);
      for (int h = h0; h < 24; ++h) {
        if (!hours_.test(static_cast<std::size_t>(h))) continue;
        for (int m = h == h0 ? m0 : 0; m < 60; ++m) {
          if (minutes_.test(static_cast<std::size_t>(m))) return day + hours(h) + minutes(m);
        }
      }
    }
    t = day + days(1);
  }
  return std::nullopt;
}

}  // namespace estimate::core
