// The HTTP client against a local server of plain sockets that answers as the test says: the
// request as sent, bodies by length and in chunks (server-sent events piece by piece), deadlines,
// refused connections, and retries with backoff and Retry-After. No test needs the internet.
#include "http/client.hpp"

#include "support/local_server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace estimate::http {
namespace {

using test::LocalServer;

using namespace std::chrono_literals;

TEST(HttpClient, SendsTheRequestAndReadsTheAnswer) {
  LocalServer server([](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Thing: 7\r\n"
                          "Content-Length: 11\r\n\r\n{\"ok\":true}");
  });
  ClientRequest r;
  r.method = "POST";
  r.url = server.url("/v1/embeddings?x=1");
  r.headers = {{"Authorization", "Bearer sk-secret"}, {"Content-Type", "application/json"}};
  r.body = R"({"input":"кладка"})";
  auto got = Fetch(r);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->status, 201);
  EXPECT_EQ(got->body, "{\"ok\":true}");
  ASSERT_NE(got->Header("x-thing"), nullptr);
  EXPECT_EQ(*got->Header("x-thing"), "7");
  const std::string sent = server.requests().at(0);
  EXPECT_TRUE(sent.starts_with("POST /v1/embeddings?x=1 HTTP/1.1\r\n")) << sent;
  EXPECT_NE(sent.find("Host: 127.0.0.1:"), std::string::npos);
  EXPECT_NE(sent.find("Authorization: Bearer sk-secret\r\n"), std::string::npos);
  EXPECT_TRUE(sent.ends_with("\r\n\r\n{\"input\":\"кладка\"}")) << sent;
}

TEST(HttpClient, AStreamedBodyComesPieceByPieceAndMayBeStopped) {
  // The server sends the first event, then waits (up to 2 s) until the client has seen it: a
  // client that waited for the whole body would make it wait out.
  std::atomic<bool> seen_first{false};
  std::atomic<bool> waited_out{false};
  auto chunk = [](const std::string& event) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", event.size());
    return size + event + "\r\n";
  };
  LocalServer server([&](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n" + chunk("data: {\"n\":0}\n\n"));
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!seen_first && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    if (!seen_first) waited_out = true;
    LocalServer::Send(fd, chunk("data: {\"n\":1}\n\n") + chunk("data: {\"n\":2}\n\n") + "0\r\n\r\n");
  });
  ClientRequest r;
  r.url = server.url("/stream");
  r.timeout = 5s;
  std::string all;
  auto got = Fetch(r, [&](std::string_view piece) {
    all += piece;
    if (all.find("\"n\":0") != std::string::npos) seen_first = true;
    return true;
  });
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_FALSE(waited_out);
  EXPECT_EQ(all, "data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\n");
  EXPECT_TRUE(got->body.empty());

  // The sink says stop after the first event: nothing more is read.
  seen_first = false;
  std::string first;
  auto stopped = Fetch(r, [&](std::string_view piece) {
    first += piece;
    seen_first = true;
    return false;
  });
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(first, "data: {\"n\":0}\n\n");
}

