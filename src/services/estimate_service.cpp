#include "services/estimate_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "core/clock.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/calc.hpp"
#include "formats/estimate_document.hpp"
#include "formats/estimate_document_writer.hpp"
#include "formats/gge_xml.hpp"
#include "formats/xlsx_forms.hpp"
#include "formats/pdf_forms.hpp"
#include "formats/arps.hpp"
#include "formats/boq_import.hpp"
#include "formats/json_out.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/auth_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;

// One estimate in memory at one version: the stored documents, parsed and computed.
struct WorkingEstimate {
  std::mutex mu;  // one writer (and the readers that serialize it) at a time in this process
  store::EstimateInfo info;
  bool resource_index = true;
  core::Estimate estimate;  // resource-index: the parsed positions, parallel to the vectors below
  std::vector<std::int64_t> section_ids;
  std::vector<std::vector<std::int64_t>> position_ids;
  std::vector<std::vector<std::string>> documents;  // position JSON as stored
  std::optional<core::ResourceIndexCalculation> calc;
  std::string base_index_result;  // base-index: the result JSON of the whole document
  std::string problem;            // why the figures could not be computed; empty when they were
  // PositionCount() as of the last change, readable without `mu` (the working set's bound).
  std::atomic<std::size_t> positions{0};

  std::size_t PositionCount() const {
    std::size_t n = 0;
    for (const auto& s : documents) n += s.size();
    return n;
  }
};

namespace {

constexpr std::size_t kMaxNameBytes = 500;

// --- small helpers ---------------------------------------------------------------------------

std::string Id(std::int64_t id) { return std::to_string(id); }

// The date and export time stamped on documents that name none. Not yet injected: the service's
// construction is being reworked; the clock joins its dependencies then.
core::Timestamp Now() { return telemetry::SystemClock().Now(); }

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
  if (ec) return InvalidArgument(what + ": not valid JSON (" + ec.message() + ")");
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
    formats::AppendString(&out, section_names[s]);
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

// "ГЭСНм08-02-001-01" → (ГЭСНм, "08-02-001-01"); the longest family prefix wins.
std::optional<std::pair<normbase::NormFamily, std::string>> SplitNormCode(std::string_view code) {
  using normbase::NormFamily;
  for (NormFamily f : {NormFamily::kGesnmr, NormFamily::kGesnm, NormFamily::kGesnr,
                       NormFamily::kGesnp, NormFamily::kGesn}) {
    const std::string_view prefix = normbase::FamilyPrefix(f);
    if (code.starts_with(prefix)) {
      return std::make_pair(f, std::string(code.substr(prefix.size())));
    }
  }
  return std::nullopt;
}

// The position figures as the view shows them.
void AppendPositionSummary(std::string* out, std::int64_t id, const core::Position& p,
                           const core::PositionResult* r) {
  *out += "{\"id\":";
  *out += Id(id);
  bool first = false;
  formats::AppendText(out, "number", p.number, &first);
  formats::AppendText(out, "type", p.type == core::PositionType::kNorm ? "norm" : "resource",
                      &first);
  formats::AppendText(out, "code", p.code, &first);
  formats::AppendText(out, "name", p.name, &first);
  formats::AppendText(out, "unit", p.unit, &first);
  formats::AppendText(out, "quantity", p.quantity.ToString(), &first);
  formats::AppendText(out, "work_kind",
                      p.work_kind == core::WorkKind::kInstallation ? "installation" : "construction",
                      &first);
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
    formats::AppendString(out, w.estimate.sections[s].name);
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
    formats::AppendString(out, w.problem);
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

// --- edits -----------------------------------------------------------------------------------

// The fields a position patch may set (null removes the field).
constexpr std::string_view kPositionFields[] = {
    "number", "type",  "code",   "name",     "unit",  "quantity", "work_kind",
    "kind",   "price", "base_price", "index", "coefficients", "resources", "extra",
    "overhead", "profit", "auxiliary_materials"};
// Keys of an op that are not position fields.
constexpr std::string_view kOpKeys[] = {"op", "position_id", "section_id", "index", "family",
                                        "position", "summary"};

bool IsOneOf(std::string_view key, std::span<const std::string_view> keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
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

// One op of a change set, checked against the estimate before the set and ready to save.
struct PreparedOp {
  explicit PreparedOp(store::EstimateChange c) : change(std::move(c)) {}
  store::EstimateChange change;
  std::string document;                   // positions: the new document
  std::optional<core::Position> position;  // positions, resource-index: the parsed document
  std::vector<std::string> warnings;       // pricing: resources left unpriced
  json::value before = nullptr;           // the item before, for the audit record
};

class EditPlanner {
 public:
  EditPlanner(const WorkingEstimate& w, BaseService& base) : w_(w), base_(base) {}

  Result<PreparedOp> Prepare(const json::object& op, const std::string& path) {
    auto name = StringField(op, "op", path);
    if (!name.ok()) return name.status();
    if (!name->has_value()) return InvalidArgument(Joined(path, "op") + ": is required");
    const std::string& kind = **name;
    if (kind == "add_section") return AddSection(op, path);
    if (kind == "rename_section") return RenameSection(op, path);
    if (kind == "remove_section") return RemoveSection(op, path);
    if (kind == "add_position") return AddPosition(op, path);
    if (kind == "update_position") return UpdatePosition(op, path);
    if (kind == "remove_position") return RemovePosition(op, path);
    if (kind == "move_position") return MovePosition(op, path);
    if (kind == "update_header") return UpdateHeader(op, path);
    return InvalidArgument(Joined(path, "op") + ": unknown op \"" + kind +
                           "\" (add_section, rename_section, remove_section, add_position, "
                           "update_position, remove_position, move_position, update_header)");
  }

 private:
  Result<std::size_t> SectionAt(const json::object& op, const std::string& path) {
    auto id = IdField(op, "section_id", path);
    if (!id.ok()) return id.status();
    if (!id->has_value()) return InvalidArgument(Joined(path, "section_id") + ": is required");
    auto s = FindSection(w_, **id);
    if (!s) {
      return InvalidArgument(Joined(path, "section_id") + ": the estimate has no section " +
                             Id(**id));
    }
    return *s;
  }

  Result<std::pair<std::size_t, std::size_t>> PositionAt(const json::object& op,
                                                         const std::string& path) {
    auto id = IdField(op, "position_id", path);
    if (!id.ok()) return id.status();
    if (!id->has_value()) return InvalidArgument(Joined(path, "position_id") + ": is required");
    auto at = FindPosition(w_, **id);
    if (!at) {
      return InvalidArgument(Joined(path, "position_id") + ": the estimate has no position " +
                             Id(**id));
    }
    return *at;
  }

  Result<PreparedOp> AddSection(const json::object& op, const std::string& path) {
    auto name = StringField(op, "name", path);
    if (!name.ok()) return name.status();
    const std::string n = name->value_or("");
    if (Status s = CheckName(n, Joined(path, "name")); !s.ok()) return s;
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    return PreparedOp{store::AddSection{n, *index}};
  }

  Result<PreparedOp> RenameSection(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto name = StringField(op, "name", path);
    if (!name.ok()) return name.status();
    const std::string n = name->value_or("");
    if (Status st = CheckName(n, Joined(path, "name")); !st.ok()) return st;
    PreparedOp out{store::RenameSection{w_.section_ids[*s], n}};
    out.before = json::value(w_.estimate.sections[*s].name);
    return out;
  }

  Result<PreparedOp> RemoveSection(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    PreparedOp out{store::RemoveSection{w_.section_ids[*s]}};
    out.before = json::object{{"name", w_.estimate.sections[*s].name},
                              {"positions", w_.documents[*s].size()}};
    return out;
  }

  // The next free printed number: one more than the largest whole number in use.
  std::string NextNumber() const {
    long long max = 0;
    for (const auto& section : w_.estimate.sections) {
      for (const auto& p : section.positions) {
        char* end = nullptr;
        const long long n = std::strtoll(p.number.c_str(), &end, 10);
        if (end != nullptr && *end == '\0' && n > max) max = n;
      }
    }
    if (!w_.resource_index) max = static_cast<long long>(w_.PositionCount());
    return std::to_string(max + 1);
  }

  // A priced position from the active release: a norm (ГЭСН…) or a price-book resource.
  Result<json::object> Priced(const json::object& op, const std::string& path,
                              std::vector<std::string>& warnings) {
    auto code = StringField(op, "code", path);
    if (!code.ok()) return code.status();
    if (!code->has_value() || (*code)->empty()) {
      return InvalidArgument(Joined(path, "code") +
                             ": is required (a norm code such as ГЭСН01-01-001-01, a resource "
                             "code, or give \"position\" as a whole document)");
    }
    if (!w_.resource_index) {
      return InvalidArgument(Joined(path, "code") +
                             ": positions of a base-index estimate are given as documents "
                             "(\"position\"); pricing by code uses the resource-index base");
    }
    const store::EstimateHeader& h = w_.info.header;
    if (h.region.empty() || h.quarter.empty()) {
      return InvalidArgument(Joined(path, "code") +
                             ": the estimate has no region and quarter to price from; set them "
                             "with update_header first");
    }
    auto active = base_.Active();
    if (!active->release) return FailedPrecondition("code: no normative base release is active");
    if (h.release_id && *h.release_id != active->release->info.id) {
      return FailedPrecondition("release_id: the estimate is priced from release " +
                                Id(*h.release_id) + ", the active release is " +
                                Id(active->release->info.id));
    }
    const json::value* qv = op.if_contains("quantity");
    if (qv == nullptr || !qv->is_string()) {
      return InvalidArgument(Joined(path, "quantity") + ": is required as a decimal string");
    }
    auto quantity = Decimal::Parse(qv->get_string());
    if (!quantity.ok()) {
      return InvalidArgument(Joined(path, "quantity") + ": \"" + std::string(qv->get_string()) +
                             "\" is not a decimal number");
    }
    if (quantity->IsNegative()) return InvalidArgument(Joined(path, "quantity") + ": must not be negative");
    normbase::PricingRequest request;
    request.region = h.region;
    request.quarter = h.quarter;
    request.zone = h.zone.empty() ? 1 : std::max(1, std::atoi(h.zone.c_str()));
    request.territory = TerritoryOf(h.options_json);
    request.quantity = *quantity;

    std::optional<normbase::NormFamily> family;
    std::string norm_code = **code;
    auto family_text = StringField(op, "family", path);
    if (!family_text.ok()) return family_text.status();
    if (family_text->has_value()) {
      family = normbase::ParseFamily(**family_text);
      if (!family) {
        return InvalidArgument(Joined(path, "family") + ": \"" + **family_text +
                               "\" is not one of gesn, gesnm, gesnr, gesnp, gesnmr");
      }
    } else if (auto split = SplitNormCode(norm_code)) {
      family = split->first;
      norm_code = split->second;
    }
    Result<normbase::PricedPosition> priced =
        family ? normbase::PriceNorm(*active->release, *family, norm_code, request)
               : normbase::PriceResource(*active->release, norm_code, request);
    if (!priced.ok()) {
      if (priced.status().code() == StatusCode::kNotFound) {
        return InvalidArgument(Joined(path, "code") + ": " + priced.status().message());
      }
      return priced.status();
    }
    warnings = priced->warnings;
    core::Position& p = priced->position;
    if (p.number.empty()) p.number = NextNumber();
    return formats::PositionToDocument(p);
  }

  // Sets the patch's position fields on `doc`; unknown fields are errors.
  static Status Patch(json::object& doc, const json::object& op, const std::string& path) {
    for (const auto& [key, value] : op) {
      if (IsOneOf(key, kOpKeys)) continue;
      if (!IsOneOf(key, kPositionFields)) {
        return InvalidArgument(Joined(path, key) + ": not a field of a position");
      }
      if (value.is_null()) {
        doc.erase(key);
      } else {
        doc[key] = value;
      }
    }
    return Status::Ok();
  }

  // Validates the document as the calculation will read it.
  Status Finish(PreparedOp& out, json::object& doc, const std::string& path) {
    out.document = json::serialize(doc);
    if (!w_.resource_index) return Status::Ok();  // checked with the whole document
    auto position = formats::ParsePositionDocument(out.document, path);
    if (!position.ok()) return position.status();
    if (Status s = CheckSigns(*position, path); !s.ok()) return s;
    if (auto r = core::CalculatePosition(*position, w_.estimate.options); !r.ok()) {
      return InvalidArgument(Joined(path, "quantity") + ": " + r.status().message());
    }
    out.position = std::move(position).value();
    return Status::Ok();
  }

  Result<PreparedOp> AddPosition(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    PreparedOp out{store::AddPosition{w_.section_ids[*s], *index, {}}};
    json::object doc;
    if (const json::value* given = op.if_contains("position"); given && !given->is_null()) {
      if (!given->is_object()) return InvalidArgument(Joined(path, "position") + ": expected an object");
      doc = given->get_object();
      if (!doc.contains("number")) doc["number"] = NextNumber();
    } else {
      auto priced = Priced(op, path, out.warnings);
      if (!priced.ok()) return priced.status();
      doc = std::move(priced).value();
      json::object rest;
      for (const auto& [key, value] : op) {
        if (key != "code" && key != "quantity") rest[key] = value;
      }
      if (Status st = Patch(doc, rest, path); !st.ok()) return st;
    }
    if (Status st = Finish(out, doc, path); !st.ok()) return st;
    std::get<store::AddPosition>(out.change).document_json = out.document;
    return out;
  }

  Result<PreparedOp> UpdatePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    const auto [s, p] = *at;
    boost::system::error_code ec;
    json::value old = json::parse(w_.documents[s][p], ec);
    if (ec || !old.is_object()) return Internal("position " + Id(w_.position_ids[s][p]) + ": stored document is not JSON");
    json::object doc = old.get_object();
    if (Status st = Patch(doc, op, path); !st.ok()) return st;
    PreparedOp out{store::UpdatePosition{w_.position_ids[s][p], {}}};
    out.before = std::move(old);
    if (Status st = Finish(out, doc, path); !st.ok()) return st;
    std::get<store::UpdatePosition>(out.change).document_json = out.document;
    return out;
  }

  Result<PreparedOp> RemovePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    PreparedOp out{store::RemovePosition{w_.position_ids[at->first][at->second]}};
    boost::system::error_code ec;
    out.before = json::parse(w_.documents[at->first][at->second], ec);
    return out;
  }

  Result<PreparedOp> MovePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    PreparedOp out{store::MovePosition{w_.position_ids[at->first][at->second], w_.section_ids[*s],
                                       *index}};
    out.before = json::object{{"section_id", w_.section_ids[at->first]}, {"index", at->second}};
    return out;
  }

