#pragma once
// What the assistant's use cases answer, as values (the api writes them as JSON): the checker's
// report, the estimate as the chat reads it, the chat's events, the review of a bill of
// quantities and the draft made of it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ai/chat.hpp"
#include "ai/estimate_checks.hpp"
#include "formats/boq/boq_import.hpp"
#include "services/estimate_types.hpp"

namespace estimate::services {

// ---- the checker -----------------------------------------------------------------------------

// What an import compared: the file and the stated figures the recomputation did not reproduce.
struct ImportReport {
  std::string source;
  std::int64_t version = 0;  // the estimate's version the import created
  std::vector<ai::ImportDifference> differences;
};

struct CheckedFinding {
  ai::Finding finding;
  std::string_view title;                  // the rule's, in Russian
  std::optional<std::int64_t> section_id;  // none: the estimate as a whole
  std::optional<std::int64_t> position_id;
};

struct CheckReport {
  std::int64_t estimate_id = 0;
  std::int64_t version = 0;                // the version checked
  std::optional<std::int64_t> release_id;  // the active release checked against
  std::string release_name;
  std::size_t rules = 0;
  std::int64_t errors = 0, warnings = 0, infos = 0;
  std::vector<CheckedFinding> findings;
};

// ---- the chat --------------------------------------------------------------------------------

// The estimate at hand as the chat reads it: a line of its header and totals, and its positions.
struct EstimateDigest {
  std::string header;
  std::vector<ai::EstimateLine> lines;
};

struct ChatMeta {
  std::string mode;   // "model" or "passages"
  std::string model;  // the model's name; empty without one
  std::optional<std::int64_t> release_id;
  std::string release_name;
  std::optional<std::int64_t> estimate_id;
  std::string notice;  // in Russian: what the answer is made of when no model answers
};

struct ChatNorm {
  std::string code;  // full code, «ГЭСН 16-02-005-05»
  std::string name, unit;
  double score = 0;
};

// What an answer did, for /metrics.
struct ChatOutcome {
  std::string mode;     // "model" or "passages"
  std::string outcome;  // "ok", "provider_error", "client_gone"
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double first_text_seconds = -1;  // model mode: until the first piece of the answer
  std::vector<std::size_t> citations;  // the sources the answer cites (all, without a model)
};

// Where an answer goes, event by event; each returns false when the client is gone.
class ChatSink {
 public:
  virtual ~ChatSink() = default;
  virtual bool Meta(const ChatMeta& meta) = 0;
  virtual bool Source(std::size_t n, const ai::Passage& passage) = 0;
  virtual bool Norm(const ChatNorm& norm) = 0;
  virtual bool Delta(std::string_view text) = 0;
  virtual bool Error(std::string_view detail) = 0;
  virtual bool Done(const ChatOutcome& outcome) = 0;
};

// ---- a bill of quantities into a draft ---------------------------------------------------------

struct BoqChoice {
  std::string code;    // full code, «ГЭСН 16-02-005-05»
  std::string family;  // "gesn", …
  std::string name, unit;
  std::string confidence;  // "high", "medium", "low"
  double score = 0;
  std::string source;  // "file", "feedback", "assistant"
  std::string reason;  // in Russian
};

struct BoqReviewLine {
  formats::BoqLine line;
  std::optional<BoqChoice> suggestion;
  std::vector<BoqChoice> alternatives;  // at most two
  bool low_confidence = false;
};

struct BoqReview {
  std::int64_t release_id = 0;
  std::string release_name;
  std::string source;  // the file's name
  std::vector<BoqReviewLine> lines;
  std::vector<std::string> warnings;
};

struct BoqDraftLine {
  formats::BoqLine line;  // `code`: the norm chosen (full code), or empty for an unpriced line
  std::string suggested;  // what the assistant suggested, for the feedback
};

struct BoqDraftRequest {
  std::int64_t object_id = 0;
  std::string name, region, zone, quarter;
  std::vector<BoqDraftLine> lines;
};

struct BoqDraftOutcome {
  EditOutcome created;         // the draft, as DocumentService::ImportBoq answers it
  std::string feedback_error;  // the choices could not be recorded; empty when they were
};

}  // namespace estimate::services
