// The ВОР import (formats/boq_import.hpp, docs/design/documents-io.md §8): the two ГГЭ example
// workbooks of shared/samples read line by line, CSV in cp1251 and UTF-8, and hostile uploads —
// zip bombs (declared, lying about their size, over-compressed), files that are no workbook, a
// DOCTYPE with an external entity — refused. The hostile archives are built here with libzip.
#include "formats/boq/boq_import.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace estimate::formats {
namespace {

using core::Decimal;

Decimal D(const char* text) { return Decimal::Literal(text); }

std::string ReadSample(const std::string& name) {
  const std::string path = std::string(ESTIMATE_SHARED_DIR) + "/samples/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An entry of `size` zero bytes, produced while libzip compresses it (nothing that large is held
// in memory).
struct Zeros {
  std::uint64_t size = 0;
  std::uint64_t position = 0;
};

zip_int64_t ZerosCallback(void* userdata, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* zeros = static_cast<Zeros*>(userdata);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      zeros->position = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      const std::uint64_t n = std::min<std::uint64_t>(len, zeros->size - zeros->position);
      std::fill_n(static_cast<char*>(data), n, '\0');
      zeros->position += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = zeros->size;
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_FREE:
      delete zeros;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return ZIP_SOURCE_SUPPORTS_READABLE;
    default:
      return -1;
  }
}

struct Entry {
  std::string name;
  std::string bytes;
  std::uint64_t zeros = 0;  // when set: an entry of this many zero bytes instead of `bytes`
};

// A zip archive, written by libzip to a temporary file and read back.
std::string MakeZip(const std::vector<Entry>& entries) {
  char path[] = "/tmp/boq_import_test_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  int error = 0;
  zip_t* z = zip_open(path, ZIP_TRUNCATE, &error);
  EXPECT_NE(z, nullptr);
  for (const Entry& e : entries) {
    zip_source_t* source = e.zeros > 0
                               ? zip_source_function(z, ZerosCallback, new Zeros{e.zeros, 0})
                               : zip_source_buffer(z, e.bytes.data(), e.bytes.size(), 0);
    EXPECT_NE(source, nullptr);
    const zip_int64_t index = zip_file_add(z, e.name.c_str(), source, ZIP_FL_OVERWRITE);
    EXPECT_GE(index, 0) << zip_strerror(z);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 1);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  return bytes;
}

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

std::vector<Entry> WorkbookParts() {
  return {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"},
      {"xl/workbook.xml",
       std::string(R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns=")") + kMain +
           R"(" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="ВОР" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>)"},
  };
}

// A workbook of one sheet whose <sheetData> is `rows` (inline strings, no shared strings).
std::string MakeXlsx(const std::string& rows) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml",
                     std::string(R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")") +
                         kMain + R"("><sheetData>)" + rows + "</sheetData></worksheet>"});
  return MakeZip(entries);
}

std::string Str(const std::string& ref, const std::string& text) {
  return R"(<c r=")" + ref + R"(" t="inlineStr"><is><t>)" + text + "</t></is></c>";
}
std::string Num(const std::string& ref, const std::string& value) {
  return R"(<c r=")" + ref + R"("><v>)" + value + "</v></c>";
}
std::string HeaderRow() {
  return R"(<row r="1">)" + Str("A1", "№ п/п") + Str("B1", "Наименование") + Str("C1", "Ед. изм.") +
         Str("D1", "Количество") + Str("E1", "Формула") + "</row>";
}

