#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace estimate::http {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndex = "<!doctype html><div id=root></div>";
constexpr const char* kSecret = "SECRET=outside the web root";
constexpr const char* kJs = "/assets/index-3f9a1c2b.js";

// A built application as Vite writes it, beside a file that must never be served.
class StaticFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path(testing::TempDir()) /
            ("static_files_test_" + std::to_string(::getpid()) + "_" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    dist_ = base_ / "dist";
    fs::create_directories(dist_ / "assets");
    Write(base_ / "secret.txt", kSecret);
    Write(dist_ / "index.html", kIndex);
    Write(dist_ / "index.html.gz", "gz:index");
    Write(dist_ / "index.html.br", "br:index");
    Write(dist_ / "assets/index-3f9a1c2b.js", "console.log(1)");
    Write(dist_ / "assets/index-3f9a1c2b.js.gz", "gz:js");
    Write(dist_ / "assets/index-3f9a1c2b.js.br", "br:js");
    Write(dist_ / "assets/index-ab12cd34.css", "body{}");
    Write(dist_ / "assets/index-ab12cd34.css.gz", "gz:css");
    Write(dist_ / "assets/logo-11aa22bb.png", "\x89PNG");
    Write(dist_ / "assets/font-33cc44dd.woff2", "wOF2");
    Write(dist_ / "assets/index-3f9a1c2b.js.map", "{}");
    Write(dist_ / "favicon.svg", "<svg/>");
    Write(dist_ / "favicon.ico", "ico");
    Write(dist_ / "manifest.webmanifest", "{}");
    Write(dist_ / "robots.txt", "User-agent: *");
    Write(dist_ / "config.json", "{}");
    Write(dist_ / ".env", kSecret);
    fs::create_directories(dist_ / ".git");
    Write(dist_ / ".git/config", kSecret);
  }

  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  StaticFiles Load() {
    auto files = StaticFiles::Load(dist_.string());
    EXPECT_TRUE(files.ok()) << files.status().message();
    return std::move(files).value();
  }

  static Response Get(const StaticFiles& files, std::string path, Headers headers = {},
                      std::string method = "GET") {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.headers = std::move(headers);
    request.request_id = "test-request";
    return files.Serve(request);
  }

  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }

  fs::path base_, dist_;
};

TEST_F(StaticFilesTest, IndexAnswersTheRootAndEveryClientRoute) {
  StaticFiles files = Load();
  for (const char* path : {"/", "/index.html", "/projects/12", "/estimates/7", "/admin/users",
                           "/projects/12/", "/robots.txt/x", "/%2e%2e/secret.txt"}) {
    Response r = Get(files, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndex) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(HeaderOf(r, "cache-control"), "no-cache") << path;
    EXPECT_FALSE(HeaderOf(r, "etag").empty()) << path;
    EXPECT_EQ(HeaderOf(r, "content-security-policy"), kWebAppContentSecurityPolicy) << path;
    EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding") << path;
  }
}