  Result<PreparedOp> UpdateHeader(const json::object& op, const std::string& path) {
    store::UpdateHeader u;
    json::object before;
    const store::EstimateHeader& h = w_.info.header;
    for (const auto& [key, value] : op) {
      if (key == "op") continue;
      const std::string at = Joined(path, key);
      if (key == "options") {
        if (!value.is_object()) return InvalidArgument(at + ": expected an object");
        // What travels in the options besides them (a base-index estimate's indices, the ГГЭ
        // header of an import) stays unless the new options name it; null removes it.
        json::object merged = value.get_object();
        {
          boost::system::error_code ec;
          const json::value old = json::parse(h.options_json, ec);
          for (const char* kept : {"indices", "header"}) {
            const json::value* was = !ec && old.is_object() ? old.get_object().if_contains(kept) : nullptr;
            if (const json::value* now = merged.if_contains(kept); now != nullptr) {
              if (now->is_null()) merged.erase(kept);
            } else if (was != nullptr) {
              merged[kept] = *was;
            }
          }
        }
        const std::string text = json::serialize(merged);
        if (w_.resource_index) {
          if (auto parsed = formats::ParseCalcOptions(text); !parsed.ok()) {
            return InvalidArgument(Joined(path, parsed.status().message()));
          }
        }
        u.options_json = text;
        before["options"] = json::parse(h.options_json);
        continue;
      }
      if (key == "release_id") {
        if (value.is_null()) {
          u.release_id = std::optional<std::int64_t>();
        } else if (value.is_int64() && value.get_int64() > 0) {
          u.release_id = std::optional<std::int64_t>(value.get_int64());
        } else {
          return InvalidArgument(at + ": expected a release id or null");
        }
        before["release_id"] = h.release_id ? json::value(*h.release_id) : json::value(nullptr);
        continue;
      }
      if (!value.is_string()) return InvalidArgument(at + ": expected a string");
      std::string text(value.get_string());
      if (key == "name") {
        if (Status s = CheckName(text, at); !s.ok()) return s;
        u.name = text, before["name"] = h.name;
      } else if (key == "number") {
        u.number = text, before["number"] = h.number;
      } else if (key == "region") {
        u.region = text, before["region"] = h.region;
      } else if (key == "zone") {
        u.zone = text, before["zone"] = h.zone;
      } else if (key == "quarter") {
        u.quarter = text, before["quarter"] = h.quarter;
      } else if (key == "date" || key == "vat_date") {
        if (!text.empty() && !IsDate(text)) return InvalidArgument(at + ": expected YYYY-MM-DD");
        if (key == "date") {
          u.date = text, before["date"] = h.date;
        } else {
          u.vat_date = text, before["vat_date"] = h.vat_date;
        }
      } else if (key == "method") {
        return InvalidArgument(at + ": the method of an estimate is fixed; duplicate it instead");
      } else if (key == "status") {
        return InvalidArgument(at + ": change the status with POST /api/v1/estimates/{id}/status");
      } else {
        return InvalidArgument(at + ": not a field of an estimate's header");
      }
    }
    PreparedOp out{std::move(u)};
    out.before = std::move(before);
    return out;
  }

  const WorkingEstimate& w_;
  BaseService& base_;
};

// Applies the saved ops to the in-memory estimate, in order, as the store applied them.
void ApplyToWorking(WorkingEstimate& w, std::vector<PreparedOp>& ops,
                    const std::vector<std::int64_t>& added_ids) {
  std::size_t next_added = 0;
  const auto insert_at = [](auto& vec, std::optional<std::size_t> index, auto value) {
    const std::size_t i = index ? std::min(*index, vec.size()) : vec.size();
    vec.insert(vec.begin() + static_cast<std::ptrdiff_t>(i), std::move(value));
  };
  for (PreparedOp& op : ops) {
    std::visit(
        [&](auto& change) {
          using T = std::decay_t<decltype(change)>;
          if constexpr (std::is_same_v<T, store::AddSection>) {
            const std::size_t i = change.index ? std::min(*change.index, w.section_ids.size())
                                               : w.section_ids.size();
            const auto at = static_cast<std::ptrdiff_t>(i);
            w.section_ids.insert(w.section_ids.begin() + at, added_ids.at(next_added++));
            core::Section section;
            section.name = change.name;
            w.estimate.sections.insert(w.estimate.sections.begin() + at, std::move(section));
            w.position_ids.insert(w.position_ids.begin() + at, std::vector<std::int64_t>());
            w.documents.insert(w.documents.begin() + at, std::vector<std::string>());
          } else if constexpr (std::is_same_v<T, store::RenameSection>) {
            w.estimate.sections[*FindSection(w, change.section_id)].name = change.name;
          } else if constexpr (std::is_same_v<T, store::RemoveSection>) {
            const auto at = static_cast<std::ptrdiff_t>(*FindSection(w, change.section_id));
            w.section_ids.erase(w.section_ids.begin() + at);
            w.estimate.sections.erase(w.estimate.sections.begin() + at);
            w.position_ids.erase(w.position_ids.begin() + at);
            w.documents.erase(w.documents.begin() + at);
          } else if constexpr (std::is_same_v<T, store::AddPosition>) {
            const std::size_t s = *FindSection(w, change.section_id);
            insert_at(w.position_ids[s], change.index, added_ids.at(next_added++));
            insert_at(w.documents[s], change.index, op.document);
            insert_at(w.estimate.sections[s].positions, change.index,
                      op.position ? std::move(*op.position) : core::Position{});
          } else if constexpr (std::is_same_v<T, store::UpdatePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            w.documents[s][p] = op.document;
            w.estimate.sections[s].positions[p] =
                op.position ? *op.position : core::Position{};
          } else if constexpr (std::is_same_v<T, store::RemovePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            const auto at = static_cast<std::ptrdiff_t>(p);
            w.position_ids[s].erase(w.position_ids[s].begin() + at);
            w.documents[s].erase(w.documents[s].begin() + at);
            w.estimate.sections[s].positions.erase(w.estimate.sections[s].positions.begin() + at);
          } else if constexpr (std::is_same_v<T, store::MovePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            const auto at = static_cast<std::ptrdiff_t>(p);
            std::int64_t id = w.position_ids[s][p];
            std::string doc = std::move(w.documents[s][p]);
            core::Position position = std::move(w.estimate.sections[s].positions[p]);
            w.position_ids[s].erase(w.position_ids[s].begin() + at);
            w.documents[s].erase(w.documents[s].begin() + at);
            w.estimate.sections[s].positions.erase(w.estimate.sections[s].positions.begin() + at);
            const std::size_t t = *FindSection(w, change.section_id);
            insert_at(w.position_ids[t], change.index, id);
            insert_at(w.documents[t], change.index, std::move(doc));
            insert_at(w.estimate.sections[t].positions, change.index, std::move(position));
          } else if constexpr (std::is_same_v<T, store::UpdateHeader>) {
            store::EstimateHeader& h = w.info.header;
            if (change.name) h.name = *change.name, w.estimate.name = *change.name;
            if (change.number) h.number = *change.number;
            if (change.release_id) h.release_id = *change.release_id;
            if (change.region) h.region = *change.region;
            if (change.zone) h.zone = *change.zone;
            if (change.quarter) h.quarter = *change.quarter;
            if (change.date) h.date = *change.date;
            if (change.vat_date) h.vat_date = *change.vat_date;
            if (change.options_json) {
              h.options_json = *change.options_json;
              if (auto o = formats::ParseCalcOptions(h.options_json); o.ok()) w.estimate.options = *o;
            }
          } else if constexpr (std::is_same_v<T, store::SetStatus>) {
            w.info.header.status = change.status;
          }
        },
        op.change);
  }
}

