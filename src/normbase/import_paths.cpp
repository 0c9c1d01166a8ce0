// ImportPaths: expands folders and archives, tells each source's kind from its content, hashes it
// while the importer reads it, and dispatches to the per-format importers.
#include <openssl/evp.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "normbase/import_internal.hpp"
#include "normbase/importers.hpp"
#include "normbase/xml_reader.hpp"

namespace estimate::normbase {

std::string ImportDiagnostic::ToString() const {
  if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
  if (file.empty()) return message;
  return file + ": " + message;
}

namespace import {

namespace {
constexpr std::string_view kStopMessage = "too many errors in this file; the rest was not read";
}  // namespace

Context::Context(BaseRelease& release_in, ImportReport& report, const ImportOptions& options_in)
    : release(release_in), options(options_in), report_(report) {
  for (std::uint32_t i = 0; i < release.norms.size(); ++i) {
    norm_index[static_cast<int>(release.norms[i].family)].emplace(release.norms[i].code, i);
  }
  for (std::uint32_t i = 0; i < release.resources.size(); ++i) {
    resource_index.emplace(release.resources[i].code, i);
  }
  for (std::uint32_t i = 0; i < release.tech_groups.size(); ++i) {
    tech_group_index.emplace(release.tech_groups[i].code, i);
  }
  for (std::uint32_t i = 0; i < release.rates.size(); ++i) {
    rate_index.emplace(release.rates[i].code, i);
  }
}

void Context::BeginFile(const std::string& name) {
  file_name_ = name;
  file_warnings_ = file_errors_ = dropped_warnings_ = 0;
  decree.clear();
  report_.files.push_back(ImportedFile{name, "", 0, 0, 0});
}

void Context::EndFile() {
  if (dropped_warnings_ > 0) {
    report_.warnings.push_back(
        {file_name_, 0,
         std::to_string(dropped_warnings_) + " more warnings of this file were not listed"});
  }
  dropped_warnings_ = 0;
}

void Context::Warn(int line, std::string message) {
  if (file_warnings_ >= options.max_warnings_per_file) {
    ++dropped_warnings_;
    return;
  }
  ++file_warnings_;
  report_.warnings.push_back({file_name_, line, std::move(message)});
}

Status Context::Error(int line, std::string message) {
  report_.errors.push_back({file_name_, line, std::move(message)});
  if (++file_errors_ >= options.max_errors_per_file) {
    report_.errors.push_back({file_name_, 0, std::string(kStopMessage)});
    return {StatusCode::kResourceExhausted, std::string(kStopMessage)};
  }
  return Status::Ok();
}

bool Context::IsStop(const Status& status) const {
  return status.code() == StatusCode::kResourceExhausted && status.message() == kStopMessage;
}

void Context::RecordStatus(const Status& status) {
  if (status.ok() || IsStop(status)) return;
  report_.errors.push_back(DiagnosticFromStatus(file_name_, status));
}

std::optional<core::Decimal> Context::ParseDecimal(std::string_view text, bool comma) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (comma) {
    const std::size_t at = text.find(',');
    if (at != std::string_view::npos) {
      char buffer[64];
      if (text.size() >= sizeof buffer || text.find('.') != std::string_view::npos) {
        return std::nullopt;
      }
      std::memcpy(buffer, text.data(), text.size());
      buffer[at] = '.';
      auto parsed = core::Decimal::Parse(std::string_view(buffer, text.size()));
      if (!parsed.ok()) return std::nullopt;
      return *parsed;
    }
  }
  auto parsed = core::Decimal::Parse(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

void Context::NoteAddition(int addition, int line) {
  if (addition <= 0) return;
  if (release.info.addition_number == 0) {
    release.info.addition_number = addition;
  } else if (release.info.addition_number != addition) {
    Warn(line, "the file belongs to addition № " + std::to_string(addition) +
                   ", the release to № " + std::to_string(release.info.addition_number) +
                   "; the release keeps № " + std::to_string(release.info.addition_number));
  }
}

void Context::NotePriceLevel(std::string_view price_level, int line) {
  if (price_level.empty()) return;
  if (release.info.price_level.empty()) {
    release.info.price_level = std::string(price_level);
  } else if (release.info.price_level != price_level) {
    Warn(line, "price level " + std::string(price_level) + " differs from the release's " +
                   release.info.price_level + "; the release keeps " + release.info.price_level);
  }
}

void Context::NoteReleaseName(std::string_view name, int) {
  if (!name.empty() && release.info.name.empty()) release.info.name = std::string(name);
}

ImportDiagnostic DiagnosticFromStatus(const std::string& file, const Status& status) {
  const std::string& m = status.message();
  if (m.size() > file.size() + 1 && m.compare(0, file.size(), file) == 0 && m[file.size()] == ':') {
    std::size_t at = file.size() + 1;
    int line = 0;
    std::size_t digits = 0;
    while (at + digits < m.size() && m[at + digits] >= '0' && m[at + digits] <= '9') {
      line = line * 10 + (m[at + digits] - '0');
      ++digits;
    }
    if (digits > 0 && at + digits < m.size() && m[at + digits] == ':') {
      std::size_t text = at + digits + 1;
      if (text < m.size() && m[text] == ' ') ++text;
      return {file, line, m.substr(text)};
    }
    if (at < m.size() && m[at] == ' ') ++at;
    return {file, 0, m.substr(at)};
  }
  return {file, 0, m};
}

}  // namespace import

namespace {

using import::Context;

// Progress over all sources: bytes of finished sources plus those read of the current one.
class ProgressTracker {
 public:
  ProgressTracker(const ProgressFn& fn, std::uint64_t total) : fn_(fn), total_(total) {}
  void Start(std::string_view file) {
    file_ = file;
    current_ = 0;
  }
  void Read(std::uint64_t current) {
    current_ = current;
    Report();
  }
  // The source is done, whether it was read to its end or skipped.
  void Finish(std::uint64_t size) {
    done_ += std::max(size, current_);
    current_ = 0;
    Report();
  }

