#include "services/boq_assistant.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "ai/chat.hpp"
#include "core/decimal.hpp"
#include "formats/boq/boq_import.hpp"
#include "normbase/base_release.hpp"
#include "normbase/russian_text.hpp"
#include "services/assistant_service.hpp"
#include "services/base_service.hpp"
#include "services/document_service.hpp"
#include "services/estimate_json.hpp"
#include "store/suggestion_feedback_repository.hpp"

namespace estimate::services {

namespace json = boost::json;

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

std::string FullCode(const normbase::Norm& n) {
  return std::string(normbase::FamilyPrefix(n.family)) + " " + std::string(n.code);
}

const normbase::Norm* FindNorm(const normbase::BaseRelease* release, std::string_view code) {
  if (release == nullptr) return nullptr;
  auto split = internal::SplitNormCode(code);
  if (!split) return nullptr;
  return release->FindNorm(split->first, split->second);
}

json::object ChoiceJson(const normbase::Norm& n, std::string_view confidence, double score,
                        std::string_view source, std::string reason) {
  return json::object{{"code", FullCode(n)},
                      {"family", std::string(normbase::FamilyId(n.family))},
                      {"name", std::string(n.name)},
                      {"unit", std::string(n.unit)},
                      {"confidence", confidence},
                      {"score", score},
                      {"source", source},
                      {"reason", std::move(reason)}};
}

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  return json::serialize(*v);
}

// The quantity of a ВОР line in the unit of its norm: 150 «м» of a norm on «100 м» is 1,5.
core::Decimal InNormUnit(const core::Decimal& quantity, std::string_view line_unit, std::string_view norm_unit) {
  const std::string line = normbase::NormalizeUnit(line_unit);
  const std::string norm = normbase::NormalizeUnit(norm_unit);
  const auto space = norm.find(' ');
  if (line.empty() || space == std::string::npos || norm.substr(space + 1) != line) return quantity;
  auto multiplier = core::Decimal::Parse(norm.substr(0, space));
  if (!multiplier.ok() || multiplier->IsZero()) return quantity;
  return core::Decimal::Divide(quantity, *multiplier, 7).Normalized();
}

}  // namespace

BoqAssistant::BoqAssistant(BaseService& base, const AssistantService& assistant,
                           store::SuggestionFeedbackRepository& feedback, DocumentService* documents)
    : base_(base), assistant_(assistant), feedback_(feedback), documents_(documents) {}

Result<std::string> BoqAssistant::Review(const Actor& actor, std::string_view bytes, const std::string& filename) {
  auto boq = DocumentService::ReadBoq(bytes, filename);
  if (!boq.ok()) return boq.status();
  const auto active = base_.Active();
  const normbase::BaseRelease* release = active->release.get();
  if (release == nullptr) return FailedPrecondition("no normative base is active: import one first");
  json::array lines;
  for (const formats::BoqLine& line : boq->lines) {
    json::object out{{"row", line.row},           {"number", line.number},
                     {"section", line.section},   {"name", line.name},
                     {"unit", line.unit},         {"quantity", line.quantity.ToString()},
                     {"code", line.code}};
    json::value suggestion = nullptr;
    json::array alternatives;
    bool low = false;
    std::set<std::string> seen;
    if (const normbase::Norm* norm = FindNorm(release, line.code)) {
      suggestion = ChoiceJson(*norm, "high", 1.0, "file", "шифр указан в ведомости");
    } else if (!line.name.empty()) {
      // The organization's earlier choices for this description and unit, most chosen first.
      auto choices = feedback_.Choices(actor.organization_id, TextKey(line.name), normbase::NormalizeUnit(line.unit));
      if (!choices.ok()) return choices.status();
      for (const auto& c : *choices) {
        const normbase::Norm* norm = FindNorm(release, c.code);
        if (norm == nullptr || !seen.insert(c.code).second) continue;
        json::object choice = ChoiceJson(*norm, "high", 1.0, "feedback",
                                         "выбрана сметчиками организации для этой работы: " +
                                             std::to_string(c.chosen) + " раз");
        if (suggestion.is_null()) suggestion = std::move(choice);
        else if (alternatives.size() < 2) alternatives.push_back(std::move(choice));
      }
      ai::SuggestQuery q;
      q.text = line.name;
      q.unit = line.unit;
      if (line.quantity.ok() && !line.quantity.IsZero()) q.quantity = line.quantity;
      q.limit = 5;
      auto answer = assistant_.Suggest(q);
      if (!answer.ok()) return answer.status();
      for (const ai::NormSuggestion& s : answer->suggestions) {
        const std::string code = FullCode(*s.norm);
        if (!seen.insert(code).second) continue;
        std::string reason;
        for (const auto& r : s.reasons) {
          if (r.against) continue;
          reason += (reason.empty() ? "" : "; ") + r.text;
          if (reason.size() > 160) break;
        }
        json::object choice = ChoiceJson(*s.norm, ai::ConfidenceId(s.confidence), s.score, "assistant", reason);
        if (suggestion.is_null()) {
          // Another unit or a figure outside the norm's range: the estimator looks at it, however
          // close the words are.
          const bool against = std::any_of(s.reasons.begin(), s.reasons.end(), [](const ai::SuggestReason& r) {
            return r.against && (r.kind == "unit" || r.kind == "number");
          });
          low = s.confidence == ai::Confidence::kLow || against;
          suggestion = std::move(choice);
        } else if (alternatives.size() < 2) {
          alternatives.push_back(std::move(choice));
        }
        if (alternatives.size() == 2) break;
      }
      if (suggestion.is_null()) low = true;
    }
    out["suggestion"] = std::move(suggestion);
    out["alternatives"] = std::move(alternatives);
    out["low_confidence"] = low;
    lines.push_back(std::move(out));
  }
  json::array warnings;
  for (const auto& w : boq->warnings) warnings.push_back(json::string(w));
  return json::serialize(json::object{
      {"release", json::object{{"id", release->info.id}, {"name", release->info.name}}},
      {"source", filename},
      {"lines", std::move(lines)},
      {"warnings", std::move(warnings)}});
}

