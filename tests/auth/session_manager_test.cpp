#include "auth/session_manager.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/in_memory_refresh_token_store.hpp"

namespace estimate::auth {
namespace {

using core::ManualClock;
using std::chrono::seconds;

const Seconds kStart{seconds(1'767'225'600)};

TokenSettings Settings() {
  return {.access_secret = std::string(32, 'a') + "-access",
          .refresh_secret = std::string(32, 'r') + "-refresh",
          .access_ttl = seconds(900),
          .refresh_ttl = seconds(7 * 24 * 3600),
          .leeway = seconds(5)};
}

class SessionManagerTest : public ::testing::Test {
 protected:
  ManualClock clock_{kStart};
  InMemoryRefreshTokenStore store_;
  SessionManager sessions_{Settings(), store_, clock_};
  const Subject alice_{.user = "alice", .organization = "org-1", .role = Role::kEstimator};
};

void ExpectUnauthenticated(const Status& s, const std::string& reason) {
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.message();
  EXPECT_NE(s.message().find(reason), std::string::npos) << s.message();
}

TEST_F(SessionManagerTest, StartsASessionWithAnAccessAndARefreshToken) {
  auto pair = sessions_.StartSession(alice_);
  ASSERT_TRUE(pair.ok()) << pair.status().message();
  EXPECT_EQ(pair->access_expires, kStart + seconds(900));
  EXPECT_EQ(pair->refresh_expires, kStart + seconds(7 * 24 * 3600));
  auto claims = sessions_.VerifyAccess(pair->access_token);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->sub, "alice");
  EXPECT_EQ(claims->org, "org-1");
  EXPECT_EQ(claims->role, Role::kEstimator);
  EXPECT_EQ(store_.size(), 1u);
  // The refresh token is not an access token, under either secret.
  EXPECT_FALSE(sessions_.VerifyAccess(pair->refresh_token).ok());
}

TEST_F(SessionManagerTest, RotatesIntoANewPairOfTheSameFamily) {
  auto first = sessions_.StartSession(alice_);
  ASSERT_TRUE(first.ok());
  clock_.Advance(seconds(600));
  auto second = sessions_.Rotate(first->refresh_token);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->family, first->family);
  EXPECT_NE(second->refresh_token, first->refresh_token);
  EXPECT_EQ(second->access_expires, kStart + seconds(1500));
  EXPECT_TRUE(sessions_.VerifyAccess(second->access_token).ok());
  auto third = sessions_.Rotate(second->refresh_token);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_EQ(third->family, first->family);
}

TEST_F(SessionManagerTest, ReuseRevokesTheWholeFamily) {
  auto first = sessions_.StartSession(alice_);
  ASSERT_TRUE(first.ok());
  auto second = sessions_.Rotate(first->refresh_token);  // the user refreshes
  ASSERT_TRUE(second.ok());
  // Someone presents the first token again (stolen): refused, and the session is over.
  ExpectUnauthenticated(sessions_.Rotate(first->refresh_token).status(),
                        "reused; the session was revoked");
  // The newest token of the family, in the legitimate user's hands, stops working too.
  ExpectUnauthenticated(sessions_.Rotate(second->refresh_token).status(), "session was revoked");
  ExpectUnauthenticated(sessions_.Rotate(first->refresh_token).status(), "session was revoked");
  // Other sessions of the same user are untouched.
  auto other = sessions_.StartSession(alice_);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(sessions_.Rotate(other->refresh_token).ok());
}

TEST_F(SessionManagerTest, ConcurrentRefreshesWithOneTokenLetAtMostOneThrough) {
  // The race the store's compare-and-set exists for: many requests present the same token at
  // once. At most one gets a new pair; the others see reuse, and then the family is revoked.
  for (int round = 0; round < 20; ++round) {
    auto pair = sessions_.StartSession(alice_);
    ASSERT_TRUE(pair.ok());
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        if (sessions_.Rotate(pair->refresh_token).ok()) ++succeeded;
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_LE(succeeded.load(), 1);
    ExpectUnauthenticated(sessions_.Rotate(pair->refresh_token).status(), "revoked");
  }
}

TEST_F(SessionManagerTest, LogoutRevokesTheFamily) {
  auto first = sessions_.StartSession(alice_);
  ASSERT_TRUE(first.ok());
  auto second = sessions_.Rotate(first->refresh_token);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(sessions_.Logout(second->refresh_token).ok());
  ExpectUnauthenticated(sessions_.Rotate(second->refresh_token).status(), "session was revoked");
  // Logging out twice is harmless; a forged token is not accepted.
  EXPECT_TRUE(sessions_.Logout(second->refresh_token).ok());
  EXPECT_EQ(sessions_.Logout("not.a.token").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(sessions_.Logout(second->access_token).code(), StatusCode::kUnauthenticated);
}

TEST_F(SessionManagerTest, RefusesExpiredUnknownAndAccessTokens) {
  auto pair = sessions_.StartSession(alice_);
  ASSERT_TRUE(pair.ok());
  ExpectUnauthenticated(sessions_.Rotate(pair->access_token).status(), "");

  // Signed with the right secret but never stored (a store that lost its rows, another instance
  // with another store): unknown.
  InMemoryRefreshTokenStore other_store;
  SessionManager other{Settings(), other_store, clock_};
  auto foreign = other.StartSession(alice_);
  ASSERT_TRUE(foreign.ok());
  ExpectUnauthenticated(sessions_.Rotate(foreign->refresh_token).status(), "unknown");

  clock_.Advance(seconds(7 * 24 * 3600 + 5));
  ExpectUnauthenticated(sessions_.Rotate(pair->refresh_token).status(), "expired");
  EXPECT_FALSE(sessions_.VerifyAccess(pair->access_token).ok());
}

TEST_F(SessionManagerTest, AccessTokensExpireAfterTheirLifetime) {
  auto pair = sessions_.StartSession(alice_);
  ASSERT_TRUE(pair.ok());
  clock_.Advance(seconds(904));  // within the leeway
  EXPECT_TRUE(sessions_.VerifyAccess(pair->access_token).ok());
  clock_.Advance(seconds(1));
  ExpectUnauthenticated(sessions_.VerifyAccess(pair->access_token).status(), "expired");
}

TEST_F(SessionManagerTest, SubjectCheckUpdatesTheRoleOrEndsTheSession) {
  auto first = sessions_.StartSession(alice_);
  ASSERT_TRUE(first.ok());
  // An admin demoted alice meanwhile: the next pair carries her current role.
  auto demoted = sessions_.Rotate(first->refresh_token, [](const Subject& s) -> Result<Subject> {
    Subject current = s;
    current.role = Role::kViewer;
    return current;
  });
  ASSERT_TRUE(demoted.ok()) << demoted.status().message();
  EXPECT_EQ(sessions_.VerifyAccess(demoted->access_token)->role, Role::kViewer);

  // Then deactivated: the refresh fails with the check's error and the family is revoked.
  auto refused = sessions_.Rotate(demoted->refresh_token, [](const Subject&) -> Result<Subject> {
    return Status(StatusCode::kPermissionDenied, "user: deactivated");
  });
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  auto claims = Verify(demoted->refresh_token, Settings().refresh_secret, TokenType::kRefresh,
                       core::NowSeconds(clock_));
  ASSERT_TRUE(claims.ok());
  auto record = store_.Find(claims->jti);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->state, RefreshTokenState::kRevoked);
}

TEST_F(SessionManagerTest, RevokingAUserEndsAllTheirSessions) {
  auto a = sessions_.StartSession(alice_);
  auto b = sessions_.StartSession(alice_);
  auto bob = sessions_.StartSession({.user = "bob", .organization = "org-1", .role = Role::kAdmin});
  ASSERT_TRUE(a.ok() && b.ok() && bob.ok());
  ASSERT_TRUE(store_.RevokeUser("alice").ok());
  EXPECT_FALSE(sessions_.Rotate(a->refresh_token).ok());
  EXPECT_FALSE(sessions_.Rotate(b->refresh_token).ok());
  EXPECT_TRUE(sessions_.Rotate(bob->refresh_token).ok());
}

TEST(SessionManagerSettings, ChecksSecretsAndLifetimes) {
  EXPECT_TRUE(SessionManager::CheckSettings(Settings()).ok());
  TokenSettings s = Settings();
  s.access_secret = "short";
  EXPECT_EQ(SessionManager::CheckSettings(s).message().rfind("JWT_SECRET:", 0), 0u);
  s = Settings();
  s.refresh_secret = s.access_secret;
  EXPECT_EQ(SessionManager::CheckSettings(s).message().rfind("JWT_REFRESH_SECRET:", 0), 0u);
  s = Settings();
  s.refresh_ttl = s.access_ttl;
  EXPECT_FALSE(SessionManager::CheckSettings(s).ok());
  s = Settings();
  s.access_ttl = seconds(0);
  EXPECT_FALSE(SessionManager::CheckSettings(s).ok());
}

TEST(InMemoryRefreshTokenStore, MarkUsedIsACompareAndSet) {
  InMemoryRefreshTokenStore store;
  ASSERT_TRUE(store.Insert({.jti = "j1", .family = "f1", .user = "u", .expires = kStart}).ok());
  EXPECT_EQ(store.Insert({.jti = "j1", .family = "f1", .user = "u", .expires = kStart}).code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(store.MarkUsed("j1").ok());
  EXPECT_EQ(store.MarkUsed("j1").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.MarkUsed("nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(store.Find("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.Find("j1")->state, RefreshTokenState::kUsed);
}

TEST(InMemoryRefreshTokenStore, ARevokedFamilyStaysRevoked) {
  InMemoryRefreshTokenStore store;
  ASSERT_TRUE(store.Insert({.jti = "j1", .family = "f1", .user = "u", .expires = kStart}).ok());
  ASSERT_TRUE(store.RevokeFamily("f1").ok());
  EXPECT_EQ(store.Find("j1")->state, RefreshTokenState::kRevoked);
  EXPECT_EQ(store.MarkUsed("j1").code(), StatusCode::kFailedPrecondition);
  // A rotation that raced with the revocation cannot add a live token to the family.
  EXPECT_EQ(store.Insert({.jti = "j2", .family = "f1", .user = "u", .expires = kStart}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(InMemoryRefreshTokenStore, DeletesExpiredTokens) {
  InMemoryRefreshTokenStore store;
  ASSERT_TRUE(store.Insert({.jti = "old", .family = "f1", .user = "u", .expires = kStart}).ok());
  ASSERT_TRUE(
      store.Insert({.jti = "new", .family = "f2", .user = "u", .expires = kStart + seconds(10)})
          .ok());
  ASSERT_TRUE(store.DeleteExpired(kStart + seconds(1)).ok());
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.Find("old").ok());
  EXPECT_TRUE(store.Find("new").ok());
}

}  // namespace
}  // namespace estimate::auth
