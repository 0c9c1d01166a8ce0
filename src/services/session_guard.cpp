#include "services/session_guard.hpp"

#include <mutex>
#include <utility>

#include "services/auth_service.hpp"
#include "store/account_repository.hpp"

namespace estimate::services {

namespace {
constexpr std::string_view kFamily = "family:";
constexpr std::string_view kUser = "user:";
}  // namespace

SessionGuard::SessionGuard(store::AccountRepository& accounts, cache::EventBus* bus,
                           Options options)
    : accounts_(accounts), bus_(bus), options_(options) {
  if (bus_ != nullptr) {
    bus_->Listen({[this](std::string_view m) { OnMessage(m); }, [this] { ForgetAll(); }});
  }
}

SessionGuard::~SessionGuard() {
  if (bus_ != nullptr) bus_->Stop();
}

Result<auth::Role> SessionGuard::CurrentRole(std::int64_t user_id, std::int64_t organization_id,
                                             std::string_view family) {
  const auto now = std::chrono::steady_clock::now();
  if (bus_ != nullptr) bus_->Sync();
  const bool remember = bus_ != nullptr && bus_->Live();
  if (remember) {
    std::shared_lock lock(mu_);
    auto it = entries_.find(std::string(family));
    if (it != entries_.end() && it->second.user_id == user_id &&
        it->second.organization_id == organization_id &&
        now - it->second.checked < options_.max_age) {
      return it->second.role;
    }
  }
  const std::uint64_t epoch = epoch_.load(std::memory_order_acquire);
  auto role = accounts_.SessionRole(user_id, organization_id, family);
  if (!role.ok()) return role.status();
  if (!role->has_value()) {
    return Status(StatusCode::kUnauthenticated,
                  "session ended (signed out, password or role changed, or removed from the "
                  "organization): sign in again");
  }
  if (remember) {
    std::unique_lock lock(mu_);
    // A change seen between the read and now may be older than the answer: keep nothing.
    if (epoch_.load(std::memory_order_acquire) == epoch && bus_->Live()) {
      if (entries_.size() >= options_.max_entries) entries_.clear();
      entries_[std::string(family)] = {user_id, organization_id, **role, now};
    }
  }
  return **role;
}

void SessionGuard::ForgetSession(std::string_view family) {
  std::unique_lock lock(mu_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  entries_.erase(std::string(family));
}

void SessionGuard::ForgetUser(std::string_view user_id) {
  const auto id = ParseId(user_id);
  std::unique_lock lock(mu_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  if (!id) return entries_.clear();
  std::erase_if(entries_, [&](const auto& e) { return e.second.user_id == *id; });
}

void SessionGuard::ForgetAll() {
  std::unique_lock lock(mu_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
}

void SessionGuard::OnMessage(std::string_view message) {
  if (message.starts_with(kFamily)) return ForgetSession(message.substr(kFamily.size()));
  if (message.starts_with(kUser)) return ForgetUser(message.substr(kUser.size()));
  ForgetAll();  // a message this version does not know: the safe reading
}

std::size_t SessionGuard::remembered() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

Status RevocationNotifier::RevokeFamily(std::string_view family) {
  Status s = inner_.RevokeFamily(family);
  // Told even when the store failed: the revocation may have committed before the error.
  if (local_ != nullptr) local_->ForgetSession(family);
  Tell(std::string(kFamily) + std::string(family));
  return s;
}

Status RevocationNotifier::RevokeUser(std::string_view user) {
  Status s = inner_.RevokeUser(user);
  if (local_ != nullptr) local_->ForgetUser(user);
  Tell(std::string(kUser) + std::string(user));
  return s;
}

void RevocationNotifier::Tell(const std::string& message) {
  if (bus_ != nullptr) bus_->Publish(message);
}

}  // namespace estimate::services
