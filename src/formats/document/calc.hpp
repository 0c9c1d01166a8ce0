#pragma once
// One call from document bytes to the computed result: what `estimate-service calc` and
// POST /api/v1/calc both run. The document is any shape of docs/calc-document.md:
//   estimate-document/1, method resource-index (calc-v1.md)  → estimate-result/1
//   estimate-document/1, method base-index (ФЕР/ТЕР, indices) → base-index-result/1
//   object-estimate/1 (ОСР)                                   → object-estimate-result/1
//   summary-estimate/1 (ССР)                                  → summary-estimate-result/1
// and, when asked, the same result as a readable Russian table.
//
// Bad input is a value, never an exception: the outcome then holds one problem per line, each
// naming the JSON path (`sections[0].positions[3].quantity: "1,5" is not a decimal number`), and
// no output. A figure too large to compute exactly is such a problem too.
//
// Pure and thread-safe: no I/O, no shared state.
#include <string>
#include <string_view>
#include <vector>

#include "core/base_index_calculator.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "core/summary_estimate.hpp"

namespace estimate::formats {

// What the top-level "format" (and, for a ЛСР, "method") of a document announce.
enum class DocumentKind {
  kResourceIndexEstimate,  // estimate-document/1, method resource-index (or absent): a ЛСР
  kBaseIndexEstimate,      // estimate-document/1, method base-index: a ЛСР
  kObjectEstimate,         // object-estimate/1: an ОСР
  kSummaryEstimate,        // summary-estimate/1: a ССР
};

enum class OutputFormat {
  kJson,         // the result JSON only
  kText,         // the Russian table only
  kJsonAndText,  // both
};

struct CalcOutcome {
  // Empty when the document was computed.
  std::vector<std::string> problems;
  std::string json;  // when asked (kJson, kJsonAndText) and ok()
  std::string text;  // when asked (kText, kJsonAndText) and ok()

  bool ok() const { return problems.empty(); }
  // The problems joined by '\n' (no trailing newline).
  std::string ProblemText() const;
};

// The bytes the JSON reader may read past the end of a document without copying it (simdjson's
// padding): a caller that holds the document in a buffer with this many more bytes allocated
// after it passes `padded` and saves a copy of the whole text.
inline constexpr std::size_t kJsonPadding = 64;

CalcOutcome Calculate(std::string_view document, OutputFormat format, bool padded = false);

// The input of a base-index ЛСР, an object-estimate/1 or a summary-estimate/1 document as core
// types (for the writers of other formats). InvalidArgument with one line per problem, as
// Calculate reports.
Result<core::BaseIndexEstimate> ParseBaseIndexDocument(std::string_view document);
Result<core::ObjectEstimateInput> ParseObjectEstimateDocument(std::string_view document);
Result<core::SummaryEstimateInput> ParseSummaryEstimateDocument(std::string_view document);

}  // namespace estimate::formats
