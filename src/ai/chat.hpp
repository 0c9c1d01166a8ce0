#pragma once
// The assistant's answers with their sources: passages of the methodology notes (notes/, compiled
// in), of the active release's technical parts (coefficient bindings, НР/СП rates, the norm
// tables with their work compositions) and of the estimate at hand, found by BM25 over Russian
// stems; and the prompt that hands them to a language model with the instruction to cite them
// as [n]. Without a model the passages themselves are the answer.
//
// Thread-safety: a built PassageIndex is immutable and may be searched from any thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ai/openai_client.hpp"

namespace estimate::core {
struct Estimate;
}  // namespace estimate::core
namespace estimate::normbase {
class BaseRelease;
}  // namespace estimate::normbase

namespace estimate::ai {

enum class PassageKind { kMethodology, kTechnicalPart, kEstimate };
// "methodology", "technical_part", "estimate".
const char* PassageKindName(PassageKind kind);

struct Passage {
  PassageKind kind = PassageKind::kMethodology;
  std::string title;     // «Накладные расходы (приказ 812/пр)», «Позиция 3: ГЭСН 16-02-005-05»
  std::string text;
  std::string citation;  // where it comes from: «Методика 421/пр п. 58», «ЛСР, позиция 3»
  std::int64_t position_id = 0;  // kEstimate: the position it describes, 0 for the header
};

struct PassageHit {
  std::size_t index = 0;  // into the index's passages
  double score = 0;
};

class PassageIndex {
 public:
  explicit PassageIndex(std::vector<Passage> passages);
  // The best `limit` passages for `query`, best first; none when no word of the query occurs.
  std::vector<PassageHit> Search(std::string_view query, std::size_t limit) const;
  const std::vector<Passage>& passages() const { return passages_; }

 private:
  std::vector<Passage> passages_;
  std::vector<std::unordered_map<std::string, std::uint32_t>> terms_;  // per passage: term → count
  std::vector<std::uint32_t> lengths_;
  std::unordered_map<std::string, std::uint32_t> document_frequency_;
  double average_length_ = 1;
};

// The retrieval terms of a text: Russian stems of its words, numbers and codes as written.
std::vector<std::string> RetrievalTerms(std::string_view text);

// The methodology notes (notes/methodology.md), compiled in.
std::string_view MethodologyNotes();
// Its "## " sections as passages; the line «Источник: …» of each is its citation.
std::vector<Passage> MethodologyPassages();
// The technical parts of a release: each coefficient rule with its factors and bindings, each
// НР/СП rate with its percents, each norm table with its work composition.
std::vector<Passage> TechnicalPassages(const normbase::BaseRelease& release);

// A position of the estimate at hand, for EstimatePassages.
struct EstimateLine {
  std::int64_t position_id = 0;
  std::string number, code, name, unit, quantity, total;
};
// The estimate as passages: its header and totals, and each position.
std::vector<Passage> EstimatePassages(std::string_view header, const std::vector<EstimateLine>& lines);

// The messages for an OpenAI-compatible chat: the rules of answering (in Russian, only from
// the numbered sources, citing them as [n], saying when they do not hold the answer), the
// sources, and the question.
std::vector<ChatMessage> AnswerPrompt(std::string_view question, const std::vector<const Passage*>& sources);

}  // namespace estimate::ai
