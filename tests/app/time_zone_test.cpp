// Time zones of the system's tzdata for the collector's schedule: offsets from the transitions
// and, after the last one, from the POSIX rule; civil minutes to instants across summer time.
#include "app/time_zone.hpp"

#include <gtest/gtest.h>

namespace estimate::app {
namespace {

using namespace std::chrono;

sys_seconds Utc(int y, unsigned mo, unsigned d, int h, int mi) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi);
}
core::LocalMinutes Local(int y, unsigned mo, unsigned d, int h, int mi) {
  return local_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi);
}

TEST(TimeZone, MoscowIsThreeHoursAheadSince2014) {
  auto z = TimeZone::Load("Europe/Moscow");
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(z->OffsetAt(Utc(2026, 12, 7, 12, 0)), hours(3));
  EXPECT_EQ(z->OffsetAt(Utc(2040, 7, 1, 12, 0)), hours(3));   // after the last transition: the rule
  EXPECT_EQ(z->OffsetAt(Utc(2012, 1, 1, 12, 0)), hours(4));   // 2011–2014: +4
  // "0 2 * * *" at 2 AM Moscow is 23:00 UTC the day before.
  EXPECT_EQ(z->ToUtc(Local(2026, 12, 8, 2, 0)), Utc(2026, 12, 7, 23, 0));
  EXPECT_EQ(z->ToLocal(Utc(2026, 12, 7, 23, 0)), Local(2026, 12, 8, 2, 0));
}

TEST(TimeZone, SummerTimeByTheRuleAfterTheLastTransition) {
  auto z = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(z->OffsetAt(Utc(2031, 1, 15, 12, 0)), hours(1));
  EXPECT_EQ(z->OffsetAt(Utc(2031, 7, 15, 12, 0)), hours(2));
  // 2031: summer from 30 March 01:00 UTC to 26 October 01:00 UTC.
  EXPECT_EQ(z->OffsetAt(Utc(2031, 3, 30, 0, 59)), hours(1));
  EXPECT_EQ(z->OffsetAt(Utc(2031, 3, 30, 1, 0)), hours(2));
  EXPECT_EQ(z->OffsetAt(Utc(2031, 10, 26, 0, 59)), hours(2));
  EXPECT_EQ(z->OffsetAt(Utc(2031, 10, 26, 1, 0)), hours(1));
  // 2:30 on 26 October came twice: the first; 2:30 on 30 March never came: read as winter time.
  EXPECT_EQ(z->ToUtc(Local(2031, 10, 26, 2, 30)), Utc(2031, 10, 26, 0, 30));
  EXPECT_EQ(z->ToUtc(Local(2031, 3, 30, 2, 30)), Utc(2031, 3, 30, 1, 30));
  EXPECT_EQ(z->ToUtc(Local(2031, 7, 1, 2, 0)), Utc(2031, 7, 1, 0, 0));
}

TEST(TimeZone, UnknownOrHostileNamesAreRefused) {
  EXPECT_NE(TimeZone::Load("Europe/Atlantis").status().message().find("is not in the time zone database"),
            std::string::npos);
  EXPECT_NE(TimeZone::Load("../../etc/passwd").status().message().find("is not a name"), std::string::npos);
  EXPECT_NE(TimeZone::Load("/etc/passwd").status().message().find("is not a name"), std::string::npos);
  EXPECT_TRUE(TimeZone::Load("UTC").ok());
  EXPECT_EQ(TimeZone::Load("UTC")->OffsetAt(Utc(2026, 1, 1, 0, 0)), seconds(0));
}

TEST(TimeZone, PosixRules) {
  auto msk = ParsePosixTz("MSK-3");
  ASSERT_TRUE(msk.ok());
  EXPECT_EQ(msk->std_offset, 3 * 3600);
  EXPECT_FALSE(msk->has_dst);
  auto numeric = ParsePosixTz("<+0330>-3:30");
  ASSERT_TRUE(numeric.ok());
  EXPECT_EQ(numeric->std_offset, 3 * 3600 + 1800);
  auto ny = ParsePosixTz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->std_offset, -5 * 3600);
  EXPECT_EQ(ny->dst_offset, -4 * 3600);
  EXPECT_EQ(ny->start_month, 3);
  EXPECT_EQ(ny->start_week, 2);
  EXPECT_FALSE(ParsePosixTz("CET-1CEST,J60,J300").ok());  // Julian-day rules are not read
  EXPECT_FALSE(ParsePosixTz("X").ok());
}

}  // namespace
}  // namespace estimate::app
