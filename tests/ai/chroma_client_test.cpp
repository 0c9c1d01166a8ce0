// The Chroma client against a local server that speaks Chroma's HTTP API v2: each request as
// Chroma wants it (method, path with tenant, database and collection, JSON body, the token
// header), a query's answer read into hits in order, a large upsert sent in batches, Chroma's
// errors (its message, never the token), retries of what may pass, deadlines, and answers that
// are not what Chroma sends refused. No test needs the internet.
#include "ai/chroma_client.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "support/local_server.hpp"

namespace estimate::ai {
namespace {

using namespace std::chrono_literals;
using test::LocalServer;
namespace json = boost::json;

const std::string kToken = "ck-test-0123456789abcdef";
const std::string kCollectionId = "5f0d5c4e-7a4e-4c1b-9d0e-2b1f6a3c8e11";

void Answer(int fd, int status, const std::string& body, const std::string& reason = "X") {
  LocalServer::Send(fd, "HTTP/1.1 " + std::to_string(status) + " " + reason +
                            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body);
}

std::string RequestLine(const std::string& request) { return request.substr(0, request.find("\r\n")); }
std::string BodyOf(const std::string& request) { return request.substr(request.find("\r\n\r\n") + 4); }
std::string HeadOf(const std::string& request) {
  std::string head = request.substr(0, request.find("\r\n\r\n") + 2);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head;
}

ChromaSettings SettingsFor(const LocalServer& server) {
  ChromaSettings s;
  s.url = server.url("/");
  s.token = kToken;
  s.timeout = 2s;
  s.retry = {3, 1ms, 2.0, 5ms};
  return s;
}

std::string Collections(const std::string& tenant = "default_tenant", const std::string& db = "default_database") {
  return "/api/v2/tenants/" + tenant + "/databases/" + db + "/collections";
}

TEST(ChromaClient, EnsureCollectionGetsOrCreatesACosineCollectionWithTheToken) {
  LocalServer server([](int fd, const std::string&, int) {
    Answer(fd, 200,
           R"({"id":")" + kCollectionId + R"(","name":"norms","configuration_json":{},"metadata":{"hnsw:space":"cosine"},)"
           R"("dimension":null,"tenant":"acme","database":"estimates","log_position":0,"version":0})");
  });
  ChromaSettings s = SettingsFor(server);
  s.tenant = "acme";
  s.database = "estimates";
  auto got = ChromaClient(s).EnsureCollection("norms");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, kCollectionId);

