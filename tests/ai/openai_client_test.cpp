// The OpenAI-compatible client against a local server that speaks the protocol: the request as
// the API wants it, the answer streamed as server-sent events piece by piece with its usage, the
// provider's errors (its message, never the key), retries of what may pass, deadlines, and
// embeddings in the texts' order. No test needs the internet.
#include "ai/openai_client.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/local_server.hpp"

namespace estimate::ai {
namespace {

using namespace std::chrono_literals;
using test::LocalServer;
namespace json = boost::json;

const std::string kKey = "sk-test-0123456789abcdef";

std::string Chunk(const std::string& data) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

std::string Event(const std::string& data) { return Chunk("data: " + data + "\n\n"); }

std::string BodyOf(const std::string& request) { return request.substr(request.find("\r\n\r\n") + 4); }

OpenAiSettings SettingsFor(const LocalServer& server) {
  OpenAiSettings s;
  s.base_url = server.url("/v1/");
  s.api_key = kKey;
  s.model = "local-model";
  s.timeout = 2s;
  s.retry = {3, 1ms, 2.0, 5ms};
  return s;
}

TEST(SseReader, EventsSplitAnywhereComeWhole) {
  SseReader r;
  std::vector<std::string> events;
  const std::string stream = ": keep-alive\r\ndata: {\"a\":1}\r\n\r\ndata: two\ndata: lines\n\nevent: x\ndata: [DONE]\n\n";
  for (char c : stream) r.Feed(std::string_view(&c, 1), [&](std::string_view d) { events.emplace_back(d); });
  EXPECT_EQ(events, (std::vector<std::string>{"{\"a\":1}", "two\nlines", "[DONE]"}));
}

TEST(OpenAiClient, StreamsTheAnswerWithItsUsage) {
  LocalServer server([](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    LocalServer::Send(fd, Event(R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})"));
    LocalServer::Send(fd, Event(R"({"id":"c1","choices":[{"index":0,"delta":{"content":"Норма "},"finish_reason":null}]})"));
    LocalServer::Send(fd, Event(R"({"id":"c1","choices":[{"index":0,"delta":{"content":"ГЭСН01-02-057-02 [1]"},"finish_reason":"stop"}]})"));
    LocalServer::Send(fd, Event(R"({"id":"c1","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}})"));
    LocalServer::Send(fd, Event("[DONE]") + "0\r\n\r\n");
  });
  OpenAiClient client(SettingsFor(server));
  std::vector<std::string> pieces;
  auto got = client.Chat({{"system", "Отвечай по источникам."}, {"user", "Какая норма для копки траншей?"}},
                         [&](std::string_view t) {
                           pieces.emplace_back(t);
                           return true;
                         });
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->text, "Норма ГЭСН01-02-057-02 [1]");
  EXPECT_EQ(pieces, (std::vector<std::string>{"Норма ", "ГЭСН01-02-057-02 [1]"}));
  EXPECT_EQ(got->finish_reason, "stop");
  EXPECT_EQ(got->prompt_tokens, 120);
  EXPECT_EQ(got->completion_tokens, 9);
  EXPECT_EQ(got->attempts, 1);

  // The request as the API wants it.
  const std::string request = server.requests().at(0);
  EXPECT_TRUE(request.starts_with("POST /v1/chat/completions HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Authorization: Bearer " + kKey + "\r\n"), std::string::npos);
  const json::object body = json::parse(BodyOf(request)).as_object();
  EXPECT_EQ(body.at("model").as_string(), "local-model");
  EXPECT_TRUE(body.at("stream").as_bool());
  EXPECT_TRUE(body.at("stream_options").as_object().at("include_usage").as_bool());
  const json::array& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].as_object().at("role").as_string(), "user");
  EXPECT_EQ(messages[1].as_object().at("content").as_string(), "Какая норма для копки траншей?");
}

TEST(OpenAiClient, ARefusedKeyIsNamedWithoutTheKey) {
  LocalServer server([](int fd, const std::string&, int) {
    const std::string body = R"({"error":{"message":"Incorrect API key provided: )" + kKey +
                             R"(.","type":"invalid_request_error","code":"invalid_api_key"}})";
    LocalServer::Send(fd, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  OpenAiClient client(SettingsFor(server));
  auto got = client.Chat({{"user", "?"}}, nullptr);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(got.status().message().find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(got.status().message().find(kKey), std::string::npos) << got.status().message();
  EXPECT_EQ(server.requests().size(), 1u);  // a refused key is not tried again
}

TEST(OpenAiClient, AnOverloadedProviderIsTriedAgainBeforeAnyText) {
  LocalServer server([](int fd, const std::string&, int index) {
    if (index < 2) {
      const std::string body = R"({"error":{"message":"The server is overloaded"}})";
      LocalServer::Send(fd, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\n\r\n" + body);
      return;
    }
    LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              Event(R"({"choices":[{"index":0,"delta":{"content":"готово"},"finish_reason":"stop"}]})") +
                              Event("[DONE]") + "0\r\n\r\n");
  });
  OpenAiClient client(SettingsFor(server));
  auto got = client.Chat({{"user", "?"}}, nullptr);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->text, "готово");
  EXPECT_EQ(got->attempts, 3);

  LocalServer always([](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
  });
  OpenAiClient down(SettingsFor(always));
  auto failed = down.Chat({{"user", "?"}}, nullptr);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status().message().find("answered 502"), std::string::npos) << failed.status().message();
  EXPECT_EQ(always.requests().size(), 3u);
}

TEST(OpenAiClient, ASilentProviderTimesOut) {
  std::atomic<bool> release{false};
  LocalServer server([&](int, const std::string&, int) {
    while (!release) std::this_thread::sleep_for(10ms);
  });
  OpenAiSettings s = SettingsFor(server);
  s.timeout = 200ms;
  s.retry.attempts = 1;
  auto got = OpenAiClient(s).Chat({{"user", "?"}}, nullptr);
  release = true;
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("timed out"), std::string::npos) << got.status().message();
}

TEST(OpenAiClient, EmbeddingsComeInTheTextsOrder) {
  LocalServer server([](int fd, const std::string&, int) {
    const std::string body =
        R"({"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,-1]},)"
        R"({"object":"embedding","index":0,"embedding":[1,0.25]}],"model":"e","usage":{"prompt_tokens":4,"total_tokens":4}})";
    LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  OpenAiSettings s = SettingsFor(server);
  s.embedding_model = "e";
  auto got = OpenAiClient(s).Embed({"кладка", "бетон"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0], (std::vector<float>{1.0f, 0.25f}));
  EXPECT_EQ((*got)[1], (std::vector<float>{0.5f, -1.0f}));
  const std::string request = server.requests().at(0);
  EXPECT_TRUE(request.starts_with("POST /v1/embeddings HTTP/1.1\r\n"));
  const json::object body = json::parse(BodyOf(request)).as_object();
  EXPECT_EQ(body.at("model").as_string(), "e");
  EXPECT_EQ(body.at("input").as_array().size(), 2u);
}

}  // namespace
}  // namespace estimate::ai
