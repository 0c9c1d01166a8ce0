#include "http/compression.hpp"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <string>

#include "telemetry/metrics.hpp"

namespace estimate::http {
namespace {

std::string Gunzip(const std::string& bytes, std::size_t size) {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  std::string out(size, '\0');
  std::size_t n = 0;
  const auto r = libdeflate_gzip_decompress(d, bytes.data(), bytes.size(), out.data(), out.size(), &n);
  libdeflate_free_decompressor(d);
  EXPECT_EQ(r, LIBDEFLATE_SUCCESS);
  out.resize(n);
  return out;
}

std::string Unbrotli(const std::string& bytes, std::size_t size) {
  std::string out(size, '\0');
  std::size_t n = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    &n, reinterpret_cast<std::uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(n);
  return out;
}

// The value of a series in the registry's exposition text, 0 when absent.
std::uint64_t SeriesValue(const telemetry::Registry& registry, const std::string& series) {
  const std::string text = registry.Render();
  const std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stoull(text.substr(at + series.size() + 2));
}

std::uint64_t CacheCount(const telemetry::Registry& registry, const char* result) {
  return SeriesValue(registry,
                     std::string("http_compression_cache_total{result=\"") + result + "\"}");
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

// A JSON answer like an estimate's: long and repetitive, so it compresses well.
std::string EstimateJson(int positions) {
  std::string out = R"({"id": 7, "positions": [)";
  for (int i = 0; i < positions; ++i) {
    if (i) out += ", ";
    out += R"({"number": ")" + std::to_string(i + 1) +
           R"(", "code": "ГЭСН01-01-003-02", "quantity": "12.5", "total": "1234.56"})";
  }
  return out + "]}";
}

Request Get(std::string accept) {
  Request r;
  r.method = "GET";
  r.path = "/api/v1/estimates/7";
  if (!accept.empty()) r.headers.emplace_back("accept-encoding", std::move(accept));
  return r;
}

// An answer whose handler says the ETag keys its body (an estimate's view of a version).
Response Answer(std::string body, std::string etag = "\"3\"") {
  Response r = Response::Json(200, std::move(body));
  if (!etag.empty()) r.headers.emplace_back("etag", std::move(etag));
  r.etag_keys_body = !r.headers.empty();
  return r;
}

class CompressionTest : public testing::Test {
 protected:
  telemetry::Registry registry_;
  ResponseCompressor compressor_{CompressionOptions{}, registry_};

  std::uint64_t CacheCount(const char* result) { return http::CacheCount(registry_, result); }
};

TEST_F(CompressionTest, BrotliIsPreferredWhenBothAreAcceptedAndTheBytesComeBackTheSame) {
  const std::string json = EstimateJson(200);
  Response r = Answer(json);
  compressor_.Apply(Get("gzip, deflate, br"), r);
  EXPECT_EQ(HeaderOf(r, "content-encoding"), "br");
  EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(r, "etag"), "\"3\"");  // the version tag that If-Match compares, unchanged
  EXPECT_LT(r.body.size() * 10, json.size());
  EXPECT_EQ(Unbrotli(r.body, json.size()), json);
}

TEST_F(CompressionTest, GzipWhenOnlyGzipIsAcceptedOrRankedHigher) {
  const std::string json = EstimateJson(200);
  for (const char* accept : {"gzip", "br;q=0.5, gzip", "x-gzip", "br;q=0, gzip;q=0.3"}) {
    Response r = Answer(json);
    compressor_.Apply(Get(accept), r);
    EXPECT_EQ(HeaderOf(r, "content-encoding"), "gzip") << accept;
    EXPECT_EQ(Gunzip(r.body, json.size()), json) << accept;
  }
}

TEST_F(CompressionTest, NothingAcceptedOrRefusedMeansIdentityWithVary) {
  const std::string json = EstimateJson(200);
  for (const char* accept : {"", "identity", "gzip;q=0, br;q=0", "deflate", "*;q=0"}) {
    Response r = Answer(json);
    compressor_.Apply(Get(accept), r);
    EXPECT_EQ(HeaderOf(r, "content-encoding"), "") << accept;
    EXPECT_EQ(r.body, json) << accept;
    EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding") << accept;
  }
}

