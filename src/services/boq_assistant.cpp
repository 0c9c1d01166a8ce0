#include "services/boq_assistant.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "ai/chat.hpp"
#include "core/decimal.hpp"
#include "normbase/base_release.hpp"
#include "normbase/russian_text.hpp"
#include "services/assistant_service.hpp"
#include "services/base_service.hpp"
#include "services/document_service.hpp"
#include "services/estimate_json.hpp"
#include "store/suggestion_feedback_repository.hpp"

namespace estimate::services {

namespace {

// A description in one spelling for the feedback: its retrieval terms, sorted, once each.
std::string TextKey(std::string_view name) {
  std::vector<std::string> terms = ai::RetrievalTerms(name);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : " ") + t;
  return out;
}

std::string FullCode(const normbase::Norm& n) { return normbase::PrintedCode(n.family, n.code); }

const normbase::Norm* FindNorm(const normbase::BaseRelease* release, std::string_view code) {
  if (release == nullptr) return nullptr;
  auto split = internal::SplitNormCode(code);
  if (!split) return nullptr;
  return release->FindNorm(split->first, split->second);
}

BoqChoice Choice(const normbase::Norm& n, std::string confidence, double score, std::string source,
                 std::string reason) {
  return BoqChoice{FullCode(n),      std::string(normbase::FamilyId(n.family)), std::string(n.name),
                   std::string(n.unit), std::move(confidence), score, std::move(source), std::move(reason)};
}

// A unit as a multiplier and the rest: «100 м трубопровода» → (100, «м трубопровода», «м»).
struct SplitUnit {
  core::Decimal multiplier = core::Decimal::FromInt(1);
  std::string rest, first;
};

SplitUnit Split(std::string_view unit) {
  SplitUnit out;
  const std::string u = normbase::NormalizeUnit(unit);
  std::size_t i = 0;
  while (i < u.size() && ((u[i] >= '0' && u[i] <= '9') || u[i] == '.')) ++i;
  if (i > 0 && i < u.size() && u[i] == ' ') {
    if (auto m = core::Decimal::Parse(u.substr(0, i)); m.ok() && !m->IsZero()) {
      out.multiplier = *m;
      out.rest = u.substr(i + 1);
    } else {
      out.rest = u;
    }
  } else {
    out.rest = u;
  }
  out.first = out.rest.substr(0, out.rest.find(' '));
  return out;
}

// The quantity of a ВОР line in the unit of its norm: 150 «м» of a norm on «100 м» (or «100 м
// трубопровода») is 1,5; a line without a unit stays as it is. Another unit («км» for «100 м»,
// «т» for «м3»): none — the estimator gives it in the norm's unit.
std::optional<core::Decimal> InNormUnit(const core::Decimal& quantity, std::string_view line_unit,
                                        std::string_view norm_unit) {
  const SplitUnit line = Split(line_unit);
  const SplitUnit norm = Split(norm_unit);
  if (line.rest.empty()) return quantity;
  if (line.rest != norm.rest && line.first != norm.first && line.rest != norm.first) return std::nullopt;
  if (line.multiplier == norm.multiplier) return quantity;
  return core::Decimal::Divide(quantity * line.multiplier, norm.multiplier, 7).Normalized();
}

}  // namespace

BoqAssistant::BoqAssistant(BaseService& base, const AssistantService& assistant,
                           store::SuggestionFeedbackRepository& feedback, DocumentService* documents)
    : base_(base), assistant_(assistant), feedback_(feedback), documents_(documents) {}

