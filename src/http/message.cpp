#include "http/message.hpp"

#include "telemetry/log.hpp"

namespace estimate::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 428: return "Precondition Required";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

const std::string* Request::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return &v;
  }
  return nullptr;
}

std::string Request::QueryParam(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    auto eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return {};
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::Problem(int status, std::string_view title, std::string_view detail,
                           std::string_view instance, std::string_view request_id) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"";
  telemetry::AppendJsonEscaped(body, title.empty() ? ReasonPhrase(status) : title);
  body += "\",\"status\":" + std::to_string(status) + ",\"detail\":\"";
  telemetry::AppendJsonEscaped(body, detail);
  body += '"';
  if (!instance.empty()) {
    body += ",\"instance\":\"";
    telemetry::AppendJsonEscaped(body, instance);
    body += '"';
  }
  if (!request_id.empty()) {
    body += ",\"request_id\":\"";
    telemetry::AppendJsonEscaped(body, request_id);
    body += '"';
  }
  body += '}';
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = std::move(body);
  return r;
}

}  // namespace estimate::http
