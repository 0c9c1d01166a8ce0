// The PDF forms (formats/pdf_forms.hpp) read back by independent readers, the poppler tools run
// from the test: `pdftotext -layout` for the text of the whole file and of each page, `pdfinfo`
// for the page count and size, `pdffonts` for the fonts. The tests check the forms' titles, the
// column head on every page, the computed figures in Russian style, the page numbers of the
// footer, and that every text is set in the embedded DejaVu fonts.
//
// To look at the forms: ESTIMATE_PDF_DIR=/some/dir ./formats_tests --gtest_filter='PdfForms*'
// writes lsr.pdf, osr.pdf and ssr.pdf there.
#include "formats/print/pdf_forms.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <thread>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/estimate_document.hpp"
#include "computed_writers.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path Golden(const char* name) { return fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden" / name; }

// The output of a shell command; nullopt when it fails.
std::optional<std::string> Run(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

bool PopplerAvailable() {
  return std::system(
             "command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 "
             "&& command -v pdffonts >/dev/null 2>&1") == 0;
}

#define REQUIRE_POPPLER()  \
  if (!PopplerAvailable()) \
  GTEST_SKIP() << "pdftotext, pdfinfo and pdffonts (poppler-utils) are needed"

// A PDF written to a file of the test's own (and copied to $ESTIMATE_PDF_DIR/<name> when that is
// set), read with the poppler tools.
class PdfFile {
 public:
  PdfFile(const std::string& bytes, const std::string& name)
      : path_(fs::temp_directory_path() /
              ("pdf_forms_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_, std::ios::binary) << bytes;
    if (const char* dir = std::getenv("ESTIMATE_PDF_DIR")) {
      std::ofstream(fs::path(dir) / name, std::ios::binary) << bytes;
    }
  }
  ~PdfFile() { fs::remove(path_); }
  PdfFile(const PdfFile&) = delete;
  PdfFile& operator=(const PdfFile&) = delete;

  std::string Info() const { return Run("pdfinfo '" + path_.string() + "'").value_or(""); }
  std::string Fonts() const { return Run("pdffonts '" + path_.string() + "'").value_or(""); }
  // The text of the whole file, or of page `page` (1-based) only.
  std::string Text(int page = 0) const {
    const std::string range =
        page > 0 ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
    return Run("pdftotext -layout -enc UTF-8" + range + " '" + path_.string() + "' -").value_or("");
  }
  // `pdftotext -bbox`: the words of each page with their boxes (points, y down).
  std::string Boxes() const {
    return Run("pdftotext -bbox -enc UTF-8 '" + path_.string() + "' -").value_or("");
  }
  int Pages() const {
    std::smatch m;
    const std::string info = Info();
    return std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))")) ? std::stoi(m[1]) : 0;
  }

 private:
  fs::path path_;
};

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// A figure of expected.json ("724.41") as the form prints it ("724,41", "232 833,98").
std::string Russian(const std::string& figure) {
  const std::size_t point = figure.find('.');
  std::string integer = figure.substr(0, point);
  const std::string fraction = point == std::string::npos ? "00" : figure.substr(point + 1);
  std::string sign;
  if (!integer.empty() && integer[0] == '-') {
    sign = "-";
    integer.erase(0, 1);
  }
  std::string grouped;
  for (std::size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) grouped += ' ';
    grouped += integer[i];
  }
  return sign + grouped + "," + fraction;
}

struct Word {
  double x_min, y_min, x_max, y_max;
  std::string text;
};

// The words of each page, from `pdftotext -bbox`.
std::vector<std::vector<Word>> WordsByPage(const std::string& boxes) {
  std::vector<std::vector<Word>> pages;
  const std::regex word(R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" )re"
                        R"re(xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>)re");
  std::istringstream lines(boxes);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("<page ") != std::string::npos) pages.emplace_back();
    std::smatch m;
    if (!pages.empty() && std::regex_search(line, m, word)) {
      pages.back().push_back(
          {std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), m[5]});
    }
  }
  return pages;
}