// Overwrites the uncompressed size of `name` in its local header and its central directory
// record: the archive then lies about how much the entry inflates to.
void ForgeUncompressedSize(std::string& zip, const std::string& name, std::uint32_t size) {
  auto put32 = [&](std::size_t at) {
    for (int i = 0; i < 4; ++i) zip[at + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  };
  int patched = 0;
  for (std::size_t at = 0; (at = zip.find("PK", at)) != std::string::npos; ++at) {
    if (zip.compare(at, 4, "PK\x03\x04") == 0 && zip.compare(at + 30, name.size(), name) == 0) {
      put32(at + 22);
      ++patched;
    } else if (zip.compare(at, 4, "PK\x01\x02") == 0 &&
               zip.compare(at + 46, name.size(), name) == 0) {
      put32(at + 24);
      ++patched;
    }
  }
  ASSERT_EQ(patched, 2);
}

// UTF-8 → cp1251, for the Cyrillic, № and ASCII the tests use.
std::string ToCp1251(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(utf8[i++]);
      continue;
    }
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      cp = ((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F);
      i += 2;
    } else {
      cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
      i += 3;
    }
    if (cp >= 0x0410 && cp <= 0x044F) {
      out.push_back(static_cast<char>(0xC0 + (cp - 0x0410)));
    } else if (cp == 0x0401) {
      out.push_back('\xA8');
    } else if (cp == 0x0451) {
      out.push_back('\xB8');
    } else if (cp == 0x2116) {
      out.push_back('\xB9');
    } else {
      ADD_FAILURE() << "no cp1251 for U+" << std::hex << cp;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The ГГЭ examples.

TEST(BoqImport, ReadsTheGgeExampleWorkbook) {
  auto boq = ReadBoqXlsx(ReadSample("vor_example_2025-12-11.xlsx"));
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  const auto& lines = boq->lines;
  // Rows 15–18, 20–31 and 33–36: 9 works and 11 resources in 3 sections.
  ASSERT_EQ(lines.size(), 20u);

  EXPECT_EQ(lines[0].row, 15);
  EXPECT_EQ(lines[0].number, "1");
  EXPECT_EQ(lines[0].name, "Устройство основания под фундаменты: песчаного");
  EXPECT_EQ(lines[0].unit, "м3");
  EXPECT_EQ(lines[0].quantity, D("39.176"));
  EXPECT_EQ(lines[0].quantity.ToString(), "39.176");  // 39.176000000000002 without the noise
  EXPECT_EQ(lines[0].formula, "11,8*8,3*0,4");
  EXPECT_EQ(lines[0].section, "Раздел 1. Подготовка котлована");
  EXPECT_EQ(lines[0].code, "");

  EXPECT_EQ(lines[2].number, "1.2");
  EXPECT_EQ(lines[2].name, "Перевозка песка на 60 км от карьера до строительной площадки");
  EXPECT_EQ(lines[2].unit, "т");
  EXPECT_EQ(lines[2].quantity, D("64.6404"));

  // Row 27: 6.1, 8.6599999999999996E-2 in the file.
  EXPECT_EQ(lines[11].row, 27);
  EXPECT_EQ(lines[11].number, "6.1");
  EXPECT_EQ(lines[11].quantity.ToString(), "0.0866");
  EXPECT_EQ(lines[11].section, "Раздел 2. Фундамент");
  // Row 31: 2.7299999999999998E-3.
  EXPECT_EQ(lines[15].number, "7.2");
  EXPECT_EQ(lines[15].quantity.ToString(), "0.00273");
  EXPECT_EQ(lines[15].name, "Грунтовка битумная (ТехноНиколь №01 или аналог)");

  EXPECT_EQ(lines[19].row, 36);
  EXPECT_EQ(lines[19].number, "9");
  EXPECT_EQ(lines[19].name, "Разборка стальных подмостей");
  EXPECT_EQ(lines[19].quantity, D("31.1"));
  EXPECT_EQ(lines[19].section, "Раздел 3. Устройство СВСиУ");

  int sections = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i == 0 || lines[i].section != lines[i - 1].section) ++sections;
  }
  EXPECT_EQ(sections, 3);

  // §8.3: the text of row 17 omits the 1.1 the cell's own formula (D16*1.5) has.
  ASSERT_EQ(boq->warnings.size(), 1u);
  EXPECT_EQ(boq->warnings[0],
            "row 17: the formula \"11,8*8,3*0,4*1,5\" gives 58.764, the quantity is 64.6404");
}

