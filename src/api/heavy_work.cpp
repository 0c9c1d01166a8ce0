#include "api/heavy_work.hpp"

#include <string>

namespace estimate::api {

namespace {
constexpr int kRetryAfterSeconds = 5;
}

HeavyWorkGate::Slot::~Slot() {
  if (gate_ != nullptr) gate_->Release(org_);
}

std::optional<HeavyWorkGate::Slot> HeavyWorkGate::TryAcquire(std::int64_t organization,
                                                             const http::Request& request,
                                                             http::Response& refusal) {
  std::string detail;
  {
    std::lock_guard lock(mu_);
    int& mine = by_organization_[organization];
    if (mine >= per_organization_) {
      detail = "your organization already has " + std::to_string(mine) +
               " documents being read or written (the limit); retry when one is done";
    } else if (running_ >= global_) {
      detail = "the server is reading or writing " + std::to_string(running_) +
               " documents (the limit); retry shortly";
    } else {
      ++mine;
      ++running_;
      return Slot(this, organization);
    }
    if (mine == 0) by_organization_.erase(organization);
  }
  refusal = http::Response::Problem(429, {}, detail, request.path, request.request_id);
  refusal.headers.emplace_back("retry-after", std::to_string(kRetryAfterSeconds));
  return std::nullopt;
}

void HeavyWorkGate::Release(std::int64_t organization) {
  std::lock_guard lock(mu_);
  --running_;
  auto it = by_organization_.find(organization);
  if (it != by_organization_.end() && --it->second <= 0) by_organization_.erase(it);
}

int HeavyWorkGate::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

}  // namespace estimate::api
