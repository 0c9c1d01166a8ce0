#include "api/problem.hpp"

#include <gtest/gtest.h>

#include <set>

namespace estimate::api {
namespace {

TEST(Problem, EveryStatusCodeHasItsOwnMappedHttpStatus) {
  const StatusCode all[] = {StatusCode::kOk,           StatusCode::kInvalidArgument,
                            StatusCode::kNotFound,     StatusCode::kAlreadyExists,
                            StatusCode::kFailedPrecondition, StatusCode::kPermissionDenied,
                            StatusCode::kUnauthenticated, StatusCode::kResourceExhausted,
                            StatusCode::kUnavailable,  StatusCode::kInternal};
  std::set<int> seen;
  for (StatusCode c : all) {
    int http = HttpStatusOf(c);
    EXPECT_GE(http, 200) << StatusCodeName(c);
    EXPECT_LT(http, 600) << StatusCodeName(c);
    if (c != StatusCode::kOk) {
      EXPECT_GE(http, 400) << StatusCodeName(c);
    }
    seen.insert(http);
  }
  EXPECT_EQ(HttpStatusOf(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnavailable), 503);
  EXPECT_GE(seen.size(), 9u);
}

TEST(Problem, AnswerCarriesTheMessageAndRequest) {
  http::Request req;
  req.path = "/api/v1/norms/gesn/1";
  req.request_id = "r1";
  auto r = ProblemOf(NotFound("norm ГЭСН1 is not in release x"), req);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("norm ГЭСН1 is not in release x"), std::string::npos);
  EXPECT_NE(r.body.find("\"request_id\":\"r1\""), std::string::npos);
}

}  // namespace
}  // namespace estimate::api

namespace estimate::api {
namespace {

// The base routes answer from the typed code alone: each code of the services' errors has its
// own status, read from the table, never from the message.
TEST(Problem, TheBaseRoutesErrorsMapByCodeNotByMessage) {
  http::Request req;
  req.path = "/api/v1/norms/gesn/1";
  EXPECT_EQ(ProblemOf(Unavailable("anything"), req).status, 503);
  EXPECT_EQ(ProblemOf(NotFound("anything"), req).status, 404);
  EXPECT_EQ(ProblemOf(InvalidArgument("anything"), req).status, 400);
  EXPECT_EQ(ProblemOf(Aborted("anything"), req).status, 412);
  EXPECT_EQ(ProblemOf(Unavailable("norm ГЭСН1 is not in release x"), req).status, 503);
}

}  // namespace
}  // namespace estimate::api