const char* OpName(const store::EstimateChange& change) {
  static constexpr const char* kNames[] = {"add_section",     "rename_section", "remove_section",
                                           "add_position",    "update_position", "remove_position",
                                           "move_position",   "update_header",  "set_status"};
  return kNames[change.index()];
}

// The ids a change touches, for the audit record.
std::int64_t ItemIdOf(const store::EstimateChange& change) {
  return std::visit(
      [](const auto& c) -> std::int64_t {
        using T = std::decay_t<decltype(c)>;
        if constexpr (requires { c.position_id; }) return c.position_id;
        if constexpr (requires { c.section_id; } && !std::is_same_v<T, store::AddPosition>) {
          return c.section_id;
        }
        return 0;
      },
      change);
}

std::string ItemList(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += Id(ids[i]);
  }
  return out + "]";
}

}  // namespace

// --- service ---------------------------------------------------------------------------------

EstimateService::EstimateService(store::Database& db, store::EstimateRepository& estimates,
                                 store::AuditRepository& audit, BaseService& base,
                                 cache::ResultCache& results, Options options)
    : db_(db), estimates_(estimates), audit_(audit), base_(base), results_(results),
      options_(options) {}

EstimateService::~EstimateService() = default;

namespace {

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

// Runs `body(uow)` and, when it succeeds, appends `record(result)` and commits, all in one
// transaction.
template <typename T, typename Body, typename MakeRecord>
Result<T> Audited(store::Database& db, store::AuditRepository& audit, Body body,
                  MakeRecord record) {
  auto uow = store::UnitOfWork::Begin(db);
  if (!uow.ok()) return uow.status();
  Result<T> r = body(*uow);
  if (!r.ok()) return r;
  if (auto a = audit.Append(*uow, record(r.value())); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  return r;
}

// Renames (`new_name` set) or deletes a project or an object, with its audit record, in one
// transaction: `get(uow)` reads the entity before, `write(uow)` changes it.
template <typename Entity, typename Get, typename Write, typename ToJson>
Result<Entity> ChangeNamed(store::Database& db, store::AuditRepository& audit, const Actor& actor,
                           const char* entity_type, std::int64_t id,
                           const std::optional<std::string>& new_name, Get get, Write write,
                           ToJson to_json) {
  return Audited<Entity>(
      db, audit,
      [&](store::UnitOfWork& uow) -> Result<Entity> {
        auto before = get(uow);
        if (!before.ok()) return before.status();
        if (Status s = write(uow); !s.ok()) return s;
        return before;
      },
      [&](const Entity& before) {
        auto r = Record(actor, new_name ? "update" : "delete", entity_type, id);
        r.before_json = json::serialize(to_json(before));
        if (new_name) {
          Entity after = before;
          after.name = *new_name;
          r.after_json = json::serialize(to_json(after));
        }
        return r;
      });
}

// Creates a project or an object with its audit record in one transaction; its JSON.
template <typename Entity, typename Create, typename ToJson>
Result<std::string> CreateNamed(store::Database& db, store::AuditRepository& audit,
                                const Actor& actor, const char* entity_type, Create create,
                                ToJson to_json) {
  auto created = Audited<Entity>(db, audit, create, [&](const Entity& e) {
    auto r = Record(actor, "create", entity_type, e.id);
    r.after_json = json::serialize(to_json(e));
    return r;
  });
  if (!created.ok()) return created.status();
  return json::serialize(to_json(*created));
}

}  // namespace

Result<std::string> EstimateService::ListProjects(const Actor& actor) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto projects = estimates_.ListProjects(actor.organization_id);
  if (!projects.ok()) return projects.status();
  json::array out;
  for (const auto& p : *projects) out.push_back(ProjectJson(p));
  return json::serialize(out);
}

Result<std::string> EstimateService::CreateProject(const Actor& actor, const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return CreateNamed<store::Project>(
      db_, audit_, actor, "project",
      [&](store::UnitOfWork& uow) { return estimates_.CreateProject(uow, actor.organization_id, name); },
      ProjectJson);
}

Result<std::string> EstimateService::GetProject(const Actor& actor, std::int64_t project_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto p = estimates_.GetProject(actor.organization_id, project_id);
  if (!p.ok()) return p.status();
  return json::serialize(ProjectJson(*p));
}

Result<std::string> EstimateService::RenameProject(const Actor& actor, std::int64_t project_id,
                                                   std::int64_t expected_version,
                                                   const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  const std::int64_t org = actor.organization_id;
  auto p = ChangeNamed<store::Project>(
      db_, audit_, actor, "project", project_id, name,
      [&](store::UnitOfWork& uow) { return estimates_.GetProject(uow, org, project_id); },
      [&](store::UnitOfWork& uow) {
        return estimates_.RenameProject(uow, org, project_id, name, expected_version);
      },
      ProjectJson);
  if (!p.ok()) return p.status();
  return GetProject(actor, project_id);
}

Status EstimateService::DeleteProject(const Actor& actor, std::int64_t project_id) {
  if (Status s = Denied(actor, auth::Permission::kDeleteDraft); !s.ok()) return s;
  const std::int64_t org = actor.organization_id;
  return ChangeNamed<store::Project>(
             db_, audit_, actor, "project", project_id, std::nullopt,
             [&](store::UnitOfWork& uow) { return estimates_.GetProject(uow, org, project_id); },
             [&](store::UnitOfWork& uow) { return estimates_.DeleteProject(uow, org, project_id); },
             ProjectJson)
      .status();
}

Result<std::string> EstimateService::ListObjects(const Actor& actor, std::int64_t project_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto objects = estimates_.ListObjects(actor.organization_id, project_id);
  if (!objects.ok()) return objects.status();
  json::array out;
  for (const auto& o : *objects) out.push_back(ObjectJson(o));
  return json::serialize(out);
}

Result<std::string> EstimateService::CreateObject(const Actor& actor, std::int64_t project_id,
                                                  const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return CreateNamed<store::SiteObject>(
      db_, audit_, actor, "object",
      [&](store::UnitOfWork& uow) {
        return estimates_.CreateObject(uow, actor.organization_id, project_id, name);
      },
      ObjectJson);
}

Result<std::string> EstimateService::GetObject(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto o = estimates_.GetObject(actor.organization_id, object_id);
  if (!o.ok()) return o.status();
  return json::serialize(ObjectJson(*o));
}

Result<std::string> EstimateService::RenameObject(const Actor& actor, std::int64_t object_id,
                                                  std::int64_t expected_version,
                                                  const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  const std::int64_t org = actor.organization_id;
  auto o = ChangeNamed<store::SiteObject>(
      db_, audit_, actor, "object", object_id, name,
      [&](store::UnitOfWork& uow) { return estimates_.GetObject(uow, org, object_id); },
      [&](store::UnitOfWork& uow) {
        return estimates_.RenameObject(uow, org, object_id, name, expected_version);
      },
      ObjectJson);
  if (!o.ok()) return o.status();
  return GetObject(actor, object_id);
}

Status EstimateService::DeleteObject(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kDeleteDraft); !s.ok()) return s;
  const std::int64_t org = actor.organization_id;
  return ChangeNamed<store::SiteObject>(
             db_, audit_, actor, "object", object_id, std::nullopt,
             [&](store::UnitOfWork& uow) { return estimates_.GetObject(uow, org, object_id); },
             [&](store::UnitOfWork& uow) { return estimates_.DeleteObject(uow, org, object_id); },
             ObjectJson)
      .status();
}

Result<std::string> EstimateService::ListEstimates(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto list = estimates_.ListEstimates(actor.organization_id, object_id);
  if (!list.ok()) return list.status();
  json::array out;
  for (const auto& e : *list) out.push_back(HeaderJson(e));
  return json::serialize(out);
}

