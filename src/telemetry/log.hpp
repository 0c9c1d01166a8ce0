#pragma once
// Structured logging over spdlog. With LOG_FORMAT=json every line is one JSON object
// {"time","level","message",...fields}; with text, a readable line with key=value fields.
// Callers pass fields explicitly; nothing logs request headers or bodies, so tokens and
// passwords never reach the log.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace estimate::telemetry {

enum class LogFormat { kText, kJson };

struct LogField {
  std::string key;
  std::string value;
  bool is_number = false;  // written without quotes in JSON
};

using LogFields = std::vector<LogField>;

// Configures the process-wide logger (stderr). `level` is one of trace, debug, info, warn,
// error, critical, off; the caller has validated it.
void InitLogging(LogFormat format, const std::string& level);

void LogDebug(std::string_view message, const LogFields& fields = {});
void LogInfo(std::string_view message, const LogFields& fields = {});
void LogWarn(std::string_view message, const LogFields& fields = {});
void LogError(std::string_view message, const LogFields& fields = {});

// Appends `s` to `out` as the body of a JSON string (without the quotes).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace estimate::telemetry
