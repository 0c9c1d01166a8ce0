#include "services/estimate_internal.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "telemetry/system_clock.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "core/text.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "formats/json_syntax.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services::internal {

namespace json = boost::json;
using core::Decimal;


constexpr std::size_t kMaxNameBytes = 500;

// --- small helpers ---------------------------------------------------------------------------

std::string Id(std::int64_t id) { return std::to_string(id); }

core::Timestamp Now(const EstimateServicesOptions& options) {
  return options.clock != nullptr ? options.clock->Now() : telemetry::SystemClock().Now();
}

Status Denied(const Actor& actor, auth::Permission permission) {
  return auth::Authorize(actor.role, permission);
}

Status RequireDraft(const store::EstimateInfo& info) {
  if (info.header.status == store::EstimateStatus::kDraft) return Status::Ok();
  return FailedPrecondition(std::string("status: the estimate is ") +
                            store::EstimateStatusName(info.header.status) +
                            "; only a draft can change (return it to draft first)");
}

// Stale versions come back from the store as FailedPrecondition; the API answers them with 412.
Status StaleVersion(std::int64_t estimate_id, std::int64_t at, std::int64_t expected,
                    const char* advice) {
  return Aborted("estimate " + Id(estimate_id) + " is at version " + Id(at) + ", not " +
                 Id(expected) + advice);
}

Status StaleToAborted(Status s) {
  if (s.code() == StatusCode::kFailedPrecondition) return Aborted(s.message());
  return s;
}

std::string Joined(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

Status CheckName(const std::string& name, const std::string& field) {
  if (name.find_first_not_of(" \t") == std::string::npos) return InvalidArgument(field + ": is required");
  if (name.size() > kMaxNameBytes) {
    return InvalidArgument(field + ": longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  return Status::Ok();
}

Result<json::value> ParseBody(const std::string& text, const std::string& what) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) {
    const std::string where = formats::JsonSyntaxErrorAt(text, opts.max_depth);
    return InvalidArgument(what + (where.empty() ? ": not valid JSON (" + ec.message() + ")"
                                                 : ": not valid JSON at " + where));
  }
  return v;
}

// A string field; nullopt when absent/null, InvalidArgument when not a string.
Result<std::optional<std::string>> StringField(const json::object& o, std::string_view key,
                                               const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgument(Joined(path, key) + ": expected a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

// A positive id field; nullopt when absent.
Result<std::optional<std::int64_t>> IdField(const json::object& o, std::string_view key,
                                            const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (v->is_int64() && v->get_int64() > 0) return std::optional<std::int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() > 0 && v->get_uint64() < (1ULL << 62)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get_uint64()));
  }
  return InvalidArgument(Joined(path, key) + ": expected a positive integer id");
}

Result<std::optional<std::size_t>> IndexField(const json::object& o, const std::string& path) {
  const json::value* v = o.if_contains("index");
  if (v == nullptr || v->is_null()) return std::optional<std::size_t>();
  if (v->is_int64() && v->get_int64() >= 0) {
    return std::optional<std::size_t>(static_cast<std::size_t>(v->get_int64()));
  }
  if (v->is_uint64()) return std::optional<std::size_t>(static_cast<std::size_t>(v->get_uint64()));
  return InvalidArgument(Joined(path, "index") + ": expected a non-negative integer");
}

bool IsDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// --- JSON of the entities --------------------------------------------------------------------

