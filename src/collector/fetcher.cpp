#include "collector/fetcher.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <optional>
#include <thread>

namespace estimate::collector {
namespace {

Status ResourceExhausted(std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(message));
}

namespace fs = std::filesystem;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlHandle {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    if (headers != nullptr) curl_slist_free_all(headers);
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
  void AddHeader(const std::string& line) { headers = curl_slist_append(headers, line.c_str()); }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

// Response headers of the last attempt (curl calls back for every response of a redirect chain:
// a status line starts a new set).
struct Headers {
  std::vector<std::pair<std::string, std::string>> items;
  std::string Get(std::string_view name) const {
    for (const auto& [k, v] : items) {
      if (k == name) return v;
    }
    return {};
  }
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->items.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->items.emplace_back(Lower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
  }
  return size * count;
}

// The wait a Retry-After asks for: delta-seconds or an HTTP date; nullopt when absent or odd.
std::optional<std::chrono::milliseconds> RetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::milliseconds(std::stoll(value) * 1000);
  }
  const time_t at = curl_getdate(value.c_str(), nullptr);
  if (at < 0) return std::nullopt;
  const time_t now = std::time(nullptr);
  return std::chrono::milliseconds(at > now ? (at - now) * 1000 : 0);
}

bool Retryable(long http) { return http == 408 || http == 429 || (http >= 500 && http <= 599); }

bool RetryableCurl(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// Where an attempt's body goes: memory (GetText) or a file (Download), under the limits.
struct Sink {
  std::string* memory = nullptr;
  std::FILE* file = nullptr;
  std::string dir;  // of the file, for the free-space check
  std::uint64_t limit = 0;
  std::uint64_t min_free = 0;
  std::uint64_t written = 0;  // this attempt
  std::uint64_t offset = 0;   // bytes already in the file before this attempt
  std::uint64_t since_check = 0;
  const Headers* headers = nullptr;
  long* status = nullptr;  // the answer's status, once known
  bool started = false;
  bool restarted = false;  // a resume the server answered whole
  std::string failure;  // set when the sink stopped the transfer (not retried)
};

bool DiskShort(Sink& s) {
  struct statvfs st {};
  if (statvfs(s.dir.c_str(), &st) != 0) return false;
  const std::uint64_t free = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  if (free >= s.min_free) return false;
  s.failure = "disk full: " + std::to_string(free >> 20) + " MiB free under " + s.dir +
              ", the collector keeps " + std::to_string(s.min_free >> 20) + " MiB free";
  return true;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (s->offset + s->written + n > s->limit) {
    s->failure = "larger than the limit of " + std::to_string(s->limit) + " bytes";
    return 0;
  }
  if (s->memory != nullptr) {
    s->memory->append(data, n);
  } else if (s->file != nullptr) {
    // Error answers are not written into the file.
    if (s->status != nullptr && *s->status >= 300) return n;
    // A resume answered whole (200: the file changed, If-Range failed): the file starts over.
    if (!s->started && s->offset > 0 && s->status != nullptr && *s->status == 200) {
      std::fflush(s->file);
      if (ftruncate(fileno(s->file), 0) != 0) {
        s->failure = std::string("cannot restart the download: ") + std::strerror(errno);
        return 0;
      }
      s->offset = 0;
      s->restarted = true;
    }
    s->since_check += n;
    if (!s->started || s->since_check >= (1u << 20)) {
      s->started = true;
      s->since_check = 0;
      if (s->min_free > 0 && DiskShort(*s)) return 0;
    }
    if (std::fwrite(data, 1, n, s->file) != n) {
      s->failure = std::string("cannot write the download: ") + std::strerror(errno);
      return 0;
    }
  }
  s->written += n;
  return n;
}

std::string Hex(const unsigned char* bytes, unsigned length) {
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned i = 0; i < length; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 15];
  }
  return hex;
}