TEST(BoqImport, ReadsTheImvExampleWithItsRepeatedWorkNumber) {
  auto boq = ReadBoqXlsx(ReadSample("vor_example_IMV_2025-12-12.xlsx"));
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  const auto& lines = boq->lines;
  // Rows 15–18, 20–28, 30–37 and 39–42.
  ASSERT_EQ(lines.size(), 25u);

  EXPECT_EQ(lines[2].formula, "11,8*8,3*0,4*1,1*1,5");  // corrected: no warning for row 17
  EXPECT_EQ(lines[7].number, "4.1");
  EXPECT_EQ(lines[7].name, "Опалубка инвентарная (амортизация)");
  EXPECT_EQ(lines[7].unit, "м2");
  EXPECT_EQ(lines[7].quantity, D("9.05"));

  // Work 6 twice (rows 27 and 30, an alternative solution): both kept.
  EXPECT_EQ(lines[11].row, 27);
  EXPECT_EQ(lines[11].number, "6");
  EXPECT_EQ(lines[13].row, 30);
  EXPECT_EQ(lines[13].number, "6");
  EXPECT_EQ(lines[13].name,
            "Устройство монолитных железобетонных конструкций фундаментных плит с "
            "бетонированием автобетононасосом и применением инвентарной опалубки");
  EXPECT_EQ(lines[13].quantity, D("19.71"));
  EXPECT_EQ(lines[13].section, "Раздел 2. Фундамент");
  EXPECT_EQ(lines[14].number, "6.1");
  EXPECT_EQ(lines[14].quantity, D("20.00565"));

  EXPECT_EQ(lines[24].row, 42);
  EXPECT_EQ(lines[24].section, "Раздел 3. Устройство СВСиУ");

  ASSERT_EQ(boq->warnings.size(), 1u);
  EXPECT_EQ(boq->warnings[0], "row 30: number 6 repeats row 27; both lines are kept");
}

// ---------------------------------------------------------------------------------------------
// Small workbooks.

TEST(BoqImport, XlsxTextQuantityThatIsNoNumberNamesRowAndColumn) {
  auto boq = ReadBoqXlsx(
      MakeXlsx(HeaderRow() + R"(<row r="2">)" + Str("A2", "1") + Str("B2", "Бетон") +
               Str("C2", "м3") + Str("D2", "47,22") + "</row>" + R"(<row r="3">)" + Str("A3", "2") +
               Str("B3", "Песок") + Str("C3", "м3") + Str("D3", "47,22/49,18") + "</row>"));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(boq.status().message(),
            "row 3, column D (Количество): \"47,22/49,18\" is not a number");
}

TEST(BoqImport, XlsxFormulaWithoutCachedValueTakesTheFormulaColumn) {
  auto boq = ReadBoqXlsx(
      MakeXlsx(HeaderRow() + R"(<row r="2">)" + Str("A2", "1") + Str("B2", "Песок") +
               Str("C2", "т") + R"(<c r="D2"><f>D1*1.5</f></c>)" + Str("E2", "11,8х8,3x0,4*110%") +
               "</row>" + R"(<row r="3">)" + Num("A3", "2") + Str("B3", "Щебень") + Str("C3", "т") +
               Num("D3", "1E+2") + "</row>"));
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  ASSERT_EQ(boq->lines.size(), 2u);
  EXPECT_EQ(boq->lines[0].quantity, D("43.0936"));
  EXPECT_EQ(boq->lines[1].number, "2");
  EXPECT_EQ(boq->lines[1].quantity, D("100"));
  ASSERT_EQ(boq->warnings.size(), 1u);
  EXPECT_EQ(boq->warnings[0],
            "row 2: the quantity cell holds a formula never computed; 43.0936 is taken from the "
            "formula column \"11,8х8,3x0,4*110%\"");
}

TEST(BoqImport, WorkbookWithoutAVorHeaderIsRefused) {
  auto boq = ReadBoqXlsx(
      MakeXlsx(R"(<row r="1">)" + Str("A1", "Шифр") + Str("B1", "Норматив НР") + "</row>"));
  ASSERT_FALSE(boq.ok());
  EXPECT_NE(boq.status().message().find("no ВОР table"), std::string::npos)
      << boq.status().message();
}

