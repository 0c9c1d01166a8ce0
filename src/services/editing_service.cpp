#include "services/editing_service.hpp"

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
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/edit_plan.hpp"
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

EditingService::EditingService(const EstimateDeps& deps, WorkingSet& working)
    : db_(deps.db), estimates_(deps.estimates), audit_(deps.audit), base_(deps.base),
      working_(working) {}

Result<EditOutcome> EditingService::Save(const Actor& actor, std::int64_t estimate_id,
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

Result<EditOutcome> EditingService::Edit(const Actor& actor, std::int64_t estimate_id,
                                          std::int64_t expected_version,
                                          const std::string& changes_json,
                                          const std::string& path, const std::string& summary,
                                          std::size_t max_changes) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  auto parsed = ParseBody(changes_json, path.empty() ? "body" : path);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_array() || parsed->get_array().empty()) {
    return InvalidArgument((path.empty() ? std::string("body") : path) +
                           ": expected a non-empty array of changes");
  }
  const json::array& ops = parsed->get_array();
  if (ops.size() > max_changes) {
    return InvalidArgument(path + ": at most " + std::to_string(max_changes) + " changes at once");
  }

  auto working = working_.Get(actor, estimate_id, expected_version);
  if (!working.ok()) return working.status();
  WorkingEstimate& w = **working;
  std::lock_guard lock(w.mu);
  if (w.info.version != expected_version) {
    return StaleVersion(estimate_id, w.info.version, expected_version,
                        "; reload it and apply the change again");
  }
  if (Status s = RequireDraft(w.info); !s.ok()) return s;

  // 1. Check every op against the estimate as it is, and prepare the documents.
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
    auto op = PrepareOp(w, base_, ops[i].get_object(), at);
    if (!op.ok()) return op.status();
    if (!std::holds_alternative<store::UpdatePosition>(op->change)) reprice_only = false;
    changes.changes.push_back(op->change);
    json::object a{{"op", OpName(op->change)}, {"id", ItemIdOf(op->change)}};
    if (!op->document.empty()) a["document"] = json::parse(op->document);
    after.push_back(std::move(a));
    before.push_back(json::object{{"op", OpName(op->change)}, {"id", ItemIdOf(op->change)},
                                  {"value", op->before}});
    if (op->figures) position_calculations_.fetch_add(1);
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
    position_calculations_.fetch_add(trial.PositionCount());
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
      if (Status st = w.calc->Reprice(s, p, op.position->work_kind, *op.figures); !st.ok()) {
        reprice_only = false;
        break;
      }
    }
  }
  ApplyToWorking(w, prepared, out.added_ids);
  w.info.version = out.version;
  w.info.updated_at = out.updated_at;
  w.positions = w.PositionCount();
  if (!reprice_only) {
    Compute(w);
    position_calculations_.fetch_add(w.PositionCount());
  }

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