std::string CurlError(CURLcode rc, const char* detail) {
  std::string m = curl_easy_strerror(rc);
  if (detail != nullptr && *detail != '\0') m += std::string(" (") + detail + ")";
  return m;
}

}  // namespace

namespace {

std::string UrlForMessageOf(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

// scheme://host[:port] of a URL (lower case), for the same-origin rule of redirects.
std::string OriginOf(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const auto end = url.find_first_of("/?#", scheme + 3);
  return Lower(url.substr(0, end));
}

int OnProgress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* flag = static_cast<const std::atomic<bool>*>(cancel);
  return flag != nullptr && flag->load() ? 1 : 0;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The next URL of a redirect, when it stays on the same origin (scheme, host, port): the key and
// the politeness rules are for the portal, not for wherever it points.
Status FollowRedirect(CURL* curl, const std::string& original, std::string& current, int& redirects) {
  char* location = nullptr;
  curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
  if (location == nullptr) return Unavailable(UrlForMessageOf(original) + ": a redirect without a location");
  const std::string next = location;
  if (OriginOf(next) != OriginOf(original)) {
    return InvalidArgument(UrlForMessageOf(original) + ": redirected to another host (" +
                           UrlForMessageOf(next) + "); not followed");
  }
  if (++redirects > 5) return Unavailable(UrlForMessageOf(original) + ": more than 5 redirects");
  current = next;
  return Status::Ok();
}

}  // namespace

std::string UrlForMessage(const std::string& url) { return UrlForMessageOf(url); }

Result<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot read " + path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    EVP_MD_CTX_free(ctx);
    return Unavailable("cannot read " + path);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  return Hex(digest, len);
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return Hex(digest, len);
}

Fetcher::Fetcher(FetchOptions options, Sleep sleep, Log log)
    : options_(std::move(options)), sleep_(std::move(sleep)), log_(std::move(log)) {
  GlobalInit();
  if (!sleep_) {
    // In slices, so that a stop is not kept waiting by a long backoff or Retry-After.
    const std::atomic<bool>* cancel = options_.cancel;
    sleep_ = [cancel](std::chrono::milliseconds d) {
      const auto until = std::chrono::steady_clock::now() + d;
      while (std::chrono::steady_clock::now() < until && (cancel == nullptr || !cancel->load())) {
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(100), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                until - std::chrono::steady_clock::now())));
      }
    };
  }
}

FetchStats Fetcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Fetcher::Note(const std::string& line) const {
  if (log_) log_(line);
}

void Fetcher::Pace() {
  std::chrono::milliseconds wait{0};
  {
    std::lock_guard lock(mu_);
    ++stats_.requests;
    if (options_.requests_per_second <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    // A tenth more than 1/rate apart when they leave, so that no second at the portal's end —
    // after the network's jitter — sees more than the rate.
    const auto gap = std::chrono::microseconds(
        static_cast<long long>(1'100'000 / options_.requests_per_second));
    if (next_slot_ < now) next_slot_ = now;
    wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_slot_ - now);
    next_slot_ += gap;
  }
  if (wait.count() > 0) sleep_(wait);
}

std::chrono::milliseconds Fetcher::Backoff(int attempt) {
  // Full jitter: uniform in [delay/2, delay], delay = first × 2^(attempt−1) up to max.
  long long delay = options_.first_delay.count();
  for (int i = 1; i < attempt && delay < options_.max_delay.count(); ++i) delay *= 2;
  delay = std::min<long long>(delay, options_.max_delay.count());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> pick(delay / 2, std::max<long long>(delay / 2, delay));
  return std::chrono::milliseconds(pick(rng));
}

