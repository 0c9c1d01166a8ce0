#include "services/collector_service.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth/policy.hpp"
#include "collector/fgis_portal.hpp"
#include "normbase/importers.hpp"
#include "normbase/regions.hpp"
#include "store/audit_repository.hpp"
#include "store/collector_job_repository.hpp"
#include "telemetry/log.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::services {
namespace {

namespace fs = std::filesystem;
using collector::DatasetFile;
using collector::FgisPortal;
using collector::PortalItem;
using store::CollectorJobFile;
using store::CollectorJobRecord;
using store::CollectorSourceRecord;

bool ValidQuarter(const std::string& q) {
  static const std::regex kQuarter(R"([12][0-9]{3}-Q[1-4])");
  return std::regex_match(q, kQuarter);
}

CollectorJobView ViewOf(const CollectorJobRecord& r) {
  CollectorJobView v;
  v.id = r.id;
  v.what = r.what;
  v.territory = r.territory;
  v.origin = r.origin;
  v.status = r.status;
  v.instance = r.instance;
  v.requested_by = r.requested_by;
  v.created_at = core::FormatUtcTimestamp(r.created_at);
  if (r.started_at) v.started_at = core::FormatUtcTimestamp(*r.started_at);
  if (r.finished_at) v.finished_at = core::FormatUtcTimestamp(*r.finished_at);
  v.release_id = r.release_id;
  v.activated = r.activated;
  v.summary = r.summary;
  v.requests = r.requests;
  v.retries = r.retries;
  v.bytes = r.bytes;
  v.error = r.error;
  v.log = r.log;
  for (const auto& f : r.files) {
    v.files.push_back({f.source, f.name, f.url, f.version, f.sha256, f.state, f.bytes});
  }
  return v;
}

// One hash of several files' hashes (a price set is three files).
std::string CombinedSha(const std::vector<std::string>& shas) {
  std::string all;
  for (const auto& s : shas) all += s;
  return collector::Sha256Hex(all);
}

// The job's running state: its log, what it fetched, its end.
class JobRun {
 public:
  JobRun(store::CollectorJobRepository& jobs, std::int64_t id) : jobs_(jobs), id_(id) {}

  void Log(const std::string& line) {
    telemetry::LogInfo("collector: " + line, {{"job", std::to_string(id_), true}});
    if (Status s = jobs_.Log(id_, line); !s.ok()) {
      telemetry::LogWarn("collector: cannot write the job's log", {{"reason", s.message()}});
    }
  }

  std::int64_t id() const { return id_; }
  store::CollectorJobEnd end;

