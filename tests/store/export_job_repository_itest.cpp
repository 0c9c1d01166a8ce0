// The export jobs' rows — created queued, progress with the cancellation it learns, done with a
// binary file kept byte for byte, failed with its code, cancelled at most once and never given a
// file, cleaned up by heartbeat and age — on SQLite always and on PostgreSQL when
// ESTIMATE_TEST_DATABASE_URL names one.
#include <gtest/gtest.h>

#include "auth/password.hpp"
#include "engine_fixture.hpp"
#include "store/account_repository.hpp"
#include "store/export_job_repository.hpp"

namespace estimate::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr core::Timestamp kT0 = core::Timestamp(seconds(1'767'225'600));  // 2026-01-01

std::string Phc() {
  auth::PhcHash h;
  h.salt = std::string(16, 's');
  h.hash = std::string(32, 'h');
  return auth::FormatPhc(h);
}

class ExportJobRepositoryContract : public testing::EngineFixture {
 protected:
  void SetUp() override {
    OpenDatabase();
    if (HasFatalFailure() || IsSkipped()) return;
    AccountRepository accounts(*db_);
    org_ = accounts.CreateOrganization("Acme")->id;
    other_org_ = accounts.CreateOrganization("Other")->id;
    user_ =
        accounts
            .CreateUser({.email = "ann@example.com", .password_hash = Phc(), .display_name = "Ann"})
            ->id;
    jobs_ = std::make_unique<ExportJobRepository>(*db_, clock_);
  }
  void TearDown() override {
    jobs_.reset();
    EngineFixture::TearDown();
  }

  ExportJobRecord NewJob() {
    ExportJobRecord r;
    r.organization_id = org_;
    r.user_id = user_;
    r.target_type = "estimate";
    r.target_id = 7;
    r.format = "pdf";
    r.file_name = "ЛСР 7.pdf";
    r.content_type = "application/pdf";
    r.instance = "here";
    auto created = jobs_->Create(r);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? *created : ExportJobRecord{};
  }

  core::ManualClock clock_{kT0};
  std::unique_ptr<ExportJobRepository> jobs_;
  std::int64_t org_ = 0, other_org_ = 0, user_ = 0;
};

TEST_P(ExportJobRepositoryContract, CreatesAQueuedJobOnlyItsOrganizationSees) {
  const ExportJobRecord job = NewJob();
  EXPECT_GT(job.id, 0);
  EXPECT_EQ(job.status, "queued");
  EXPECT_EQ(job.progress, 0);
  EXPECT_EQ(job.created_at, kT0);
  EXPECT_EQ(job.file_name, "ЛСР 7.pdf");
  EXPECT_FALSE(job.finished_at.has_value());
  EXPECT_EQ(jobs_->Get(other_org_, job.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(jobs_->Get(org_, job.id + 100).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(jobs_->Get(org_, job.id)->format, "pdf");
}

TEST_P(ExportJobRepositoryContract, KeepsTheFileByteForByte) {
  const ExportJobRecord job = NewJob();
  ASSERT_TRUE(*jobs_->Progress(job.id, 40));
  EXPECT_EQ(jobs_->Get(org_, job.id)->status, "running");
  EXPECT_EQ(jobs_->Get(org_, job.id)->progress, 40);
  EXPECT_EQ(jobs_->File(org_, job.id).status().code(), StatusCode::kFailedPrecondition);
  std::string bytes = "%PDF-1.7\n";
  for (int i = 0; i < 70000; ++i) bytes += static_cast<char>(i % 256);  // NULs and high bytes
  clock_.Advance(seconds(3));
  ASSERT_TRUE(jobs_->Finish(job.id, "ЛСР 7.pdf", "application/pdf", bytes).ok());
  const ExportJobRecord done = *jobs_->Get(org_, job.id);
  EXPECT_EQ(done.status, "done");
  EXPECT_EQ(done.progress, 100);
  EXPECT_EQ(done.file_size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(done.finished_at, kT0 + seconds(3));
  auto file = jobs_->File(org_, job.id);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(*file, bytes);
  EXPECT_EQ(jobs_->File(other_org_, job.id).status().code(), StatusCode::kNotFound);
  // A done job is not cancelled, and a second end changes nothing.
  EXPECT_EQ(jobs_->Cancel(org_, job.id)->status, "done");
  EXPECT_TRUE(jobs_->Fail(job.id, Internal("late")).ok());
  EXPECT_EQ(jobs_->Get(org_, job.id)->status, "done");
}

TEST_P(ExportJobRepositoryContract, ACancelledJobLearnsItAndGetsNoFile) {
  const ExportJobRecord job = NewJob();
  ASSERT_TRUE(*jobs_->Progress(job.id, 10));
  EXPECT_EQ(jobs_->Cancel(other_org_, job.id).status().code(), StatusCode::kNotFound);
  const ExportJobRecord cancelled = *jobs_->Cancel(org_, job.id);
  EXPECT_EQ(cancelled.status, "cancelled");
  EXPECT_TRUE(cancelled.cancel_requested);
  EXPECT_TRUE(cancelled.finished_at.has_value());
  EXPECT_FALSE(*jobs_->Progress(job.id, 20));  // the worker's next write learns it
  EXPECT_EQ(jobs_->Finish(job.id, "f.pdf", "application/pdf", "%PDF").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(jobs_->Get(org_, job.id)->status, "cancelled");
  EXPECT_EQ(jobs_->Get(org_, job.id)->progress, 10);
  EXPECT_EQ(jobs_->File(org_, job.id).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(ExportJobRepositoryContract, AFailedJobKeepsItsCodeAndMessage) {
  const ExportJobRecord job = NewJob();
  ASSERT_TRUE(
      jobs_->Fail(job.id, FailedPrecondition("estimate: the figures are not computed")).ok());
  const ExportJobRecord failed = *jobs_->Get(org_, job.id);
  EXPECT_EQ(failed.status, "failed");
  EXPECT_EQ(failed.error_code, StatusCodeName(StatusCode::kFailedPrecondition));
  EXPECT_EQ(failed.error_message, "estimate: the figures are not computed");
  EXPECT_FALSE(*jobs_->Progress(job.id, 50));
}

TEST_P(ExportJobRepositoryContract, CleansStaleJobsAndOldFiles) {
  const ExportJobRecord dead = NewJob();
  const ExportJobRecord old = NewJob();
  ASSERT_TRUE(jobs_->Finish(old.id, "f.pdf", "application/pdf", "%PDF").ok());
  clock_.Advance(minutes(2));
  const ExportJobRecord alive = NewJob();
  // Stale before a minute ago: the first (heartbeat at kT0) fails, the fresh one runs on.
  auto deleted = jobs_->Clean(clock_.Now() - seconds(60), kT0 - minutes(1));
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
  EXPECT_EQ(*deleted, 0);
  EXPECT_EQ(jobs_->Get(org_, dead.id)->status, "failed");
  EXPECT_EQ(jobs_->Get(org_, dead.id)->error_code, StatusCodeName(StatusCode::kUnavailable));
  EXPECT_EQ(jobs_->Get(org_, alive.id)->status, "queued");
  // An hour later the ended rows go, files and all.
  clock_.Advance(minutes(61));
  ASSERT_TRUE(*jobs_->Progress(alive.id, 5));
  deleted = jobs_->Clean(clock_.Now() - seconds(60), clock_.Now() - minutes(60));
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(jobs_->Get(org_, old.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(jobs_->Get(org_, alive.id)->status, "running");
}

INSTANTIATE_TEST_SUITE_P(Engines, ExportJobRepositoryContract,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace estimate::store