Result<TextAnswer> Fetcher::GetText(const std::string& url) {
  const std::string shown = UrlForMessage(url);
  std::string last;
  std::string current = url;
  int redirects = 0;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    if (options_.cancel != nullptr && options_.cancel->load()) return Aborted(shown + ": stopped");
    Pace();
    CurlHandle h;
    if (h.curl == nullptr) return Internal("curl_easy_init failed");
    Headers headers;
    std::string body;
    long status = 0;
    Sink sink;
    sink.memory = &body;
    sink.limit = options_.max_text_bytes;
    char error[CURL_ERROR_SIZE] = {0};
    if (!options_.api_key.empty()) h.AddHeader("X-Api-Key: " + options_.api_key);
    h.AddHeader("Accept: application/json, application/xml;q=0.9, */*;q=0.5");
    curl_easy_setopt(h.curl, CURLOPT_URL, current.c_str());
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(h.curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h.curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
      return Internal("libcurl refuses to limit the protocols to http and https");
    }
    curl_easy_setopt(h.curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h.curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(h.curl, CURLOPT_XFERINFODATA, options_.cancel);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, long(options_.text_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, long(options_.low_speed_time.count()));
    curl_easy_setopt(h.curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options_.max_text_bytes));
    curl_easy_setopt(h.curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h.curl, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(h.curl);
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    {
      std::lock_guard lock(mu_);
      stats_.bytes += body.size();
    }
    std::optional<std::chrono::milliseconds> server_wait;
    if (!sink.failure.empty()) return ResourceExhausted(shown + ": " + sink.failure);
    if (rc == CURLE_ABORTED_BY_CALLBACK) return Aborted(shown + ": stopped");
    if (rc == CURLE_FILESIZE_EXCEEDED) {
      return ResourceExhausted(shown + ": larger than the limit of " +
                               std::to_string(options_.max_text_bytes) + " bytes");
    }
    if (rc == CURLE_OK && IsRedirect(status)) {
      Status s = FollowRedirect(h.curl, url, current, redirects);
      if (!s.ok()) return s;
      --attempt;  // not a failure
      continue;
    }
    if (rc != CURLE_OK) {
      last = CurlError(rc, error);
      if (!RetryableCurl(rc)) return Unavailable(shown + ": " + last);
    } else if (status >= 200 && status < 300) {
      std::string type = headers.Get("content-type");
      return TextAnswer{std::move(body), std::move(type)};
    } else if (status == 404) {
      return NotFound(shown + ": 404 Not Found");
    } else if (!Retryable(status)) {
      return InvalidArgument(shown + ": the server answered " + std::to_string(status));
    } else {
      last = "the server answered " + std::to_string(status);
      server_wait = RetryAfter(headers.Get("retry-after"));
    }
    if (attempt == options_.attempts) break;
    if (server_wait && *server_wait > options_.max_retry_after) {
      return Unavailable(shown + ": " + last + " and asks to wait " +
                         std::to_string(server_wait->count() / 1000) + " s (Retry-After)");
    }
    const auto wait = server_wait ? *server_wait : Backoff(attempt);
    Note("retry " + std::to_string(attempt + 1) + "/" + std::to_string(options_.attempts) +
         " of " + shown + " in " + std::to_string(wait.count()) + " ms: " + last);
    {
      std::lock_guard lock(mu_);
      ++stats_.retries;
    }
    sleep_(wait);
  }
  return Unavailable(shown + ": " + last + " (" + std::to_string(options_.attempts) +
                     " attempts)");
}

