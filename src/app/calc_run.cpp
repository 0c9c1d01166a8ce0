#include "app/calc_command.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

#include "formats/document/calc.hpp"

// `calc` and the reading of a document file: all that the front program (front.cpp) links of
// app, so this file reaches no further than the calculator and the document JSON.
namespace estimate::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 1;
constexpr int kExitBadInput = 2;

}  // namespace

bool ReadDocumentFile(const std::string& path, std::string* text, std::string* error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      *error = "cannot read standard input";
      return false;
    }
    *text = buffer.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  // One read of the whole file: an istreambuf_iterator copy goes character by character.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    // Room for the JSON reader's padding, so that the document is parsed where it lies.
    text->reserve(static_cast<std::size_t>(size) + formats::kJsonPadding);
    text->resize(static_cast<std::size_t>(size));
    in.read(text->data(), size);
  } else {
    text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (in.bad() || (size > 0 && in.gcount() != size)) {
    *error = "cannot read " + path;
    return false;
  }
  return true;
}

int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err) {
  if (format != "json" && format != "text") {
    err << "calc: unknown --format \"" << format << "\" (expected json or text)\n";
    return kExitBadInput;
  }
  std::string text;
  std::string error;
  if (!ReadDocumentFile(path, &text, &error)) {
    err << "calc: " << error << "\n";
    return kExitIoError;
  }
  const bool padded = text.capacity() - text.size() >= formats::kJsonPadding;
  const formats::CalcOutcome outcome = formats::Calculate(
      text, format == "json" ? formats::OutputFormat::kJson : formats::OutputFormat::kText,
      padded);
  if (!outcome.ok()) {
    err << outcome.ProblemText() << "\n";
    return kExitBadInput;
  }
  // Built whole before writing, so that a failure never leaves half a document on stdout.
  const std::string& rendered = format == "json" ? outcome.json : outcome.text;
  out << rendered;
  out.flush();
  if (!out) {
    err << "calc: cannot write the result\n";
    return kExitIoError;
  }
  return kExitOk;
}

}  // namespace estimate::app