namespace {

// The header of a new estimate from the request body.
Result<store::EstimateHeader> NewHeader(const json::object& o) {
  store::EstimateHeader h;
  const auto text = [&](std::string_view key, std::string& field) -> Status {
    auto v = StringField(o, key, "");
    if (!v.ok()) return v.status();
    if (v->has_value()) field = **v;
    return Status::Ok();
  };
  for (auto [key, field] : {std::pair<std::string_view, std::string*>{"name", &h.name},
                            {"number", &h.number},
                            {"method", &h.method},
                            {"region", &h.region},
                            {"zone", &h.zone},
                            {"quarter", &h.quarter},
                            {"date", &h.date},
                            {"vat_date", &h.vat_date}}) {
    if (Status s = text(key, *field); !s.ok()) return s;
  }
  if (Status s = CheckName(h.name, "name"); !s.ok()) return s;
  if (h.method != "resource-index" && h.method != "base-index") {
    return InvalidArgument("method: expected resource-index or base-index");
  }
  for (auto [key, value] : {std::pair<const char*, const std::string*>{"date", &h.date},
                            {"vat_date", &h.vat_date}}) {
    if (!value->empty() && !IsDate(*value)) {
      return InvalidArgument(std::string(key) + ": expected YYYY-MM-DD");
    }
  }
  if (const json::value* options = o.if_contains("options"); options && !options->is_null()) {
    if (!options->is_object()) return InvalidArgument("options: expected an object");
    h.options_json = json::serialize(*options);
    if (h.method == "resource-index") {
      if (auto parsed = formats::ParseCalcOptions(h.options_json); !parsed.ok()) {
        return parsed.status();
      }
    }
  }
  auto release = IdField(o, "release_id", "");
  if (!release.ok()) return release.status();
  h.release_id = *release;
  return h;
}

// The sections of a new estimate: {"sections": [{"name", "positions": [documents]}]}, or the
// sections of an estimate document given whole in "document". Validated as calc would.
Result<std::vector<store::NewSection>> NewSections(const json::object& o,
                                                   store::EstimateHeader& header) {
  std::vector<store::NewSection> out;
  const json::value* sections = o.if_contains("sections");
  if (const json::value* doc = o.if_contains("document"); doc && !doc->is_null()) {
    if (!doc->is_object()) return InvalidArgument("document: expected an estimate document object");
    auto outcome = formats::Calculate(json::serialize(*doc), formats::OutputFormat::kJson);
    if (!outcome.ok()) return InvalidArgument("document." + outcome.problems.front());
    const json::object& d = doc->get_object();
    if (const json::value* m = d.if_contains("method"); m && m->is_string()) {
      header.method = std::string(m->get_string());
    }
    json::object options;
    if (const json::value* opts = d.if_contains("options"); opts && opts->is_object()) {
      options = opts->get_object();
    }
    // A base-index estimate's indices, and the ГГЭ header an imported estimate came with (its
    // normative acts, the letter of the indices, signatures, …), travel in its options (the
    // store keeps no other document-level field); AssembleDocument puts them back.
    for (const char* key : {"indices", "header"}) {
      if (const json::value* v = d.if_contains(key); v && v->is_object()) options[key] = *v;
    }
    header.options_json = json::serialize(options);
    sections = d.if_contains("sections");
  }
  if (sections == nullptr || sections->is_null()) return out;
  if (!sections->is_array()) return InvalidArgument("sections: expected an array");
  const json::array& a = sections->get_array();
  for (std::size_t s = 0; s < a.size(); ++s) {
    const std::string at = "sections[" + std::to_string(s) + "]";
    if (!a[s].is_object()) return InvalidArgument(at + ": expected an object");
    const json::object& so = a[s].get_object();
    store::NewSection section;
    auto name = StringField(so, "name", at);
    if (!name.ok()) return name.status();
    section.name = name->value_or("");
    if (Status st = CheckName(section.name, at + ".name"); !st.ok()) return st;
    if (const json::value* ps = so.if_contains("positions"); ps && !ps->is_null()) {
      if (!ps->is_array()) return InvalidArgument(at + ".positions: expected an array");
      const json::array& pa = ps->get_array();
      for (std::size_t p = 0; p < pa.size(); ++p) {
        const std::string pat = at + ".positions[" + std::to_string(p) + "]";
        if (!pa[p].is_object()) return InvalidArgument(pat + ": expected an object");
        std::string doc = json::serialize(pa[p]);
        if (header.method == "resource-index") {
          auto position = formats::ParsePositionDocument(doc, pat);
          if (!position.ok()) return position.status();
          if (Status st = CheckSigns(*position, pat); !st.ok()) return st;
        }
        section.positions.push_back(std::move(doc));
      }
    }
    out.push_back(std::move(section));
  }
  return out;
}

}  // namespace

Result<EditOutcome> EstimateService::CreateEstimate(const Actor& actor, std::int64_t object_id,
                                                    const NewEstimateRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  auto body = ParseBody(request.json, "body");
  if (!body.ok()) return body.status();
  if (!body->is_object()) return InvalidArgument("body: expected a JSON object");
  auto header = NewHeader(body->get_object());
  if (!header.ok()) return header.status();
  auto sections = NewSections(body->get_object(), *header);
  if (!sections.ok()) return sections.status();
  if (!header->release_id && header->method == "resource-index") {
    if (auto active = base_.Active(); active->release) header->release_id = active->release->info.id;
  }
  auto info = Audited<store::EstimateInfo>(
      db_, audit_,
      [&](store::UnitOfWork& uow) {
        return estimates_.CreateEstimate(uow, actor.organization_id, object_id, actor.user_id,
                                         *header, *sections);
      },
      [&](const store::EstimateInfo& info) {
        auto r = Record(actor, "create", "estimate", info.id);
        json::object after = HeaderJson(info);
        std::size_t positions = 0;
        for (const auto& s : *sections) positions += s.positions.size();
        after["positions"] = positions;
        r.after_json = json::serialize(after);
        return r;
      });
  if (!info.ok()) return info.status();
  auto view = View(actor, info->id);
  if (!view.ok()) return view.status();
  return EditOutcome{view->version, {}, {}, *view->json};
}

Result<std::int64_t> EstimateService::CurrentVersion(const Actor& actor,
                                                     std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  return info->version;
}

Result<EstimateService::WorkingPtr> EstimateService::Working(
    const Actor& actor, std::int64_t estimate_id, std::optional<std::int64_t> version_hint) {
  WorkingPtr cached;
  {
    std::lock_guard lock(mu_);
    for (auto it = working_.begin(); it != working_.end(); ++it) {
      if ((*it)->info.id == estimate_id && (*it)->info.organization_id == actor.organization_id) {
        cached = *it;
        working_.splice(working_.begin(), working_, it);
        break;
      }
    }
  }
  const auto cached_version = [&] {
    std::lock_guard lock(cached->mu);
    return cached->info.version;
  };
  if (cached) {
    if (version_hint && cached_version() == *version_hint) return cached;
    // One cheap look-up decides whether the copy in memory is current.
    auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
    if (!info.ok()) return info.status();
    if (cached_version() == info->version) return cached;
  }
  auto content = estimates_.LoadEstimate(actor.organization_id, estimate_id);
  if (!content.ok()) return content.status();
  auto built = Build(std::move(content).value());
  if (!built.ok()) return built.status();
  Remember(*built);
  return *built;
}

void EstimateService::Remember(const WorkingPtr& working) {
  std::lock_guard lock(mu_);
  std::erase_if(working_, [&](const WorkingPtr& w) {
    return w->info.id == working->info.id &&
           w->info.organization_id == working->info.organization_id;
  });
  working_.push_front(working);
  std::size_t positions = 0;
  for (auto it = working_.begin(); it != working_.end(); ++it) {
    positions += (*it)->positions.load();
    if (positions > options_.working_set_positions && it != working_.begin()) {
      working_.erase(it, working_.end());
      break;
    }
  }
}

void EstimateService::Forget(std::int64_t organization_id, std::int64_t estimate_id) {
  std::lock_guard lock(mu_);
  std::erase_if(working_, [&](const WorkingPtr& w) {
    return w->info.id == estimate_id && w->info.organization_id == organization_id;
  });
}

std::string EstimateService::ViewKey(const store::EstimateInfo& info) {
  std::string ns;
  {
    std::lock_guard lock(mu_);
    if (cache_namespace_.empty()) {
      // Keys name the database too: several databases may share one Redis.
      if (auto id = store::InstallationId(db_); id.ok()) cache_namespace_ = *id;
    }
    ns = cache_namespace_.empty() ? "unknown" : cache_namespace_;
  }
  return "estimate:" + ns + ":" + Id(info.organization_id) + ":" + Id(info.id) + ":v" +
         Id(info.version) + ":view";
}

EstimateView EstimateService::CachedView(const WorkingPtr& w) {
  std::lock_guard lock(w->mu);
  const std::string key = ViewKey(w->info);
  if (auto hit = results_.Get(key)) return {w->info.version, std::move(hit)};
  auto view = std::make_shared<const std::string>(SerializeView(*w));
  results_.Put(key, view);
  return {w->info.version, std::move(view)};
}

Result<EstimateView> EstimateService::View(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  if (auto hit = results_.Get(ViewKey(*info))) return EstimateView{info->version, std::move(hit)};
  auto w = Working(actor, estimate_id, info->version);
  if (!w.ok()) return w.status();
  return CachedView(*w);
}

Result<std::string> EstimateService::PositionView(const Actor& actor, std::int64_t estimate_id,
                                                  std::int64_t position_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto version = CurrentVersion(actor, estimate_id);
  if (!version.ok()) return version.status();
  auto w = Working(actor, estimate_id, *version);
  if (!w.ok()) return w.status();
  std::lock_guard lock((*w)->mu);
  auto at = FindPosition(**w, position_id);
  if (!at) return NotFound("estimate " + Id(estimate_id) + " has no position " + Id(position_id));
  const auto [s, p] = *at;
  std::string out = "{\"id\":" + Id(position_id) + ",\"estimate_id\":" + Id(estimate_id) +
                    ",\"version\":" + Id((*w)->info.version) +
                    ",\"section_id\":" + Id((*w)->section_ids[s]) +
                    ",\"document\":" + (*w)->documents[s][p];
  if ((*w)->resource_index && (*w)->calc) {
    core::PositionDetail detail;
    auto r = core::CalculatePosition((*w)->estimate.sections[s].positions[p],
                                     (*w)->estimate.options, &detail);
    if (r.ok()) {
      out += ",\"figures\":{" + formats::PositionFiguresJson(*r) + "}";
      out += ",\"lines\":{\"resources\":[";
      for (std::size_t i = 0; i < detail.resources.size(); ++i) {
        const core::ComputedLine& l = detail.resources[i];
        if (i > 0) out += ',';
        out += "{\"quantity\":\"" + l.quantity.ToString() + "\",\"price\":\"" +
               l.price.ToString() + "\",\"total\":\"" + l.total.ToString() + "\",\"priced\":" +
               (l.priced ? "true" : "false") + "}";
      }
      out += "]}";
    }
  }
  out += '}';
  return out;
}

