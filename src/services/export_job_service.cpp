#include "services/export_job_service.hpp"

#include <exception>

#include "auth/role.hpp"
#include "formats/progress.hpp"
#include "services/document_service.hpp"
#include "services/export_cost.hpp"
#include "store/export_job_repository.hpp"
#include "telemetry/log.hpp"

namespace estimate::services {

const char* ExportJobStatusName(ExportJobStatus status) {
  switch (status) {
    case ExportJobStatus::kQueued:
      return "queued";
    case ExportJobStatus::kRunning:
      return "running";
    case ExportJobStatus::kDone:
      return "done";
    case ExportJobStatus::kFailed:
      return "failed";
    case ExportJobStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

namespace {

ExportJobStatus StatusOfName(const std::string& name) {
  for (auto s : {ExportJobStatus::kQueued, ExportJobStatus::kRunning, ExportJobStatus::kDone,
                 ExportJobStatus::kFailed, ExportJobStatus::kCancelled}) {
    if (name == ExportJobStatusName(s)) return s;
  }
  return ExportJobStatus::kFailed;
}

StatusCode CodeOfName(const std::string& name) {
  for (int c = static_cast<int>(StatusCode::kInvalidArgument);
       c <= static_cast<int>(StatusCode::kInternal); ++c) {
    if (name == StatusCodeName(static_cast<StatusCode>(c))) return static_cast<StatusCode>(c);
  }
  return StatusCode::kInternal;
}

const char* TargetType(ExportTargetKind kind) {
  switch (kind) {
    case ExportTargetKind::kEstimate:
      return "estimate";
    case ExportTargetKind::kObjectEstimate:
      return "object";
    case ExportTargetKind::kSummaryEstimate:
      return "project";
  }
  return "estimate";
}

bool Active(ExportJobStatus s) {
  return s == ExportJobStatus::kQueued || s == ExportJobStatus::kRunning;
}

}  // namespace

// A job queued or running in this process: what Cancel and the heartbeat tell its worker.
struct ExportJobService::Running {
  std::int64_t id = 0;
  std::atomic<bool> cancelled{false};
  std::atomic<int> progress{0};  // as last written
};

// The writer's progress, written to the row at most every `progress_every` or `progress_step`
// percent; each write also learns whether another instance cancelled the job.
class ExportJobService::Progress final : public formats::WriteProgress {
 public:
  Progress(ExportJobService& service, Running& running)
      : service_(service), running_(running), last_write_(std::chrono::steady_clock::now()) {}

  void Report(std::size_t done, std::size_t total) override {
    if (total == 0) return;
    // 100 is the finished file's, written with it.
    const int percent = static_cast<int>(std::min<std::size_t>(99, done * 100 / total));
    const int last = running_.progress.load();
    if (percent <= last) return;
    const auto now = std::chrono::steady_clock::now();
    if (percent - last < service_.options_.progress_step &&
        now - last_write_ < service_.options_.progress_every) {
      return;
    }
    last_write_ = now;
    running_.progress = percent;
    auto wanted = service_.jobs_.Progress(running_.id, percent);
    if (wanted.ok() && !*wanted) running_.cancelled = true;
  }

  bool Cancelled() const override { return running_.cancelled.load(); }

 private:
  ExportJobService& service_;
  Running& running_;
  std::chrono::steady_clock::time_point last_write_;
};

ExportJobService::ExportJobService(store::ExportJobRepository& jobs, DocumentService& documents,
                                   const core::Clock& clock, ExportJobOptions options)
    : jobs_(jobs), documents_(documents), clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) workers_.emplace_back([this] { Work(); });
  housekeeper_ = std::thread([this] { Housekeep(); });
}

ExportJobService::~ExportJobService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    for (auto& [id, running] : running_) running->cancelled = true;
  }
  work_cv_.notify_all();
  stop_cv_.notify_all();
  for (auto& t : workers_) t.join();
  housekeeper_.join();
  // Jobs queued here that never started: their rows end now rather than after a minute as stale.
  for (Task& task : queue_) {
    (void)jobs_.Fail(
        task.running->id,
        Unavailable("the service stopped before the job started; start the export again"));
  }
}