 private:
  store::CollectorJobRepository& jobs_;
  std::int64_t id_;
};

// Moves a running job's heartbeat every 20 seconds, from its start (waiting for the lock
// included) to its end, so that readers never take a long download or import for a dead
// collector.
class Heartbeat {
 public:
  Heartbeat(store::CollectorJobRepository& jobs, std::int64_t id)
      : thread_([this, &jobs, id] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, std::chrono::seconds(20), [this] { return done_; })) {
            lock.unlock();
            (void)jobs.Heartbeat(id);
            lock.lock();
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// A price set asked of the portal.
struct PriceTarget {
  std::string region;
  int zone = 1;
  std::string quarter;  // empty: the latest
  bool explicit_quarter = false;
};

// What a run brought in, before it becomes a release.
struct Fetched {
  std::vector<std::string> base_files;  // downloaded data-set files (all of them, when any is new)
  bool base_new = false;
  bool base_changed_in_place = false;  // same version, other bytes
  struct PriceSet {
    std::string folder;
    normbase::ImportOptions options;
    std::string label;  // "77/1 2026-Q3"
  };
  std::vector<PriceSet> prices;
  std::vector<CollectorSourceRecord> sources;  // to save when the release is saved
};

}  // namespace

void CollectRequest::Normalize() {
  if (region.size() == 1) region.insert(0, "0");  // "7" is region 07
}

Status CollectRequest::Check() const {
  if (what != "base" && what != "prices" && what != "all") {
    return InvalidField("what", "\"" + what + "\" is not one of base, prices, all");
  }
  if (!region.empty() || zone != 0 || !quarter.empty()) {
    if (what == "base") return InvalidField("region", "a territory is only for what=prices or all");
    if (region.empty() || region.size() > 3 ||
        !std::all_of(region.begin(), region.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidField("region", "\"" + region + "\" is not a region code such as 77");
    }
    if (normbase::RegionName(region).empty()) {
      return InvalidField("region", "\"" + region + "\" is not the code of a subject of the Russian Federation");
    }
    if (zone < 1 || zone > 99) return InvalidField("zone", "must be a price zone number, 1 or more");
    if (!quarter.empty() && !ValidQuarter(quarter)) {
      return InvalidField("quarter", "\"" + quarter + "\" is not a quarter such as 2026-Q3");
    }
  }
  if (origin != "schedule" && origin != "manual" && origin != "cli") {
    return InvalidField("origin", "\"" + origin + "\" is not one of schedule, manual, cli");
  }
  return Status::Ok();
}

std::int64_t CollectorJobView::duration_ms() const {
  if (!started_at || !finished_at) return 0;
  auto a = core::ParseUtcTimestamp(*started_at);
  auto b = core::ParseUtcTimestamp(*finished_at);
  if (!a.ok() || !b.ok()) return 0;
  return (*b - *a).count();
}

CollectorService::CollectorService(store::Database& db, BaseService& base, CollectorSettings settings)
    : db_(db),
      base_(base),
      settings_(std::move(settings)),
      jobs_(std::make_unique<store::CollectorJobRepository>(db)),
      audit_(std::make_unique<store::AuditRepository>(db)) {}

CollectorService::~CollectorService() = default;

CollectorJobView CollectorService::RunNow(const CollectRequest& asked) {
  CollectRequest request = asked;
  request.Normalize();
  CollectorJobRecord record;
  record.what = request.what;
  if (!request.region.empty()) {
    record.territory = request.region + ":" + std::to_string(request.zone) +
                       (request.quarter.empty() ? "" : ":" + request.quarter);
  }
  record.origin = request.origin;
  record.requested_by = request.requested_by;
  auto created = jobs_->Create(record, settings_.instance);
  if (!created.ok()) {
    CollectorJobView v;
    v.status = "failed";
    v.error = "cannot record the job: " + created.status().message();
    metrics_.failures++;
    return v;
  }
  return Run(created->id, request);
}

bool CollectorService::RunQueued() {
  auto claimed = jobs_->ClaimQueued(settings_.instance);
  if (!claimed.ok()) {
    telemetry::LogWarn("collector: cannot read queued jobs", {{"reason", claimed.status().message()}});
    return false;
  }
  if (!claimed->has_value()) return false;
  const CollectorJobRecord& job = **claimed;
  CollectRequest request;
  request.what = job.what;
  request.origin = job.origin;
  request.requested_by = job.requested_by;
  if (!job.territory.empty()) {
    std::smatch m;
    static const std::regex kTerritory(R"(([0-9]+):([0-9]+)(?::([0-9]{4}-Q[1-4]))?)");
    if (std::regex_match(job.territory, m, kTerritory)) {
      request.region = m[1];
      request.zone = std::stoi(m[2]);
      request.quarter = m[3];
    }
  }
  Run(job.id, request);
  return true;
}

CollectorJobView CollectorService::Run(std::int64_t job_id, const CollectRequest& asked) {
  CollectRequest request = asked;
  request.Normalize();
  JobRun job(*jobs_, job_id);
  std::optional<Heartbeat> heartbeat;
  heartbeat.emplace(*jobs_, job_id);
  const auto started = std::chrono::steady_clock::now();
  metrics_.runs++;
  metrics_.running = 1;
  const fs::path work = fs::path(settings_.work_dir) / ("job-" + std::to_string(job_id));
  std::error_code ec;

  auto finish = [&](std::string status, std::string error = {}) {
    fs::remove_all(work, ec);
    job.end.status = std::move(status);
    job.end.error = std::move(error);
    if (job.end.status == "failed") {
      job.Log("failed: " + job.end.error);
      metrics_.failures++;
    } else if (job.end.status == "skipped") {
      metrics_.skipped++;
    } else {
      if (job.end.status == "nothing_new") metrics_.nothing_new++;
      metrics_.last_success_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();
    }
    metrics_.bytes += job.end.bytes;
    metrics_.requests += job.end.requests;
    metrics_.last_duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count();
    metrics_.running = 0;
    heartbeat.reset();
    if (Status s = jobs_->Finish(job_id, job.end); !s.ok()) {
      telemetry::LogError("collector: cannot record the job's end", {{"reason", s.message()}});
    }
    auto read = jobs_->Get(job_id);
    if (read.ok()) return ViewOf(*read);
    CollectorJobView v;
    v.id = job_id;
    v.status = job.end.status;
    v.error = job.end.error;
    return v;
  };

  if (Status s = request.Check(); !s.ok()) return finish("failed", s.message());
  job.Log("collection of " + request.what + " started (" + request.origin + ")");

  // 1. The lock.
  std::unique_ptr<store::CollectionLock> lock;
  const auto deadline = std::chrono::steady_clock::now() + settings_.lock_wait;
  bool said_waiting = false;
  for (;;) {
    auto got = store::CollectionLock::TryAcquire(db_, settings_.sqlite_lock_file);
    if (!got.ok()) return finish("failed", got.status().message());
    if (*got) {
      lock = std::move(got).value();
      break;
    }
    auto other = jobs_->RunningOther(job_id);
    const std::string holder = other.ok() && other->has_value()
                                   ? "job " + std::to_string(**other)
                                   : "another collector";
    if (request.origin == "schedule" || !request.wait_if_busy ||
        std::chrono::steady_clock::now() >= deadline) {
      job.end.summary = "Пропущено: идёт другой сбор (" + holder + ")";
      job.Log("skipped: another collection is running (" + holder + ")");
      return finish("skipped", "another collection is running (" + holder + ")");
    }
    if (!said_waiting) {
      job.Log("waiting: another collection is running (" + holder + ")");
      said_waiting = true;
    }
    if (stopping_.load()) return finish("failed", "stopped: the collector is shutting down");
    std::this_thread::sleep_for(settings_.lock_poll);
  }
  if (Status s = jobs_->MarkLocked(job_id); !s.ok()) job.Log("cannot mark the job as the lock's holder: " + s.message());
  if (Status s = jobs_->FailOrphans("the collector stopped during the job"); !s.ok()) {
    job.Log("cannot close orphaned jobs: " + s.message());
  }
  // Holding the lock, no other collection uses the folder: what a killed run left goes.
  for (const auto& entry : fs::directory_iterator(settings_.work_dir, ec)) {
    if (entry.path().filename().string().rfind("job-", 0) == 0) fs::remove_all(entry.path(), ec);
  }

  fs::remove_all(work, ec);
  fs::create_directories(work / "files", ec);
  // Files named in messages by what they are, not where the job keeps them.
  const std::string prefix = (work / "files").string() + "/";
  auto named = [&prefix](std::string text) {
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
      text.replace(at, prefix.size(), "ФГИС ЦС/");
    }
    return text;
  };
  if (ec) return finish("failed", "cannot create " + work.string() + ": " + ec.message());

  collector::FetchOptions fetch_options = settings_.fetch;
  fetch_options.cancel = &stopping_;
  collector::Fetcher fetcher(fetch_options, nullptr, [&](const std::string& line) { job.Log(line); });
  FgisPortal portal(fetcher, settings_.base_url);
  auto account = [&] {
    const auto st = fetcher.stats();
    job.end.requests = static_cast<std::int64_t>(st.requests);
    job.end.retries = static_cast<std::int64_t>(st.retries);
    job.end.bytes = static_cast<std::int64_t>(st.bytes);
  };
  auto fail = [&](const std::string& reason) {
    account();
    return finish("failed", reason);
  };

  const std::shared_ptr<const ActiveBase> active = base_.Active();
  const normbase::BaseRelease* active_release = active ? active->release.get() : nullptr;
  if (active_release == nullptr && request.what == "prices") {
    return fail("no release is active: prices are collected into the active release's copy; "
                "collect the base first (what=base)");
  }

  Fetched fetched;
  // 2–3. The ФСНБ data sets.
  if (request.what != "prices") {
    struct Candidate {
      DatasetFile file;
      std::optional<CollectorSourceRecord> last;
      bool new_version = false;
    };
    std::vector<Candidate> sets;
    for (const std::string& number : settings_.datasets) {
      auto file = portal.CurrentFile(number);
      if (!file.ok()) return fail(file.status().message());
      auto last = jobs_->Source("dataset:" + number);
      if (!last.ok()) return fail(last.status().message());
      Candidate c{*file, *last, false};
      const std::string version = file->guid + " " + file->file_name;
      c.new_version = !c.last || c.last->version != version;
      job.Log("data set " + number + ": current file " + file->file_name +
              (c.new_version ? (c.last ? " (new version)" : " (first collection)") : " (as before)"));
      sets.push_back(std::move(c));
    }
    bool any_new = std::any_of(sets.begin(), sets.end(), [](const Candidate& c) { return c.new_version; });
    // Same versions: a file whose ETag is known is asked again conditionally, to notice a
    // change in place.
    std::vector<std::optional<collector::Downloaded>> got(sets.size());
    if (!any_new) {
      for (std::size_t i = 0; i < sets.size(); ++i) {
        const Candidate& c = sets[i];
        if (c.last->etag.empty()) continue;
        const fs::path path = work / "files" / (std::to_string(i) + "-" + c.file.file_name);
        auto d = fetcher.Download(c.file.url, path.string(), c.last->etag);
        if (!d.ok() && d.status().message() == "not modified") continue;
        if (!d.ok()) return fail(d.status().message());
        if (d->sha256 != c.last->sha256) {
          job.Log("data set " + c.file.number + ": the file " + c.file.file_name +
                  " changed without a new version (SHA-256 " + d->sha256.substr(0, 12) + "…, was " +
                  c.last->sha256.substr(0, 12) + "…)");
          fetched.base_changed_in_place = true;
          any_new = true;
        }
        got[i] = std::move(d).value();
      }
    }
    if (any_new) {
      for (std::size_t i = 0; i < sets.size(); ++i) {
        const Candidate& c = sets[i];
        if (!got[i]) {
          const fs::path path = work / "files" / (std::to_string(i) + "-" + c.file.file_name);
          job.Log("downloading " + c.file.file_name + " of " + c.file.number);
          auto d = fetcher.Download(c.file.url, path.string());
          if (!d.ok()) return fail(d.status().message());
          got[i] = std::move(d).value();
        }
        const collector::Downloaded& d = *got[i];
        std::string state = c.new_version ? "new" : "unchanged";
        if (!c.new_version && d.sha256 != c.last->sha256) state = "changed";
        if (c.new_version && c.last && d.sha256 == c.last->sha256) state = "unchanged";
        job.Log("got " + c.file.file_name + ": " + std::to_string(d.bytes) + " bytes, SHA-256 " +
                d.sha256 + (d.resumed ? " (resumed)" : ""));
        job.end.files.push_back({"dataset:" + c.file.number, c.file.file_name, c.file.url,
                                 c.file.guid + " " + c.file.file_name,
                                 static_cast<std::int64_t>(d.bytes), d.sha256, state});
        fetched.base_files.push_back(d.path);
        fetched.sources.push_back({"dataset:" + c.file.number, c.file.guid + " " + c.file.file_name,
                                   d.sha256, static_cast<std::int64_t>(d.bytes), d.etag,
                                   c.last ? c.last->release_id : std::nullopt, job_id});
      }
      // Every file the same bytes as last time: nothing new after all.
      fetched.base_new = std::any_of(job.end.files.begin(), job.end.files.end(),
                                     [](const CollectorJobFile& f) { return f.state != "unchanged"; });
      if (!fetched.base_new) {
        job.Log("the data sets' files are those already brought in");
        fetched.base_files.clear();
      }
    }
  }

  // 2–3. Prices: into a copy of the active release, or into the new ФСНБ release.
  const bool prices_have_a_home = active_release != nullptr || !fetched.base_files.empty();
  if (request.what != "base" && !prices_have_a_home) {
    job.Log("no release is active and the ФСНБ brings nothing new: prices wait for an active release");
  }
  if (request.what != "base" && prices_have_a_home) {
    std::vector<PriceTarget> targets;
    if (!request.region.empty()) {
      targets.push_back({request.region, request.zone, request.quarter, !request.quarter.empty()});
    } else {
      std::set<std::pair<std::string, int>> seen;
      if (active_release != nullptr) {
        for (const auto& t : active_release->info.territories) seen.insert({t.region_code, t.zone});
      }
      for (const auto& t : settings_.territories) seen.insert({t.region, t.zone});
      for (const auto& [region, zone] : seen) targets.push_back({region, zone, {}, false});
    }
    if (targets.empty()) job.Log("no territory to collect prices for (none priced, none configured)");
    std::optional<std::vector<PortalItem>> subjects;
    // Releases still saved: prices brought into one of them (a draft waiting for an admin, or one
    // an admin rolled back, which can be activated again) are not brought in once more.
    std::set<std::int64_t> known_releases;
    if (auto listed = base_.Releases(); listed.ok()) {
      for (const auto& r : *listed) known_releases.insert(r.id);
    }
    for (const PriceTarget& t : targets) {
      const std::string where = t.region + "/" + std::to_string(t.zone);
      if (!subjects) {
        auto s = portal.Subjects();
        if (!s.ok()) return fail(s.status().message());
        subjects = std::move(s).value();
      }
      const PortalItem* subject = nullptr;
      for (const auto& s : *subjects) {
        if (normbase::RegionCodeOfName(s.name) == t.region) subject = &s;
      }
      if (subject == nullptr) {
        job.Log("region " + t.region + " (" + std::string(normbase::RegionName(t.region)) +
                "): the portal lists no such subject; skipped");
        continue;
      }
      auto zones = portal.Zones(subject->id);
      if (!zones.ok()) return fail(zones.status().message());
      const PortalItem* zone = nullptr;
      for (const auto& z : *zones) {
        if (collector::ZoneNumberOfName(z.name) == t.zone) zone = &z;
      }
      if (zone == nullptr && zones->size() == 1 && t.zone == 1) zone = &zones->front();
      if (zone == nullptr) {
        job.Log("region " + where + ": the portal lists no price zone " + std::to_string(t.zone) +
                " for " + subject->name + "; skipped");
        continue;
      }
      auto periods = portal.Periods(zone->id);
      if (!periods.ok()) return fail(periods.status().message());
      const PortalItem* period = nullptr;
      std::string quarter;
      for (const auto& p : *periods) {
        auto q = collector::QuarterOfPeriodName(p.name);
        if (!q) continue;
        if (t.explicit_quarter ? *q == t.quarter : (period == nullptr || *q > quarter)) {
          period = &p;
          quarter = *q;
        }
      }
      if (period == nullptr) {
        if (t.explicit_quarter) return fail("region " + where + ": the portal has no period " + t.quarter);
        job.Log("region " + where + ": the portal lists no period; skipped");
        continue;
      }
      const std::string label = where + " " + quarter;
      const std::string key = "prices:" + t.region + ":" + std::to_string(t.zone) + ":" + quarter;
      const bool held = active_release != nullptr &&
                        active_release->FindPrices(t.region, t.zone, quarter) != nullptr;
      if (held && !t.explicit_quarter) {
        job.Log("prices " + label + ": already in the active release");
        continue;
      }
      auto last = jobs_->Source(key);
      if (!last.ok()) return fail(last.status().message());
      const std::int64_t last_release = last->has_value() ? (*last)->release_id.value_or(0) : 0;
      if (!t.explicit_quarter && last_release != 0 && known_releases.count(last_release) != 0) {
        // Brought in before and waiting for an admin: not fetched again (ask for the quarter
        // explicitly to compare it with the portal's).
        job.Log("prices " + label + ": already brought in (release " + std::to_string(last_release) + ")");
        continue;
      }
      const std::string folder_name = "prices_" + t.region + "_" + std::to_string(t.zone) + "_" + quarter;
      const fs::path folder = work / "files" / folder_name;
      job.Log("prices " + label + " (" + subject->name + ", " + zone->name + ", " + period->name +
              "): fetching");
      auto files = portal.FetchPrices(subject->id, zone->id, period->id, folder.string());
      if (!files.ok()) return fail("prices " + label + ": " + files.status().message());
      std::vector<std::string> shas;
      std::int64_t bytes = 0;
      for (const auto& f : files->files) {
        auto sha = collector::Sha256OfFile((folder / f).string());
        if (!sha.ok()) return fail(sha.status().message());
        shas.push_back(*sha);
        bytes += static_cast<std::int64_t>(fs::file_size(folder / f, ec));
      }
      const std::string sha = CombinedSha(shas);
      if (last->has_value() && (*last)->sha256 == sha) {
        // The same prices as last time: in the active release, or in a release brought in
        // before and still there (a draft waiting for an admin).
        const std::int64_t in = (*last)->release_id.value_or(0);
        const bool kept = held || (in != 0 && known_releases.count(in) != 0);
        if (kept) {
          job.Log("prices " + label + ": the same as those brought in before" +
                  (held ? std::string() : " (release " + std::to_string(in) + ")"));
          continue;
        }
      }
      job.Log("prices " + label + ": " + std::to_string(files->materials) + " materials, " +
              std::to_string(files->machines) + " machines, " + std::to_string(files->salaries) +
              " labour rates" + (files->indices ? ", the resource-group indices" : ", no resource-group indices"));
      const std::string url = settings_.base_url + "/EstimatedPrice/BuildingResources";
      job.end.files.push_back({key, folder_name, url, period->name, bytes, sha,
                               held ? "changed" : "new"});
      Fetched::PriceSet set;
      set.folder = folder.string();
      set.options.region_code = t.region;
      set.options.region_name = std::string(normbase::RegionName(t.region));
      if (set.options.region_name.empty()) set.options.region_name = subject->name;
      set.options.zone = t.zone;
      set.options.quarter = quarter;
      set.label = label;
      fetched.prices.push_back(std::move(set));
      fetched.sources.push_back({key, period->name, sha, bytes, {}, {}, job_id});
    }
  }
  account();

  if (fetched.base_files.empty() && fetched.prices.empty()) {
    // A new version of the same bytes: recorded, so that the next run does not fetch it again.
    if (!fetched.sources.empty()) {
      if (Status s = jobs_->SaveSources(fetched.sources); !s.ok()) job.Log("cannot record the versions seen: " + s.message());
    }
    job.end.summary = "Нового нет";
    job.Log("nothing new");
    return finish("nothing_new");
  }

  // 4. The release.
  std::shared_ptr<normbase::BaseRelease> release;
  std::vector<normbase::ImportDiagnostic> warnings;
  auto import = [&](const std::vector<std::string>& paths, const normbase::ImportOptions& options,
                    normbase::BaseRelease& into) -> Status {
    normbase::ImportReport report;
    Status s = normbase::ImportPaths(paths, options, into, report);
    for (auto& w : report.warnings) warnings.push_back(std::move(w));
    if (!s.ok()) {
      std::string errors;
      for (std::size_t i = 0; i < report.errors.size() && i < 10; ++i) {
        errors += (i == 0 ? "" : "; ") + report.errors[i].ToString();
      }
      return InvalidArgument("the files do not import: " + named(errors.empty() ? s.message() : errors));
    }
    return Status::Ok();
  };
  std::string name;
  if (!fetched.base_files.empty()) {
    release = std::make_shared<normbase::BaseRelease>();
    job.Log("importing the data sets");
    if (Status s = import(fetched.base_files, normbase::ImportOptions{}, *release); !s.ok()) {
      return fail(s.message());
    }
    if (release->norms.empty()) return fail("the data sets hold no norms: not a ФСНБ release");
    for (const auto& set : fetched.prices) {
      if (Status s = import({set.folder}, set.options, *release); !s.ok()) {
        return fail("prices " + set.label + ": " + s.message());
      }
    }
    if (active_release != nullptr) {
      const collector::CarriedOver carried = collector::CarryOver(*active_release, *release);
      if (carried.price_sets > 0) {
        job.Log("kept " + std::to_string(carried.price_sets) + " price sets of the active release");
      }
      if (carried.rates) job.Log("the data sets have no НР/СП binding: kept the active release's");
      if (carried.coefficients) {
        job.Log("the data sets have no coefficient binding: kept the active release's");
      }
    }
    release->Finish();
    name = release->info.name.empty() ? std::string("ФСНБ-2022") : release->info.name;
    std::string date;
    for (const auto& f : job.end.files) {
      if (f.source.starts_with("dataset:")) date = std::max(date, collector::DataDateOfFileName(f.name));
    }
    name += " (ФГИС ЦС" + (date.empty() ? std::string() : ", " + date.substr(6, 2) + "." +
                                                              date.substr(4, 2) + "." + date.substr(0, 4)) +
            ")";
  } else {
    auto copy = base_.LoadRelease(active_release->info.id);
    if (!copy.ok()) return fail("reading the active release: " + copy.status().message());
    release = std::move(copy).value();
    for (const auto& set : fetched.prices) {
      if (active_release->FindPrices(set.options.region_code, set.options.zone, set.options.quarter) !=
          nullptr) {
        // A corrected set of a quarter held: the new one replaces it.
        release->prices.erase(
            std::remove_if(release->prices.begin(), release->prices.end(),
                           [&](const normbase::RegionalPrices& p) {
                             return p.region_code == set.options.region_code &&
                                    p.zone == set.options.zone && p.quarter == set.options.quarter;
                           }),
            release->prices.end());
      }
      if (Status s = import({set.folder}, set.options, *release); !s.ok()) {
        return fail("prices " + set.label + ": " + s.message());
      }
    }
    release->Finish();
    name = active_release->info.name;
    if (auto cut = name.find(" + цены "); cut != std::string::npos) name.resize(cut);
    std::string labels;
    for (const auto& set : fetched.prices) labels += (labels.empty() ? "" : ", ") + set.label;
    name += " + цены " + labels;
  }
  release->info.imported_at = core::FormatUtcTimestamp(telemetry::SystemClock().Now());
  // Sources by what they are, not where the job kept them.
  for (auto& s : release->info.sources) {
    if (s.name.rfind(prefix, 0) == 0) s.name = "ФГИС ЦС/" + s.name.substr(prefix.size());
  }
  std::size_t logged = 0;
  for (const auto& w : warnings) {
    if (++logged > 100) {
      job.Log("… and " + std::to_string(warnings.size() - 100) + " more warnings");
      break;
    }
    job.Log("warning: " + named(w.ToString()));
  }

  // 5. The diff and the draft.
  collector::DiffOptions diff_options;
  diff_options.threshold_percent = settings_.price_change_percent;
  std::string summary;
  if (active_release != nullptr) {
    const collector::ReleaseDiff diff = collector::DiffReleases(*release, *active_release, diff_options);
    if (!fetched.base_files.empty()) {
      summary += "ФСНБ: норм +" + std::to_string(diff.norms_added) + " −" +
                 std::to_string(diff.norms_removed) + " изменено " + std::to_string(diff.norms_changed) +
                 "; ресурсов +" + std::to_string(diff.resources_added) + " −" +
                 std::to_string(diff.resources_removed) + ", базисная цена изменилась у " +
                 std::to_string(diff.resources_repriced);
    }
    for (const auto& set : diff.price_sets) {
      const bool fetched_set = std::any_of(fetched.prices.begin(), fetched.prices.end(), [&](const auto& p) {
        return p.options.region_code == set.territory.region_code && p.options.zone == set.territory.zone &&
               p.options.quarter == set.territory.quarter;
      });
      if (!fetched_set) continue;
      summary += std::string(summary.empty() ? "" : "; ") + "цены " + set.territory.region_code + "/" +
                 std::to_string(set.territory.zone) + " " + set.territory.quarter + ": " +
                 std::to_string(set.prices) + " цен";
      if (set.compared_with) {
        summary += ", к " + set.compared_with->quarter + " изменилось на > " +
                   settings_.price_change_percent.ToString() + " %: " + std::to_string(set.moved);
      }
    }
  } else {
    summary = "Первая версия базы: " + std::to_string(release->norms.size()) + " норм";
  }
  if (fetched.base_changed_in_place) summary += "; файл ФГИС ЦС изменился без новой версии";
  job.Log("report: " + summary);

  bool activate = fetched.base_files.empty() && settings_.auto_activate_prices &&
                  !fetched.base_changed_in_place;
  if (activate) {
    // Made from the release active at the start: activated only if it still is.
    const auto now_active = base_.Active();
    const std::int64_t now_id = now_active && now_active->release ? now_active->release->info.id : 0;
    if (active_release == nullptr || now_id != active_release->info.id) {
      job.Log("another release was activated meanwhile: the new one stays a draft");
      activate = false;
    }
  }
  ReleaseProvenance provenance;
  provenance.name = name;
  ImportOutcome outcome = base_.AcceptRelease(release, provenance, {activate, false});
  if (!outcome.status.ok()) {
    if (outcome.release_id != 0) {
      // Saved, not activated: the draft stays, and so does the record of what it holds.
      job.end.release_id = outcome.release_id;
      for (auto& src : fetched.sources) src.release_id = outcome.release_id;
      (void)jobs_->SaveSources(fetched.sources);
      return fail("release " + std::to_string(outcome.release_id) + " saved as a draft, not activated: " +
                  outcome.status.message());
    }
    return fail("saving the release: " + outcome.status.message());
  }
  job.end.release_id = outcome.release_id;
  job.end.activated = outcome.activated;
  job.end.summary = summary;
  job.Log("release " + std::to_string(outcome.release_id) + " saved as " +
          (outcome.activated ? "active (prices, auto-activation)" : "a draft for an admin to review"));
  for (auto& s : fetched.sources) s.release_id = outcome.release_id;
  if (Status s = jobs_->SaveSources(fetched.sources); !s.ok()) {
    job.Log("cannot record what was brought in (the next run will fetch it again): " + s.message());
  }
  account();
  return finish("succeeded");
}

// ---- the API's use cases ----------------------------------------------------------------------

Result<CollectorJobView> CollectorService::Queue(const Actor& actor, CollectRequest request) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kImportBase); !s.ok()) return s;
  request.origin = "manual";
  request.requested_by = actor.AuditActor();
  request.Normalize();
  if (Status s = request.Check(); !s.ok()) return s;
  CollectorJobRecord record;
  record.what = request.what;
  if (!request.region.empty()) {
    record.territory = request.region + ":" + std::to_string(request.zone) +
                       (request.quarter.empty() ? "" : ":" + request.quarter);
  }
  record.origin = "manual";
  record.requested_by = request.requested_by;
  auto created = jobs_->Create(record);
  if (!created.ok()) return created.status();
  store::AuditRecord a;
  a.organization_id = actor.organization_id;
  a.actor_user_id = actor.AuditActor();
  a.action = "collect";
  a.entity_type = "collector_job";
  a.entity_id = std::to_string(created->id);
  a.request_id = actor.request_id;
  a.after_json = "{\"what\":\"" + record.what + "\",\"territory\":\"" + record.territory + "\"}";
  if (auto r = audit_->Append(a); !r.ok()) return r.status();
  return ViewOf(*created);
}