Result<std::string> EstimateService::Document(const Actor& actor, std::int64_t estimate_id,
                                               std::optional<std::int64_t> version) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto content = version ? estimates_.LoadVersion(actor.organization_id, estimate_id, *version)
                         : estimates_.LoadEstimate(actor.organization_id, estimate_id);
  if (!content.ok()) return content.status();
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> docs;
  for (auto& s : content->sections) {
    names.push_back(s.name);
    auto& d = docs.emplace_back();
    for (auto& p : s.positions) d.push_back(std::move(p.document_json));
  }
  return AssembleDocument(content->info, names, docs);
}

Result<EditOutcome> EstimateService::Save(const Actor& actor, std::int64_t estimate_id,
                                          std::int64_t expected_version,
                                          const store::ChangeSet& changes,
                                          const std::string& action,
                                          const std::string& before_json,
                                          const std::string& after_json) {
  auto uow = store::UnitOfWork::Begin(db_);
  if (!uow.ok()) return uow.status();
  auto applied = estimates_.Apply(*uow, actor.organization_id, estimate_id, expected_version,
                                  actor.user_id, changes);
  if (!applied.ok()) return StaleToAborted(applied.status());
  EditOutcome out;
  out.version = applied->version;
  out.added_ids = applied->added_ids;
  out.updated_at = applied->updated_at;
  if (applied->version == expected_version) return out;  // nothing changed: no version, no record
  auto record = Record(actor, action.c_str(), "estimate", estimate_id);
  record.before_json = "{\"version\":" + Id(expected_version) + ",\"items\":" + before_json + "}";
  record.after_json = "{\"version\":" + Id(applied->version) + ",\"added_ids\":" +
                      ItemList(applied->added_ids) + ",\"changes\":" + after_json + "}";
  if (auto a = audit_.Append(*uow, record); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  return out;
}

Result<EditOutcome> EstimateService::Edit(const Actor& actor, std::int64_t estimate_id,
                                          std::int64_t expected_version,
                                          const std::string& changes_json,
                                          const std::string& path, const std::string& summary) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  auto parsed = ParseBody(changes_json, path.empty() ? "body" : path);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_array() || parsed->get_array().empty()) {
    return InvalidArgument((path.empty() ? std::string("body") : path) +
                           ": expected a non-empty array of changes");
  }
  const json::array& ops = parsed->get_array();
  if (ops.size() > 10'000) return InvalidArgument(path + ": at most 10000 changes at once");

  auto working = Working(actor, estimate_id, expected_version);
  if (!working.ok()) return working.status();
  WorkingEstimate& w = **working;
  std::lock_guard lock(w.mu);
  if (w.info.version != expected_version) {
    return Aborted("estimate " + Id(estimate_id) + " is at version " + Id(w.info.version) +
                   ", not " + Id(expected_version) + "; reload it and apply the change again");
  }
  if (Status s = RequireDraft(w.info); !s.ok()) return s;

  // 1. Check every op against the estimate as it is, and prepare the documents.
  EditPlanner planner(w, base_);
  std::vector<PreparedOp> prepared;
  prepared.reserve(ops.size());
  store::ChangeSet changes;
  changes.summary = summary;
  json::array before, after;
  bool reprice_only = w.resource_index && w.calc.has_value();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::string at = path.empty() && ops.size() == 1 ? std::string()
                                                           : path + "[" + std::to_string(i) + "]";
    if (!ops[i].is_object()) return InvalidArgument(at + ": expected an object");
    auto op = planner.Prepare(ops[i].get_object(), at);
    if (!op.ok()) return op.status();
    if (!std::holds_alternative<store::UpdatePosition>(op->change)) reprice_only = false;
    changes.changes.push_back(op->change);
    json::object a{{"op", OpName(op->change)}, {"id", ItemIdOf(op->change)}};
    if (!op->document.empty()) a["document"] = json::parse(op->document);
    after.push_back(std::move(a));
    before.push_back(json::object{{"op", OpName(op->change)}, {"id", ItemIdOf(op->change)},
                                  {"value", op->before}});
    prepared.push_back(std::move(op).value());
  }
  if (changes.summary.empty()) {
    changes.summary = ops.size() == 1 ? OpName(prepared.front().change)
                                      : std::to_string(ops.size()) + " changes";
  }
  // A base-index estimate is checked as the whole document it will be.
  if (!w.resource_index) {
    WorkingEstimate trial;
    trial.info = w.info;
    trial.resource_index = false;
    trial.estimate.sections = w.estimate.sections;
    trial.section_ids = w.section_ids;
    trial.position_ids = w.position_ids;
    trial.documents = w.documents;
    std::vector<std::int64_t> fake_ids;
    for (std::size_t i = 0; i < prepared.size(); ++i) fake_ids.push_back(-1 - static_cast<std::int64_t>(i));
    std::vector<PreparedOp> copy = prepared;
    ApplyToWorking(trial, copy, fake_ids);
    Compute(trial);
    if (!trial.problem.empty()) return InvalidArgument(trial.problem);
  }

  // 2. Save the version and its audit record.
  auto saved = Save(actor, estimate_id, expected_version, changes, "update",
                    json::serialize(before), json::serialize(after));
  if (!saved.ok()) {
    if (saved.status().code() == StatusCode::kAborted) {
      w.info.version = -1;  // another instance wrote: reload on the next use
    }
    return saved.status();
  }
  EditOutcome out = std::move(saved).value();
  if (out.version == expected_version) {
    out.json = "{\"id\":" + Id(estimate_id) + ",\"version\":" + Id(out.version) +
               ",\"changed\":false}";
    return out;
  }

  // 3. Bring the in-memory estimate to the new version: re-price only what changed.
  std::vector<std::pair<std::size_t, std::size_t>> touched;
  if (reprice_only) {
    for (PreparedOp& op : prepared) {
      const auto [s, p] = *FindPosition(w, std::get<store::UpdatePosition>(op.change).position_id);
      if (Status st = w.calc->Reprice(s, p, *op.position, w.estimate.options); !st.ok()) {
        reprice_only = false;
        break;
      }
    }
  }
  ApplyToWorking(w, prepared, out.added_ids);
  w.info.version = out.version;
  w.info.updated_at = out.updated_at;
  w.positions = w.PositionCount();
  if (!reprice_only) Compute(w);

  // 4. Answer with what changed and the new totals.
  std::string json = "{\"id\":" + Id(estimate_id) + ",\"version\":" + Id(out.version) +
                     ",\"changed\":true,\"added_ids\":" + ItemList(out.added_ids) +
                     ",\"positions\":[";
  bool first = true;
  std::size_t added = 0;
  json::array warnings;
  for (const PreparedOp& op : prepared) {
    std::int64_t id = 0;
    if (std::holds_alternative<store::AddPosition>(op.change)) {
      id = out.added_ids.at(added);
    } else if (const auto* u = std::get_if<store::UpdatePosition>(&op.change)) {
      id = u->position_id;
    }
    if (std::holds_alternative<store::AddSection>(op.change) ||
        std::holds_alternative<store::AddPosition>(op.change)) {
      ++added;
    }
    for (const auto& warning : op.warnings) warnings.push_back(json::string(warning));
    if (id == 0) continue;
    auto at = FindPosition(w, id);
    if (!at) continue;
    if (!first) json += ',';
    first = false;
    const auto [s, p] = *at;
    if (w.resource_index) {
      AppendPositionSummary(&json, id, w.estimate.sections[s].positions[p],
                            w.calc ? &w.calc->result().positions[s][p] : nullptr);
    } else {
      json += "{\"id\":" + Id(id) + ",\"document\":" + w.documents[s][p] + "}";
    }
  }
  json += "]";
  AppendSectionsAndTotals(&json, w, /*with_positions=*/false);
  json += ",\"warnings\":" + json::serialize(warnings) + "}";
  out.json = std::move(json);
  return out;
}

Result<EditOutcome> EstimateService::SetStatus(const Actor& actor, std::int64_t estimate_id,
                                               std::int64_t expected_version,
                                               const std::string& status) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto target = store::ParseEstimateStatus(status);
  if (!target) return InvalidArgument("status: expected draft, review or approved");
  auto working = Working(actor, estimate_id, expected_version);
  if (!working.ok()) return working.status();
  WorkingEstimate& w = **working;
  std::lock_guard lock(w.mu);
  if (w.info.version != expected_version) {
    return Aborted("estimate " + Id(estimate_id) + " is at version " + Id(w.info.version) +
                   ", not " + Id(expected_version));
  }
  const char* from = store::EstimateStatusName(w.info.header.status);
  auto permission = auth::PermissionForStatusChange(from, status);
  if (!permission) {
    return FailedPrecondition(std::string("status: an estimate in ") + from + " cannot go to " +
                              status);
  }
  if (Status s = Denied(actor, *permission); !s.ok()) return s;
  store::ChangeSet changes;
  changes.changes.push_back(store::SetStatus{*target});
  changes.summary = std::string("status: ") + from + " → " + status;
  const std::string before = "[{\"status\":\"" + std::string(from) + "\"}]";
  const std::string after = "[{\"status\":\"" + status + "\"}]";
  auto saved = Save(actor, estimate_id, expected_version, changes, "status_change", before, after);
  if (!saved.ok()) {
    if (saved.status().code() == StatusCode::kAborted) w.info.version = -1;
    return saved.status();
  }
  w.info.header.status = *target;
  w.info.version = saved->version;
  w.info.updated_at = saved->updated_at;
  EditOutcome out = std::move(saved).value();
  out.json = "{\"id\":" + Id(estimate_id) + ",\"version\":" + Id(out.version) +
             ",\"status\":\"" + status + "\"}";
  return out;
}