TEST_F(StaticFilesTest, FilesAreServedWithTheirContentType) {
  StaticFiles files = Load();
  const std::pair<const char*, const char*> cases[] = {
      {kJs, "text/javascript; charset=utf-8"},
      {"/assets/index-ab12cd34.css", "text/css; charset=utf-8"},
      {"/assets/logo-11aa22bb.png", "image/png"},
      {"/assets/font-33cc44dd.woff2", "font/woff2"},
      {"/assets/index-3f9a1c2b.js.map", "application/json"},
      {"/favicon.svg", "image/svg+xml"},
      {"/favicon.ico", "image/x-icon"},
      {"/manifest.webmanifest", "application/manifest+json"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/config.json", "application/json"},
  };
  for (const auto& [path, type] : cases) {
    Response r = Get(files, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, type) << path;
    EXPECT_EQ(HeaderOf(r, "content-encoding"), "") << path;
    EXPECT_EQ(HeaderOf(r, "content-security-policy"), "") << path << ": the edge's default";
  }
  EXPECT_EQ(Get(files, kJs).body, "console.log(1)");
  EXPECT_EQ(Get(files, "//assets///index-3f9a1c2b.js").body, "console.log(1)");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndTheRestRevalidated) {
  StaticFiles files = Load();
  EXPECT_EQ(HeaderOf(Get(files, kJs), "cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(Get(files, "/assets/logo-11aa22bb.png"), "cache-control"),
            "public, max-age=31536000, immutable");
  for (const char* path : {"/favicon.svg", "/robots.txt", "/index.html", "/"}) {
    Response r = Get(files, path);
    EXPECT_EQ(HeaderOf(r, "cache-control"), "no-cache") << path;
    EXPECT_EQ(HeaderOf(r, "etag").front(), '"') << path;
  }
}

TEST_F(StaticFilesTest, AMissingAssetIsNotFoundNotThePage) {
  StaticFiles files = Load();
  for (const char* path :
       {"/assets/index-00000000.js", "/assets", "/assets/", "/assets/index-3f9a1c2b.js.br"}) {
    Response r = Get(files, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/problem+json") << path;
    EXPECT_NE(r.body.find("\"request_id\":\"test-request\""), std::string::npos) << r.body;
  }
}

TEST_F(StaticFilesTest, NoPathLeavesTheFolderOrReachesADotfile) {
  StaticFiles files = Load();
  // Request paths arrive percent-decoded: %2e%2e, %5c and %00 are "..", "\" and NUL here.
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/..", "/.", "/./index.html", "/assets/..",
        "/.env", "/.git/config", "/assets\\..\\..\\secret.txt", "/..\\secret.txt", "/projects/\x01",
        "/a/.hidden/b"}) {
    Response r = Get(files, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << path;
  }
  Response nul = Get(files, std::string("/index.html\0.png", 16));
  EXPECT_EQ(nul.status, 404);
}

TEST_F(StaticFilesTest, SymlinksLeavingTheFolderAreNotServed) {
  fs::create_symlink(base_ / "secret.txt", dist_ / "leak.txt");
  fs::create_directory_symlink(base_, dist_ / "outside");
  fs::create_symlink(dist_ / "robots.txt", dist_ / "alias.txt");
  fs::create_symlink(dist_ / ".env", dist_ / "env.txt");
  fs::create_symlink(dist_ / ".git/config", dist_ / "assets/config.txt");
  fs::create_symlink(dist_ / "nowhere.txt", dist_ / "dangling.txt");
  StaticFiles files = Load();
  EXPECT_EQ(Get(files, "/leak.txt").body, kIndex);
  EXPECT_EQ(Get(files, "/outside/secret.txt").body, kIndex);
  EXPECT_EQ(Get(files, "/env.txt").body, kIndex);  // inside, but to a dotfile
  EXPECT_EQ(Get(files, "/assets/config.txt").status, 404);
  EXPECT_EQ(Get(files, "/dangling.txt").body, kIndex);
  EXPECT_EQ(Get(files, "/alias.txt").body, "User-agent: *");  // inside: served
}

TEST_F(StaticFilesTest, PrecompressedSiblingsFollowAcceptEncoding) {
  StaticFiles files = Load();
  struct Case {
    const char* accept;
    const char* body;
    const char* encoding;
  };
  const Case cases[] = {
      {"gzip, deflate, br", "br:js", "br"},
      {"gzip", "gz:js", "gzip"},
      {"x-gzip", "gz:js", "gzip"},
      {"BR", "br:js", "br"},
      {"br;q=0, gzip", "gz:js", "gzip"},
      {"br; q=0.000, gzip;q=0.001", "gz:js", "gzip"},
      {"br;q=0.5, gzip;q=0.8", "gz:js", "gzip"},
      {"gzip;q=0.5, br;q=0.5", "br:js", "br"},
      {"*", "br:js", "br"},
      {"*;q=0", "console.log(1)", ""},
      {"br;q=0, gzip;q=0, *", "console.log(1)", ""},
      {"identity", "console.log(1)", ""},
      {"br;q=2, gzip;q=abc", "console.log(1)", ""},
      {"", "console.log(1)", ""},
  };
  for (const Case& c : cases) {
    Response r = Get(files, kJs, {{"accept-encoding", c.accept}});
    EXPECT_EQ(r.body, c.body) << c.accept;
    EXPECT_EQ(HeaderOf(r, "content-encoding"), c.encoding) << c.accept;
    EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8") << c.accept;
    EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding") << c.accept;
  }
  Response plain = Get(files, kJs);
  EXPECT_EQ(plain.body, "console.log(1)");
  // Only a gzip sibling: br asked for, gzip given when also accepted.
  EXPECT_EQ(Get(files, "/assets/index-ab12cd34.css", {{"accept-encoding", "br, gzip"}}).body,
            "gz:css");
  EXPECT_EQ(Get(files, "/assets/index-ab12cd34.css", {{"accept-encoding", "br"}}).body, "body{}");
  // The page and its fallback too, and a client sending the field twice.
  EXPECT_EQ(Get(files, "/projects/12", {{"accept-encoding", "br"}}).body, "br:index");
  EXPECT_EQ(Get(files, "/", {{"accept-encoding", "identity"}, {"accept-encoding", "gzip"}}).body,
            "gz:index");
  // Each coding is a representation with a tag of its own.
  const std::string plain_tag = HeaderOf(plain, "etag");
  const std::string br_tag = HeaderOf(Get(files, kJs, {{"accept-encoding", "br"}}), "etag");
  const std::string gz_tag = HeaderOf(Get(files, kJs, {{"accept-encoding", "gzip"}}), "etag");
  EXPECT_NE(plain_tag, br_tag);
  EXPECT_NE(plain_tag, gz_tag);
  EXPECT_NE(br_tag, gz_tag);
}

TEST_F(StaticFilesTest, IfNoneMatchAnswers304WithTheHeadersOfThe200) {
  StaticFiles files = Load();
  Response first = Get(files, "/projects/12", {{"accept-encoding", "br"}});
  const std::string tag = HeaderOf(first, "etag");
  Response again = Get(files, "/admin/users", {{"accept-encoding", "br"}, {"if-none-match", tag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_TRUE(again.content_type.empty());
  EXPECT_EQ(HeaderOf(again, "etag"), tag);
  EXPECT_EQ(HeaderOf(again, "cache-control"), "no-cache");
  EXPECT_EQ(HeaderOf(again, "vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(again, "content-security-policy"), kWebAppContentSecurityPolicy);
  for (const std::string& field : {"W/" + tag, "\"x\", " + tag, std::string("*")}) {
    EXPECT_EQ(Get(files, "/", {{"accept-encoding", "br"}, {"if-none-match", field}}).status, 304)
        << field;
  }
  // The br tag does not validate the plain representation, and a changed file has another tag.
  EXPECT_EQ(Get(files, "/", {{"if-none-match", tag}}).status, 200);
  EXPECT_EQ(Get(files, "/", {{"accept-encoding", "br"}, {"if-none-match", "\"0-0\""}}).status, 200);
  Write(dist_ / "index.html", "<!doctype html>rebuilt");
  StaticFiles rebuilt = Load();
  EXPECT_NE(HeaderOf(Get(rebuilt, "/"), "etag"), HeaderOf(Get(files, "/"), "etag"));
}

TEST_F(StaticFilesTest, HeadIsGetAndOtherMethodsAre405) {
  StaticFiles files = Load();
  Response head = Get(files, kJs, {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "console.log(1)");  // the server sends its length, not the body
  Response post = Get(files, "/", {}, "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(HeaderOf(post, "allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, LoadRefusesAFolderWithoutIndexOrTooBig) {
  auto missing = StaticFiles::Load((base_ / "nowhere").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  fs::remove(dist_ / "index.html");
  auto no_index = StaticFiles::Load(dist_.string());
  ASSERT_FALSE(no_index.ok());
  EXPECT_EQ(no_index.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_index.status().message().find("index.html"), std::string::npos);
  Write(dist_ / "index.html", kIndex);
  auto few = StaticFiles::Load(dist_.string(), {.max_bytes = 1 << 20, .max_files = 3});
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.status().code(), StatusCode::kResourceExhausted);
  auto small = StaticFiles::Load(dist_.string(), {.max_bytes = 64, .max_files = 100});
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), StatusCode::kResourceExhausted);
  StaticFiles files = Load();
  EXPECT_EQ(files.file_count(), 11u);  // siblings and dotfiles not counted
}

TEST(AcceptEncoding, QualityOfACoding) {
  EXPECT_EQ(AcceptEncodingQuality("gzip, br", "br"), 1);
  EXPECT_EQ(AcceptEncodingQuality("GZip;Q=0.5", "gzip"), 0.5);
  EXPECT_EQ(AcceptEncodingQuality("br;q=0", "br"), 0);
  EXPECT_EQ(AcceptEncodingQuality("*;q=0.3", "br"), 0.3);
  EXPECT_EQ(AcceptEncodingQuality("*, br;q=0", "br"), 0);  // named beats the wildcard
  EXPECT_EQ(AcceptEncodingQuality("deflate", "br"), 0);
  EXPECT_EQ(AcceptEncodingQuality("", "gzip"), 0);
  EXPECT_EQ(AcceptEncodingQuality("brotli", "br"), 0);
  EXPECT_EQ(AcceptEncodingQuality("gzip;q=1.001", "gzip"), 0);  // malformed: refused
  EXPECT_EQ(AcceptEncodingQuality("gzip;q=", "gzip"), 0);
  EXPECT_EQ(AcceptEncodingQuality("gzip;q=0.8;foo=bar", "gzip"), 0.8);
  EXPECT_EQ(AcceptEncodingQuality(" , ,gzip ; q=1.0 ,", "gzip"), 1);
}

TEST(IfNoneMatch, WeakComparisonOfAList) {
  EXPECT_TRUE(IfNoneMatchMatches("\"a-1\"", "\"a-1\""));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"a-1\"", "\"a-1\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"b\", \"a-1\"", "\"a-1\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x,y\",\"a-1\"", "\"a-1\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"a-1\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"a-1-br\"", "\"a-1\""));
  EXPECT_FALSE(IfNoneMatchMatches("a-1", "\"a-1\""));
  EXPECT_FALSE(IfNoneMatchMatches("", "\"a-1\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"a-1", "\"a-1\""));
}

}  // namespace
}  // namespace estimate::http
