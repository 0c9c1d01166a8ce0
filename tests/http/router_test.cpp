#include "http/router.hpp"

#include <gtest/gtest.h>

#include "http/message.hpp"

namespace estimate::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

TEST(Router, CapturesPathParameters) {
  Router r;
  r.Add("GET", "/api/v1/norms/{family}/{code}", Named("norm"));
  auto m = r.Find("GET", "/api/v1/norms/gesnp/81-02-001-01");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("family"), "gesnp");
  EXPECT_EQ(m.params.at("code"), "81-02-001-01");
}

TEST(Router, LiteralSegmentsMustMatchExactly) {
  Router r;
  r.Add("GET", "/health", Named("h"));
  r.Add("GET", "/health/ready", Named("r"));
  EXPECT_EQ(r.Find("GET", "/health/ready").route->pattern, "/health/ready");
  EXPECT_EQ(r.Find("GET", "/health/").route->pattern, "/health");
  EXPECT_EQ(r.Find("GET", "/healthz").status, 404);
  EXPECT_EQ(r.Find("GET", "/health/ready/x").status, 404);
}

TEST(Router, OtherMethodIs405WithAllow) {
  Router r;
  r.Add("GET", "/items/{id}", Named("get"));
  r.Add("PATCH", "/items/{id}", Named("patch"));
  auto m = r.Find("DELETE", "/items/7");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, HEAD, PATCH");
}

TEST(Router, HeadIsServedByGet) {
  Router r;
  r.Add("GET", "/health", Named("h"));
  ASSERT_NE(r.Find("HEAD", "/health").route, nullptr);
}

Router WithFallback() {
  Router r;
  r.Add("GET", "/health", Named("health"));
  r.Add("GET", "/api/v1/norms", Named("norms"));
  r.Add("POST", "/api/v1/calc", Named("calc"));
  r.SetFallback("/*", Named("app"), {"api", "health", "metrics"});
  return r;
}

TEST(Router, FallbackAnswersGetAndHeadOfPathsNoRouteMatches) {
  Router r = WithFallback();
  for (const char* path : {"/", "/projects/12", "/estimates/7", "/admin/users", "/apis", "/healthz",
                           "/assets/index-3f9a1c2b.js"}) {
    auto m = r.Find("GET", path);
    ASSERT_NE(m.route, nullptr) << path;
    EXPECT_EQ(m.route->pattern, "/*") << path;
    ASSERT_NE(r.Find("HEAD", path).route, nullptr) << path;
  }
  EXPECT_EQ(r.Find("GET", "/api/v1/norms").route->pattern, "/api/v1/norms");
  EXPECT_EQ(r.Find("GET", "/health").route->pattern, "/health");
}

TEST(Router, FallbackNeverShadowsReservedPrefixes) {
  Router r = WithFallback();
  for (const char* path : {"/api/v1/nope", "/api", "/api/", "//api/v1/nope", "/health/nope",
                           "/metrics", "/metrics/x"}) {
    auto m = r.Find("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_EQ(m.status, 404) << path;
  }
  EXPECT_EQ(r.Find("GET", "/api/v1/calc").status, 405);
}

TEST(Router, OtherMethodsOnFallbackPathsAre405) {
  Router r = WithFallback();
  auto m = r.Find("POST", "/projects/12");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, HEAD");
  EXPECT_EQ(r.Find("DELETE", "/").status, 405);
  EXPECT_EQ(r.Find("POST", "/api/v1/nope").status, 404);
}

TEST(Router, WithoutFallbackUnknownPathsAre404) {
  Router r;
  r.Add("GET", "/health", Named("health"));
  EXPECT_EQ(r.Find("GET", "/").status, 404);
  EXPECT_EQ(r.Find("GET", "/projects/12").status, 404);
  EXPECT_EQ(r.Find("POST", "/projects/12").status, 404);
}

TEST(Message, PercentDecodingAndQueryParameters) {
  EXPECT_EQ(PercentDecode("/norms/%D0%93%D0%AD%D0%A1%D0%9D", false), "/norms/ГЭСН");
  EXPECT_EQ(PercentDecode("a+b%2", true), "a b%2");
  Request req;
  req.query = "q=%D1%82%D1%80%D1%83%D0%B1%D1%8B+%D0%94%D1%83&limit=5&flag";
  EXPECT_EQ(req.QueryParam("q"), "трубы Ду");
  EXPECT_EQ(req.QueryParam("limit"), "5");
  EXPECT_EQ(req.QueryParam("flag"), "");
  EXPECT_EQ(req.QueryParam("missing"), "");
}

TEST(Message, ProblemDocumentEscapesItsText) {
  auto r = Response::Problem(400, {}, "field \"x\"\nbad", "/p", "id1");
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body,
            R"({"type":"about:blank","title":"Bad Request","status":400,)"
            R"("detail":"field \"x\"\nbad","instance":"/p","request_id":"id1"})");
}

}  // namespace
}  // namespace estimate::http