Result<EditOutcome> BoqAssistant::Draft(const Actor& actor, const std::string& body) {
  if (documents_ == nullptr) {
    return Unavailable("drafts are made by a process with the api role; this one serves the ai role alone");
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return InvalidArgument("body: expected a JSON object");
  const json::object& o = parsed.get_object();
  const json::value* object_id = o.if_contains("object_id");
  if (object_id == nullptr || !object_id->is_int64()) return InvalidArgument("object_id: is required");
  const json::value* lines = o.if_contains("lines");
  if (lines == nullptr || !lines->is_array() || lines->get_array().empty()) {
    return InvalidArgument("lines: at least one line is required");
  }
  const auto active = base_.Active();
  const normbase::BaseRelease* release = active->release.get();
  formats::BoqImport boq;
  std::vector<store::FeedbackEntry> feedback;
  const auto& list = lines->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "lines[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return InvalidArgument(at + ": expected an object");
    const json::object& l = list[i].get_object();
    formats::BoqLine line;
    line.row = l.contains("row") && l.at("row").is_int64() ? static_cast<int>(l.at("row").get_int64()) : static_cast<int>(i + 1);
    line.number = Text(l, "number");
    line.section = Text(l, "section");
    line.name = Text(l, "name");
    line.unit = Text(l, "unit");
    auto quantity = core::Decimal::Parse(Text(l, "quantity"));
    if (!quantity.ok()) return InvalidArgument(at + ".quantity: \"" + Text(l, "quantity") + "\" is not a decimal");
    line.quantity = *quantity;
    const std::string code = Text(l, "code");
    if (!code.empty()) {
      const normbase::Norm* norm = FindNorm(release, code);
      if (norm == nullptr) {
        return InvalidArgument(at + ".code: \"" + code + "\" is not a norm of the active release");
      }
      line.code = FullCode(*norm);
      line.quantity = InNormUnit(line.quantity, line.unit, norm->unit);
      line.unit = std::string(norm->unit);
      if (!line.name.empty()) {
        feedback.push_back({TextKey(Text(l, "name")), normbase::NormalizeUnit(Text(l, "unit")), line.code,
                            Text(l, "suggested")});
      }
    }
    boq.lines.push_back(std::move(line));
  }
  ImportOptions options;
  options.region = Text(o, "region");
  options.zone = Text(o, "zone");
  options.quarter = Text(o, "quarter");
  std::string name = Text(o, "name");
  if (name.empty()) name = "Черновик по ВОР";
  auto created = documents_->ImportBoq(actor, object_id->get_int64(), boq, name, options);
  if (!created.ok()) return created.status();
  // The choices teach the next suggestion; a failure to record them does not undo the draft.
  if (Status s = feedback_.Record(actor.organization_id, feedback); !s.ok()) {
    return Status(s.code(), "the draft estimate was created, but the choices were not recorded: " + s.message());
  }
  return created;
}

}  // namespace estimate::services
