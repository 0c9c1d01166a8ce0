#include "http/static_files.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "core/text.hpp"

namespace estimate::http {

namespace fs = std::filesystem;

struct StaticFiles::File {
  struct Body {
    std::string bytes;
    std::string etag;
  };
  std::string content_type;
  std::string_view cache_control;
  bool page = false;  // HTML: the application's content security policy
  Body identity;
  std::optional<Body> br, gzip;
};

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kIndex = "/index.html";

std::string ContentTypeOf(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"avif", "image/avif"},
      {"css", "text/css; charset=utf-8"},
      {"gif", "image/gif"},
      {"htm", "text/html; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"ico", "image/x-icon"},
      {"jpeg", "image/jpeg"},
      {"jpg", "image/jpeg"},
      {"js", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"otf", "font/otf"},
      {"pdf", "application/pdf"},
      {"png", "image/png"},
      {"svg", "image/svg+xml"},
      {"ttf", "font/ttf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"webmanifest", "application/manifest+json"},
      {"webp", "image/webp"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"xml", "application/xml"},
  };
  const auto dot = name.rfind('.');
  const auto slash = name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  auto it = kTypes.find(core::AsciiLower(name.substr(dot + 1)));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// A strong validator of the content, the same in every instance that loaded the same bytes:
// its size and 64-bit FNV-1a hash (change detection, not a defence against forgery).
std::string ETagOf(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char out[48];
  std::snprintf(out, sizeof out, "\"%zx-%016llx\"", bytes.size(),
                static_cast<unsigned long long>(h));
  return out;
}

// The tag of an encoded sibling: a representation of its own, so a tag of its own (RFC 9110
// §8.8.3: a strong validator differs between content codings).
std::string SiblingETag(const std::string& identity_etag, std::string_view coding) {
  return identity_etag.substr(0, identity_etag.size() - 1) + "-" + std::string(coding) + "\"";
}

bool UnderAssets(std::string_view key) { return key == "/assets" || key.starts_with("/assets/"); }

// The key of a request path ("/a//b/" → "/a/b"), or nothing for a path that can name no file
// whatever the folder holds: a segment that is "." or ".." or any dot-name, a backslash, NUL or
// another control byte. The path is percent-decoded once already (%2e%2e is ".." here).
std::optional<std::string> KeyOf(std::string_view path) {
  std::string key;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(path.find('/', i), path.size());
    const std::string_view segment = path.substr(i, end - i);
    if (segment.front() == '.') return std::nullopt;
    for (unsigned char c : segment) {
      if (c < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
    }
    key += '/';
    key += segment;
    i = end;
  }
  if (key.empty()) key = "/";
  return key;
}

// True when `path` (canonical) lies below `base` (canonical) and no name on the way down is a
// dot-name: a symlink may not lead out of the folder, nor to its .env.
bool ServableWithin(const fs::path& base, const fs::path& path) {
  auto [b, p] = std::mismatch(base.begin(), base.end(), path.begin(), path.end());
  if (b != base.end() || p == path.end()) return false;
  for (; p != path.end(); ++p) {
    const std::string name = p->string();
    if (name.empty() || name.front() == '.') return false;
  }
  return true;
}

std::optional<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110 §12.4.2).
std::optional<double> ParseQuality(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  if (v.size() > 1 && (v[1] != '.' || v.size() > 5)) return std::nullopt;
  int thousandths = (v[0] - '0') * 1000;
  int scale = 100;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return std::nullopt;
    thousandths += (v[i] - '0') * scale;
    scale /= 10;
  }
  if (thousandths > 1000) return std::nullopt;
  return thousandths / 1000.0;
}

}  // namespace

