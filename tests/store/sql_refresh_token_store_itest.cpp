// The contract of auth::RefreshTokenStore (auth/refresh_token_store.hpp), one suite run on the
// reference InMemoryRefreshTokenStore, on SqlRefreshTokenStore over SQLite, and over PostgreSQL
// when ESTIMATE_TEST_DATABASE_URL names one: the same assertions on every engine. The first
// three cases are tests/auth/session_manager_test.cpp's assertions on the in-memory store.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "auth/in_memory_refresh_token_store.hpp"
#include "auth/session_manager.hpp"
#include "engine_fixture.hpp"
#include "store/sql_refresh_token_store.hpp"

namespace estimate::store {
namespace {

using auth::RefreshTokenRecord;
using auth::RefreshTokenState;
using std::chrono::seconds;

constexpr auth::Seconds kStart{seconds(1'767'225'600)};

class RefreshTokenStoreContract : public testing::EngineFixture {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<auth::InMemoryRefreshTokenStore>();
      return;
    }
    OpenDatabase();
    if (HasFatalFailure() || IsSkipped()) return;
    store_ = std::make_unique<SqlRefreshTokenStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    EngineFixture::TearDown();
  }

  Status Insert(const std::string& jti, const std::string& family, const std::string& user,
                auth::Seconds expires = kStart) {
    return store_->Insert({.jti = jti, .family = family, .user = user, .expires = expires});
  }
  RefreshTokenState StateOf(const std::string& jti) {
    auto found = store_->Find(jti);
    EXPECT_TRUE(found.ok()) << jti << ": " << found.status().message();
    return found.ok() ? found->state : RefreshTokenState::kActive;
  }

  std::unique_ptr<auth::RefreshTokenStore> store_;
};

TEST_P(RefreshTokenStoreContract, MarkUsedIsACompareAndSet) {
  ASSERT_TRUE(Insert("j1", "f1", "u").ok());
  EXPECT_EQ(Insert("j1", "f1", "u").code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(store_->MarkUsed("j1").ok());
  EXPECT_EQ(store_->MarkUsed("j1").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->MarkUsed("nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Find("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StateOf("j1"), RefreshTokenState::kUsed);
}

TEST_P(RefreshTokenStoreContract, ARevokedFamilyStaysRevoked) {
  ASSERT_TRUE(Insert("j1", "f1", "u").ok());
  ASSERT_TRUE(store_->RevokeFamily("f1").ok());
  EXPECT_EQ(StateOf("j1"), RefreshTokenState::kRevoked);
  EXPECT_EQ(store_->MarkUsed("j1").code(), StatusCode::kFailedPrecondition);
  // A rotation that lost the race with the revocation cannot add a live token to the family.
  EXPECT_EQ(Insert("j2", "f1", "u").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Find("j2").status().code(), StatusCode::kNotFound);
  // Revoking again, or a family never seen, is fine; the unknown family is revoked for the
  // future.
  EXPECT_TRUE(store_->RevokeFamily("f1").ok());
  EXPECT_TRUE(store_->RevokeFamily("never-seen").ok());
}

TEST_P(RefreshTokenStoreContract, DeletesExpiredTokens) {
  ASSERT_TRUE(Insert("old", "f1", "u", kStart).ok());
  ASSERT_TRUE(Insert("new", "f2", "u", kStart + seconds(10)).ok());
  ASSERT_TRUE(store_->DeleteExpired(kStart + seconds(1)).ok());
  EXPECT_EQ(store_->Find("old").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Find("new").ok());
  // Expiring at `now` exactly is not yet expired.
  ASSERT_TRUE(store_->DeleteExpired(kStart + seconds(10)).ok());
  EXPECT_TRUE(store_->Find("new").ok());
}

TEST_P(RefreshTokenStoreContract, DeleteExpiredKeepsARevokedFamilyThatStillHasTokens) {
  ASSERT_TRUE(Insert("old", "f1", "u", kStart).ok());
  ASSERT_TRUE(Insert("live", "f1", "u", kStart + seconds(100)).ok());
  ASSERT_TRUE(store_->RevokeFamily("f1").ok());
  ASSERT_TRUE(store_->DeleteExpired(kStart + seconds(1)).ok());
  EXPECT_EQ(StateOf("live"), RefreshTokenState::kRevoked);
  EXPECT_EQ(Insert("later", "f1", "u", kStart + seconds(200)).code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(RefreshTokenStoreContract, FindReturnsTheTokenAsInsertedAndActive) {
  // The state of the record given to Insert is ignored: a new token is active.
  ASSERT_TRUE(store_
                  ->Insert({.jti = "j1",
                            .family = "f1",
                            .user = "42",
                            .expires = kStart + seconds(3600),
                            .state = RefreshTokenState::kUsed})
                  .ok());
  auto found = store_->Find("j1");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->jti, "j1");
  EXPECT_EQ(found->family, "f1");
  EXPECT_EQ(found->user, "42");
  EXPECT_EQ(found->expires, kStart + seconds(3600));
  EXPECT_EQ(found->state, RefreshTokenState::kActive);
}

TEST_P(RefreshTokenStoreContract, RevokeUserEndsEveryFamilyOfThatUserOnly) {
  ASSERT_TRUE(Insert("a1", "fa1", "alice").ok());
  ASSERT_TRUE(Insert("a2", "fa2", "alice").ok());
  ASSERT_TRUE(store_->MarkUsed("a2").ok());
  ASSERT_TRUE(Insert("a3", "fa2", "alice").ok());
  ASSERT_TRUE(Insert("b1", "fb1", "bob").ok());
  ASSERT_TRUE(store_->RevokeUser("alice").ok());
  EXPECT_EQ(StateOf("a1"), RefreshTokenState::kRevoked);
  EXPECT_EQ(StateOf("a2"), RefreshTokenState::kRevoked);
  EXPECT_EQ(StateOf("a3"), RefreshTokenState::kRevoked);
  EXPECT_EQ(StateOf("b1"), RefreshTokenState::kActive);
  EXPECT_EQ(Insert("a4", "fa2", "alice").code(), StatusCode::kFailedPrecondition);
  // A new sign-in starts a new family, which is not revoked.
  EXPECT_TRUE(Insert("a5", "fa3", "alice").ok());
  EXPECT_TRUE(store_->MarkUsed("a5").ok());
  EXPECT_TRUE(store_->RevokeUser("nobody").ok());
}

TEST_P(RefreshTokenStoreContract, OfFourConcurrentMarkUsedCallsExactlyOneSucceeds) {
  for (int round = 0; round < 25; ++round) {
    const std::string jti = "race-" + std::to_string(round);
    ASSERT_TRUE(Insert(jti, "family-" + std::to_string(round), "u").ok());
    std::atomic<int> succeeded{0}, refused{0}, other{0};
    std::latch start(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        const Status s = store_->MarkUsed(jti);
        if (s.ok()) {
          ++succeeded;
        } else if (s.code() == StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << s.message();
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(succeeded.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), 3) << "round " << round;
    EXPECT_EQ(StateOf(jti), RefreshTokenState::kUsed);
  }
}

// The session manager over this store: rotation, reuse detection and the refresh race behave as
// over the reference store.
TEST_P(RefreshTokenStoreContract, SessionsRotateAndReuseRevokesTheFamily) {
  core::ManualClock clock(kStart);
  auth::SessionManager sessions({.access_secret = std::string(32, 'a') + "-access",
                                 .refresh_secret = std::string(32, 'r') + "-refresh"},
                                *store_, clock);
  const auth::Subject alice{.user = "1", .organization = "1", .role = auth::Role::kEstimator};
  auto first = sessions.StartSession(alice);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = sessions.Rotate(first->refresh_token);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->family, first->family);
  EXPECT_EQ(sessions.Rotate(first->refresh_token).status().code(),
            StatusCode::kUnauthenticated);  // reuse: the family is revoked
  EXPECT_EQ(sessions.Rotate(second->refresh_token).status().code(), StatusCode::kUnauthenticated);
  auto other = sessions.StartSession(alice);
  ASSERT_TRUE(other.ok());
  std::atomic<int> rotated{0};
  std::latch start(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      if (sessions.Rotate(other->refresh_token).ok()) ++rotated;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(rotated.load(), 1);
  EXPECT_TRUE(sessions.Logout(other->refresh_token).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, RefreshTokenStoreContract,
                         ::testing::Values("memory", "sqlite", "postgresql"));

}  // namespace
}  // namespace estimate::store