// The checks every form shares: A4 landscape, «Стр. i из N» on page i, the column head on every
// page, nothing drawn into the margins or over the footer (a row that does not fit goes to the
// next page), only the embedded DejaVu fonts. `footer` is the form's name in the footer.
void ExpectPagesOfAForm(const PdfFile& pdf, const std::vector<std::string>& head, int min_pages,
                        const std::string& footer) {
  const std::string info = pdf.Info();
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Page size:\s+842 x 595 pts \(A4\))"))) << info;
  EXPECT_TRUE(Has(info, "Producer:") || Has(info, "Creator:")) << info;
  const int pages = pdf.Pages();
  ASSERT_GE(pages, min_pages);
  const std::string all = pdf.Text();
  EXPECT_TRUE(Has(all, "Стр. 1 из " + std::to_string(pages)));
  EXPECT_TRUE(Has(all, "Стр. " + std::to_string(pages) + " из " + std::to_string(pages)));
  for (int p = 1; p <= pages; ++p) {
    const std::string text = pdf.Text(p);
    EXPECT_TRUE(Has(text, "Стр. " + std::to_string(p) + " из " + std::to_string(pages)))
        << "page " << p;
    for (const std::string& title : head) EXPECT_TRUE(Has(text, title)) << title << ", page " << p;
    // The графа numbers row under the headings.
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(\b1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\b)")))
        << "page " << p;
  }
  // The page is 842 × 595 pt with margins of 28 (left), 20 (right), 20 (top); the footer line
  // is at 571 and the footer's text under it; the body ends above it.
  const std::vector<std::vector<Word>> words = WordsByPage(pdf.Boxes());
  ASSERT_EQ(static_cast<int>(words.size()), pages);
  for (int p = 1; p <= pages; ++p) {
    std::string footer_text;
    for (const Word& w : words[p - 1]) {
      EXPECT_GE(w.x_min, 27.5) << w.text << ", page " << p;
      EXPECT_LE(w.x_max, 822.5) << w.text << ", page " << p;
      EXPECT_GE(w.y_min, 19.5) << w.text << ", page " << p;
      if (w.y_min >= 571) {
        footer_text += (footer_text.empty() ? "" : " ") + w.text;
        EXPECT_LE(w.y_max, 590) << w.text << ", page " << p;
      } else {
        EXPECT_LE(w.y_max, 565.5) << w.text << ", page " << p;
      }
    }
    EXPECT_EQ(footer_text, footer + " Стр. " + std::to_string(p) + " из " + std::to_string(pages));
  }
  // Every font embedded, every one a DejaVu face: the form never falls back to another font.
  const std::string fonts = pdf.Fonts();
  std::istringstream lines(fonts);
  std::string line;
  int listed = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.rfind("name", 0) == 0 || line.rfind("----", 0) == 0) continue;
    ++listed;
    EXPECT_TRUE(Has(line, "DejaVuSansCondensed")) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(\byes\s+yes\b)")))
        << "embedded subset: " << line;
  }
  EXPECT_GT(listed, 0) << fonts;
}

// The ПК РИК ЛСР 02-01-05 of tests/golden as a PDF, once for all tests.
const std::string& RikEstimatePdf() {
  static const std::string bytes = [] {
    Result<core::Estimate> estimate =
        ParseEstimateDocument(ReadFile(Golden("rik_02-01-05_vodomernyi_uzel") / "input.json"));
    EXPECT_TRUE(estimate.ok()) << estimate.status().message();
    if (!estimate.ok()) return std::string();
    PrintHeader header;
    header.construction = "Жилой дом (пример)";
    header.object = "Водомерный узел";
    header.number = "02-01-05";
    header.price_level = "IV квартал 2025 года";
    header.region = "28. Амурская область";
    header.composed_by = "Инженер-сметчик И.И. Иванов";
    header.checked_by = "Главный специалист П.П. Петров";
    Result<std::string> pdf = computed::WriteEstimatePdf(*estimate, header);
    EXPECT_TRUE(pdf.ok()) << pdf.status().message();
    return pdf.ok() ? *pdf : std::string();
  }();
  return bytes;
}

template <typename T>
std::optional<T> ReadGolden(const char* name,
                            std::optional<T> (*read)(const JsonObject&, DocumentReader&)) {
  const std::string text = ReadFile(Golden(name) / "input.json");
  Result<std::unique_ptr<JsonDocument>> parsed = JsonDocument::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return std::nullopt;
  DocumentReader reader;
  std::optional<T> document = read((*parsed)->root().get_object(), reader);
  for (const std::string& p : reader.problems()) ADD_FAILURE() << p;
  return document;
}