std::string JoinedHeader(const Request& request, std::string_view name) {
  std::string out;
  for (const auto& [k, v] : request.headers) {
    if (k != name) continue;
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

StaticFiles::StaticFiles(StaticFiles&&) noexcept = default;
StaticFiles& StaticFiles::operator=(StaticFiles&&) noexcept = default;
StaticFiles::~StaticFiles() = default;

Result<StaticFiles> StaticFiles::Load(const std::string& root, StaticFilesLimits limits) {
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return NotFound("web application folder " + root + ": " + ec.message());
  if (!fs::is_directory(base, ec)) {
    return NotFound("web application folder " + root + ": not a folder");
  }

  // Key → bytes, siblings (X.br, X.gz) included; ordered, so that what is loaded is the same
  // whatever order the directory lists.
  std::map<std::string, std::string> loaded;
  std::size_t total = 0;
  const auto too_much = [&] {
    return Status(StatusCode::kResourceExhausted,
                  "web application folder " + root + ": more than " +
                      std::to_string(limits.max_files) + " files or " +
                      std::to_string(limits.max_bytes >> 20) +
                      " MiB; is it the built application?");
  };
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Unavailable("web application folder " + root + ": " + ec.message());
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    // Directory symlinks are not followed (the iterator's default); dot-names are never served.
    if (name.empty() || name.front() == '.') {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_directory(ec)) continue;
    // A file, or a symlink to one inside the folder: wherever it points must be inside too.
    const fs::path real = fs::canonical(entry.path(), ec);
    if (ec || !ServableWithin(base, real) || !fs::is_regular_file(real, ec)) continue;
    const std::uintmax_t size = fs::file_size(real, ec);
    if (ec) return Unavailable("web application file " + real.string() + ": " + ec.message());
    // `total` stays within max_bytes: checked by the size listed and again by the size read.
    if (loaded.size() >= limits.max_files || size > limits.max_bytes - total) return too_much();
    auto bytes = ReadWhole(real);
    if (!bytes) return Unavailable("web application file " + real.string() + ": cannot be read");
    if (bytes->size() > limits.max_bytes - total) return too_much();
    total += bytes->size();
    loaded.emplace("/" + entry.path().lexically_relative(base).generic_string(), std::move(*bytes));
  }
  if (ec) return Unavailable("web application folder " + root + ": " + ec.message());

  const auto base_of_sibling = [&loaded](const std::string& key) -> std::optional<std::string> {
    for (std::string_view ext : {".br", ".gz"}) {
      if (key.size() > ext.size() && key.ends_with(ext)) {
        std::string plain = key.substr(0, key.size() - ext.size());
        if (loaded.count(plain)) return plain;
      }
    }
    return std::nullopt;
  };
  StaticFiles out;
  out.total_bytes_ = total;
  for (auto& [key, bytes] : loaded) {
    if (base_of_sibling(key)) continue;
    auto file = std::make_unique<File>();
    file->content_type = ContentTypeOf(key);
    file->page = file->content_type.starts_with("text/html");
    file->cache_control = UnderAssets(key) ? kImmutable : kRevalidate;
    file->identity.etag = ETagOf(bytes);
    file->identity.bytes = std::move(bytes);
    out.files_.emplace(key, std::move(file));
  }
  for (auto& [key, bytes] : loaded) {
    auto plain = base_of_sibling(key);
    if (!plain) continue;
    File& file = *out.files_.at(*plain);
    const bool br = key.ends_with(".br");
    std::optional<File::Body>& slot = br ? file.br : file.gzip;
    slot = File::Body{std::move(bytes), SiblingETag(file.identity.etag, br ? "br" : "gzip")};
  }
  if (!out.files_.count(std::string(kIndex))) {
    return NotFound("web application folder " + root + " has no index.html");
  }
  return out;
}

Response StaticFiles::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = Response::Problem(
        405, {},
        "method " + request.method + " is not allowed on " + request.path + "; allowed: GET, HEAD",
        request.path, request.request_id);
    r.headers.emplace_back("allow", "GET, HEAD");
    return r;
  }
  const File* file = nullptr;
  if (const auto key = KeyOf(request.path)) {
    if (auto it = files_.find(*key); it != files_.end()) {
      file = it->second.get();
    } else if (!UnderAssets(*key)) {
      file = files_.at(std::string(kIndex)).get();
    }
  }
  if (file == nullptr) {
    return Response::Problem(404, {}, "no resource at " + request.path, request.path,
                             request.request_id);
  }

  const File::Body* body = &file->identity;
  std::string_view coding;
  if (file->br || file->gzip) {
    const std::string accept = JoinedHeader(request, "accept-encoding");
    const double br = file->br ? AcceptEncodingQuality(accept, "br") : 0;
    const double gzip = file->gzip ? AcceptEncodingQuality(accept, "gzip") : 0;
    if (br > 0 && br >= gzip) {
      body = &*file->br;
      coding = "br";
    } else if (gzip > 0) {
      body = &*file->gzip;
      coding = "gzip";
    }
  }

  Response r;
  r.headers.emplace_back("etag", body->etag);
  r.headers.emplace_back("cache-control", std::string(file->cache_control));
  r.headers.emplace_back("vary", "Accept-Encoding");
  // On a 304 too: a browser updates the cached page's headers from it (RFC 9111 §4.3.4), and the
  // edge's default policy would then forbid the application its own scripts.
  if (file->page) {
    r.headers.emplace_back("content-security-policy", std::string(kWebAppContentSecurityPolicy));
  }
  if (IfNoneMatchMatches(JoinedHeader(request, "if-none-match"), body->etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  r.content_type = file->content_type;
  if (!coding.empty()) r.headers.emplace_back("content-encoding", std::string(coding));
  r.body = body->bytes;
  return r;
}

double AcceptEncodingQuality(std::string_view accept_encoding, std::string_view coding) {
  std::optional<double> exact, any;
  const bool gzip = core::EqualsIgnoringAsciiCase(coding, "gzip");
  std::size_t i = 0;
  while (i <= accept_encoding.size()) {
    const std::size_t end = std::min(accept_encoding.find(',', i), accept_encoding.size());
    const std::string_view element = accept_encoding.substr(i, end - i);
    i = end + 1;
    const std::size_t semi = element.find(';');
    const std::string_view token = core::TrimBlanks(element.substr(0, semi));
    if (token.empty()) continue;
    double q = 1;
    std::string_view params =
        semi == std::string_view::npos ? std::string_view() : element.substr(semi + 1);
    while (!params.empty()) {
      const std::size_t next = params.find(';');
      const std::string_view param = core::TrimBlanks(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      const std::size_t eq = param.find('=');
      if (!core::EqualsIgnoringAsciiCase(core::TrimBlanks(param.substr(0, eq)), "q")) continue;
      const std::string_view value = eq == std::string_view::npos
                                         ? std::string_view()
                                         : core::TrimBlanks(param.substr(eq + 1));
      q = ParseQuality(value).value_or(0);
    }
    const bool named = core::EqualsIgnoringAsciiCase(token, coding) ||
                       (gzip && core::EqualsIgnoringAsciiCase(token, "x-gzip"));
    if (named && !exact) {
      exact = q;
    } else if (token == "*" && !any) {
      any = q;
    }
  }
  return exact ? *exact : any ? *any : 0;
}

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
  const auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  const std::string_view wanted = opaque(etag);
  std::size_t i = 0;
  while (i < if_none_match.size()) {
    const char c = if_none_match[i];
    if (c == ' ' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    if (c == '*') return true;
    std::size_t start = i;
    if (if_none_match.substr(i, 2) == "W/") i += 2;
    if (i >= if_none_match.size() || if_none_match[i] != '"') return false;
    const std::size_t close = if_none_match.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (opaque(if_none_match.substr(start, close + 1 - start)) == wanted) return true;
    i = close + 1;
  }
  return false;
}

}  // namespace estimate::http
