#include "formats/document/calc.hpp"

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/resource_index_calculator.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/registry.hpp"

namespace estimate::formats {

static_assert(simdjson::SIMDJSON_PADDING <= kJsonPadding);

namespace {

// A status message of core (one line, or lines) as problems.
std::vector<std::string> Lines(const std::string& message) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t end = message.find('\n', start);
    lines.push_back(message.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// The result (estimate-result/1 and its kin) and the readable table of a computed document.
std::string ResultJson(const ComputedDocument& document) {
  return std::visit(
      [](const auto& c) -> std::string {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, ComputedEstimate>) {
          return WriteEstimateResult(c.estimate, c.result);
        } else if constexpr (std::is_same_v<C, ComputedBaseIndexEstimate>) {
          return WriteBaseIndexResult(c.estimate, c.result);
        } else if constexpr (std::is_same_v<C, ComputedObjectEstimate>) {
          return WriteObjectEstimateResult(c.input, c.result);
        } else {
          return WriteSummaryEstimateResult(c.input, c.result);
        }
      },
      document);
}

std::string ResultText(const ComputedDocument& document) {
  return std::visit(
      [](const auto& c) -> std::string {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, ComputedEstimate>) {
          return WriteEstimateText(c.estimate, c.result);
        } else if constexpr (std::is_same_v<C, ComputedBaseIndexEstimate>) {
          return WriteBaseIndexText(c.estimate, c.result);
        } else if constexpr (std::is_same_v<C, ComputedObjectEstimate>) {
          return WriteObjectEstimateText(c.input, c.result);
        } else {
          return WriteSummaryEstimateText(c.input, c.result);
        }
      },
      document);
}

bool WantsJson(OutputFormat f) { return f != OutputFormat::kText; }
bool WantsText(OutputFormat f) { return f != OutputFormat::kJson; }

}  // namespace

std::optional<DocumentKind> ReadDocumentKind(const JsonValue& v, DocumentReader& reader) {
  const JsonPath root;
  if (!v.is_object()) {
    reader.Problem(root, "expected a JSON object");
    return std::nullopt;
  }
  const JsonObject o = v.get_object();
  const std::optional<std::string> format = reader.RequiredString(o, "format", root);
  if (!format) return std::nullopt;
  if (*format == "object-estimate/1") return DocumentKind::kObjectEstimate;
  if (*format == "summary-estimate/1") return DocumentKind::kSummaryEstimate;
  if (*format != "estimate-document/1") {
    // Another format: its other fields mean nothing to us.
    reader.Problem(root.Key("format"),
                   "unknown format " + Quoted(*format) +
                       " (expected estimate-document/1, object-estimate/1 or summary-estimate/1)");
    return std::nullopt;
  }
  const std::size_t problems = reader.problems().size();
  const std::size_t method =
      reader.Choice(o, "method", root, {"resource-index", "base-index"}, 0, "method");
  if (reader.problems().size() != problems) return std::nullopt;
  return method == 1 ? DocumentKind::kBaseIndexEstimate : DocumentKind::kResourceIndexEstimate;
}

std::string CalcOutcome::ProblemText() const {
  std::string out;
  for (const std::string& p : problems) {
    if (!out.empty()) out += '\n';
    out += p;
  }
  return out;
}

CalcOutcome Calculate(std::string_view document, OutputFormat format, bool padded) {
  CalcOutcome outcome;
  // Alive to the end: see JsonDocument.
  Result<std::unique_ptr<JsonDocument>> parsed = JsonDocument::Parse(document, padded);
  if (!parsed.ok()) {
    outcome.problems = {parsed.status().message()};
    return outcome;
  }
  std::optional<Document> read = ReadParsedDocument((*parsed)->root(), &outcome.problems);
  if (!read) return outcome;
  Result<ComputedDocument> computed = Compute(std::move(*read));
  if (!computed.ok()) {
    outcome.problems = Lines(computed.status().message());
    return outcome;
  }
  // The writers of JSON and text, called directly (not through the registry's table, which
  // would link every exported format into `calc`); their bytes are moved, never copied.
  if (WantsJson(format)) outcome.json = ResultJson(*computed);
  if (WantsText(format)) outcome.text = ResultText(*computed);
  return outcome;
}

namespace {

template <typename Input, typename Read>
Result<Input> ParseShape(std::string_view document, DocumentKind expected, const char* name,
                         Read read) {
  Result<std::unique_ptr<JsonDocument>> parsed = JsonDocument::Parse(document);
  if (!parsed.ok()) return parsed.status();
  DocumentReader reader;
  const std::optional<DocumentKind> kind = ReadDocumentKind((*parsed)->root(), reader);
  if (kind && *kind != expected) reader.Problem(JsonPath(), std::string("not a ") + name + " document");
  if (!reader.ok()) return InvalidArgument(reader.Message());
  std::optional<Input> input = read((*parsed)->root().get_object(), reader);
  if (!input) return InvalidArgument(reader.Message());
  return std::move(*input);
}

}  // namespace

Result<core::BaseIndexEstimate> ParseBaseIndexDocument(std::string_view document) {
  return ParseShape<core::BaseIndexEstimate>(document, DocumentKind::kBaseIndexEstimate,
                                             "base-index estimate-document/1",
                                             ReadBaseIndexDocument);
}

Result<core::ObjectEstimateInput> ParseObjectEstimateDocument(std::string_view document) {
  return ParseShape<core::ObjectEstimateInput>(document, DocumentKind::kObjectEstimate,
                                               "object-estimate/1", ReadObjectEstimateDocument);
}

Result<core::SummaryEstimateInput> ParseSummaryEstimateDocument(std::string_view document) {
  return ParseShape<core::SummaryEstimateInput>(document, DocumentKind::kSummaryEstimate,
                                                "summary-estimate/1", ReadSummaryEstimateDocument);
}

}  // namespace estimate::formats
