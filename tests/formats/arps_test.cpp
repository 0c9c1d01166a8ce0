#include "formats/arps/arps.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/resource_index_calculator.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "computed_writers.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kGolden = fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden";
const char* const kGoldens[] = {"contract_example", "rik_02-01-05_vodomernyi_uzel",
                                "rik_02-01-02_remont_otopleniya"};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

core::Estimate GoldenEstimate(const std::string& name) {
  auto e = ParseEstimateDocument(ReadFile(kGolden / name / "input.json"));
  EXPECT_TRUE(e.ok()) << e.status().message();
  return e.ok() ? *e : core::Estimate{};
}

ArpsHeader TestHeader() {
  ArpsHeader h;
  h.number = "02-01-05";
  h.construction_name = "Жилой дом";
  h.object_name = "Корпус 1";
  h.customer = "ООО Заказчик";
  h.contractor = "ООО Подрядчик";
  return h;
}

std::string ToCp866(const std::string& utf8) {
  iconv_t cd = iconv_open("CP866", "UTF-8");
  std::string out(utf8.size(), '\0');
  char* src = const_cast<char*>(utf8.data());
  char* dst = out.data();
  std::size_t left = utf8.size(), room = out.size();
  const std::size_t rc = iconv(cd, &src, &left, &dst, &room);
  iconv_close(cd);
  EXPECT_NE(rc, static_cast<std::size_t>(-1));
  out.resize(out.size() - room);
  return out;
}

// The file's lines (without CRLF).
std::vector<std::string> Lines(const std::string& bytes) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < bytes.size()) {
    const std::size_t end = bytes.find("\r\n", from);
    lines.push_back(bytes.substr(from, end - from));
    from = end == std::string::npos ? bytes.size() : end + 2;
  }
  return lines;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\r\n";
  return out;
}

// The 1-based number of the first line starting with `prefix`.
std::size_t LineOf(const std::vector<std::string>& lines, const std::string& prefix) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) return i + 1;
  }
  return 0;
}

void ExpectSameFigures(const core::Figures& a, const core::Figures& b, const std::string& at) {
  const std::pair<const char*, core::Decimal core::Figures::*> members[] = {
      {"ot", &core::Figures::ot},
      {"em", &core::Figures::em},
      {"otm", &core::Figures::otm},
      {"m", &core::Figures::m},
      {"equipment", &core::Figures::equipment},
      {"direct", &core::Figures::direct},
      {"extra", &core::Figures::extra},
      {"fot", &core::Figures::fot},
      {"overhead", &core::Figures::overhead},
      {"profit", &core::Figures::profit},
      {"total", &core::Figures::total},
      {"labor_hours", &core::Figures::labor_hours},
      {"machinist_hours", &core::Figures::machinist_hours},
      {"market_materials", &core::Figures::market_materials},
      {"market_equipment", &core::Figures::market_equipment}};
  for (const auto& [name, member] : members) {
    EXPECT_EQ((a.*member).ToFixed(7), (b.*member).ToFixed(7)) << at << "." << name;
  }
}