 private:
  void Report() {
    if (fn_) fn_(ImportProgress{std::min(done_ + current_, total_), total_, file_});
  }
  const ProgressFn& fn_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  std::uint64_t current_ = 0;
  std::string_view file_;
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_, digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
      hex.push_back(kHex[digest[i] >> 4]);
      hex.push_back(kHex[digest[i] & 15]);
    }
    return hex;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// A source read once, front to back, in large blocks: everything that passes is hashed and counted
// for the progress report, so a file is read from disk exactly once.
class Source {
 public:
  explicit Source(ProgressTracker& progress) : progress_(progress), buffer_(kBlock) {}
  virtual ~Source() = default;

  // The first bytes (at least `want` unless the source is shorter), without consuming them.
  Result<std::string_view> Peek(std::size_t want) {
    while (end_ - pos_ < want && !eof_) {
      if (pos_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
      }
      Status s = Fill();
      if (!s.ok()) return s;
    }
    return std::string_view(buffer_.data() + pos_, end_ - pos_);
  }

  long Read(char* out, std::size_t size, std::string& error) {
    if (pos_ == end_) {
      if (eof_) return 0;
      pos_ = end_ = 0;
      Status s = Fill();
      if (!s.ok()) {
        error = s.message();
        return -1;
      }
      if (pos_ == end_) return 0;
    }
    const std::size_t n = std::min(size, end_ - pos_);
    std::memcpy(out, buffer_.data() + pos_, n);
    pos_ += n;
    return static_cast<long>(n);
  }

  // The rest of the source, refused past `max` bytes (a member of an archive may inflate far
  // beyond what its size on disk suggests).
  Result<std::string> ReadAll(std::uint64_t max) {
    std::string all;
    for (;;) {
      all.append(buffer_.data() + pos_, end_ - pos_);
      pos_ = end_ = 0;
      if (all.size() > max) {
        return InvalidArgument("refused: larger than " + std::to_string(max >> 20) +
                               " MB, the limit for a source read whole (XLSX, JSON)");
      }
      if (eof_) return all;
      Status s = Fill();
      if (!s.ok()) return s;
    }
  }

  // Reads what the parser left (trailing newlines) so the digest covers the whole source.
  Status Drain() {
    pos_ = end_ = 0;
    while (!eof_) {
      Status s = Fill();
      if (!s.ok()) return s;
      pos_ = end_ = 0;
    }
    return Status::Ok();
  }

  std::string HexDigest() { return sha_.HexDigest(); }
  std::uint64_t bytes() const { return bytes_; }

 protected:
  virtual long ReadRaw(char* out, std::size_t size, std::string& error) = 0;

