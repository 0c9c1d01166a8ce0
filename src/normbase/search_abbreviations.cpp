// The shorthand of bills of quantities and estimators, and synonyms, as the search understands
// them. Data, not logic: an estimator may add a line here. How it is used (search_analyzer.cpp):
//
//   - `from` is one word, matched in any inflection (both sides are stemmed: "разборки",
//     "разборкой" match the line "разборка"), case-insensitive, ё = е.
//   - `to` is what the word means, written as ordinary text; it is analysed like any text
//     (stemmed, numbers normalized), never expanded again.
//   - The replacement is applied to the base's texts when the index is built and to queries, so it
//     works both ways: "ПНР" finds «пусконаладочные работы» and a norm that writes "ПНР" is found
//     by «пусконаладочные работы». Highlights point at the word as written.
//   - A synonym group is a set of lines with the same `to`: "демонтаж" and "разборка" both become
//     "демонтаж", so either finds both.
//
// Numbers written after a shorthand are left to the tokenizer: "Ду50", "Ду 50", "DN50" are
// "ду"/"dn" + "50", so they mean "диаметр 50" and find «номинальный диаметр: до 50 мм» and
// «диаметром 50 мм». Units (м², м³/сут, т/ч) are normalized by the tokenizer (russian_text.hpp).
#include "normbase/search_analyzer.hpp"

namespace estimate::normbase {

namespace {

constexpr Abbreviation kAbbreviations[] = {
    // Kinds of work.
    {"пнр", "пусконаладочные работы"},
    {"смр", "строительно-монтажные работы"},
    {"капремонт", "капитальный ремонт"},
    {"кап", "капитальный"},
    {"разборка", "демонтаж"},
    {"демонтаж", "демонтаж"},
    {"снятие", "демонтаж"},
    // Pipes and fittings: условный / номинальный диаметр.
    {"ду", "диаметр"},
    {"dn", "диаметр"},
    {"дн", "диаметр"},
    {"ру", "давление"},
    {"pn", "давление"},
    // Materials and structures.
    {"жб", "железобетонный"},
    {"ж/б", "железобетонный"},
    {"мет", "металлический"},
    {"оцинк", "оцинкованный"},
    {"пэ", "полиэтиленовый"},
    {"пвх", "поливинилхлоридный"},
    {"ппр", "полипропиленовый"},
    {"гкл", "гипсокартонный лист"},
    {"вл", "воздушная линия"},
    {"кл", "кабельная линия"},
    {"эл", "электрический"},
    // Words the Russian stemmer cannot join (fleeting vowels, irregular plurals).
    {"кровель", "кровля"},
    {"окон", "окно"},
};

}  // namespace

std::span<const Abbreviation> Abbreviations() { return kAbbreviations; }

}  // namespace estimate::normbase