TEST(HttpClient, ASilentServerTimesOutAndTheErrorKeepsNoSecret) {
  std::atomic<bool> release{false};
  LocalServer server([&](int, const std::string&, int) {
    while (!release) std::this_thread::sleep_for(10ms);
  });
  ClientRequest r;
  r.url = server.url("/slow");
  r.headers = {{"Authorization", "Bearer sk-secret"}};
  r.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  auto got = Fetch(r);
  const auto took = std::chrono::steady_clock::now() - started;
  release = true;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("timed out"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(got.status().message().find("sk-secret"), std::string::npos);
  EXPECT_LT(took, 3s);
}

TEST(HttpClient, ARefusedConnectionIsUnavailable) {
  int port = 0;
  {
    LocalServer gone([](int, const std::string&, int) {});
    port = std::stoi(gone.url().substr(17));
  }
  ClientRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto got = Fetch(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("connect to 127.0.0.1"), std::string::npos)
      << got.status().message();
}

TEST(HttpClient, RetriesWhatIsWorthRetryingWithBackoffAndRetryAfter) {
  LocalServer server([](int fd, const std::string&, int index) {
    if (index == 0) {
      LocalServer::Send(fd, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n");
    } else if (index == 1) {
      LocalServer::Send(fd, "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n");
    } else {
      LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  ClientRequest r;
  r.url = server.url();
  std::vector<std::chrono::milliseconds> waits;
  int attempts = 0;
  auto got = FetchWithRetry(r, RetryPolicy{4, 100ms, 2.0, 5000ms},
                            [&](std::chrono::milliseconds d) { waits.push_back(d); }, &attempts);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(attempts, 3);
  // Retry-After: 2 s first; then the policy's backoff (second delay: 100 ms × 2).
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{2000ms, 200ms}));

  // A client error is an answer: not tried again.
  LocalServer bad([](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
  });
  r.url = bad.url();
  auto refused = FetchWithRetry(r, RetryPolicy{4, 1ms, 2.0, 5ms}, [](auto) {}, &attempts);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(attempts, 1);

  // Every attempt fails: the last error, after as many attempts as the policy allows.
  r.url = "http://127.0.0.1:1/";
  auto down = FetchWithRetry(r, RetryPolicy{3, 1ms, 2.0, 5ms}, [](auto) {}, &attempts);
  EXPECT_FALSE(down.ok());
  EXPECT_EQ(attempts, 3);
}

TEST(HttpClient, ALargeBodyIsRefusedPastItsLimit) {
  LocalServer server([](int fd, const std::string&, int) {
    LocalServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x'));
  });
  ClientRequest r;
  r.url = server.url();
  r.body_limit = 1000;
  auto got = Fetch(r);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("over 1000 bytes"), std::string::npos);
}

TEST(HttpClient, UrlsAreReadStrictly) {
  auto a = ParseUrl("https://api.openai.com/v1/chat/completions");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "api.openai.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->target, "/v1/chat/completions");
  auto b = ParseUrl("http://[::1]:8000?x=1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "8000");
  EXPECT_EQ(b->target, "/?x=1");
  EXPECT_FALSE(ParseUrl("ftp://x/").ok());
  EXPECT_FALSE(ParseUrl("http://user:pw@host/").ok());
  EXPECT_FALSE(ParseUrl("http://host:99999/").ok());
  EXPECT_FALSE(ParseUrl("http:///path").ok());
}

// TLS against `openssl s_server` with a certificate made for the test: trusted through ca_file
// it answers; with the system's authorities, or under another host name, the handshake fails.
TEST(HttpClient, HttpsChecksTheCertificateAndItsHostName) {
  char dir_template[] = "/tmp/estimate-tls-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
      "/c.pem -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  int port = 0;
  {
    LocalServer probe([](int, const std::string&, int) {});
    port = std::stoi(probe.url().substr(17));
  }
  const std::string serve = "openssl s_server -quiet -accept 127.0.0.1:" + std::to_string(port) +
                            " -cert " + dir + "/c.pem -key " + dir + "/k.pem -www >/dev/null 2>&1 & echo $!";
  FILE* p = ::popen(serve.c_str(), "r");
  ASSERT_NE(p, nullptr);
  int pid = 0;
  ASSERT_EQ(std::fscanf(p, "%d", &pid), 1);
  ::pclose(p);
  ClientRequest r;
  r.url = "https://localhost:" + std::to_string(port) + "/";
  r.ca_file = dir + "/c.pem";
  r.timeout = 5s;
  Result<ClientResponse> got = Unavailable("not tried");
  for (int i = 0; i < 100; ++i) {  // until s_server listens
    got = Fetch(r);
    if (got.ok() || got.status().message().find("connect to") == std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->status, 200);
  EXPECT_NE(got->body.find("s_server"), std::string::npos);

  r.ca_file.clear();  // the system's authorities do not know the test's certificate
  auto untrusted = Fetch(r);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.status().message().find("TLS handshake with localhost"), std::string::npos)
      << untrusted.status().message();

  r.ca_file = dir + "/c.pem";
  r.url = "https://127.0.0.1:" + std::to_string(port) + "/";  // not the certificate's name
  auto other = Fetch(r);
  EXPECT_FALSE(other.ok());
  ::kill(pid, SIGTERM);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace estimate::http
