#pragma once
// The estimate checker: the checks an expert of state expertise (Главгосэкспертиза) applies to a
// local estimate (ЛСР) before it is sent, each a rule with a code, a severity, the position it
// concerns, what is wrong and how to mend it. Pure: the estimate, its header, the raw position
// documents and the normative base in, findings out. The same input gives the same findings in
// the same order (positions in estimate order, then the rule order of CheckRules()).
//
// Rules that compare a position with its norm, the price book or the bindings are skipped where
// the base does not know the norm or the resource (`norm-unknown` says so once per position).
// Thread-safety: pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/estimate.hpp"

namespace estimate::normbase {
class BaseRelease;
}  // namespace estimate::normbase

namespace estimate::ai {

enum class Severity { kError, kWarning, kInfo };
// "error", "warning", "info".
const char* SeverityName(Severity s);

struct CheckRule {
  std::string_view code;   // "unit-mismatch"
  Severity severity;
  std::string_view title;  // Russian, for the estimator: «Единица измерения не совпадает с нормой»
};

// Every rule, in the order findings of one position are listed.
const std::vector<CheckRule>& CheckRules();

// A figure an importer found stated in the file and computed otherwise (the import's
// comparison of the source program's totals with this engine's).
struct ImportDifference {
  std::string path;  // "sections[0].positions[3].total" or "totals.total"
  std::string stated;
  std::string computed;
};

struct CheckInput {
  const core::Estimate* estimate = nullptr;
  // The position documents as stored, parallel to estimate->sections[s].positions (may be empty:
  // then the fields only the documents hold, such as "price_reference", count as absent).
  const std::vector<std::vector<std::string>>* documents = nullptr;
  bool resource_index = true;
  std::string region, zone, quarter;  // the header
  std::string date, vat_date;         // YYYY-MM-DD or empty
  int territory = 1;                  // НР territory (1, 2 МПРКС, 3 РКС) of the options
  std::optional<std::int64_t> release_id;   // the release the estimate names
  std::int64_t active_release_id = 0;       // of `release`
  std::string import_source;                // the file the estimate was imported from, if any
  std::vector<ImportDifference> import_differences;
  // The differences' paths point at positions of the estimate as imported: false once it has
  // changed since (they are then reported for the estimate as a whole).
  bool import_is_current = true;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kWarning;
  std::optional<std::size_t> section;   // index into estimate->sections; none: the whole estimate
  std::optional<std::size_t> position;  // index into that section's positions
  std::string number;                   // the position's number as printed
  std::string code;                     // the position's code
  std::string field;                    // "unit", "resources[2].price", "coefficients[1]", …
  std::string message;                  // Russian: what is wrong, with the figures
  std::string fix;                      // Russian: what to do
};

// `release` may be null (no active base): the rules that need it are skipped.
std::vector<Finding> CheckEstimate(const CheckInput& input, const normbase::BaseRelease* release);

}  // namespace estimate::ai
