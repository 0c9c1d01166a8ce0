#include "services/estimate_checker.hpp"

#include <mutex>

#include "auth/policy.hpp"
#include "formats/document/estimate_document.hpp"
#include "normbase/base_release.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/history_service.hpp"
#include "services/working_set.hpp"

namespace estimate::services {

using namespace internal;

EstimateChecker::EstimateChecker(const EstimateDeps& deps, WorkingSet& working, HistoryService& history)
    : deps_(deps), working_(working), history_(history) {}

Result<CheckReport> EstimateChecker::Check(const Actor& actor, std::int64_t estimate_id) {
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
  CheckReport report;
  report.estimate_id = estimate_id;
  {
    std::lock_guard lock((*w)->mu);
    const WorkingEstimate& e = **w;
    report.version = e.info.version;
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
  if (release != nullptr) {
    input.active_release_id = release->info.id;
    report.release_id = release->info.id;
    report.release_name = release->info.name;
  }
  auto imported = history_.ImportReportOf(actor, estimate_id);
  if (!imported.ok()) return imported.status();
  input.import_source = std::move(imported->source);
  input.import_differences = std::move(imported->differences);
  input.import_is_current = imported->version == 0 || imported->version == report.version;

  report.rules = ai::CheckRules().size();
  for (ai::Finding& f : ai::CheckEstimate(input, release)) {
    CheckedFinding out;
    for (const auto& rule : ai::CheckRules()) {
      if (rule.code == f.rule) out.title = rule.title;
    }
    (f.severity == ai::Severity::kError     ? report.errors
     : f.severity == ai::Severity::kWarning ? report.warnings
                                            : report.infos)++;
    if (f.section && *f.section < section_ids.size()) {
      out.section_id = section_ids[*f.section];
      if (f.position && *f.position < position_ids[*f.section].size()) {
        out.position_id = position_ids[*f.section][*f.position];
      }
    }
    out.finding = std::move(f);
    report.findings.push_back(std::move(out));
  }
  return report;
}

}  // namespace estimate::services
