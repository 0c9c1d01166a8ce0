// services::SessionGuard over a real database: every request's session, membership and role as
// they are now; what it remembers (only while the bus is live) and how the bus makes it forget.
#include "services/session_guard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "service_fixture.hpp"

namespace estimate::services {
namespace {

using testing::ServiceFixture;

class FakeBus final : public cache::EventBus {
 public:
  void Publish(std::string_view message) override { published.emplace_back(message); }
  void Listen(Listener l) override { listener = std::move(l); }
  bool Live() const override { return live; }

  bool live = true;
  Listener listener;
  std::vector<std::string> published;
};

class SessionGuardTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auth::TokenSettings tokens;
    tokens.access_secret = std::string(40, 'a');
    tokens.refresh_secret = std::string(40, 'r');
    guard_ = std::make_unique<SessionGuard>(*accounts_, &bus_);
    notifier_ = std::make_unique<RevocationNotifier>(*tokens_, guard_.get(), &bus_);
    sessions_ = std::make_unique<auth::SessionManager>(tokens, *notifier_);
    member_ = MemberOfA(auth::Role::kEstimator, "member@a.example");
    family_ = Start(member_);
  }

  std::string Start(const Actor& a) {
    auto pair = sessions_->StartSession(
        {std::to_string(a.user_id), std::to_string(a.organization_id), a.role});
    EXPECT_TRUE(pair.ok()) << pair.status().message();
    return pair.ok() ? pair->family : std::string();
  }

  Result<auth::Role> Role(const std::string& family) {
    return guard_->CurrentRole(member_.user_id, member_.organization_id, family);
  }

  FakeBus bus_;
  std::unique_ptr<SessionGuard> guard_;
  std::unique_ptr<RevocationNotifier> notifier_;
  std::unique_ptr<auth::SessionManager> sessions_;
  Actor member_;
  std::string family_;
};

TEST_P(SessionGuardTest, ALiveSessionActsWithTheRoleOfNow) {
  auto role = Role(family_);
  ASSERT_TRUE(role.ok()) << role.status().message();
  EXPECT_EQ(*role, auth::Role::kEstimator);
  // Not a session of this user, or of no one: refused.
  EXPECT_EQ(guard_->CurrentRole(admin_a_.user_id, org_a_, family_).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(Role("ffffffffffffffffffffffffffffffff").status().code(), StatusCode::kUnauthenticated);
  // Another organization than the membership's.
  EXPECT_EQ(guard_->CurrentRole(member_.user_id, admin_b_.organization_id, family_).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_P(SessionGuardTest, AnEndedSessionIsRefusedAtOnceAndEveryInstanceIsTold) {
  ASSERT_TRUE(Role(family_).ok());
  EXPECT_EQ(guard_->remembered(), 1u);
  ASSERT_TRUE(notifier_->RevokeFamily(family_).ok());
  EXPECT_EQ(Role(family_).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bus_.published, std::vector<std::string>{"family:" + family_});
}

TEST_P(SessionGuardTest, WhatIsRememberedIsForgottenWhenTheBusSaysSo) {
  ASSERT_TRUE(Role(family_).ok());
  // A change the guard is not told of (another instance's, before its message arrives) is
  // answered from memory…
  ASSERT_TRUE(accounts_->ChangeRole(member_.user_id, org_a_, auth::Role::kViewer).ok());
  EXPECT_EQ(*Role(family_), auth::Role::kEstimator);
  // …until the message comes.
  bus_.listener.on_message("user:" + std::to_string(member_.user_id));
  EXPECT_EQ(*Role(family_), auth::Role::kViewer);
  ASSERT_TRUE(accounts_->RemoveMembership(member_.user_id, org_a_).ok());
  bus_.listener.on_gap();  // a gap forgets everything
  EXPECT_EQ(Role(family_).status().code(), StatusCode::kUnauthenticated);
}

TEST_P(SessionGuardTest, NothingIsRememberedWhileTheBusIsNotLive) {
  bus_.live = false;
  ASSERT_TRUE(Role(family_).ok());
  EXPECT_EQ(guard_->remembered(), 0u);
  // The command line changes the role in another process: seen by the next request.
  ASSERT_TRUE(accounts_->ChangeRole(member_.user_id, org_a_, auth::Role::kViewer).ok());
  EXPECT_EQ(*Role(family_), auth::Role::kViewer);
}

TEST_P(SessionGuardTest, RevokingAUserEndsEachOfTheirSessionsOnly) {
  const std::string second = Start(member_);
  const Actor other = MemberOfA(auth::Role::kViewer, "other@a.example");
  const std::string others = Start(other);
  ASSERT_TRUE(Role(second).ok());
  ASSERT_TRUE(notifier_->RevokeUser(std::to_string(member_.user_id)).ok());
  EXPECT_EQ(Role(family_).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Role(second).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(guard_->CurrentRole(other.user_id, org_a_, others).ok());
  EXPECT_EQ(bus_.published.back(), "user:" + std::to_string(member_.user_id));
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionGuardTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
