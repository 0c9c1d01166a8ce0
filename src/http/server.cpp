#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <future>
#include <list>
#include <sstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/text.hpp"
#include "http/pipeline.hpp"
#include "http/request_head.hpp"
#include "telemetry/log.hpp"

namespace estimate::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class Session;

struct Server::Impl {
  Impl(ServerOptions o, Pipeline& p)
      : options(std::move(o)),
        pipeline(p),
        workers(options.worker_threads),
        heavy(std::max(1, options.heavy_threads)),
        streams(std::max(1, options.stream_threads)) {}

  ServerOptions options;
  Pipeline& pipeline;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool workers;
  net::thread_pool heavy;
  net::thread_pool streams;  // the producers of streamed answers
  std::atomic<int> heavy_pending{0};  // queued or running on `heavy`
  std::atomic<int> streams_pending{0};  // streamed answers queued or running on `streams`
  std::atomic<int> connections{0};
  int max_connections = 0;
  // Accept errors: back-off, and one log line per 10 s with the count of the others.
  // The accept loop, its back-off timer and their cancellation run on this strand.
  net::strand<net::io_context::executor_type> accept_strand{ioc.get_executor()};
  net::steady_timer accept_timer{accept_strand};
  std::chrono::milliseconds accept_backoff{0};
  Clock::time_point accept_logged{};
  long accept_errors_unlogged = 0;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex sessions_mu;
  std::list<std::weak_ptr<Session>> sessions;
  std::optional<net::steady_timer> drain_timer;
  Clock::time_point drain_deadline;
  bool drained_in_time = true;

  void Accept();
  void OnAcceptError(const boost::system::error_code& ec);
  bool EvictIdle();
  void BeginStop();
  void Drain();
};

