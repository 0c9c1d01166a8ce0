#pragma once
// The request head as it arrived, checked before the parser reads a body by it: what HTTP/1.1
// parsers disagree on is refused outright, so that nothing in front of the service (nginx, a
// load balancer) can read one request where the service reads two (RFC 9112 §6.1, §11.2).
//
//   - Transfer-Encoding other than exactly one final `chunked` ("chunked, identity",
//     "gzip, chunked", two Transfer-Encoding fields): 400 (we decode no other coding, and a
//     coding we skip would make the body's end ambiguous);
//   - Transfer-Encoding together with Content-Length: 400;
//   - more than one Host field: 400;
//   - obsolete line folding (a field line starting with a space or tab): 400;
//   - Content-Length over the body limit: 413 before a byte of the body is read.
//
// Also reads whether the client waits for `100 Continue` (Expect: 100-continue).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace estimate::http {

struct HeadCheck {
  int status = 0;  // 0: acceptable; else the answer (400, 413, 417)
  std::string detail;
  bool expect_continue = false;
  std::optional<std::uint64_t> content_length;
};

// The offset just past the blank line ending the head in `bytes` (leading blank lines before the
// request line allowed), or nullopt while incomplete. `from`: where an earlier call stopped
// looking (what it returned nullopt for, less 3 bytes), so that a head arriving a byte at a time
// is scanned once, not once per byte.
std::optional<std::size_t> HeadEnd(std::string_view bytes, std::size_t from = 0);

// Checks the head `head` (request line and fields, as bytes, up to and including the blank line).
HeadCheck CheckRequestHead(std::string_view head, std::uint64_t body_limit);

}  // namespace estimate::http
