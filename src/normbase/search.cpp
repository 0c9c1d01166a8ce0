#include "normbase/search.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

#include "normbase/russian_text.hpp"
#include "normbase/search_analyzer.hpp"

namespace estimate::normbase {

namespace {

using TermId = std::uint32_t;
using DocId = std::uint32_t;
constexpr TermId kNoTerm = std::numeric_limits<TermId>::max();
constexpr int kFields = 4;
constexpr float kK1 = 1.2f;
constexpr float kB = 0.75f;
// Norm fields: name, hierarchy and family context, work content, resource lines.
constexpr std::array<float, kFields> kNormWeights = {3.0f, 1.0f, 1.0f, 0.4f};
// Resource fields: name, price-book sections.
constexpr std::array<float, kFields> kResourceWeights = {3.0f, 1.0f, 0.0f, 0.0f};
// Query terms beyond this many are ignored (the match mask is 32 bits wide).
constexpr std::size_t kMaxQueryTerms = 32;
constexpr int kMaxLimit = 1000;
constexpr int kMaxOffset = 10000;

// What each family is, so that "ПНР" (→ пусконаладочные работы) finds ГЭСНп norms whose own
// names never say so.
std::string_view FamilyDescription(NormFamily family) {
  switch (family) {
    case NormFamily::kGesn:
      return "строительные работы";
    case NormFamily::kGesnm:
      return "монтаж оборудования";
    case NormFamily::kGesnr:
      return "ремонтно-строительные работы";
    case NormFamily::kGesnp:
      return "пусконаладочные работы";
    case NormFamily::kGesnmr:
      return "капитальный ремонт оборудования";
  }
  return "";
}

std::optional<NormFamily> FamilyOfWord(std::string_view folded) {
  static constexpr std::pair<std::string_view, NormFamily> kWords[] = {
      {"гэсн", NormFamily::kGesn},     {"гэснм", NormFamily::kGesnm},
      {"гэснр", NormFamily::kGesnr},   {"гэснп", NormFamily::kGesnp},
      {"гэснмр", NormFamily::kGesnmr}, {"gesn", NormFamily::kGesn},
      {"gesnm", NormFamily::kGesnm},   {"gesnr", NormFamily::kGesnr},
      {"gesnp", NormFamily::kGesnp},   {"gesnmr", NormFamily::kGesnmr},
  };
  for (const auto& [word, family] : kWords) {
    if (folded == word) return family;
  }
  return std::nullopt;
}

// Names of the price book itself, said before a resource code: "ФСБЦ-01.7.03.01-0001".
bool IsPriceBookWord(std::string_view folded) {
  return folded == "фсбц" || folded == "кср" || folded == "фсэм" || folded == "фссц";
}

// "012" and "12" name the same collection.
std::string NormalizeCollection(std::string_view code) {
  bool digits = !code.empty() &&
                std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return FoldCase(code);
  while (code.size() > 1 && code.front() == '0') code.remove_prefix(1);
  return std::string(code);
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct ViewKeyHash {
  std::size_t operator()(const std::pair<const char*, std::size_t>& k) const {
    return std::hash<const char*>()(k.first) ^ (k.second * 0x9E3779B97F4A7C15ull);
  }
};

// A term in a document, with its BM25F term-frequency part already computed: it does not depend
// on the query, so a query adds idf × impact per posting and touches no per-document data.
struct Posting {
  DocId doc;
  float
      impact;  // tfw · (k1 + 1) / (tfw + k1), tfw = Σ weight_f · tf_f / (1 − b + b · len_f / avg_f)
};

struct BuildPosting {
  DocId doc;
  std::array<std::uint8_t, kFields> tf;  // saturating term frequency per field
};

// One inverted index (norms or resources) over the shared term dictionary: postings of each term
// in doc order, stored contiguously (offsets_[t] … offsets_[t + 1]).
class InvertedIndex {
 public:
  explicit InvertedIndex(std::array<float, kFields> weights) : weights_(weights) {}

  // Build: documents are added in id order.
  void BeginDoc() {
    for (const auto& e : doc_terms_) slot_[e.first] = -1;
    doc_terms_.clear();
    doc_lengths_.fill(0);
  }
  void Add(TermId term, int field) {
    if (term >= slot_.size()) slot_.resize(term + 1, -1);
    if (slot_[term] < 0) {
      slot_[term] = static_cast<std::int32_t>(doc_terms_.size());
      doc_terms_.push_back({term, {0, 0, 0, 0}});
    }
    auto& tf = doc_terms_[static_cast<std::size_t>(slot_[term])].second[field];
    if (tf < 255) ++tf;
    ++doc_lengths_[field];
  }
  void EndDoc() {
    const auto doc = static_cast<DocId>(lengths_.size());
    for (const auto& [term, tf] : doc_terms_) pending_.push_back({term, BuildPosting{doc, tf}});
    lengths_.push_back(doc_lengths_);
  }
  void Finish(std::size_t term_count) {
    BeginDoc();
    slot_ = {};
    offsets_.assign(term_count + 1, 0);
    for (const auto& p : pending_) ++offsets_[p.first + 1];
    for (std::size_t t = 0; t < term_count; ++t) offsets_[t + 1] += offsets_[t];
    // BM25F: per document and field, weight / (1 - b + b · length / average length).
    std::array<double, kFields> average{};
    for (const auto& l : lengths_) {
      for (int f = 0; f < kFields; ++f) average[f] += l[f];
    }
    for (int f = 0; f < kFields; ++f) {
      if (!lengths_.empty()) average[f] /= static_cast<double>(lengths_.size());
    }
    std::vector<std::array<float, kFields>> factors(lengths_.size());
    for (std::size_t d = 0; d < lengths_.size(); ++d) {
      for (int f = 0; f < kFields; ++f) {
        factors[d][f] =
            average[f] > 0
                ? static_cast<float>(weights_[f] / (1 - kB + kB * lengths_[d][f] / average[f]))
                : 0.0f;
      }
    }
    doc_count_ = lengths_.size();
    lengths_ = {};
    postings_.resize(pending_.size());
    std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
    for (const auto& [term, p] : pending_) {
      const auto& f = factors[p.doc];
      const float tfw = f[0] * p.tf[0] + f[1] * p.tf[1] + f[2] * p.tf[2] + f[3] * p.tf[3];
      postings_[next[term]++] = Posting{p.doc, tfw * (kK1 + 1) / (tfw + kK1)};
    }
    pending_ = {};
  }

  std::size_t doc_count() const { return doc_count_; }
  const Posting* begin(TermId t) const { return postings_.data() + offsets_[t]; }
  const Posting* end(TermId t) const { return postings_.data() + offsets_[t + 1]; }
  std::uint32_t df(TermId t) const {
    return t + 1 < offsets_.size() ? offsets_[t + 1] - offsets_[t] : 0;
  }
  float Idf(TermId t) const {
    const double n = static_cast<double>(doc_count());
    const double d = df(t);
    return static_cast<float>(std::log(1.0 + (n - d + 0.5) / (d + 0.5)));
  }
  std::size_t MemoryBytes() const {
    return postings_.capacity() * sizeof(Posting) + offsets_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::array<float, kFields> weights_;
  std::vector<std::uint32_t> offsets_;
  std::vector<Posting> postings_;
  std::size_t doc_count_ = 0;
  // Build state.
  std::vector<std::pair<TermId, BuildPosting>> pending_;
  std::vector<std::array<std::uint32_t, kFields>> lengths_;
  std::vector<std::int32_t> slot_;
  std::vector<std::pair<TermId, std::array<std::uint8_t, kFields>>> doc_terms_;
  std::array<std::uint32_t, kFields> doc_lengths_{};
};

struct QueryTerm {
  TermId id;
  bool required;
};

// A query after parsing: its terms, the code it names and the filters its words imply.
struct ParsedQuery {
  std::vector<QueryTerm> terms;
  std::vector<std::string> unknown_words;
  bool has_code = false;
  std::string code;              // as matched against the codes of the base
  std::vector<DocId> code_docs;  // documents whose code has `code` as a prefix
  std::optional<NormFamily> family;
  bool impossible = false;  // a filter or a code no document can satisfy
  int min_match = -1;       // SearchQuery::min_match
};

// Per-thread buffers of a query, sized for the largest index seen; all zero between queries.
struct Scratch {
  std::vector<float> score;
  std::vector<std::uint32_t> mask;
  std::vector<std::uint8_t> allowed;
  std::vector<DocId> touched;
};

Scratch& ThreadScratch(std::size_t docs) {
  thread_local Scratch s;
  if (s.score.size() < docs) {
    s.score.resize(docs, 0.0f);
    s.mask.resize(docs, 0);
    s.allowed.resize(docs, 0);
  }
  return s;
}

struct Candidate {
  std::uint8_t exact;    // 1 when the code matched exactly
  std::uint8_t matched;  // required query terms matched
  float score;
  std::uint32_t rank;  // position in code order
  DocId doc;
};

// Whether a ranks before b.
bool Better(const Candidate& a, const Candidate& b) {
  if (a.exact != b.exact) return a.exact > b.exact;
  if (a.matched != b.matched) return a.matched > b.matched;
  if (a.score != b.score) return a.score > b.score;
  return a.rank < b.rank;
}

// The best `k` candidates: a heap whose top is the worst kept.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}
  void Offer(const Candidate& c) {
    ++total_;
    if (k_ == 0) return;
    if (heap_.size() < k_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (Better(c, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
  }
  std::vector<Candidate> Sorted() {
    std::sort_heap(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }
  std::size_t total() const { return total_; }

 private:
  std::size_t k_;
  std::size_t total_ = 0;
  std::vector<Candidate> heap_;
};

}  // namespace

struct SearchIndex::Impl {
  const BaseRelease* release = nullptr;
  StringMap<TermId> dictionary;
  // Token (kind letter + text) → its terms, for every token of the base: building never stems a
  // word twice, and highlighting the hits needs no stemming at all.
  StringMap<std::vector<TermId>> surface;

  InvertedIndex norms{kNormWeights};
  std::vector<std::uint8_t> norm_family;
  std::vector<std::uint32_t> norm_collection;
  std::vector<std::uint32_t> norm_unit;
  std::vector<DocId> norm_code_order;  // norm ids sorted by (code, family)
  std::vector<std::uint32_t> norm_code_rank;
  StringMap<std::uint32_t> collections;
  StringMap<std::uint32_t> units;

  InvertedIndex resources{kResourceWeights};
  std::vector<std::uint8_t> resource_kind;
  std::vector<std::uint32_t> resource_unit;
  std::vector<DocId> resource_code_order;
  std::vector<std::uint32_t> resource_code_rank;

  // ---- building ----
  std::vector<Token> tokens_;
  std::vector<std::string> term_texts_;
  // Interned text (by address and length) → its terms.
  std::unordered_map<std::pair<const char*, std::size_t>, std::vector<TermId>, ViewKeyHash>
      text_cache_;

  static std::string SurfaceKey(const Token& t) {
    std::string key(1, static_cast<char>('a' + static_cast<int>(t.kind)));
    key += t.text;
    return key;
  }

  TermId Intern(const std::string& term) {
    auto [it, inserted] = dictionary.try_emplace(term, static_cast<TermId>(dictionary.size()));
    return it->second;
  }

  const std::vector<TermId>& TermsOfText(std::string_view text) {
    auto [it, inserted] = text_cache_.try_emplace({text.data(), text.size()});
    if (!inserted) return it->second;
    tokens_.clear();
    Tokenize(text, tokens_);
    for (const auto& t : tokens_) {
      auto [s, fresh] = surface.try_emplace(SurfaceKey(t));
      if (fresh) {
        term_texts_.clear();
        TermsOfToken(t, term_texts_);
        for (const auto& term : term_texts_) s->second.push_back(Intern(term));
      }
      it->second.insert(it->second.end(), s->second.begin(), s->second.end());
    }
    return it->second;
  }
  // Texts that are not interned (built here) must not be cached by address.
  std::vector<TermId> TermsOfTemporary(std::string_view text) {
    std::vector<TermId> out;
    tokens_.clear();
    Tokenize(text, tokens_);
    for (const auto& t : tokens_) {
      auto [s, fresh] = surface.try_emplace(SurfaceKey(t));
      if (fresh) {
        term_texts_.clear();
        TermsOfToken(t, term_texts_);
        for (const auto& term : term_texts_) s->second.push_back(Intern(term));
      }
      out.insert(out.end(), s->second.begin(), s->second.end());
    }
    return out;
  }

  void BuildNorms();
  void BuildResources();

  // ---- querying ----
  // The terms of a token of a query or of a hit's text; unknown terms are left out.
  void TermsForQuery(const Token& t, std::vector<TermId>& out) const {
    if (auto it = surface.find(SurfaceKey(t)); it != surface.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
    std::vector<std::string> texts;
    TermsOfToken(t, texts);
    for (const auto& term : texts) {
      auto d = dictionary.find(term);
      out.push_back(d == dictionary.end() ? kNoTerm : d->second);
    }
  }

  void AddWordTerms(const Token& t, std::string_view query_text, bool required,
                    ParsedQuery& q) const;
  ParsedQuery ParseNormQuery(const SearchQuery& query) const;
  ParsedQuery ParseResourceQuery(const SearchQuery& query) const;
  std::vector<Highlight> HighlightsIn(std::string_view text,
                                      const std::vector<QueryTerm>& terms) const;

  template <typename Pass>
  void Collect(const InvertedIndex& index, const ParsedQuery& q,
               const std::vector<std::uint32_t>& code_rank, std::string_view exact_code,
               const std::function<std::string_view(DocId)>& code_of, Pass pass, bool filters,
               TopK& top) const;
};

void SearchIndex::Impl::BuildNorms() {
  const auto& r = *release;
  // Each section's context: its name and the names above it, computed once per section.
  std::vector<std::vector<TermId>> section_context(r.sections.size());
  std::vector<char> section_done(r.sections.size(), 0);
  std::vector<std::uint32_t> section_collection(r.sections.size(), 0);
  std::function<void(std::size_t)> prepare = [&](std::size_t i) {
    if (section_done[i]) return;
    const auto& s = r.sections[i];
    section_context[i] = TermsOfText(s.name);
    if (s.parent >= 0 && static_cast<std::size_t>(s.parent) < r.sections.size() &&
        static_cast<std::size_t>(s.parent) != i) {
      auto p = static_cast<std::size_t>(s.parent);
      section_done[i] = 1;  // guards against a cycle in a damaged hierarchy
      prepare(p);
      section_context[i].insert(section_context[i].end(), section_context[p].begin(),
                                section_context[p].end());
      section_collection[i] = section_collection[p];
    } else {
      auto [it, _] = collections.try_emplace(NormalizeCollection(s.code),
                                             static_cast<std::uint32_t>(collections.size()));
      section_collection[i] = it->second;
    }
    section_done[i] = 1;
  };
  std::array<std::vector<TermId>, 5> family_context;
  for (NormFamily f : {NormFamily::kGesn, NormFamily::kGesnm, NormFamily::kGesnr,
                       NormFamily::kGesnp, NormFamily::kGesnmr}) {
    family_context[static_cast<std::size_t>(f)] = TermsOfTemporary(FamilyDescription(f));
  }
  std::unordered_map<std::string_view, std::uint32_t> unit_cache;

  const std::size_t n = r.norms.size();
  norm_family.resize(n);
  norm_collection.resize(n);
  norm_unit.resize(n);
  for (std::size_t d = 0; d < n; ++d) {
    const Norm& norm = r.norms[d];
    norms.BeginDoc();
    for (TermId t : TermsOfText(norm.name)) norms.Add(t, 0);
    for (TermId t : family_context[static_cast<std::size_t>(norm.family)]) norms.Add(t, 1);
    if (norm.table >= 0 && static_cast<std::size_t>(norm.table) < r.sections.size()) {
      auto table = static_cast<std::size_t>(norm.table);
      prepare(table);
      for (TermId t : section_context[table]) norms.Add(t, 1);
      norm_collection[d] = section_collection[table];
    } else {
      std::string_view code = norm.code;
      auto [it, _] = collections.try_emplace(NormalizeCollection(code.substr(0, code.find('-'))),
                                             static_cast<std::uint32_t>(collections.size()));
      norm_collection[d] = it->second;
    }
    for (std::string_view item : norm.content) {
      for (TermId t : TermsOfText(item)) norms.Add(t, 2);
    }
    for (const auto& line : norm.resources) {
      std::string_view name = line.name;
      if (name.empty()) {
        if (const auto* entry = r.FindResource(line.code)) name = entry->name;
      }
      if (name.empty()) continue;
      for (TermId t : TermsOfText(name)) norms.Add(t, 3);
    }
    norms.EndDoc();
    norm_family[d] = static_cast<std::uint8_t>(norm.family);
    auto [u, fresh] = unit_cache.try_emplace(norm.unit, 0);
    if (fresh) {
      u->second =
          units.try_emplace(NormalizeUnit(norm.unit), static_cast<std::uint32_t>(units.size()))
              .first->second;
    }
    norm_unit[d] = u->second;
  }
  norm_code_order.resize(n);
  for (std::size_t d = 0; d < n; ++d) norm_code_order[d] = static_cast<DocId>(d);
  std::sort(norm_code_order.begin(), norm_code_order.end(), [&](DocId a, DocId b) {
    const auto& x = r.norms[a];
    const auto& y = r.norms[b];
    if (x.code != y.code) return x.code < y.code;
    return x.family < y.family;
  });
  norm_code_rank.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    norm_code_rank[norm_code_order[i]] = static_cast<std::uint32_t>(i);
}

void SearchIndex::Impl::BuildResources() {
  const auto& r = *release;
  std::vector<std::vector<TermId>> section_context(r.book_sections.size());
  std::vector<char> section_done(r.book_sections.size(), 0);
  std::function<void(std::size_t)> prepare = [&](std::size_t i) {
    if (section_done[i]) return;
    section_done[i] = 1;
    const auto& s = r.book_sections[i];
    section_context[i] = TermsOfText(s.name);
    if (s.parent >= 0 && static_cast<std::size_t>(s.parent) < r.book_sections.size()) {
      auto p = static_cast<std::size_t>(s.parent);
      prepare(p);
      section_context[i].insert(section_context[i].end(), section_context[p].begin(),
                                section_context[p].end());
    }
  };
  std::unordered_map<std::string_view, std::uint32_t> unit_cache;
  const std::size_t n = r.resources.size();
  resource_kind.resize(n);
  resource_unit.resize(n);
  for (std::size_t d = 0; d < n; ++d) {
    const auto& e = r.resources[d];
    resources.BeginDoc();
    for (TermId t : TermsOfText(e.name)) resources.Add(t, 0);
    if (e.section >= 0 && static_cast<std::size_t>(e.section) < r.book_sections.size()) {
      auto s = static_cast<std::size_t>(e.section);
      prepare(s);
      for (TermId t : section_context[s]) resources.Add(t, 1);
    }
    resources.EndDoc();
    resource_kind[d] = static_cast<std::uint8_t>(e.kind);
    auto [u, fresh] = unit_cache.try_emplace(e.unit, 0);
    if (fresh) {
      u->second = units.try_emplace(NormalizeUnit(e.unit), static_cast<std::uint32_t>(units.size()))
                      .first->second;
    }
    resource_unit[d] = u->second;
  }
  resource_code_order.resize(n);
  for (std::size_t d = 0; d < n; ++d) resource_code_order[d] = static_cast<DocId>(d);
  std::sort(resource_code_order.begin(), resource_code_order.end(),
            [&](DocId a, DocId b) { return r.resources[a].code < r.resources[b].code; });
  resource_code_rank.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    resource_code_rank[resource_code_order[i]] = static_cast<std::uint32_t>(i);
  }
}

namespace {

// Documents whose code starts with `prefix` at a boundary ('-', '.', or the end).
template <typename CodeOf>
std::vector<DocId> CodePrefixDocs(const std::vector<DocId>& order, std::string_view prefix,
                                  CodeOf code_of) {
  std::vector<DocId> out;
  auto it = std::lower_bound(order.begin(), order.end(), prefix,
                             [&](DocId d, std::string_view p) { return code_of(d) < p; });
  for (; it != order.end(); ++it) {
    std::string_view code = code_of(*it);
    if (code.substr(0, prefix.size()) != prefix) break;
    if (code.size() == prefix.size() || code[prefix.size()] == '-' || code[prefix.size()] == '.') {
      out.push_back(*it);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "12-01-001": groups of digits, the first of two, joined by dashes only.
bool IsNormCodeShaped(std::string_view code) {
  if (code.size() < 5 || code[2] != '-') return false;
  std::size_t group = 0;
  for (char c : code) {
    if (c == '-') {
      if (group < 2) return false;
      group = 0;
    } else if (c >= '0' && c <= '9') {
      ++group;
    } else {
      return false;
    }
  }
  return group >= 2;
}

// "01.7.03.01-0001", "91.05.01-017": starts with two digits and a dot, two separators at least.
bool IsResourceCodeShaped(std::string_view code) {
  return code.size() >= 5 && code[2] == '.' &&
         std::count_if(code.begin(), code.end(), [](char c) { return c == '.' || c == '-'; }) >= 2;
}

// Marks the parts of hyphenated words: in a query only the joined form is required, so that
// "пуско-наладочные" finds "пусконаладочные".
std::vector<char> OptionalParts(const std::vector<Token>& tokens) {
  std::vector<char> optional(tokens.size(), 0);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != TokenKind::kJoined) continue;
    for (std::size_t j = i; j-- > 0 && tokens[j].begin >= tokens[i].begin;) optional[j] = 1;
  }
  return optional;
}

}  // namespace

void SearchIndex::Impl::AddWordTerms(const Token& t, std::string_view query_text, bool required,
                                     ParsedQuery& q) const {
  std::vector<TermId> ids;
  TermsForQuery(t, ids);
  bool unknown = false;
  for (TermId id : ids) {
    if (id == kNoTerm) {
      unknown = true;
      continue;
    }
    auto it = std::find_if(q.terms.begin(), q.terms.end(),
                           [&](const QueryTerm& x) { return x.id == id; });
    if (it != q.terms.end()) {
      it->required = it->required || required;
    } else if (q.terms.size() < kMaxQueryTerms) {
      q.terms.push_back({id, required});
    }
  }
  if (unknown && required) {
    std::string word(query_text.substr(t.begin, t.end - t.begin));
    if (std::find(q.unknown_words.begin(), q.unknown_words.end(), word) == q.unknown_words.end()) {
      q.unknown_words.push_back(std::move(word));
    }
  }
}

ParsedQuery SearchIndex::Impl::ParseNormQuery(const SearchQuery& query) const {
  ParsedQuery q;
  q.min_match = query.min_match;
  q.family = query.family;
  std::vector<Token> tokens;
  Tokenize(query.text, tokens);
  const auto optional = OptionalParts(tokens);
  const auto& norms_v = release->norms;
  auto code_of = [&](DocId d) { return norms_v[d].code; };
  bool after_family = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool follows_family = std::exchange(after_family, false);
    if (t.kind == TokenKind::kWord) {
      if (auto family = FamilyOfWord(t.text)) {
        if (q.family && *q.family != *family) q.impossible = true;
        q.family = family;
        after_family = true;
        continue;
      }
    }
    // "ГЭСН12": a number right after a family word is a collection code.
    const bool collection_code = follows_family && t.kind == TokenKind::kNumber;
    if ((t.kind == TokenKind::kCode || collection_code) && !q.has_code &&
        t.text.find_first_of(".,") == std::string::npos) {
      std::string code = t.text;
      if (collection_code) {  // as typed, zero-padded: "ГЭСНп 1" is collection "01"
        code = query.text.substr(t.begin, t.end - t.begin);
        if (code.size() == 1) code.insert(0, "0");
      }
      auto docs = CodePrefixDocs(norm_code_order, code, code_of);
      if (!docs.empty() || IsNormCodeShaped(code)) {
        q.has_code = true;
        q.code = std::move(code);
        q.code_docs = std::move(docs);
        if (q.code_docs.empty()) q.impossible = true;
        continue;
      }
    }
    AddWordTerms(t, query.text, !optional[i], q);
  }
  return q;
}

ParsedQuery SearchIndex::Impl::ParseResourceQuery(const SearchQuery& query) const {
  ParsedQuery q;
  q.min_match = query.min_match;
  std::vector<Token> tokens;
  Tokenize(query.text, tokens);
  const auto optional = OptionalParts(tokens);
  const auto& entries = release->resources;
  auto code_of = [&](DocId d) { return entries[d].code; };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::kWord && IsPriceBookWord(t.text)) continue;
    if ((t.kind == TokenKind::kCode || t.kind == TokenKind::kDecimal) && !q.has_code &&
        t.text.find(',') == std::string::npos) {
      auto docs = CodePrefixDocs(resource_code_order, t.text, code_of);
      if (!docs.empty() || IsResourceCodeShaped(t.text)) {
        q.has_code = true;
        q.code = t.text;
        q.code_docs = std::move(docs);
        if (q.code_docs.empty()) q.impossible = true;
        continue;
      }
    }
    AddWordTerms(t, query.text, !optional[i], q);
  }
  return q;
}

template <typename Pass>
void SearchIndex::Impl::Collect(const InvertedIndex& index, const ParsedQuery& q,
                                const std::vector<std::uint32_t>& code_rank,
                                std::string_view exact_code,
                                const std::function<std::string_view(DocId)>& code_of, Pass pass,
                                bool filters, TopK& top) const {
  auto exact = [&](DocId d) -> std::uint8_t {
    return !exact_code.empty() && code_of(d) == exact_code ? 1 : 0;
  };
  if (q.terms.empty()) {
    // A code, a family or filters alone: the matching documents in code order.
    if (q.has_code) {
      for (DocId d : q.code_docs) {
        if (pass(d)) top.Offer({exact(d), 0, 0.0f, code_rank[d], d});
      }
    } else {
      for (DocId d = 0; d < index.doc_count(); ++d) {
        if (pass(d)) top.Offer({0, 0, 0.0f, code_rank[d], d});
      }
    }
    return;
  }
  Scratch& s = ThreadScratch(index.doc_count());
  if (q.has_code) {
    for (DocId d : q.code_docs) s.allowed[d] = 1;
  }
  std::uint32_t required_mask = 0;
  for (std::size_t i = 0; i < q.terms.size(); ++i) {
    if (q.terms[i].required) required_mask |= 1u << i;
  }
  const int required = std::popcount(required_mask);
  const int need = q.min_match >= 0 ? std::min(required, q.min_match)
                   : required <= 2 ? required
                                   : required - 1;
  const bool filtered = filters || q.has_code;
  s.touched.clear();
  float* score = s.score.data();
  std::uint32_t* mask = s.mask.data();
  // A hit matches at least `need` of the required terms, so it matches one of the
  // (required − need + 1) rarest of them: those terms collect the candidates by walking their
  // postings; the other (long) lists are only probed for the candidates, by galloping.
  std::vector<std::size_t> order(q.terms.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return index.df(q.terms[a].id) < index.df(q.terms[b].id);
  });
  std::vector<std::size_t> probe;
  int collectors = required == 0 ? static_cast<int>(order.size()) : required - need + 1;
  for (std::size_t i : order) {
    const bool collect = collectors > 0 && (required == 0 || q.terms[i].required);
    if (!collect) {
      probe.push_back(i);
      continue;
    }
    --collectors;
    const TermId t = q.terms[i].id;
    const float idf = index.Idf(t);
    const std::uint32_t bit = q.terms[i].required ? 1u << i : 0u;
    const Posting* const end = index.end(t);
    for (const Posting* p = index.begin(t); p != end; ++p) {
      const DocId d = p->doc;
      if (filtered && ((q.has_code && !s.allowed[d]) || !pass(d))) continue;
      if (score[d] == 0) s.touched.push_back(d);
      score[d] += idf * p->impact;
      mask[d] |= bit;
    }
  }
  if (!probe.empty()) {
    // Candidates in doc order; when they are many, a scan of the scores beats a sort.
    if (s.touched.size() > index.doc_count() / 32) {
      s.touched.clear();
      for (DocId d = 0; d < index.doc_count(); ++d) {
        if (score[d] != 0) s.touched.push_back(d);
      }
    } else {
      std::sort(s.touched.begin(), s.touched.end());
    }
  }
  for (std::size_t i : probe) {
    const TermId t = q.terms[i].id;
    const float idf = index.Idf(t);
    const std::uint32_t bit = q.terms[i].required ? 1u << i : 0u;
    const Posting* p = index.begin(t);
    const Posting* const end = index.end(t);
    auto before = [](const Posting& x, DocId d) { return x.doc < d; };
    for (DocId d : s.touched) {
      if (p == end) break;
      if (p->doc < d) {
        std::ptrdiff_t step = 1;
        while (step < end - p && p[step].doc < d) step *= 2;
        p = std::lower_bound(p + step / 2, p + std::min(step, end - p), d, before);
        if (p == end) break;
      }
      if (p->doc == d) {
        score[d] += idf * p->impact;
        mask[d] |= bit;
        ++p;
      }
    }
  }
  for (DocId d : s.touched) {
    const int matched = std::popcount(s.mask[d]);
    if (matched >= need) {
      top.Offer({exact(d), static_cast<std::uint8_t>(matched), s.score[d], code_rank[d], d});
    }
    s.score[d] = 0;
    s.mask[d] = 0;
  }
  if (q.has_code) {
    for (DocId d : q.code_docs) s.allowed[d] = 0;
  }
}

std::vector<Highlight> SearchIndex::Impl::HighlightsIn(std::string_view text,
                                                       const std::vector<QueryTerm>& terms) const {
  std::vector<Highlight> out;
  if (terms.empty() || text.empty()) return out;
  std::vector<Token> tokens;
  Tokenize(text, tokens);
  std::vector<TermId> ids;
  for (const auto& t : tokens) {
    ids.clear();
    TermsForQuery(t, ids);
    bool hit = std::any_of(ids.begin(), ids.end(), [&](TermId id) {
      return std::any_of(terms.begin(), terms.end(),
                         [&](const QueryTerm& q) { return q.id == id; });
    });
    if (hit) out.push_back({t.begin, t.end - t.begin});
  }
  std::sort(out.begin(), out.end(),
            [](const Highlight& a, const Highlight& b) { return a.begin < b.begin; });
  std::vector<Highlight> merged;
  for (const auto& h : out) {
    if (!merged.empty() && h.begin < merged.back().begin + merged.back().length) {
      auto end = std::max(merged.back().begin + merged.back().length, h.begin + h.length);
      merged.back().length = end - merged.back().begin;
    } else {
      merged.push_back(h);
    }
  }
  return merged;
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

std::unique_ptr<SearchIndex> SearchIndex::Build(const BaseRelease& release) {
  auto impl = std::make_unique<Impl>();
  impl->release = &release;
  impl->BuildNorms();
  impl->BuildResources();
  const std::size_t terms = impl->dictionary.size();
  impl->norms.Finish(terms);
  impl->resources.Finish(terms);
  impl->text_cache_ = {};
  impl->tokens_ = {};
  impl->term_texts_ = {};
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

namespace {

std::pair<std::size_t, std::size_t> Window(const SearchQuery& query) {
  const auto limit = static_cast<std::size_t>(std::clamp(query.limit, 0, kMaxLimit));
  const auto offset = static_cast<std::size_t>(std::clamp(query.offset, 0, kMaxOffset));
  return {offset, limit};
}

}  // namespace

SearchResult<NormHit> SearchIndex::SearchNorms(const SearchQuery& query) const {
  const Impl& m = *impl_;
  SearchResult<NormHit> result;
  ParsedQuery q = m.ParseNormQuery(query);
  result.unknown_words = q.unknown_words;
  const bool any_filter = q.family || !query.collection.empty() || !query.unit.empty();
  if (q.impossible || (q.terms.empty() && !q.has_code && !any_filter)) return result;
  if (q.terms.empty() && !q.has_code && !q.unknown_words.empty()) return result;

  std::uint32_t collection = 0, unit = 0;
  if (!query.collection.empty()) {
    auto it = m.collections.find(NormalizeCollection(query.collection));
    if (it == m.collections.end()) return result;
    collection = it->second;
  }
  if (!query.unit.empty()) {
    auto it = m.units.find(NormalizeUnit(query.unit));
    if (it == m.units.end()) return result;
    unit = it->second;
  }
  const int family = q.family ? static_cast<int>(*q.family) : -1;
  const bool by_collection = !query.collection.empty();
  const bool by_unit = !query.unit.empty();
  auto pass = [&](DocId d) {
    return (family < 0 || m.norm_family[d] == family) &&
           (!by_collection || m.norm_collection[d] == collection) &&
           (!by_unit || m.norm_unit[d] == unit);
  };
  const auto [offset, limit] = Window(query);
  TopK top(offset + limit);
  const auto& norms_v = m.release->norms;
  m.Collect(
      m.norms, q, m.norm_code_rank, q.has_code ? q.code : std::string_view(),
      [&](DocId d) { return norms_v[d].code; }, pass, family >= 0 || by_collection || by_unit, top);
  result.total = top.total();
  auto sorted = top.Sorted();
  for (std::size_t i = offset; i < sorted.size(); ++i) {
    const Candidate& c = sorted[i];
    const Norm& norm = norms_v[c.doc];
    NormHit hit;
    hit.norm = &norm;
    hit.score = c.score;
    hit.exact_code = c.exact != 0;
    hit.code_match_length = q.has_code ? static_cast<std::uint32_t>(q.code.size()) : 0;
    hit.name_highlights = m.HighlightsIn(norm.name, q.terms);
    for (std::string_view item : norm.content) {
      auto h = m.HighlightsIn(item, q.terms);
      if (!h.empty()) {
        hit.snippet = item;
        hit.snippet_highlights = std::move(h);
        break;
      }
    }
    for (std::int32_t s = norm.table; hit.snippet.empty() && s >= 0 &&
                                      static_cast<std::size_t>(s) < m.release->sections.size();) {
      const auto& section = m.release->sections[static_cast<std::size_t>(s)];
      auto h = m.HighlightsIn(section.name, q.terms);
      if (!h.empty()) {
        hit.snippet = section.name;
        hit.snippet_highlights = std::move(h);
      }
      if (section.parent == s) break;
      s = section.parent;
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

SearchResult<ResourceHit> SearchIndex::SearchResources(const SearchQuery& query) const {
  const Impl& m = *impl_;
  SearchResult<ResourceHit> result;
  ParsedQuery q = m.ParseResourceQuery(query);
  result.unknown_words = q.unknown_words;
  const bool any_filter = query.kind || !query.unit.empty();
  if (q.impossible || (q.terms.empty() && !q.has_code && !any_filter)) return result;
  if (q.terms.empty() && !q.has_code && !q.unknown_words.empty()) return result;
  std::uint32_t unit = 0;
  if (!query.unit.empty()) {
    auto it = m.units.find(NormalizeUnit(query.unit));
    if (it == m.units.end()) return result;
    unit = it->second;
  }
  const int kind = query.kind ? static_cast<int>(*query.kind) : -1;
  const bool by_unit = !query.unit.empty();
  auto pass = [&](DocId d) {
    return (kind < 0 || m.resource_kind[d] == kind) && (!by_unit || m.resource_unit[d] == unit);
  };
  const auto [offset, limit] = Window(query);
  TopK top(offset + limit);
  const auto& entries = m.release->resources;
  m.Collect(
      m.resources, q, m.resource_code_rank, q.has_code ? q.code : std::string_view(),
      [&](DocId d) { return entries[d].code; }, pass, kind >= 0 || by_unit, top);
  result.total = top.total();
  auto sorted = top.Sorted();
  for (std::size_t i = offset; i < sorted.size(); ++i) {
    const Candidate& c = sorted[i];
    ResourceHit hit;
    hit.resource = &entries[c.doc];
    hit.score = c.score;
    hit.exact_code = c.exact != 0;
    hit.code_match_length = q.has_code ? static_cast<std::uint32_t>(q.code.size()) : 0;
    hit.name_highlights = m.HighlightsIn(hit.resource->name, q.terms);
    result.hits.push_back(std::move(hit));
  }
  return result;
}

std::size_t SearchIndex::MemoryBytes() const {
  const Impl& m = *impl_;
  std::size_t bytes = m.norms.MemoryBytes() + m.resources.MemoryBytes();
  for (const auto& [k, v] : m.dictionary) bytes += k.capacity() + sizeof(v) + 32;
  for (const auto& [k, v] : m.surface) bytes += k.capacity() + v.capacity() * sizeof(TermId) + 56;
  bytes += (m.norm_family.size() + m.resource_kind.size()) +
           (m.norm_collection.size() + m.norm_unit.size() + m.norm_code_order.size() +
            m.norm_code_rank.size() + m.resource_unit.size() + m.resource_code_order.size() +
            m.resource_code_rank.size()) *
               sizeof(std::uint32_t);
  return bytes;
}

std::string MarkHighlights(std::string_view text, const std::vector<Highlight>& highlights,
                           std::string_view open, std::string_view close) {
  std::string out;
  out.reserve(text.size() + highlights.size() * (open.size() + close.size()));
  std::size_t at = 0;
  for (const auto& h : highlights) {
    if (h.begin < at || h.begin + h.length > text.size()) continue;
    out.append(text.substr(at, h.begin - at));
    out.append(open);
    out.append(text.substr(h.begin, h.length));
    out.append(close);
    at = h.begin + h.length;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace estimate::normbase