// Bytes reserved after a request body (formats::kJsonPadding; http knows no formats).
constexpr std::size_t kBodyPadding = 64;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server), read_timer_(stream_.get_executor()) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void Start() { Read(); }

  // Called on shutdown: a connection waiting for its next request is closed now; one with a
  // request in flight closes after answering it.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

  // For the connection cap: true once for a connection that waits for a request and has sent
  // none of it; it is then closed on its strand unless a request began meanwhile.
  bool TakeIdle() { return idle_.exchange(false); }
  void CloseIfStillIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_ && self->buffer_.size() == 0) self->Close();
    });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    // A timer of our own rather than the stream's expiry, which would close the socket before a
    // 408 could be sent.
    stream_.expires_never();
    timed_out_ = false;
    head_scanned_ = 0;
    read_timer_.expires_after(server_.options.read_timeout);
    read_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    ReadHead();
  }

  std::string_view Buffered() const {
    return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  }

  // Reads until the head is complete, so that it is checked before the parser reads a body by it.
  void ReadHead() {
    if (auto end = HeadEnd(Buffered(), head_scanned_)) return OnHead(*end);
    head_scanned_ = buffer_.size() > 3 ? buffer_.size() - 3 : 0;
    if (buffer_.size() >= server_.options.header_limit) {
      return Answer(431, "request headers exceed " +
                             std::to_string(server_.options.header_limit) + " bytes");
    }
    idle_ = buffer_.size() == 0;
    stream_.async_read_some(buffer_.prepare(8192),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              self->buffer_.commit(n);
                              if (ec) return self->OnRead(ec);
                              self->ReadHead();
                            });
  }

  void OnHead(std::size_t end) {
    const HeadCheck check = CheckRequestHead(Buffered().substr(0, end), server_.options.body_limit);
    if (check.status != 0) return Answer(check.status, check.detail);
    if (check.content_length && *check.content_length > 0) {
      // The body's string with room to spare after it (the parser's own reserve is then a
      // no-op): the JSON reader parses a document where it lies when it has 64 bytes of padding
      // (formats::kJsonPadding), instead of copying megabytes first. The head check has held
      // the length within the body limit.
      const auto length = static_cast<std::size_t>(*check.content_length);
      parser_->get().body().reserve(length + kBodyPadding);
    }
    const std::size_t have = buffer_.size() - end;
    if (check.expect_continue && (!check.content_length || have < *check.content_length)) {
      // RFC 9110 §10.1.1: the client waits (curl: one second) for this before sending the body.
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue),
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->Close();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->OnRead(ec);
                      });
  }

  // An answer the server gives itself (the request is not handled); the connection closes after.
  void Answer(int status, const std::string& detail, int retry_after = 0) {
    const auto started = Clock::now();
    read_timer_.cancel();
    Request request;
    if (parser_ && parser_->is_header_done()) {
      request.method = std::string(parser_->get().method_string());
      request.path = std::string(parser_->get().target());
      request.path = request.path.substr(0, request.path.find('?'));
    }
    Response response = server_.pipeline.Refuse(request, status, detail, started, retry_after);
    ++server_.in_flight;
    busy_ = true;
    Write(std::move(response), request.request_id, false, false);
  }

  void OnRead(beast::error_code ec) {
    const auto started = Clock::now();
    read_timer_.cancel();
    if (timed_out_ && ec) ec = beast::error::timeout;
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::bad_descriptor) {
      return Close();
    }
    if (ec) {
      const bool got_bytes = parser_->got_some() || buffer_.size() > 0;
      if (ec == beast::error::timeout && !got_bytes) return Close();  // idle keep-alive
      if (ec == beast::error::timeout) {
        return Answer(408, "the request did not arrive within " +
                               std::to_string(server_.options.read_timeout.count()) + " ms");
      }
      if (ec == bhttp::error::body_limit) {
        return Answer(413, "request body exceeds the limit of " +
                               std::to_string(server_.options.body_limit) +
                               " bytes (UPLOAD_MAX_SIZE)");
      }
      if (ec == bhttp::error::header_limit) {
        return Answer(431, "request headers exceed " +
                               std::to_string(server_.options.header_limit) + " bytes");
      }
      return Answer(400, "malformed request: " + ec.message());
    }

    auto& msg = parser_->get();
    Request request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.headers.reserve(8);
    for (const auto& field : msg) {
      request.headers.emplace_back(core::AsciiLower(field.name_string()),
                                   std::string(field.value()));
    }
    request.body = std::move(msg.body());
    beast::error_code ep_ec;
    auto endpoint = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) request.remote_address = endpoint.address().to_string();
    const bool keep_alive = msg.keep_alive();
    const bool head = msg.method() == bhttp::verb::head;

    ++server_.in_flight;
    busy_ = true;
    if (request.target.empty() || request.target.front() != '/') {
      Response response =
          server_.pipeline.Refuse(request, 400, "request target must be an absolute path", started);
      return Write(std::move(response), request.request_id, false, head);
    }
    auto q = request.target.find('?');
    request.path = PercentDecode(std::string_view(request.target).substr(0, q), false);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);

    auto prepared = server_.pipeline.Prepare(request);
    if (prepared.execution == Execution::kInline) {
      Response response = server_.pipeline.Execute(request, prepared, started);
      return Write(std::move(response), request.request_id, keep_alive, head);
    }
    const bool heavy = prepared.execution == Execution::kHeavy;
    if (heavy) {
      const int capacity = std::max(1, server_.options.heavy_threads) + server_.options.heavy_queue;
      if (++server_.heavy_pending > capacity) {
        --server_.heavy_pending;
        Response response = server_.pipeline.Refuse(
            request, 429,
            "the server is busy with other uploads and documents (" + std::to_string(capacity) +
                " at once); retry shortly",
            started, 5);
        return Write(std::move(response), request.request_id, keep_alive, head);
      }
    }
    auto job = [self = shared_from_this(), request = std::move(request), prepared, started,
                keep_alive, head, heavy]() mutable {
      Response response = self->server_.pipeline.Execute(request, prepared, started);
      if (heavy) --self->server_.heavy_pending;
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response), id = std::move(request.request_id),
                 keep_alive, head]() mutable {
                  self->Write(std::move(response), id, keep_alive, head);
                });
    };
    if (heavy) {
      net::post(server_.heavy, std::move(job));
    } else {
      net::post(server_.workers, std::move(job));
    }
  }

  void Write(Response response, const std::string& request_id, bool keep_alive, bool head) {
    if (response.stream && !head && response.status != 204 && response.status != 304) {
      // A bounded queue: four answers waiting per streaming thread, then 429.
      const int capacity = 5 * std::max(1, server_.options.stream_threads);
      if (++server_.streams_pending <= capacity) return Stream(std::move(response), request_id, keep_alive);
      --server_.streams_pending;
      response = Response::Problem(429, {}, "too many answers are streaming (" + std::to_string(capacity) +
                                                "); retry shortly");
      response.headers.emplace_back("retry-after", "5");
    }
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "estimate-service");
    if (!response.content_type.empty()) res->set(bhttp::field::content_type, response.content_type);
    res->set("X-Request-Id", request_id);
    for (auto& [name, value] : response.headers) res->set(name, value);
    keep_alive = keep_alive && !server_.stopping.load();
    res->keep_alive(keep_alive);
    if (response.status == 204 || response.status == 304) {
      // No body and no Content-Length (RFC 9110 §8.6: none in a 204; in a 304 only the length
      // the 200 would have, which Beast's prepare_payload would set to 0).
    } else if (head) {
      res->content_length(response.body.size());
    } else {
      res->body() = std::move(response.body);
      res->prepare_payload();
    }
    stream_.expires_after(server_.options.write_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive](beast::error_code ec,
                                                                    std::size_t) {
                         self->busy_ = false;
                         --self->server_.in_flight;
                         if (ec || !keep_alive || self->server_.stopping.load()) {
                           return self->Close();
                         }
                         self->Read();
                       });
  }

  // A streamed answer: the head with chunked transfer coding, then the producer on the streams
  // pool, each piece written by the connection's strand (with the write timeout) while the
  // producer waits; then the last chunk and the next request, as after any answer.
  class ChunkWriter : public BodyStream {
   public:
    explicit ChunkWriter(std::shared_ptr<Session> session) : session_(std::move(session)) {}
    bool Write(std::string_view piece) override {
      if (piece.empty()) return ok_;
      char size[20];
      const int n = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      std::string chunk(size, static_cast<std::size_t>(n));
      chunk.append(piece);
      chunk += "\r\n";
      return Send(std::move(chunk));
    }
    bool Send(std::string bytes) {
      // Not refused while stopping: the drain lets answers under way finish within the grace.
      if (!ok_) return false;
      auto data = std::make_shared<std::string>(std::move(bytes));
      auto done = std::make_shared<std::promise<bool>>();
      auto result = done->get_future();
      net::post(session_->stream_.get_executor(), [s = session_, data, done] {
        s->stream_.expires_after(s->server_.options.write_timeout);
        net::async_write(s->stream_, net::buffer(*data),
                         [data, done](beast::error_code ec, std::size_t) { done->set_value(!ec); });
      });
      // The io_context may stop (shutdown) with the write still queued: look again each 100 ms.
      while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (session_->server_.ioc.stopped()) return ok_ = false;
      }
      return ok_ = result.get();
    }
    bool ok() const { return ok_; }
    void Fail() { ok_ = false; }

   private:
    std::shared_ptr<Session> session_;
    bool ok_ = true;
  };

  void Stream(Response response, const std::string& request_id, bool keep_alive) {
    bhttp::response<bhttp::empty_body> res;
    res.version(11);
    res.result(static_cast<unsigned>(response.status));
    res.set(bhttp::field::server, "estimate-service");
    if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
    res.set("X-Request-Id", request_id);
    for (auto& [name, value] : response.headers) res.set(name, value);
    keep_alive = keep_alive && !server_.stopping.load();
    res.keep_alive(keep_alive);
    res.chunked(true);
    std::ostringstream head;
    head << res.base();
    net::post(server_.streams, [self = shared_from_this(), head = head.str(),
                                produce = std::move(response.stream), keep_alive]() mutable {
      ChunkWriter writer(self);
      if (writer.Send(std::move(head))) {
        bool whole = true;
        try {
          produce(writer);
        } catch (const std::exception& e) {
          telemetry::LogError("a streamed answer failed", {{"reason", e.what()}});
          whole = false;  // no last chunk: the client sees the answer cut, not complete
        }
        if (writer.ok() && whole) writer.Send("0\r\n\r\n");
        if (!whole) writer.Fail();
      }
      --self->server_.streams_pending;
      const bool ok = writer.ok();
      net::post(self->stream_.get_executor(), [self, ok, keep_alive] {
        self->busy_ = false;
        --self->server_.in_flight;
        if (!ok || !keep_alive || self->server_.stopping.load()) return self->Close();
        self->Read();
      });
    });
  }

  void Close() {
    idle_ = false;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  net::steady_timer read_timer_;
  bool timed_out_ = false;
  std::size_t head_scanned_ = 0;  // of the buffered head, looked at for its end already
  bool busy_ = false;  // a request is being handled or answered; touched on the strand only
  std::atomic<bool> idle_{false};  // read by the acceptor's strand (TakeIdle)
};

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), net::bind_executor(accept_strand, [this](
                                                     beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) return;
      // Out of descriptors or memory: pause. Anything else concerns one connection (aborted by
      // its client, a protocol error): accept the next at once.
      if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
          ec == net::error::no_memory || ec.value() == ENFILE) {
        return OnAcceptError(ec);
      }
      return Accept();
    }
    accept_backoff = std::chrono::milliseconds(0);
    if (connections.load() >= max_connections && !EvictIdle()) {
      // Every connection is busy: answer this one at once rather than let it wait unseen, as a
      // problem document with a request id like every other answer.
      const std::string id = NewRequestId();
      const std::string body =
          R"({"type":"about:blank","title":"Service Unavailable","status":503,)"
          R"("detail":"too many open connections; retry in a second","request_id":")" +
          id + "\"}";
      const std::string busy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
          "Retry-After: 1\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n"
          "X-Request-Id: " + id + "\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
      socket.non_blocking(true, ec);
      socket.write_some(net::buffer(busy), ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(sessions_mu);
        // Forget closed sessions now and then so that the list stays small.
        if (sessions.size() > 1024 && sessions.size() > 2 * static_cast<std::size_t>(
                                                              connections.load())) {
          sessions.remove_if([](auto& w) { return w.expired(); });
        }
        sessions.push_back(session);
      }
      session->Start();
    }
    Accept();
  }));
}