TEST_F(CompressionTest, SmallBinaryErrorAndAlreadyCodedAnswersGoOutAsTheyAre) {
  Response small = Answer(R"({"status": "ok"})");
  compressor_.Apply(Get("gzip, br"), small);
  EXPECT_EQ(HeaderOf(small, "content-encoding"), "");
  EXPECT_EQ(HeaderOf(small, "vary"), "");

  Response pdf = Response::Text(200, std::string(100000, 'x'), "application/pdf");
  compressor_.Apply(Get("gzip, br"), pdf);
  EXPECT_EQ(HeaderOf(pdf, "content-encoding"), "");
  EXPECT_EQ(pdf.body.size(), 100000u);

  Response problem = Response::Json(404, std::string(5000, ' ') + "{}");
  compressor_.Apply(Get("gzip, br"), problem);
  EXPECT_EQ(HeaderOf(problem, "content-encoding"), "");

  Response coded = Answer(EstimateJson(100));
  coded.headers.emplace_back("content-encoding", "br");
  const std::string before = coded.body;
  compressor_.Apply(Get("gzip, br"), coded);
  EXPECT_EQ(coded.body, before);
}

TEST_F(CompressionTest, TextTypesAreCompressibleAndBinaryOnesAreNot) {
  for (const char* t : {"application/json", "application/problem+json", "application/xml",
                        "text/csv; charset=utf-8", "text/plain", "Application/JSON",
                        "application/vnd.oai.openapi+json"}) {
    EXPECT_TRUE(IsCompressibleType(t)) << t;
  }
  for (const char* t : {"application/pdf", "application/octet-stream", "image/png",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "application/zip", ""}) {
    EXPECT_FALSE(IsCompressibleType(t)) << t;
  }
}

TEST_F(CompressionTest, ASecondReadOfTheSameVersionComesFromTheCache) {
  const std::string json = EstimateJson(300);
  Response first = Answer(json);
  compressor_.Apply(Get("br"), first);
  Response second = Answer(json);
  compressor_.Apply(Get("br"), second);
  EXPECT_EQ(CacheCount("miss"), 1u);
  EXPECT_EQ(CacheCount("hit"), 1u);
  EXPECT_EQ(second.body, first.body);
  // Another coding of the same version is another entry.
  Response gz = Answer(json);
  compressor_.Apply(Get("gzip"), gz);
  EXPECT_EQ(CacheCount("miss"), 2u);
  EXPECT_EQ(Gunzip(gz.body, json.size()), json);
}

TEST_F(CompressionTest, WithoutTheHandlersWordNothingIsKeptByTheTag) {
  // Same path and ETag, different bodies (an ETag that does not follow every byte, or a body
  // that differs per user): each is compressed from its own bytes.
  const std::string a = EstimateJson(300);
  std::string b = a;
  b.replace(b.find("12.5"), 4, "99.9");
  Response ra = Answer(a);
  ra.etag_keys_body = false;
  compressor_.Apply(Get("br"), ra);
  Response rb = Answer(b);
  rb.etag_keys_body = false;
  compressor_.Apply(Get("br"), rb);
  EXPECT_EQ(Unbrotli(ra.body, a.size()), a);
  EXPECT_EQ(Unbrotli(rb.body, b.size()), b);
  EXPECT_EQ(CacheCount("hit") + CacheCount("miss"), 0u);
}

TEST_F(CompressionTest, TheCacheStaysWithinItsBound) {
  CompressionOptions options;
  options.cache_bytes = 64 * 1024;
  telemetry::Registry registry;
  ResponseCompressor small(options, registry);
  // 40 versions of about 10 KB compressed each (random hex digits compress to about half): far
  // more than 64 KB; the oldest are dropped and the newest still hit.
  std::vector<std::string> bodies;
  std::uint32_t seed = 12345;
  for (int v = 0; v < 40; ++v) {
    std::string body = R"({"data": ")";
    for (int i = 0; i < 20000; ++i) {
      seed = seed * 1664525u + 1013904223u;
      body += "0123456789abcdef"[seed >> 28];
    }
    bodies.push_back(body + "\"}");
  }
  for (int v = 0; v < 40; ++v) {
    Response r = Answer(bodies[v], "\"" + std::to_string(v) + "\"");
    small.Apply(Get("gzip"), r);
  }
  Response newest = Answer(bodies[39], "\"39\"");
  small.Apply(Get("gzip"), newest);
  Response oldest = Answer(bodies[0], "\"0\"");
  small.Apply(Get("gzip"), oldest);
  EXPECT_EQ(http::CacheCount(registry, "hit"), 1u);
  EXPECT_EQ(http::CacheCount(registry, "miss"), 41u);
  EXPECT_EQ(Gunzip(oldest.body, bodies[0].size()), bodies[0]);
}

}  // namespace
}  // namespace estimate::http