// ---------------------------------------------------------------------------------------------
// CSV.

TEST(BoqImport, ReadsCp1251CsvWithSemicolonsAndDecimalCommas) {
  const std::string utf8 =
      "Ведомость объемов работ №1\r\n"
      "№ п/п;Шифр;Наименование работ;Ед. изм.;Количество;Формула расчета\r\n"
      "1;2;3;4;5;6\r\n"
      "Раздел 1. Земляные работы;;;;;\r\n"
      "1;ГЭСН01-01-003-01;\"Разработка грунта; экскаватор \"\"ЭО-3323\"\"\";м3;1 234,5;\r\n"
      "1.1;;\"Перевозка грунта\nна 10 км\";т;1851,75;1234,5*1,5\r\n"
      ";;Раздел 2. Фундамент;;;\r\n"
      "2;;Устройство подбетонки;м3;8,25;11,0*7,5*0,2\r\n"
      "3;;Бетон;м3;;\r\n";
  auto boq = ReadBoqCsv(ToCp1251(utf8));
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  const auto& lines = boq->lines;
  ASSERT_EQ(lines.size(), 4u);

  EXPECT_EQ(lines[0].row, 5);
  EXPECT_EQ(lines[0].number, "1");
  EXPECT_EQ(lines[0].code, "ГЭСН01-01-003-01");
  EXPECT_EQ(lines[0].name, "Разработка грунта; экскаватор \"ЭО-3323\"");
  EXPECT_EQ(lines[0].unit, "м3");
  EXPECT_EQ(lines[0].quantity, D("1234.5"));
  EXPECT_EQ(lines[0].section, "Раздел 1. Земляные работы");

  EXPECT_EQ(lines[1].row, 6);
  EXPECT_EQ(lines[1].name, "Перевозка грунта на 10 км");
  EXPECT_EQ(lines[1].quantity, D("1851.75"));
  EXPECT_EQ(lines[1].formula, "1234,5*1,5");

  EXPECT_EQ(lines[2].row, 8);
  EXPECT_EQ(lines[2].section, "Раздел 2. Фундамент");
  EXPECT_EQ(lines[2].quantity, D("8.25"));
  EXPECT_EQ(lines[3].quantity, D("0"));

  ASSERT_EQ(boq->warnings.size(), 2u);
  EXPECT_EQ(boq->warnings[0],
            "row 8: the formula \"11,0*7,5*0,2\" gives 16.5, the quantity is 8.25");
  EXPECT_EQ(boq->warnings[1], "row 9: no quantity in column E (Количество); 0 is taken");
}

TEST(BoqImport, ReadsUtf8CsvWithCommasAndJoinsNamesSplitOverRows) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "№,Наименование,Ед. изм.,Объём\n"
      "1,Разработка грунта в,м3,\"567,25\"\n"
      ",котлованах экскаватором,,\n"
      "2,Перевозка грузов,т,169.89\n";
  auto boq = ReadBoqCsv(csv);
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  ASSERT_EQ(boq->lines.size(), 2u);
  EXPECT_EQ(boq->lines[0].name, "Разработка грунта в котлованах экскаватором");
  EXPECT_EQ(boq->lines[0].quantity, D("567.25"));
  EXPECT_EQ(boq->lines[1].quantity, D("169.89"));
  EXPECT_TRUE(boq->warnings.empty());
}

TEST(BoqImport, CsvQuantityThatIsNoNumberNamesRowAndColumn) {
  const std::string csv =
      "№;Наименование;Ед. изм.;Количество\n"
      "1;Песок;м3;12,5\n"
      "2;Бетон;м3;abc\n"
      "3;Щебень;м3;1,2,3\n"
      "4;Гравий;м3;5,42 6,07\n";
  auto boq = ReadBoqCsv(csv);
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(boq.status().message(),
            "row 3, column D (Количество): \"abc\" is not a number\n"
            "row 4, column D (Количество): \"1,2,3\" is not a number\n"
            "row 5, column D (Количество): \"5,42 6,07\" is not a number");
}

