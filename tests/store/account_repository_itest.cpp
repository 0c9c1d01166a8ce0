// The account repository's contract (organizations, users, memberships) and the UnitOfWork it
// writes in, on SQLite always and on PostgreSQL when ESTIMATE_TEST_DATABASE_URL names one.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "engine_fixture.hpp"
#include "store/account_repository.hpp"
#include "store/unit_of_work.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {
namespace {

using auth::Role;

// A well-formed argon2id PHC string (no hashing needed: the repository only parses it).
std::string Phc(char fill = 's') {
  auth::PhcHash h;
  h.salt = std::string(16, fill);
  h.hash = std::string(32, 'h');
  return auth::FormatPhc(h);
}

void ExpectCode(const Status& s, StatusCode code, const std::string& mention = "") {
  EXPECT_EQ(s.code(), code) << s.message();
  EXPECT_NE(s.message().find(mention), std::string::npos) << s.message();
}

class AccountRepositoryContract : public testing::EngineFixture {
 protected:
  void SetUp() override {
    OpenDatabase();
    if (HasFatalFailure() || IsSkipped()) return;
    accounts_ = std::make_unique<AccountRepository>(*db_);
  }
  void TearDown() override {
    accounts_.reset();
    EngineFixture::TearDown();
  }

  std::int64_t NewOrganization(const std::string& name) {
    auto org = accounts_->CreateOrganization(name);
    EXPECT_TRUE(org.ok()) << org.status().message();
    return org.ok() ? org->id : 0;
  }
  std::int64_t NewUserId(const std::string& email, const std::string& name = "Сметчик") {
    auto user =
        accounts_->CreateUser({.email = email, .password_hash = Phc(), .display_name = name});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  std::unique_ptr<AccountRepository> accounts_;
};

TEST_P(AccountRepositoryContract, CreatesAndFindsOrganizations) {
  const core::Timestamp before = telemetry::SystemClock().Now() - std::chrono::seconds(5);
  auto org = accounts_->CreateOrganization("  ООО «Сметчик»  ");
  ASSERT_TRUE(org.ok()) << org.status().message();
  EXPECT_GT(org->id, 0);
  EXPECT_EQ(org->name, "ООО «Сметчик»");
  EXPECT_GE(org->created_at, before);
  auto found = accounts_->FindOrganization(org->id);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->name, "ООО «Сметчик»");
  EXPECT_EQ(found->created_at, org->created_at);
  ExpectCode(accounts_->FindOrganization(org->id + 1000).status(), StatusCode::kNotFound,
             "organization");
  ExpectCode(accounts_->CreateOrganization(" \t").status(), StatusCode::kInvalidArgument, "name: ");
  ExpectCode(accounts_->CreateOrganization(std::string(kMaxNameBytes + 1, 'x')).status(),
             StatusCode::kInvalidArgument, "name: ");
}

TEST_P(AccountRepositoryContract, StoresEmailsNormalizedAndFindsThemInAnyCase) {
  auto user = accounts_->CreateUser(
      {.email = "  Ann.Smith@Example.COM ", .password_hash = Phc(), .display_name = "Анна"});
  ASSERT_TRUE(user.ok()) << user.status().message();
  EXPECT_EQ(user->email, "ann.smith@example.com");
  EXPECT_TRUE(user->active);
  EXPECT_EQ(user->password_hash, Phc());
  for (const char* spelling :
       {"ann.smith@example.com", "ANN.SMITH@EXAMPLE.COM", " Ann.Smith@example.com"}) {
    auto found = accounts_->FindUserByEmail(spelling);
    ASSERT_TRUE(found.ok()) << spelling << ": " << found.status().message();
    EXPECT_EQ(found->id, user->id);
    EXPECT_EQ(found->display_name, "Анна");
  }
  auto by_id = accounts_->FindUserById(user->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->email, "ann.smith@example.com");
  EXPECT_EQ(by_id->created_at, user->created_at);
  ExpectCode(accounts_->FindUserByEmail("bob@example.com").status(), StatusCode::kNotFound);
  ExpectCode(accounts_->FindUserById(user->id + 1000).status(), StatusCode::kNotFound, "user");
}

TEST_P(AccountRepositoryContract, RefusesAnEmailTakenInAnotherCase) {
  NewUserId("ann@example.com");
  auto again = accounts_->CreateUser(
      {.email = "ANN@Example.com", .password_hash = Phc(), .display_name = "A"});
  ExpectCode(again.status(), StatusCode::kAlreadyExists, "email: ann@example.com");
  EXPECT_EQ(CountRows("users"), 1);
}

TEST_P(AccountRepositoryContract, ConcurrentSignUpsWithOneEmailCreateOneUser) {
  std::atomic<int> created{0}, exists{0};
  std::latch start(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto user = accounts_->CreateUser({.email = i % 2 ? "Race@Example.com" : "race@example.com",
                                         .password_hash = Phc(),
                                         .display_name = "Racer " + std::to_string(i)});
      if (user.ok()) {
        ++created;
      } else if (user.status().code() == StatusCode::kAlreadyExists) {
        ++exists;
      } else {
        ADD_FAILURE() << user.status().message();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(exists.load(), 3);
  EXPECT_EQ(CountRows("users"), 1);
}

TEST_P(AccountRepositoryContract, NamesTheFieldOfBadInputAndWritesNothing) {
  for (const char* email : {"", "   ", "no-at-sign", "@example.com", "ann@",
                            "ann smith@example.com", "ann@exa\tmple.com"}) {
    ExpectCode(accounts_->CreateUser({.email = email, .password_hash = Phc(), .display_name = "A"})
                   .status(),
               StatusCode::kInvalidArgument, "email: ");
  }
  ExpectCode(accounts_
                 ->CreateUser({.email = std::string(250, 'a') + "@example.com",
                               .password_hash = Phc(),
                               .display_name = "A"})
                 .status(),
             StatusCode::kInvalidArgument, "email: ");
  for (const char* hash : {"", "hunter2", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA",
                           "$argon2id$v=19$m=19456,t=2,p=1$short$hash"}) {
    ExpectCode(
        accounts_
            ->CreateUser({.email = "a@example.com", .password_hash = hash, .display_name = "A"})
            .status(),
        StatusCode::kInvalidArgument, "password_hash: ");
  }
  ExpectCode(
      accounts_->CreateUser({.email = "a@example.com", .password_hash = Phc(), .display_name = " "})
          .status(),
      StatusCode::kInvalidArgument, "display_name: ");
  ExpectCode(accounts_->FindUserByEmail("not an email").status(), StatusCode::kInvalidArgument,
             "email: ");
  EXPECT_EQ(CountRows("users"), 0);
}

TEST_P(AccountRepositoryContract, SetsThePasswordHashAndTheActiveFlag) {
  const std::int64_t id = NewUserId("ann@example.com");
  ASSERT_TRUE(accounts_->SetPasswordHash(id, Phc('t')).ok());
  EXPECT_EQ(accounts_->FindUserById(id)->password_hash, Phc('t'));
  ExpectCode(accounts_->SetPasswordHash(id, "plain"), StatusCode::kInvalidArgument,
             "password_hash: ");
  EXPECT_EQ(accounts_->FindUserById(id)->password_hash, Phc('t'));
  ASSERT_TRUE(accounts_->SetActive(id, false).ok());
  EXPECT_FALSE(accounts_->FindUserById(id)->active);
  ASSERT_TRUE(accounts_->SetActive(id, true).ok());
  EXPECT_TRUE(accounts_->FindUserById(id)->active);
  ExpectCode(accounts_->SetPasswordHash(id + 1000, Phc()), StatusCode::kNotFound, "user");
  ExpectCode(accounts_->SetActive(id + 1000, false), StatusCode::kNotFound, "user");
}

TEST_P(AccountRepositoryContract, MembershipsCarryOneRolePerOrganization) {
  const std::int64_t acme = NewOrganization("Acme");
  const std::int64_t other = NewOrganization("Other");
  const std::int64_t ann = NewUserId("ann@example.com", "Ann");
  const std::int64_t bob = NewUserId("bob@example.com", "Bob");

  ASSERT_TRUE(accounts_->AddMembership(ann, acme, Role::kAdmin).ok());
  ASSERT_TRUE(accounts_->AddMembership(bob, acme, Role::kEstimator).ok());
  ASSERT_TRUE(accounts_->AddMembership(ann, other, Role::kViewer).ok());
  ExpectCode(accounts_->AddMembership(ann, acme, Role::kViewer), StatusCode::kAlreadyExists,
             "membership");
  ExpectCode(accounts_->AddMembership(ann + 1000, acme, Role::kViewer), StatusCode::kNotFound,
             "user");
  ExpectCode(accounts_->AddMembership(ann, acme + 1000, Role::kViewer), StatusCode::kNotFound,
             "organization");
  EXPECT_EQ(*accounts_->FindMembership(ann, acme), Role::kAdmin);

  auto previous = accounts_->ChangeRole(bob, acme, Role::kReviewer);
  ASSERT_TRUE(previous.ok()) << previous.status().message();
  EXPECT_EQ(*previous, Role::kEstimator);
  EXPECT_EQ(*accounts_->FindMembership(bob, acme), Role::kReviewer);
  ExpectCode(accounts_->ChangeRole(bob, other, Role::kAdmin).status(), StatusCode::kNotFound);

  ASSERT_TRUE(accounts_->SetActive(bob, false).ok());
  auto members = accounts_->ListMembers(acme);
  ASSERT_TRUE(members.ok()) << members.status().message();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].user_id, ann);
  EXPECT_EQ((*members)[0].email, "ann@example.com");
  EXPECT_EQ((*members)[0].display_name, "Ann");
  EXPECT_EQ((*members)[0].role, Role::kAdmin);
  EXPECT_TRUE((*members)[0].active);
  EXPECT_EQ((*members)[1].user_id, bob);
  EXPECT_EQ((*members)[1].role, Role::kReviewer);
  EXPECT_FALSE((*members)[1].active);

  auto of_ann = accounts_->MembershipsOfUser(ann);
  ASSERT_TRUE(of_ann.ok()) << of_ann.status().message();
  ASSERT_EQ(of_ann->size(), 2u);
  EXPECT_EQ((*of_ann)[0].organization_id, acme);
  EXPECT_EQ((*of_ann)[0].organization_name, "Acme");
  EXPECT_EQ((*of_ann)[0].role, Role::kAdmin);
  EXPECT_EQ((*of_ann)[1].organization_id, other);
  EXPECT_EQ((*of_ann)[1].role, Role::kViewer);

  auto removed = accounts_->RemoveMembership(ann, other);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, Role::kViewer);
  ExpectCode(accounts_->RemoveMembership(ann, other).status(), StatusCode::kNotFound);
  ExpectCode(accounts_->FindMembership(ann, other).status(), StatusCode::kNotFound);
  EXPECT_EQ(accounts_->MembershipsOfUser(ann)->size(), 1u);
  EXPECT_TRUE(accounts_->ListMembers(other)->empty());
  ExpectCode(accounts_->ListMembers(acme + 1000).status(), StatusCode::kNotFound, "organization");
  ExpectCode(accounts_->MembershipsOfUser(ann + 1000).status(), StatusCode::kNotFound, "user");
}

