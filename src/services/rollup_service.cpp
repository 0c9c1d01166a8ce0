#include "services/rollup_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "formats/gge/gge.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

RollupService::RollupService(const EstimateDeps& deps, EstimateReader& reader)
    : estimates_(deps.estimates), options_(deps.options), reader_(reader) {}

namespace {

// The figures of an estimate's view that the ОСР takes: {"construction", "installation",
// "equipment", "ot", …} from "totals" (resource-index) or "result.totals" (base-index).
json::object LineOfView(const std::string& view, const std::string& number) {
  boost::system::error_code ec;
  json::value v = json::parse(view, ec);
  json::object line{{"number", number}};
  if (ec || !v.is_object()) return line;
  const json::object& o = v.get_object();
  if (const json::value* n = o.if_contains("name"); n && n->is_string()) line["name"] = *n;
  const auto money = [](const json::value* x) -> json::value {
    return x != nullptr && x->is_string() ? *x : json::value("0");
  };
  if (const json::value* t = o.if_contains("totals"); t && t->is_object()) {
    const json::object& totals = t->get_object();
    line["construction"] = money(totals.if_contains("construction"));
    line["installation"] = money(totals.if_contains("installation"));
    line["equipment"] = money(totals.if_contains("equipment"));
    line["other"] = "0";
    line["details"] = json::object{{"ot", money(totals.if_contains("ot"))},
                                   {"em", money(totals.if_contains("em"))},
                                   {"otm", money(totals.if_contains("otm"))},
                                   {"m", money(totals.if_contains("m"))},
                                   {"transport", "0"},
                                   {"overhead", money(totals.if_contains("overhead"))},
                                   {"profit", money(totals.if_contains("profit"))}};
    return line;
  }
  const json::value* r = o.if_contains("result");
  const json::value* t = r && r->is_object() ? r->get_object().if_contains("totals") : nullptr;
  for (const char* column : {"construction", "installation", "equipment", "other"}) {
    json::value amount = "0";
    if (t && t->is_object()) {
      if (const json::value* c = t->get_object().if_contains(column); c && c->is_object()) {
        if (const json::value* cur = c->get_object().if_contains("current"); cur && cur->is_object()) {
          amount = money(cur->get_object().if_contains("total"));
        }
      }
    }
    line[column] = amount;
  }
  return line;
}

}  // namespace

Result<std::string> RollupService::ObjectEstimateDocument(const Actor& actor,
                                                            std::int64_t object_id,
                                                            std::string* number,
                                                            std::string* name) {
  auto object = estimates_.Get<store::SiteObject>(actor.organization_id, object_id);
  if (!object.ok()) return object.status();
  auto list = estimates_.ListEstimates(actor.organization_id, object_id);
  if (!list.ok()) return list.status();
  if (list->empty()) {
    return FailedPrecondition("object " + Id(object_id) + " has no estimates to sum");
  }
  json::array lines;
  for (const auto& e : *list) {
    auto view = reader_.View(actor, e.id);
    if (!view.ok()) return view.status();
    json::object line = LineOfView(*view->json, e.header.number.empty() ? Id(e.id) : e.header.number);
    bool any = false;
    for (const char* c : {"construction", "installation", "equipment", "other"}) {
      if (line[c].as_string() != "0" && line[c].as_string() != "0.00") any = true;
    }
    if (!any) line["other"] = "0";
    lines.push_back(std::move(line));
  }
  *number = Id(object_id);
  *name = object->name;
  return json::serialize(json::object{{"format", "object-estimate/1"},
                                      {"number", *number},
                                      {"name", object->name},
                                      {"lines", std::move(lines)}});
}

Result<std::string> RollupService::ObjectEstimate(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  std::string number, name;
  auto document = ObjectEstimateDocument(actor, object_id, &number, &name);
  if (!document.ok()) return document.status();
  auto outcome = formats::Calculate(*document, formats::OutputFormat::kJson);
  if (!outcome.ok()) return FailedPrecondition("object estimate: " + outcome.problems.front());
  return "{\"document\":" + *document + ",\"result\":" + outcome.json + "}";
}

