#include "cache/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <memory>
#include <utility>

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

struct RedisPool::Connection {
  std::unique_ptr<redisContext, ContextFree> context;
};

RedisPool::RedisPool(RedisAddress address, std::chrono::milliseconds timeout, std::size_t max_idle)
    : address_(std::move(address)), timeout_(timeout), max_idle_(max_idle) {}

RedisPool::~RedisPool() = default;

std::unique_ptr<RedisPool::Connection> RedisPool::Take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  timeval tv{static_cast<time_t>(timeout_.count() / 1000),
             static_cast<suseconds_t>((timeout_.count() % 1000) * 1000)};
  auto c = std::make_unique<Connection>();
  c->context.reset(redisConnectWithTimeout(address_.host.c_str(), address_.port, tv));
  if (!c->context || c->context->err) return nullptr;
  redisSetTimeout(c->context.get(), tv);
  auto ok = [](void* raw) {
    std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
    return reply && reply->type != REDIS_REPLY_ERROR;
  };
  if (!address_.password.empty() &&
      !ok(redisCommand(c->context.get(), "AUTH %s", address_.password.c_str()))) {
    return nullptr;
  }
  if (address_.db != 0 && !ok(redisCommand(c->context.get(), "SELECT %d", address_.db))) {
    return nullptr;
  }
  return c;
}

void RedisPool::Give(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

std::optional<std::vector<RedisReply>> RedisPool::Run(
    const std::vector<std::vector<std::string>>& commands) {
  std::unique_ptr<Connection> c = Take();
  if (!c) return std::nullopt;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& command : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(c->context.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return std::nullopt;
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c->context.get(), &raw) != REDIS_OK) return std::nullopt;  // dropped
    std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
    RedisReply& out = replies.emplace_back();
    switch (reply->type) {
      case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::kInteger;
        out.integer = reply->integer;
        break;
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::kString;
        out.text.assign(reply->str, reply->len);
        break;
      case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::kError;
        out.text.assign(reply->str, reply->len);
        break;
      default:
        break;
    }
  }
  Give(std::move(c));
  return replies;
}

}  // namespace estimate::cache
