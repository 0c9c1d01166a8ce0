#pragma once
// Content coding of answers on their way out (RFC 9110 §8.4): gzip (libdeflate) or brotli
// (libbrotlienc) of text answers — JSON, XML, CSV, plain text — above a size threshold, chosen by
// the request's Accept-Encoding (q-values honoured; brotli preferred at equal quality).
//
// What is compressed: a 200 or 201 answer whose body is at least `min_size` bytes, whose content
// type is textual, and which carries no Content-Encoding yet (the web application's files come
// precompressed). PDF and XLSX are compressed formats already and go out as they are. Every
// answer that could have been compressed says `Vary: Accept-Encoding`, so that a shared cache
// keeps the codings apart.
//
// The ETag is left as the handler set it: it names the version of the resource (the estimates'
// If-Match compares it), the same in every coding, and Range requests, the reason RFC 9110 wants
// strong validators to differ per coding, are not served.
//
// The compressed bytes of an answer whose handler says its body is a function of the path and
// the ETag (Response::etag_keys_body: an estimate's view of a version) are kept, keyed by the
// path, the ETag and the coding, in a cache bounded in bytes (least recently used out first): a
// second read of the same version costs a look-up instead of a compression. Other answers are
// compressed afresh: an ETag alone does not promise the same bytes to every user.
//
// Thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace estimate::telemetry {
class Registry;
}

namespace estimate::http {

struct CompressionOptions {
  std::size_t min_size = 1024;               // smaller bodies gain nothing worth the CPU
  std::size_t cache_bytes = 64u << 20;       // of compressed bytes kept by ETag; 0: no cache
  int gzip_level = 6;                        // libdeflate 1–12; 6 is zlib's default ratio, faster
  int brotli_quality = 5;                    // 0–11; 5 is about gzip's speed with a better ratio
};

class ResponseCompressor {
 public:
  ResponseCompressor(CompressionOptions options, telemetry::Registry& registry);
  ~ResponseCompressor();
  ResponseCompressor(const ResponseCompressor&) = delete;
  ResponseCompressor& operator=(const ResponseCompressor&) = delete;

  // Compresses `response` in place when the request accepts a coding and the answer qualifies.
  void Apply(const Request& request, Response& response);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for the content types worth compressing: text/*, JSON, XML and their +json/+xml kinds.
bool IsCompressibleType(std::string_view content_type);

// The bytes of `data` in the gzip format (RFC 1952) / brotli (RFC 7932). Exposed for tests.
std::string GzipCompress(std::string_view data, int level);
std::string BrotliCompress(std::string_view data, int quality);

}  // namespace estimate::http
