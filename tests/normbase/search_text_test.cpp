#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normbase/russian_text.hpp"
#include "normbase/search_analyzer.hpp"

namespace estimate::normbase {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, tokens);
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.text);
  return out;
}

std::vector<std::string> Terms(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, tokens);
  std::vector<std::string> out;
  for (const auto& t : tokens) TermsOfToken(t, out);
  return out;
}

TEST(RussianText, FoldsCyrillicLatinAndYo) {
  EXPECT_EQ(FoldCase("ЁЛКА Щебень DN Ёмкость м²"), "елка щебень dn емкость м2");
  EXPECT_EQ(FoldCase("\xff"
                     "А"),
            "\xff"
            "а");  // a stray byte is kept, the rest folded
}

TEST(RussianText, SplitsWordsFromNumbersAndKeepsByteSpans) {
  std::vector<Token> tokens;
  const std::string text = "Ду50, труба";
  Tokenize(text, tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].text, "ду");
  EXPECT_EQ(tokens[0].begin, 0u);
  EXPECT_EQ(tokens[0].end, 4u);  // two Cyrillic letters, two bytes each
  EXPECT_EQ(tokens[1].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[1].text, "50");
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "труба");
}

TEST(RussianText, NumbersUnitsAndCodes) {
  EXPECT_EQ(Texts("1 200 мм"), (std::vector<std::string>{"1200", "мм"}));
  EXPECT_EQ(Texts("1 200 000"), (std::vector<std::string>{"1200000"}));
  EXPECT_EQ(Texts("до 2,50 МВт"), (std::vector<std::string>{"до", "2,50", "мвт"}));
  EXPECT_EQ(NormalizeNumber("2,50"), "2.5");
  EXPECT_EQ(NormalizeNumber("050"), "50");
  EXPECT_EQ(NormalizeNumber("0.0"), "0");
  EXPECT_EQ(Texts("100 м² и 5 м³/сутки, 10 т/час, кг/м3"),
            (std::vector<std::string>{"100", "м2", "и", "5", "м3/сут", "10", "т/ч", "кг/м3"}));
  EXPECT_EQ(Texts("м25"), (std::vector<std::string>{"м", "25"}));  // no unit: more digits follow
  std::vector<Token> tokens;
  Tokenize("12-01-001 01.7.03.01-0001 91.05", tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kCode);
  EXPECT_EQ(tokens[1].kind, TokenKind::kCode);
  EXPECT_EQ(tokens[1].text, "01.7.03.01-0001");
  EXPECT_EQ(tokens[2].kind, TokenKind::kDecimal);
}

TEST(RussianText, HyphenatedWordsGiveTheirPartsAndTheJoinedWord) {
  EXPECT_EQ(Texts("пуско-наладочные"),
            (std::vector<std::string>{"пуско", "наладочные", "пусконаладочные"}));
  EXPECT_EQ(Terms("пуско-наладочные")[2], Terms("пусконаладочные")[0]);
}

TEST(SearchAnalyzer, StemsDropsStopWordsAndExpandsShorthand) {
  EXPECT_EQ(Terms("трубопроводов"), Terms("трубопровод"));
  EXPECT_EQ(Terms("до 50 мм"), (std::vector<std::string>{"50", "мм"}));
  EXPECT_EQ(Terms("ПНР"), Terms("пусконаладочные работы"));
  EXPECT_EQ(Terms("Ду50"), Terms("диаметром 50"));
  EXPECT_EQ(Terms("DN 50"), Terms("диаметр 50"));
  EXPECT_EQ(Terms("капремонта"), Terms("капитального ремонта"));
  EXPECT_EQ(Terms("разборкой"), Terms("демонтаж"));
  EXPECT_EQ(Terms("кровель"), Terms("кровля"));
  EXPECT_EQ(Terms("ж/б"), Terms("железобетонный"));
  EXPECT_EQ(Terms("1 200"), (std::vector<std::string>{"1200"}));
  EXPECT_EQ(Terms("2,5"), Terms("2.50"));
  EXPECT_EQ(Terms("6-14"), (std::vector<std::string>{"6", "14"}));
}

TEST(SearchAnalyzer, EveryShorthandLineIsOneWord) {
  // The table's rule (search_abbreviations.cpp): a line whose `from` is not one token is ignored,
  // so it would be dead data.
  for (const auto& a : Abbreviations()) {
    std::vector<Token> tokens;
    Tokenize(a.from, tokens);
    EXPECT_EQ(tokens.size(), 1u) << a.from;
    EXPECT_FALSE(Terms(a.to).empty()) << a.to;
  }
}

}  // namespace
}  // namespace estimate::normbase
