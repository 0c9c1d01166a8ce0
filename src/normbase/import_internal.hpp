#pragma once
// Private to the importers (import_*.cpp): the state one ImportPaths call shares between the
// per-format importers — the release being filled, diagnostics, duplicate detection — and the
// per-format entry points that import_paths.cpp dispatches to.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/decimal.hpp"
#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"
#include "normbase/xml_reader.hpp"

namespace estimate::normbase::import {

class Context {
 public:
  Context(BaseRelease& release, ImportReport& report, const ImportOptions& options);

  BaseRelease& release;
  const ImportOptions& options;

  // Starts a source: later diagnostics name it and its counts go into file().
  void BeginFile(const std::string& name);
  // Ends it: the closing warning about dropped warnings, if any.
  void EndFile();
  ImportedFile& file() { return report_.files.back(); }
  const std::string& file_name() const { return file_name_; }

  void Warn(int line, std::string message);
  // Records an error and says whether the file may go on: OK while fewer than
  // max_errors_per_file were recorded (the import has failed, but the next problems are worth
  // reporting too), else the stop status, which the caller returns as is.
  Status Error(int line, std::string message);
  Status Error(const XmlReader& r, std::string message) {
    return Error(r.line(), std::move(message));
  }
  // Records a status whose message starts with "file:line: " (XmlReader::ErrorHere and the
  // reader's own errors) unless it is the stop status, already recorded.
  void RecordStatus(const Status& status);
  bool IsStop(const Status& status) const;
  std::size_t error_count() const { return report_.errors.size(); }

  // Exact decimals from the files. `comma` accepts a decimal comma ("1,04"). Leading and trailing
  // spaces are ignored.
  static std::optional<core::Decimal> ParseDecimal(std::string_view text, bool comma = false);

  std::string_view Intern(std::string_view text) { return release.text.Intern(text); }

  // Indexes of what the release holds, to find duplicates across files.
  std::array<std::unordered_map<std::string_view, std::uint32_t>, 5> norm_index;
  std::unordered_map<std::string_view, std::uint32_t> resource_index;
  std::unordered_map<std::string_view, std::uint32_t> tech_group_index;
  std::unordered_map<std::string_view, std::uint32_t> rate_index;

  // Release facts stated by the files: set when unset, a warning when a file contradicts them.
  void NoteAddition(int addition, int line);
  void NotePriceLevel(std::string_view price_level, int line);
  void NoteReleaseName(std::string_view name, int line);
  // The decree a price book file states, e.g. "490/пр от 14.08.2025"; kept in its SourceFile.
  std::string decree;

 private:
  ImportReport& report_;
  std::string file_name_;
  std::size_t file_warnings_ = 0;
  std::size_t file_errors_ = 0;
  std::size_t dropped_warnings_ = 0;
};

// The XML importers start with the reader on the root element's start and read through its end.
Status ImportNorms(XmlReader& r, Context& ctx);         // <base>
Status ImportPriceBook(XmlReader& r, Context& ctx);     // <ResourceCatalog>
Status ImportTechGroups(XmlReader& r, Context& ctx);    // <NewDataSet>
Status ImportCoefficients(XmlReader& r, Context& ctx);  // <Coefficients>

// Whole-file importers. They set *kind to what they recognised, or leave it empty (and import
// nothing) when the file is not one they know.
Status ImportXlsx(std::string_view bytes, Context& ctx, std::string* kind);
Status ImportPricesJson(std::string_view bytes, Context& ctx, std::string* kind);

// The price set of the import options' region, zone and quarter (created on first use), for the
// regional price files, which do not name them; InvalidArgument naming what the options lack.
Result<RegionalPrices*> RegionalPricesOfOptions(Context& ctx);

// "file:line: message" → its parts, for statuses made by XmlReader.
ImportDiagnostic DiagnosticFromStatus(const std::string& file, const Status& status);

}  // namespace estimate::normbase::import