Status EstimateService::DeleteEstimate(const Actor& actor, std::int64_t estimate_id,
                                       std::int64_t expected_version) {
  if (Status s = Denied(actor, auth::Permission::kDeleteDraft); !s.ok()) return s;
  auto done = Audited<store::EstimateInfo>(
      db_, audit_,
      [&](store::UnitOfWork& uow) -> Result<store::EstimateInfo> {
        auto info = estimates_.GetEstimate(uow, actor.organization_id, estimate_id);
        if (!info.ok()) return info.status();
        if (info->version != expected_version) {
          return Aborted("estimate " + Id(estimate_id) + " is at version " + Id(info->version) +
                         ", not " + Id(expected_version));
        }
        if (Status s = RequireDraft(*info); !s.ok()) return s;
        if (Status s = estimates_.DeleteEstimate(uow, actor.organization_id, estimate_id);
            !s.ok()) {
          return s;
        }
        return info;
      },
      [&](const store::EstimateInfo& info) {
        auto r = Record(actor, "delete", "estimate", estimate_id);
        r.before_json = json::serialize(HeaderJson(info));
        return r;
      });
  Forget(actor.organization_id, estimate_id);
  return done.status();
}

Result<std::string> EstimateService::Versions(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto versions = estimates_.ListVersions(actor.organization_id, estimate_id);
  if (!versions.ok()) return versions.status();
  json::array out;
  for (const auto& v : *versions) {
    out.push_back(json::object{{"version", v.version},
                               {"actor_user_id", v.actor_user_id},
                               {"created_at", v.created_at},
                               {"summary", v.summary},
                               {"change_count", v.change_count}});
  }
  return json::serialize(out);
}

Result<std::string> EstimateService::VersionView(const Actor& actor, std::int64_t estimate_id,
                                                 std::int64_t version) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto content = estimates_.LoadVersion(actor.organization_id, estimate_id, version);
  if (!content.ok()) return content.status();
  auto w = Build(std::move(content).value());
  if (!w.ok()) return w.status();
  return SerializeView(**w);
}

Result<std::string> EstimateService::Diff(const Actor& actor, std::int64_t estimate_id,
                                          std::int64_t from, std::int64_t to) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto diff = estimates_.Diff(actor.organization_id, estimate_id, from, to);
  if (!diff.ok()) return diff.status();
  // Old and new figures of each changed position, computed with the options of each version.
  auto from_info = estimates_.LoadVersion(actor.organization_id, estimate_id, diff->from);
  auto to_info = estimates_.LoadVersion(actor.organization_id, estimate_id, diff->to);
  core::CalcOptions from_options, to_options;
  if (from_info.ok()) {
    if (auto o = formats::ParseCalcOptions(from_info->info.header.options_json); o.ok()) from_options = *o;
  }
  if (to_info.ok()) {
    if (auto o = formats::ParseCalcOptions(to_info->info.header.options_json); o.ok()) to_options = *o;
  }
  const bool resource_index = !to_info.ok() || to_info->info.header.method != "base-index";
  const auto state = [&](const store::ItemState& s, store::ItemKind kind,
                         const core::CalcOptions& options) {
    json::object o{{"section_id", s.section_id}};
    if (kind == store::ItemKind::kSection) {
      o["name"] = s.value;
      return o;
    }
    boost::system::error_code ec;
    o["document"] = json::parse(s.value, ec);
    if (resource_index) {
      if (auto p = formats::ParsePositionDocument(s.value, "position"); p.ok()) {
        if (auto r = core::CalculatePosition(*p, options); r.ok()) {
          o["figures"] = json::parse("{" + formats::PositionFiguresJson(*r) + "}");
        }
      }
    }
    return o;
  };
  json::array items;
  for (const auto& item : diff->items) {
    json::object o{{"kind", item.kind == store::ItemKind::kSection ? "section" : "position"},
                   {"id", item.id},
                   {"op", item.op == store::DiffOp::kAdded     ? "added"
                          : item.op == store::DiffOp::kRemoved ? "removed"
                                                               : "changed"}};
    o["before"] = item.before ? json::value(state(*item.before, item.kind, from_options)) : nullptr;
    o["after"] = item.after ? json::value(state(*item.after, item.kind, to_options)) : nullptr;
    items.push_back(std::move(o));
  }
  json::array header;
  for (const auto& f : diff->header_fields) header.push_back(json::string(f));
  return json::serialize(json::object{{"estimate_id", estimate_id},
                                      {"from", diff->from},
                                      {"to", diff->to},
                                      {"header_fields", std::move(header)},
                                      {"items", std::move(items)}});
}

Result<EditOutcome> EstimateService::Restore(const Actor& actor, std::int64_t estimate_id,
                                             std::int64_t version,
                                             std::int64_t expected_version) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  if (info->version != expected_version) {
    return Aborted("estimate " + Id(estimate_id) + " is at version " + Id(info->version) +
                   ", not " + Id(expected_version));
  }
  if (Status s = RequireDraft(*info); !s.ok()) return s;
  auto applied = Audited<store::AppliedChange>(
      db_, audit_,
      [&](store::UnitOfWork& uow) -> Result<store::AppliedChange> {
        auto r = estimates_.Restore(uow, actor.organization_id, estimate_id, version,
                                    expected_version, actor.user_id);
        if (!r.ok()) return StaleToAborted(r.status());
        return r;
      },
      [&](const store::AppliedChange& a) {
        auto r = Record(actor, "restore", "estimate", estimate_id);
        r.before_json = "{\"version\":" + Id(expected_version) + "}";
        r.after_json = "{\"version\":" + Id(a.version) + ",\"restored_version\":" + Id(version) +
                       ",\"changed_items\":" + std::to_string(a.changed_items) + "}";
        return r;
      });
  if (!applied.ok()) return applied.status();
  Forget(actor.organization_id, estimate_id);
  auto view = View(actor, estimate_id);
  if (!view.ok()) return view.status();
  return EditOutcome{view->version, {}, {}, *view->json};
}

