#include "formats/document/detail/documents.hpp"

#include <array>
#include <utility>

#include "core/base_index_calculator.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "core/summary_estimate.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/registry.hpp"

// The documents of registry.hpp read and computed: the half of the registry that `calc` needs.
// Kept apart from the writers' table (registry.cpp) so that a program that only computes — the
// CLI's `calc` (app/front.cpp) — links none of the exported formats' libraries.
namespace estimate::formats {

using K = DocumentKind;

DocumentKind KindOf(const Document& document) {
  static constexpr std::array<DocumentKind, 4> kKinds{
      K::kResourceIndexEstimate, K::kBaseIndexEstimate, K::kObjectEstimate, K::kSummaryEstimate};
  return kKinds[document.index()];
}

DocumentKind KindOf(const ComputedDocument& document) {
  static constexpr std::array<DocumentKind, 4> kKinds{
      K::kResourceIndexEstimate, K::kBaseIndexEstimate, K::kObjectEstimate, K::kSummaryEstimate};
  return kKinds[document.index()];
}

std::optional<Document> ReadAnyDocument(std::string_view bytes, std::vector<std::string>* problems) {
  Result<std::unique_ptr<JsonDocument>> parsed = JsonDocument::Parse(bytes);
  if (!parsed.ok()) {
    *problems = {parsed.status().message()};
    return std::nullopt;
  }
  return ReadParsedDocument((*parsed)->root(), problems);
}

std::optional<Document> ReadParsedDocument(const JsonValue& parsed,
                                           std::vector<std::string>* problems) {
  DocumentReader reader;
  const std::optional<DocumentKind> kind = ReadDocumentKind(parsed, reader);
  const auto read = [&](auto document) -> std::optional<Document> {
    if (document) return Document(std::move(*document));
    *problems = reader.problems();
    return std::nullopt;
  };
  if (kind) {
    const JsonObject root = parsed.get_object();
    switch (*kind) {
      case K::kResourceIndexEstimate:
        return read(ReadResourceIndexDocument(root, reader));
      case K::kBaseIndexEstimate:
        return read(ReadBaseIndexDocument(root, reader));
      case K::kObjectEstimate:
        return read(ReadObjectEstimateDocument(root, reader));
      case K::kSummaryEstimate:
        return read(ReadSummaryEstimateDocument(root, reader));
    }
  }
  *problems = reader.problems();
  return std::nullopt;
}

Result<Document> ReadDocument(std::string_view bytes) {
  std::vector<std::string> problems;
  std::optional<Document> document = ReadAnyDocument(bytes, &problems);
  if (document) return std::move(*document);
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgument(message);
}

std::optional<DocumentKind> PeekDocumentKind(std::string_view bytes) {
  Result<std::unique_ptr<JsonDocument>> parsed = JsonDocument::Parse(bytes);
  if (!parsed.ok()) return std::nullopt;
  DocumentReader reader;
  return ReadDocumentKind((*parsed)->root(), reader);
}

Result<ComputedDocument> Compute(Document document) {
  return std::visit(
      [](auto&& d) -> Result<ComputedDocument> {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, core::Estimate>) {
          auto r = core::CalculateResourceIndex(d);
          if (!r.ok()) return r.status();
          return ComputedDocument(ComputedEstimate{std::move(d), std::move(r).value()});
        } else if constexpr (std::is_same_v<D, core::BaseIndexEstimate>) {
          auto r = core::CalculateBaseIndexEstimate(d);
          if (!r.ok()) return r.status();
          return ComputedDocument(ComputedBaseIndexEstimate{std::move(d), std::move(r).value()});
        } else if constexpr (std::is_same_v<D, core::ObjectEstimateInput>) {
          auto r = core::CalculateObjectEstimate(d);
          if (!r.ok()) return r.status();
          return ComputedDocument(ComputedObjectEstimate{std::move(d), std::move(r).value()});
        } else {
          auto r = core::CalculateSummaryEstimate(d);
          if (!r.ok()) return r.status();
          return ComputedDocument(ComputedSummaryEstimate{std::move(d), std::move(r).value()});
        }
      },
      std::move(document));
}

}  // namespace estimate::formats
