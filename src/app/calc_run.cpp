#include "app/calc_command.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "formats/document/calc.hpp"

// `calc` and the reading of a document file: all that the front program (front.cpp) links of
// app, so this file reaches no further than the calculator and the document JSON.
namespace estimate::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 1;
constexpr int kExitBadInput = 2;

// A regular file mapped read-only, when the JSON reader's padding fits in its last page: the
// document is then read where the page cache holds it, without a copy and without zeroed pages
// to hold one (a 25 MB document's copy cost more than its parse). Anything else (stdin, a pipe,
// a file whose end leaves no room) is read into memory as before.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    if (path == "-") return;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    const long page = ::sysconf(_SC_PAGESIZE);
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && page > 0) {
      const auto size = static_cast<std::size_t>(st.st_size);
      const std::size_t room = (static_cast<std::size_t>(page) - size % page) % page;
      if (room >= formats::kJsonPadding) {
        void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (data != MAP_FAILED) {
          data_ = data;
          size_ = size;
        }
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // True when mapped: the bytes past the end up to the page's end read as zeros.
  bool padded() const { return data_ != nullptr; }
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

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
  const formats::OutputFormat output =
      format == "json" ? formats::OutputFormat::kJson : formats::OutputFormat::kText;
  formats::CalcOutcome outcome;
  if (MappedFile mapped(path); mapped.padded()) {
    outcome = formats::Calculate(mapped.bytes(), output, /*padded=*/true);
  } else {
    std::string text;
    std::string error;
    if (!ReadDocumentFile(path, &text, &error)) {
      err << "calc: " << error << "\n";
      return kExitIoError;
    }
    const bool padded = text.capacity() - text.size() >= formats::kJsonPadding;
    outcome = formats::Calculate(text, output, padded);
  }
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