Result<EditOutcome> EstimateService::Duplicate(const Actor& actor, std::int64_t estimate_id,
                                               std::int64_t object_id, const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  if (!name.empty()) {
    if (Status s = CheckName(name, "name"); !s.ok()) return s;
  }
  auto uow = store::UnitOfWork::Begin(db_, store::UnitOfWork::Isolation::kSnapshot);
  if (!uow.ok()) return uow.status();
  auto info = estimates_.Duplicate(*uow, actor.organization_id, estimate_id, actor.user_id,
                                   object_id, name);
  if (!info.ok()) return info.status();
  auto record = Record(actor, "create", "estimate", info->id);
  json::object after = HeaderJson(*info);
  after["duplicate_of"] = estimate_id;
  record.after_json = json::serialize(after);
  if (auto a = audit_.Append(*uow, record); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  auto view = View(actor, info->id);
  if (!view.ok()) return view.status();
  return EditOutcome{view->version, {info->id}, {}, *view->json};
}

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

Result<std::string> EstimateService::ObjectEstimateDocument(const Actor& actor,
                                                            std::int64_t object_id,
                                                            std::string* number,
                                                            std::string* name) {
  auto object = estimates_.GetObject(actor.organization_id, object_id);
  if (!object.ok()) return object.status();
  auto list = estimates_.ListEstimates(actor.organization_id, object_id);
  if (!list.ok()) return list.status();
  if (list->empty()) {
    return FailedPrecondition("object " + Id(object_id) + " has no estimates to sum");
  }
  json::array lines;
  for (const auto& e : *list) {
    auto view = View(actor, e.id);
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

Result<std::string> EstimateService::ObjectEstimate(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  std::string number, name;
  auto document = ObjectEstimateDocument(actor, object_id, &number, &name);
  if (!document.ok()) return document.status();
  auto outcome = formats::Calculate(*document, formats::OutputFormat::kJson);
  if (!outcome.ok()) return FailedPrecondition("object estimate: " + outcome.problems.front());
  return "{\"document\":" + *document + ",\"result\":" + outcome.json + "}";
}

Result<std::string> EstimateService::SummaryEstimate(const Actor& actor, std::int64_t project_id,
                                                     const SummaryRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto project = estimates_.GetProject(actor.organization_id, project_id);
  if (!project.ok()) return project.status();
  const std::string date = request.date.empty() ? core::FormatUtcDate(Now()) : request.date;
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
  const std::string document = json::serialize(
      json::object{{"format", "summary-estimate/1"},
                   {"number", "ССР-" + Id(project_id)},
                   {"name", project->name},
                   {"date", date},
                   {"contingency_percent",
                    request.contingency_percent.empty() ? "0" : request.contingency_percent},
                   {"lines", std::move(lines)}});
  auto outcome = formats::Calculate(document, formats::OutputFormat::kJson);
  if (!outcome.ok()) return FailedPrecondition("summary estimate: " + outcome.problems.front());
  return "{\"document\":" + document + ",\"result\":" + outcome.json + "}";
}

Result<ExportedFile> EstimateService::Export(const Actor& actor, std::int64_t estimate_id,
                                            const std::string& format) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  if (format != "gge" && format != "gge-3.02" && format != "xlsx" && format != "pdf" &&
      format != "arps") {
    return InvalidArgument("format: \"" + format + "\" is not one of gge, gge-3.02, xlsx, pdf, arps");
  }
  auto version = CurrentVersion(actor, estimate_id);
  if (!version.ok()) return version.status();
  auto working = Working(actor, estimate_id, *version);
  if (!working.ok()) return working.status();
  core::Estimate estimate;
  std::optional<core::BaseIndexEstimate> base_index;
  store::EstimateInfo info;
  {
    std::lock_guard lock((*working)->mu);
    const WorkingEstimate& w = **working;
    if (!w.problem.empty()) return FailedPrecondition("estimate: " + w.problem);
    if (!w.resource_index) {
      if (format == "arps") {
        return FailedPrecondition("format: АРПС is written for the resource-index method only; "
                                  "a base-index estimate goes out as gge, gge-3.02, xlsx or pdf");
      }
      auto parsed =
          formats::ParseBaseIndexDocument(AssembleDocument(w.info, SectionNames(w), w.documents));
      if (!parsed.ok()) return FailedPrecondition("estimate: " + parsed.status().message());
      base_index = std::move(parsed).value();
    }
    estimate = w.estimate;
    info = w.info;
  }
  auto object = estimates_.GetObject(actor.organization_id, info.object_id);
  if (!object.ok()) return object.status();
  auto project = estimates_.GetProject(actor.organization_id, object->project_id);
  if (!project.ok()) return project.status();

  formats::GgeHeader h = base_index ? formats::Fer2001Header() : formats::Fsnb2022Header();
  const store::EstimateHeader& eh = info.header;
  // The ГГЭ header an imported estimate came with (normative acts, the letter of the indices,
  // signatures, GUID); what the service keeps of its own (стройка, объект, number, name, region,
  // price level) is filled in below and wins.
  {
    boost::system::error_code ec;
    const json::value options = json::parse(eh.options_json, ec);
    const json::value* stored =
        !ec && options.is_object() ? options.get_object().if_contains("header") : nullptr;
    if (stored != nullptr) {
      auto read = formats::ParseGgeHeader(json::serialize(json::object{{"header", *stored}}), h);
      if (read.ok()) h = std::move(read).value();
    }
  }
  h.construction_number = Id(project->id);
  h.construction_name = project->name;
  h.object_number = Id(object->id);
  h.object_name = object->name;
  h.number = eh.number.empty() ? Id(info.id) : eh.number;
  h.name = eh.name;
  h.date = eh.date;
  if (h.region_code != eh.region) h.region_name.clear();  // the stored header's, of another region
  if (h.zone_code != eh.zone) h.zone_name.clear();
  h.region_code = eh.region;
  h.zone_code = eh.zone;
  if (auto active = base_.Active(); active->release) {
    for (const auto& prices : active->release->prices) {
      if (prices.region_code == eh.region) h.region_name = std::string(prices.region_name);
    }
  }
  if (h.region_name.empty()) h.region_name = std::string(normbase::RegionName(eh.region));
  if (eh.quarter.size() == 7 && eh.quarter[4] == '-' && eh.quarter[5] == 'Q') {
    h.price_year = std::atoi(eh.quarter.substr(0, 4).c_str());
    h.price_quarter = eh.quarter[6] - '0';
  }
  // An unchanged version gives the same file: the next reader of it gets this one (a PDF of
  // 10,000 positions takes seconds). The key holds what the file states besides the version —
  // the names of the project and the object, the region — so a rename makes a new file.
  // ViewKey names the database and the version of the working copy read above.
  const std::string key = ViewKey(info) + ":export:" + format + ":" + h.construction_name +
                          "\x1f" + h.object_name + "\x1f" + h.region_name;
  if (auto hit = results_.Get(key)) {
    const std::string_view v = *hit;
    const auto a = v.find('\x1f');
    const auto b = a == std::string_view::npos ? a : v.find('\x1f', a + 1);
    if (b != std::string_view::npos) {
      return ExportedFile{std::string(v.substr(0, a)), std::string(v.substr(a + 1, b - a - 1)),
                          std::string(v.substr(b + 1))};
    }
  }
  auto file = [&]() -> Result<ExportedFile> {
    if (format == "arps") {
      formats::ArpsHeader ah;
      ah.number = h.number;
      ah.name = h.name;
      ah.construction_name = h.construction_name;
      ah.object_name = h.object_name;
      auto arps = formats::WriteArps(estimate, ah);
      if (!arps.ok()) return FailedPrecondition("export: " + arps.status().message());
      return ExportedFile{"text/plain; charset=IBM866", "ЛСР " + h.number + ".arp",
                          std::move(arps).value()};
    }
    if (format == "xlsx" || format == "pdf") {
      const formats::PrintHeader ph = formats::PrintHeaderOf(h);
      if (format == "pdf") {
        auto pdf = base_index ? formats::WriteBaseIndexEstimatePdf(*base_index, ph)
                              : formats::WriteEstimatePdf(estimate, ph);
        if (!pdf.ok()) return FailedPrecondition("export: " + pdf.status().message());
        return ExportedFile{"application/pdf", "ЛСР " + h.number + ".pdf", std::move(pdf).value()};
      }
      auto xlsx = base_index ? formats::WriteBaseIndexEstimateXlsx(*base_index, ph)
                             : formats::WriteEstimateXlsx(estimate, ph);
      if (!xlsx.ok()) return FailedPrecondition("export: " + xlsx.status().message());
      return ExportedFile{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          "ЛСР " + h.number + ".xlsx", std::move(xlsx).value()};
    }
    if (h.guid.empty()) {
      char guid[40];
      std::snprintf(guid, sizeof guid, "{00000000-0000-4000-8000-%012lld}",
                    static_cast<long long>(info.id));
      h.guid = guid;
    }
    if (h.export_time.empty()) h.export_time = core::FormatXsdDateTime(Now());
    const bool draft = format == "gge-3.02";
    const formats::GgeVersion schema = draft ? formats::GgeVersion::k302 : formats::GgeVersion::k301;
    // A base-index ЛСР in the 3.01 shape has no published schema: its 3.02 rendering, which differs
    // only by renames (docs/design/documents-io.md §4.3), is what is validated.
    auto xml = base_index ? formats::WriteGgeBaseIndexEstimate(*base_index, h, schema)
                          : formats::WriteGgeLocalEstimate(estimate, h, schema);
    if (!xml.ok()) return InvalidArgument("export: " + xml.status().message());
    Result<std::string> checked = *xml;
    if (base_index && !draft) {
      checked = formats::WriteGgeBaseIndexEstimate(*base_index, h, formats::GgeVersion::k302);
      if (!checked.ok()) return InvalidArgument("export: " + checked.status().message());
    }
    const std::string xsd =
        options_.gge_xsd_dir +
        (base_index ? "/LocalEstimateBaseIndexMethod-3_02-draft.xsd"
                    : draft ? "/LocalEstimateResourceIndexMethod-3_02-draft.xsd"
                            : "/LocalEstimateResourceIndexMethod-3_01.xsd");
    if (Status s = formats::ValidateXml(*checked, xsd); !s.ok()) {
      if (s.code() == StatusCode::kNotFound) {
        return Unavailable("export: the ГГЭ schemas are not installed (GGE_XSD_DIR): " + s.message());
      }
      return FailedPrecondition("export: the file would not pass the ГГЭ schema, so it is not "
                                "offered: " + s.message());
    }
    return ExportedFile{"application/xml", "ЛСР " + h.number + ".gge", std::move(xml).value()};
  }();
  if (file.ok()) {
    results_.Put(key, std::make_shared<const std::string>(file->content_type + "\x1f" +
                                                          file->filename + "\x1f" + file->bytes));
  }
  return file;
}

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == suffix;
}

}  // namespace

Result<EditOutcome> EstimateService::Import(const Actor& actor, std::int64_t object_id,
                                            std::string_view bytes, const std::string& filename,
                                            const ImportOptions& options) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  // Whatever is wrong with an upload (malformed, a zip bomb, entities) is the client's 400.
  const auto fail = [&](const Status& s) -> Status {
    return InvalidArgument("file: " + (filename.empty() ? std::string() : filename + ": ") +
                           s.message());
  };
  // What the file is, by its first bytes: a zip (xlsx: a bill of quantities), АРПС ("1#"), or
  // XML (ГГЭ); a .csv name is a bill of quantities.
  if (bytes.starts_with("PK")) {
    auto boq = formats::ReadBoqXlsx(bytes);
    if (!boq.ok()) return fail(boq.status());
    return ImportBoq(actor, object_id, *boq, filename, options);
  }
  if (EndsWith(filename, ".csv")) {
    auto boq = formats::ReadBoqCsv(bytes);
    if (!boq.ok()) return fail(boq.status());
    return ImportBoq(actor, object_id, *boq, filename, options);
  }
  if (bytes.starts_with("1#")) {
    auto arps = formats::ReadArps(bytes);
    if (!arps.ok()) return fail(arps.status());
    formats::GgeImport as_gge;
    as_gge.document_json = std::move(arps->document_json);
    as_gge.header.number = arps->header.number;
    as_gge.header.name = arps->header.name;
    as_gge.warnings = std::move(arps->warnings);
    as_gge.differences = std::move(arps->differences);
    as_gge.compared = arps->compared;
    return ImportDocument(actor, object_id, std::move(as_gge), filename, options);
  }
  auto type = formats::GgeDocumentType(bytes);
  if (!type.ok() || *type == "Ведомость объемов работ") {
    // A ГГЭ bill of quantities (the «Минстрой» layout declares no Meta/File/Type).
    auto boq = formats::ReadBoqGge(bytes);
    if (boq.ok()) return ImportBoq(actor, object_id, *boq, filename, options);
    if (type.ok()) return fail(boq.status());
    return fail(type.status());
  }
  if (*type != "ЛС") {
    return fail(InvalidArgument("xml: a ГГЭ document of type " + *type +
                                "; an estimate is made from a ЛСР (ЛС) or a ВОР"));
  }
  auto imported = formats::ReadGgeLocalEstimate(bytes);
  if (!imported.ok() && imported.status().message().find("IndexType") != std::string::npos) {
    imported = formats::ReadGgeBaseIndexEstimate(bytes);  // a ЛСР by the base-index method
  }
  if (!imported.ok()) return fail(imported.status());
  return ImportDocument(actor, object_id, std::move(imported).value(), filename, options);
}

Result<EditOutcome> EstimateService::ImportDocument(const Actor& actor, std::int64_t object_id,
                                                    formats::GgeImport imported_value,
                                                    const std::string& filename,
                                                    const ImportOptions& options) {
  auto imported = &imported_value;
  const formats::GgeHeader& h = imported->header;
  json::object body{{"name", h.name.empty() ? filename : h.name},
                    {"number", h.number},
                    {"region", h.region_code},
                    {"zone", h.zone_code},
                    {"date", h.date},
                    {"document", json::parse(imported->document_json)}};
  if (h.price_year > 0 && h.price_quarter > 0) {
    body["quarter"] = std::to_string(h.price_year) + "-Q" + std::to_string(h.price_quarter);
  }
  if (!options.region.empty()) body["region"] = options.region;
  if (!options.zone.empty()) body["zone"] = options.zone;
  if (!options.quarter.empty()) body["quarter"] = options.quarter;
  auto created = CreateEstimate(actor, object_id, {json::serialize(body)});
  if (!created.ok()) return created.status();
  json::array differences, warnings;
  for (const auto& d : imported->differences) {
    differences.push_back(json::object{{"path", d.path}, {"stated", d.stated}, {"computed", d.computed}});
  }
  for (const auto& w : imported->warnings) warnings.push_back(json::string(w));
  const json::value estimate = json::parse(created->json);
  created->json = json::serialize(json::object{
      {"estimate_id", estimate.at("id")},
      {"version", created->version},
      {"source", filename},
      {"compared", imported->compared},
      {"reproduced", imported->differences.empty()},
      {"differences", std::move(differences)},
      {"warnings", std::move(warnings)},
      {"totals", estimate.as_object().contains("totals") ? estimate.at("totals") : json::value(nullptr)}});
  return created;
}

