#include "http/request_head.hpp"

#include <algorithm>
#include <charconv>

#include "core/text.hpp"

namespace estimate::http {
namespace {

HeadCheck Refuse(int status, std::string detail) {
  HeadCheck c;
  c.status = status;
  c.detail = std::move(detail);
  return c;
}

}  // namespace

std::optional<std::size_t> HeadEnd(std::string_view bytes, std::size_t from) {
  std::size_t start = 0;
  while (bytes.substr(start, 2) == "\r\n") start += 2;
  start = std::max(start, from);
  // A bare LF ends a line too, so that a head with LF endings is answered (400) rather than
  // waited for until the read deadline.
  for (std::size_t i = bytes.find('\n', start); i != std::string_view::npos;
       i = bytes.find('\n', i + 1)) {
    if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
    if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
  }
  return std::nullopt;
}

HeadCheck CheckRequestHead(std::string_view head, std::uint64_t body_limit) {
  while (head.substr(0, 2) == "\r\n") head.remove_prefix(2);
  for (std::size_t i = head.find('\n'); i != std::string_view::npos; i = head.find('\n', i + 1)) {
    if (i == 0 || head[i - 1] != '\r') {
      return Refuse(400, "malformed request: every line must end with CRLF");
    }
  }
  HeadCheck check;
  int hosts = 0;
  int transfer_encodings = 0;
  bool chunked = false;
  std::size_t pos = head.find("\r\n");
  if (pos == std::string_view::npos) return Refuse(400, "malformed request: no request line");
  pos += 2;
  while (pos < head.size()) {
    const std::size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) break;
    const std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;  // the blank line: end of the head
    if (line.front() == ' ' || line.front() == '\t') {
      return Refuse(400, "malformed request: obsolete line folding is not accepted");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Refuse(400, "malformed request: a header line without a colon");
    }
    const std::string name = core::AsciiLower(line.substr(0, colon));
    const std::string_view value = core::TrimBlanks(line.substr(colon + 1));
    if (name == "host") {
      if (++hosts > 1) return Refuse(400, "malformed request: more than one Host header");
    } else if (name == "transfer-encoding") {
      ++transfer_encodings;
      if (transfer_encodings > 1 || core::AsciiLower(value) != "chunked") {
        return Refuse(400, "transfer-encoding: only a single \"chunked\" is accepted");
      }
      chunked = true;
    } else if (name == "content-length") {
      std::uint64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty()) {
        return Refuse(400, "content-length: not a decimal number");
      }
      if (check.content_length && *check.content_length != n) {
        return Refuse(400, "content-length: given twice with different values");
      }
      check.content_length = n;
    } else if (name == "expect") {
      if (core::AsciiLower(value) != "100-continue") {
        return Refuse(417, "expect: only 100-continue is supported");
      }
      check.expect_continue = true;
    }
  }
  if (chunked && check.content_length) {
    return Refuse(400, "malformed request: both Transfer-Encoding and Content-Length");
  }
  if (check.content_length && *check.content_length > body_limit) {
    return Refuse(413, "request body exceeds the limit of " + std::to_string(body_limit) +
                           " bytes (UPLOAD_MAX_SIZE)");
  }
  return check;
}

}  // namespace estimate::http
