#include "ai/quantities.hpp"

#include <gtest/gtest.h>

namespace estimate::ai {
namespace {

using core::Decimal;

TEST(Figures, NumbersWithTheirUnitsAsEstimatorsWriteThem) {
  const std::vector<Figure> f = FiguresOf("насос 7,5 кВт, подача 12 тыс. м3/ч, Ду80, 9 этажей");
  // A power in kW comes also as a heat output in Gcal/h (7.5 / 1163, 4 places).
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].value, Decimal::Literal("0.0064"));
  EXPECT_EQ(f[0].unit, "гкал/ч");
  EXPECT_EQ(f[1].value, Decimal::Literal("7.5"));
  EXPECT_EQ(f[1].unit, "квт");
  EXPECT_EQ(f[1].text, "7,5 кВт");
  EXPECT_EQ(f[2].value, Decimal::FromInt(12000));
  EXPECT_EQ(f[2].unit, "м3/ч");
  EXPECT_EQ(f[3].value, Decimal::FromInt(80));
  EXPECT_EQ(f[3].unit, "мм");
  EXPECT_EQ(f[4].value, Decimal::FromInt(9));
  EXPECT_EQ(f[4].unit, "");
  EXPECT_EQ(f[4].noun, "этаж");
}

TEST(Figures, UnitsOfOneQuantityAreBroughtTogether) {
  const std::vector<Figure> f = FiguresOf("ТМ 1000 кВА 10/0,4 кВ, задвижка Ду125 PN16, на двух реле");
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].value, Decimal::FromInt(1000));
  EXPECT_EQ(f[0].unit, "ква");
  EXPECT_EQ(f[1].value, Decimal::FromInt(10));  // «10/0,4 кВ»: both in kV
  EXPECT_EQ(f[1].unit, "кв");
  EXPECT_EQ(f[2].value, Decimal::Literal("0.4"));
  EXPECT_EQ(f[4].value, Decimal::Literal("1.6"));  // PN16: 1,6 MPa
  EXPECT_EQ(f[4].unit, "мпа");
  EXPECT_EQ(f[5].value, Decimal::FromInt(2));  // «двух реле»
  EXPECT_EQ(f[5].unit, "");
  // «до 1,6 МВА» is 1,600 kVA: the transformer of 1,000 kVA is inside it.
  const std::vector<Range> r = RangesOf("Трансформатор напряжением: до 11 кВ, мощностью до 1,6 МВА");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].unit, "ква");
  EXPECT_TRUE(SameQuantity(f[0], r[1]));
  EXPECT_TRUE(r[1].Holds(f[0].value));
}

TEST(Figures, ACountMeetsTheRangeOfWhatItCounts) {
  const std::vector<Figure> lifts = FiguresOf("замена редуктора, в подъезде 2 лифта");
  const std::vector<Figure> floors = FiguresOf("9 этажей");
  ASSERT_EQ(lifts.size(), 1u);
  ASSERT_EQ(floors.size(), 1u);
  const std::vector<Range> r = RangesOf("Замена редуктора лифтовой лебедки, количество лифтов в подъезде: 2");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].exact);
  EXPECT_TRUE(SameQuantity(lifts[0], r[0]));
  EXPECT_TRUE(r[0].Holds(lifts[0].value));
  EXPECT_FALSE(SameQuantity(floors[0], r[0]));
  // «точки» and «точек»: one word whose stem the stemmer leaves apart.
  const std::vector<Range> points = RangesOf("Определение уровня звука при количестве точек измерения: до 5");
  const std::vector<Figure> four = FiguresOf("замер шума, 4 точки");
  ASSERT_EQ(points.size(), 1u);
  ASSERT_EQ(four.size(), 1u);
  EXPECT_TRUE(SameQuantity(four[0], points[0]));
}

