#include "core/clock.hpp"

#include <charconv>
#include <cstdio>

namespace estimate::core {

namespace {

struct Parts {
  int year;
  unsigned month, day;
  int hours, minutes, seconds, millis;
};

Parts Split(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  return {int(ymd.year()),
          unsigned(ymd.month()),
          unsigned(ymd.day()),
          int(hms.hours().count()),
          int(hms.minutes().count()),
          int(hms.seconds().count()),
          int(hms.subseconds().count())};
}

}  // namespace

std::string FormatUtcDate(Timestamp t) {
  const Parts p = Split(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", p.year, p.month, p.day);
  return buf;
}

std::string FormatXsdDateTime(Timestamp t) {
  const Parts p = Split(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00", p.year, p.month, p.day,
                p.hours, p.minutes, p.seconds);
  return buf;
}

std::string FormatUtcTimestamp(Timestamp t) {
  const Parts p = Split(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", p.year, p.month, p.day,
                p.hours, p.minutes, p.seconds, p.millis);
  return buf;
}

Result<Timestamp> ParseUtcTimestamp(std::string_view text) {
  constexpr std::string_view kShape = "0000-00-00T00:00:00.000Z";
  bool shaped = text.size() == kShape.size();
  for (std::size_t i = 0; shaped && i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    shaped = kShape[i] == '0' ? digit : text[i] == kShape[i];
  }
  if (!shaped) {
    return InvalidArgument("time \"" + std::string(text) + "\" is not YYYY-MM-DDTHH:MM:SS.mmmZ");
  }
  auto number = [&](std::size_t at, std::size_t width) {
    int value = 0;
    std::from_chars(text.data() + at, text.data() + at + width, value);
    return value;
  };
  const std::chrono::year_month_day ymd(std::chrono::year(number(0, 4)),
                                        std::chrono::month(unsigned(number(5, 2))),
                                        std::chrono::day(unsigned(number(8, 2))));
  if (!ymd.ok() || number(11, 2) > 23 || number(14, 2) > 59 || number(17, 2) > 59) {
    return InvalidArgument("time \"" + std::string(text) + "\" is not a valid date and time");
  }
  return Timestamp(std::chrono::sys_days(ymd)) + std::chrono::hours(number(11, 2)) +
         std::chrono::minutes(number(14, 2)) + std::chrono::seconds(number(17, 2)) +
         std::chrono::milliseconds(number(20, 3));
}

}  // namespace estimate::core