// Out of descriptors (EMFILE, ENFILE) or kernel memory: accepting again at once would fail again
// at once, spinning a core and flooding the log. Pause, growing from 10 ms to 1 s; close an idle
// connection to get a descriptor back; log the first error and then at most one line per 10 s.
void Server::Impl::OnAcceptError(const boost::system::error_code& ec) {
  const auto now = Clock::now();
  if (now - accept_logged >= std::chrono::seconds(10)) {
    telemetry::LogWarn("accept failed; pausing accepts",
                       {{"error", ec.message()},
                        {"repeated", std::to_string(accept_errors_unlogged), true},
                        {"connections", std::to_string(connections.load()), true},
                        {"max_connections", std::to_string(max_connections), true}});
    accept_logged = now;
    accept_errors_unlogged = 0;
  } else {
    ++accept_errors_unlogged;
  }
  EvictIdle();
  accept_backoff = std::clamp(accept_backoff * 2, std::chrono::milliseconds(10),
                              std::chrono::milliseconds(1000));
  accept_timer.expires_after(accept_backoff);
  accept_timer.async_wait(net::bind_executor(accept_strand, [this](beast::error_code wait_ec) {
    if (wait_ec || stopping) return;
    Accept();
  }));
}

// Closes the connection idle the longest; false when none is idle.
bool Server::Impl::EvictIdle() {
  std::lock_guard lock(sessions_mu);
  for (auto it = sessions.begin(); it != sessions.end();) {
    auto s = it->lock();
    if (!s) {
      it = sessions.erase(it);
      continue;
    }
    if (s->TakeIdle()) {
      // Left in the list: if a request began meanwhile, it is not closed, and shutdown must
      // still find it.
      s->CloseIfStillIdle();
      return true;
    }
    ++it;
  }
  return false;
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  telemetry::LogInfo("shutting down: no new connections; finishing requests in flight",
                     {{"in_flight", std::to_string(in_flight.load()), true}});
  beast::error_code ec;
  net::post(accept_strand, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_timer.cancel();
  });
  signals.cancel(ec);
  {
    std::lock_guard lock(sessions_mu);
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) s->CloseIfIdle();
    }
  }
  drain_deadline = Clock::now() + options.shutdown_grace;
  drain_timer.emplace(ioc);
  Drain();
}