TEST(Arps, ExportImportKeepsEveryPositionResourceCoefficientAndTotal) {
  for (const char* name : kGoldens) {
    const core::Estimate original = GoldenEstimate(name);
    auto bytes = computed::WriteArps(original, TestHeader());
    ASSERT_TRUE(bytes.ok()) << name << ": " << bytes.status().message();
    auto imported = ReadArps(*bytes);
    ASSERT_TRUE(imported.ok()) << name << ": " << imported.status().message();
    EXPECT_TRUE(imported->warnings.empty()) << name << ": " << imported->warnings.front();
    EXPECT_TRUE(imported->differences.empty())
        << name << ": " << imported->differences.front().path << " "
        << imported->differences.front().stated << " vs " << imported->differences.front().computed;
    auto again = ParseEstimateDocument(imported->document_json);
    ASSERT_TRUE(again.ok()) << name << ": " << again.status().message();

    // The same document, field for field (names, codes, prices, "П", machinists, sub-rows…).
    EXPECT_EQ(imported->document_json, WriteEstimateDocument(original)) << name;

    ASSERT_EQ(again->sections.size(), original.sections.size()) << name;
    std::size_t positions = 0, resources = 0, coefficients = 0, extra = 0, compared_positions = 0;
    for (std::size_t s = 0; s < original.sections.size(); ++s) {
      ASSERT_EQ(again->sections[s].positions.size(), original.sections[s].positions.size());
      for (std::size_t p = 0; p < original.sections[s].positions.size(); ++p) {
        const core::Position& a = original.sections[s].positions[p];
        const core::Position& b = again->sections[s].positions[p];
        EXPECT_EQ(b.resources.size(), a.resources.size()) << name << " " << a.number;
        EXPECT_EQ(b.coefficients.size(), a.coefficients.size()) << name << " " << a.number;
        EXPECT_EQ(b.extra.size(), a.extra.size()) << name << " " << a.number;
        for (std::size_t c = 0; c < std::min(a.coefficients.size(), b.coefficients.size()); ++c) {
          EXPECT_EQ(b.coefficients[c].labor, a.coefficients[c].labor);
          EXPECT_EQ(b.coefficients[c].machinist_labor, a.coefficients[c].machinist_labor);
          EXPECT_EQ(b.coefficients[c].machines, a.coefficients[c].machines);
          EXPECT_EQ(b.coefficients[c].materials, a.coefficients[c].materials);
          EXPECT_EQ(b.coefficients[c].combination, a.coefficients[c].combination);
        }
        ++positions;
        resources += b.resources.size();
        coefficients += b.coefficients.size();
        extra += b.extra.size();
      }
    }
    EXPECT_GT(positions, 0u);
    EXPECT_GT(resources, 0u);
    EXPECT_GT(coefficients, 0u);
    EXPECT_GT(extra, 0u);

    auto first = core::CalculateResourceIndex(original);
    auto second = core::CalculateResourceIndex(*again);
    ASSERT_TRUE(first.ok() && second.ok()) << name;
    for (std::size_t s = 0; s < first->positions.size(); ++s) {
      for (std::size_t p = 0; p < first->positions[s].size(); ++p, ++compared_positions) {
        ExpectSameFigures(second->positions[s][p].figures, first->positions[s][p].figures,
                          std::string(name) + " sections[" + std::to_string(s) + "].positions[" +
                              std::to_string(p) + "]");
      }
      ExpectSameFigures(second->sections[s].figures, first->sections[s].figures,
                        std::string(name) + " sections[" + std::to_string(s) + "]");
    }
    ExpectSameFigures(second->totals.figures, first->totals.figures, std::string(name) + " totals");
    ExpectSameFigures(second->totals.installation, first->totals.installation, name);
    ExpectSameFigures(second->totals.construction, first->totals.construction, name);
    EXPECT_EQ(compared_positions, positions);
    // 7 per-unit figures a position, the НР/СП fractions and the total.
    EXPECT_GE(imported->compared, positions * 7 + 1) << name;
  }
}

TEST(Arps, TheStatedTotalsAreThoseOfTheCalculator) {
  auto bytes = computed::WriteArps(GoldenEstimate("rik_02-01-05_vodomernyi_uzel"), TestHeader());
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const std::vector<std::string> lines = Lines(*bytes);
  const std::string header = lines[LineOf(lines, "3#") - 1];
  EXPECT_NE(header.find("#232833,98#"), std::string::npos) << header;
  auto contract = computed::WriteArps(GoldenEstimate("contract_example"), TestHeader());
  ASSERT_TRUE(contract.ok());
  // НР 121 % × 0.9 = 108.9 % of ФОТ, written as the fraction peer readers multiply by.
  EXPECT_NE(contract->find("25#2##\x8F\xE0/812-016.0-1#1,089#121#0,9#"), std::string::npos);
}