Result<EditOutcome> EstimateService::ImportBoq(const Actor& actor, std::int64_t object_id,
                                               const formats::BoqImport& boq,
                                               const std::string& filename,
                                               const ImportOptions& options) {
  if (boq.lines.empty()) return InvalidArgument("file: " + filename + ": the bill of quantities has no lines");
  // Sections in the order the ВОР names them.
  std::vector<std::string> sections;
  for (const auto& line : boq.lines) {
    const std::string name = line.section.empty() ? "Раздел 1" : line.section;
    if (std::find(sections.begin(), sections.end(), name) == sections.end()) sections.push_back(name);
  }
  std::string name = filename;
  if (const auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(0, dot);
  json::array section_list;
  for (const auto& s : sections) section_list.push_back(json::object{{"name", s}});
  json::object body{{"name", name.empty() ? std::string("ВОР") : name},
                    {"region", options.region},
                    {"zone", options.zone},
                    {"quarter", options.quarter},
                    {"sections", std::move(section_list)}};
  auto created = CreateEstimate(actor, object_id, {json::serialize(body)});
  if (!created.ok()) return created.status();
  const json::value view = json::parse(created->json);
  const std::int64_t estimate_id = view.at("id").as_int64();
  std::map<std::string, std::int64_t> section_ids;
  for (const auto& s : view.at("sections").as_array()) {
    section_ids[std::string(s.at("name").as_string())] = s.at("id").as_int64();
  }
  // A line whose code is a norm of the active release is priced from it; any other is listed
  // unpriced, as the estimator's work list, with a warning.
  auto active = base_.Active();
  json::array ops, warnings;
  for (const auto& w : boq.warnings) warnings.push_back(json::string(w));
  std::size_t priced = 0;
  for (const auto& line : boq.lines) {
    const std::int64_t section = section_ids[line.section.empty() ? "Раздел 1" : line.section];
    bool norm = false;
    if (auto split = SplitNormCode(line.code); split && active->release &&
        !options.region.empty() && !options.quarter.empty()) {
      norm = active->release->FindNorm(split->first, split->second) != nullptr;
    }
    if (norm) {
      ++priced;
      ops.push_back(json::object{{"op", "add_position"}, {"section_id", section},
                                 {"code", line.code}, {"quantity", line.quantity.ToString()},
                                 {"number", line.number.empty() ? json::value(nullptr) : json::value(line.number)}});
      continue;
    }
    json::object doc{{"type", "resource"}, {"kind", "material"},
                     {"code", line.code.empty() ? "ВОР-" + std::to_string(line.row) : line.code},
                     {"name", line.name}, {"unit", line.unit}, {"quantity", line.quantity.ToString()}};
    if (!line.number.empty()) doc["number"] = line.number;
    ops.push_back(json::object{{"op", "add_position"}, {"section_id", section}, {"position", std::move(doc)}});
    warnings.push_back(json::string("row " + std::to_string(line.row) + ": «" + line.name +
                                    "» is listed unpriced" +
                                    (line.code.empty() ? std::string(" (no code)")
                                                       : " (" + line.code + " is not a norm of the active release"
                                                         " or no region/quarter was given)")));
  }
  auto edited = Edit(actor, estimate_id, created->version, json::serialize(ops), "lines",
                     "ВОР " + filename);
  if (!edited.ok()) {
    (void)DeleteEstimate(actor, estimate_id, created->version);  // nothing half-made stays
    return edited.status();
  }
  const json::value after = json::parse(edited->json);
  edited->json = json::serialize(json::object{
      {"estimate_id", estimate_id},
      {"version", edited->version},
      {"source", filename},
      {"lines", boq.lines.size()},
      {"priced", priced},
      {"warnings", std::move(warnings)},
      {"totals", after.as_object().contains("totals") ? after.at("totals") : json::value(nullptr)}});
  return edited;
}

namespace {

const char* const kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

Status CheckRollUpFormat(const std::string& format) {
  if (format == "gge" || format == "xlsx" || format == "pdf") return Status::Ok();
  return InvalidArgument("format: \"" + format + "\" is not one of gge, xlsx, pdf");
}

// Validates an XML export against `xsd` in `dir`; the service never offers an invalid one.
Status ValidatedExport(const std::string& xml, const std::string& dir, const char* xsd) {
  Status s = formats::ValidateXml(xml, dir + "/" + xsd);
  if (s.ok()) return s;
  if (s.code() == StatusCode::kNotFound) {
    return Unavailable("export: the ГГЭ schemas are not installed (GGE_XSD_DIR): " + s.message());
  }
  return FailedPrecondition("export: the file would not pass the ГГЭ schema, so it is not offered: " +
                            s.message());
}

}  // namespace

Result<ExportedFile> EstimateService::ExportObjectEstimate(const Actor& actor,
                                                           std::int64_t object_id,
                                                           const std::string& format) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  if (Status s = CheckRollUpFormat(format); !s.ok()) return s;
  std::string number, name;
  auto document = ObjectEstimateDocument(actor, object_id, &number, &name);
  if (!document.ok()) return document.status();
  auto input = formats::ParseObjectEstimateDocument(*document);
  if (!input.ok()) return FailedPrecondition("object estimate: " + input.status().message());
  auto object = estimates_.GetObject(actor.organization_id, object_id);
  if (!object.ok()) return object.status();
  auto project = estimates_.GetProject(actor.organization_id, object->project_id);
  if (!project.ok()) return project.status();
  const std::string file = "ОСР " + number;
  if (format == "gge") {
    formats::GgeObjectHeader h;
    h.construction_number = Id(project->id);
    h.construction_name = project->name;
    auto list = estimates_.ListEstimates(actor.organization_id, object_id);
    if (list.ok() && !list->empty()) h.region_code = list->front().header.region;
    const core::Timestamp now = Now();
    h.created = h.approved = core::FormatUtcDate(now);
    h.export_time = core::FormatXsdDateTime(now);
    auto xml = formats::WriteGgeObjectEstimate(*input, h);
    if (!xml.ok()) return InvalidArgument("export: " + xml.status().message());
    if (Status s = ValidatedExport(*xml, options_.gge_xsd_dir, "ObjectEstimate-3_01.xsd"); !s.ok()) {
      return s;
    }
    return ExportedFile{"application/xml", file + ".gge", std::move(xml).value()};
  }
  formats::PrintHeader ph;
  ph.construction = project->name;
  ph.object = object->name;
  ph.number = number;
  auto bytes = format == "pdf" ? formats::WriteObjectEstimatePdf(*input, ph)
                               : formats::WriteObjectEstimateXlsx(*input, ph);
  if (!bytes.ok()) return FailedPrecondition("export: " + bytes.status().message());
  return ExportedFile{format == "pdf" ? "application/pdf" : kXlsxType, file + "." + format,
                      std::move(bytes).value()};
}

Result<ExportedFile> EstimateService::ExportSummaryEstimate(const Actor& actor,
                                                            std::int64_t project_id,
                                                            const SummaryRequest& request,
                                                            const std::string& format) {
  if (Status s = CheckRollUpFormat(format); !s.ok()) return s;
  auto computed = SummaryEstimate(actor, project_id, request);
  if (!computed.ok()) return computed.status();
  const json::value both = json::parse(*computed);
  auto input = formats::ParseSummaryEstimateDocument(json::serialize(both.at("document")));
  if (!input.ok()) return FailedPrecondition("summary estimate: " + input.status().message());
  auto project = estimates_.GetProject(actor.organization_id, project_id);
  if (!project.ok()) return project.status();
  const std::string file = "ССР " + input->number;
  if (format == "gge") {
    formats::GgeSummaryHeader h;
    const core::Timestamp now = Now();
    h.created = h.approved = request.date.empty() ? core::FormatUtcDate(now) : request.date;
    h.export_time = core::FormatXsdDateTime(now);
    auto xml = formats::WriteGgeSummaryEstimate(*input, h);
    if (!xml.ok()) return InvalidArgument("export: " + xml.status().message());
    if (Status s = ValidatedExport(*xml, options_.gge_xsd_dir, "SummaryEstimate-current.xsd"); !s.ok()) {
      return s;
    }
    return ExportedFile{"application/xml", file + ".gge", std::move(xml).value()};
  }
  formats::PrintHeader ph;
  ph.construction = project->name;
  auto bytes = format == "pdf" ? formats::WriteSummaryEstimatePdf(*input, ph)
                               : formats::WriteSummaryEstimateXlsx(*input, ph);
  if (!bytes.ok()) return FailedPrecondition("export: " + bytes.status().message());
  return ExportedFile{format == "pdf" ? "application/pdf" : kXlsxType, file + "." + format,
                      std::move(bytes).value()};
}

Result<std::string> EstimateService::Audit(const Actor& actor, const store::AuditQuery& query) {
  if (Status s = Denied(actor, auth::Permission::kReadAudit); !s.ok()) return s;
  auto records = audit_.Query(actor.organization_id, query);
  if (!records.ok()) return records.status();
  json::array out;
  for (const auto& r : *records) {
    const auto parsed = [](const std::optional<std::string>& text) -> json::value {
      if (!text) return nullptr;
      boost::system::error_code ec;
      json::value v = json::parse(*text, ec);
      return ec ? json::value(*text) : v;
    };
    out.push_back(json::object{
        {"id", r.id},
        {"at", core::FormatUtcTimestamp(r.at)},
        {"actor_user_id", r.actor_user_id ? json::value(*r.actor_user_id) : json::value(nullptr)},
        {"action", r.action},
        {"entity_type", r.entity_type},
        {"entity_id", r.entity_id},
        {"request_id", r.request_id},
        {"before", parsed(r.before_json)},
        {"after", parsed(r.after_json)}});
  }
  return json::serialize(out);
}

}  // namespace estimate::services
