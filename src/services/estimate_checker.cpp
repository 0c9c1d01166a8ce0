#include "services/estimate_checker.hpp"

#include <boost/json.hpp>

#include <mutex>

#include "ai/estimate_checks.hpp"
#include "auth/policy.hpp"
#include "formats/document/estimate_document.hpp"
#include "normbase/base_release.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/working_set.hpp"
#include "store/audit_repository.hpp"

namespace estimate::services {

namespace json = boost::json;
using namespace internal;

namespace {

// What the estimate's import compared: the "import" object of its "create" audit record
// (DocumentService::ImportDocument writes it in the same transaction as the estimate).
void ReadImportReport(store::AuditRepository& audit, std::int64_t organization_id,
                      std::int64_t estimate_id, ai::CheckInput& input) {
  store::AuditQuery query;
  query.entity_type = "estimate";
  query.entity_id = std::to_string(estimate_id);
  query.limit = store::kMaxAuditLimit;
  // Newest first: the creation is on the last page. An estimate edited more than 20 000 times is
  // checked without its import's comparison.
  for (int page = 0; page < 20; ++page) {
    query.offset = page * store::kMaxAuditLimit;
    auto records = audit.Query(organization_id, query);
    if (!records.ok() || records->empty()) return;
    for (const auto& r : *records) {
      if (r.action != "create" || !r.after_json) continue;
      boost::system::error_code ec;
      const json::value after = json::parse(*r.after_json, ec);
      if (ec || !after.is_object()) return;
      const json::value* report = after.get_object().if_contains("import");
      if (report == nullptr || !report->is_object()) return;
      const auto& o = report->get_object();
      if (const auto* s = o.if_contains("source"); s != nullptr && s->is_string()) {
        input.import_source = std::string(s->get_string());
      }
      const auto* differences = o.if_contains("differences");
      if (differences == nullptr || !differences->is_array()) return;
      for (const auto& d : differences->get_array()) {
        if (!d.is_object()) continue;
        const auto text = [&](const char* key) {
          const auto* v = d.get_object().if_contains(key);
          return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        input.import_differences.push_back({text("path"), text("stated"), text("computed")});
      }
      return;
    }
    if (records->size() < static_cast<std::size_t>(store::kMaxAuditLimit)) return;
  }
}

}  // namespace

EstimateChecker::EstimateChecker(const EstimateDeps& deps, WorkingSet& working)
    : deps_(deps), working_(working) {}

Result<std::string> EstimateChecker::Check(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto w = working_.Get(actor, estimate_id, std::nullopt);
  if (!w.ok()) return w.status();
  const auto active = deps_.base.Active();
  const normbase::BaseRelease* release = active->release.get();

  ai::CheckInput input;
  core::Estimate parsed;  // base-index estimates: their positions as far as they parse
  std::vector<std::int64_t> section_ids;
  std::vector<std::vector<std::int64_t>> position_ids;
  std::vector<std::vector<std::string>> documents;
  std::int64_t version = 0;
  {
    std::lock_guard lock((*w)->mu);
    const WorkingEstimate& e = **w;
    version = e.info.version;
    const auto& h = e.info.header;
    input.resource_index = e.resource_index;
    input.region = h.region;
    input.zone = h.zone;
    input.quarter = h.quarter;
    input.date = h.date;
    input.vat_date = h.vat_date;
    input.territory = TerritoryOf(h.options_json);
    input.release_id = h.release_id;
    section_ids = e.section_ids;
    position_ids = e.position_ids;
    documents = e.documents;
    if (e.resource_index) {
      parsed = e.estimate;
    } else {
      const auto names = SectionNames(e);
      for (std::size_t s = 0; s < e.documents.size(); ++s) {
        core::Section section;
        section.name = s < names.size() ? names[s] : std::string();
        std::vector<std::int64_t> kept_ids;
        std::vector<std::string> kept_docs;
        for (std::size_t p = 0; p < e.documents[s].size(); ++p) {
          auto position = formats::ParsePositionDocument(e.documents[s][p], "position");
          if (!position.ok()) continue;
          section.positions.push_back(std::move(position).value());
          kept_ids.push_back(e.position_ids[s][p]);
          kept_docs.push_back(e.documents[s][p]);
        }
        parsed.sections.push_back(std::move(section));
        position_ids[s] = std::move(kept_ids);
        documents[s] = std::move(kept_docs);
      }
    }
  }
  input.estimate = &parsed;
  input.documents = &documents;
  if (release != nullptr) input.active_release_id = release->info.id;
  ReadImportReport(deps_.audit, actor.organization_id, estimate_id, input);

  const std::vector<ai::Finding> findings = ai::CheckEstimate(input, release);
  json::array list;
  std::int64_t errors = 0, warnings = 0, infos = 0;
  for (const auto& f : findings) {
    const char* severity = ai::SeverityName(f.severity);
    (f.severity == ai::Severity::kError ? errors
     : f.severity == ai::Severity::kWarning ? warnings
                                            : infos)++;
    std::string title;
    for (const auto& rule : ai::CheckRules()) {
      if (rule.code == f.rule) title = std::string(rule.title);
    }
    json::value section_id = nullptr, position_id = nullptr;
    if (f.section && *f.section < section_ids.size()) {
      section_id = section_ids[*f.section];
      if (f.position && *f.position < position_ids[*f.section].size()) {
        position_id = position_ids[*f.section][*f.position];
      }
    }
    list.push_back(json::object{{"rule", f.rule},
                                {"severity", severity},
                                {"title", title},
                                {"section_id", section_id},
                                {"position_id", position_id},
                                {"number", f.number},
                                {"code", f.code},
                                {"field", f.field},
                                {"message", f.message},
                                {"fix", f.fix}});
  }
  json::value release_json = nullptr;
  if (release != nullptr) {
    release_json = json::object{{"id", release->info.id}, {"name", release->info.name}};
  }
  return json::serialize(json::object{
      {"estimate_id", estimate_id},
      {"version", version},
      {"release", std::move(release_json)},
      {"rules", ai::CheckRules().size()},
      {"summary", json::object{{"error", errors}, {"warning", warnings}, {"info", infos}}},
      {"findings", std::move(list)}});
}

}  // namespace estimate::services
