#include "telemetry/log.hpp"

#include <gtest/gtest.h>

#include <string>

namespace estimate::telemetry {
namespace {

std::string Escaped(std::string_view s) {
  std::string out;
  AppendTextEscaped(out, s);
  return out;
}

TEST(TextLog, EscapesControlCharactersAndBackslash) {
  EXPECT_EQ(Escaped("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(Escaped(std::string("\x00\x01\x1b[31m\x1f\x7f", 9)), "\\x00\\x01\\x1b[31m\\x1f\\x7f");
  EXPECT_EQ(Escaped("C:\\temp\\n"), "C:\\\\temp\\\\n");  // a literal \n stays told apart
  EXPECT_EQ(Escaped("plain text = \"ok\""), "plain text = \"ok\"");
}

TEST(TextLog, KeepsUtf8AsItIs) {
  EXPECT_EQ(Escaped("Смета №1 — «ЛСР»"), "Смета №1 — «ЛСР»");
  EXPECT_EQ(FormatTextMessage("запрос", {{"path", "/api/v1/norms/ГЭСН/01-01"}}),
            "запрос path=/api/v1/norms/ГЭСН/01-01");
}

TEST(TextLog, WritesPlainValuesBare) {
  EXPECT_EQ(FormatTextMessage("request", {{"method", "GET"},
                                          {"path", "/api/v1/projects/1"},
                                          {"status", "200", true}}),
            "request method=GET path=/api/v1/projects/1 status=200");
}

TEST(TextLog, AForgedRecordInAValueStaysOnItsLine) {
  // The probe's path, percent-decoded: a newline, then what looks like a record of its own.
  const std::string path = "/api/v1/projects/1\n2026-12-06 00:00:00.000 critical FORGED";
  const std::string line = FormatTextMessage("request", {{"path", path}, {"status", "404", true}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line,
            "request path=\"/api/v1/projects/1\\n2026-12-06 00:00:00.000 critical FORGED\" "
            "status=404");
}

TEST(TextLog, AValueCannotForgePairs) {
  // Without quotes this would read as status=200 user=admin.
  EXPECT_EQ(FormatTextMessage("request", {{"path", "/x status=200 user=admin"}}),
            "request path=\"/x status=200 user=admin\"");
  EXPECT_EQ(FormatTextMessage("m", {{"a", "x=y"}}), "m a=\"x=y\"");
  EXPECT_EQ(FormatTextMessage("m", {{"a", "say \"hi\""}}), "m a=\"say \\\"hi\\\"\"");
  EXPECT_EQ(FormatTextMessage("m", {{"a", "end\\"}}), "m a=\"end\\\\\"");
  // Quotes alone (no space) could end a quoted value a reader thinks it is in.
  EXPECT_EQ(FormatTextMessage("m", {{"a", "x\""}}), "m a=\"x\\\"\"");
}

TEST(TextLog, QuotesEmptyValues) {
  EXPECT_EQ(FormatTextMessage("m", {{"remote", ""}, {"n", "1", true}}), "m remote=\"\" n=1");
}

TEST(TextLog, EscapesTheMessageAndTheKeys) {
  EXPECT_EQ(FormatTextMessage("two\nlines", {}), "two\\nlines");
  EXPECT_EQ(FormatTextMessage("m", {{"k ey=\"\n", "v"}}), "m k\\x20ey\\x3d\\x22\\n=v");
}

TEST(TextLog, NoOutputHoldsAControlCharacter) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string line = FormatTextMessage(all, {{all, all}});
  for (unsigned char c : line) {
    EXPECT_FALSE(c < 0x20 || c == 0x7f) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace estimate::telemetry