const std::vector<std::string> kEstimateHead = {
    "№ п/п", "Обоснование", "Наименование работ и затрат", "Количество", "Сметная стоимость, руб."};
const std::vector<std::string> kCostHead = {
    "№ п/п",           "Обоснование",  "Сметная стоимость, тыс. руб.",
    "монтажных работ", "оборудования", "прочих затрат"};

TEST(PdfForms, EstimateFormOfTheRikCaseHasTheTitleHeadingsAndTotals) {
  REQUIRE_POPPLER();
  ASSERT_FALSE(RikEstimatePdf().empty());
  EXPECT_EQ(RikEstimatePdf().substr(0, 5), "%PDF-");
  const PdfFile pdf(RikEstimatePdf(), "lsr.pdf");
  const std::string text = pdf.Text();
  for (const char* expected : {"ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № 02-01-05",
                               "ЛСР 02-01-05 Водомерый узел",
                               "Составлен ресурсно-индексным методом",
                               "(наименование стройки)",
                               "Жилой дом (пример)",
                               "IV квартал 2025 года",
                               "28. Амурская область",
                               "Наименование работ и затрат",
                               "Единица",
                               "на единицу",
                               "коэффициенты",
                               "индекс",
                               "всего в текущем",
                               "ИТОГИ ПО СМЕТЕ",
                               "ВСЕГО по смете",
                               "232 833,98",
                               "ВСЕГО строительные работы",
                               "147 647,09",
                               "ВСЕГО монтажные работы",
                               "52 916,21",
                               "ВСЕГО оборудование",
                               "32 270,68",
                               "ГЭСН 16-06-005-01",
                               "Всего по позиции",
                               "Составил",
                               "Инженер-сметчик И.И. Иванов",
                               "Проверил",
                               "[должность, подпись (инициалы, фамилия)]"}) {
    EXPECT_TRUE(Has(text, expected)) << expected;
  }
  // The header block's cost in тыс. руб.
  EXPECT_TRUE(std::regex_search(text, std::regex("Сметная стоимость\\s+232,83\\s+тыс\\.руб\\.")));
}

TEST(PdfForms, EstimateFormIsA4LandscapeWithTheHeadAndPageNumberOnEveryPage) {
  REQUIRE_POPPLER();
  ASSERT_FALSE(RikEstimatePdf().empty());
  const PdfFile pdf(RikEstimatePdf(), "lsr.pdf");
  ExpectPagesOfAForm(pdf, kEstimateHead, 2, "ЛСР № 02-01-05");
  // A heading never ends a page: it moves to the next one with the row under it.
  for (int p = 1; p <= pdf.Pages(); ++p) {
    std::istringstream lines(pdf.Text(p));
    std::vector<std::string> body;
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find_first_not_of(" \f") != std::string::npos) body.push_back(line);
    }
    ASSERT_GE(body.size(), 2u) << "page " << p;
    const std::string& last_row = body[body.size() - 2];  // the line above the footer
    EXPECT_FALSE(Has(last_row, "Раздел 1.") || Has(last_row, "ИТОГИ ПО СМЕТЕ"))
        << "page " << p << ": " << last_row;
  }
  const std::string last = pdf.Text(pdf.Pages());
  EXPECT_TRUE(Has(last, "Составил")) << "the signatures close the last page";
  EXPECT_FALSE(Has(pdf.Text(1), "Составил"));
}

