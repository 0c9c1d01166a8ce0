#include "cache/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <memory>

namespace estimate::cache {
namespace {

bool ParseInt(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

}  // namespace

Result<RedisAddress> ParseRedisUrl(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) {
    return InvalidArgument("REDIS_URL: must start with redis:// (got \"" +
                           url.substr(0, url.find(':')) + "\")");
  }
  RedisAddress a;
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    a.password = std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  std::string_view hostport = rest.substr(0, rest.find('/'));
  if (auto slash = rest.find('/'); slash != std::string_view::npos && slash + 1 < rest.size()) {
    if (!ParseInt(rest.substr(slash + 1), a.db) || a.db < 0) {
      return InvalidArgument("REDIS_URL: database \"" + std::string(rest.substr(slash + 1)) +
                             "\" is not a number");
    }
  }
  auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos) {
    if (!ParseInt(hostport.substr(colon + 1), a.port) || a.port <= 0 || a.port > 65535) {
      return InvalidArgument("REDIS_URL: port \"" + std::string(hostport.substr(colon + 1)) +
                             "\" is not a port number");
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) return InvalidArgument("REDIS_URL: host is missing");
  a.host = std::string(hostport);
  return a;
}

Status RedisPing(const RedisAddress& address, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  std::unique_ptr<redisContext, ContextFree> ctx(
      redisConnectWithTimeout(address.host.c_str(), address.port, tv));
  const std::string where = "redis " + address.host + ":" + std::to_string(address.port);
  if (!ctx) return Unavailable(where + ": cannot allocate a connection");
  if (ctx->err) return Unavailable(where + " unreachable: " + ctx->errstr);
  redisSetTimeout(ctx.get(), tv);
  auto command = [&](const char* fmt, auto... args) -> Status {
    std::unique_ptr<redisReply, ReplyFree> reply(
        static_cast<redisReply*>(redisCommand(ctx.get(), fmt, args...)));
    if (!reply) return Unavailable(where + ": " + (ctx->err ? ctx->errstr : "no reply"));
    if (reply->type == REDIS_REPLY_ERROR) {
      return Unavailable(where + ": " + std::string(reply->str, reply->len));
    }
    return Status::Ok();
  };
  if (!address.password.empty()) {
    if (auto s = command("AUTH %s", address.password.c_str()); !s.ok()) return s;
  }
  if (address.db != 0) {
    if (auto s = command("SELECT %d", address.db); !s.ok()) return s;
  }
  return command("PING");
}

}  // namespace estimate::cache
