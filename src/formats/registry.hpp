#pragma once
// The one table of what formats writes and reads: format × document kind (ЛСР by either method,
// ОСР, ССР) → writer (a computed document → bytes), reader (bytes → document, or an error naming
// its place), content type and file extension. The API's export and import paths (services) and
// the CLI (`calc`, `export`, `import-estimate`) both dispatch through it, so the choice of writer, schema, content type
// and file name is made here only; what a failure means to each caller (an HTTP status, an exit
// code) stays with the caller.
//
// Writers never recalculate: the caller computes a document once (Compute, or a result it already
// holds) and every writer takes that result.
//
// Thread-safe: the table is immutable; readers and writers share no state.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base_index_calculator.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "core/summary_estimate.hpp"
#include "formats/document/calc.hpp"  // DocumentKind
#include "formats/gge/gge.hpp"        // GgeHeader, GgeObjectHeader, GgeSummaryHeader
#include "formats/print/xlsx_forms.hpp"  // PrintHeader
#include "formats/progress.hpp"

namespace estimate::formats {

// The formats a document goes out in. kJson and kText are the result of `calc` (the result JSON
// of contracts/calc-v1.md and its readable table); the others are the exported files.
enum class Format { kJson, kText, kGge, kGge302, kXlsx, kPdf, kArps };

// A document as core types, of any kind.
using Document = std::variant<core::Estimate, core::BaseIndexEstimate, core::ObjectEstimateInput,
                              core::SummaryEstimateInput>;

// A document with its result, computed once: what every writer takes.
struct ComputedEstimate {
  core::Estimate estimate;  // the resource-index method
  core::EstimateResult result;
};
struct ComputedBaseIndexEstimate {
  core::BaseIndexEstimate estimate;
  core::BaseIndexResult result;
};
struct ComputedObjectEstimate {
  core::ObjectEstimateInput input;
  core::ObjectEstimateResult result;
};
struct ComputedSummaryEstimate {
  core::SummaryEstimateInput input;
  core::SummaryEstimateResult result;
};
using ComputedDocument = std::variant<ComputedEstimate, ComputedBaseIndexEstimate,
                                      ComputedObjectEstimate, ComputedSummaryEstimate>;

DocumentKind KindOf(const Document& document);
DocumentKind KindOf(const ComputedDocument& document);

// Reads an estimate document of any kind (docs/calc-document.md): the reader of the document
// JSON. InvalidArgument with one line per problem, each naming its JSON path.
Result<Document> ReadDocument(std::string_view bytes);

// Every reader of formats (ReadDocument, ReadGge…, ReadArps, ReadBoq…, ReadEstimateFile) takes
// the bytes of one file and returns the document, or an error naming its place (the JSON path,
// the file's line or field): a fuzz target calls it as it is.

// A ЛСР from another program's file, in `format`: kGge, ГГЭ XML of either method (read as the
// resource-index method unless the file's IndexType says base-index), or kArps, АРПС 1.10 (its
// number and name as the header). The estimate document with the header the file states and its
// figures compared with ours. InvalidArgument for another format.
Result<GgeImport> ReadEstimateFile(Format format, std::string_view bytes);

// The kind a document announces (its "format" and "method"), read without the rest of it;
// nullopt when the bytes are not a document of a known kind.
std::optional<DocumentKind> PeekDocumentKind(std::string_view bytes);

// Runs the calculator of core on `document` once. The calculator's error (naming the position)
// when it does not compute.
Result<ComputedDocument> Compute(Document document);

// What the writers state besides the document: the headers of the forms. A writer reads the one
// of its kind: a ЛСР `estimate` (ГГЭ, АРПС, and its printed form through PrintHeaderOf), an ОСР
// `object` (ГГЭ) or a ССР `summary` (ГГЭ); the printed ОСР and ССР take `print`.
//
// `progress`, not a header: who watches a long writer (PDF, XLSX) and may cancel it; nullptr for
// none. The quick writers (JSON, text, ГГЭ, АРПС) ignore it.
struct WriteHeaders {
  GgeHeader estimate;
  GgeObjectHeader object;
  GgeSummaryHeader summary;
  PrintHeader print;
  WriteProgress* progress = nullptr;
};

struct Writer {
  Format format;
  DocumentKind kind;
  std::string_view name;          // the format as the API and the CLI name it: "gge-3.02"
  std::string_view content_type;  // "application/xml"
  std::string_view extension;     // "gge"
  // The XSD (in the folder of the ГГЭ schemas) a file is checked against before it is offered;
  // empty: not checked. A writer with a schema refuses a document as invalid input.
  std::string_view xsd;
  // Checked through the rendering of another format (a base-index ЛСР in 3.01 has no published
  // schema: its 3.02 rendering, which differs only by renames, is what is validated).
  std::optional<Format> checked_as;
  // The bytes, or the writer's refusal (one line per problem).
  Result<std::string> (*write)(const ComputedDocument& document, const WriteHeaders& headers);
};

// The writer of `format` for `kind`; nullptr when that kind is not written in that format.
const Writer* FindWriter(Format format, DocumentKind kind);

// The writer of an exported file named as the API and the CLI name it ("gge", "gge-3.02",
// "xlsx", "pdf", "arps"); nullptr for another name or a kind not written in it.
const Writer* FindExportWriter(std::string_view name, DocumentKind kind);

// The names of the exported formats of `kind`, as an error message lists them:
// "gge, gge-3.02, xlsx, pdf, arps".
std::string ExportFormatList(DocumentKind kind);

// The name of a downloaded file: "ЛСР 02-01-05.gge", "ОСР 7.pdf", "ССР 1.xlsx".
std::string FileName(const Writer& writer, std::string_view number);

// The check of a written file against its schema (Writer::xsd) in `xsd_dir`.
struct SchemaCheck {
  enum class Outcome {
    kValid,          // valid, or the writer has no schema
    kNotWritten,     // the rendering that is checked (checked_as) was refused: `status`
    kSchemaMissing,  // the schema cannot be read (NotFound): `status`
    kInvalid,        // not valid against the schema: `status` has the schema's messages
  };
  Outcome outcome = Outcome::kValid;
  Status status;
};
SchemaCheck CheckSchema(const Writer& writer, const ComputedDocument& document,
                        const WriteHeaders& headers, std::string_view bytes,
                        const std::string& xsd_dir);

}  // namespace estimate::formats
