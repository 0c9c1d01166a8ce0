#include "http/multipart.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace estimate::http {
namespace {

// The value of parameter `key` in a header value such as `form-data; name="file"; filename="a.x"`.
std::string Parameter(std::string_view header, std::string_view key) {
  std::size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = core::TrimBlanks(header.substr(pos));
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (core::AsciiLower(core::TrimBlanks(rest.substr(0, eq))) != key) continue;
    std::string_view value = core::TrimBlanks(rest.substr(eq + 1));
    if (!value.empty() && value.front() == '"') {
      std::string out;
      for (std::size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        out += value[i];
      }
      return out;
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return {};
}

}  // namespace

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body) {
  if (core::AsciiLower(core::TrimBlanks(content_type.substr(0, content_type.find(';')))) !=
      "multipart/form-data") {
    return InvalidArgument("content-type: expected multipart/form-data");
  }
  const std::string boundary = Parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) {
    return InvalidArgument("content-type: multipart/form-data needs a boundary of 1-70 characters");
  }
  const std::string delimiter = "--" + boundary;
  const std::string separator = "\r\n" + delimiter;
  // The body starts with the first delimiter (a preamble before it is allowed and ignored).
  std::size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    pos = body.find(separator);
    if (pos == std::string_view::npos) return InvalidArgument("body: no multipart boundary found");
    pos += separator.size();
  }
  std::vector<MultipartPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") {
      return InvalidArgument("body: malformed boundary line before part " +
                             std::to_string(parts.size() + 1));
    }
    pos += 2;
    if (parts.size() == kMaxMultipartParts) {
      return InvalidArgument("body: more than " + std::to_string(kMaxMultipartParts) + " parts");
    }
    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    const std::size_t next = body.find(separator, pos);
    if (next == std::string_view::npos) {
      return InvalidArgument("body: the closing boundary is missing");
    }
    MultipartPart part;
    std::size_t data_start = pos;
    if (body.substr(pos, 2) == "\r\n") {
      data_start = pos + 2;  // a part without headers
    } else {
      if (headers_end == std::string_view::npos || headers_end > next) {
        return InvalidArgument("body: part " + std::to_string(parts.size() + 1) +
                               " has no end of headers");
      }
      std::string_view headers = body.substr(pos, headers_end - pos);
      while (!headers.empty()) {
        const std::size_t eol = headers.find("\r\n");
        std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string name = core::AsciiLower(core::TrimBlanks(line.substr(0, colon)));
        const std::string_view value = core::TrimBlanks(line.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = Parameter(value, "name");
          part.filename = Parameter(value, "filename");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      data_start = headers_end + 4;
    }
    if (part.name.empty()) {
      return InvalidArgument("body: part " + std::to_string(parts.size() + 1) +
                             " has no Content-Disposition name");
    }
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    pos = next + separator.size();
  }
}

}  // namespace estimate::http