  const std::string request = server.requests().at(0);
  EXPECT_EQ(RequestLine(request), "POST " + Collections("acme", "estimates") + " HTTP/1.1");
  EXPECT_NE(HeadOf(request).find("\r\nx-chroma-token: " + kToken + "\r\n"), std::string::npos) << request;
  EXPECT_NE(HeadOf(request).find("\r\ncontent-type: application/json\r\n"), std::string::npos) << request;
  const json::object body = json::parse(BodyOf(request)).as_object();
  EXPECT_EQ(body.at("name").as_string(), "norms");
  EXPECT_TRUE(body.at("get_or_create").as_bool());
  EXPECT_EQ(body.at("metadata").as_object().at("hnsw:space").as_string(), "cosine");
}

TEST(ChromaClient, HeartbeatCountAndDeleteUseTheirPaths) {
  LocalServer server([](int fd, const std::string& request, int) {
    const std::string line = RequestLine(request);
    if (line.starts_with("GET /api/v2/heartbeat ")) return Answer(fd, 200, R"({"nanosecond heartbeat":1732000000000000000})");
    if (line.starts_with("GET ") && line.find("/count ") != std::string::npos) return Answer(fd, 200, "2500");
    if (line.starts_with("DELETE ")) return Answer(fd, 200, "{}");
    Answer(fd, 404, R"({"error":"NotFoundError","message":"no such route"})");
  });
  ChromaSettings s = SettingsFor(server);
  s.url = server.url("/api/v2/");  // the API's own path is dropped
  s.token.clear();                  // no token: no header
  const ChromaClient client(s);

  const Status beat = client.Heartbeat();
  EXPECT_TRUE(beat.ok()) << beat.message();
  auto count = client.Count(kCollectionId);
  ASSERT_TRUE(count.ok()) << count.status().message();
  EXPECT_EQ(*count, 2500);
  const Status deleted = client.DeleteCollection("norms");
  EXPECT_TRUE(deleted.ok()) << deleted.message();

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(RequestLine(requests[0]), "GET /api/v2/heartbeat HTTP/1.1");
  EXPECT_EQ(RequestLine(requests[1]), "GET " + Collections() + "/" + kCollectionId + "/count HTTP/1.1");
  EXPECT_EQ(RequestLine(requests[2]), "DELETE " + Collections() + "/norms HTTP/1.1");
  for (const std::string& r : requests) EXPECT_EQ(HeadOf(r).find("x-chroma-token"), std::string::npos) << r;
}

TEST(ChromaClient, AQueryAnswerBecomesHitsInOrder) {
  LocalServer server([](int fd, const std::string&, int) {
    Answer(fd, 200,
           R"({"ids":[["n-17","n-3","n-42"]],"distances":[[0.015,0.25,0.75]],"metadatas":null,)"
           R"("embeddings":null,"documents":null,"uris":null,"include":["distances"]})");
  });
  auto got = ChromaClient(SettingsFor(server)).Query(kCollectionId, {0.5f, -0.25f, 1.0f}, 3);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].id, "n-17");
  EXPECT_DOUBLE_EQ((*got)[0].distance, 0.015);
  EXPECT_EQ((*got)[1].id, "n-3");
  EXPECT_DOUBLE_EQ((*got)[1].distance, 0.25);
  EXPECT_EQ((*got)[2].id, "n-42");
  EXPECT_DOUBLE_EQ((*got)[2].distance, 0.75);

  const std::string request = server.requests().at(0);
  EXPECT_EQ(RequestLine(request), "POST " + Collections() + "/" + kCollectionId + "/query HTTP/1.1");
  EXPECT_NE(HeadOf(request).find("\r\nx-chroma-token: " + kToken + "\r\n"), std::string::npos) << request;
  const json::object body = json::parse(BodyOf(request)).as_object();
  const json::array& queries = body.at("query_embeddings").as_array();
  ASSERT_EQ(queries.size(), 1u);
  const json::array& q = queries[0].as_array();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].to_number<double>(), 0.5);
  EXPECT_EQ(q[1].to_number<double>(), -0.25);
  EXPECT_EQ(q[2].to_number<double>(), 1.0);
  EXPECT_EQ(body.at("n_results").to_number<std::int64_t>(), 3);
  EXPECT_EQ(json::serialize(body.at("include")), R"(["distances"])");

  // No neighbours (an empty collection) is no error.
  LocalServer empty([](int fd, const std::string&, int) { Answer(fd, 200, R"({"ids":[[]],"distances":[[]]})"); });
  auto none = ChromaClient(SettingsFor(empty)).Query(kCollectionId, {1.0f}, 5);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->empty());
}