TEST(BoqImport, CsvWithAnUnclosedQuoteOrNoHeaderIsRefused) {
  auto open = ReadBoqCsv("№;Наименование;Ед. изм.;Количество\n1;\"Песок;м3;1\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().message(), "csv: row 2: a quoted field is not closed");

  auto no_header = ReadBoqCsv("a;b;c\n1;2;3\n");
  ASSERT_FALSE(no_header.ok());
  EXPECT_NE(no_header.status().message().find("no ВОР table"), std::string::npos);

  EXPECT_FALSE(ReadBoqCsv("").ok());
}

// ---------------------------------------------------------------------------------------------
// Hostile and wrong uploads.

TEST(BoqImport, RefusesAZipBombFromItsDirectory) {
  // One entry that inflates to 200 MB of zeros (about 200 KB compressed).
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml", "", 200ull << 20});
  const std::string bomb = MakeZip(entries);
  ASSERT_LT(bomb.size(), 2u << 20);
  const auto start = std::chrono::steady_clock::now();
  auto boq = ReadBoqXlsx(bomb);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kResourceExhausted);
  const std::string& m = boq.status().message();
  EXPECT_NE(m.find("refused"), std::string::npos) << m;
  EXPECT_NE(m.find("more than 50 MB"), std::string::npos) << m;
  EXPECT_NE(m.find("zip bomb"), std::string::npos) << m;
  // Refused before inflating anything.
  EXPECT_LT(elapsed, std::chrono::milliseconds(200));
}

TEST(BoqImport, RefusesAZipBombWhoseHeadersLieAboutItsSize) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml", "", 8ull << 20});
  std::string bomb = MakeZip(entries);
  ForgeUncompressedSize(bomb, "xl/worksheets/sheet1.xml", 1000);
  auto boq = ReadBoqXlsx(bomb);
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kResourceExhausted) << boq.status().message();
  EXPECT_NE(boq.status().message().find("inflates beyond the 1000 bytes its zip header declares"),
            std::string::npos)
      << boq.status().message();
}

TEST(BoqImport, RefusesAnEntryCompressedBeyondTheRatio) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml", "", 4ull << 20});  // 4 MB, about 1000:1
  auto boq = ReadBoqXlsx(MakeZip(entries));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(boq.status().message().find("compressed more than 100:1"), std::string::npos)
      << boq.status().message();
}

TEST(BoqImport, LimitsAreConfigurable) {
  const std::string sample = ReadSample("vor_example_2025-12-11.xlsx");
  XlsxLimits small;
  small.max_total_bytes = 20'000;  // the sample unpacks to about 46 KB
  auto total = ReadBoqXlsx(sample, small);
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(total.status().message().find("would unpack to more than 20000 bytes"),
            std::string::npos)
      << total.status().message();

  XlsxLimits few;
  few.max_entries = 5;  // it has 13
  auto entries = ReadBoqXlsx(sample, few);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.status().message().find("13 entries, more than the limit of 5"),
            std::string::npos)
      << entries.status().message();

  XlsxLimits cells;
  cells.max_cells = 100;
  EXPECT_EQ(ReadBoqXlsx(sample, cells).status().code(), StatusCode::kResourceExhausted);
}

TEST(BoqImport, RefusesWhatIsNoWorkbook) {
  auto empty = ReadBoqXlsx("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "xlsx: the file is empty, not an XLSX workbook");

  auto garbage = ReadBoqXlsx("this is not a spreadsheet at all");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message(), "xlsx: not an XLSX workbook (not a zip archive)");

  auto truncated = ReadBoqXlsx(ReadSample("vor_example_2025-12-11.xlsx").substr(0, 3000));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("not an XLSX workbook"), std::string::npos)
      << truncated.status().message();

  auto docx = ReadBoqXlsx(
      MakeZip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}}));
  ASSERT_FALSE(docx.ok());
  EXPECT_EQ(docx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(docx.status().message(), "xlsx: not an XLSX workbook but a Word document (.docx)");

  auto other = ReadBoqXlsx(MakeZip({{"readme.txt", "hello"}}));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "xlsx: not an XLSX workbook (a zip archive without xl/workbook.xml)");
}