json::object ProjectJson(const store::Project& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json::object ObjectJson(const store::SiteObject& o) {
  return {{"id", o.id},
          {"project_id", o.project_id},
          {"name", o.name},
          {"version", o.version},
          {"created_at", o.created_at},
          {"updated_at", o.updated_at}};
}

json::object HeaderJson(const store::EstimateInfo& info) {
  const store::EstimateHeader& h = info.header;
  json::object o{{"id", info.id},
                 {"object_id", info.object_id},
                 {"version", info.version},
                 {"name", h.name},
                 {"number", h.number},
                 {"status", store::EstimateStatusName(h.status)},
                 {"method", h.method},
                 {"release_id", h.release_id ? json::value(*h.release_id) : json::value(nullptr)},
                 {"region", h.region},
                 {"zone", h.zone},
                 {"quarter", h.quarter},
                 {"date", h.date},
                 {"vat_date", h.vat_date},
                 {"created_at", info.created_at},
                 {"updated_at", info.updated_at}};
  boost::system::error_code ec;
  json::value options = json::parse(h.options_json, ec);
  o["options"] = ec ? json::value(json::object()) : std::move(options);
  return o;
}

// The object's JSON text without its closing brace, so that more members can follow.
std::string OpenObject(const json::object& o) {
  std::string s = json::serialize(o);
  s.pop_back();
  return s;
}

// The calc-v1 document of an estimate: its header and the stored position documents, verbatim.
std::string AssembleDocument(const store::EstimateInfo& info,
                             const std::vector<std::string>& section_names,
                             const std::vector<std::vector<std::string>>& documents) {
  const store::EstimateHeader& h = info.header;
  json::object head{{"format", "estimate-document/1"},
                    {"method", h.method},
                    {"name", h.name},
                    {"number", h.number},
                    {"estimate_id", info.id},
                    {"version", info.version},
                    {"release_id", h.release_id ? json::value(*h.release_id) : json::value(nullptr)},
                    {"region", h.region},
                    {"zone", h.zone},
                    {"quarter", h.quarter},
                    {"date", h.date}};
  std::string out = OpenObject(head);
  out += ",\"options\":";
  out += h.options_json.empty() ? "{}" : h.options_json;
  {
    boost::system::error_code ec;
    const json::value options = json::parse(h.options_json, ec);
    if (!ec && options.is_object()) {
      const char* keys[] = {"header", "indices"};
      for (const char* key : keys) {
        if (h.method != "base-index" && key == std::string_view("indices")) continue;
        if (const json::value* v = options.get_object().if_contains(key)) {
          out += ",\"" + std::string(key) + "\":" + json::serialize(*v);
        }
      }
    }
  }
  out += ",\"sections\":[";
  for (std::size_t s = 0; s < documents.size(); ++s) {
    if (s > 0) out += ',';
    out += "{\"name\":";
    out += formats::JsonString(section_names[s]);
    out += ",\"positions\":[";
    for (std::size_t p = 0; p < documents[s].size(); ++p) {
      if (p > 0) out += ',';
      out += documents[s][p];
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

std::vector<std::string> SectionNames(const WorkingEstimate& w) {
  std::vector<std::string> names;
  names.reserve(w.estimate.sections.size());
  for (const auto& s : w.estimate.sections) names.push_back(s.name);
  return names;
}

// Options of the estimate: the calc-v1 options and the НР column (options.territory, 1–3).
int TerritoryOf(const std::string& options_json) {
  boost::system::error_code ec;
  json::value v = json::parse(options_json, ec);
  if (ec || !v.is_object()) return 1;
  const json::value* t = v.get_object().if_contains("territory");
  if (t == nullptr || !t->is_string()) return 1;
  const std::string_view s = t->get_string();
  return s == "2" ? 2 : s == "3" ? 3 : 1;
}

// Computes everything from the parsed positions (or, for the base-index method, the document).
void Compute(WorkingEstimate& w) {
  w.problem.clear();
  w.calc.reset();
  w.base_index_result.clear();
  if (w.resource_index) {
    auto calc = core::ResourceIndexCalculation::Calculate(w.estimate);
    if (calc.ok()) {
      w.calc = std::move(calc).value();
    } else {
      w.problem = calc.status().message();
    }
    return;
  }
  auto outcome = formats::Calculate(AssembleDocument(w.info, SectionNames(w), w.documents),
                                    formats::OutputFormat::kJson);
  if (outcome.ok()) {
    w.base_index_result = std::move(outcome.json);
  } else {
    w.problem = outcome.ProblemText();
  }
}

Result<std::shared_ptr<WorkingEstimate>> Build(store::EstimateContent content) {
  auto w = std::make_shared<WorkingEstimate>();
  w->info = std::move(content.info);
  w->resource_index = w->info.header.method != "base-index";
  w->estimate.name = w->info.header.name;
  std::vector<std::string> problems;
  if (w->resource_index) {
    auto options = formats::ParseCalcOptions(w->info.header.options_json);
    if (options.ok()) {
      w->estimate.options = *options;
    } else {
      problems.push_back(options.status().message());
    }
  }
  for (std::size_t s = 0; s < content.sections.size(); ++s) {
    store::SectionRow& row = content.sections[s];
    w->section_ids.push_back(row.id);
    core::Section section;
    section.name = row.name;
    std::vector<std::int64_t> ids;
    std::vector<std::string> docs;
    ids.reserve(row.positions.size());
    docs.reserve(row.positions.size());
    for (std::size_t p = 0; p < row.positions.size(); ++p) {
      ids.push_back(row.positions[p].id);
      if (w->resource_index) {
        auto position = formats::ParsePositionDocument(
            row.positions[p].document_json,
            "sections[" + std::to_string(s) + "].positions[" + std::to_string(p) + "]");
        if (position.ok()) {
          section.positions.push_back(std::move(position).value());
        } else {
          problems.push_back(position.status().message());
          section.positions.emplace_back();
        }
      }
      docs.push_back(std::move(row.positions[p].document_json));
    }
    w->estimate.sections.push_back(std::move(section));
    w->position_ids.push_back(std::move(ids));
    w->documents.push_back(std::move(docs));
  }
  if (problems.empty()) {
    Compute(*w);
  } else {
    w->problem = problems.front();
  }
  w->positions = w->PositionCount();
  return w;
}

std::shared_ptr<WorkingEstimate> Prepare(const store::EstimateHeader& header,
                                         std::vector<core::Section> sections) {
  auto w = std::make_shared<WorkingEstimate>();
  w->info.header = header;
  w->resource_index = header.method != "base-index";
  w->estimate.name = header.name;
  w->estimate.sections = std::move(sections);
  // As Build: options that do not parse leave the estimate uncomputed, with the reason.
  if (w->resource_index) {
    auto options = formats::ParseCalcOptions(header.options_json);
    if (!options.ok()) {
      w->problem = options.status().message();
      return w;
    }
    w->estimate.options = *options;
  }
  Compute(*w);
  return w;
}

void Attach(WorkingEstimate& w, store::EstimateContent content) {
  w.info = std::move(content.info);
  w.section_ids.clear();
  w.position_ids.clear();
  w.documents.clear();
  for (store::SectionRow& row : content.sections) {
    w.section_ids.push_back(row.id);
    std::vector<std::int64_t> ids;
    std::vector<std::string> docs;
    ids.reserve(row.positions.size());
    docs.reserve(row.positions.size());
    for (store::PositionRow& p : row.positions) {
      ids.push_back(p.id);
      docs.push_back(std::move(p.document_json));
    }
    w.position_ids.push_back(std::move(ids));
    w.documents.push_back(std::move(docs));
  }
  w.positions = w.PositionCount();
}

// "ГЭСНм08-02-001-01" → (ГЭСНм, "08-02-001-01"); the longest family prefix wins.
std::optional<std::pair<normbase::NormFamily, std::string>> SplitNormCode(std::string_view code) {
  using normbase::NormFamily;
  // "ГЭСН 16-02-005-05" as printed, "ГЭСН16-02-005-05" as stored: the spaces are not the code's.
  code = core::TrimWhitespace(code);
  for (NormFamily f : {NormFamily::kGesnmr, NormFamily::kGesnm, NormFamily::kGesnr,
                       NormFamily::kGesnp, NormFamily::kGesn}) {
    const std::string_view prefix = normbase::FamilyPrefix(f);
    if (code.starts_with(prefix)) {
      return std::make_pair(f, std::string(core::TrimWhitespace(code.substr(prefix.size()))));
    }
  }
  return std::nullopt;
}

// The position figures as the view shows them.
void AppendPositionSummary(std::string* out, std::int64_t id, const core::Position& p,
                           const core::PositionResult* r) {
  *out += "{\"id\":";
  *out += Id(id);
  *out += formats::PositionFieldsJson(p);
  if (r != nullptr) {
    *out += ",\"figures\":{";
    *out += formats::PositionFiguresJson(*r);
    *out += '}';
  }
  *out += '}';
}

void AppendSectionsAndTotals(std::string* out, const WorkingEstimate& w, bool with_positions) {
  const core::EstimateResult* result = w.calc ? &w.calc->result() : nullptr;
  *out += ",\"sections\":[";
  for (std::size_t s = 0; s < w.documents.size(); ++s) {
    if (s > 0) *out += ',';
    *out += "{\"id\":" + Id(w.section_ids[s]) + ",\"name\":";
    *out += formats::JsonString(w.estimate.sections[s].name);
    if (result != nullptr) {
      *out += ",\"figures\":{" + formats::SectionFiguresJson(result->sections[s].figures) + "}";
    }
    if (with_positions) {
      *out += ",\"positions\":[";
      for (std::size_t p = 0; p < w.documents[s].size(); ++p) {
        if (p > 0) *out += ',';
        if (w.resource_index) {
          AppendPositionSummary(out, w.position_ids[s][p], w.estimate.sections[s].positions[p],
                                result ? &result->positions[s][p] : nullptr);
        } else {
          *out += "{\"id\":" + Id(w.position_ids[s][p]) + ",\"document\":" + w.documents[s][p] +
                  "}";
        }
      }
      *out += ']';
    }
    *out += '}';
  }
  *out += ']';
  if (result != nullptr) {
    *out += ",\"totals\":{" + formats::TotalsFiguresJson(result->totals) + "}";
  }
  if (!w.base_index_result.empty()) *out += ",\"result\":" + w.base_index_result;
  if (!w.problem.empty()) {
    *out += ",\"problem\":";
    *out += formats::JsonString(w.problem);
  }
}

std::string SerializeView(const WorkingEstimate& w) {
  std::string out;
  out.reserve(1024 + 420 * w.PositionCount());
  out += OpenObject(HeaderJson(w.info));
  out += ",\"position_count\":" + std::to_string(w.PositionCount());
  AppendSectionsAndTotals(&out, w, /*with_positions=*/true);
  out += '}';
  return out;
}

// Where a position is: (section index, position index).
std::optional<std::pair<std::size_t, std::size_t>> FindPosition(const WorkingEstimate& w,
                                                                std::int64_t id) {
  for (std::size_t s = 0; s < w.position_ids.size(); ++s) {
    const auto& ids = w.position_ids[s];
    for (std::size_t p = 0; p < ids.size(); ++p) {
      if (ids[p] == id) return std::make_pair(s, p);
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> FindSection(const WorkingEstimate& w, std::int64_t id) {
  for (std::size_t s = 0; s < w.section_ids.size(); ++s) {
    if (w.section_ids[s] == id) return s;
  }
  return std::nullopt;
}

// Values an estimator cannot mean: a negative quantity, price or index, a coefficient ≤ 0.
Status CheckSigns(const core::Position& p, const std::string& path) {
  const auto negative = [](const Decimal& d) { return d.ok() && d.IsNegative(); };
  if (negative(p.quantity)) return InvalidArgument(Joined(path, "quantity") + ": must not be negative");
  const auto check_price = [&](const core::UnitPrice& price, const std::string& at) -> Status {
    if (negative(price.price)) return InvalidArgument(Joined(at, "price") + ": must not be negative");
    if (negative(price.base_price)) {
      return InvalidArgument(Joined(at, "base_price") + ": must not be negative");
    }
    if (negative(price.index)) return InvalidArgument(Joined(at, "index") + ": must not be negative");
    return Status::Ok();
  };
  if (Status s = check_price(p.price, path); !s.ok()) return s;
  for (std::size_t i = 0; i < p.resources.size(); ++i) {
    const std::string at = Joined(path, "resources[" + std::to_string(i) + "]");
    if (negative(p.resources[i].consumption)) {
      return InvalidArgument(at + ".consumption: must not be negative");
    }
    if (Status s = check_price(p.resources[i].price, at); !s.ok()) return s;
  }
  for (std::size_t i = 0; i < p.extra.size(); ++i) {
    const std::string at = Joined(path, "extra[" + std::to_string(i) + "]");
    if (negative(p.extra[i].quantity)) return InvalidArgument(at + ".quantity: must not be negative");
    if (Status s = check_price(p.extra[i].price, at); !s.ok()) return s;
  }
  const Decimal zero = Decimal::FromInt(0);
  for (std::size_t i = 0; i < p.coefficients.size(); ++i) {
    const core::Coefficient& c = p.coefficients[i];
    for (const Decimal* k : {&c.labor, &c.machinist_labor, &c.machines, &c.materials}) {
      if (k->ok() && !(zero < *k)) {
        return InvalidArgument(Joined(path, "coefficients[" + std::to_string(i) + "]") +
                               ": factors must be positive");
      }
    }
  }
  return Status::Ok();
}

store::AuditRecord Record(const Actor& actor, const char* action, const char* entity_type,
                          std::int64_t entity_id) {
  store::AuditRecord r;
  r.organization_id = actor.organization_id;
  r.actor_user_id = actor.AuditActor();
  r.action = action;
  r.entity_type = entity_type;
  r.entity_id = Id(entity_id);
  r.request_id = actor.request_id;
  return r;
}

}  // namespace estimate::services::internal
