#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <csignal>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

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
      : options(std::move(o)), pipeline(p), workers(options.worker_threads) {}

  ServerOptions options;
  Pipeline& pipeline;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool workers;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex sessions_mu;
  std::list<std::weak_ptr<Session>> sessions;
  std::optional<net::steady_timer> drain_timer;
  Clock::time_point drain_deadline;
  bool drained_in_time = true;

  void Accept();
  void BeginStop();
  void Drain();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server), read_timer_(stream_.get_executor()) {}

  void Start() { Read(); }

  // Called on shutdown: a connection waiting for its next request is closed now; one with a
  // request in flight closes after answering it.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
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
    read_timer_.expires_after(server_.options.read_timeout);
    read_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->OnRead(ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    const auto started = Clock::now();
    read_timer_.cancel();
    if (timed_out_ && ec) ec = beast::error::timeout;
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::bad_descriptor) {
      return Close();
    }
    if (ec) {
      const bool got_bytes = parser_->got_some() || buffer_.size() > 0;
      if (ec == beast::error::timeout && !got_bytes) return Close();  // idle keep-alive
      int status = 400;
      std::string detail = "malformed request: " + ec.message();
      if (ec == beast::error::timeout) {
        status = 408;
        detail = "the request did not arrive within " +
                 std::to_string(server_.options.read_timeout.count()) + " ms";
      } else if (ec == bhttp::error::body_limit) {
        status = 413;
        detail = "request body exceeds the limit of " +
                 std::to_string(server_.options.body_limit) + " bytes (UPLOAD_MAX_SIZE)";
      } else if (ec == bhttp::error::header_limit) {
        status = 431;
        detail = "request headers exceed " + std::to_string(server_.options.header_limit) +
                 " bytes";
      }
      Request request;
      if (parser_->is_header_done()) {
        request.method = std::string(parser_->get().method_string());
        request.path = std::string(parser_->get().target());
        request.path = request.path.substr(0, request.path.find('?'));
      }
      request.request_id = NewRequestId();
      Response response =
          Response::Problem(status, {}, detail, request.path, request.request_id);
      server_.pipeline.Record(request, response, started);
      ++server_.in_flight;
      busy_ = true;
      return Write(std::move(response), request.request_id, false, false);
    }

    auto& msg = parser_->get();
    Request request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.headers.reserve(8);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
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
      request.request_id = NewRequestId();
      Response response = Response::Problem(
          400, {}, "request target must be an absolute path", {}, request.request_id);
      server_.pipeline.Record(request, response, started);
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
    net::post(server_.workers, [self = shared_from_this(), request = std::move(request),
                                prepared, started, keep_alive, head]() mutable {
      Response response = self->server_.pipeline.Execute(request, prepared, started);
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response), id = std::move(request.request_id),
                 keep_alive, head]() mutable {
                  self->Write(std::move(response), id, keep_alive, head);
                });
    });
  }

  void Write(Response response, const std::string& request_id, bool keep_alive, bool head) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "estimate-service");
    if (!response.content_type.empty()) res->set(bhttp::field::content_type, response.content_type);
    res->set("X-Request-Id", request_id);
    for (auto& [name, value] : response.headers) res->set(name, value);
    keep_alive = keep_alive && !server_.stopping.load();
    res->keep_alive(keep_alive);
    if (head) {
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

  void Close() {
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
  bool busy_ = false;  // a request is being handled or answered; touched on the strand only
};

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) return;
      telemetry::LogWarn("accept failed", {{"error", ec.message()}});
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(sessions_mu);
        // Forget closed sessions now and then so that the list stays small.
        if (sessions.size() > 1024) sessions.remove_if([](auto& w) { return w.expired(); });
        sessions.push_back(session);
      }
      session->Start();
    }
    Accept();
  });
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  telemetry::LogInfo("shutting down: no new connections; finishing requests in flight",
                     {{"in_flight", std::to_string(in_flight.load()), true}});
  beast::error_code ec;
  acceptor.close(ec);
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
  return Status::Ok();
}

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
  return impl.drained_in_time;
}

void Server::Stop() {
  net::post(impl_->ioc, [impl = impl_.get()] { impl->BeginStop(); });
}

}  // namespace estimate::http