Result<std::string> RollupService::SummaryEstimateDocument(const Actor& actor,
                                                          std::int64_t project_id,
                                                          const SummaryRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto project = estimates_.Get<store::Project>(actor.organization_id, project_id);
  if (!project.ok()) return project.status();
  const std::string date = request.date.empty() ? core::FormatUtcDate(Now(options_)) : request.date;
  if (!IsDate(date)) return InvalidArgument("date: expected YYYY-MM-DD");
  for (auto [field, value] :
       {std::pair<const char*, const std::string*>{"contingency", &request.contingency_percent},
        {"temporary_buildings", &request.temporary_buildings_percent},
        {"winter", &request.winter_percent}}) {
    if (value->empty()) continue;
    auto d = Decimal::Parse(*value);
    if (!d.ok() || d->IsNegative() || Decimal::FromInt(100) < *d) {
      return InvalidArgument(std::string(field) + ": expected a percentage from 0 to 100");
    }
  }
  auto objects = estimates_.ListObjects(actor.organization_id, project_id);
  if (!objects.ok()) return objects.status();
  json::array lines;
  for (const auto& object : *objects) {
    auto list = estimates_.ListEstimates(actor.organization_id, object.id);
    if (!list.ok()) return list.status();
    if (list->empty()) continue;
    std::string number, name;
    auto document = ObjectEstimateDocument(actor, object.id, &number, &name);
    if (!document.ok()) return document.status();
    auto outcome = formats::Calculate(*document, formats::OutputFormat::kJson);
    if (!outcome.ok()) return FailedPrecondition("object estimate: " + outcome.problems.front());
    const json::value result = json::parse(outcome.json);
    const json::object& total = result.at("total").as_object();
    json::object line{{"chapter", "2"},
                      {"justification", "ОСР-" + number},
                      {"name", name},
                      {"construction", total.at("construction")},
                      {"installation", total.at("installation")},
                      {"equipment", total.at("equipment")},
                      {"other", total.at("other")}};
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return FailedPrecondition("project " + Id(project_id) + " has no estimates");
  if (!request.temporary_buildings_percent.empty()) {
    lines.push_back(json::object{{"chapter", "8"},
                                 {"type", "percent"},
                                 {"percent", request.temporary_buildings_percent},
                                 {"justification", "332/пр"},
                                 {"name", "Временные здания и сооружения " +
                                              request.temporary_buildings_percent + "%"}});
  }
  if (!request.winter_percent.empty()) {
    lines.push_back(json::object{{"chapter", "9"},
                                 {"type", "percent"},
                                 {"percent", request.winter_percent},
                                 {"justification", "325/пр"},
                                 {"name", "Зимнее удорожание " + request.winter_percent + "%"}});
  }
  std::string document = json::serialize(
      json::object{{"format", "summary-estimate/1"},
                   {"number", "ССР-" + Id(project_id)},
                   {"name", project->name},
                   {"date", date},
                   {"contingency_percent",
                    request.contingency_percent.empty() ? "0" : request.contingency_percent},
                   {"lines", std::move(lines)}});
  return document;
}

Result<std::string> RollupService::SummaryEstimate(const Actor& actor, std::int64_t project_id,
                                                   const SummaryRequest& request) {
  auto document = SummaryEstimateDocument(actor, project_id, request);
  if (!document.ok()) return document.status();
  auto outcome = formats::Calculate(*document, formats::OutputFormat::kJson);
  if (!outcome.ok()) return FailedPrecondition("summary estimate: " + outcome.problems.front());
  return "{\"document\":" + *document + ",\"result\":" + outcome.json + "}";
}

}  // namespace estimate::services
