#pragma once
// `estimate-service calc FILE|-`: the command of ../shared/contracts/calc-v1.md.
#include <iosfwd>
#include <string>

namespace estimate::app {

// Reads the estimate document at `path` ("-" reads stdin), computes it and writes the result to
// `out` in `format` ("json": estimate-result/1; "text": the ЛСР as a Russian table). Problems go
// to `err`, one line each naming the JSON path; nothing is written to `out` then.
// Returns the process exit status: 0 on success, 2 on bad input, 1 on I/O failure.
int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err);

}  // namespace estimate::app