Result<std::vector<CollectorJobView>> CollectorService::Jobs(const Actor& actor, int limit, int offset) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kReadEstimates); !s.ok()) return s;
  if (limit < 1 || limit > 200) return InvalidField("limit", "must be from 1 to 200");
  if (offset < 0) return InvalidField("offset", "must not be negative");
  auto rows = jobs_->List(limit, offset);
  if (!rows.ok()) return rows.status();
  std::vector<CollectorJobView> out;
  for (const auto& r : *rows) out.push_back(ViewOf(r));
  return out;
}

Result<CollectorJobView> CollectorService::Job(const Actor& actor, std::int64_t id) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto r = jobs_->Get(id);
  if (!r.ok()) return r.status();
  return ViewOf(*r);
}

Result<normbase::ReleaseInfo> CollectorService::ReleaseById(std::int64_t id) {
  auto releases = base_.Releases();
  if (!releases.ok()) return releases.status();
  for (auto& r : *releases) {
    if (r.id == id) return r;
  }
  return NotFound("release " + std::to_string(id) + " not found");
}

Result<ReleaseDiffView> CollectorService::Diff(const Actor& actor, std::int64_t id, std::int64_t against) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kReadEstimates); !s.ok()) return s;
  const std::shared_ptr<const ActiveBase> active = base_.Active();
  if (against == 0) {
    if (!active || !active->release) {
      return FailedPrecondition("no release is active: name the release to compare with (against)");
    }
    against = active->release->info.id;
  }
  {
    std::lock_guard lock(diff_mu_);
    if (diff_ && diff_key_ == std::pair{id, against}) {
      ReleaseDiffView view = *diff_;
      // States change with activations: read them again, the figures stay.
      if (auto now = ReleaseById(id); now.ok()) view.release = *now;
      if (auto now = ReleaseById(against); now.ok()) view.against = *now;
      return view;
    }
  }
  auto info = ReleaseById(id);
  if (!info.ok()) return info.status();
  auto other = ReleaseById(against);
  if (!other.ok()) return Status(StatusCode::kNotFound, "against: " + other.status().message());
  auto load = [&](std::int64_t rid) -> Result<std::shared_ptr<const normbase::BaseRelease>> {
    if (active && active->release && active->release->info.id == rid) return active->release;
    auto r = base_.LoadRelease(rid);
    if (!r.ok()) return r.status();
    return std::shared_ptr<const normbase::BaseRelease>(std::move(r).value());
  };
  auto a = load(id);
  if (!a.ok()) return a.status();
  auto b = load(against);
  if (!b.ok()) return b.status();
  collector::DiffOptions options;
  options.threshold_percent = settings_.price_change_percent;
  auto view = std::make_shared<const ReleaseDiffView>(
      ReleaseDiffView{std::move(info).value(), std::move(other).value(), collector::DiffReleases(**a, **b, options)});
  {
    std::lock_guard lock(diff_mu_);
    diff_key_ = {id, against};
    diff_ = view;
  }
  return *view;
}

