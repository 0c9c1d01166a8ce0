#pragma once
// The built web application (WEB_ROOT, by default web/dist: index.html, hashed files under
// assets/, each with the precompressed siblings X.br and X.gz that the build writes) answered
// from memory.
//
// Load reads every file once, at start: a rebuild of the application needs a restart of the
// service. Only regular files inside the folder are read: no dotfile or dot-folder, no symlink
// whose target lies outside it, nothing above a size and count bound. After Load the object
// is immutable, so Serve may run on any thread at once, and it never blocks (Execution::kInline).
//
// Serve answers GET/HEAD of a path:
//  - a file of the folder: that file;
//  - a path under /assets/ that is no file: 404 (a missing hashed file is never the page);
//  - a path with a "." or ".." segment, a dot-name, a backslash, NUL or another control byte:
//    404, whatever the folder holds;
//  - any other path: index.html (the application's client routes: /projects/12, /admin/users).
// Files under assets/ are cached for a year (`immutable`); the others, index.html above all, are
// revalidated every time (`no-cache`) with a strong ETag (a hash of the content, so that every
// instance behind a balancer gives the same) and If-None-Match → 304. With Accept-Encoding
// allowing br (or gzip) and X.br (X.gz) loaded, that sibling is sent with Content-Encoding;
// every answer carries Vary: Accept-Encoding. HTML pages carry kWebAppContentSecurityPolicy.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.hpp"
#include "http/message.hpp"

namespace estimate::http {

// The policy of the application's pages: everything from the service's own origin only.
inline constexpr std::string_view kWebAppContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

struct StaticFilesLimits {
  std::size_t max_bytes = 256u << 20;  // all files together, siblings included
  std::size_t max_files = 20000;
};

class StaticFiles {
 public:
  // Reads the folder `root`. NotFound when it does not exist or has no index.html;
  // ResourceExhausted past `limits` (not a built application: a wrong WEB_ROOT); Unavailable when
  // a file cannot be read.
  static Result<StaticFiles> Load(const std::string& root, StaticFilesLimits limits = {});

  // The answer to `request` (its percent-decoded path, Accept-Encoding, If-None-Match). A method
  // other than GET or HEAD is 405 with Allow.
  Response Serve(const Request& request) const;

  std::size_t file_count() const { return files_.size(); }  // siblings not counted
  std::size_t total_bytes() const { return total_bytes_; }  // siblings counted

  StaticFiles(StaticFiles&&) noexcept;
  StaticFiles& operator=(StaticFiles&&) noexcept;
  ~StaticFiles();

 private:
  struct File;
  StaticFiles() = default;
  std::unordered_map<std::string, std::unique_ptr<File>> files_;  // by path: "/assets/x.js"
  std::size_t total_bytes_ = 0;
};

// Every field of that (lower-case) name, joined as one list (a client may send the header twice).
std::string JoinedHeader(const Request& request, std::string_view name);

// The quality (0–1) an Accept-Encoding field value gives to the content coding `coding`: its own
// q when listed (names compared without case; "x-gzip" is "gzip"), else that of "*", else 0. A
// malformed q counts as 0 (refused); an absent or empty field accepts no coding.
double AcceptEncodingQuality(std::string_view accept_encoding, std::string_view coding);

// True when an If-None-Match field value lists `etag` (weak comparison, RFC 9110 §13.1.2) or is
// "*".
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace estimate::http
