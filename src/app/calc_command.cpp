#include "app/calc_command.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

#include "formats/calc.hpp"

namespace estimate::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 1;
constexpr int kExitBadInput = 2;

bool ReadAll(const std::string& path, std::string* text, std::string* error) {
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

}  // namespace

int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err) {
  if (format != "json" && format != "text") {
    err << "calc: unknown --format \"" << format << "\" (expected json or text)\n";
    return kExitBadInput;
  }
  std::string text;
  std::string error;
  if (!ReadAll(path, &text, &error)) {
    err << "calc: " << error << "\n";
    return kExitIoError;
  }
  const formats::CalcOutcome outcome = formats::Calculate(
      text, format == "json" ? formats::OutputFormat::kJson : formats::OutputFormat::kText);
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
