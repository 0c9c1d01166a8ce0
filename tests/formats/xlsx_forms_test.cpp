// The XLSX forms (formats/xlsx_forms.hpp) read back by an independent reader: python3 with only
// its standard library (zipfile, xml.etree) lists every cell of sheet1 (shared strings resolved;
// a number at the 15 significant digits a spreadsheet shows), the page setup, the footer, the
// merged ranges and the defined names. The tests check the form's texts and that the figures are
// the computed ones, as numbers.
//
// To look at the forms: ESTIMATE_XLSX_DIR=/some/dir ./formats_tests --gtest_filter='XlsxForms*'
// writes lsr.xlsx, osr.xlsx, ssr.xlsx and precision.xlsx there.
#include "formats/print/xlsx_forms.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "computed_writers.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using core::Decimal;

Decimal D(const char* text) { return Decimal::Literal(text); }

constexpr const char* kReader = R"PY(
import sys, zipfile
import xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
def esc(s): return s.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')
z = zipfile.ZipFile(sys.argv[1])
sst = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(M + 'si'):
        sst.append(''.join(t.text or '' for t in si.iter(M + 't')))
sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
for c in sheet.iter(M + 'c'):
    t, v = c.get('t'), c.find(M + 'v')
    if t == 's':
        kind, value = 'text', sst[int(v.text)]
    elif t == 'inlineStr' or t == 'str':
        kind, value = 'text', ''.join(x.text or '' for x in c.iter(M + 't'))
    elif v is not None:
        # At 15 significant digits, what a spreadsheet shows at most: libxlsxwriter stores 16
        # (8944235.39 as 8944235.390000001, 0.6828188 as 0.6828187999999999).
        kind, value = 'number', '%.15g' % float(v.text)
    else:
        continue
    print('\t'.join(['cell', c.get('r'), kind, esc(value)]))
for m in sheet.iter(M + 'mergeCell'):
    print('merge\t' + m.get('ref'))
ps = sheet.find(M + 'pageSetup')
if ps is not None:
    print('pageSetup\t' + ' '.join('%s=%s' % kv for kv in sorted(ps.attrib.items())))
f = sheet.find(M + 'headerFooter/' + M + 'oddFooter')
if f is not None:
    print('footer\t' + esc(f.text or ''))
for d in ET.fromstring(z.read('xl/workbook.xml')).iter(M + 'definedName'):
    print('defined\t%s\t%s' % (d.get('name'), esc(d.text or '')))
for s in ET.fromstring(z.read('xl/workbook.xml')).iter(M + 'sheet'):
    print('sheet\t' + s.get('name'))
)PY";

struct Cell {
  std::string kind;  // "text" or "number"
  std::string value;
};

// What the reader saw in a workbook.
struct SheetDump {
  bool read = false;
  std::map<std::string, Cell> cells;  // "L120" → cell
  std::vector<std::string> merges;
  std::string page_setup, footer, sheet_name;
  std::map<std::string, std::string> defined;

  // The row number of the first cell (in sheet order of rows) holding exactly `text`; 0 if none.
  int RowOf(const std::string& text) const {
    int best = 0;
    for (const auto& [ref, cell] : cells) {
      if (cell.value != text) continue;
      const int row = RowNumber(ref);
      if (best == 0 || row < best) best = row;
    }
    return best;
  }
  int Count(const std::string& text) const {
    int n = 0;
    for (const auto& [ref, cell] : cells) n += cell.value == text ? 1 : 0;
    return n;
  }
  bool Has(const std::string& text) const { return Count(text) > 0; }
  Cell At(char column, int row) const {
    auto it = cells.find(std::string(1, column) + std::to_string(row));
    return it == cells.end() ? Cell{} : it->second;
  }
  static int RowNumber(const std::string& ref) {
    return std::stoi(ref.substr(ref.find_first_of("0123456789")));
  }
};

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (true) {
    const std::size_t tab = line.find('\t', at);
    parts.push_back(line.substr(at, tab - at));
    if (tab == std::string::npos) break;
    at = tab + 1;
  }
  return parts;
}

bool PythonAvailable() { return std::system("python3 -c 'import zipfile' >/dev/null 2>&1") == 0; }

