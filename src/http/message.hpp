#pragma once
// The HTTP request and response as the rest of the program sees them: plain values, no Beast.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace estimate::http {

using Headers = std::vector<std::pair<std::string, std::string>>;  // names in lower case

struct Request {
  std::string method;  // upper case, as sent
  std::string target;  // path and query, as sent
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  Headers headers;
  std::string body;
  std::string request_id;
  std::string remote_address;
  std::string route;  // the matched route pattern, e.g. /api/v1/norms/{family}/{code}
  std::unordered_map<std::string, std::string> path_params;
  // Set by the authentication guard (api::RequireAuth) from a verified access token.
  std::string user_id;
  std::string organization_id;
  std::string role;

  // The first header of that name (lower case), or nullptr.
  const std::string* Header(std::string_view lower_name) const;
  // A query parameter, percent-decoded; empty if absent.
  std::string QueryParam(std::string_view name) const;
};

// Where a streamed answer's pieces go (Response::stream).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Sends `piece` to the client now. False: the client is gone, too slow, or the server is
  // stopping; the producer should stop.
  virtual bool Write(std::string_view piece) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // The handler's word that the body is a function of the path and the ETag alone — the same for
  // every user and every request — so that the compressed bytes may be kept by them (an
  // estimate's view of a version). False: compressed afresh each time.
  bool etag_keys_body = false;
  // An answer made while it is sent (server-sent events): when set, `body` is not sent; the head
  // goes out with chunked transfer coding, then `stream` runs on a thread of its own and each
  // Write is one chunk. Never compressed, never cached.
  std::function<void(BodyStream&)> stream;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain");
  // RFC 9457 problem details: {"type","title","status","detail","instance","request_id"}.
  static Response Problem(int status, std::string_view title, std::string_view detail,
                          std::string_view instance = {}, std::string_view request_id = {});
};

// Decodes %XX escapes (and '+' as space when `plus_as_space`). Invalid escapes are kept as is.
std::string PercentDecode(std::string_view s, bool plus_as_space);

}  // namespace estimate::http
