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
