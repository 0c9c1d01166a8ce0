#pragma once
// `estimate-service calc FILE|-`: the command of ../shared/contracts/calc-v1.md.
#include <iosfwd>
#include <string>

#include "core/clock.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::app {

// Reads the document at `path` ("-" reads stdin), computes it with formats::Calculate and writes
// the result to `out` in `format` ("json": the result JSON of the document's shape; "text": a
// Russian table). Problems go
// to `err`, one line each naming the JSON path; nothing is written to `out` then.
// Returns the process exit status: 0 on success, 2 on bad input, 1 on I/O failure.
int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err);

// The whole file at `path` ("-": stdin) in `text`, with formats::kJsonPadding bytes allocated
// after it so that the JSON reader parses it where it lies; false with `error` when unreadable.
bool ReadDocumentFile(const std::string& path, std::string* text, std::string* error);

// `estimate-service export FILE|- --format gge|xlsx`: the estimate document (with its optional
// `header`) as the ЛСР form in Excel, or as ГГЭ XML 3.01, validated against
// LocalEstimateResourceIndexMethod-3_01.xsd in `xsd_dir` before anything is written; an invalid
// result is an error with the schema's messages. Exit status as RunCalc; 1 when the schema is
// missing. `clock` stamps the export time and the date of a document that names none.
// While a PDF or XLSX form is written, a progress bar is drawn on stderr when `err` is std::cerr
// and stderr is a terminal (redrawn every 2 %, wiped at the end); nothing otherwise.
int RunExport(const std::string& path, const std::string& format, const std::string& xsd_dir,
              const std::string& version, std::ostream& out, std::ostream& err,
              const core::Clock& clock = telemetry::SystemClock());

// `estimate-service import-estimate FILE|-`: a ГГЭ XML ЛСР (3.01) as an estimate document on
// `out`; on `err` every figure the file states that the recalculation does not reproduce, and
// what could not be read. Exit 0, 2 for a file that is not such an estimate, 1 on I/O failure.
int RunImportEstimate(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace estimate::app