 private:
  static constexpr std::size_t kBlock = 1 << 20;

  // Appends the next block at end_.
  Status Fill() {
    std::string error;
    const long n = ReadRaw(buffer_.data() + end_, buffer_.size() - end_, error);
    if (n < 0) return InvalidArgument("read error: " + error);
    if (n == 0) {
      eof_ = true;
      return Status::Ok();
    }
    sha_.Update(buffer_.data() + end_, static_cast<std::size_t>(n));
    end_ += static_cast<std::size_t>(n);
    bytes_ += static_cast<std::uint64_t>(n);
    progress_.Read(bytes_);
    return Status::Ok();
  }

  ProgressTracker& progress_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  std::uint64_t bytes_ = 0;
  Sha256 sha_;
};

class FileSource : public Source {
 public:
  FileSource(ProgressTracker& progress, std::FILE* f) : Source(progress), f_(f) {}
  ~FileSource() override { std::fclose(f_); }

 protected:
  long ReadRaw(char* out, std::size_t size, std::string& error) override {
    const std::size_t n = std::fread(out, 1, size, f_);
    if (n == 0 && std::ferror(f_)) {
      error = std::strerror(errno);
      return -1;
    }
    return static_cast<long>(n);
  }

 private:
  std::FILE* f_;
};

class ZipEntrySource : public Source {
 public:
  ZipEntrySource(ProgressTracker& progress, zip_file_t* f, std::uint64_t compressed,
                 std::uint64_t max_ratio)
      : Source(progress), f_(f), compressed_(compressed), max_ratio_(max_ratio) {}
  ~ZipEntrySource() override { zip_fclose(f_); }

 protected:
  long ReadRaw(char* out, std::size_t size, std::string& error) override {
    const zip_int64_t n = zip_fread(f_, out, size);
    if (n < 0) {
      const char* message = zip_file_strerror(f_);
      error = message != nullptr ? message : "cannot read the archive member";
      return -1;
    }
    // Counted as it inflates, whatever the directory declares.
    inflated_ += static_cast<std::uint64_t>(n);
    if (inflated_ > kRatioExempt && inflated_ / (compressed_ + 1) > max_ratio_) {
      error = "refused: the member inflates to more than " + std::to_string(max_ratio_) +
              " times its compressed size (a zip bomb?)";
      return -1;
    }
    return static_cast<long>(n);
  }

 private:
  static constexpr std::uint64_t kRatioExempt = 1 << 20;
  zip_file_t* f_;
  std::uint64_t compressed_;
  std::uint64_t max_ratio_;
  std::uint64_t inflated_ = 0;
};

struct ZipCloser {
  void operator()(zip_t* z) const {
    if (z != nullptr) zip_discard(z);
  }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

// One source to import: a file, or a member of a .zip archive.
struct Entry {
  std::string name;  // as reported
  std::string path;  // the file, or the archive holding the member
  bool member = false;
  zip_uint64_t index = 0;
  std::uint64_t size = 0;
  std::uint64_t compressed = 0;  // of a member
  bool named = false;  // named directly by the caller (not found in a folder or an archive)
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

constexpr std::string_view kZipMagic = "PK\x03\x04";
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// An OOXML workbook is a zip too; it is a document, not an archive of sources.
bool IsWorkbook(zip_t* z) {
  return zip_name_locate(z, "xl/workbook.xml", 0) >= 0 &&
         zip_name_locate(z, "[Content_Types].xml", 0) >= 0;
}

class Expander {
 public:
  Expander(Context& ctx, std::vector<Entry>& out, std::vector<std::string>& archives)
      : ctx_(ctx), out_(out), archives_(archives) {}

  void AddPath(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
      Error(path, "no such file or folder");
      return;
    }
    if (std::filesystem::is_directory(status)) {
      AddFolder(path);
    } else {
      AddFile(path, true);
    }
  }

 private:
  void Error(const std::string& file, const std::string& message) {
    ctx_.BeginFile(file);
    (void)ctx_.Error(0, message);
    ctx_.EndFile();
    ctx_.file().kind = "unreadable";
  }

  void AddFolder(const std::string& folder) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) {
      Error(folder, "cannot list the folder: " + ec.message());
      return;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) AddFile(f.string(), false);
  }

