#include <gtest/gtest.h>

#include <string>

#include "auth/in_memory_login_throttle.hpp"

namespace estimate::auth {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Seconds kStart{seconds(1'767'225'600)};

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
};

TEST_F(LoginThrottleTest, AllowsAFreshAccount) {
  const ThrottleDecision d = throttle_.Check("alice@example.ru", "10.0.0.1");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(0));
  EXPECT_EQ(throttle_.size(), 0u);  // checking creates no state
}

TEST_F(LoginThrottleTest, DelaysGrowExponentiallyThenTheAccountLocks) {
  // 1st failure free; then 1 s, 2 s, 4 s; the 5th within 15 minutes locks for 15 minutes.
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.1").retry_after, seconds(0));
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.2").retry_after, seconds(1));
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.3").retry_after, seconds(2));
  EXPECT_EQ(FailWhenAllowed("alice", "10.0.0.4").retry_after, seconds(4));
  const ThrottleDecision locked = FailWhenAllowed("alice", "10.0.0.5");
  EXPECT_FALSE(locked.allowed);
  EXPECT_TRUE(locked.locked);
  EXPECT_EQ(locked.retry_after, minutes(15));

  // Locked from any address, counting down; then free again.
  clock_.Advance(minutes(10));
  const ThrottleDecision later = throttle_.Check("alice", "192.168.1.1");
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.retry_after, minutes(5));
  clock_.Advance(minutes(5));
  EXPECT_TRUE(throttle_.Check("alice", "192.168.1.1").allowed);
  // Other accounts were never affected.
  EXPECT_TRUE(throttle_.Check("bob", "10.0.0.9").allowed);
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

TEST_F(LoginThrottleTest, SuccessResetsTheAccount) {
  for (int i = 0; i < 4; ++i) FailWhenAllowed("alice", "10.0.0.1");
  clock_.Advance(seconds(8));
  ASSERT_TRUE(throttle_.Check("alice", "10.0.0.1").allowed);
  throttle_.RecordSuccess("alice", "10.0.0.1");
  // A fresh allowance: the next failure is free again and four more do not lock.
  EXPECT_EQ(throttle_.RecordFailure("alice", "10.0.0.1").retry_after, seconds(0));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(FailWhenAllowed("alice", "10.0.0.1").locked);
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
  EXPECT_FALSE(throttle_.Check("someone-else", "203.0.113.7").allowed);
  EXPECT_TRUE(throttle_.Check("someone-else", "198.51.100.1").allowed);
}

TEST_F(LoginThrottleTest, DelayIsCapped) {
  ThrottleSettings settings;
  settings.account = {100, minutes(15), minutes(15), 1};
  settings.max_delay = seconds(30);
  ManualClock clock{kStart};
  InMemoryLoginThrottle throttle(settings, clock);
  ThrottleDecision d;
  for (int i = 0; i < 12; ++i) d = throttle.RecordFailure("alice", "10.0.0." + std::to_string(i));
  EXPECT_EQ(d.retry_after, seconds(30));
}

TEST_F(LoginThrottleTest, MemoryIsBounded) {
  ThrottleSettings settings;
  settings.max_entries = 50;
  ManualClock clock{kStart};
  InMemoryLoginThrottle throttle(settings, clock);
  for (int i = 0; i < 1000; ++i) {
    throttle.RecordFailure("account" + std::to_string(i), "ip" + std::to_string(i));
  }
  EXPECT_LE(throttle.size(), 50u);
  // The most recent keys are the ones kept.
  throttle.RecordFailure("account999", "ip999");
  EXPECT_FALSE(throttle.Check("account999", "x").allowed);
}

}  // namespace
}  // namespace estimate::auth