// Writes `bytes` to a file of the test's own and runs the reader on it; also keeps a copy in
// $ESTIMATE_XLSX_DIR/<name> when that is set.
SheetDump ReadBack(const std::string& bytes, const std::string& name) {
  if (const char* dir = std::getenv("ESTIMATE_XLSX_DIR")) {
    std::ofstream(fs::path(dir) / name, std::ios::binary) << bytes;
  }
  const fs::path work =
      fs::temp_directory_path() / ("xlsx_forms_test_" + std::to_string(::getpid()) + "_" + name);
  const fs::path script = work.string() + ".py";
  std::ofstream(work, std::ios::binary) << bytes;
  std::ofstream(script) << kReader;
  SheetDump dump;
  const std::string command = "python3 '" + script.string() + "' '" + work.string() + "'";
  if (FILE* p = ::popen(command.c_str(), "r")) {
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    dump.read = ::pclose(p) == 0;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      const std::vector<std::string> f = Split(line);
      if (f[0] == "cell" && f.size() == 4) dump.cells[f[1]] = {f[2], f[3]};
      if (f[0] == "merge" && f.size() == 2) dump.merges.push_back(f[1]);
      if (f[0] == "pageSetup" && f.size() == 2) dump.page_setup = f[1];
      if (f[0] == "footer" && f.size() == 2) dump.footer = f[1];
      if (f[0] == "sheet" && f.size() == 2) dump.sheet_name = f[1];
      if (f[0] == "defined" && f.size() == 3) dump.defined[f[1]] = f[2];
    }
  }
  fs::remove(work);
  fs::remove(script);
  return dump;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The ПК РИК ЛСР 02-01-05 of tests/golden as an XLSX form, read back once for all tests.
