#pragma once
// Importers of the normative base ФСНБ-2022 and of regional price tables into a BaseRelease.
//
// One entry point, ImportPaths, takes files, folders and .zip archives. Each file's kind is told
// from its content (the XML root element and its attributes, the XLSX header row, the JSON shape),
// never from its name:
//
//   <base> (BaseType / ResourceCategory CodePrefix)  norms of ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр
//   <ResourceCatalog>                                ФСБЦ machines, materials and equipment
//   <NewDataSet><base><TechnologyGroup>              technology groups (База ТГ)
//   <Coefficients>                                   binding of correction coefficients
//   XLSX with the "Шифр … НР … СП" header            НР/СП rates bound to collections
//   XLSX of rows code | name | unit | base price |    ФГИС ЦС resource-group indices (ГОСР) of
//     group | group name | index                     one region and quarter, by code
//   ФГИС ЦС API JSON                                 labour prices by rank, current prices,
//                                                    transport prices of one region and quarter
//
// XML is read by a streaming reader (memory grows with the model, not with the file); XLSX and
// JSON files are small and read whole. Every source's SHA-256, size and kind goes into
// release.info.sources.
//
// Failure is all or nothing: any error (malformed or truncated XML, bad encoding, a number that is
// not a decimal, an element the format does not allow there, a duplicate code with other data, a
// price file without its region) makes ImportPaths return an error, and the caller must discard
// the release — the importers do not undo what they had added. Odd but usable records (a file
// that is not part of the base inside a folder, an extra НР/СП reference, a price level that
// contradicts the decree) become warnings naming the file and line and what was done.
//
// Thread-safety: ImportPaths writes only `into`, `report` and calls `progress` on the calling
// thread; several imports into different releases may run in parallel.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/xml_limits.hpp"
#include "normbase/base_release.hpp"

namespace estimate::normbase {

struct ImportOptions {
  // Region, price zone and quarter of the price files (ФГИС ЦС API JSON): the files do not name
  // them. Required as soon as one price file is imported; ignored otherwise.
  std::string region_code;  // "77"
  std::string region_name;  // "г. Москва" (optional)
  int zone = 0;             // ценовая зона, ≥ 1; 0 = not given
  std::string quarter;      // "2025-Q2"
  // Warnings kept per file; the rest are counted in one closing warning.
  std::size_t max_warnings_per_file = 100;
  // Errors kept per file before the file is abandoned.
  std::size_t max_errors_per_file = 20;
  // Bounds on every XML source and workbook part (attributes per element, depth, names,
  // namespaces; core/xml_limits.hpp), checked as the bytes stream in. No deadline by default:
  // the full base is hundreds of megabytes read by one operator's command. A DOCTYPE naming an
  // external DTD passes (it is never loaded); an internal subset is refused.
  core::XmlLimits xml_limits{.deadline = std::chrono::milliseconds(0), .allow_doctype = true};
  // Zip bombs: an archive member or workbook part inflating to more than this many times its
  // compressed size (past its first megabyte) is refused. Real base files stay below 40.
  std::uint64_t max_zip_ratio = 200;
  // Sources read whole into memory (XLSX, JSON, workbook parts) up to this size; XML streams.
  std::uint64_t max_whole_source_bytes = 256ull << 20;
  // Members of one archive.
  std::uint64_t max_archive_entries = 100'000;
};

struct ImportDiagnostic {
  std::string file;  // as reported: "dir/ГЭСНп.xml", "base.zip!/ГЭСН.xml"
  int line = 0;      // 0 when the problem has no line (a JSON path or a whole file)
  std::string message;
  // "file:line: message" (or "file: message").
  std::string ToString() const;
};

struct ImportedFile {
  std::string name;
  std::string kind;  // as SourceFile::kind
  std::uint64_t bytes = 0;
  std::size_t records = 0;  // norms, price-book entries, groups, coefficients, rates or prices
  std::size_t lines = 0;    // norm resource lines / group members / coefficient bindings
};

struct ImportReport {
  std::vector<ImportedFile> files;
  std::vector<ImportDiagnostic> warnings;
  std::vector<ImportDiagnostic> errors;
  bool ok() const { return errors.empty(); }
};

struct ImportProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // of all sources, known before the first byte is parsed
  std::string_view file;          // the source being read
};
using ProgressFn = std::function<void(const ImportProgress&)>;

// Imports `paths` (files, folders — recursive, in sorted order — and .zip archives, whose members
// are named "archive.zip!/inner.xml") into `into`, then calls into.Finish(). Files inside folders
// and archives that are not base or price files are skipped with a warning; a file named directly
// must be one. Fills into.info.name, addition_number and price_level when the files state them
// and they are not set yet; appends a SourceFile per source. Returns OK, or the first error with a
// count of the others; `report` holds every diagnostic. `progress` (may be empty) is called as
// bytes are read.
Status ImportPaths(const std::vector<std::string>& paths, const ImportOptions& options,
                   BaseRelease& into, ImportReport& report, const ProgressFn& progress = {});

}  // namespace estimate::normbase
