#include "normbase/search_analyzer.hpp"

#include <unordered_map>

namespace estimate::normbase {

namespace {

void PlainTerms(const Token& token, std::vector<std::string>& out) {
  switch (token.kind) {
    case TokenKind::kWord:
      if (!IsStopWord(token.text)) out.push_back(StemRussian(token.text));
      break;
    case TokenKind::kJoined:
      out.push_back(StemRussian(token.text));
      break;
    case TokenKind::kUnit:
    case TokenKind::kNumber:
      out.push_back(token.text);
      break;
    case TokenKind::kDecimal:
      out.push_back(NormalizeNumber(token.text));
      break;
    case TokenKind::kCode: {
      std::string_view rest = token.text;
      while (!rest.empty()) {
        auto p = rest.find_first_of(".,-");
        out.push_back(NormalizeNumber(rest.substr(0, p)));
        if (p == std::string_view::npos) break;
        rest.remove_prefix(p + 1);
      }
      break;
    }
  }
}

// Key: the stem of a word, or the text of a unit-like token ("ж/б"); value: the meaning's terms.
using ExpansionTable = std::unordered_map<std::string, std::vector<std::string>>;

ExpansionTable BuildExpansions() {
  ExpansionTable table;
  std::vector<Token> tokens;
  for (const auto& a : Abbreviations()) {
    tokens.clear();
    Tokenize(a.from, tokens);
    if (tokens.size() != 1) continue;  // one word per line, by the table's own rule
    const Token& key = tokens.front();
    std::string key_text = key.kind == TokenKind::kWord ? StemRussian(key.text) : key.text;
    tokens.clear();
    Tokenize(a.to, tokens);
    std::vector<std::string> terms;
    for (const auto& t : tokens) PlainTerms(t, terms);
    table[key_text] = std::move(terms);
  }
  return table;
}

const ExpansionTable& Expansions() {
  static const ExpansionTable table = BuildExpansions();
  return table;
}

}  // namespace

bool IsStopWord(std::string_view w) {
  static constexpr std::string_view kStopWords[] = {
      "и", "в",   "во",  "с",   "со",  "на",  "для", "из", "по", "от", "к",     "о",  "об",
      "а", "или", "при", "под", "над", "без", "до",  "не", "за", "у",  "свыше", "то", "же",
  };
  for (auto s : kStopWords) {
    if (w == s) return true;
  }
  return false;
}

void TermsOfToken(const Token& token, std::vector<std::string>& out) {
  const auto& table = Expansions();
  if (token.kind == TokenKind::kWord || token.kind == TokenKind::kJoined) {
    if (token.kind == TokenKind::kWord && IsStopWord(token.text)) return;
    std::string stem = StemRussian(token.text);
    if (auto it = table.find(stem); it != table.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    } else {
      out.push_back(std::move(stem));
    }
    return;
  }
  if (token.kind == TokenKind::kUnit) {
    if (auto it = table.find(token.text); it != table.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  PlainTerms(token, out);
}

}  // namespace estimate::normbase
