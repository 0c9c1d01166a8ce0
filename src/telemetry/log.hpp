#pragma once
// Structured logging over spdlog. With LOG_FORMAT=json every line is one JSON object
// {"time","level","message",...fields}; with text, a readable line with key=value fields.
// Callers pass fields explicitly; nothing logs request headers or bodies, so tokens and
// passwords never reach the log.
//
// Either format writes one record as exactly one line, whatever the message and the fields hold
// (a request path is percent-decoded, so a client chooses its bytes): control characters are
// escaped, and in the text format a value that could pass for more `key=value` pairs is quoted.
// A forged record can therefore not be slipped into the log.
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

// Appends `s` to `out` with `\` as `\\`, newline, carriage return and tab as `\n`, `\r`, `\t`,
// and the other C0 control bytes and DEL as `\xNN` (two lower-case hex digits). Every other
// byte, UTF-8 (Cyrillic) included, is kept as it is. The result holds no control character.
void AppendTextEscaped(std::string& out, std::string_view s);

// The text format's record after the time and level: the message (escaped as by
// AppendTextEscaped), then ` key=value` per field. A value that is empty or holds a space, a
// control character, `"`, `=` or `\` is written as "…" with `"` as `\"` and the rest escaped
// as by AppendTextEscaped; any other value as it is. Keys come from the code, but are escaped
// the same way, with space, `"` and `=` as `\xNN`.
std::string FormatTextMessage(std::string_view message, const LogFields& fields);

}  // namespace estimate::telemetry