TEST(Ranges, UpToAboveAndBetween) {
  const std::vector<Range> r =
      RangesOf("Электродвигатель синхронный, напряжением: свыше 1 кВ, мощностью до 300 кВт");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].unit, "кв");
  EXPECT_TRUE(r[0].Holds(Decimal::FromInt(6)));
  EXPECT_FALSE(r[0].Holds(Decimal::FromInt(1)));
  EXPECT_EQ(r[1].unit, "квт");
  EXPECT_TRUE(r[1].Holds(Decimal::FromInt(300)));
  EXPECT_FALSE(r[1].Holds(Decimal::Literal("300.1")));
  EXPECT_EQ(r[1].text, "до 300 кВт");

  const std::vector<Range> between = RangesOf("Котел, теплопроизводительность: свыше 10 до 50 Гкал/ч");
  ASSERT_EQ(between.size(), 1u);
  EXPECT_TRUE(between[0].Holds(Decimal::FromInt(50)));
  EXPECT_FALSE(between[0].Holds(Decimal::FromInt(10)));
  EXPECT_FALSE(between[0].Holds(Decimal::FromInt(51)));
}

TEST(Ranges, ThousandsAndExactValues) {
  const std::vector<Range> r = RangesOf("Система кондиционирования: до 300 тыс. м3/ч");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].unit, "м3/ч");
  EXPECT_TRUE(r[0].Holds(Decimal::FromInt(250000)));
  const std::vector<Range> lifts = RangesOf("Замена контактора, количество лифтов в подъезде: 2");
  ASSERT_EQ(lifts.size(), 1u);
  EXPECT_TRUE(lifts[0].exact);
  EXPECT_TRUE(lifts[0].Holds(Decimal::FromInt(2)));
  EXPECT_FALSE(lifts[0].Holds(Decimal::FromInt(1)));
}

TEST(Ranges, ASeriesOfUpToBoundsIsClosedFromBelow) {
  std::vector<Range> a = RangesOf("Насос, подача: до 5 м3/ч");
  std::vector<Range> b = RangesOf("Насос, подача: до 20 м3/ч");
  std::vector<Range> c = RangesOf("Насос, подача: до 100 м3/ч");
  std::vector<std::vector<Range>*> series{&c, &a, &b};
  CloseSeries(series);
  EXPECT_TRUE(a[0].Holds(Decimal::FromInt(3)));
  EXPECT_FALSE(b[0].Holds(Decimal::FromInt(3)));
  EXPECT_TRUE(b[0].Holds(Decimal::FromInt(12)));
  EXPECT_FALSE(c[0].Holds(Decimal::FromInt(12)));
  EXPECT_TRUE(c[0].Holds(Decimal::FromInt(100)));
}

TEST(Ranges, AFigureMeetsOnlyARangeOfItsQuantity) {
  const Figure kw{Decimal::FromInt(7), "квт", "7 кВт", {}};
  const std::vector<Range> r = RangesOf("Вентилятор, диаметр до 100 мм, мощность до 10 кВт");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(SameQuantity(kw, r[0]));
  EXPECT_TRUE(SameQuantity(kw, r[1]));
}

}  // namespace
}  // namespace estimate::ai

namespace estimate::ai {
namespace {

TEST(Figures, APrepositionIsNotAUnitAndHostileNumbersAreNoFigures) {
  // «в» before a word is the preposition; «380 В» at the end is volts.
  const std::vector<Figure> pipe = FiguresOf("кабель 3 в трубе, питание 380 В");
  ASSERT_EQ(pipe.size(), 2u);
  EXPECT_EQ(pipe[0].unit, "");
  EXPECT_EQ(pipe[1].unit, "кв");
  EXPECT_EQ(pipe[1].value, Decimal::Literal("0.38"));
  // A no-break space between the count and what it counts, as Word writes it.
  const std::vector<Figure> lifts = FiguresOf("замена редуктора, 2\u00a0лифта");
  ASSERT_EQ(lifts.size(), 1u);
  EXPECT_EQ(lifts[0].noun, "лифт");
  // Forty digits are no figure of a work: left out, never «in range».
  EXPECT_TRUE(FiguresOf("99999999999999999999999999999999999999 тыс. кВт").empty());
  Range r;
  r.high = Decimal::FromInt(10);
  EXPECT_FALSE(r.Holds(Decimal::Invalid()));
}

}  // namespace
}  // namespace estimate::ai
