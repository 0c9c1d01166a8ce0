#include "http/compression.hpp"

#include <brotli/encode.h>
#include <libdeflate.h>

#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "core/text.hpp"
#include "http/static_files.hpp"  // AcceptEncodingQuality, JoinedHeader
#include "telemetry/metrics.hpp"

namespace estimate::http {

namespace {

// The first header of that name the handler set, or nullptr.
const std::string* HeaderOf(const Response& response, std::string_view lower_name) {
  for (const auto& [k, v] : response.headers) {
    if (core::EqualsIgnoringAsciiCase(k, lower_name)) return &v;
  }
  return nullptr;
}

// One compressor per thread: libdeflate's is not thread-safe, and making one costs more than
// compressing a small answer.
libdeflate_compressor* DeflateCompressor(int level) {
  struct Owned {
    libdeflate_compressor* c = nullptr;
    int level = -1;
    ~Owned() {
      if (c != nullptr) libdeflate_free_compressor(c);
    }
  };
  thread_local Owned owned;
  if (owned.c == nullptr || owned.level != level) {
    if (owned.c != nullptr) libdeflate_free_compressor(owned.c);
    owned.c = libdeflate_alloc_compressor(level);
    owned.level = level;
    if (owned.c == nullptr) throw std::bad_alloc();
  }
  return owned.c;
}

// Vary: Accept-Encoding, added to a Vary the handler set (the web application's files) rather
// than beside it.
void AddVary(Response& response) {
  for (auto& [k, v] : response.headers) {
    if (!core::EqualsIgnoringAsciiCase(k, "vary")) continue;
    if (v.find("Accept-Encoding") == std::string::npos) v += ", Accept-Encoding";
    return;
  }
  response.headers.emplace_back("vary", "Accept-Encoding");
}

}  // namespace

bool IsCompressibleType(std::string_view content_type) {
  const std::string_view type = core::TrimBlanks(content_type.substr(0, content_type.find(';')));
  if (type.size() >= 5 && core::EqualsIgnoringAsciiCase(type.substr(0, 5), "text/")) return true;
  const auto ends_with = [&](std::string_view suffix) {
    return type.size() >= suffix.size() &&
           core::EqualsIgnoringAsciiCase(type.substr(type.size() - suffix.size()), suffix);
  };
  return core::EqualsIgnoringAsciiCase(type, "application/json") ||
         core::EqualsIgnoringAsciiCase(type, "application/xml") ||
         core::EqualsIgnoringAsciiCase(type, "application/javascript") || ends_with("+json") ||
         ends_with("+xml");
}

std::string GzipCompress(std::string_view data, int level) {
  libdeflate_compressor* c = DeflateCompressor(level);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  const std::size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(),
                                                 out.size());
  if (n == 0) throw std::runtime_error("gzip: the bound was too small");
  out.resize(n);
  return out;
}

std::string BrotliCompress(std::string_view data, int quality) {
  std::size_t n = BrotliEncoderMaxCompressedSize(data.size());
  if (n == 0) throw std::runtime_error("brotli: the answer is too large");
  std::string out(n, '\0');
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const std::uint8_t*>(data.data()), &n,
                             reinterpret_cast<std::uint8_t*>(out.data()))) {
    throw std::runtime_error("brotli: compression failed");
  }
  out.resize(n);
  return out;
}

struct ResponseCompressor::Impl {
  Impl(CompressionOptions o, telemetry::Registry& registry)
      : options(o),
        compressed(registry.Counter("http_compressed_responses_total",
                                    "Answers sent with a content coding, by coding.")),
        cache(registry.Counter("http_compression_cache_total",
                               "Look-ups of compressed answers kept by ETag: hit or miss.")) {}

  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> bytes;
  };

  CompressionOptions options;
  telemetry::CounterFamily& compressed;
  telemetry::CounterFamily& cache;

  std::mutex mu;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // keys live in lru
  std::size_t held = 0;

  std::shared_ptr<const std::string> Find(const std::string& key) {
    std::lock_guard lock(mu);
    auto it = index.find(key);
    if (it == index.end()) return nullptr;
    lru.splice(lru.begin(), lru, it->second);
    return it->second->bytes;
  }

  void Keep(std::string key, std::shared_ptr<const std::string> bytes) {
    if (bytes->size() > options.cache_bytes / 4) return;  // one answer never crowds out the rest
    std::lock_guard lock(mu);
    if (auto it = index.find(key); it != index.end()) {
      held -= it->second->bytes->size();
      lru.erase(it->second);
      index.erase(it);
    }
    held += bytes->size();
    lru.push_front(Entry{std::move(key), std::move(bytes)});
    index.emplace(lru.front().key, lru.begin());
    while (held > options.cache_bytes && !lru.empty()) {
      held -= lru.back().bytes->size();
      index.erase(lru.back().key);
      lru.pop_back();
    }
  }
};

ResponseCompressor::ResponseCompressor(CompressionOptions options, telemetry::Registry& registry)
    : impl_(std::make_unique<Impl>(options, registry)) {}

ResponseCompressor::~ResponseCompressor() = default;

void ResponseCompressor::Apply(const Request& request, Response& response) {
  if (response.status != 200 && response.status != 201) return;
  if (response.body.size() < impl_->options.min_size) return;
  if (!IsCompressibleType(response.content_type)) return;
  if (HeaderOf(response, "content-encoding") != nullptr) return;
  AddVary(response);

  const std::string accept = JoinedHeader(request, "accept-encoding");
  if (accept.empty()) return;
  const double br = AcceptEncodingQuality(accept, "br");
  const double gzip = AcceptEncodingQuality(accept, "gzip");
  std::string_view coding;
  if (br > 0 && br >= gzip) {
    coding = "br";
  } else if (gzip > 0) {
    coding = "gzip";
  } else {
    return;
  }

  std::shared_ptr<const std::string> bytes;
  const std::string* etag = HeaderOf(response, "etag");
  std::string key;
  const bool cached = response.etag_keys_body && etag != nullptr && impl_->options.cache_bytes > 0;
  if (cached) {
    key.reserve(request.path.size() + etag->size() + coding.size() + 2);
    key.append(request.path).append(1, '\n').append(*etag).append(1, '\n').append(coding);
    bytes = impl_->Find(key);
    impl_->cache.Increment({{"result", bytes ? "hit" : "miss"}});
  }
  if (!bytes) {
    bytes = std::make_shared<const std::string>(
        coding == "br" ? BrotliCompress(response.body, impl_->options.brotli_quality)
                       : GzipCompress(response.body, impl_->options.gzip_level));
    if (cached) impl_->Keep(std::move(key), bytes);
  }
  if (bytes->size() >= response.body.size()) return;  // incompressible: identity is smaller
  response.body.assign(*bytes);
  response.headers.emplace_back("content-encoding", std::string(coding));
  impl_->compressed.Increment({{"coding", std::string(coding)}});
}

}  // namespace estimate::http
