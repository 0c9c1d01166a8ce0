#pragma once
// Private to src/formats: the readers and writers of each document shape that the registry
// dispatches to. The public face is calc.hpp, registry.hpp (and estimate_document.hpp for the
// resource-index ЛСР); docs/calc-document.md describes the shapes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base_index_calculator.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/summary_estimate.hpp"
#include "formats/document/calc.hpp"  // DocumentKind
#include "formats/registry.hpp"       // Document
#include "formats/document/detail/document_reader.hpp"

namespace estimate::formats {

// Checks that `v` is an object with a known format and method; nullopt (with problems) if not.
std::optional<DocumentKind> ReadDocumentKind(const JsonValue& v, DocumentReader& reader);

// The whole document, of any kind (registry.hpp's ReadDocument); nullopt with `problems`, one per
// line, when it cannot be read.
std::optional<Document> ReadAnyDocument(std::string_view bytes, std::vector<std::string>* problems);
// The same from a parsed document; the caller keeps the parse's memory alive as long as it likes
// (formats::Calculate keeps it through the computation and the writing: handing the pages back
// to the system between the steps and faulting them in again cost a third of a 10,000-position
// calc).
std::optional<Document> ReadParsedDocument(const JsonValue& parsed,
                                           std::vector<std::string>* problems);

// Each reader reads the whole document (already known to be of its kind) and returns nullopt
// when it found any problem; the problems are in `reader`.
std::optional<core::Estimate> ReadResourceIndexDocument(const JsonObject& root,
                                                        DocumentReader& reader);
std::optional<core::BaseIndexEstimate> ReadBaseIndexDocument(const JsonObject& root,
                                                             DocumentReader& reader);
std::optional<core::ObjectEstimateInput> ReadObjectEstimateDocument(const JsonObject& root,
                                                                    DocumentReader& reader);
std::optional<core::SummaryEstimateInput> ReadSummaryEstimateDocument(
    const JsonObject& root, DocumentReader& reader);

// base-index-result/1 and the printed ЛСР of the base-index method.
std::string WriteBaseIndexResult(const core::BaseIndexEstimate& estimate,
                                 const core::BaseIndexResult& result);
std::string WriteBaseIndexText(const core::BaseIndexEstimate& estimate,
                               const core::BaseIndexResult& result);

// Shared by ОСР and ССР: the four money columns as an object {"construction", "installation",
// "equipment", "other"} of decimal strings, each optional (0); `total` is their sum. At least one
// is required when `required_one`.
core::CostColumns ReadCostColumns(const JsonObject& o, const JsonPath& path,
                                  DocumentReader& reader, bool required_one);
// `"key": {"construction": …, "installation": …, "equipment": …, "other": …, "total": …}`.
void AppendCostColumns(std::string* out, std::string_view key, const core::CostColumns& c,
                       bool* first);
// The four columns and the total as cells of a text table (тыс. руб., Russian style).
std::vector<std::string> CostCells(const core::CostColumns& c);

// object-estimate-result/1 and the printed ОСР (тыс. руб.).
std::string WriteObjectEstimateResult(const core::ObjectEstimateInput& input,
                                      const core::ObjectEstimateResult& result);
std::string WriteObjectEstimateText(const core::ObjectEstimateInput& input,
                                    const core::ObjectEstimateResult& result);

// summary-estimate-result/1 and the printed ССР (тыс. руб.).
std::string WriteSummaryEstimateResult(const core::SummaryEstimateInput& input,
                                       const core::SummaryEstimateResult& result);
std::string WriteSummaryEstimateText(const core::SummaryEstimateInput& input,
                                     const core::SummaryEstimateResult& result);

}  // namespace estimate::formats
