#pragma once
// An HTTP/1.1 client for the services this one calls: an OpenAI-compatible API, a Chroma server,
// the ФГИС ЦС portal. http:// and https:// (TLS with the system's certificate authorities and
// the host name checked). One request per connection; every step under a deadline (connect, the
// whole exchange, or — when the body is streamed, as server-sent events are — the wait for each
// next piece). Errors are Unavailable and name the host and the step that failed; no header value
// (a key) ever appears in them.
//
// Boost.Beast stays in client.cpp. Thread-safe: each call has its own connection.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace estimate::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  // The whole exchange; with a BodySink, the wait for each next piece of the body.
  std::chrono::milliseconds timeout{30000};
  std::size_t body_limit = 64u << 20;  // bytes of a body kept in memory
  // PEM file of the certificate authorities to trust for https (a private server's own); empty:
  // the system's.
  std::string ca_file;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;  // empty when a BodySink took it
  const std::string* Header(std::string_view lower_name) const;
};

// The body's pieces as they arrive; return false to stop reading (the connection is closed).
using BodySink = std::function<bool(std::string_view piece)>;

struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "443" / "80" when the URL has none
  std::string target;  // "/v1/chat/completions?x=1"
};
Result<ParsedUrl> ParseUrl(std::string_view url);

// One exchange. A status of 4xx or 5xx is a response, not an error.
Result<ClientResponse> Fetch(const ClientRequest& request, const BodySink& sink = nullptr);

struct RetryPolicy {
  int attempts = 3;  // in all, the first included
  std::chrono::milliseconds first_delay{250};
  double factor = 2.0;
  std::chrono::milliseconds max_delay{8000};
};

// Fetch, again after a connection failure, a timeout, 429, 502, 503 or 504, waiting the
// policy's backoff or the answer's Retry-After (seconds; at most max_delay) between attempts.
// `sleep` waits (the tests pass one that records); `attempts_made` says how many were made.
Result<ClientResponse> FetchWithRetry(
    const ClientRequest& request, const RetryPolicy& policy,
    const std::function<void(std::chrono::milliseconds)>& sleep = nullptr,
    int* attempts_made = nullptr);

}  // namespace estimate::http