  void AddFile(const std::string& path, bool named) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) {
      Error(path, "cannot read: " + ec.message());
      return;
    }
    char head[4] = {};
    if (std::FILE* f = std::fopen(path.c_str(), "rb"); f != nullptr) {
      const std::size_t n = std::fread(head, 1, sizeof head, f);
      std::fclose(f);
      if (n == sizeof head && std::string_view(head, 4) == kZipMagic) {
        int error = 0;
        ZipPtr z(zip_open(path.c_str(), ZIP_RDONLY, &error));
        if (z != nullptr && !IsWorkbook(z.get())) {
          AddArchive(path, z.get());
          return;
        }
      }
    } else {
      Error(path, std::string("cannot open: ") + std::strerror(errno));
      return;
    }
    out_.push_back(Entry{path, path, false, 0, size, 0, named});
  }

  void AddArchive(const std::string& path, zip_t* z) {
    archives_.push_back(path);
    std::vector<Entry> members;
    const zip_int64_t count = zip_get_num_entries(z, 0);
    if (count > 0 && static_cast<std::uint64_t>(count) > ctx_.options.max_archive_entries) {
      Error(path, "refused: the archive has " + std::to_string(count) +
                      " entries, more than the limit of " +
                      std::to_string(ctx_.options.max_archive_entries));
      return;
    }
    for (zip_int64_t i = 0; i < count; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 || st.name == nullptr) {
        continue;
      }
      std::string_view name = st.name;
      if (name.empty() || name.back() == '/') continue;  // a folder entry
      members.push_back(Entry{path + "!/" + std::string(name), path, true,
                              static_cast<zip_uint64_t>(i),
                              (st.valid & ZIP_STAT_SIZE) ? st.size : 0,
                              (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0, false});
    }
    std::sort(members.begin(), members.end(),
              [](const Entry& a, const Entry& b) { return a.name < b.name; });
    out_.insert(out_.end(), members.begin(), members.end());
  }

  Context& ctx_;
  std::vector<Entry>& out_;
  std::vector<std::string>& archives_;
};

Result<std::string> HashFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InvalidArgument(path + ": " + std::strerror(errno));
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) sha.Update(buffer.data(), n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return InvalidArgument(path + ": read error");
  return sha.HexDigest();
}

enum class Shape { kXml, kJson, kZip, kUnknown };

Shape ShapeOf(std::string_view head) {
  if (StartsWith(head, kZipMagic)) return Shape::kZip;
  if (StartsWith(head, kBom)) head.remove_prefix(kBom.size());
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < head.size() &&
           (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) {
      ++i;
    }
  };
  skip_space();
  if (i >= head.size()) return Shape::kUnknown;
  if (head[i] == '<') return Shape::kXml;
  if (head[i] == '{' || head[i] == '[') {
    // JSON opens an object with a key or a nested value; "{\rtf" is an RTF document.
    ++i;
    skip_space();
    if (i < head.size() &&
        (head[i] == '"' || head[i] == '}' || head[i] == '{' || head[i] == ']' || head[i] == '[')) {
      return Shape::kJson;
    }
  }
  return Shape::kUnknown;
}

// Imports one source; `kind` ends up empty when the source is not a base or price file.
Status ImportSource(Source& source, const std::string& name, Context& ctx, std::string* kind) {
  auto head = source.Peek(256);
  if (!head.ok()) return InvalidArgument(name + ": " + head.status().message());
  switch (ShapeOf(*head)) {
    case Shape::kZip: {
      auto bytes = source.ReadAll(ctx.options.max_whole_source_bytes);
      if (!bytes.ok()) return InvalidArgument(name + ": " + bytes.status().message());
      return import::ImportXlsx(*bytes, ctx, kind);
    }
    case Shape::kJson: {
      auto bytes = source.ReadAll(ctx.options.max_whole_source_bytes);
      if (!bytes.ok()) return InvalidArgument(name + ": " + bytes.status().message());
      return import::ImportPricesJson(*bytes, ctx, kind);
    }
    case Shape::kUnknown:
      *kind = "";
      return Status::Ok();
    case Shape::kXml:
      break;
  }
  auto reader = XmlReader::Open(
      name,
      [&source](char* out, std::size_t size, std::string& error) -> long {
        return source.Read(out, size, error);
      },
      ctx.options.xml_limits);
  if (!reader->Next()) {
    if (!reader->status().ok()) return reader->status();
    return InvalidArgument(name + ": the document has no root element");
  }
  const std::string_view root = reader->name();
  Status s;
  if (root == "base") {
    *kind = "norms";
    s = import::ImportNorms(*reader, ctx);
  } else if (root == "ResourceCatalog") {
    *kind = "price_book";
    s = import::ImportPriceBook(*reader, ctx);
  } else if (root == "NewDataSet") {
    *kind = "tech_groups";
    s = import::ImportTechGroups(*reader, ctx);
  } else if (root == "Coefficients") {
    *kind = "coefficients";
    s = import::ImportCoefficients(*reader, ctx);
  } else {
    *kind = "";
    ctx.file().kind = "<" + std::string(root) + ">";
    return Status::Ok();
  }
  if (!s.ok()) return s;
  // Whatever follows the root element must be nothing but whitespace and comments.
  while (reader->Next()) {
    if (reader->IsStart()) return reader->ErrorHere("a second root element");
  }
  if (!reader->status().ok()) return reader->status();
  return source.Drain();
}

}  // namespace