Result<bool> ExportJobService::RunsAsJob(const Actor& actor, const ExportTarget& target,
                                         bool prefer_async) {
  if (prefer_async) return true;
  // An ОСР or ССР is a few lines made from stored totals: quick in any format.
  if (target.kind != ExportTargetKind::kEstimate) return false;
  auto plan = documents_.Plan(actor, target);
  if (!plan.ok()) return plan.status();
  return ExpectedExportTime(target.format, plan->positions, plan->resource_rows) > kJobThreshold;
}

Result<ExportJobView> ExportJobService::Start(const Actor& actor, const ExportTarget& target,
                                              std::shared_ptr<void> hold) {
  auto plan = documents_.Plan(actor, target);
  if (!plan.ok()) return plan.status();
  Clean();
  store::ExportJobRecord record;
  record.organization_id = actor.organization_id;
  record.user_id = actor.user_id;
  record.target_type = TargetType(target.kind);
  record.target_id = target.id;
  record.format = target.format;
  record.file_name = plan->filename;
  record.content_type = plan->content_type;
  record.instance = options_.instance;
  auto created = jobs_.Create(record);
  if (!created.ok()) return created.status();
  auto running = std::make_shared<Running>();
  running->id = created->id;
  {
    std::lock_guard lock(mu_);
    if (stop_) {
      (void)jobs_.Fail(created->id, Unavailable("the service is stopping; start the export again"));
      return Unavailable("export job: the service is stopping");
    }
    running_[created->id] = running;
    queue_.push_back(Task{running, actor, target, std::move(hold)});
  }
  work_cv_.notify_one();
  return ViewOf(*created);
}

void ExportJobService::Work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      Run(task);
    } catch (const std::exception& e) {
      (void)jobs_.Fail(task.running->id, Internal(std::string("export job: ") + e.what()));
      ++failed_;
    }
    task.hold.reset();  // the heavy-work slot, before the next job may take it
    std::lock_guard lock(mu_);
    running_.erase(task.running->id);
  }
}

void ExportJobService::Run(Task& task) {
  Running& running = *task.running;
  const std::int64_t id = running.id;
  auto wanted = jobs_.Progress(id, 0);
  if (!wanted.ok() || !*wanted || running.cancelled) {
    if (wanted.ok()) ++cancelled_;
    return;
  }
  Progress progress(*this, running);
  auto file = documents_.Export(task.actor, task.target, &progress);
  if (running.cancelled) {
    // The row is cancelled already (by Cancel here, or by another instance); nothing is kept.
    ++cancelled_;
    return;
  }
  if (!file.ok()) {
    if (Status s = jobs_.Fail(id, file.status()); !s.ok()) {
      telemetry::LogWarn("export job: its failure not recorded",
                         {{"job_id", std::to_string(id), true}, {"reason", s.message()}});
    }
    ++failed_;
    return;
  }
  const Status finished = jobs_.Finish(id, file->filename, file->content_type, file->bytes);
  if (finished.ok()) {
    ++done_;
  } else if (finished.code() == StatusCode::kFailedPrecondition) {
    ++cancelled_;  // cancelled while the file was being stored
  } else {
    (void)jobs_.Fail(id, Status(finished.code(),
                                "export job: the file could not be stored: " + finished.message()));
    ++failed_;
  }
}

// The heartbeat of the jobs running here (a writer that reports no progress still looks alive,
// and learns of a cancellation made on another instance), and the clean-up once a minute.
void ExportJobService::Housekeep() {
  auto next_clean = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stop_cv_.wait_for(lock, options_.heartbeat_every, [&] { return stop_; })) {
    std::vector<std::shared_ptr<Running>> beating;
    for (auto& [id, running] : running_) beating.push_back(running);
    lock.unlock();
    for (auto& running : beating) {
      auto wanted = jobs_.Progress(running->id, running->progress.load());
      if (wanted.ok() && !*wanted) running->cancelled = true;
    }
    if (std::chrono::steady_clock::now() >= next_clean) {
      Clean();
      next_clean = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    }
    lock.lock();
  }
}