TEST_P(AccountRepositoryContract, AUnitOfWorkCommitsEverythingOrNothing) {
  {
    auto uow = UnitOfWork::Begin(*db_);
    ASSERT_TRUE(uow.ok()) << uow.status().message();
    auto org = accounts_->CreateOrganization(*uow, "Acme");
    ASSERT_TRUE(org.ok()) << org.status().message();
    auto user = accounts_->CreateUser(
        *uow, {.email = "ann@example.com", .password_hash = Phc(), .display_name = "Ann"});
    ASSERT_TRUE(user.ok()) << user.status().message();
    ASSERT_TRUE(accounts_->AddMembership(*uow, user->id, org->id, Role::kAdmin).ok());
    // Reads inside the unit see its writes.
    EXPECT_TRUE(accounts_->FindUserByEmail(*uow, "ann@example.com").ok());
    EXPECT_EQ(*accounts_->FindMembership(*uow, user->id, org->id), Role::kAdmin);
    // Dropped without Commit: rolled back.
  }
  EXPECT_EQ(CountRows("organizations"), 0);
  EXPECT_EQ(CountRows("users"), 0);
  EXPECT_EQ(CountRows("memberships"), 0);

  auto uow = UnitOfWork::Begin(*db_);
  ASSERT_TRUE(uow.ok());
  auto org = accounts_->CreateOrganization(*uow, "Acme");
  auto user = accounts_->CreateUser(
      *uow, {.email = "ann@example.com", .password_hash = Phc(), .display_name = "Ann"});
  ASSERT_TRUE(org.ok() && user.ok());
  // A checked failure (a taken email) writes nothing and leaves the unit usable.
  ExpectCode(
      accounts_
          ->CreateUser(
              *uow, {.email = "ANN@example.com", .password_hash = Phc(), .display_name = "Ann 2"})
          .status(),
      StatusCode::kAlreadyExists);
  EXPECT_FALSE(uow->failed());
  ASSERT_TRUE(accounts_->AddMembership(*uow, user->id, org->id, Role::kAdmin).ok());
  ASSERT_TRUE(accounts_->SetActive(*uow, user->id, false).ok());
  ASSERT_TRUE(uow->Commit().ok());
  EXPECT_FALSE(uow->open());
  ExpectCode(uow->Commit(), StatusCode::kFailedPrecondition);
  ExpectCode(accounts_->SetActive(*uow, user->id, true), StatusCode::kFailedPrecondition, "ended");
  EXPECT_EQ(*accounts_->FindMembership(user->id, org->id), Role::kAdmin);
  EXPECT_FALSE(accounts_->FindUserById(user->id)->active);
}

TEST_P(AccountRepositoryContract, AUnitHoldsOneSessionUntilItCommitsOrRollsBack) {
  auto uow = UnitOfWork::Begin(*db_);
  ASSERT_TRUE(uow.ok());
  const std::size_t in_use = db_->Stats().in_use;
  EXPECT_EQ(in_use, 1u);
  auto moved = std::move(uow).value();
  EXPECT_EQ(db_->Stats().in_use, 1u);
  moved.Rollback();
  EXPECT_EQ(db_->Stats().in_use, 0u);
  auto committed = UnitOfWork::Begin(*db_);
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(db_->Stats().in_use, 1u);
  ASSERT_TRUE(committed->Commit().ok());
  EXPECT_EQ(db_->Stats().in_use, 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountRepositoryContract,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace estimate::store
