#include "api/assistant_json.hpp"

#include <boost/json.hpp>

namespace estimate::api {
namespace json = boost::json;
namespace {

json::value OptionalId(const std::optional<std::int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

std::string Event(std::string_view name, const json::value& data) {
  std::string out = "event: ";
  out.append(name).append("\ndata: ").append(json::serialize(data)).append("\n\n");
  return out;
}

json::object ChoiceJson(const services::BoqChoice& c) {
  return json::object{{"code", c.code},     {"family", c.family}, {"name", c.name},
                      {"unit", c.unit},     {"confidence", c.confidence},
                      {"score", c.score},   {"source", c.source}, {"reason", c.reason}};
}

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  return json::serialize(*v);
}

}  // namespace

std::string CheckReportJson(const services::CheckReport& r) {
  json::array findings;
  for (const auto& f : r.findings) {
    findings.push_back(json::object{{"rule", f.finding.rule},
                                    {"severity", ai::SeverityName(f.finding.severity)},
                                    {"title", f.title},
                                    {"section_id", OptionalId(f.section_id)},
                                    {"position_id", OptionalId(f.position_id)},
                                    {"number", f.finding.number},
                                    {"code", f.finding.code},
                                    {"field", f.finding.field},
                                    {"message", f.finding.message},
                                    {"fix", f.finding.fix}});
  }
  json::value release = nullptr;
  if (r.release_id) release = json::object{{"id", *r.release_id}, {"name", r.release_name}};
  return json::serialize(json::object{
      {"estimate_id", r.estimate_id},
      {"version", r.version},
      {"release", std::move(release)},
      {"rules", r.rules},
      {"summary", json::object{{"error", r.errors}, {"warning", r.warnings}, {"info", r.infos}}},
      {"findings", std::move(findings)}});
}

std::string ChatMetaEvent(const services::ChatMeta& m) {
  json::value release = nullptr;
  if (m.release_id) release = json::object{{"id", *m.release_id}, {"name", m.release_name}};
  return Event("meta", json::object{{"mode", m.mode},
                                    {"model", m.model.empty() ? json::value(nullptr) : json::value(m.model)},
                                    {"release", std::move(release)},
                                    {"estimate_id", OptionalId(m.estimate_id)},
                                    {"notice", m.notice}});
}

std::string ChatSourceEvent(std::size_t n, const ai::Passage& p) {
  return Event("source", json::object{{"n", n},
                                      {"kind", ai::PassageKindName(p.kind)},
                                      {"title", p.title},
                                      {"text", p.text},
                                      {"citation", p.citation},
                                      {"position_id", p.position_id == 0 ? json::value(nullptr) : json::value(p.position_id)}});
}

std::string ChatNormEvent(const services::ChatNorm& n) {
  return Event("norm", json::object{{"code", n.code}, {"name", n.name}, {"unit", n.unit}, {"score", n.score}});
}

std::string ChatDeltaEvent(std::string_view text) { return Event("delta", json::object{{"text", text}}); }

std::string ChatErrorEvent(std::string_view detail) { return Event("error", json::object{{"detail", detail}}); }

std::string ChatDoneEvent(const services::ChatOutcome& o) {
  json::array citations;
  for (std::size_t n : o.citations) citations.push_back(n);
  return Event("done", json::object{{"mode", o.mode},
                                    {"outcome", o.outcome},
                                    {"citations", std::move(citations)},
                                    {"prompt_tokens", o.prompt_tokens},
                                    {"completion_tokens", o.completion_tokens}});
}

std::string BoqReviewJson(const services::BoqReview& review) {
  json::array lines;
  for (const auto& l : review.lines) {
    json::array alternatives;
    for (const auto& a : l.alternatives) alternatives.push_back(ChoiceJson(a));
    lines.push_back(json::object{
        {"row", l.line.row},
        {"number", l.line.number},
        {"section", l.line.section},
        {"name", l.line.name},
        {"unit", l.line.unit},
        {"quantity", l.line.quantity.ToString()},
        {"code", l.line.code},
        {"suggestion", l.suggestion ? json::value(ChoiceJson(*l.suggestion)) : json::value(nullptr)},
        {"alternatives", std::move(alternatives)},
        {"low_confidence", l.low_confidence}});
  }
  json::array warnings;
  for (const auto& w : review.warnings) warnings.push_back(json::string(w));
  return json::serialize(json::object{
      {"release", json::object{{"id", review.release_id}, {"name", review.release_name}}},
      {"source", review.source},
      {"lines", std::move(lines)},
      {"warnings", std::move(warnings)}});
}

Result<services::BoqDraftRequest> BoqDraftRequestOf(const json::object& o) {
  services::BoqDraftRequest request;
  const json::value* object_id = o.if_contains("object_id");
  if (object_id == nullptr || !object_id->is_int64()) return InvalidArgument("object_id: is required");
  request.object_id = object_id->get_int64();
  request.name = Text(o, "name");
  request.region = Text(o, "region");
  request.zone = Text(o, "zone");
  request.quarter = Text(o, "quarter");
  const json::value* lines = o.if_contains("lines");
  if (lines == nullptr || !lines->is_array() || lines->get_array().empty()) {
    return InvalidArgument("lines: at least one line is required");
  }
  const auto& list = lines->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "lines[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return InvalidArgument(at + ": expected an object");
    const json::object& l = list[i].get_object();
    services::BoqDraftLine line;
    const json::value* row = l.if_contains("row");
    line.line.row = row != nullptr && row->is_int64() ? static_cast<int>(row->get_int64()) : static_cast<int>(i + 1);
    line.line.number = Text(l, "number");
    line.line.section = Text(l, "section");
    line.line.name = Text(l, "name");
    line.line.unit = Text(l, "unit");
    line.line.code = Text(l, "code");
    line.suggested = Text(l, "suggested");
    auto quantity = core::Decimal::Parse(Text(l, "quantity"));
    if (!quantity.ok()) return InvalidArgument(at + ".quantity: \"" + Text(l, "quantity") + "\" is not a decimal");
    line.line.quantity = *quantity;
    request.lines.push_back(std::move(line));
  }
  return request;
}

}  // namespace estimate::api