// Every «Всего по позиции» and every section total of expected.json (copied from the ПК РИК
// printout) is on the form, in order.
TEST(PdfForms, EstimateFormShowsEveryPositionAndSectionTotalOfTheGoldenCase) {
  REQUIRE_POPPLER();
  ASSERT_FALSE(RikEstimatePdf().empty());
  const PdfFile pdf(RikEstimatePdf(), "lsr.pdf");
  const std::string text = pdf.Text();
  const json::value expected =
      json::parse(ReadFile(Golden("rik_02-01-05_vodomernyi_uzel") / "expected.json"));
  std::size_t at = 0;
  int positions = 0;
  for (const json::value& p : expected.at("positions").as_array()) {
    ++positions;
    const std::string total = Russian(std::string(p.at("total").as_string()));
    // «Всего по позиции  <per unit>  <total>» on one line.
    const std::size_t line = text.find("Всего по позиции", at);
    ASSERT_NE(line, std::string::npos) << "position " << positions;
    const std::string row = text.substr(line, text.find('\n', line) - line);
    EXPECT_TRUE(Has(row, total)) << "position " << positions << ": " << row;
    at = line + 1;
  }
  EXPECT_EQ(positions, 37);
  for (const json::value& s : expected.at("sections").as_array()) {
    const std::string total = Russian(std::string(s.at("total").as_string()));
    EXPECT_TRUE(std::regex_search(text, std::regex("Итого по (разделу|позициям)[^\\n]*" + total)))
        << total;
  }
}

TEST(PdfForms, ObjectEstimateFormOfTheRekultivaciyaCaseSumsInThousands) {
  REQUIRE_POPPLER();
  std::optional<core::ObjectEstimateInput> input =
      ReadGolden("osr_01-02_rekultivaciya", &ReadObjectEstimateDocument);
  ASSERT_TRUE(input.has_value());
  PrintHeader header;
  header.construction = "ВЛ 220 кВ";
  header.price_level = "IV квартал 2025 года";
  header.composed_by = "Инженер-сметчик И.И. Иванов";
  Result<std::string> bytes = computed::WriteObjectEstimatePdf(*input, header);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const PdfFile pdf(*bytes, "osr.pdf");
  const std::string text = pdf.Text();
  for (const char* expected :
       {"ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № 01-02", "Рекультивация (ВЛ 220 кВ)", "ВЛ 220 кВ",
        "Всего по объектному сметному расчёту", "73 276,66", "28 383,30", "01-02-03",
        "оплата труда рабочих (ОТ)", "3 849,01", "Главный инженер проекта", "Составил"}) {
    EXPECT_TRUE(Has(text, expected)) << expected;
  }
  EXPECT_TRUE(
      std::regex_search(text, std::regex("Сметная стоимость\\s+73 276,66\\s+тыс\\. руб\\.")));
  ExpectPagesOfAForm(pdf, kCostHead, 1, "ОСР № 01-02");
}

TEST(PdfForms, SummaryEstimateFormOfExampleHCarriesChaptersReserveAndVat) {
  REQUIRE_POPPLER();
  std::optional<core::SummaryEstimateInput> input =
      ReadGolden("ssr_example_h_ssrss-0", &ReadSummaryEstimateDocument);
  ASSERT_TRUE(input.has_value());
  Result<std::string> bytes = computed::WriteSummaryEstimatePdf(*input, PrintHeader{});
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const PdfFile pdf(*bytes, "ssr.pdf");
  const std::string text = pdf.Text();
  for (const char* expected :
       {"СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА № ССРСС-0", "Глава 1. Подготовка",
        "Итого по главе 1", "8 944 235,39", "Итого по главам 1–12", "35 239 113,39",
        "Итого с непредвиденными", "36 296 286,79", "НДС 20%", "7 166 912,93",
        "ВСЕГО по сводному сметному расчёту", "43 463 199,72", "«УТВЕРЖДЕН»",
        "Руководитель проектной организации", "Дата составления", "27.11.2025"}) {
    EXPECT_TRUE(Has(text, expected)) << expected;
  }
  EXPECT_TRUE(std::regex_search(
      text, std::regex("Сводный сметный расчет в сумме\\s+43 463 199,72\\s+тыс\\. руб\\.")));
  ExpectPagesOfAForm(pdf, kCostHead, 2, "ССР № ССРСС-0");
}

TEST(PdfForms, TheSameDocumentGivesTheSameBytes) {
  Result<core::Estimate> estimate =
      ParseEstimateDocument(ReadFile(Golden("contract_example") / "input.json"));
  ASSERT_TRUE(estimate.ok()) << estimate.status().message();
  Result<std::string> first = computed::WriteEstimatePdf(*estimate, PrintHeader{});
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past a second of the clock
  Result<std::string> second = computed::WriteEstimatePdf(*estimate, PrintHeader{});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*first == *second) << "the PDF changed between two renderings of one document";
  EXPECT_EQ(first->find("/CreationDate"), std::string::npos);
}

