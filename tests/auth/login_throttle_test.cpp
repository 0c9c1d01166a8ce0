#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/in_memory_login_throttle.hpp"

namespace estimate::auth {
namespace {

using core::ManualClock;
using std::chrono::minutes;
using std::chrono::seconds;

const Seconds kStart{seconds(1'767'225'600)};

bool Has(const std::vector<LockChange>& changes, ThrottleKey key) {
  for (const auto& c : changes) {
    if (c.key == key) return true;
  }
  return false;
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  ManualClock clock_{kStart};
  InMemoryLoginThrottle throttle_{ThrottleSettings{}, clock_};

  // A failed attempt made as soon as the throttle allows it; returns the decision after it.
  ThrottleDecision FailWhenAllowed(const std::string& account, const std::string& ip) {
    const ThrottleDecision before = throttle_.Check(account, ip);
    if (!before.allowed) clock_.Advance(before.retry_after);
    EXPECT_TRUE(throttle_.Check(account, ip).allowed);
    return throttle_.RecordFailure(account, ip);
  }

  // Failures from `count` addresses of their own (one each, ignoring any delay): guessing spread
  // wide enough that neither a pair nor an address reaches its limit. Returns the last decision.
  ThrottleDecision FailFromManyAddresses(const std::string& account, int count) {
    ThrottleDecision d;
    for (int i = 0; i < count; ++i) {
      d = throttle_.RecordFailure(account, "198.51.100." + std::to_string(i));
    }
    return d;
  }
};

TEST_F(LoginThrottleTest, AllowsAFreshAccount) {
  const ThrottleDecision d = throttle_.Check("alice@example.ru", "10.0.0.1");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(0));
  EXPECT_EQ(throttle_.size(), 0u);  // checking creates no state
}

TEST_F(LoginThrottleTest, DelaysGrowExponentiallyThenThePairLocks) {
  // 1st failure free; then 1 s, 2 s, 4 s; the 5th within 15 minutes locks for 15 minutes.
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.1").retry_after, seconds(0));
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.1").retry_after, seconds(1));
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.1").retry_after, seconds(2));
  const ThrottleDecision fourth = FailWhenAllowed("alice", "10.0.0.1");
  EXPECT_EQ(fourth.retry_after, seconds(4));
  EXPECT_TRUE(fourth.locked_now.empty());
  const ThrottleDecision locked = FailWhenAllowed("alice", "10.0.0.1");
  EXPECT_FALSE(locked.allowed);
  EXPECT_TRUE(locked.locked);
  EXPECT_EQ(locked.retry_after, minutes(15));
  ASSERT_EQ(locked.locked_now.size(), 1u);  // the pair only: not the address, not the account
  EXPECT_EQ(locked.locked_now[0].key, ThrottleKey::kPair);
  const Seconds until = core::NowSeconds(clock_) + minutes(15);
  EXPECT_EQ(locked.locked_now[0].until, until);

  // Locked from that address, counting down; then free again, the release reported once.
  clock_.Advance(minutes(10));
  const ThrottleDecision later = throttle_.Check("alice", "10.0.0.1");
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.retry_after, minutes(5));
  EXPECT_TRUE(later.released.empty());
  clock_.Advance(minutes(5));
  const ThrottleDecision over = throttle_.Check("alice", "10.0.0.1");
  EXPECT_TRUE(over.allowed);
  ASSERT_EQ(over.released.size(), 1u);
  EXPECT_EQ(over.released[0].key, ThrottleKey::kPair);
  EXPECT_EQ(over.released[0].until, until);
  EXPECT_TRUE(throttle_.Check("alice", "10.0.0.1").released.empty());
  // Other accounts were never affected.
  EXPECT_TRUE(throttle_.Check("bob", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, AnAttackersFailuresDoNotLockTheOwnerOut) {
  // The probe: wrong passwords from A, ignoring every Retry-After, until A is locked out.
  ThrottleDecision d;
  for (int i = 0; i < 8; ++i) d = throttle_.RecordFailure("admin@example.com", "203.0.113.66");
  EXPECT_TRUE(d.locked);
  EXPECT_FALSE(throttle_.Check("admin@example.com", "203.0.113.66").allowed);
  // The owner, from B, is neither locked nor delayed.
  const ThrottleDecision owner = throttle_.Check("admin@example.com", "192.0.2.10");
  EXPECT_TRUE(owner.allowed);
  EXPECT_EQ(owner.retry_after, seconds(0));
  EXPECT_TRUE(throttle_.RecordSuccess("admin@example.com", "192.0.2.10").empty());
  // The owner's sign-in does not free the attacker: A stays locked, even with the right
  // password (the caller checks before it verifies).
  const ThrottleDecision attacker = throttle_.Check("admin@example.com", "203.0.113.66");
  EXPECT_FALSE(attacker.allowed);
  EXPECT_TRUE(attacker.locked);
}

TEST_F(LoginThrottleTest, TellsHowLongToWaitDuringADelay) {
  throttle_.RecordFailure("alice", "10.0.0.1");
  throttle_.RecordFailure("alice", "10.0.0.1");
  throttle_.RecordFailure("alice", "10.0.0.1");  // 3rd: 2 s
  const ThrottleDecision d = throttle_.Check("alice", "10.0.0.1");
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.locked);
  EXPECT_EQ(d.retry_after, seconds(2));
  clock_.Advance(seconds(1));
  EXPECT_EQ(throttle_.Check("alice", "10.0.0.1").retry_after, seconds(1));
  clock_.Advance(seconds(1));
  EXPECT_TRUE(throttle_.Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, FailuresOutsideTheWindowAreForgotten) {
  for (int i = 0; i < 4; ++i) {
    FailWhenAllowed("alice", "10.0.0.1");
    clock_.Advance(minutes(5));
  }
  // Four failures, but only the last three lie within 15 minutes: the 5th does not lock.
  const ThrottleDecision d = FailWhenAllowed("alice", "10.0.0.1");
  EXPECT_FALSE(d.locked);
}

TEST_F(LoginThrottleTest, SuccessResetsThePair) {
  for (int i = 0; i < 4; ++i) FailWhenAllowed("alice", "10.0.0.1");
  clock_.Advance(seconds(8));
  ASSERT_TRUE(throttle_.Check("alice", "10.0.0.1").allowed);
  throttle_.RecordSuccess("alice", "10.0.0.1");
  // A fresh allowance: the next failure is free again and four more do not lock.
  EXPECT_EQ(throttle_.RecordFailure("alice", "10.0.0.1").retry_after, seconds(0));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(FailWhenAllowed("alice", "10.0.0.1").locked);
}

TEST_F(LoginThrottleTest, ASuccessEndsALockStillOnAndSaysSo) {
  // A sign-in that passed Check just before a parallel failure locked the pair.
  for (int i = 0; i < 5; ++i) throttle_.RecordFailure("alice", "10.0.0.1");
  ASSERT_FALSE(throttle_.Check("alice", "10.0.0.1").allowed);
  const std::vector<LockChange> released = throttle_.RecordSuccess("alice", "10.0.0.1");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].key, ThrottleKey::kPair);
  EXPECT_EQ(released[0].until, clock_.Now() + minutes(15));
  EXPECT_TRUE(throttle_.Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, LimitsOneAddressGuessingManyAccounts) {
  // Password spraying: one IP, a different account each time. The accounts never lock, the IP
  // does after 20 failures; a success on one's own account does not reset the IP.
  ThrottleDecision d;
  for (int i = 0; i < 19; ++i) {
    d = FailWhenAllowed("user" + std::to_string(i), "203.0.113.7");
    EXPECT_FALSE(d.locked) << i;
    if (i == 10) throttle_.RecordSuccess("attacker", "203.0.113.7");
  }
  d = FailWhenAllowed("user19", "203.0.113.7");
  EXPECT_TRUE(d.locked);
  EXPECT_EQ(d.retry_after, minutes(15));
  EXPECT_TRUE(Has(d.locked_now, ThrottleKey::kAddress));
  EXPECT_FALSE(throttle_.Check("someone-else", "203.0.113.7").allowed);
  EXPECT_TRUE(throttle_.Check("someone-else", "198.51.100.1").allowed);
  // Not even a known-good address of an account gets past its address's lock.
  EXPECT_FALSE(throttle_.Check("attacker", "203.0.113.7").allowed);
}

TEST_F(LoginThrottleTest, GuessingFromManyAddressesLocksTheAccountForUnknownAddressesOnly) {
  throttle_.RecordSuccess("alice", "192.0.2.10");  // the owner's office
  // 49 failures spread over 49 addresses: delayed for new addresses, not yet locked.
  ThrottleDecision d = FailFromManyAddresses("alice", 49);
  EXPECT_FALSE(d.locked);
  EXPECT_FALSE(throttle_.Check("alice", "203.0.113.1").allowed);  // the delay
  EXPECT_TRUE(throttle_.Check("alice", "192.0.2.10").allowed);
  // The 50th locks the account, for every address but the known-good one.
  d = throttle_.RecordFailure("alice", "198.51.100.200");
  ASSERT_EQ(d.locked_now.size(), 1u);
  EXPECT_EQ(d.locked_now[0].key, ThrottleKey::kAccount);
  EXPECT_EQ(d.locked_now[0].until, clock_.Now() + minutes(15));
  const ThrottleDecision stranger = throttle_.Check("alice", "203.0.113.1");
  EXPECT_FALSE(stranger.allowed);
  EXPECT_TRUE(stranger.locked);
  EXPECT_EQ(stranger.retry_after, minutes(15));
  const ThrottleDecision office = throttle_.Check("alice", "192.0.2.10");
  EXPECT_TRUE(office.allowed);
  EXPECT_EQ(office.retry_after, seconds(0));
  // A wrong password typed at the office counts, but only the office's pair holds it back.
  const ThrottleDecision typo = throttle_.RecordFailure("alice", "192.0.2.10");
  EXPECT_TRUE(typo.allowed);
  EXPECT_FALSE(typo.locked);
  // The owner's sign-in does not lift the lock for the others.
  throttle_.RecordSuccess("alice", "192.0.2.10");
  EXPECT_FALSE(throttle_.Check("alice", "203.0.113.1").allowed);
  // Other accounts are not affected.
  EXPECT_TRUE(throttle_.Check("bob", "203.0.113.1").allowed);
  // Over after 15 minutes; the first attempt to find it so reports the release, once.
  clock_.Advance(minutes(15));
  const ThrottleDecision over = throttle_.Check("alice", "192.0.2.10");
  EXPECT_TRUE(over.allowed);
  ASSERT_EQ(over.released.size(), 1u);
  EXPECT_EQ(over.released[0].key, ThrottleKey::kAccount);
  EXPECT_TRUE(throttle_.Check("alice", "203.0.113.1").allowed);
  EXPECT_TRUE(throttle_.Check("alice", "203.0.113.1").released.empty());
}

TEST_F(LoginThrottleTest, AKnownGoodAddressIsStillLockedOutByItsOwnFailures) {
  // Known-good frees an address from others' guessing, not from its own: an attacker behind
  // the owner's address (or with the owner's device) is still stopped at five.
  throttle_.RecordSuccess("alice", "192.0.2.10");
  ThrottleDecision d;
  for (int i = 0; i < 5; ++i) d = throttle_.RecordFailure("alice", "192.0.2.10");
  EXPECT_TRUE(d.locked);
  EXPECT_TRUE(Has(d.locked_now, ThrottleKey::kPair));
  EXPECT_FALSE(throttle_.Check("alice", "192.0.2.10").allowed);
}

TEST_F(LoginThrottleTest, KnownGoodAddressesAreTheMostRecentFewPerAccount) {
  ThrottleSettings settings;
  settings.known_addresses_per_account = 2;
  ManualClock clock{kStart};
  InMemoryLoginThrottle throttle(settings, clock);
  throttle.RecordSuccess("alice", "192.0.2.1");
  throttle.RecordSuccess("alice", "192.0.2.2");
  throttle.RecordSuccess("alice", "192.0.2.1");  // used again: the most recent
  throttle.RecordSuccess("alice", "192.0.2.3");  // 192.0.2.2 is forgotten
  for (int i = 0; i < 50; ++i) throttle.RecordFailure("alice", "198.51.100." + std::to_string(i));
  EXPECT_TRUE(throttle.Check("alice", "192.0.2.1").allowed);
  EXPECT_FALSE(throttle.Check("alice", "192.0.2.2").allowed);
  EXPECT_TRUE(throttle.Check("alice", "192.0.2.3").allowed);
  // Known-good for one account says nothing about another.
  for (int i = 0; i < 50; ++i) throttle.RecordFailure("bob", "198.51.100." + std::to_string(i));
  EXPECT_FALSE(throttle.Check("bob", "192.0.2.1").allowed);
}

TEST_F(LoginThrottleTest, DelayIsCapped) {
  ThrottleSettings settings;
  settings.pair = {100, minutes(15), minutes(15), 1};
  settings.ip = {100, minutes(15), minutes(15), 1};
  settings.max_delay = seconds(30);
  ManualClock clock{kStart};
  InMemoryLoginThrottle throttle(settings, clock);
  ThrottleDecision d;
  for (int i = 0; i < 12; ++i) d = throttle.RecordFailure("alice", "10.0.0.1");
  EXPECT_EQ(d.retry_after, seconds(30));
}

TEST_F(LoginThrottleTest, MemoryIsBounded) {
  ThrottleSettings settings;
  settings.max_entries = 50;
  ManualClock clock{kStart};
  InMemoryLoginThrottle throttle(settings, clock);
  for (int i = 0; i < 1000; ++i) {
    throttle.RecordFailure("account" + std::to_string(i), "ip" + std::to_string(i));
    throttle.RecordSuccess("owner" + std::to_string(i), "ip" + std::to_string(i));
  }
  EXPECT_LE(throttle.size(), 50u);
  EXPECT_LE(throttle.known_accounts(), 50u);
  // The most recent keys are the ones kept.
  throttle.RecordFailure("account999", "ip999");
  EXPECT_FALSE(throttle.Check("account999", "ip999").allowed);
  for (int i = 0; i < 50; ++i) throttle.RecordFailure("owner999", "x" + std::to_string(i));
  EXPECT_TRUE(throttle.Check("owner999", "ip999").allowed);
  EXPECT_FALSE(throttle.Check("owner999", "y").allowed);
}

TEST_F(LoginThrottleTest, EachLockAndReleaseIsReportedOnceUnderConcurrency) {
  // 8 threads × 5 failures on one pair: every 5th failure engages the lock, whichever thread
  // makes it, so exactly 8 locks are reported; after the lock, exactly one thread reports it
  // over.
  std::atomic<int> pair_locks = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        const ThrottleDecision d = throttle_.RecordFailure("alice", "10.0.0.1");
        if (Has(d.locked_now, ThrottleKey::kPair)) ++pair_locks;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(pair_locks, 8);
  clock_.Advance(minutes(15));
  std::atomic<int> releases = 0;
  threads.clear();
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (Has(throttle_.Check("alice", "10.0.0.1").released, ThrottleKey::kPair)) ++releases;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(releases, 1);
}

}  // namespace
}  // namespace estimate::auth
