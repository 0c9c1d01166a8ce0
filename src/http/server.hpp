#pragma once
// The HTTP/1.1 server. The only public face of Boost.Beast/Asio, which stay inside server.cpp.
// Network threads read and write; handlers marked kWorker run on a separate worker pool, so a
// slow database never stalls other connections, and kHeavy ones on a bounded pool of their own.
// Keep-alive, limits on header and body size, a deadline for reading each request (slow
// clients), a cap on open connections, the head checked before a body is read
// (http/request_head.hpp; `100 Continue` sent when the client waits for it), accept errors
// (out of descriptors) met with back-off and a log line at most every 10 s, and graceful
// shutdown.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/status.hpp"
#include "http/pipeline.hpp"

namespace estimate::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  unsigned short port = 3000;  // 0: any free port (tests)
  int io_threads = 2;
  int worker_threads = 8;
  std::size_t body_limit = 10 * 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  // The whole request (headers and body) must arrive within this; an idle keep-alive connection
  // is closed after it too.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  // On SIGTERM/SIGINT: stop accepting, give in-flight requests this long, then close.
  std::chrono::milliseconds shutdown_grace{20000};
  // Open connections at most (MAX_CONNECTIONS; 0: the descriptor limit less `fd_reserve`, which
  // keeps descriptors for the database, Redis, files and logs). At the cap a new connection
  // closes the longest-idle keep-alive connection, or, with none idle, is answered 503 and closed.
  int max_connections = 0;
  int fd_reserve = 96;
  // Execution::kHeavy: threads, and requests that may wait for one (beyond: 429).
  int heavy_threads = 2;
  // Answers streamed while they are made (Response::stream, server-sent events): at most this
  // many at once; more wait for one to end.
  int stream_threads = 8;
  int heavy_queue = 8;
};

class Server {
 public:
  Server(ServerOptions options, Pipeline& pipeline);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Unavailable with the reason when the address is taken or invalid.
  Status Listen();
  unsigned short port() const;
  // The connection cap in force (after Listen).
  int max_connections() const;

  // Serves until SIGTERM or SIGINT arrives (or Stop() is called), then shuts down gracefully
  // and returns. Returns false when the grace period ran out with requests still in flight.
  bool Run();
  // Starts the graceful shutdown from any thread.
  void Stop();

  struct Impl;  // public so that server.cpp's connection class can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace estimate::http