Result<EditOutcome> EditingService::SetStatus(const Actor& actor, std::int64_t estimate_id,
                                               std::int64_t expected_version,
                                               const std::string& status) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto target = store::ParseEstimateStatus(status);
  if (!target) return InvalidArgument("status: expected draft, review or approved");
  auto working = working_.Get(actor, estimate_id, expected_version);
  if (!working.ok()) return working.status();
  WorkingEstimate& w = **working;
  std::lock_guard lock(w.mu);
  if (w.info.version != expected_version) {
    return StaleVersion(estimate_id, w.info.version, expected_version);
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

namespace {

core::ResourceKind KindOf(std::string_view kind) {
  return kind == "labor"       ? core::ResourceKind::kLabor
         : kind == "machine"   ? core::ResourceKind::kMachine
         : kind == "equipment" ? core::ResourceKind::kEquipment
                               : core::ResourceKind::kMaterial;
}

bool Priced(const json::object& o) { return o.contains("price") || o.contains("base_price"); }

// Sets the price fields of a resource, sub-row or resource position; `patch` (an update_position
// op) gets nulls for the fields the new price does not use.
void SetPrice(json::object& o, const core::UnitPrice& p, bool patch) {
  const auto set = [&](const char* key, std::optional<std::string> value) {
    if (value) o[key] = *value;
    else if (patch) o[key] = nullptr;
    else o.erase(key);
  };
  const bool current = p.source == core::UnitPrice::Source::kCurrent;
  set("price", current ? std::optional<std::string>(p.price.ToString()) : std::nullopt);
  set("base_price", current ? std::nullopt : std::optional<std::string>(p.base_price.ToString()));
  set("index", current ? std::nullopt : std::optional<std::string>(p.index.ToString()));
}

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Re-prices a position document in place from `prices`: every priced resource line (with its
// machinist), sub-row, or the resource position's own price. `patch` (an update_position op)
// gets the fields that changed. The codes without a price in `prices`: the position is then to be
// kept as it was.
json::array RepricePosition(json::object& d, const normbase::BaseRelease& release,
                            const normbase::RegionalPrices& prices, json::object* patch) {
  json::array missing;
  const auto price = [&](json::object& line, bool as_patch) {
    const std::string code = Text(line, "code");
    if (code.empty() || !Priced(line)) return;  // unpriced lines (abstract, «П») stay so
    const core::UnitPrice next = normbase::PriceOfResource(release, prices, KindOf(Text(line, "kind")), code);
    if (!next.priced()) {
      missing.push_back(json::string(code));
      return;
    }
    SetPrice(line, next, as_patch);
  };
  if (Text(d, "type") == "resource") {
    json::object line{{"code", Text(d, "code")}, {"kind", Text(d, "kind")}};
    for (const char* key : {"price", "base_price", "index"}) {
      if (const json::value* v = d.if_contains(key)) line[key] = *v;
    }
    price(line, true);
    for (const char* key : {"price", "base_price", "index"}) {
      const json::value* v = line.if_contains(key);
      if (v == nullptr) continue;
      if (patch != nullptr) (*patch)[key] = *v;
      if (v->is_null()) d.erase(key);
      else d[key] = *v;
    }
    return missing;
  }
  if (json::value* resources = d.if_contains("resources"); resources != nullptr && resources->is_array()) {
    for (json::value& r : resources->get_array()) {
      if (!r.is_object()) continue;
      price(r.get_object(), false);
      if (json::value* m = r.get_object().if_contains("machinist"); m != nullptr && m->is_object()) {
        const std::string code = Text(m->get_object(), "code");
        const Decimal labor = code.empty() ? Decimal::Invalid() : normbase::LaborPrice(prices, code);
        if (!code.empty() && !labor.ok()) missing.push_back(json::string(code));
        if (labor.ok()) {
          core::UnitPrice unit;
          unit.source = core::UnitPrice::Source::kCurrent;
          unit.price = labor;
          SetPrice(m->get_object(), unit, false);
        }
      }
    }
    if (patch != nullptr) (*patch)["resources"] = *resources;
  }
  if (json::value* extra = d.if_contains("extra"); extra != nullptr && extra->is_array()) {
    for (json::value& e : extra->get_array()) {
      if (e.is_object()) price(e.get_object(), false);
    }
    if (patch != nullptr) (*patch)["extra"] = *extra;
  }
  return missing;
}

}  // namespace

Result<RepricedDocument> RepriceDocument(std::string_view document_json, const normbase::BaseRelease& release,
                                         const normbase::RegionalPrices& prices) {
  boost::system::error_code ec;
  json::value doc = json::parse(document_json, ec);
  if (ec || !doc.is_object()) return InvalidArgument("document: not a JSON object");
  json::value* sections = doc.get_object().if_contains("sections");
  if (sections == nullptr || !sections->is_array()) return InvalidArgument("sections: expected an array");
  RepricedDocument out;
  for (std::size_t s = 0; s < sections->get_array().size(); ++s) {
    json::value& section = sections->get_array()[s];
    json::value* positions = section.is_object() ? section.get_object().if_contains("positions") : nullptr;
    if (positions == nullptr || !positions->is_array()) continue;
    for (std::size_t p = 0; p < positions->get_array().size(); ++p) {
      json::value& position = positions->get_array()[p];
      if (!position.is_object()) continue;
      json::object repriced = position.get_object();
      json::array missing = RepricePosition(repriced, release, prices, nullptr);
      if (!missing.empty()) {
        KeptPosition k;
        k.path = "sections[" + std::to_string(s) + "].positions[" + std::to_string(p) + "]";
        k.number = Text(repriced, "number");
        k.code = Text(repriced, "code");
        for (const auto& m : missing) k.missing.emplace_back(m.get_string());
        out.kept.push_back(std::move(k));
        continue;  // kept as it was
      }
      position = std::move(repriced);
    }
  }
  out.json = json::serialize(doc);
  return out;
}

Result<EditOutcome> EditingService::Reprice(const Actor& actor, std::int64_t estimate_id,
                                            std::int64_t expected_version, const RepriceRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  const auto active = base_.Active();
  if (!active->release) return FailedPrecondition("no normative base is active: import one first");
  const normbase::BaseRelease& release = *active->release;
  if (request.release_id && *request.release_id != release.info.id) {
    return FailedPrecondition("release_id: release " + std::to_string(*request.release_id) +
                              " is not the active one (" + std::to_string(release.info.id) +
                              "): re-pricing reads the active release; activate it first");
  }
  json::array ops;
  json::array kept;
  std::string region, zone, quarter;
  {
    auto working = working_.Get(actor, estimate_id, expected_version);
    if (!working.ok()) return working.status();
    WorkingEstimate& w = **working;
    std::lock_guard lock(w.mu);
    if (w.info.version != expected_version) {
      return StaleVersion(estimate_id, w.info.version, expected_version, "; reload it and re-price again");
    }
    if (Status s = RequireDraft(w.info); !s.ok()) return s;
    if (!w.resource_index) {
      return FailedPrecondition("a base-index estimate is priced by indices, not by a price set");
    }
    const auto& h = w.info.header;
    region = request.region.empty() ? h.region : request.region;
    zone = request.zone.empty() ? (h.zone.empty() ? std::string("1") : h.zone) : request.zone;
    quarter = request.quarter.empty() ? h.quarter : request.quarter;
    const int zone_number = std::atoi(zone.c_str());
    const normbase::RegionalPrices* prices = release.FindPrices(region, zone_number > 0 ? zone_number : 1, quarter);
    if (prices == nullptr) {
      return NotFound("release " + release.info.name + " holds no prices of region " + region + ", zone " + zone +
                      ", quarter " + quarter);
    }
    for (std::size_t s = 0; s < w.documents.size(); ++s) {
      for (std::size_t p = 0; p < w.documents[s].size(); ++p) {
        json::value doc = json::parse(w.documents[s][p]);
        if (!doc.is_object()) continue;
        json::object& d = doc.get_object();
        json::object op{{"op", "update_position"}, {"position_id", w.position_ids[s][p]}};
        json::array missing = RepricePosition(d, release, *prices, &op);
        if (!missing.empty()) {
          kept.push_back(json::object{{"position_id", w.position_ids[s][p]},
                                      {"number", Text(d, "number")},
                                      {"code", Text(d, "code")},
                                      {"missing", std::move(missing)}});
          continue;
        }
        if (op.size() > 2) ops.push_back(std::move(op));
      }
    }
  }
  ops.push_back(json::object{{"op", "update_header"},
                             {"region", region},
                             {"zone", zone},
                             {"quarter", quarter},
                             {"release_id", release.info.id}});
  auto edited = Edit(actor, estimate_id, expected_version, json::serialize(ops), "reprice",
                     "Переоценка: регион " + region + ", зона " + zone + ", " + quarter, ops.size());
  if (!edited.ok()) return edited;
  json::value answer = json::parse(edited->json);
  if (answer.is_object()) {
    answer.get_object()["kept"] = std::move(kept);
    answer.get_object()["price_set"] = json::object{
        {"release_id", release.info.id}, {"region", region}, {"zone", zone}, {"quarter", quarter}};
    answer.get_object()["from_version"] = expected_version;
    edited->json = json::serialize(answer);
  }
  return edited;
}

Result<std::string> EditingService::RepriceAll(const Actor& actor, RepriceScope scope, std::int64_t id,
                                               const RepriceRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  std::vector<std::int64_t> objects;
  if (scope == RepriceScope::kObject) {
    auto object = estimates_.Get<store::SiteObject>(actor.organization_id, id);
    if (!object.ok()) return object.status();
    objects.push_back(id);
  } else {
    auto project = estimates_.Get<store::Project>(actor.organization_id, id);
    if (!project.ok()) return project.status();
    auto list = estimates_.ListObjects(actor.organization_id, id);
    if (!list.ok()) return list.status();
    for (const auto& o : *list) objects.push_back(o.id);
  }
  json::array out;
  for (const std::int64_t object : objects) {
    auto list = estimates_.ListEstimates(actor.organization_id, object);
    if (!list.ok()) return list.status();
    for (const store::EstimateInfo& info : *list) {
      json::object e{{"estimate_id", info.id}, {"name", info.header.name}, {"version", info.version}};
      if (info.header.status != store::EstimateStatus::kDraft) {
        e["outcome"] = "skipped";
        e["detail"] = std::string("не черновик (") + store::EstimateStatusName(info.header.status) + ")";
      } else if (info.header.method == "base-index") {
        e["outcome"] = "skipped";
        e["detail"] = "базисно-индексный метод: цены по индексам, не по уровню цен";
      } else {
        auto done = Reprice(actor, info.id, info.version, request);
        if (!done.ok()) {
          e["outcome"] = "failed";
          e["detail"] = done.status().message();
        } else {
          const json::value answer = json::parse(done->json);
          const json::object& a = answer.get_object();
          const json::value* changed = a.if_contains("changed");
          e["outcome"] = changed != nullptr && changed->is_bool() && !changed->get_bool() ? "unchanged" : "repriced";
          e["version"] = done->version;
          if (const json::value* kept = a.if_contains("kept")) e["kept"] = *kept;
        }
      }
      out.push_back(std::move(e));
    }
  }
  return json::serialize(json::object{{"estimates", std::move(out)}});
}

}  // namespace estimate::services