Status ImportPaths(const std::vector<std::string>& paths, const ImportOptions& options,
                   BaseRelease& into, ImportReport& report, const ProgressFn& progress) {
  Context ctx(into, report, options);
  std::vector<Entry> entries;
  std::vector<std::string> archives;
  Expander expander(ctx, entries, archives);
  for (const std::string& path : paths) expander.AddPath(path);

  std::uint64_t total = 0;
  for (const Entry& e : entries) total += e.size;
  ProgressTracker tracker(progress, total);

  for (const std::string& archive : archives) {
    auto sha = HashFile(archive);
    if (!sha.ok()) {
      report.errors.push_back({archive, 0, sha.status().message()});
      continue;
    }
    std::error_code ec;
    into.info.sources.push_back(
        SourceFile{archive, *sha, std::filesystem::file_size(archive, ec), "archive", ""});
  }

  ZipPtr open_zip;
  std::string open_zip_path;
  for (const Entry& e : entries) {
    ctx.BeginFile(e.name);
    tracker.Start(e.name);
    std::unique_ptr<Source> source;
    if (e.member) {
      if (open_zip_path != e.path) {
        int error = 0;
        open_zip.reset(zip_open(e.path.c_str(), ZIP_RDONLY, &error));
        open_zip_path = e.path;
      }
      zip_file_t* f = open_zip ? zip_fopen_index(open_zip.get(), e.index, 0) : nullptr;
      if (f == nullptr) {
        (void)ctx.Error(0, "cannot open the archive member");
        ctx.EndFile();
        tracker.Finish(e.size);
        continue;
      }
      source = std::make_unique<ZipEntrySource>(tracker, f, e.compressed, options.max_zip_ratio);
    } else {
      std::FILE* f = std::fopen(e.path.c_str(), "rb");
      if (f == nullptr) {
        (void)ctx.Error(0, std::string("cannot open: ") + std::strerror(errno));
        ctx.EndFile();
        tracker.Finish(e.size);
        continue;
      }
      source = std::make_unique<FileSource>(tracker, f);
    }

    std::string kind;
    Status s = ImportSource(*source, e.name, ctx, &kind);
    ImportedFile& file = ctx.file();
    if (!s.ok()) {
      ctx.RecordStatus(s);
    } else if (kind.empty()) {
      const std::string what = file.kind.empty()
                                   ? std::string("not XML, JSON or XLSX")
                                   : "root element " + file.kind + " is not a ФСНБ-2022 file";
      file.kind = "skipped";
      if (e.named) {
        (void)ctx.Error(0, "not a ФСНБ-2022 base or price file (" + what + ")");
      } else {
        ctx.Warn(0, "skipped: not a ФСНБ-2022 base or price file (" + what + ")");
      }
    }
    if (!kind.empty()) {
      if (file.kind.empty()) file.kind = kind;
      file.bytes = source->bytes();
      into.info.sources.push_back(
          SourceFile{e.name, source->HexDigest(), source->bytes(), file.kind, ctx.decree});
    }
    ctx.EndFile();
    tracker.Finish(e.size);
  }

  if (!report.errors.empty()) {
    std::string message = report.errors.front().ToString();
    if (report.errors.size() > 1) {
      message += " (and " + std::to_string(report.errors.size() - 1) + " more errors)";
    }
    return InvalidArgument(message);
  }
  into.Finish();
  return Status::Ok();
}

}  // namespace estimate::normbase