void ExportJobService::Clean() {
  const core::Timestamp now = clock_.Now();
  auto cleaned = jobs_.Clean(now - options_.stale_after, now - options_.keep_for);
  if (!cleaned.ok()) {
    telemetry::LogDebug("export jobs not cleaned", {{"reason", cleaned.status().message()}});
  }
}

Result<store::ExportJobRecord> ExportJobService::Visible(const Actor& actor, std::int64_t id) {
  auto job = jobs_.Get(actor.organization_id, id);
  if (!job.ok()) return job.status();
  // Another member's job is as invisible as another organization's; an admin sees them all.
  if (job->user_id != actor.user_id && actor.role != auth::Role::kAdmin) {
    return NotFound("job " + std::to_string(id) + " not found");
  }
  return job;
}

ExportJobView ExportJobService::ViewOf(const store::ExportJobRecord& r) const {
  ExportJobView v;
  v.id = r.id;
  v.status = StatusOfName(r.status);
  v.progress = r.progress;
  v.format = r.format;
  v.filename = r.file_name;
  v.content_type = r.content_type;
  v.created_at = r.created_at;
  v.finished_at = r.finished_at;
  v.target_type = r.target_type;
  v.target_id = r.target_id;
  if (v.status == ExportJobStatus::kFailed) {
    v.error = Status(CodeOfName(r.error_code), r.error_message);
  } else if (Active(v.status) && r.heartbeat_at < clock_.Now() - options_.stale_after) {
    // No heartbeat for a minute: the instance that ran it is gone. Read as failed now; the
    // clean-up writes it so.
    v.status = ExportJobStatus::kFailed;
    v.finished_at = r.heartbeat_at;
    v.error = Unavailable(
        "the instance that ran the job stopped before it was done; start the "
        "export again");
  }
  return v;
}

Result<ExportJobView> ExportJobService::Get(const Actor& actor, std::int64_t id) {
  auto job = Visible(actor, id);
  if (!job.ok()) return job.status();
  return ViewOf(*job);
}

Result<ExportedFile> ExportJobService::File(const Actor& actor, std::int64_t id) {
  auto job = Visible(actor, id);
  if (!job.ok()) return job.status();
  const ExportJobView view = ViewOf(*job);
  if (view.status != ExportJobStatus::kDone) {
    return FailedPrecondition(
        "job " + std::to_string(id) + " is " + ExportJobStatusName(view.status) +
        (Active(view.status) ? ": its file is not ready yet" : ": it has no file"));
  }
  auto bytes = jobs_.File(actor.organization_id, id);
  if (!bytes.ok()) return bytes.status();
  return ExportedFile{job->content_type, job->file_name, std::move(bytes).value()};
}

Status ExportJobService::Cancel(const Actor& actor, std::int64_t id) {
  auto job = Visible(actor, id);
  if (!job.ok()) return job.status();
  auto after = jobs_.Cancel(actor.organization_id, id);
  if (!after.ok()) return after.status();
  const ExportJobStatus status = StatusOfName(after->status);
  if (status == ExportJobStatus::kDone || status == ExportJobStatus::kFailed) {
    return FailedPrecondition("job " + std::to_string(id) + " is " + after->status +
                              " already: only a queued or running job is cancelled");
  }
  std::lock_guard lock(mu_);
  if (auto it = running_.find(id); it != running_.end()) it->second->cancelled = true;
  return Status::Ok();
}

std::uint64_t ExportJobService::Ended(ExportJobStatus status) const {
  switch (status) {
    case ExportJobStatus::kDone:
      return done_.load();
    case ExportJobStatus::kFailed:
      return failed_.load();
    case ExportJobStatus::kCancelled:
      return cancelled_.load();
    default:
      return 0;
  }
}

int ExportJobService::RunningCount() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(running_.size());
}

}  // namespace estimate::services