TEST(BoqImport, RefusesADoctypeWithAnExternalEntity) {
  auto entries = WorkbookParts();
  entries.push_back(
      {"xl/worksheets/sheet1.xml",
       std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                   "\n<!-- a comment first -->\n"
                   R"(<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)"
                   R"(<worksheet xmlns=")") +
           kMain + R"("><sheetData>)" + HeaderRow() + R"(<row r="2">)" + Str("A2", "1") +
           Str("B2", "&xxe;") + Str("C2", "м3") + Num("D2", "1") +
           "</row></sheetData></worksheet>"});
  auto boq = ReadBoqXlsx(MakeZip(entries));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(boq.status().message(),
            "xlsx: xl/worksheets/sheet1.xml: a DOCTYPE (DTD, entities) is not accepted in a "
            "workbook");
}

TEST(BoqImport, RefusesADoctypeHiddenInUtf16) {
  // The limit scan reads UTF-16 through its code units, and refuses the DOCTYPE before libxml2
  // parses its internal subset.
  const std::string xml = std::string(R"(<?xml version="1.0" encoding="UTF-16"?>)") +
                          R"(<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)" +
                          R"(<worksheet xmlns=")" + kMain + R"("><sheetData/></worksheet>)";
  std::string utf16 = "\xFF\xFE";
  for (char c : xml) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml", utf16});
  auto boq = ReadBoqXlsx(MakeZip(entries));
  ASSERT_FALSE(boq.ok());
  EXPECT_NE(boq.status().message().find("a DOCTYPE (DTD, entities) is not accepted"),
            std::string::npos)
      << boq.status().message();
}

// The XML of a part, not the archive, is the bomb: a few megabytes that libxml2 would take
// minutes over (core/xml_limits.hpp). Refused from the bytes, naming the part, line and limit.
std::string ManyAttributes(const std::string& element, int n) {
  std::string out = "<" + element;
  for (int i = 0; i < n; ++i) out += " a" + std::to_string(i) + "=\"1\"";
  return out + "/>";
}

TEST(BoqImport, RefusesAnAttributeBombInASheet) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml",
                     std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") +
                         "\n<worksheet xmlns=\"" + kMain + "\"><sheetData>" + HeaderRow() + "\n" +
                         ManyAttributes("row", 300'000) + "</sheetData></worksheet>"});
  const std::string xlsx = MakeZip(entries);
  auto boq = ReadBoqXlsx(xlsx);
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(boq.status().message(),
            "xlsx: xl/worksheets/sheet1.xml: line 3: element <row> has more than 256 attributes");
}

TEST(BoqImport, RefusesAnAttributeBombInSharedStrings) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/sharedStrings.xml",
                     std::string(R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns=")") + kMain +
                         R"("><si><t>№ п/п</t></si>)" + ManyAttributes("si", 300'000) + "</sst>"});
  entries.push_back({"xl/worksheets/sheet1.xml", std::string(R"(<worksheet xmlns=")") + kMain +
                                                     R"("><sheetData/></worksheet>)"});
  auto boq = ReadBoqXlsx(MakeZip(entries));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().message(),
            "xlsx: xl/sharedStrings.xml: line 1: element <si> has more than 256 attributes");
}

