// Export jobs as services run them, over one database shared by two "instances" (two job
// services with their own repositories): a job runs to the file of the synchronous export and is
// seen only by its user and the admins; a job running on one instance is cancelled from the
// other and keeps no file; a job whose instance stopped reads as failed.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "service_fixture.hpp"
#include "services/export_job_service.hpp"
#include "store/export_job_repository.hpp"

namespace estimate::services {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::ServiceFixture;

class ExportJobServiceTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    rows_a_ = std::make_unique<store::ExportJobRepository>(*db_);
    rows_b_ = std::make_unique<store::ExportJobRepository>(*db_);
    a_ = std::make_unique<ExportJobService>(*rows_a_, estimates_->documents,
                                            telemetry::SystemClock(), Options("a"));
    b_ = std::make_unique<ExportJobService>(*rows_b_, estimates_->documents,
                                            telemetry::SystemClock(), Options("b"));
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    ServiceFixture::TearDown();
  }

  static ExportJobOptions Options(const char* instance) {
    ExportJobOptions o;
    o.instance = instance;
    o.heartbeat_every = 50ms;
    return o;
  }

  // An estimate of organization A with `positions` positions of bench/make_calc_document.py.
  std::int64_t Estimate(int positions) {
    const std::string path =
        ::testing::TempDir() + "jobs-doc-" + std::to_string(positions) + ".json";
    const std::string cmd = "python3 " ESTIMATE_SOURCE_DIR "/bench/make_calc_document.py " + path +
                            " " + std::to_string(positions) + " 2>/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(path, std::ios::binary);
    const json::value doc = json::parse(
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    std::remove(path.c_str());
    auto project = estimates_->catalog.CreateProject(admin_a_, "Школа");
    auto object =
        estimates_->catalog.CreateObject(admin_a_, Json(*project).at("id").as_int64(), "Корпус");
    json::object body{{"name", "ЛСР"},
                      {"region", "77"},
                      {"zone", "1"},
                      {"quarter", "2025-Q2"},
                      {"sections", doc.at("sections")}};
    auto created = estimates_->catalog.CreateEstimate(admin_a_, Json(*object).at("id").as_int64(),
                                                      {json::serialize(body)});
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? Json(created->json).at("id").as_int64() : 0;
  }

  ExportJobView WaitForEnd(ExportJobService& service, const Actor& actor, std::int64_t id) {
    for (int i = 0; i < 3000; ++i) {
      auto job = service.Get(actor, id);
      EXPECT_TRUE(job.ok()) << job.status().message();
      if (!job.ok()) return {};
      if (job->status != ExportJobStatus::kQueued && job->status != ExportJobStatus::kRunning) {
        return *job;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "job " << id << " did not end";
    return {};
  }

  std::unique_ptr<store::ExportJobRepository> rows_a_, rows_b_;
  std::unique_ptr<ExportJobService> a_, b_;
};

TEST_P(ExportJobServiceTest, AJobRunsToTheSynchronousExportsFileSeenByItsUserAndTheAdmins) {
  const std::int64_t estimate = Estimate(20);
  const Actor ann = MemberOfA(auth::Role::kEstimator, "ann@a.example");
  const Actor bob = MemberOfA(auth::Role::kEstimator, "bob@a.example");
  const ExportTarget target{ExportTargetKind::kEstimate, estimate, "arps", {}};
  EXPECT_FALSE(*a_->RunsAsJob(ann, target, false));
  EXPECT_TRUE(*a_->RunsAsJob(ann, target, true));
  auto started = a_->Start(ann, target, nullptr);
  ASSERT_TRUE(started.ok()) << started.status().message();
  EXPECT_EQ(started->format, "arps");

  // The other instance answers as well.
  const ExportJobView done = WaitForEnd(*b_, ann, started->id);
  EXPECT_EQ(done.status, ExportJobStatus::kDone);
  EXPECT_EQ(done.progress, 100);
  auto file = b_->File(ann, started->id);
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto sync = estimates_->documents.Export(ann, estimate, "arps");
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(file->bytes, sync->bytes);
  EXPECT_EQ(file->filename, sync->filename);
  EXPECT_EQ(file->content_type, sync->content_type);
  EXPECT_EQ(a_->Ended(ExportJobStatus::kDone), 1u);

  EXPECT_TRUE(a_->Get(admin_a_, started->id).ok());
  EXPECT_EQ(a_->Get(bob, started->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a_->File(bob, started->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a_->Cancel(bob, started->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(a_->Get(admin_b_, started->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a_->Cancel(ann, started->id).code(), StatusCode::kFailedPrecondition);
}

TEST_P(ExportJobServiceTest, AJobRunningOnOneInstanceIsCancelledFromAnotherAndKeepsNoFile) {
  const std::int64_t estimate = Estimate(300);
  auto started = a_->Start(admin_a_, {ExportTargetKind::kEstimate, estimate, "pdf", {}}, nullptr);
  ASSERT_TRUE(started.ok()) << started.status().message();
  ASSERT_TRUE(b_->Cancel(admin_a_, started->id).ok());
  EXPECT_EQ(b_->Get(admin_a_, started->id)->status, ExportJobStatus::kCancelled);
  EXPECT_TRUE(b_->Cancel(admin_a_, started->id).ok());  // again: nothing changes
  // Instance a learns it through the row (its heartbeat or progress), and its worker ends.
  for (int i = 0; i < 6000 && a_->RunningCount() > 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(a_->RunningCount(), 0);
  EXPECT_EQ(a_->Ended(ExportJobStatus::kCancelled), 1u);
  EXPECT_EQ(a_->Ended(ExportJobStatus::kDone), 0u);
  EXPECT_EQ(a_->Get(admin_a_, started->id)->status, ExportJobStatus::kCancelled);
  EXPECT_EQ(a_->File(admin_a_, started->id).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(ExportJobServiceTest, AJobWhoseInstanceStoppedReadsAsFailed) {
  core::ManualClock clock(core::Timestamp(std::chrono::seconds(1'767'225'600)));
  store::ExportJobRepository rows(*db_, clock);
  ExportJobService service(rows, estimates_->documents, clock, Options("c"));
  store::ExportJobRecord record;
  record.organization_id = admin_a_.organization_id;
  record.user_id = admin_a_.user_id;
  record.target_type = "estimate";
  record.target_id = 1;
  record.format = "pdf";
  record.instance = "gone";
  auto created = rows.Create(record);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(service.Get(admin_a_, created->id)->status, ExportJobStatus::kQueued);
  clock.Advance(61s);
  auto job = service.Get(admin_a_, created->id);
  EXPECT_EQ(job->status, ExportJobStatus::kFailed);
  EXPECT_EQ(job->error.code(), StatusCode::kUnavailable);
  EXPECT_EQ(service.File(admin_a_, created->id).status().code(), StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Engines, ExportJobServiceTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