Result<BoqReview> BoqAssistant::Review(const Actor& actor, std::string_view bytes, const std::string& filename) {
  auto boq = DocumentService::ReadBoq(bytes, filename);
  if (!boq.ok()) return boq.status();
  const auto active = base_.Active();
  const normbase::BaseRelease* release = active->release.get();
  if (release == nullptr) return FailedPrecondition("no normative base is active: import one first");
  BoqReview review;
  review.release_id = release->info.id;
  review.release_name = release->info.name;
  review.source = filename;
  review.warnings = std::move(boq->warnings);
  for (formats::BoqLine& line : boq->lines) {
    BoqReviewLine out;
    std::set<std::string> seen;
    const auto take = [&](BoqChoice choice) {
      if (!out.suggestion) out.suggestion = std::move(choice);
      else if (out.alternatives.size() < 2) out.alternatives.push_back(std::move(choice));
    };
    if (const normbase::Norm* norm = FindNorm(release, line.code)) {
      take(Choice(*norm, "high", 1.0, "file", "шифр указан в ведомости"));
    } else if (!line.name.empty()) {
      // The organization's earlier choices for this description and unit, most chosen first.
      auto choices = feedback_.Choices(actor.organization_id, TextKey(line.name), normbase::NormalizeUnit(line.unit));
      if (!choices.ok()) return choices.status();
      for (const auto& c : *choices) {
        const normbase::Norm* norm = FindNorm(release, c.code);
        if (norm == nullptr || !seen.insert(c.code).second) continue;
        take(Choice(*norm, "high", 1.0, "feedback",
                    "выбрана сметчиками организации для этой работы: " + std::to_string(c.chosen) + " раз"));
      }
      ai::SuggestQuery q;
      q.text = line.name;
      q.unit = line.unit;
      if (line.quantity.ok() && !line.quantity.IsZero()) q.quantity = line.quantity;
      q.limit = 5;
      auto answer = assistant_.Suggest(q);
      if (!answer.ok()) return answer.status();
      for (const ai::NormSuggestion& s : answer->suggestions) {
        if (out.alternatives.size() == 2) break;
        if (!seen.insert(FullCode(*s.norm)).second) continue;
        std::string reason;
        for (const auto& r : s.reasons) {
          if (r.against || reason.size() > 160) continue;
          reason += (reason.empty() ? "" : "; ") + r.text;
        }
        if (!out.suggestion) {
          // Another unit or a figure outside the norm's range: the estimator looks at it, however
          // close the words are.
          const bool against = std::any_of(s.reasons.begin(), s.reasons.end(), [](const ai::SuggestReason& r) {
            return r.against && (r.kind == "unit" || r.kind == "number");
          });
          out.low_confidence = s.confidence == ai::Confidence::kLow || against;
        }
        take(Choice(*s.norm, std::string(ai::ConfidenceId(s.confidence)), s.score, "assistant", std::move(reason)));
      }
      if (!out.suggestion) out.low_confidence = true;
    }
    out.line = std::move(line);
    review.lines.push_back(std::move(out));
  }
  return review;
}

Result<BoqDraftOutcome> BoqAssistant::Draft(const Actor& actor, const BoqDraftRequest& request) {
  if (documents_ == nullptr) {
    return Unavailable("drafts are made by a process with the api role; this one serves the ai role alone");
  }
  if (request.lines.empty()) return InvalidArgument("lines: at least one line is required");
  const auto active = base_.Active();
  const normbase::BaseRelease* release = active->release.get();
  formats::BoqImport boq;
  std::vector<store::FeedbackEntry> feedback;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    formats::BoqLine line = request.lines[i].line;
    if (!line.code.empty()) {
      const normbase::Norm* norm = FindNorm(release, line.code);
      if (norm == nullptr) {
        return InvalidArgument("lines[" + std::to_string(i) + "].code: \"" + line.code +
                               "\" is not a norm of the active release");
      }
      if (!line.name.empty()) {
        feedback.push_back({TextKey(line.name), normbase::NormalizeUnit(line.unit), FullCode(*norm),
                            request.lines[i].suggested});
      }
      const auto quantity = InNormUnit(line.quantity, line.unit, norm->unit);
      if (!quantity) {
        return InvalidArgument("lines[" + std::to_string(i) + "].quantity: the line is measured in «" + line.unit +
                               "», the norm " + FullCode(*norm) + " in «" + std::string(norm->unit) +
                               "»: give the quantity in the norm's unit");
      }
      line.code = FullCode(*norm);
      line.quantity = *quantity;
      line.unit = std::string(norm->unit);
    }
    boq.lines.push_back(std::move(line));
  }
  ImportOptions options{request.region, request.zone, request.quarter};
  auto created = documents_->ImportBoq(actor, request.object_id, boq,
                                       request.name.empty() ? std::string("Черновик по ВОР") : request.name, options);
  if (!created.ok()) return created.status();
  // The choices teach the next suggestion; a failure to record them does not undo the draft,
  // which is answered with what went wrong.
  BoqDraftOutcome outcome{std::move(created).value(), {}};
  if (Status s = feedback_.Record(actor.organization_id, feedback); !s.ok()) {
    outcome.feedback_error = "the choices were not recorded for the next suggestions: " + s.message();
  }
  return outcome;
}

}  // namespace estimate::services