TEST(BoqImport, RefusesDeepNestingAndNamespaceFloodsInAPart) {
  auto deep = WorkbookParts();
  std::string nested;
  for (int i = 0; i < 10'000; ++i) nested += "<is>";
  deep.push_back({"xl/worksheets/sheet1.xml",
                  std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData><row><c>" + nested});
  auto boq = ReadBoqXlsx(MakeZip(deep));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().message(),
            "xlsx: xl/worksheets/sheet1.xml: line 1: element <is> is nested deeper than 256 "
            "levels");

  auto flood = WorkbookParts();
  flood[1].bytes = "<workbook" + std::string();
  for (int i = 0; i < 200; ++i) flood[1].bytes += " xmlns:p" + std::to_string(i) + "=\"u\"";
  flood[1].bytes += "><sheets/></workbook>";
  boq = ReadBoqXlsx(MakeZip(flood));
  ASSERT_FALSE(boq.ok());
  EXPECT_EQ(boq.status().message(),
            "xlsx: xl/workbook.xml: line 1: element <workbook> brings more than 128 namespace "
            "declarations into scope");
}

TEST(BoqImport, XmlLimitsAreConfigurable) {
  const std::string sample = ReadSample("vor_example_2025-12-11.xlsx");
  XlsxLimits few;
  few.xml.max_attributes = 4;  // its <row> elements have more
  auto refused = ReadBoqXlsx(sample, few);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("has more than 4 attributes"), std::string::npos)
      << refused.status().message();
  // 20 MB of cells cannot be read in 1 ms on any machine: the deadline, not the speed of this
  // one, decides.
  std::string rows = HeaderRow();
  for (int r = 2; rows.size() < (20u << 20); ++r) {
    const std::string n = std::to_string(r);
    rows += "<row r=\"" + n + "\">" + Num("A" + n, n) + Num("D" + n, "1") + "</row>";
  }
  XlsxLimits roomy;
  roomy.max_total_bytes = 200ull << 20;
  roomy.max_ratio = 1000;
  roomy.xml.deadline = std::chrono::milliseconds(1);
  auto slow = ReadXlsx(MakeXlsx(rows), roomy);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(slow.status().message().find("parsing took longer than the limit of 1 ms"),
            std::string::npos)
      << slow.status().message();
}

TEST(BoqImport, RefusesMalformedSheetXml) {
  auto entries = WorkbookParts();
  entries.push_back({"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"});
  auto boq = ReadBoqXlsx(MakeZip(entries));
  ASSERT_FALSE(boq.ok());
  EXPECT_NE(boq.status().message().find("xl/worksheets/sheet1.xml: not well-formed XML"),
            std::string::npos)
      << boq.status().message();
}

TEST(BoqGge, BothGgeLayoutsOfTheBillOfQuantitiesGiveTheSameLines) {
  const std::string plain = ReadSample("gge_vor_3.01_example.gge");
  const std::string minstroy = ReadSample("gge_vor_minstroy_ns_example.gge");
  auto a = ReadBoqGge(plain);
  auto b = ReadBoqGge(minstroy);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(a->lines.size(), 18u);  // 7 works and their 11 resources
  ASSERT_EQ(b->lines.size(), a->lines.size());
  for (std::size_t i = 0; i < a->lines.size(); ++i) {
    EXPECT_EQ(a->lines[i].name, b->lines[i].name) << i;
    EXPECT_EQ(a->lines[i].quantity, b->lines[i].quantity) << i;
    EXPECT_EQ(a->lines[i].number, b->lines[i].number) << i;
  }
  EXPECT_EQ(a->lines[0].section, "Подготовка котлована");
  EXPECT_EQ(a->lines[0].unit, "м3");
  EXPECT_EQ(a->lines[0].quantity, core::Decimal::Literal("39.176"));
  EXPECT_EQ(a->lines[1].number, "1.1");
  EXPECT_FALSE(ReadBoqGge(ReadSample("gge_osr_01-02_rekultivaciya_GSS.gge")).ok());
}

TEST(BoqGge, TheComparativeBillTakesTheLastVolumeAndChecksEveryStatedDecrease) {
  auto boq = ReadBoqGge(ReadSample("gge_svor_4.01_example.gge"));
  ASSERT_TRUE(boq.ok()) << boq.status().message();
  ASSERT_EQ(boq->lines.size(), 9u);  // 9 items, resources of works among them ("1.1")
  EXPECT_EQ(boq->lines[0].code, "01-01-023-01");
  EXPECT_EQ(boq->lines[0].number, "1");
  EXPECT_LT(boq->lines[0].quantity, core::Decimal::Literal("2.6"));  // decreased from the base
  for (const auto& w : boq->warnings) ADD_FAILURE() << w;  // every stated decrease holds
}

}  // namespace
}  // namespace estimate::formats
