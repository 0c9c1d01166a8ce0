#include "normbase/regions.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "normbase/russian_text.hpp"

namespace estimate::normbase {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 85> kRegions = {{
    {"01", "Республика Адыгея"},
    {"02", "Республика Башкортостан"},
    {"03", "Республика Бурятия"},
    {"04", "Республика Алтай"},
    {"05", "Республика Дагестан"},
    {"06", "Республика Ингушетия"},
    {"07", "Кабардино-Балкарская Республика"},
    {"08", "Республика Калмыкия"},
    {"09", "Карачаево-Черкесская Республика"},
    {"10", "Республика Карелия"},
    {"11", "Республика Коми"},
    {"12", "Республика Марий Эл"},
    {"13", "Республика Мордовия"},
    {"14", "Республика Саха (Якутия)"},
    {"15", "Республика Северная Осетия — Алания"},
    {"16", "Республика Татарстан"},
    {"17", "Республика Тыва"},
    {"18", "Удмуртская Республика"},
    {"19", "Республика Хакасия"},
    {"20", "Чеченская Республика"},
    {"21", "Чувашская Республика"},
    {"22", "Алтайский край"},
    {"23", "Краснодарский край"},
    {"24", "Красноярский край"},
    {"25", "Приморский край"},
    {"26", "Ставропольский край"},
    {"27", "Хабаровский край"},
    {"28", "Амурская область"},
    {"29", "Архангельская область"},
    {"30", "Астраханская область"},
    {"31", "Белгородская область"},
    {"32", "Брянская область"},
    {"33", "Владимирская область"},
    {"34", "Волгоградская область"},
    {"35", "Вологодская область"},
    {"36", "Воронежская область"},
    {"37", "Ивановская область"},
    {"38", "Иркутская область"},
    {"39", "Калининградская область"},
    {"40", "Калужская область"},
    {"41", "Камчатский край"},
    {"42", "Кемеровская область — Кузбасс"},
    {"43", "Кировская область"},
    {"44", "Костромская область"},
    {"45", "Курганская область"},
    {"46", "Курская область"},
    {"47", "Ленинградская область"},
    {"48", "Липецкая область"},
    {"49", "Магаданская область"},
    {"50", "Московская область"},
    {"51", "Мурманская область"},
    {"52", "Нижегородская область"},
    {"53", "Новгородская область"},
    {"54", "Новосибирская область"},
    {"55", "Омская область"},
    {"56", "Оренбургская область"},
    {"57", "Орловская область"},
    {"58", "Пензенская область"},
    {"59", "Пермский край"},
    {"60", "Псковская область"},
    {"61", "Ростовская область"},
    {"62", "Рязанская область"},
    {"63", "Самарская область"},
    {"64", "Саратовская область"},
    {"65", "Сахалинская область"},
    {"66", "Свердловская область"},
    {"67", "Смоленская область"},
    {"68", "Тамбовская область"},
    {"69", "Тверская область"},
    {"70", "Томская область"},
    {"71", "Тульская область"},
    {"72", "Тюменская область"},
    {"73", "Ульяновская область"},
    {"74", "Челябинская область"},
    {"75", "Забайкальский край"},
    {"76", "Ярославская область"},
    {"77", "г. Москва"},
    {"78", "г. Санкт-Петербург"},
    {"79", "Еврейская автономная область"},
    {"83", "Ненецкий автономный округ"},
    {"86", "Ханты-Мансийский автономный округ — Югра"},
    {"87", "Чукотский автономный округ"},
    {"89", "Ямало-Ненецкий автономный округ"},
    {"91", "Республика Крым"},
    {"92", "г. Севастополь"},
}};

// The words of a region's name that tell it apart: folded case, without punctuation, dashes of
// any kind, non-breaking spaces, parentheses or the words that only say what kind of subject it
// is.
std::vector<std::string> Words(std::string_view name) {
  std::string folded = FoldCase(name);
  for (std::string_view wide : {"\u2014", "\u2013", "\u2012", "\u2011", "\u2010", "\u00a0"}) {
    for (auto at = folded.find(wide); at != std::string::npos; at = folded.find(wide, at)) {
      folded.replace(at, wide.size(), " ");
    }
  }
  std::string cleaned;
  int depth = 0;
  for (char c : folded) {
    if (c == '(') ++depth;
    else if (c == ')') depth = depth > 0 ? depth - 1 : 0;
    else if (depth == 0) cleaned += (c == '.' || c == ',' || c == '-' || c == '\t') ? ' ' : c;
  }
  static const std::string_view kKinds[] = {"г",     "город",      "обл",   "область",    "респ",
                                            "республика", "край", "ао",    "автономный", "округ",
                                            "автономная", "федерального", "значения"};
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    bool kind = false;
    for (auto k : kKinds) kind = kind || word == k;
    if (!word.empty() && !kind) words.push_back(word);
    word.clear();
  };
  for (char c : cleaned) {
    if (c == ' ') flush();
    else word += c;
  }
  flush();
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace

std::string_view RegionCodeOfName(std::string_view name) {
  const std::vector<std::string> words = Words(name);
  if (words.empty()) return {};
  // The same words; else the one region whose words hold all of these or all of whose words
  // these hold ("Кемеровская область" for "Кемеровская область - Кузбасс").
  std::string_view partial;
  int partial_count = 0;
  for (const auto& [c, n] : kRegions) {
    const std::vector<std::string> theirs = Words(n);
    if (theirs == words) return c;
    if (theirs.empty()) continue;
    if (std::includes(theirs.begin(), theirs.end(), words.begin(), words.end()) ||
        std::includes(words.begin(), words.end(), theirs.begin(), theirs.end())) {
      partial = c;
      ++partial_count;
    }
  }
  return partial_count == 1 ? partial : std::string_view();
}

std::string_view RegionName(std::string_view code) {
  if (code.size() == 1) {
    for (const auto& [c, name] : kRegions) {
      if (c[0] == '0' && c[1] == code[0]) return name;
    }
    return {};
  }
  for (const auto& [c, name] : kRegions) {
    if (c == code) return name;
  }
  return {};
}

}  // namespace estimate::normbase