TEST(PdfForms, RefusesABaseIndexEstimate) {
  core::Estimate estimate;
  estimate.method = core::Method::kBaseIndex;
  Result<std::string> bytes = computed::WriteEstimatePdf(estimate, PrintHeader{});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
}

// The ГОССТРОЙСМЕТА example by the base-index method (tests/golden/bim_gge_3.01_example1): every
// position's base total, every section's, and the blocks with their current totals.
TEST(PdfForms, BaseIndexFormCarriesEveryBaseTotalAndTheCurrentTotalsOfTheBlocks) {
  REQUIRE_POPPLER();
  std::optional<core::BaseIndexEstimate> estimate =
      ReadGolden<core::BaseIndexEstimate>("bim_gge_3.01_example1", ReadBaseIndexDocument);
  ASSERT_TRUE(estimate);
  PrintHeader header;
  header.number = "02-01-01";
  header.price_level = "2 квартал 2025 г.";
  header.composed_by = "Инженер-сметчик И.И. Иванов";
  Result<std::string> bytes = computed::WriteBaseIndexEstimatePdf(*estimate, header);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const PdfFile pdf(*bytes, "lsr_bim.pdf");
  const std::string text = pdf.Text();
  EXPECT_TRUE(Has(text, "Составлен базисно-индексным методом"));
  EXPECT_TRUE(std::regex_search(text, std::regex("Сметная стоимость\\s+36 150,66\\s+тыс\\.руб\\.")));
  const json::value expected = json::parse(ReadFile(Golden("bim_gge_3.01_example1") / "expected.json"));
  std::size_t at = 0;
  int positions = 0;
  int checked = 0;
  for (const json::value& p : expected.at("positions").as_array()) {
    ++positions;
    const std::size_t line = text.find("Всего по позиции", at);
    ASSERT_NE(line, std::string::npos) << "position " << positions;
    at = line + 1;
    if (!p.as_object().contains("base")) continue;  // expected.json leaves it out
    const std::string row = text.substr(line, text.find('\n', line) - line);
    EXPECT_TRUE(Has(row, Russian(std::string(p.at("base").at("total").as_string())))) << row;
    ++checked;
  }
  EXPECT_EQ(positions, 15);
  EXPECT_EQ(checked, 9);
  EXPECT_EQ(text.find("Всего по позиции", at), std::string::npos) << "one total per position";
  for (const json::value& s : expected.at("sections").as_array()) {
    const std::string total = Russian(std::string(s.at("base").at("total").as_string()));
    EXPECT_TRUE(std::regex_search(text, std::regex("Итого по разделу[^\\n]*" + total))) << total;
  }
  // ИТОГИ: each block with its base and current totals on one line.
  for (const auto& [label, base, current] :
       {std::tuple{"ВСЕГО строительные работы", "1 677 269,04", "35 205 702,79"},
        std::tuple{"ВСЕГО монтажные работы", "2 159,86", "94 437,31"},
        std::tuple{"ВСЕГО оборудование", "122 552,35", "794 058,15"},
        std::tuple{"ВСЕГО прочие затраты", "4 594,30", "56 463,95"},
        std::tuple{"ВСЕГО по смете", "1 806 575,55", "36 150 662,20"}}) {
    EXPECT_TRUE(std::regex_search(
        text, std::regex(std::string(label) + "[^\\n]*" + base + "[^\\n]*" + current)))
        << label;
  }
  ExpectPagesOfAForm(pdf, kEstimateHead, 2, "ЛСР № 02-01-01");
}

TEST(PdfForms, ObjectEstimateThatDoesNotComputeIsTheCalculatorsError) {
  core::ObjectEstimateInput input;
  input.number = "01";
  core::ObjectEstimateLine line;
  line.number = "01-01";
  line.construction = core::Decimal::FromInt(1);
  input.lines.push_back(line);
  input.measure_quantity = core::Decimal();
  Result<std::string> bytes = computed::WriteObjectEstimatePdf(input, PrintHeader{});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace estimate::formats
