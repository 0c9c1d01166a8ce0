// The audit repository's contract — append alone or in the caller's UnitOfWork, query per
// organization newest first with filters and paging — on SQLite always and on PostgreSQL when
// ESTIMATE_TEST_DATABASE_URL names one.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "engine_fixture.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr core::Timestamp kT0 =
    core::Timestamp(seconds(1'767'225'600)) + milliseconds(123);  // 2026-01-01

std::string Phc() {
  auth::PhcHash h;
  h.salt = std::string(16, 's');
  h.hash = std::string(32, 'h');
  return auth::FormatPhc(h);
}

class AuditRepositoryContract : public testing::EngineFixture {
 protected:
  void SetUp() override {
    OpenDatabase();
    if (HasFatalFailure() || IsSkipped()) return;
    accounts_ = std::make_unique<AccountRepository>(*db_);
    audit_ = std::make_unique<AuditRepository>(*db_, clock_);
    org_ = accounts_->CreateOrganization("Acme")->id;
    other_org_ = accounts_->CreateOrganization("Other")->id;
    ann_ = accounts_
               ->CreateUser(
                   {.email = "ann@example.com", .password_hash = Phc(), .display_name = "Ann"})
               ->id;
    bob_ = accounts_
               ->CreateUser(
                   {.email = "bob@example.com", .password_hash = Phc(), .display_name = "Bob"})
               ->id;
  }
  void TearDown() override {
    audit_.reset();
    accounts_.reset();
    EngineFixture::TearDown();
  }

  AuditRecord Record(std::int64_t actor, core::Timestamp at, const std::string& entity_id,
                     const std::string& action = "update") {
    return {.organization_id = org_,
            .actor_user_id = actor,
            .at = at,
            .action = action,
            .entity_type = "estimate",
            .entity_id = entity_id,
            .request_id = "req-" + entity_id,
            .before_json = R"({"quantity":"1"})",
            .after_json = R"({"quantity":"2"})"};
  }
  std::int64_t AppendOk(const AuditRecord& record) {
    auto stored = audit_->Append(record);
    EXPECT_TRUE(stored.ok()) << stored.status().message();
    return stored.ok() ? stored->id : 0;
  }
  std::vector<std::int64_t> Ids(const AuditQuery& query) {
    auto found = audit_->Query(org_, query);
    EXPECT_TRUE(found.ok()) << found.status().message();
    std::vector<std::int64_t> ids;
    if (found.ok()) {
      for (const AuditRecord& r : *found) ids.push_back(r.id);
    }
    return ids;
  }

  std::unique_ptr<AccountRepository> accounts_;
  core::ManualClock clock_{kT0 + seconds(3600)};  // stamps records that name no time
  std::unique_ptr<AuditRepository> audit_;
  std::int64_t org_ = 0, other_org_ = 0, ann_ = 0, bob_ = 0;
};

TEST_P(AuditRepositoryContract, StoresEveryFieldAsGiven) {
  AuditRecord full = Record(ann_, kT0, "17", "position_update");
  full.before_json = R"({"name":"Кладка \"стен\"\n","quantity":"1.50"})";
  auto stored = audit_->Append(full);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_GT(stored->id, 0);
  AuditRecord bare{.organization_id = org_,
                   .action = "create",
                   .entity_type = "project",
                   .entity_id = "3",
                   .after_json = "{}"};
  auto system = audit_->Append(bare);
  ASSERT_TRUE(system.ok()) << system.status().message();
  EXPECT_EQ(system->at, kT0 + seconds(3600));  // stamped by the repository's clock

  auto found = audit_->Query(org_);
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_EQ(found->size(), 2u);
  const AuditRecord& newest = (*found)[0];
  EXPECT_EQ(newest.id, system->id);
  EXPECT_EQ(newest.organization_id, org_);
  EXPECT_FALSE(newest.actor_user_id.has_value());
  EXPECT_EQ(newest.at, kT0 + seconds(3600));
  EXPECT_EQ(newest.action, "create");
  EXPECT_EQ(newest.entity_type, "project");
  EXPECT_EQ(newest.entity_id, "3");
  EXPECT_EQ(newest.request_id, "");
  EXPECT_FALSE(newest.before_json.has_value());
  EXPECT_EQ(newest.after_json, "{}");
  const AuditRecord& oldest = (*found)[1];
  EXPECT_EQ(oldest.id, stored->id);
  EXPECT_EQ(oldest.actor_user_id, ann_);
  EXPECT_EQ(oldest.at, kT0);
  EXPECT_EQ(oldest.action, "position_update");
  EXPECT_EQ(oldest.entity_type, "estimate");
  EXPECT_EQ(oldest.entity_id, "17");
  EXPECT_EQ(oldest.request_id, "req-17");
  EXPECT_EQ(oldest.before_json, full.before_json);
  EXPECT_EQ(oldest.after_json, R"({"quantity":"2"})");
}