const SheetDump& RikEstimateSheet() {
  static const SheetDump dump = [] {
    Result<core::Estimate> estimate = ParseEstimateDocument(ReadFile(
        fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden/rik_02-01-05_vodomernyi_uzel/input.json"));
    EXPECT_TRUE(estimate.ok()) << estimate.status().message();
    if (!estimate.ok()) return SheetDump{};
    PrintHeader header;
    header.construction = "Жилой дом (пример)";
    header.object = "Водомерный узел";
    header.number = "02-01-05";
    header.price_level = "IV квартал 2025 года";
    header.composed_by = "Инженер-сметчик И.И. Иванов";
    Result<std::string> bytes = computed::WriteEstimateXlsx(*estimate, header);
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    if (!bytes.ok()) return SheetDump{};
    EXPECT_EQ(bytes->substr(0, 2), "PK") << "an XLSX file is a zip archive";
    return ReadBack(*bytes, "lsr.xlsx");
  }();
  return dump;
}

#define REQUIRE_PYTHON() \
  if (!PythonAvailable()) GTEST_SKIP() << "python3 is needed to read the XLSX"

TEST(XlsxForms, EstimateFormHasTheTwelveColumnsAndTheTotalsOfTheRikCase) {
  REQUIRE_PYTHON();
  const SheetDump& s = RikEstimateSheet();
  ASSERT_TRUE(s.read);
  EXPECT_EQ(s.sheet_name, "ЛСР");
  for (const char* heading :
       {"№ п/п", "Обоснование", "Наименование работ и затрат", "Единица измерения", "Количество",
        "на единицу измерения", "коэффициенты", "всего с учетом коэффициентов",
        "Сметная стоимость, руб.", "на единицу измерения в базисном уровне цен", "индекс",
        "на единицу измерения в текущем уровне цен", "всего в текущем уровне цен"}) {
    EXPECT_TRUE(s.Has(heading)) << heading;
  }
  EXPECT_EQ(s.Count("коэффициенты"), 2) << "графы 6 and 11";
  EXPECT_TRUE(s.Has("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № 02-01-05"));
  EXPECT_TRUE(s.Has("Жилой дом (пример)"));
  EXPECT_TRUE(s.Has("(наименование стройки)"));
  EXPECT_TRUE(s.Has("ЛСР 02-01-05 Водомерый узел")) << "the estimate's name as the work's name";
  EXPECT_TRUE(s.Has("Составлен ресурсно-индексным методом"));
  EXPECT_TRUE(s.Has("IV квартал 2025 года"));
  EXPECT_TRUE(s.Has("Инженер-сметчик И.И. Иванов"));

  // Header block: Сметная стоимость in тыс. руб.
  const int cost = s.RowOf("Сметная стоимость");
  ASSERT_GT(cost, 0);
  EXPECT_EQ(s.At('D', cost).kind, "number");
  EXPECT_EQ(s.At('D', cost).value, "232.83");

  // Every position ends with «Всего по позиции»; the first one's total.
  EXPECT_EQ(s.Count("Всего по позиции"), 37);
  const int first_total = s.RowOf("Всего по позиции");
  EXPECT_EQ(s.At('J', first_total).value, "724.41");
  EXPECT_EQ(s.At('L', first_total).value, "724.41");

  ASSERT_TRUE(s.Has("ИТОГИ ПО СМЕТЕ"));
  const int total = s.RowOf("ВСЕГО по смете");
  ASSERT_GT(total, s.RowOf("ИТОГИ ПО СМЕТЕ"));
  EXPECT_EQ(s.At('L', total).kind, "number");
  EXPECT_EQ(s.At('L', total).value, "232833.98");
  EXPECT_EQ(s.At('L', s.RowOf("ВСЕГО строительные работы")).value, "147647.09");
  EXPECT_EQ(s.At('L', s.RowOf("ВСЕГО монтажные работы")).value, "52916.21");
  EXPECT_EQ(s.At('L', s.RowOf("ВСЕГО оборудование")).value, "32270.68");
}

TEST(XlsxForms, EstimateFormPrintsOnA4LandscapeWithTheColumnNumbersOnEveryPage) {
  REQUIRE_PYTHON();
  const SheetDump& s = RikEstimateSheet();
  ASSERT_TRUE(s.read);
  EXPECT_NE(s.page_setup.find("paperSize=9"), std::string::npos) << s.page_setup;
  EXPECT_NE(s.page_setup.find("orientation=landscape"), std::string::npos) << s.page_setup;
  EXPECT_NE(s.page_setup.find("fitToHeight=0"), std::string::npos) << s.page_setup;
  EXPECT_NE(s.footer.find("Стр. &P из &N"), std::string::npos) << s.footer;
  // The print titles are the row «1 2 … 12» under the headings.
  const std::string titles =
      s.defined.count("_xlnm.Print_Titles") ? s.defined.at("_xlnm.Print_Titles") : std::string();
  ASSERT_FALSE(titles.empty());
  const int numbers = std::stoi(titles.substr(titles.rfind('$') + 1));
  const char* columns = "ABCDEFGHIJKL";
  for (int c = 0; c < 12; ++c) {
    EXPECT_EQ(s.At(columns[c], numbers).value, std::to_string(c + 1)) << columns[c];
  }
  EXPECT_EQ(s.At('M', numbers).value, "") << "12 physical columns, no more";
  EXPECT_TRUE(s.defined.count("_xlnm.Print_Area"));
}

TEST(XlsxForms, EstimateFormKeepsEveryFigureOfThePositionBlock) {
  REQUIRE_PYTHON();
  const SheetDump& s = RikEstimateSheet();
  ASSERT_TRUE(s.read);
  // Position 1 (ГЭСН 16-06-005-01): its labour line, НР and СП as the text form prints them.
  const int position = s.RowOf("ГЭСН 16-06-005-01");
  ASSERT_GT(position, 0);
  EXPECT_EQ(s.At('A', position).value, "1");
  const int labor = s.RowOf("1-100-38");
  ASSERT_GT(labor, position);
  EXPECT_EQ(s.At('E', labor).value, "0.41");
  EXPECT_EQ(s.At('J', labor).value, "625.58");
  EXPECT_EQ(s.At('L', labor).value, "256.49");
  const int group = s.RowOf("ОТ(ЗТ)");
  EXPECT_EQ(s.At('B', group).value, "1");
  const int overhead = s.RowOf("Пр/812-016.0-1");
  ASSERT_GT(overhead, labor);
  EXPECT_EQ(s.At('E', overhead).value, "121");
  EXPECT_EQ(s.At('F', overhead).value, "0.9");
  EXPECT_EQ(s.At('G', overhead).value, "108.9");
  EXPECT_EQ(s.At('L', overhead).value, "286.29");
  EXPECT_EQ(s.At('L', s.RowOf("Итого прямые затраты")).value, "277.23");
}

// Every «Всего по позиции» (графы 10 and 12) and every «Итого по разделу» of the form, in order,
// against tests/golden/rik_02-01-05_vodomernyi_uzel/expected.json (copied from the ПК РИК
// printout).
TEST(XlsxForms, EstimateFormShowsEveryPositionAndSectionTotalOfTheGoldenCase) {
  REQUIRE_PYTHON();
  const SheetDump& s = RikEstimateSheet();
  ASSERT_TRUE(s.read);
  const json::value expected = json::parse(ReadFile(
      fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden/rik_02-01-05_vodomernyi_uzel/expected.json"));
  // As a spreadsheet shows the number: no trailing zeros.
  auto shown = [](const json::value& v) {
    return Decimal::Literal(std::string(v.as_string())).Normalized().ToString();
  };
  std::vector<int> position_rows, section_rows;
  for (const auto& [ref, cell] : s.cells) {
    if (ref[0] != 'C') continue;
    if (cell.value == "Всего по позиции") position_rows.push_back(SheetDump::RowNumber(ref));
    if (cell.value.rfind("Итого по разделу", 0) == 0 ||
        cell.value == "Итого по позициям, не вошедшим в разделы") {
      section_rows.push_back(SheetDump::RowNumber(ref));
    }
  }
  std::sort(position_rows.begin(), position_rows.end());
  std::sort(section_rows.begin(), section_rows.end());
  const json::array& positions = expected.at("positions").as_array();
  ASSERT_EQ(position_rows.size(), positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const json::object& p = positions[i].as_object();
    EXPECT_EQ(s.At('L', position_rows[i]).value, shown(p.at("total"))) << "position " << i + 1;
    EXPECT_EQ(s.At('J', position_rows[i]).value, shown(p.at("per_unit"))) << "position " << i + 1;
  }
  const json::array& sections = expected.at("sections").as_array();
  ASSERT_EQ(section_rows.size(), sections.size());
  for (std::size_t i = 0; i < sections.size(); ++i) {
    EXPECT_EQ(s.At('L', section_rows[i]).value, shown(sections[i].at("total"))) << "section " << i;
  }
}

// The ОСР 01-02 «Рекультивация» of tests/core/object_estimate_test.cpp (ГОССТРОЙСМЕТА sample).
core::ObjectEstimateLine Lsr(const char* number, const char* name, const char* building,
                             const char* ot, const char* em, const char* otm, const char* m,
                             const char* overhead, const char* profit) {
  core::ObjectEstimateLine l;
  l.number = number;
  l.name = name;
  l.construction = D(building);
  l.details = {D(ot), D(em), D(otm), D(m), Decimal(), D(overhead), D(profit)};
  return l;
}

TEST(XlsxForms, ObjectEstimateFormSumsTheRekultivaciyaSampleInThousands) {
  REQUIRE_PYTHON();
  core::ObjectEstimateInput input;
  input.number = "01-02";
  input.name = "Рекультивация";
  input.lines = {
      Lsr("01-02-01", "Рекультивация 1", "16893250", "904330", "650740", "94670", "13106110",
          "1367970", "864090"),
      Lsr("01-02-02", "Рекультивация 2", "28383300", "1482380", "1121260", "166420", "22095040",
          "2258090", "1426530"),
      Lsr("01-02-03", "Рекультивация 3", "28000110", "1462300", "1107290", "164160", "21795820",
          "2227500", "1407200"),
  };
  PrintHeader header;
  header.construction = "ВЛ 220 кВ";
  Result<std::string> bytes = computed::WriteObjectEstimateXlsx(input, header);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const SheetDump s = ReadBack(*bytes, "osr.xlsx");
  ASSERT_TRUE(s.read);
  EXPECT_EQ(s.sheet_name, "ОСР");
  EXPECT_TRUE(s.Has("ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № 01-02"));
  for (const char* heading :
       {"№ п/п", "Обоснование", "Сметная стоимость, тыс. руб.",
        "строительных (ремонтно-строительных, ремонтно-реставрационных) работ", "монтажных работ",
        "оборудования", "прочих затрат", "всего"}) {
    EXPECT_TRUE(s.Has(heading)) << heading;
  }
  const int row = s.RowOf("01-02-02");
  EXPECT_EQ(s.At('A', row).value, "2");
  EXPECT_EQ(s.At('D', row).value, "28383.3");
  EXPECT_EQ(s.At('H', row).value, "28383.3");
  const int total = s.RowOf("Всего по объектному сметному расчёту");
  ASSERT_GT(total, row);
  EXPECT_EQ(s.At('D', total).kind, "number");
  EXPECT_EQ(s.At('D', total).value, "73276.66");
  EXPECT_EQ(s.At('H', total).value, "73276.66");
  EXPECT_EQ(s.At('E', total).value, "0");
  EXPECT_EQ(s.At('H', s.RowOf("оплата труда рабочих (ОТ)")).value, "3849.01");
  EXPECT_EQ(s.At('H', s.RowOf("сметная прибыль")).value, "3697.82");
  EXPECT_EQ(s.At('D', s.RowOf("Сметная стоимость")).value, "73276.66");
}

// Example H of tests/core/summary_estimate_test.cpp: ГРАНД-Смета ССРСС-0, тыс. руб.
core::SummaryEstimateInput SampleSsr() {
  core::SummaryEstimateInput in;
  in.number = "ССРСС-0";
  in.name = "Стройка по образцу ССРСС-0";
  in.date = {2025, 11, 27};
  in.contingency_percent = D("3");
  const struct {
    int chapter;
    const char *b, *m, *e, *o;
  } kChapters[] = {
      {1, "4265313.41", "485380.64", "12590.26", "4180951.08"},
      {2, "9884533.29", "1773396.41", "3151810.58", "0"},
      {3, "2087607.32", "176920.99", "295487.16", "0"},
      {4, "251382.62", "308282.74", "671304.5", "0"},
      {5, "223201.08", "86501.09", "306306.28", "0"},
      {6, "343871.16", "245094.3", "262808.3", "0"},
      {7, "50467.89", "0", "0", "0"},
      {8, "950019.55", "172230.93", "0", "0"},
      {9, "664007.82", "80150.37", "0", "2335817.15"},
      {10, "0", "0", "0", "284894.3"},
      {12, "51315.4", "0", "0", "1637466.77"},
  };
  for (const auto& c : kChapters) {
    core::CostColumns amounts{D(c.b), D(c.m), D(c.e), D(c.o), {}};
    amounts.Sum();
    in.lines.push_back(core::AmountLine(c.chapter, "ОСР-" + std::to_string(c.chapter),
                                        "Итого по главе " + std::to_string(c.chapter) + " образца",
                                        amounts));
  }
  core::CostColumns exempt{D("0"), D("0"), D("0"), D("461722.14"), {}};
  exempt.Sum();
  in.vat_exempt_amount = exempt;
  return in;
}

TEST(XlsxForms, SummaryEstimateFormCarriesTheRunningTotalsReserveAndVatOfExampleH) {
  REQUIRE_PYTHON();
  Result<std::string> bytes = computed::WriteSummaryEstimateXlsx(SampleSsr(), PrintHeader{});
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const SheetDump s = ReadBack(*bytes, "ssr.xlsx");
  ASSERT_TRUE(s.read);
  EXPECT_EQ(s.sheet_name, "ССР");
  EXPECT_TRUE(s.Has("СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА № ССРСС-0"));
  EXPECT_TRUE(s.Has("Стройка по образцу ССРСС-0")) << "the document's name as the стройка";
  EXPECT_TRUE(s.Has("Сметная стоимость, тыс. руб."));
  EXPECT_TRUE(s.Has("Глава 2. Основные объекты строительства"));
  EXPECT_EQ(s.At('H', s.RowOf("Итого по главе 1")).value, "8944235.39");
  EXPECT_EQ(s.At('H', s.RowOf("Итого по главам 1–7")).value, "29063211.1");
  EXPECT_EQ(s.At('H', s.RowOf("Итого по главам 1–12")).value, "35239113.39");
  EXPECT_EQ(s.At('H', s.RowOf("Итого с непредвиденными")).value, "36296286.79");
  EXPECT_EQ(s.At('H', s.RowOf("НДС 20%")).value, "7166912.93");
  const int total = s.RowOf("ВСЕГО по сводному сметному расчёту");
  ASSERT_GT(total, 0);
  EXPECT_EQ(s.At('H', total).kind, "number");
  EXPECT_EQ(s.At('H', total).value, "43463199.72");
  EXPECT_EQ(s.At('D', total).value, "23201845.35");
  EXPECT_EQ(s.At('F', total).value, "5809579.55");
  EXPECT_EQ(s.At('D', s.RowOf("Сводный сметный расчет в сумме")).value, "43463199.72");
}

// A quantity of 16 significant digits has no exact double: the cell holds its text.
TEST(XlsxForms, FigureTooLongForADoubleIsWrittenAsText) {
  REQUIRE_PYTHON();
  core::Position p;
  p.number = "1";
  p.type = core::PositionType::kResource;
  p.code = "ТЦ_01";
  p.name = "Материал";
  p.unit = "т";
  p.quantity = D("123456789.1234567");
  p.price.source = core::UnitPrice::Source::kCurrent;
  p.price.price = D("1.00");
  core::Estimate estimate;
  estimate.name = "Проверка точности";
  estimate.sections.push_back({"Раздел 1. Материалы", {p}});
  Result<std::string> bytes = computed::WriteEstimateXlsx(estimate, PrintHeader{});
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const SheetDump s = ReadBack(*bytes, "precision.xlsx");
  ASSERT_TRUE(s.read);
  const int row = s.RowOf("ТЦ_01");
  ASSERT_GT(row, 0);
  EXPECT_EQ(s.At('G', row).kind, "text");
  EXPECT_EQ(s.At('G', row).value, "123456789,1234567");
  EXPECT_EQ(s.At('L', row).kind, "number");
  EXPECT_EQ(s.At('L', row).value, "123456789.12");
}

TEST(XlsxForms, LeavesNoTemporaryFileBehind) {
  const fs::path dir = fs::temp_directory_path() / ("xlsx_forms_tmp_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  Result<std::string> bytes = computed::WriteSummaryEstimateXlsx(SampleSsr(), PrintHeader{});
  if (old) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  EXPECT_GT(bytes->size(), 1000u);
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// The ГОССТРОЙСМЕТА example by the base-index method (tests/golden/bim_gge_3.01_example1).
TEST(XlsxForms, BaseIndexFormHasItsColumnsAndTheBaseAndCurrentTotals) {
  REQUIRE_PYTHON();
  Result<core::BaseIndexEstimate> estimate = ParseBaseIndexDocument(ReadFile(
      fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden/bim_gge_3.01_example1/input.json"));
  ASSERT_TRUE(estimate.ok()) << estimate.status().message();
  PrintHeader header;
  header.number = "02-01-01";
  Result<std::string> bytes = computed::WriteBaseIndexEstimateXlsx(*estimate, header);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const SheetDump s = ReadBack(*bytes, "lsr_bim.xlsx");
  ASSERT_TRUE(s.read);
  for (const char* heading : {"на единицу измерения в базисном уровне цен", "всего в базисном уровне цен",
                              "индекс", "всего в текущем уровне цен"}) {
    EXPECT_TRUE(s.Has(heading)) << heading;
  }
  EXPECT_EQ(s.Count("коэффициенты"), 2) << "графы 6 and 9";
  EXPECT_TRUE(s.Has("Составлен базисно-индексным методом"));
  EXPECT_EQ(s.At('D', s.RowOf("Сметная стоимость")).value, "36150.66");
  EXPECT_EQ(s.Count("Всего по позиции"), 15);
  // The first norm (ФЕР07-01-001-01, counted in other costs): ОТ 569.85 at index 1.
  const int ot = s.RowOf("Оплата труда рабочих (ОТ)");
  EXPECT_EQ(s.At('H', ot).value, "569.85");
  EXPECT_EQ(s.At('J', ot).value, "569.85");
  EXPECT_EQ(s.At('K', ot).value, "1");
  EXPECT_EQ(s.At('J', s.RowOf("Всего по позиции")).value, "4594.3");
  // ИТОГИ: графа 10 base, графа 12 current.
  const int total = s.RowOf("ВСЕГО по смете");
  ASSERT_GT(total, s.RowOf("ИТОГИ ПО СМЕТЕ"));
  EXPECT_EQ(s.At('J', total).value, "1806575.55");
  EXPECT_EQ(s.At('L', total).value, "36150662.2");
  const int building = s.RowOf("ВСЕГО строительные работы");
  EXPECT_EQ(s.At('L', building).value, "35205702.79");
  // ЭМ and М are indexed on the block: the index in графа 11, the current figure in графа 12.
  int machines = 0;
  for (int row = building; row < total && machines == 0; ++row) {
    if (s.At('C', row).value == "эксплуатация машин (ЭМ)") machines = row;
  }
  ASSERT_GT(machines, 0);
  EXPECT_EQ(s.At('K', machines).value, "16.64");
  EXPECT_EQ(s.At('L', machines).value, "319721.63");
}

TEST(XlsxForms, RefusesABaseIndexEstimate) {
  core::Estimate estimate;
  estimate.method = core::Method::kBaseIndex;
  Result<std::string> bytes = computed::WriteEstimateXlsx(estimate, PrintHeader{});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
}

TEST(XlsxForms, ObjectEstimateThatDoesNotComputeIsTheCalculatorsError) {
  core::ObjectEstimateInput input;
  input.number = "01";
  input.lines.push_back(Lsr("01-01", "", "1", "0", "0", "0", "0", "0", "0"));
  input.measure_quantity = D("0");
  Result<std::string> bytes = computed::WriteObjectEstimateXlsx(input, PrintHeader{});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace estimate::formats
