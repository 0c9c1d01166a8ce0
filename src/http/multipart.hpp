#pragma once
// multipart/form-data bodies (RFC 7578), the shape browsers and curl upload files in
// (`POST /api/v1/imports`). The parts point into the body: keep the body alive while using them.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace estimate::http {

struct MultipartPart {
  std::string name;          // the form field (Content-Disposition name)
  std::string filename;      // the uploaded file's name; empty for a plain field
  std::string content_type;  // the part's Content-Type; empty when not sent
  std::string_view data;     // the bytes, exactly as sent
};

inline constexpr std::size_t kMaxMultipartParts = 64;

// Parses `body` sent with `content_type` (which must be multipart/form-data with a boundary).
// InvalidArgument naming what is wrong: "content-type: …", "body: part 2 has no
// Content-Disposition", "body: the closing boundary is missing", more than kMaxMultipartParts.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body);

}  // namespace estimate::http
