#pragma once
// Search over one release of the normative base: norms (ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр) and
// price-book resources (ФСБЦ materials, equipment, machines), by Russian words and by codes.
//
// Life cycle: SearchIndex::Build(release) once per release, after release.Finish(); the index
// keeps pointers into the release, which must outlive it (hold both through the same
// shared_ptr owner). After Build the index is immutable and every const method may be called
// from any number of threads at once.
//
// What is searched
//   norms      name (weight 3), the names of its collection … table and what its family is
//              («пусконаладочные работы» for ГЭСНп) (1), work content (1), names of its resource
//              lines (0.4; the price book's name when the line has none)
//   resources  name (3), the names of its price-book sections (1)
// Words are case-folded (ё = е), stemmed (Snowball Russian) and run through the shorthand table
// (search_abbreviations.cpp: ПНР, Ду/DN, капремонт, демонтаж = разборка, …); numbers are
// normalized ("1 200" = 1200, "2,5" = 2.5) and units too (м² = м2, м³/сутки = м3/сут, т/час = т/ч).
// "Ду50", "Ду 50", "DN 50" mean "диаметр 50" and find «номинальный диаметр: до 50 мм».
//
// Codes in the query text
//   norms      "12-01-001-01" (exact), "12-01-001" / "12-01" / "12" followed by a dash-code part
//              (prefixes at a '-' boundary), optionally after a family: "ГЭСН12-01",
//              "ГЭСНп 01-01-001"; a family word alone ("ГЭСНп") filters by family.
//   resources  "01.7.03.01-0001" (exact), "91.05", "01.7.03" (prefixes at a '.' / '-' boundary);
//              the words "ФСБЦ", "КСР" are ignored.
//   A code with words ("12-01 кровля") filters by the code and ranks by the words. A code-shaped
//   token that matches no code ("12-99-999") gives no hits; a number-like one ("6-14", "2.5",
//   "91.05" in a norm search) is taken as numbers.
//
// Ranking
//   1. exact code match; 2. more query words matched; 3. BM25F score (k1 = 1.2, b = 0.75 per
//   field, the weights above); 4. code order. A hit must match every query word when the query
//   has one or two of them, all but one when it has more. Words the release does not contain at
//   all are left out of that rule and reported in `unknown_words` (typos, foreign words).
//
// Highlights are byte spans [begin, begin + length) of UTF-8 text (never splitting a character),
// sorted and non-overlapping; MarkHighlights() turns them into a marked-up string.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/estimate.hpp"
#include "normbase/base_release.hpp"

namespace estimate::normbase {

struct SearchQuery {
  std::string text;
  std::optional<NormFamily> family;        // norms only
  std::string collection;                  // norms only: сборник code, "12" (= "012")
  std::optional<core::ResourceKind> kind;  // resources only
  std::string unit;                        // unit of the norm / resource, "100 м2" = "100 м²"
  // The query words a hit must match: -1 for the rule under Ranking below; else at least this
  // many (the assistant asks for 1 and ranks the candidates itself).
  int min_match = -1;
  int limit = 20;                          // clamped to [0, 1000]
  int offset = 0;
};

struct Highlight {
  std::uint32_t begin = 0;   // byte offset
  std::uint32_t length = 0;  // bytes
  bool operator==(const Highlight&) const = default;
};

struct NormHit {
  const Norm* norm = nullptr;
  float score = 0;
  bool exact_code = false;
  std::uint32_t code_match_length = 0;     // bytes of norm->code matched by a code in the query
  std::vector<Highlight> name_highlights;  // in norm->name
  // The first content item, else the first section name, in which a query word matched (a view
  // into the release); empty when only the name or resource lines matched.
  std::string_view snippet;
  std::vector<Highlight> snippet_highlights;
};

struct ResourceHit {
  const PriceBookEntry* resource = nullptr;
  float score = 0;
  bool exact_code = false;
  std::uint32_t code_match_length = 0;
  std::vector<Highlight> name_highlights;  // in resource->name
};

template <typename Hit>
struct SearchResult {
  std::vector<Hit> hits;
  std::size_t total = 0;                   // hits before limit/offset
  std::vector<std::string> unknown_words;  // query words found nowhere in the release, as typed
};

// `text` with every highlight wrapped in `open` … `close` (e.g. "<mark>", "</mark>" or "«", "»").
std::string MarkHighlights(std::string_view text, const std::vector<Highlight>& highlights,
                           std::string_view open = "<mark>", std::string_view close = "</mark>");

class SearchIndex {
 public:
  // Builds both indexes; a few seconds for a full ФСНБ release (60,000 norms, 1M resource lines).
  static std::unique_ptr<SearchIndex> Build(const BaseRelease& release);

  SearchResult<NormHit> SearchNorms(const SearchQuery& query) const;
  SearchResult<ResourceHit> SearchResources(const SearchQuery& query) const;

  // Bytes held by the index (postings, dictionaries, per-document data), for metrics.
  std::size_t MemoryBytes() const;

  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

 private:
  struct Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace estimate::normbase
