#include "telemetry/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace estimate::telemetry {
namespace {

LogFormat g_format = LogFormat::kText;

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

void AppendHexEscape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

// One byte as AppendTextEscaped writes it.
void AppendTextByte(std::string& out, unsigned char c) {
  switch (c) {
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (IsControl(c)) {
        AppendHexEscape(out, c);
      } else {
        out += static_cast<char>(c);
      }
  }
}

// Quoted when a reader could take the bare value for something else: nothing at all, more
// `key=value` pairs, a quoted value, or escapes.
bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (IsControl(c) || c == ' ' || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

std::string Compose(std::string_view message, const LogFields& fields) {
  if (g_format == LogFormat::kText) return FormatTextMessage(message, fields);
  std::string out;
  out.reserve(message.size() + 32 * fields.size() + 16);
  out += "\"message\":\"";
  AppendJsonEscaped(out, message);
  out += '"';
  for (const auto& f : fields) {
    out += ",\"";
    AppendJsonEscaped(out, f.key);
    out += "\":";
    if (f.is_number) {
      out += f.value;
    } else {
      out += '"';
      AppendJsonEscaped(out, f.value);
      out += '"';
    }
  }
  return out;
}

void Log(spdlog::level::level_enum level, std::string_view message, const LogFields& fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  logger->log(level, "{}", Compose(message, fields));
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void AppendTextEscaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) AppendTextByte(out, c);
}

std::string FormatTextMessage(std::string_view message, const LogFields& fields) {
  std::string out;
  out.reserve(message.size() + 32 * fields.size());
  AppendTextEscaped(out, message);
  for (const auto& f : fields) {
    out += ' ';
    for (unsigned char c : f.key) {
      if (c == ' ' || c == '"' || c == '=') {
        AppendHexEscape(out, c);
      } else {
        AppendTextByte(out, c);
      }
    }
    out += '=';
    if (!NeedsQuotes(f.value)) {
      out += f.value;
      continue;
    }
    out += '"';
    for (unsigned char c : f.value) {
      if (c == '"') {
        out += "\\\"";
      } else {
        AppendTextByte(out, c);
      }
    }
    out += '"';
  }
  return out;
}

void InitLogging(LogFormat format, const std::string& level) {
  g_format = format;
  auto logger = spdlog::stderr_logger_mt("estimate");
  if (format == LogFormat::kJson) {
    // spdlog's %l gives "warning" for warn; the level names below are the JSON ones.
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void LogDebug(std::string_view m, const LogFields& f) { Log(spdlog::level::debug, m, f); }
void LogInfo(std::string_view m, const LogFields& f) { Log(spdlog::level::info, m, f); }
void LogWarn(std::string_view m, const LogFields& f) { Log(spdlog::level::warn, m, f); }
void LogError(std::string_view m, const LogFields& f) { Log(spdlog::level::err, m, f); }

}  // namespace estimate::telemetry
