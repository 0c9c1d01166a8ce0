#pragma once
// The collector's HTTP client (libcurl): small answers into memory (GetText) and files onto disk
// (Download), politely and without trusting the other side.
//
// - Every request waits its turn: at most `requests_per_second` requests leave this Fetcher
//   (retries included), so the portal never sees a burst from us.
// - Connect timeout, a ceiling on the whole transfer, and a floor on the speed: a server that
//   trickles fewer than `low_speed_bytes` per second for `low_speed_time` is cut off (and retried).
// - Redirects are followed only to the same scheme, host and port (the key never leaves for
//   another host); at most five.
// - Retries with exponential backoff and full jitter after a connection failure, a timeout, a cut
//   transfer, 408, 429 and 5xx; `Retry-After` (seconds or an HTTP date) is honoured up to
//   `max_retry_after`, beyond which the attempt fails with the server's wish in the reason.
// - Downloads go to `path + ".part"` and are resumed after a cut (Range with If-Range on the
//   ETag or Last-Modified; a server that answers 200 instead of 206, because the file changed,
//   starts the file over; a 206 from another byte than asked, or a 416, starts over too). Only a complete file — the size the server announced — is renamed to
//   `path`, and its SHA-256 is computed from the bytes on disk.
// - Size limit (`max_bytes`) and a reserve of free disk space (`min_free_bytes`), checked before
//   and while writing; a full disk is not retried.
//
// MINSTROYRF_API_KEY, when set, goes in an `X-Api-Key` header and never into a message.
// Thread-safe: each call has its own curl handle; the rate is shared.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace estimate::collector {

struct FetchOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Ceiling on one attempt of a text request / of a download.
  std::chrono::milliseconds text_timeout{60'000};
  std::chrono::milliseconds download_timeout{30 * 60'000};
  // A trickle: fewer than low_speed_bytes per second for low_speed_time aborts the attempt.
  long low_speed_bytes = 1024;
  std::chrono::seconds low_speed_time{30};
  int attempts = 5;  // in all, the first included
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{60'000};
  std::chrono::milliseconds max_retry_after{5 * 60'000};
  double requests_per_second = 2.0;  // ≤ 0: no pacing
  std::uint64_t max_text_bytes = 64ull << 20;
  std::uint64_t max_bytes = 4ull << 30;  // of one downloaded file
  std::uint64_t min_free_bytes = 256ull << 20;  // kept free on the download's file system
  std::string api_key;                           // X-Api-Key when not empty
  std::string user_agent = "estimate-service-collector/1";
  // Set (by another thread) to stop: a transfer under way is cut, waits end, and the call
  // answers Aborted.
  const std::atomic<bool>* cancel = nullptr;
};

struct Downloaded {
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256;  // hex, of the bytes on disk
  std::string etag;
  std::string last_modified;
  bool resumed = false;  // a later attempt continued a cut transfer
  int attempts = 0;
};

struct TextAnswer {
  std::string body;
  std::string content_type;
};

// Counters of the Fetcher's life (for the job and the metrics).
struct FetchStats {
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  std::uint64_t bytes = 0;  // body bytes received
};

class Fetcher {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  using Log = std::function<void(const std::string&)>;

  // `sleep` waits between attempts and for the rate (the tests pass a fast one); `log` hears of
  // every retry and resume.
  explicit Fetcher(FetchOptions options, Sleep sleep = nullptr, Log log = nullptr);

  // GET of a small answer (JSON, XML). Unavailable after the last failed attempt, naming the URL
  // (without its query), the last status or transport error and the attempts; NotFound for 404;
  // InvalidArgument for other 4xx.
  Result<TextAnswer> GetText(const std::string& url);

  // GET of a file into `path` (its folder must exist). `if_none_match` / `if_modified_since`
  // (when not empty) make it conditional: a 304 answers NotFound("not modified") so that the
  // caller keeps what it has. ResourceExhausted for a file over max_bytes or a disk short of
  // min_free_bytes (nothing is left behind); Unavailable after the last attempt (the .part file
  // stays for a later resume only while attempts remain, and is removed at the end).
  Result<Downloaded> Download(const std::string& url, const std::string& path,
                              const std::string& if_none_match = {},
                              const std::string& if_modified_since = {});

  FetchStats stats() const;

 private:
  void Pace();
  std::chrono::milliseconds Backoff(int attempt);
  void Note(const std::string& line) const;

  FetchOptions options_;
  Sleep sleep_;
  Log log_;
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point next_slot_{};
  FetchStats stats_;
};

// The URL without its query and fragment, for messages.
std::string UrlForMessage(const std::string& url);

// SHA-256 of a file / of bytes, hex.
Result<std::string> Sha256OfFile(const std::string& path);
std::string Sha256Hex(std::string_view bytes);

}  // namespace estimate::collector
