#include "api/heavy_work.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace estimate::api {
namespace {

TEST(HeavyWorkGate, CapsEachOrganizationAndTheProcessWith429AndRetryAfter) {
  HeavyWorkGate gate(3, 2);
  http::Request request;
  request.path = "/api/v1/estimates/1/export";
  http::Response refusal;
  std::vector<HeavyWorkGate::Slot> held;
  for (int i = 0; i < 2; ++i) {
    auto slot = gate.TryAcquire(7, request, refusal);
    ASSERT_TRUE(slot.has_value());
    held.push_back(std::move(*slot));
  }
  // A third for organization 7 is refused; another organization still gets one.
  EXPECT_FALSE(gate.TryAcquire(7, request, refusal).has_value());
  EXPECT_EQ(refusal.status, 429);
  bool retry_after = false;
  for (const auto& [k, v] : refusal.headers) retry_after |= k == "retry-after" && v == "5";
  EXPECT_TRUE(retry_after);
  auto other = gate.TryAcquire(8, request, refusal);
  ASSERT_TRUE(other.has_value());
  held.push_back(std::move(*other));
  EXPECT_EQ(gate.running(), 3);
  // The process is full: a third organization waits too.
  EXPECT_FALSE(gate.TryAcquire(9, request, refusal).has_value());
  EXPECT_NE(refusal.body.find("limit"), std::string::npos);
  // Slots come back when the work is done.
  held.clear();
  EXPECT_EQ(gate.running(), 0);
  EXPECT_TRUE(gate.TryAcquire(7, request, refusal).has_value());
}

}  // namespace
}  // namespace estimate::api
