// Cron schedules as FSBTS_UPDATE_SCHEDULE writes them: parsing with errors that name the field,
// and the next minute a schedule fires, across days, months, leap years and the day-of-month /
// day-of-week rule.
#include "core/cron.hpp"

#include <gtest/gtest.h>

namespace estimate::core {
namespace {

using namespace std::chrono;

LocalMinutes At(int y, unsigned mo, unsigned d, int h, int mi) {
  return local_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi);
}

LocalMinutes Next(const char* expr, LocalMinutes after) {
  auto s = CronSchedule::Parse(expr);
  EXPECT_TRUE(s.ok()) << expr << ": " << s.status().message();
  auto n = s->Next(after);
  EXPECT_TRUE(n.has_value()) << expr;
  return n.value_or(after);
}

TEST(Cron, DailyAtTwoInTheNight) {
  EXPECT_EQ(Next("0 2 * * *", At(2026, 12, 7, 1, 59)), At(2026, 12, 7, 2, 0));
  EXPECT_EQ(Next("0 2 * * *", At(2026, 12, 7, 2, 0)), At(2026, 12, 8, 2, 0));  // strictly after
  EXPECT_EQ(Next("0 2 * * *", At(2026, 12, 31, 15, 0)), At(2027, 1, 1, 2, 0));
}

TEST(Cron, ListsRangesStepsAndNames) {
  EXPECT_EQ(Next("*/15 9-17 * * MON-FRI", At(2026, 12, 5, 12, 0)), At(2026, 12, 7, 9, 0));  // Sat → Mon
  EXPECT_EQ(Next("*/15 9-17 * * mon-fri", At(2026, 12, 7, 9, 1)), At(2026, 12, 7, 9, 15));
  EXPECT_EQ(Next("5/20 * * * *", At(2026, 12, 7, 9, 6)), At(2026, 12, 7, 9, 25));
  EXPECT_EQ(Next("0 0 1 JAN,jul *", At(2026, 2, 1, 0, 0)), At(2026, 7, 1, 0, 0));
  EXPECT_EQ(Next("30 6 * * 7", At(2026, 12, 7, 0, 0)), At(2026, 12, 13, 6, 30));  // 7 = Sunday
  EXPECT_EQ(Next("30 6 * * 0", At(2026, 12, 7, 0, 0)), At(2026, 12, 13, 6, 30));
}

TEST(Cron, TheLeapDayAndTheDayOfMonthOrDayOfWeekRule) {
  EXPECT_EQ(Next("0 12 29 2 *", At(2026, 3, 1, 0, 0)), At(2028, 2, 29, 12, 0));
  // Both restricted: the 13th or any Friday, whichever comes first.
  EXPECT_EQ(Next("0 0 13 * FRI", At(2026, 12, 7, 0, 0)), At(2026, 12, 11, 0, 0));
  EXPECT_EQ(Next("0 0 13 * FRI", At(2026, 12, 11, 0, 0)), At(2026, 12, 13, 0, 0));
  // A day that never comes.
  auto never = CronSchedule::Parse("0 0 30 2 *");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->Next(At(2026, 1, 1, 0, 0)).has_value());
}

TEST(Cron, ErrorsNameTheField) {
  const auto error = [](const char* expr) { return CronSchedule::Parse(expr).status().message(); };
  EXPECT_EQ(error("0 25 * * *"), "field 2 (hour): 25 is not in 0–23");
  EXPECT_EQ(error("61 2 * * *"), "field 1 (minute): 61 is not in 0–59");
  EXPECT_EQ(error("0 2 * 13 *"), "field 4 (month): 13 is not in 1–12");
  EXPECT_EQ(error("0 2 * * FUNDAY"), "field 5 (day of week): \"FUNDAY\" is not a number or a name");
  EXPECT_EQ(error("0 2 5-1 * *"), "field 3 (day of month): the range 5-1 runs backwards");
  EXPECT_EQ(error("*/0 * * * *"), "field 1 (minute): step 0 is not in 1–59");
  EXPECT_EQ(error("0 2 * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4: \"0 2 * *\"");
  EXPECT_EQ(error("0 2,,3 * * *"), "field 2 (hour): an empty item in \"2,,3\"");
  EXPECT_TRUE(CronSchedule::Parse("  0   2 * *  *  ").ok());
}

TEST(Cron, MatchesIsWhatNextFindsAfterTheMinuteBefore) {
  auto s = CronSchedule::Parse("10,40 */6 1-7 * MON");
  ASSERT_TRUE(s.ok());
  LocalMinutes t = At(2026, 1, 1, 0, 0);
  for (int i = 0; i < 50; ++i) {
    auto n = s->Next(t);
    ASSERT_TRUE(n.has_value());
    EXPECT_TRUE(s->Matches(*n));
    for (LocalMinutes m = t + minutes(1); m < *n; m += minutes(1)) ASSERT_FALSE(s->Matches(m));
    t = *n;
  }
}

}  // namespace
}  // namespace estimate::core