TEST_P(AuditRepositoryContract, QueriesNewestFirstWithFiltersAndPages) {
  // Six records, ids in append order; times not in append order, two at the same instant.
  const std::int64_t a = AppendOk(Record(ann_, kT0 + seconds(30), "1"));
  const std::int64_t b = AppendOk(Record(bob_, kT0 + seconds(10), "1"));
  const std::int64_t c = AppendOk(Record(ann_, kT0 + seconds(20), "2"));
  const std::int64_t d = AppendOk(Record(bob_, kT0 + seconds(20), "2"));
  const std::int64_t e = AppendOk(Record(ann_, kT0 + milliseconds(1), "1"));
  AuditRecord user_change = Record(ann_, kT0 + seconds(40), std::to_string(bob_), "role_change");
  user_change.entity_type = "membership";
  const std::int64_t f = AppendOk(user_change);
  AuditRecord elsewhere = Record(ann_, kT0 + seconds(50), "1");
  elsewhere.organization_id = other_org_;
  const std::int64_t g = AppendOk(elsewhere);

  using List = std::vector<std::int64_t>;
  // Same instant: the later append first.
  EXPECT_EQ(Ids({}), (List{f, a, d, c, b, e}));
  EXPECT_EQ(Ids({.entity_type = "estimate"}), (List{a, d, c, b, e}));
  EXPECT_EQ(Ids({.entity_type = "estimate", .entity_id = "1"}), (List{a, b, e}));
  EXPECT_EQ(Ids({.entity_type = "membership"}), (List{f}));
  EXPECT_EQ(Ids({.actor_user_id = bob_}), (List{d, b}));
  EXPECT_EQ(Ids({.entity_id = "2", .actor_user_id = ann_}), (List{f, c}));  // f: user 2
  EXPECT_EQ(Ids({.entity_type = "estimate", .entity_id = "2", .actor_user_id = ann_}), (List{c}));
  // from inclusive, to exclusive, to the millisecond.
  EXPECT_EQ(Ids({.from = kT0 + seconds(20), .to = kT0 + seconds(30)}), (List{d, c}));
  EXPECT_EQ(Ids({.from = kT0 + milliseconds(1)}), (List{f, a, d, c, b, e}));
  EXPECT_EQ(Ids({.from = kT0 + milliseconds(2)}), (List{f, a, d, c, b}));
  EXPECT_EQ(Ids({.to = kT0 + seconds(10)}), (List{e}));
  // Pages.
  EXPECT_EQ(Ids({.limit = 2}), (List{f, a}));
  EXPECT_EQ(Ids({.limit = 2, .offset = 2}), (List{d, c}));
  EXPECT_EQ(Ids({.limit = 2, .offset = 6}), List{});
  // Another organization's records stay there.
  auto theirs = audit_->Query(other_org_);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ((*theirs)[0].id, g);
  EXPECT_TRUE(audit_->Query(other_org_ + 1000)->empty());
}

TEST_P(AuditRepositoryContract, NamesEachRecordsActorByDisplayNameOrEmail) {
  // The repository refuses an empty display name; a row may still hold one (written before
  // that check, or by hand), and then the email stands for it.
  {
    auto lease = db_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    long long bob = bob_;
    lease->session() << "UPDATE users SET display_name = '' WHERE id = :id", soci::use(bob);
  }
  const std::int64_t by_ann = AppendOk(Record(ann_, kT0, "1"));
  const std::int64_t by_bob = AppendOk(Record(bob_, kT0 + seconds(1), "2"));
  AuditRecord system = Record(ann_, kT0 + seconds(2), "3");
  system.actor_user_id.reset();
  const std::int64_t by_system = AppendOk(system);

  auto found = audit_->Query(org_);
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].id, by_system);
  EXPECT_EQ((*found)[0].actor_name, "");
  EXPECT_EQ((*found)[1].id, by_bob);
  EXPECT_EQ((*found)[1].actor_name, "bob@example.com");
  EXPECT_EQ((*found)[2].id, by_ann);
  EXPECT_EQ((*found)[2].actor_name, "Ann");
  // The join leaves the filters and the order as they were.
  auto bobs = audit_->Query(org_, {.actor_user_id = bob_});
  ASSERT_TRUE(bobs.ok()) << bobs.status().message();
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].id, by_bob);
}

