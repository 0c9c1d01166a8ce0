#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace estimate::core {
namespace {

TEST(Text, TrimBlanksRemovesSpacesAndTabsButKeepsLineEnds) {
  EXPECT_EQ(TrimBlanks(" \t a b \t "), "a b");
  EXPECT_EQ(TrimBlanks("\r\nx\r"), "\r\nx\r");
  EXPECT_EQ(TrimBlanks(" \t "), "");
  EXPECT_EQ(TrimBlanks(""), "");
}

TEST(Text, TrimWhitespaceAlsoRemovesCarriageReturnsAndLineFeeds) {
  EXPECT_EQ(TrimWhitespace("\r\n\t x y \r\n"), "x y");
  EXPECT_EQ(TrimWhitespace("\n\r"), "");
}

TEST(Text, TrimAnyRemovesTheGivenBytesOnly) {
  EXPECT_EQ(TrimAny("\r\t key \r", " \t\r"), "key");
  EXPECT_EQ(TrimAny("\nkey\n", " \t\r"), "\nkey\n");
  EXPECT_EQ(TrimAny("xxx", "x"), "");
  EXPECT_EQ(TrimAny("abc", ""), "abc");
}

TEST(Text, TrimsLeaveNoBreakSpacesAlone) {
  EXPECT_EQ(TrimWhitespace("\xC2\xA0"
                           "a"
                           "\xC2\xA0"),
            "\xC2\xA0"
            "a"
            "\xC2\xA0");
  EXPECT_EQ(TrimBlanks("\v\fa"), "\v\fa");
}

TEST(Text, AsciiLowerChangesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-Type: ЁЖ Z@["), "content-type: ЁЖ z@[");
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('\xD0'), '\xD0');
}

TEST(Text, ComparesIgnoringAsciiCase) {
  EXPECT_TRUE(EqualsIgnoringAsciiCase("Bearer", "bEARER"));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("Bearer", "Bearer "));
  EXPECT_TRUE(StartsWithIgnoringAsciiCase("bearer abc", "Bearer "));
  EXPECT_FALSE(StartsWithIgnoringAsciiCase("Bear", "Bearer "));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("Ж", "ж"));  // Cyrillic is not folded here
}

TEST(Text, AppendUtf8EncodesEveryLength) {
  std::string out;
  AppendUtf8(out, U'a');
  AppendUtf8(out, U'Ж');
  AppendUtf8(out, U'€');
  AppendUtf8(out, U'\U0001F600');
  EXPECT_EQ(out, "aЖ€\xF0\x9F\x98\x80");
}

TEST(Text, DecodeUtf8RoundTripsAndReplacesBadBytes) {
  const std::string s = "aЖ€\xF0\x9F\x98\x80";
  std::size_t len = 0;
  EXPECT_EQ(DecodeUtf8(s, 0, len), U'a');
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8(s, 1, len), U'Ж');
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(DecodeUtf8(s, 3, len), U'€');
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(DecodeUtf8(s, 6, len), U'\U0001F600');
  EXPECT_EQ(len, 4u);

  EXPECT_EQ(DecodeUtf8("\x80", 0, len), kReplacementCharacter);  // stray continuation byte
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8("\xD0", 0, len), kReplacementCharacter);  // truncated
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8("\xC1\x81", 0, len), kReplacementCharacter);  // overlong
  EXPECT_EQ(len, 1u);
}

}  // namespace
}  // namespace estimate::core
