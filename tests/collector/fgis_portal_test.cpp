// The portal's names read as the collector needs them: a period's quarter, a zone's number, a
// data set file's date, a subject's region code.
#include "collector/fgis_portal.hpp"

#include <gtest/gtest.h>

#include "normbase/regions.hpp"

namespace estimate::collector {
namespace {

TEST(FgisPortal, QuarterOfPeriodNameReadsThePortalsNames) {
  EXPECT_EQ(QuarterOfPeriodName("3 квартал 2026 г."), "2026-Q3");
  EXPECT_EQ(QuarterOfPeriodName("1 квартал 2026 г."), "2026-Q1");
  EXPECT_EQ(QuarterOfPeriodName("4 кв. 2025"), "2025-Q4");
  EXPECT_EQ(QuarterOfPeriodName("IV кв. 2025"), std::nullopt);  // no digit quarter
  EXPECT_EQ(QuarterOfPeriodName("Январь 2026"), std::nullopt);
  EXPECT_EQ(QuarterOfPeriodName("5 квартал 2026 г."), std::nullopt);
  EXPECT_EQ(QuarterOfPeriodName("12 квартал 2026"), std::nullopt);
}

TEST(FgisPortal, ZoneNumberOfName) {
  EXPECT_EQ(ZoneNumberOfName("1 зона"), 1);
  EXPECT_EQ(ZoneNumberOfName("Ценовая зона 2"), 2);
  EXPECT_EQ(ZoneNumberOfName("город Москва"), std::nullopt);
  EXPECT_EQ(ZoneNumberOfName("зона 123"), std::nullopt);
}

TEST(FgisPortal, DataDateOfFileName) {
  EXPECT_EQ(DataDateOfFileName("data-20260812-structure-20240216.zip"), "20260812");
  EXPECT_EQ(DataDateOfFileName("ГЭСН.zip"), "");
  EXPECT_EQ(DataDateOfFileName("data-2026-structure.zip"), "");
}

TEST(Regions, CodeOfThePortalsSubjectNames) {
  EXPECT_EQ(normbase::RegionCodeOfName("г. Москва"), "77");
  EXPECT_EQ(normbase::RegionCodeOfName("город Москва"), "77");
  EXPECT_EQ(normbase::RegionCodeOfName("Московская область"), "50");
  EXPECT_EQ(normbase::RegionCodeOfName("Московская обл."), "50");
  EXPECT_EQ(normbase::RegionCodeOfName("Амурская область"), "28");
  EXPECT_EQ(normbase::RegionCodeOfName("Республика Татарстан (Татарстан)"), "16");
  EXPECT_EQ(normbase::RegionCodeOfName("Краснодарский край"), "23");
  EXPECT_EQ(normbase::RegionCodeOfName("Кабардино-Балкарская Республика"), "07");
  // Dashes of any kind, non-breaking spaces, and the shorter or longer official names.
  EXPECT_EQ(normbase::RegionCodeOfName("Кемеровская область - Кузбасс"), "42");
  EXPECT_EQ(normbase::RegionCodeOfName("Кемеровская область"), "42");
  EXPECT_EQ(normbase::RegionCodeOfName("Ханты-Мансийский автономный округ – Югра"), "86");
  EXPECT_EQ(normbase::RegionCodeOfName("Республика Северная Осетия - Алания"), "15");
  EXPECT_EQ(normbase::RegionCodeOfName("Чувашская Республика - Чувашия"), "21");
  EXPECT_EQ(normbase::RegionCodeOfName("город\u00a0Москва"), "77");
  EXPECT_EQ(normbase::RegionCodeOfName("Ненецкий автономный округ"), "83");
  EXPECT_EQ(normbase::RegionCodeOfName("Ямало-Ненецкий автономный округ"), "89");
  EXPECT_EQ(normbase::RegionCodeOfName("Атлантида"), "");
  EXPECT_EQ(normbase::RegionCodeOfName(""), "");
}

}  // namespace
}  // namespace estimate::collector