TEST_P(AuditRepositoryContract, NamesTheFieldOfBadInput) {
  auto expect_invalid = [](const Status& s, const std::string& field) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
    EXPECT_EQ(s.message().rfind(field + ": ", 0), 0u) << s.message();
  };
  AuditRecord r = Record(ann_, kT0, "1");
  r.organization_id = 0;
  expect_invalid(audit_->Append(r).status(), "organization_id");
  r = Record(ann_, kT0, "1");
  r.action = "";
  expect_invalid(audit_->Append(r).status(), "action");
  r = Record(ann_, kT0, "1");
  r.entity_type = "";
  expect_invalid(audit_->Append(r).status(), "entity_type");
  r = Record(ann_, kT0, "");
  expect_invalid(audit_->Append(r).status(), "entity_id");
  r = Record(ann_, kT0, "1");
  r.request_id = std::string(500, 'r');
  expect_invalid(audit_->Append(r).status(), "request_id");
  expect_invalid(audit_->Query(org_, {.limit = 0}).status(), "limit");
  expect_invalid(audit_->Query(org_, {.limit = kMaxAuditLimit + 1}).status(), "limit");
  expect_invalid(audit_->Query(org_, {.offset = -1}).status(), "offset");
  expect_invalid(audit_->Query(org_, {.from = kT0, .to = kT0 - seconds(1)}).status(), "to");
  // Unknown organization or actor: the database refuses, as NotFound.
  r = Record(ann_, kT0, "1");
  r.organization_id = org_ + 1000;
  EXPECT_EQ(audit_->Append(r).status().code(), StatusCode::kNotFound);
  r = Record(ann_ + 1000, kT0, "1");
  EXPECT_EQ(audit_->Append(r).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CountRows("audit_log"), 0);
}

TEST_P(AuditRepositoryContract, AChangeAndItsRecordCommitTogetherOrNotAtAll) {
  // Rolled back: neither the change nor its record.
  {
    auto uow = UnitOfWork::Begin(*db_);
    ASSERT_TRUE(uow.ok()) << uow.status().message();
    auto previous = accounts_->ChangeRole(*uow, ann_, org_, auth::Role::kViewer);
    EXPECT_EQ(previous.status().code(), StatusCode::kNotFound);  // not a member yet
    ASSERT_TRUE(accounts_->AddMembership(*uow, bob_, org_, auth::Role::kEstimator).ok());
    auto record = Record(ann_, kT0, std::to_string(bob_), "membership_add");
    ASSERT_TRUE(audit_->Append(*uow, record).ok());
    uow->Rollback();
  }
  EXPECT_EQ(CountRows("memberships"), 0);
  EXPECT_EQ(CountRows("audit_log"), 0);

  // Committed: both.
  {
    auto uow = UnitOfWork::Begin(*db_);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE(accounts_->AddMembership(*uow, bob_, org_, auth::Role::kEstimator).ok());
    ASSERT_TRUE(
        audit_->Append(*uow, Record(ann_, kT0, std::to_string(bob_), "membership_add")).ok());
    ASSERT_TRUE(uow->Commit().ok());
  }
  EXPECT_EQ(CountRows("memberships"), 1);
  EXPECT_EQ(CountRows("audit_log"), 1);

  // The audit write fails in the database (unknown actor): the unit is poisoned and the change
  // goes too.
  {
    auto uow = UnitOfWork::Begin(*db_);
    ASSERT_TRUE(uow.ok());
    auto previous = accounts_->ChangeRole(*uow, bob_, org_, auth::Role::kReviewer);
    ASSERT_TRUE(previous.ok());
    EXPECT_EQ(*previous, auth::Role::kEstimator);
    auto failed = audit_->Append(*uow, Record(bob_ + 1000, kT0, std::to_string(bob_)));
    EXPECT_EQ(failed.status().code(), StatusCode::kNotFound) << failed.status().message();
    EXPECT_TRUE(uow->failed());
    EXPECT_EQ(accounts_->SetActive(*uow, bob_, false).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(uow->Commit().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(*accounts_->FindMembership(bob_, org_), auth::Role::kEstimator);
  EXPECT_TRUE(accounts_->FindUserById(bob_)->active);
  EXPECT_EQ(CountRows("audit_log"), 1);
}

TEST_P(AuditRepositoryContract, ConcurrentWritersLoseNoRecord) {
  constexpr int kThreads = 4, kEach = 25;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        // Half in units of their own with a change, half appended alone.
        const std::string entity = std::to_string(t) + "-" + std::to_string(i);
        if (i % 2 == 0) {
          auto uow = UnitOfWork::Begin(*db_);
          if (!uow.ok() ||
              !audit_->Append(*uow, Record(ann_, kT0 + milliseconds(i), entity)).ok() ||
              !uow->Commit().ok()) {
            ++failures;
          }
        } else if (!audit_->Append(Record(bob_, kT0 + milliseconds(i), entity)).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = audit_->Query(org_, {.limit = kMaxAuditLimit});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> entities;
  for (const AuditRecord& r : *all) entities.insert(r.entity_id);
  EXPECT_EQ(entities.size(), static_cast<std::size_t>(kThreads * kEach));
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditRepositoryContract,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace estimate::store
