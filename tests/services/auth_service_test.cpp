#include <gtest/gtest.h>

#include "core/clock.hpp"
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
    throttle_ = std::make_unique<auth::InMemoryLoginThrottle>(throttle, clock_);
    auth_ = std::make_unique<AuthService>(*accounts_, *audit_, *sessions_, *throttle_, testing::kTestHashing);
  }

  LoginOutcome Login(const std::string& email, const std::string& password,
                     const std::string& ip = "10.0.0.1") {
    return auth_->Login({email, password, std::nullopt, ip, "req"});
  }

  // The audit records of organization A with `action`, oldest first.
  std::vector<store::AuditRecord> AuditOfA(const std::string& action) {
    store::AuditQuery query;
    query.entity_type = "session";
    query.limit = store::kMaxAuditLimit;
    auto all = audit_->Query(org_a_, query);
    EXPECT_TRUE(all.ok()) << all.status().message();
    std::vector<store::AuditRecord> out;
    if (!all.ok()) return out;
    for (auto it = all->rbegin(); it != all->rend(); ++it) {
      if (it->action == action) out.push_back(*it);
    }
    return out;
  }

  // The throttle's time; the tokens keep the real one.
  core::ManualClock clock_{auth::Seconds(std::chrono::seconds(1'767'225'600))};
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

TEST_P(AuthServiceTest, RepeatedFailuresLockOutTheirAddressNotTheOwner) {
  for (int i = 0; i < 5; ++i) Login("admin@a.example", "wrong horse A", "203.0.113.66");
  // The guessing address is refused, the right password included.
  auto locked = Login("admin@a.example", "correct horse A", "203.0.113.66");
  EXPECT_EQ(locked.status.code(), StatusCode::kResourceExhausted);
  EXPECT_GT(locked.retry_after.count(), 0);
  // The owner, from elsewhere, signs in.
  auto owner = Login("admin@a.example", "correct horse A", "192.0.2.10");
  ASSERT_TRUE(owner.status.ok()) << owner.status.message();
  EXPECT_EQ(owner.session->membership.organization_id, org_a_);
  EXPECT_EQ(Login("admin@a.example", "correct horse A", "203.0.113.66").status.code(),
            StatusCode::kResourceExhausted);
}

TEST_P(AuthServiceTest, ALockAndItsEndAreAudited) {
  const auth::Seconds locked_at = core::NowSeconds(clock_);
  for (int i = 0; i < 5; ++i) Login("admin@a.example", "wrong horse A", "203.0.113.66");
  auto locks = AuditOfA("login_locked");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0].entity_type, "session");
  EXPECT_EQ(locks[0].entity_id, std::to_string(admin_a_.user_id));
  EXPECT_FALSE(locks[0].actor_user_id.has_value());  // the throttle acted, not the owner
  EXPECT_EQ(locks[0].request_id, "req");
  const std::string until = core::FormatUtcTimestamp(locked_at + std::chrono::minutes(15));
  EXPECT_EQ(Json(locks[0].after_json.value_or("null")),
            Json(R"({"key":"pair","address":"203.0.113.66","until":")" + until + R"("})"));
  // Refused attempts during the lock neither lock again nor end it.
  Login("admin@a.example", "correct horse A", "203.0.113.66");
  EXPECT_EQ(AuditOfA("login_locked").size(), 1u);
  EXPECT_TRUE(AuditOfA("login_unlocked").empty());

  // The first attempt after the lock finds it over and records its end, once.
  clock_.Advance(std::chrono::minutes(15));
  ASSERT_TRUE(Login("admin@a.example", "correct horse A", "203.0.113.66").status.ok());
  ASSERT_TRUE(Login("admin@a.example", "correct horse A", "203.0.113.66").status.ok());
  auto unlocks = AuditOfA("login_unlocked");
  ASSERT_EQ(unlocks.size(), 1u);
  EXPECT_EQ(unlocks[0].entity_id, std::to_string(admin_a_.user_id));
  EXPECT_EQ(Json(unlocks[0].after_json.value_or("null")),
            Json(R"({"key":"pair","address":"203.0.113.66","until":")" + until + R"("})"));
  // Organization B, of which the account is no member, sees none of it.
  auto of_b = audit_->Query(admin_b_.organization_id, {});
  ASSERT_TRUE(of_b.ok());
  for (const auto& r : *of_b) EXPECT_NE(r.action.rfind("login_", 0), 0u) << r.action;
}

TEST_P(AuthServiceTest, AKnownGoodAddressSignsInWhileGuessingFromEverywhereLocksTheAccount) {
  ASSERT_TRUE(Login("admin@a.example", "correct horse A", "192.0.2.10").status.ok());
  for (int i = 0; i < 50; ++i) {
    Login("admin@a.example", "wrong horse A", "198.51.100." + std::to_string(i));
  }
  auto locks = AuditOfA("login_locked");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(Json(locks[0].after_json.value_or("null")).at("key").as_string(), "account");
  EXPECT_EQ(Login("admin@a.example", "correct horse A", "203.0.113.1").status.code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(Login("admin@a.example", "correct horse A", "192.0.2.10").status.ok());
}

TEST_P(AuthServiceTest, LockedAnswersDoNotTellWhetherTheAccountExists) {
  LoginOutcome known, unknown;
  for (int i = 0; i < 6; ++i) {
    known = Login("admin@a.example", "wrong horse A", "203.0.113.66");
    unknown = Login("nobody@a.example", "wrong horse A", "203.0.113.67");
  }
  EXPECT_EQ(known.status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(unknown.status.code(), known.status.code());
  EXPECT_EQ(unknown.status.message(), known.status.message());
  EXPECT_EQ(unknown.retry_after, known.retry_after);
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
