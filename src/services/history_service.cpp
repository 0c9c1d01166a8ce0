#include "services/history_service.hpp"

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
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "services/store_views.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

HistoryService::HistoryService(const EstimateDeps& deps, EstimateReader& reader,
                               WorkingSet& working)
    : db_(deps.db), estimates_(deps.estimates), audit_(deps.audit), reader_(reader),
      working_(working) {}

Result<std::string> HistoryService::Versions(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto versions = estimates_.ListVersions(actor.organization_id, estimate_id);
  if (!versions.ok()) return versions.status();
  json::array out;
  for (const auto& v : *versions) {
    out.push_back(json::object{{"version", v.version},
                               {"actor_user_id", v.actor_user_id},
                               {"actor_name", v.actor_name},
                               {"created_at", v.created_at},
                               {"summary", v.summary},
                               {"change_count", v.change_count}});
  }
  return json::serialize(out);
}

Result<std::string> HistoryService::Diff(const Actor& actor, std::int64_t estimate_id,
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

Result<EditOutcome> HistoryService::Restore(const Actor& actor, std::int64_t estimate_id,
                                             std::int64_t version,
                                             std::int64_t expected_version) {
  if (Status s = Denied(actor, auth::Permission::kEditDraft); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  if (info->version != expected_version) {
    return StaleVersion(estimate_id, info->version, expected_version);
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
  working_.Forget(actor.organization_id, estimate_id);
  auto view = reader_.View(actor, estimate_id);
  if (!view.ok()) return view.status();
  return EditOutcome{view->version, {}, {}, *view->json};
}

Result<std::vector<AuditEntry>> HistoryService::Audit(const Actor& actor,
                                                     const AuditFilter& filter) {
  if (Status s = Denied(actor, auth::Permission::kReadAudit); !s.ok()) return s;
  auto records = audit_.Query(actor.organization_id, QueryOf(filter));
  if (!records.ok()) return records.status();
  std::vector<AuditEntry> out;
  out.reserve(records->size());
  for (const auto& r : *records) out.push_back(EntryOf(r));
  return out;
}

Result<ImportReport> HistoryService::ImportReportOf(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  ImportReport report;
  store::AuditQuery query;
  query.entity_type = "estimate";
  query.entity_id = std::to_string(estimate_id);
  query.limit = store::kMaxAuditLimit;
  // Newest first: the creation is on the last page. An estimate changed more than 20 000 times
  // is answered without its import's comparison.
  for (int page = 0; page < 20; ++page) {
    query.offset = page * store::kMaxAuditLimit;
    auto records = audit_.Query(actor.organization_id, query);
    if (!records.ok()) return records.status();
    for (const auto& r : *records) {
      if (r.action != "create" || !r.after_json) continue;
      boost::system::error_code ec;
      const json::value after = json::parse(*r.after_json, ec);
      const json::value* imported = !ec && after.is_object() ? after.get_object().if_contains("import") : nullptr;
      if (imported == nullptr || !imported->is_object()) return report;
      const auto text = [](const json::object& o, const char* key) {
        const json::value* v = o.if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
      };
      report.source = text(imported->get_object(), "source");
      if (const auto* v = after.get_object().if_contains("version"); v != nullptr && v->is_int64()) {
        report.version = v->get_int64();
      }
      if (const auto* list = imported->get_object().if_contains("differences"); list != nullptr && list->is_array()) {
        for (const auto& d : list->get_array()) {
          if (!d.is_object()) continue;
          report.differences.push_back({text(d.get_object(), "path"), text(d.get_object(), "stated"),
                                        text(d.get_object(), "computed")});
        }
      }
      return report;
    }
    if (records->size() < static_cast<std::size_t>(store::kMaxAuditLimit)) break;
  }
  return report;
}

}  // namespace estimate::services