Status CollectorService::Audit(const Actor& actor, const std::string& action, std::int64_t release_id,
                               const std::string& before, const std::string& after) {
  store::AuditRecord a;
  a.organization_id = actor.organization_id;
  a.actor_user_id = actor.AuditActor();
  a.action = action;
  a.entity_type = "release";
  a.entity_id = std::to_string(release_id);
  a.request_id = actor.request_id;
  a.before_json = before;
  a.after_json = after;
  auto r = audit_->Append(a);
  return r.ok() ? Status::Ok() : r.status();
}

Result<normbase::ReleaseInfo> CollectorService::Activate(const Actor& actor, std::int64_t id) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kImportBase); !s.ok()) return s;
  auto info = ReleaseById(id);
  if (!info.ok()) return info.status();
  const auto active = base_.Active();
  const std::int64_t before = active && active->release ? active->release->info.id : 0;
  if (Status s = base_.Activate(id); !s.ok()) return s;
  if (Status s = Audit(actor, "activate", id, "{\"active_release_id\":" + std::to_string(before) + "}",
                       "{\"active_release_id\":" + std::to_string(id) + "}");
      !s.ok()) {
    telemetry::LogError("release activated but not audited", {{"reason", s.message()}});
  }
  return ReleaseById(id);
}

Result<normbase::ReleaseInfo> CollectorService::Rollback(const Actor& actor) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kImportBase); !s.ok()) return s;
  const auto active = base_.Active();
  const std::int64_t before = active && active->release ? active->release->info.id : 0;
  if (Status s = base_.Rollback(); !s.ok()) return s;
  const auto now = base_.Active();
  const std::int64_t after = now && now->release ? now->release->info.id : 0;
  if (Status s = Audit(actor, "rollback", after, "{\"active_release_id\":" + std::to_string(before) + "}",
                       "{\"active_release_id\":" + std::to_string(after) + "}");
      !s.ok()) {
    telemetry::LogError("release rolled back but not audited", {{"reason", s.message()}});
  }
  return ReleaseById(after);
}

}  // namespace estimate::services