TEST(Arps, ExportImportExportIsByteIdentical) {
  for (const char* name : kGoldens) {
    auto first = computed::WriteArps(GoldenEstimate(name), TestHeader());
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto imported = ReadArps(*first);
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    EXPECT_EQ(imported->header.number, "02-01-05");
    EXPECT_EQ(imported->header.object_name, "Корпус 1");
    auto again = ParseEstimateDocument(imported->document_json);
    ASSERT_TRUE(again.ok()) << again.status().message();
    auto second = computed::WriteArps(*again, imported->header);
    ASSERT_TRUE(second.ok()) << second.status().message();
    EXPECT_EQ(*second, *first) << name;
  }
}

TEST(Arps, OverridesAreWrittenAsAppliedAndWholeRoublesAreKept) {
  core::Estimate e = GoldenEstimate("rik_02-01-05_vodomernyi_uzel");
  e.options.money_places = 0;
  e.options.profit_override = core::RateOverride{core::Decimal::FromInt(30), std::nullopt};
  auto bytes = computed::WriteArps(e, TestHeader());
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  auto imported = ReadArps(*bytes);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_TRUE(imported->differences.empty()) << imported->differences.front().path;
  auto again = ParseEstimateDocument(imported->document_json);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->options.money_places, 0);
  EXPECT_FALSE(again->options.profit_override.has_value());
  auto first = core::CalculateResourceIndex(e);
  auto second = core::CalculateResourceIndex(*again);
  ASSERT_TRUE(first.ok() && second.ok());
  ExpectSameFigures(second->totals.figures, first->totals.figures, "totals");
}

TEST(Arps, TheFileIsCp866WithCrlfAndHashSeparatedRecords) {
  auto bytes = computed::WriteArps(GoldenEstimate("contract_example"), TestHeader());
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  // «АРПС» in cp866: А 0x80, Р 0x90, П 0x8F, С 0x91.
  EXPECT_EQ(bytes->rfind("1#\x80\x90\x8F\x91 1.10#Estimate Service#\r\n", 0), 0u);
  EXPECT_EQ(bytes->find("\xD0"), std::string::npos);  // no UTF-8 Cyrillic
  // «Раздел 1. Водомерный узел»: Р 0x90, а 0xA0, з 0xA7, д 0xA4, е 0xA5, л 0xAB.
  EXPECT_NE(bytes->find("10#0##\x90\xA0\xA7\xA4\xA5\xAB 1. "), std::string::npos);
  for (std::size_t at = bytes->find('\n'); at != std::string::npos;
       at = bytes->find('\n', at + 1)) {
    ASSERT_GT(at, 1u);
    EXPECT_EQ((*bytes)[at - 1], '\r');
    EXPECT_EQ((*bytes)[at - 2], '#');
  }
  const std::vector<std::string> lines = Lines(*bytes);
  EXPECT_EQ(lines[1], "0#\x94\x91\x8D\x81-2022 ; 2022#");  // ФСНБ
  // A position: 29 fields and the closing '#'; quantity and money with a decimal comma.
  const std::string position = lines[LineOf(lines, "20#") - 1];
  EXPECT_EQ(std::count(position.begin(), position.end(), '#'), 29);
  EXPECT_NE(position.find("#1#1#0#"), std::string::npos) << position;  // kind, quantity, work kind
  EXPECT_EQ(lines.back(), "50#\x82\xE1\xA5\xA3\xAE###");               // Всего
}

