#include "telemetry/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace estimate::telemetry {
namespace {

LogFormat g_format = LogFormat::kText;

std::string Compose(std::string_view message, const LogFields& fields) {
  std::string out;
  out.reserve(message.size() + 32 * fields.size() + 16);
  if (g_format == LogFormat::kJson) {
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
  } else {
    out += message;
    for (const auto& f : fields) {
      out += ' ';
      out += f.key;
      out += '=';
      out += f.value;
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
