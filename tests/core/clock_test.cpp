#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace estimate::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 2026-01-31T09:15:02.123Z
constexpr Timestamp kInstant = Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 31)) +
                               std::chrono::hours(9) + std::chrono::minutes(15) + seconds(2) +
                               milliseconds(123);

TEST(Clock, FormatsTheThreeUtcForms) {
  EXPECT_EQ(FormatUtcDate(kInstant), "2026-01-31");
  EXPECT_EQ(FormatXsdDateTime(kInstant), "2026-01-31T09:15:02+00:00");
  EXPECT_EQ(FormatUtcTimestamp(kInstant), "2026-01-31T09:15:02.123Z");
  EXPECT_EQ(FormatUtcTimestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
}

TEST(Clock, ParsesWhatItFormats) {
  auto t = ParseUtcTimestamp("2026-01-31T09:15:02.123Z");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(*t, kInstant);
  EXPECT_FALSE(ParseUtcTimestamp("2026-01-31T09:15:02Z").ok());
  EXPECT_FALSE(ParseUtcTimestamp("2026-02-30T09:15:02.123Z").ok());
  EXPECT_FALSE(ParseUtcTimestamp("2026-01-31T24:00:00.000Z").ok());
}

TEST(Clock, ManualClockStandsStillUntilMoved) {
  ManualClock clock(kInstant);
  EXPECT_EQ(clock.Now(), kInstant);
  clock.Advance(seconds(90));
  EXPECT_EQ(clock.Now(), kInstant + seconds(90));
  clock.Set(Timestamp{});
  EXPECT_EQ(clock.Now(), Timestamp{});
}

TEST(Clock, NowSecondsTruncates) {
  const ManualClock clock(kInstant);
  EXPECT_EQ(NowSeconds(clock), std::chrono::floor<seconds>(kInstant));
  EXPECT_EQ(FormatUtcTimestamp(NowSeconds(clock)), "2026-01-31T09:15:02.000Z");
}

}  // namespace
}  // namespace estimate::core
