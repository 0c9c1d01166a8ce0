#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <thread>

namespace estimate::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Runs one asynchronous step to its end on `ioc` (so that the stream's deadline applies: Beast
// honours it only for asynchronous operations).
template <typename Start>
error_code Step(asio::io_context& ioc, Start&& start) {
  error_code result = asio::error::would_block;
  start([&result](error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Status Failed(const ParsedUrl& u, std::string_view step, const error_code& ec) {
  std::string what = ec == beast::error::timeout ? "timed out" : ec.message();
  return Unavailable(std::string(step) + " " + u.host + ":" + u.port + ": " + what);
}

template <typename Stream, typename Lowest>
Result<ClientResponse> Exchange(asio::io_context& ioc, Stream& stream, Lowest& lowest,
                                const ParsedUrl& u, const ClientRequest& r, const BodySink& sink) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(r.method);
  req.target(u.target);
  req.version(11);
  const bool default_port = (u.tls && u.port == "443") || (!u.tls && u.port == "80");
  req.set(bhttp::field::host, default_port ? u.host : u.host + ":" + u.port);
  req.set(bhttp::field::user_agent, "estimate-service");
  for (const auto& [name, value] : r.headers) req.set(name, value);
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    req.body() = r.body;
    req.prepare_payload();
  }
  lowest.expires_after(r.timeout);
  if (error_code ec = Step(ioc, [&](auto h) { bhttp::async_write(stream, req, h); })) {
    return Failed(u, "send to", ec);
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  if (error_code ec = Step(ioc, [&](auto h) { bhttp::async_read_header(stream, buffer, parser, h); })) {
    return Failed(u, "read the answer of", ec);
  }
  ClientResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    out.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  char piece[16384];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    if (sink) lowest.expires_after(r.timeout);  // a stream may last; each piece may not wait long
    error_code ec = Step(ioc, [&](auto h) { bhttp::async_read_some(stream, buffer, parser, h); });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return Failed(u, "read the answer of", ec);
    const std::size_t n = sizeof piece - parser.get().body().size;
    if (n == 0) continue;
    if (sink) {
      if (!sink(std::string_view(piece, n))) break;
    } else {
      if (out.body.size() + n > r.body_limit) {
        return Unavailable("the answer of " + u.host + ":" + u.port + " is over " +
                           std::to_string(r.body_limit) + " bytes");
      }
      out.body.append(piece, n);
    }
  }
  return out;
}

std::optional<std::chrono::milliseconds> RetryAfter(const ClientResponse& r) {
  const std::string* v = r.Header("retry-after");
  if (v == nullptr) return std::nullopt;
  long seconds = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
  if (ec != std::errc() || p != v->data() + v->size() || seconds < 0) return std::nullopt;
  return std::chrono::milliseconds(seconds * 1000);
}

}  // namespace

const std::string* ClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl u;
  std::string_view rest;
  if (url.starts_with("https://")) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return InvalidArgument("url: \"" + std::string(url.substr(0, 64)) + "\" is not http(s)://…");
  }
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("url: credentials in the address are not accepted");
  }
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8000
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("url: unclosed [ in the host");
    u.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() == ':') u.port = std::string(authority.substr(1));
  } else {
    const std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
  }
  if (u.host.empty()) return InvalidArgument("url: no host");
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  int port = 0;
  auto [p, ec] = std::from_chars(u.port.data(), u.port.data() + u.port.size(), port);
  if (ec != std::errc() || p != u.port.data() + u.port.size() || port < 1 || port > 65535) {
    return InvalidArgument("url: \"" + u.port + "\" is not a port");
  }
  return u;
}

Result<ClientResponse> Fetch(const ClientRequest& request, const BodySink& sink) {
  auto url = ParseUrl(request.url);
  if (!url.ok()) return url.status();
  const ParsedUrl& u = *url;
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  if (error_code ec = Step(ioc, [&](auto h) {
        resolver.async_resolve(u.host, u.port, [&endpoints, h](error_code e, tcp::resolver::results_type r) mutable {
          endpoints = std::move(r);
          h(e);
        });
      })) {
    return Failed(u, "resolve", ec);
  }
  try {
    if (!u.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(request.connect_timeout);
      if (error_code ec = Step(ioc, [&](auto h) { stream.async_connect(endpoints, h); })) {
        return Failed(u, "connect to", ec);
      }
      auto out = Exchange(ioc, stream, stream, u, request, sink);
      error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return out;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (request.ca_file.empty()) {
      ctx.set_default_verify_paths();
    } else {
      error_code ec;
      ctx.load_verify_file(request.ca_file, ec);
      if (ec) return Unavailable("TLS to " + u.host + ": cannot read " + request.ca_file + ": " + ec.message());
    }
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str())) {
      return Unavailable("TLS to " + u.host + ": cannot set the server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
    beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(request.connect_timeout);
    if (error_code ec = Step(ioc, [&](auto h) { lowest.async_connect(endpoints, h); })) {
      return Failed(u, "connect to", ec);
    }
    if (error_code ec = Step(ioc, [&](auto h) { stream.async_handshake(asio::ssl::stream_base::client, h); })) {
      return Failed(u, "TLS handshake with", ec);
    }
    return Exchange(ioc, stream, lowest, u, request, sink);
  } catch (const std::exception& e) {
    return Unavailable(u.host + ":" + u.port + ": " + e.what());
  }
}

Result<ClientResponse> FetchWithRetry(const ClientRequest& request, const RetryPolicy& policy,
                                      const std::function<void(std::chrono::milliseconds)>& sleep,
                                      int* attempts_made) {
  std::chrono::milliseconds delay = policy.first_delay;
  Result<ClientResponse> last = Unavailable("no attempt");
  const int attempts = std::max(policy.attempts, 1);
  for (int i = 1; i <= attempts; ++i) {
    if (attempts_made != nullptr) *attempts_made = i;
    last = Fetch(request);
    std::optional<std::chrono::milliseconds> wait;
    if (last.ok()) {
      const int s = last->status;
      if (s != 429 && s != 502 && s != 503 && s != 504) return last;
      wait = RetryAfter(*last);
    } else if (last.status().code() != StatusCode::kUnavailable) {
      return last;  // a bad URL is not tried again
    }
    if (i == attempts) break;
    std::chrono::milliseconds pause = std::min(wait.value_or(delay), policy.max_delay);
    if (sleep) {
      sleep(pause);
    } else {
      std::this_thread::sleep_for(pause);
    }
    delay = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * policy.factor));
  }
  return last;
}

}  // namespace estimate::http