void Server::Impl::Drain() {
  if (in_flight.load() == 0 || Clock::now() >= drain_deadline) {
    drained_in_time = in_flight.load() == 0;
    if (!drained_in_time) {
      telemetry::LogWarn("shutdown grace period over; closing with requests in flight",
                         {{"in_flight", std::to_string(in_flight.load()), true}});
    }
    ioc.stop();
    return;
  }
  drain_timer->expires_after(std::chrono::milliseconds(10));
  drain_timer->async_wait([this](beast::error_code) { Drain(); });
}

Server::Server(ServerOptions options, Pipeline& pipeline)
    : impl_(std::make_unique<Impl>(std::move(options), pipeline)) {}

Server::~Server() {
  impl_->workers.join();
  impl_->heavy.join();
  impl_->streams.join();
}

Status Server::Listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return InvalidArgument("host: \"" + impl_->options.host + "\" is not an IP address");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + impl_->options.host + ":" +
                       std::to_string(impl_->options.port) + ": " + ec.message());
  }
  // Descriptors: the soft limit raised to the hard one, then the cap kept below it.
  rlimit limit{};
  long descriptors = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    if (limit.rlim_cur < limit.rlim_max) {
      rlimit raised = limit;
      raised.rlim_cur = limit.rlim_max;
      if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    descriptors = limit.rlim_cur == RLIM_INFINITY
                      ? 1'000'000
                      : static_cast<long>(std::min<rlim_t>(limit.rlim_cur, 1'000'000));
  }
  const long ceiling = std::max(16L, descriptors - impl_->options.fd_reserve);
  long cap = impl_->options.max_connections > 0 ? impl_->options.max_connections
                                                : std::min(ceiling, 10'000L);
  if (cap > ceiling) {
    telemetry::LogWarn("MAX_CONNECTIONS above what the descriptor limit allows; lowered",
                       {{"max_connections", std::to_string(cap), true},
                        {"descriptor_limit", std::to_string(descriptors), true},
                        {"lowered_to", std::to_string(ceiling), true}});
    cap = ceiling;
  }
  impl_->max_connections = static_cast<int>(cap);
  return Status::Ok();
}

int Server::max_connections() const { return impl_->max_connections; }

unsigned short Server::port() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

bool Server::Run() {
  auto& impl = *impl_;
  impl.signals.async_wait([&impl](beast::error_code ec, int signal) {
    if (ec) return;
    telemetry::LogInfo("signal received", {{"signal", std::to_string(signal), true}});
    impl.BeginStop();
  });
  impl.Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl.options.io_threads; ++i) threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
  impl.workers.join();
  impl.heavy.join();
  impl.streams.join();
  return impl.drained_in_time;
}

void Server::Stop() {
  net::post(impl_->ioc, [impl = impl_.get()] { impl->BeginStop(); });
}

}  // namespace estimate::http