TEST(ChromaClient, ALargeUpsertGoesInBatches) {
  LocalServer server([](int fd, const std::string&, int) { Answer(fd, 200, "{}"); });
  ChromaSettings s = SettingsFor(server);
  s.batch = 1000;
  std::vector<std::string> ids;
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < 2500; ++i) {
    ids.push_back("n-" + std::to_string(i));
    vectors.push_back({static_cast<float>(i) / 4.0f, 0.1f, -1.0f});
  }
  const Status done = ChromaClient(s).Upsert(kCollectionId, ids, vectors);
  ASSERT_TRUE(done.ok()) << done.message();

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::size_t sizes[] = {1000, 1000, 500};
  std::size_t next = 0;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    EXPECT_EQ(RequestLine(requests[r]), "POST " + Collections() + "/" + kCollectionId + "/upsert HTTP/1.1");
    EXPECT_NE(HeadOf(requests[r]).find("\r\nx-chroma-token: " + kToken + "\r\n"), std::string::npos);
    const json::object body = json::parse(BodyOf(requests[r])).as_object();
    const json::array& batch_ids = body.at("ids").as_array();
    const json::array& embeddings = body.at("embeddings").as_array();
    ASSERT_EQ(batch_ids.size(), sizes[r]);
    ASSERT_EQ(embeddings.size(), sizes[r]);
    for (std::size_t i = 0; i < batch_ids.size(); ++i, ++next) {
      ASSERT_EQ(batch_ids[i].as_string(), ids[next]);
      const json::array& e = embeddings[i].as_array();
      ASSERT_EQ(e.size(), 3u);
      // The float as written reads back as the same float.
      EXPECT_EQ(static_cast<float>(e[0].to_number<double>()), vectors[next][0]);
      EXPECT_EQ(static_cast<float>(e[1].to_number<double>()), 0.1f);
    }
  }
  EXPECT_EQ(next, ids.size());
}

TEST(ChromaClient, AChromaErrorNamesTheHostAndItsMessageWithoutTheToken) {
  LocalServer server([](int fd, const std::string&, int) {
    Answer(fd, 404,
           R"({"error":"NotFoundError","message":"Collection [)" + kCollectionId + R"(] does not exist, token )" + kToken +
               R"("})",
           "Not Found");
  });
  const ChromaClient client(SettingsFor(server));
  auto got = client.Query(kCollectionId, {1.0f, 0.0f}, 4);
  ASSERT_FALSE(got.ok());
  const std::string& m = got.status().message();
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.find(server.url("")), std::string::npos) << m;  // the host
  EXPECT_NE(m.find("query of collection " + kCollectionId), std::string::npos) << m;  // the step
  EXPECT_NE(m.find("answered 404"), std::string::npos) << m;
  EXPECT_NE(m.find("NotFoundError: Collection [" + kCollectionId + "] does not exist"), std::string::npos) << m;
  EXPECT_EQ(m.find(kToken), std::string::npos) << m;
  EXPECT_EQ(server.requests().size(), 1u);  // not tried again

  // A body Chroma cannot take (axum's 422) is no transient failure either.
  LocalServer unprocessable([](int fd, const std::string&, int) {
    Answer(fd, 422, R"({"error":"InvalidArgumentError","message":"Failed to deserialize the JSON body"})");
  });
  const Status refused = ChromaClient(SettingsFor(unprocessable)).Upsert(kCollectionId, {"a"}, {{1.0f}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("upsert into collection " + kCollectionId), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("answered 422: InvalidArgumentError: Failed to deserialize"), std::string::npos)
      << refused.message();
  EXPECT_EQ(refused.message().find(kToken), std::string::npos);
  EXPECT_EQ(unprocessable.requests().size(), 1u);

  // A refused token.
  LocalServer unauthorized([](int fd, const std::string&, int) {
    Answer(fd, 401, R"({"error":"AuthError","message":"Unauthorized"})");
  });
  const Status denied = ChromaClient(SettingsFor(unauthorized)).Heartbeat();
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied) << denied.message();
  EXPECT_NE(denied.message().find("the token is refused"), std::string::npos) << denied.message();
  EXPECT_EQ(denied.message().find(kToken), std::string::npos);
}

