#include <gtest/gtest.h>

#include "auth/clock.hpp"
#include "service_fixture.hpp"

namespace estimate::services {
namespace {

using testing::ServiceFixture;

class AuthServiceTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auth::TokenSettings tokens;
    tokens.access_secret = std::string(40, 'a');
    tokens.refresh_secret = std::string(40, 'r');
    sessions_ = std::make_unique<auth::SessionManager>(tokens, *tokens_);
    auth::ThrottleSettings throttle;
    throttle.base_delay = std::chrono::seconds(0);
    throttle_ = std::make_unique<auth::InMemoryLoginThrottle>(throttle);
    auth_ = std::make_unique<AuthService>(*accounts_, *audit_, *sessions_, *throttle_, testing::kTestHashing);
  }

  LoginOutcome Login(const std::string& email, const std::string& password) {
    return auth_->Login({email, password, std::nullopt, "10.0.0.1", "req"});
  }

  std::unique_ptr<auth::SessionManager> sessions_;
  std::unique_ptr<auth::InMemoryLoginThrottle> throttle_;
  std::unique_ptr<AuthService> auth_;
};

TEST_P(AuthServiceTest, SignsInWithTheRightPasswordOnly) {
  auto ok = Login("Admin@A.example", "correct horse A");
  ASSERT_TRUE(ok.status.ok()) << ok.status.message();
  EXPECT_EQ(ok.session->membership.role, auth::Role::kAdmin);
  EXPECT_EQ(ok.session->membership.organization_id, org_a_);
  auto claims = sessions_->VerifyAccess(ok.session->tokens.access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->org, std::to_string(org_a_));

  auto wrong = Login("admin@a.example", "wrong horse A");
  auto unknown = Login("nobody@a.example", "wrong horse A");
  EXPECT_EQ(wrong.status.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status.message(), unknown.status.message());  // nothing tells them apart
}

TEST_P(AuthServiceTest, RepeatedFailuresLockTheAccount) {
  LoginOutcome last;
  for (int i = 0; i < 5; ++i) last = Login("admin@a.example", "wrong horse A");
  auto locked = Login("admin@a.example", "correct horse A");
  EXPECT_EQ(locked.status.code(), StatusCode::kResourceExhausted);
  EXPECT_GT(locked.retry_after.count(), 0);
}

TEST_P(AuthServiceTest, RefreshRotatesAndReuseEndsTheSession) {
  auto login = Login("admin@a.example", "correct horse A");
  ASSERT_TRUE(login.status.ok());
  auto second = auth_->Refresh(login.session->tokens.refresh_token);
  ASSERT_TRUE(second.ok()) << second.status().message();
  auto reused = auth_->Refresh(login.session->tokens.refresh_token);
  EXPECT_EQ(reused.status().code(), StatusCode::kUnauthenticated);
  // The thief's reuse revoked the family: the legitimate new token stops working too.
  EXPECT_EQ(auth_->Refresh(second->tokens.refresh_token).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_P(AuthServiceTest, ARoleChangeTakesEffectAndRemovalEndsSessions) {
  const Actor estimator = MemberOfA(auth::Role::kEstimator, "est@a.example");
  auto login = Login("est@a.example", "correct horse X");
  ASSERT_TRUE(login.status.ok());
  ASSERT_TRUE(account_service_->ChangeRole(admin_a_, estimator.user_id, auth::Role::kReviewer).ok());
  // The role change ended the sessions: the old refresh token no longer works.
  EXPECT_EQ(auth_->Refresh(login.session->tokens.refresh_token).status().code(),
            StatusCode::kUnauthenticated);
  auto again = Login("est@a.example", "correct horse X");
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.session->membership.role, auth::Role::kReviewer);
  ASSERT_TRUE(account_service_->RemoveMember(admin_a_, estimator.user_id).ok());
  EXPECT_EQ(auth_->Refresh(again.session->tokens.refresh_token).status().code(),
            StatusCode::kUnauthenticated);
  // An admin of another organization cannot touch A's members.
  EXPECT_EQ(account_service_->ChangeRole(admin_b_, admin_a_.user_id, auth::Role::kViewer).status().code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthServiceTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