TEST(Arps, ABrokenRecordFailsWithItsLineNumber) {
  auto bytes = computed::WriteArps(GoldenEstimate("contract_example"), TestHeader());
  ASSERT_TRUE(bytes.ok());
  const std::vector<std::string> lines = Lines(*bytes);
  const std::size_t position = LineOf(lines, "20#");
  ASSERT_GT(position, 0u);

  {  // a field that is not a number: the quantity
    std::vector<std::string> broken = lines;
    std::string& l = broken[position - 1];
    const std::size_t q = l.rfind("#1#1#0#");
    l.replace(q, 7, "#1#1x#0#");
    auto r = ReadArps(Join(broken));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("line " + std::to_string(position) +
                                        ": record 20: field 26: \"1x\" is not a number"),
              std::string::npos)
        << r.status().message();
  }
  {  // a record of a type we do not know: a vendor's dialect, said and left out
    std::vector<std::string> dialect = lines;
    dialect.insert(dialect.begin() + 3, "77#something#");
    auto r = ReadArps(Join(dialect));
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_NE(r->warnings.front().find("line 4: record 77: a record type this reader does not know"),
              std::string::npos)
        << r->warnings.front();
    EXPECT_TRUE(r->differences.empty()) << "the known records still carry the whole estimate";
  }
  {  // a line that is no record at all
    std::vector<std::string> broken = lines;
    broken.insert(broken.begin() + 3, "XX#something#");
    auto r = ReadArps(Join(broken));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("line 4: record XX: field 0: unknown record type"),
              std::string::npos)
        << r.status().message();
  }
  {  // a truncated record
    std::vector<std::string> broken = lines;
    std::string& l = broken[position - 1];
    std::size_t cut = 0;
    for (int i = 0; i < 12; ++i) cut = l.find('#', cut) + 1;
    l.resize(cut);
    auto r = ReadArps(Join(broken));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("line " + std::to_string(position) +
                                        ": record 20: field 12: missing"),
              std::string::npos)
        << r.status().message();
  }
  {  // a resource line with a price in a broken field, and an unknown line kind
    std::vector<std::string> broken = lines;
    const std::size_t line = LineOf(broken, "30#");
    broken[line - 1] = "30#1-100-38#x#y##0,41#\x80\x81#625,58#9#0,2971####";
    auto r = ReadArps(Join(broken));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("line " + std::to_string(line) + ": record 30: field 8"),
              std::string::npos)
        << r.status().message();
  }
  {  // not an АРПС file at all
    auto r = ReadArps("hello#world\r\n");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("line 1: record hello: field 0"), std::string::npos);
  }
}

TEST(Arps, ATextCp866CannotHoldFailsTheExportNamingTheField) {
  core::Estimate e = GoldenEstimate("contract_example");
  e.sections[0].positions[0].resources[2].name = "Очес льняной, 5 €/кг";
  auto r = computed::WriteArps(e, TestHeader());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sections[0].positions[0].resources[2].name: \"€\" (U+20AC) "
                                      "cannot be written in cp866"),
            std::string::npos)
      << r.status().message();

  // Typographic quotes and dashes, which cp866 lacks, become their ASCII forms.
  ArpsHeader h = TestHeader();
  h.customer = "ООО «Заказчик» — филиал";
  auto quoted = computed::WriteArps(GoldenEstimate("contract_example"), h);
  ASSERT_TRUE(quoted.ok()) << quoted.status().message();
  auto back = ReadArps(*quoted);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->header.customer, "ООО \"Заказчик\" - филиал");

  core::Estimate hashed = GoldenEstimate("contract_example");
  hashed.sections[0].positions[1].name = "Счетчик #2";
  auto separator = computed::WriteArps(hashed, TestHeader());
  ASSERT_FALSE(separator.ok());
  EXPECT_NE(separator.status().message().find("sections[0].positions[1].name: '#'"),
            std::string::npos);
}

