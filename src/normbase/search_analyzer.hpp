#pragma once
// From tokens (russian_text.hpp) to search terms, the same way for the base's texts and for
// queries: stop words dropped, words stemmed, the shorthand table (search_abbreviations.cpp)
// applied, numbers normalized. Private to the search; thread-safe.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "normbase/russian_text.hpp"

namespace estimate::normbase {

// One line of the shorthand table: a word and what it means (see search_abbreviations.cpp).
struct Abbreviation {
  std::string_view from;
  std::string_view to;
};
std::span<const Abbreviation> Abbreviations();

// Prepositions and conjunctions that carry no meaning for search ("до", "свыше" included: ranges
// like «до 50 мм» are matched by their numbers).
bool IsStopWord(std::string_view folded_word);

// Appends the terms of one token. A word gives its stem, or the terms of its meaning when it is
// in the shorthand table; a number its normalized form; a code ("12-01-001", "6-14") its digit
// groups as numbers — whether a code in a query is a code is the query parser's decision.
void TermsOfToken(const Token& token, std::vector<std::string>& out);

}  // namespace estimate::normbase