TEST(ChromaClient, AnUnavailableChromaIsTriedAgain) {
  LocalServer server([](int fd, const std::string&, int index) {
    if (index == 0) return Answer(fd, 503, R"({"error":"ChromaError","message":"busy"})", "Service Unavailable");
    Answer(fd, 200, "42");
  });
  auto got = ChromaClient(SettingsFor(server)).Count(kCollectionId);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, 42);
  EXPECT_EQ(server.requests().size(), 2u);

  LocalServer always([](int fd, const std::string&, int) { Answer(fd, 503, "", "Service Unavailable"); });
  auto failed = ChromaClient(SettingsFor(always)).Count(kCollectionId);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status().message().find("answered 503"), std::string::npos) << failed.status().message();
  EXPECT_EQ(always.requests().size(), 3u);
}

TEST(ChromaClient, ASilentChromaTimesOut) {
  std::atomic<bool> release{false};
  LocalServer server([&](int, const std::string&, int) {
    while (!release) std::this_thread::sleep_for(10ms);
  });
  ChromaSettings s = SettingsFor(server);
  s.timeout = 200ms;
  s.retry.attempts = 1;
  const auto start = std::chrono::steady_clock::now();
  const Status got = ChromaClient(s).Heartbeat();
  const auto took = std::chrono::steady_clock::now() - start;
  release = true;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), StatusCode::kUnavailable);
  EXPECT_NE(got.message().find("heartbeat"), std::string::npos) << got.message();
  EXPECT_NE(got.message().find("timed out"), std::string::npos) << got.message();
  EXPECT_EQ(got.message().find(kToken), std::string::npos);
  EXPECT_LT(took, 2s);
}

TEST(ChromaClient, AMalformedAnswerIsRefused) {
  struct Case {
    std::string body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"<html>not chroma</html>", "not JSON"},
      {R"({"ids":[["a","b"]]})", "without \"distances\""},
      {R"({"ids":[["a","b"]],"distances":[[0.1]]})", "2 ids with 1 distances"},
      {R"({"ids":["a"],"distances":[[0.1]]})", "without \"ids\""},
      {R"({"ids":[["a"]],"distances":[[null]]})", "distance that is not a number"},
  };
  for (const Case& c : cases) {
    LocalServer server([&](int fd, const std::string&, int) { Answer(fd, 200, c.body); });
    auto got = ChromaClient(SettingsFor(server)).Query(kCollectionId, {1.0f}, 2);
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << c.body;
    EXPECT_NE(got.status().message().find(c.expected), std::string::npos) << got.status().message();
    EXPECT_NE(got.status().message().find("query of collection"), std::string::npos) << got.status().message();
  }

  LocalServer server([](int fd, const std::string& request, int) {
    const std::string line = RequestLine(request);
    if (line.starts_with("POST ")) return Answer(fd, 200, R"({"name":"norms"})");
    if (line.find("/count ") != std::string::npos) return Answer(fd, 200, R"({"count":3})");
    Answer(fd, 200, "{}");  // the heartbeat
  });
  const ChromaClient client(SettingsFor(server));
  auto id = client.EnsureCollection("norms");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("without its \"id\""), std::string::npos) << id.status().message();
  auto count = client.Count(kCollectionId);
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("no count"), std::string::npos) << count.status().message();
  const Status beat = client.Heartbeat();
  ASSERT_FALSE(beat.ok());
  EXPECT_NE(beat.message().find("nanosecond heartbeat"), std::string::npos) << beat.message();
}

TEST(ChromaClient, BadInputIsRefusedBeforeAnyRequest) {
  LocalServer server([](int fd, const std::string&, int) { Answer(fd, 200, "{}"); });
  const ChromaClient client(SettingsFor(server));
  EXPECT_EQ(client.Upsert(kCollectionId, {"a", "b"}, {{1.0f}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Upsert(kCollectionId, {"a", "b"}, {{1.0f, 2.0f}, {1.0f}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Upsert(kCollectionId, {"a"}, {{std::numeric_limits<float>::quiet_NaN()}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Query(kCollectionId, {1.0f}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Query(kCollectionId, {}, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.EnsureCollection("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(client.Upsert(kCollectionId, {}, {}).ok());  // nothing to send
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace estimate::ai
