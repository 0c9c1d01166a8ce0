// BaseService's releases from files (Import, Verify) and handed over whole (AcceptRelease).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <utility>

#include "services/base_service.hpp"
#include "core/text.hpp"
#include "store/base_release_repository.hpp"

namespace estimate::services {
namespace {

namespace fs = std::filesystem;

// prices_<region>_<zone>_<quarter>, e.g. prices_28_1_2025-Q2.
bool PricesFolderOptions(const fs::path& path, normbase::ImportOptions& options) {
  static const std::regex kName(R"(prices_([0-9A-Za-z]+)_([0-9]+)_([0-9]{4}-Q[1-4]))");
  std::smatch m;
  const std::string name = path.filename().string();
  if (!std::regex_match(name, m, kName)) return false;
  options.region_code = m[1];
  options.zone = std::stoi(m[2]);
  options.quarter = m[3];
  return true;
}

struct ImportBatch {
  std::vector<std::string> paths;
  normbase::ImportOptions options;
};

bool LooksLikeBaseFile(const fs::path& path) {
  const std::string ext = core::AsciiLower(path.extension().string());
  return ext == ".xml" || ext == ".json" || ext == ".xlsx" || ext == ".zip" || ext == ".gge";
}

// Splits the request into batches that share import options (the price folders apart). Files of
// a given folder that cannot be base files (README.md) are skipped with a warning, as the
// importer does for files deeper in a folder.
std::vector<ImportBatch> Batches(const ImportRequest& request,
                                 std::vector<normbase::ImportDiagnostic>& warnings) {
  std::vector<ImportBatch> batches(1);
  batches[0].options = request.options;
  for (const std::string& p : request.paths) {
    fs::path path(p);
    normbase::ImportOptions options = request.options;
    if (fs::is_directory(path) && PricesFolderOptions(path, options)) {
      batches.push_back({{p}, options});
      continue;
    }
    if (!fs::is_directory(path)) {
      batches[0].paths.push_back(p);
      continue;
    }
    std::vector<fs::path> children;
    for (const auto& entry : fs::directory_iterator(path)) children.push_back(entry.path());
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      normbase::ImportOptions child_options = request.options;
      if (fs::is_directory(child) && PricesFolderOptions(child, child_options)) {
        batches.push_back({{child.string()}, child_options});
      } else if (!fs::is_directory(child) && !LooksLikeBaseFile(child)) {
        warnings.push_back({child.string(), 0, "not a base or price file; skipped"});
      } else {
        batches[0].paths.push_back(child.string());
      }
    }
  }
  return batches;
}

std::set<std::string> SourceHashes(const normbase::ReleaseInfo& info) {
  std::set<std::string> out;
  for (const auto& s : info.sources) out.insert(s.sha256);
  return out;
}

}  // namespace

std::shared_ptr<normbase::BaseRelease> BaseService::Read(const ImportRequest& request,
                                                         const normbase::ProgressFn& progress,
                                                         ImportOutcome& out) {
  auto release = std::make_shared<normbase::BaseRelease>();
  normbase::ImportReport report;
  std::vector<normbase::ImportDiagnostic> skipped;
  for (const ImportBatch& batch : Batches(request, skipped)) {
    if (batch.paths.empty()) continue;
    Status s = normbase::ImportPaths(batch.paths, batch.options, *release, report, progress);
    if (!s.ok()) {
      out.status = s;
      break;
    }
  }
  out.warnings = std::move(skipped);
  out.warnings.insert(out.warnings.end(), report.warnings.begin(), report.warnings.end());
  out.errors = report.errors;
  if (out.status.ok() && !report.ok()) {
    out.status = InvalidArgument("the import found errors; nothing was written");
  }
  if (!out.status.ok()) return nullptr;
  if (!request.name.empty()) release->info.name = request.name;
  release->Finish();
  out.counts = release->Counts();
  return release;
}

ImportOutcome BaseService::Verify(const ImportRequest& request,
                                  const normbase::ProgressFn& progress) {
  ImportOutcome out;
  Read(request, progress, out);
  return out;
}

ImportOutcome BaseService::Import(const ImportRequest& request,
                                  const normbase::ProgressFn& progress) {
  ImportOutcome read;
  auto release = Read(request, progress, read);
  if (!release) return read;
  ImportOutcome out = AcceptRelease(std::move(release), {{}, {}, std::move(read.warnings)},
                                    {request.activate, request.skip_if_loaded});
  out.errors = std::move(read.errors);
  return out;
}

ImportOutcome BaseService::AcceptRelease(std::shared_ptr<normbase::BaseRelease> release,
                                         const ReleaseProvenance& provenance,
                                         const AcceptOptions& options) {
  ImportOutcome out;
  out.warnings = provenance.warnings;
  if (!provenance.name.empty()) release->info.name = provenance.name;
  for (const auto& source : provenance.sources) {
    const bool known = std::any_of(release->info.sources.begin(), release->info.sources.end(),
                                   [&](const auto& s) { return s.sha256 == source.sha256; });
    if (!known) release->info.sources.push_back(source);
  }
  out.counts = release->Counts();

  if (options.skip_if_loaded) {
    auto releases = repository_.List();
    if (!releases.ok()) {
      out.status = releases.status();
      return out;
    }
    const auto mine = SourceHashes(release->info);
    for (const auto& info : *releases) {
      if (SourceHashes(info) == mine) {
        out.skipped = true;
        out.release_id = info.id;
        auto active = repository_.ActiveId();
        if (active.ok() && !active->has_value() && options.activate) {
          out.status = repository_.Activate(info.id);
          if (out.status.ok()) out.status = LoadAndInstall(info.id);
          out.activated = out.status.ok();
        }
        return out;
      }
    }
  }

  auto id = repository_.Save(*release);
  if (!id.ok()) {
    out.status = id.status();
    return out;
  }
  out.release_id = *id;
  release->info.id = *id;
  if (options.activate) {
    if (Status s = repository_.Activate(*id); !s.ok()) {
      out.status = s;
      return out;
    }
    release->info.active = true;
    Install(release);
    out.activated = true;
  }
  return out;
}

}  // namespace estimate::services
