#include "core/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace estimate::core {
namespace {

Decimal D(const char* s) {
  Result<Decimal> r = Decimal::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().message();
  return r.ok() ? *r : Decimal::Invalid();
}

TEST(Decimal, ParsesPlainDecimals) {
  EXPECT_EQ(D("0.41").ToString(), "0.41");
  EXPECT_EQ(D("-3").ToString(), "-3");
  EXPECT_EQ(D("1.50").ToString(), "1.50");
  EXPECT_EQ(D("007.5").ToString(), "7.5");
  EXPECT_EQ(D("0.0000001").ToString(), "0.0000001");
  EXPECT_EQ(D("123456789012345.1234567890").ToString(), "123456789012345.1234567890");
  EXPECT_EQ(D("-0").ToString(), "0");
}

TEST(Decimal, RejectsEverythingElse) {
  for (const char* bad : {"", "-", "1e2", "1E2", "1,5", "NaN", "+1", " 1", "1 ", ".5", "5.",
                          "1.2.3", "--1", "0x10", "inf", "1_000"}) {
    EXPECT_FALSE(Decimal::Parse(bad).ok()) << bad;
  }
  EXPECT_EQ(Decimal::Parse("1,5").status().message(), "a comma is not a decimal point");
  EXPECT_FALSE(Decimal::Parse(std::string(39, '9')).ok());
  EXPECT_TRUE(Decimal::Parse(std::string(38, '9')).ok());
}

TEST(Decimal, CountsIntegerDigits) {
  EXPECT_EQ(D("0.5").IntegerDigits(), 0);
  EXPECT_EQ(D("000123.5").IntegerDigits(), 3);
  EXPECT_EQ(D("-999999999999999.9").IntegerDigits(), 15);
  EXPECT_EQ(D("1000000000000000").IntegerDigits(), 16);
}

TEST(Decimal, MultipliesExactly) {
  EXPECT_EQ((D("1.2") * D("1.15")).ToString(), "1.380");
  EXPECT_EQ((D("0.2971") * D("1") * D("1.38")).ToFixed(7), "0.4099980");
  EXPECT_EQ(Decimal::MulRound(D("123456789012345.1234567890"), D("123456789012345.1234567890"), 7)
                .ToString(),
            "15241578753238699603719902454.2053620");
  EXPECT_EQ((D("-0.5") * D("0.2")).ToString(), "-0.10");
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(D("0.005").Round(2).ToString(), "0.01");
  EXPECT_EQ(D("-0.005").Round(2).ToString(), "-0.01");
  EXPECT_EQ(D("0.0049999").Round(2).ToString(), "0.00");
  EXPECT_EQ(D("256.4878").Round(2).ToString(), "256.49");
  EXPECT_EQ(D("6.399").Round(2).ToString(), "6.40");
  EXPECT_EQ(D("11571.885").Round(0).ToString(), "11572");
  EXPECT_EQ(D("1.5").Round(7).ToString(), "1.5");
  EXPECT_EQ(D("1.5").ToFixed(7), "1.5000000");
  EXPECT_EQ(D("-0.001").ToFixed(2), "0.00");
  EXPECT_EQ(D("9.995").ToFixed(2), "10.00");
}

TEST(Decimal, AddsAcrossScales) {
  EXPECT_EQ((D("0.1") + D("0.02")).ToString(), "0.12");
  EXPECT_EQ((D("1") - D("0.001")).ToString(), "0.999");
  EXPECT_EQ((D("-5") + D("5.00")).ToString(), "0.00");
}

TEST(Decimal, DividesWithHalfUpRounding) {
  EXPECT_EQ(Decimal::Divide(D("44255.39"), D("4"), 2).ToString(), "11063.85");
  EXPECT_EQ(Decimal::Divide(D("122313.36"), D("7.3963"), 2).ToString(), "16537.10");
  EXPECT_EQ(Decimal::Divide(D("1"), D("3"), 7).ToString(), "0.3333333");
  EXPECT_EQ(Decimal::Divide(D("-2"), D("3"), 2).ToString(), "-0.67");
  EXPECT_EQ(Decimal::Divide(D("1"), D("-8"), 2).ToString(), "-0.13");
  EXPECT_FALSE(Decimal::Divide(D("1"), D("0"), 2).ok());
}

TEST(Decimal, ComparesByValue) {
  EXPECT_EQ(D("1.50"), D("1.5"));
  EXPECT_LT(D("-1"), D("0.5"));
  EXPECT_GT(D("10"), D("9.9999999999"));
  EXPECT_GT(D("99999999999999999999999999999999999999"), D("0.0000000001"));
  EXPECT_LT(D("-99999999999999999999999999999999999999"), D("-0.0000000001"));
  EXPECT_LT(D("0.0000000001"), D("99999999999999999999999999999999999999"));
}

TEST(Decimal, OverflowBecomesInvalidAndStaysInvalid) {
  const Decimal big = D("99999999999999999999999999999999999999");
  EXPECT_FALSE((big + D("1")).ok());
  EXPECT_FALSE((big * D("10")).ok());
  EXPECT_FALSE((D("123456789012345.1234567890") * D("123456789012345.1234567890")).ok());
  const Decimal bad = big * big;
  EXPECT_FALSE((bad + D("1")).ok());
  EXPECT_FALSE((bad * D("0")).ok());
  EXPECT_FALSE(bad.Round(2).ok());
  EXPECT_EQ(bad.ToFixed(2), "invalid");
  EXPECT_FALSE(bad == bad);
  EXPECT_TRUE(bad != D("1"));
  EXPECT_FALSE(CheckDecimal(bad, "total").ok());
  EXPECT_TRUE(CheckDecimal(D("1"), "total").ok());
  // Scale beyond kMaxScale cannot be kept exactly.
  EXPECT_FALSE((D("0.0000000001") * D("0.0000000001") * D("0.0000000001") * D("0.0000000001"))
                   .ok());
}

TEST(Decimal, TrailingZerosDoNotCauseSpuriousOverflow) {
  Int128 ten_pow_37 = 1;
  for (int i = 0; i < 37; ++i) ten_pow_37 *= 10;
  const Decimal ten = Decimal::FromRaw(ten_pow_37, 36);  // 10.000…0 with 36 zeros
  EXPECT_EQ((ten + D("1000000000000000000000000000000")).ToString(),
            "1000000000000000000000000000010");
  EXPECT_EQ((ten * D("1000000000000000000000000000000")).Normalized().ToString(),
            "10000000000000000000000000000000");
}

// Property test against Python's decimal module: a few thousand random cases per operation.
struct Case {
  std::string op, a, b, expected;
  int places = 0;
};

std::vector<Case> PythonCases() {
  const char* script = R"PY(
import random
from decimal import Decimal, getcontext, ROUND_HALF_UP, ROUND_DOWN, localcontext
getcontext().prec = 200
rnd = random.Random(421)
def num():
    ip = rnd.choice([0, 1, 3, 6, 9, 12, 15])
    fp = rnd.choice([0, 1, 2, 4, 7, 10])
    s = str(rnd.randrange(10 ** ip)) if ip else "0"
    if fp:
        s += "." + "".join(rnd.choice("0123456789") for _ in range(fp))
    if rnd.random() < 0.3 and s.strip("0.") != "":
        s = "-" + s
    return s
def q(x, p):
    r = x.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
    return format(abs(r) if r == 0 else r, "f")
for _ in range(3000):
    a, b = num(), num()
    A, B = Decimal(a), Decimal(b)
    p = rnd.choice([0, 2, 7])
    print("add", a, b, p, q(A + B, p))
    print("sub", a, b, p, q(A - B, p))
    print("mul", a, b, p, q(A * B, p))
    print("round", a, b, p, q(A, p))
    if B != 0:
        with localcontext() as c:
            c.prec = 150
            c.rounding = ROUND_DOWN
            quot = A / B
        print("div", a, b, p, q(quot, p))
)PY";
  std::vector<Case> cases;
  std::string cmd = "python3 -c '";
  cmd += script;
  cmd += "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return cases;
  std::string all;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) all.append(buf, n);
  pclose(pipe);
  std::istringstream in(all);
  Case c;
  while (in >> c.op >> c.a >> c.b >> c.places >> c.expected) cases.push_back(c);
  return cases;
}

TEST(Decimal, AgreesWithPythonDecimal) {
  const std::vector<Case> cases = PythonCases();
  ASSERT_GT(cases.size(), 10000u) << "python3 with the decimal module is required";
  int failures = 0;
  for (const Case& c : cases) {
    const Decimal a = D(c.a.c_str());
    const Decimal b = D(c.b.c_str());
    Decimal r;
    if (c.op == "add") r = (a + b).Round(c.places);
    if (c.op == "sub") r = (a - b).Round(c.places);
    if (c.op == "mul") {
      r = Decimal::MulRound(a, b, c.places);
      const Decimal exact = a * b;
      if (exact.ok() && exact.Round(c.places) != r) r = Decimal::Invalid();
    }
    if (c.op == "round") r = a.Round(c.places);
    if (c.op == "div") r = Decimal::Divide(a, b, c.places);
    const std::string got = r.ToFixed(c.places);
    const std::string& want = c.expected;
    if (got != want && ++failures < 20) {
      ADD_FAILURE() << c.op << " " << c.a << " " << c.b << " @" << c.places << ": got " << got
                    << ", python " << want;
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace estimate::core