Result<Downloaded> Fetcher::Download(const std::string& url, const std::string& path,
                                     const std::string& if_none_match,
                                     const std::string& if_modified_since) {
  const std::string shown = UrlForMessage(url);
  const std::string part = path + ".part";
  std::error_code ec;
  fs::remove(part, ec);
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Downloaded out;
  out.path = path;
  std::string validator;  // ETag or Last-Modified of the partial file
  std::string last;
  auto fail = [&](Status s) {
    fs::remove(part, ec);
    return s;
  };
  std::string current = url;
  int redirects = 0;
  bool started_over = false;  // after a 416 or a resume from another byte, once without counting
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    if (options_.cancel != nullptr && options_.cancel->load()) return fail(Aborted(shown + ": stopped"));
    out.attempts = attempt;
    const std::uint64_t have = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
    const bool resume = have > 0 && !validator.empty();
    if (!resume && have > 0) fs::remove(part, ec);
    Pace();
    CurlHandle h;
    if (h.curl == nullptr) return fail(Internal("curl_easy_init failed"));
    std::FILE* file = std::fopen(part.c_str(), resume ? "ab" : "wb");
    if (file == nullptr) {
      return fail(Unavailable("cannot write " + part + ": " + std::strerror(errno)));
    }
    Headers headers;
    long status = 0;
    Sink sink;
    sink.file = file;
    sink.dir = dir;
    sink.limit = options_.max_bytes;
    sink.min_free = options_.min_free_bytes;
    sink.offset = resume ? have : 0;
    sink.headers = &headers;
    sink.status = &status;
    char error[CURL_ERROR_SIZE] = {0};
    if (!options_.api_key.empty()) h.AddHeader("X-Api-Key: " + options_.api_key);
    if (resume) {
      h.AddHeader("Range: bytes=" + std::to_string(have) + "-");
      h.AddHeader("If-Range: " + validator);
    } else {
      if (!if_none_match.empty()) h.AddHeader("If-None-Match: " + if_none_match);
      if (!if_modified_since.empty()) h.AddHeader("If-Modified-Since: " + if_modified_since);
    }
    curl_easy_setopt(h.curl, CURLOPT_URL, current.c_str());
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(h.curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h.curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
      std::fclose(file);
      return fail(Internal("libcurl refuses to limit the protocols to http and https"));
    }
    curl_easy_setopt(h.curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h.curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(h.curl, CURLOPT_XFERINFODATA, options_.cancel);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, long(options_.download_timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, long(options_.low_speed_time.count()));
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, error);
    // The status before the first body byte: a callback on the header's end.
    struct HeaderState {
      Headers* headers;
      long* status;
      CURL* curl;
    } state{&headers, &status, h.curl};
    curl_easy_setopt(h.curl, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(h.curl, CURLOPT_HEADERFUNCTION,
                     +[](char* d, size_t s, size_t n, void* u) -> size_t {
                       auto* st = static_cast<HeaderState*>(u);
                       std::string_view line(d, s * n);
                       if (line == "\r\n" || line == "\n") {
                         curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, st->status);
                       }
                       return OnHeader(d, s, n, st->headers);
                     });
    const CURLcode rc = curl_easy_perform(h.curl);
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t announced = -1;
    curl_easy_getinfo(h.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    const bool closed = std::fclose(file) == 0;
    {
      std::lock_guard lock(mu_);
      stats_.bytes += sink.written;
    }
    if (!sink.failure.empty()) return fail(ResourceExhausted(shown + ": " + sink.failure));
    if (!closed) return fail(ResourceExhausted(shown + ": cannot write the download: " +
                                               std::strerror(errno)));
    std::optional<std::chrono::milliseconds> server_wait;
    if (rc == CURLE_ABORTED_BY_CALLBACK) return fail(Aborted(shown + ": stopped"));
    if (status == 304 && rc == CURLE_OK) {
      fs::remove(part, ec);
      return NotFound("not modified");
    }
    if (rc == CURLE_OK && IsRedirect(status)) {
      fs::remove(part, ec);
      validator.clear();
      Status s = FollowRedirect(h.curl, url, current, redirects);
      if (!s.ok()) return fail(s);
      --attempt;  // not a failure
      continue;
    }
    if (sink.restarted) {
      Note("the server sent " + shown + " whole instead of resuming at byte " +
           std::to_string(have) + ": it changed since the first bytes; started over");
      const std::string etag = headers.Get("etag");
      validator = !etag.empty() && etag.rfind("W/", 0) != 0 ? etag : headers.Get("last-modified");
    }
    bool start_over = resume && status == 416;  // past the end: the file changed (shrank)
    if (rc == CURLE_OK && status == 206) {
      // Content-Range: bytes START-END/TOTAL, from the byte asked for.
      const std::string range = headers.Get("content-range");
      const auto space = range.find(' ');
      const auto dash = range.find('-');
      const std::string start = space != std::string::npos && dash != std::string::npos && dash > space
                                    ? range.substr(space + 1, dash - space - 1)
                                    : std::string();
      if (start != std::to_string(have)) {
        Note("the server resumed " + shown + " from another byte than " + std::to_string(have) +
             " (Content-Range: " + range + "): starting over");
        start_over = true;
      }
    }
    if (start_over) {
      fs::remove(part, ec);
      validator.clear();
      if (!started_over) {
        started_over = true;
        --attempt;
        continue;
      }
      last = "the server cannot resume the file";
    } else if (rc == CURLE_OK && (status == 200 || status == 206)) {
      const std::uint64_t size = fs::file_size(part, ec);
      const std::uint64_t expected =
          announced >= 0 ? static_cast<std::uint64_t>(announced) + (status == 206 ? have : 0)
                         : size;
      if (size != expected) {
        last = "got " + std::to_string(size) + " of " + std::to_string(expected) + " bytes";
      } else {
        out.etag = headers.Get("etag");
        out.last_modified = headers.Get("last-modified");
        out.resumed = out.resumed || status == 206;
        fs::rename(part, path, ec);
        if (ec) return fail(Unavailable("cannot move the download to " + path + ": " + ec.message()));
        out.bytes = size;
        auto sha = Sha256OfFile(path);
        if (!sha.ok()) return sha.status();
        out.sha256 = *sha;
        return out;
      }
    } else if (rc != CURLE_OK) {
      if (rc == CURLE_FILESIZE_EXCEEDED) {
        return fail(ResourceExhausted(shown + ": larger than the limit of " +
                                      std::to_string(options_.max_bytes) + " bytes"));
      }
      last = CurlError(rc, error);
      if (!RetryableCurl(rc)) return fail(Unavailable(shown + ": " + last));
    } else if (status == 404) {
      return fail(NotFound(shown + ": 404 Not Found"));
    } else if (!Retryable(status)) {
      return fail(InvalidArgument(shown + ": the server answered " + std::to_string(status)));
    } else {
      last = "the server answered " + std::to_string(status);
      server_wait = RetryAfter(headers.Get("retry-after"));
      // An error answer's body is not part of the file: keep only what came before.
      if (resume) {
        fs::resize_file(part, have, ec);
      } else {
        fs::remove(part, ec);
      }
    }
    // A cut transfer keeps its bytes when the server gave a validator to resume against.
    if (validator.empty()) {
      const std::string etag = headers.Get("etag");
      validator = !etag.empty() && etag.rfind("W/", 0) != 0 ? etag : headers.Get("last-modified");
    }
    if (attempt == options_.attempts) break;
    if (server_wait && *server_wait > options_.max_retry_after) {
      return fail(Unavailable(shown + ": " + last + " and asks to wait " +
                              std::to_string(server_wait->count() / 1000) + " s (Retry-After)"));
    }
    const auto wait = server_wait ? *server_wait : Backoff(attempt);
    const std::uint64_t kept = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
    Note("retry " + std::to_string(attempt + 1) + "/" + std::to_string(options_.attempts) + " of " +
         shown + " in " + std::to_string(wait.count()) + " ms: " + last +
         (kept > 0 && !validator.empty() ? "; resuming at byte " + std::to_string(kept) : ""));
    {
      std::lock_guard lock(mu_);
      ++stats_.retries;
    }
    sleep_(wait);
  }
  return fail(Unavailable(shown + ": " + last + " (" + std::to_string(options_.attempts) +
                          " attempts)"));
}

}  // namespace estimate::collector