// The layout of the two small writers of §6.1: decimal points, LF, no resource lines, a supplier
// price; НР/СП as fractions only.
const char* const kPeerFile =
    "1#АРПС 1.10#MNB.DLL#\n"
    "3######ООО-Заказчик#ФИО-Закачик#ООО-Подрядчик#ФИО-Подрядчик#########Строительство##ТСН-2001\n"
    "0#ТСН-2001 ; 2000\n"
    "10#0##Раздел. Кровля\n"
    "20#1#ТЕР12-01-002-09#100 м2#Устройство кровель#675.60#384.81#10.49#2.01#280.30#0.00###42.90#"
    "0.17#29631.56#12977.05#115.40#73.68#1269.76#0.00###56.76#0.24#1#2.5###\n"
    "25#2##Пр/812-016.0-1#1,21#\n"
    "25#3##Пр/774-016.0#0,72#\n"
    "50#Итого по разделу###\n"
    "20#11#Цена поставщика#шт#Воронка#675.60####675.60#0.00#####675.60#0.00#0.00#0.00#675.60#"
    "0.00###0.00#0.00#19#3###\n"
    "50#Итого по всем разделам###\n"
    "50#Всего###\n";

TEST(Arps, AFileOfAnotherProgramIsReadAtItsStatedElements) {
  auto imported = ReadArps(ToCp866(kPeerFile));
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->header.program, "MNB.DLL");
  EXPECT_EQ(imported->header.customer, "ООО-Заказчик");
  EXPECT_EQ(imported->header.base_name, "ТСН-2001");
  bool fixed_said = false;
  for (const auto& w : imported->warnings)
    fixed_said |= w.find("not recomputed") != std::string::npos;
  EXPECT_TRUE(fixed_said);
  auto e = ParseEstimateDocument(imported->document_json);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->sections.size(), 1u);
  ASSERT_EQ(e->sections[0].positions.size(), 2u);
  const core::Position& norm = e->sections[0].positions[0];
  ASSERT_TRUE(norm.overhead.has_value());
  EXPECT_EQ(norm.overhead->percent.ToString(), "121");
  EXPECT_EQ(e->sections[0].positions[1].type, core::PositionType::kResource);
  auto r = core::CalculateResourceIndex(*e);
  ASSERT_TRUE(r.ok());
  // ОТ 2.5 × 12977.05 = 32442.63, ЭМ 2.5 × 41.72 = 104.30, ОТм 184.20, М 3174.40;
  // НР 121 % and СП 72 % of ФОТ 32626.83; the supplier price 3 × 675.60.
  EXPECT_EQ(r->positions[0][0].figures.overhead.ToFixed(2), "39478.46");
  EXPECT_EQ(r->positions[0][0].figures.profit.ToFixed(2), "23491.32");
  EXPECT_EQ(r->positions[0][0].figures.total.ToFixed(2), "98875.31");
  EXPECT_EQ(r->totals.figures.total.ToFixed(2), "100902.11");
  // f15 of that writer is not ОТ + ЭМ + М per unit: said, not fixed.
  bool f15 = false;
  for (const auto& d : imported->differences) f15 |= d.path == "line 5: record 20: field 15";
  EXPECT_TRUE(f15);
}

TEST(Arps, AUtf8FileIsReadWithAWarning) {
  auto imported = ReadArps(kPeerFile);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_FALSE(imported->warnings.empty());
  EXPECT_NE(imported->warnings.front().find("UTF-8"), std::string::npos);
  EXPECT_EQ(imported->header.customer, "ООО-Заказчик");
}

TEST(Arps, AStatedTotalThatDiffersIsReported) {
  auto bytes = computed::WriteArps(GoldenEstimate("contract_example"), TestHeader());
  ASSERT_TRUE(bytes.ok());
  std::vector<std::string> lines = Lines(*bytes);
  std::string& header = lines[2];
  const std::size_t at = header.find("#10437,52#");
  ASSERT_NE(at, std::string::npos) << header;
  header.replace(at, 10, "#10437,53#");
  auto imported = ReadArps(Join(lines));
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_EQ(imported->differences.size(), 1u);
  EXPECT_EQ(imported->differences[0].path, "line 3: record 3: field 13");
  EXPECT_EQ(imported->differences[0].stated, "10437,53");
  EXPECT_EQ(imported->differences[0].computed, "10437,52");
}

}  // namespace
}  // namespace estimate::formats
