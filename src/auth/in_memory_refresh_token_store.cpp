#include "auth/in_memory_refresh_token_store.hpp"

#include <vector>

namespace estimate::auth {

Status InMemoryRefreshTokenStore::Insert(const RefreshTokenRecord& record) {
  std::lock_guard lock(mutex_);
  if (revoked_families_.contains(record.family)) {
    return FailedPrecondition("refresh token: the family was revoked");
  }
  if (tokens_.contains(record.jti)) {
    return {StatusCode::kAlreadyExists, "refresh token: the jti exists"};
  }
  RefreshTokenRecord stored = record;
  stored.state = RefreshTokenState::kActive;
  tokens_.emplace(stored.jti, std::move(stored));
  return Status::Ok();
}

Result<RefreshTokenRecord> InMemoryRefreshTokenStore::Find(std::string_view jti) {
  std::lock_guard lock(mutex_);
  const auto it = tokens_.find(jti);
  if (it == tokens_.end()) return NotFound("refresh token: unknown jti");
  RefreshTokenRecord record = it->second;
  if (revoked_families_.contains(record.family)) record.state = RefreshTokenState::kRevoked;
  return record;
}

Status InMemoryRefreshTokenStore::MarkUsed(std::string_view jti) {
  std::lock_guard lock(mutex_);
  const auto it = tokens_.find(jti);
  if (it == tokens_.end()) return NotFound("refresh token: unknown jti");
  if (it->second.state != RefreshTokenState::kActive ||
      revoked_families_.contains(it->second.family)) {
    return FailedPrecondition("refresh token: not active");
  }
  it->second.state = RefreshTokenState::kUsed;
  return Status::Ok();
}

Status InMemoryRefreshTokenStore::RevokeFamily(std::string_view family) {
  std::lock_guard lock(mutex_);
  revoked_families_.emplace(family);
  for (auto& [jti, record] : tokens_) {
    if (record.family == family) record.state = RefreshTokenState::kRevoked;
  }
  return Status::Ok();
}

Status InMemoryRefreshTokenStore::RevokeUser(std::string_view user) {
  std::lock_guard lock(mutex_);
  for (auto& [jti, record] : tokens_) {
    if (record.user == user) {
      record.state = RefreshTokenState::kRevoked;
      revoked_families_.insert(record.family);
    }
  }
  return Status::Ok();
}

Status InMemoryRefreshTokenStore::DeleteExpired(Seconds now) {
  std::lock_guard lock(mutex_);
  std::erase_if(tokens_, [now](const auto& entry) { return entry.second.expires < now; });
  // A revoked family with no tokens left can no longer be presented: forget it too.
  std::set<std::string, std::less<>> live;
  for (const auto& [jti, record] : tokens_) live.insert(record.family);
  std::erase_if(revoked_families_, [&live](const std::string& f) { return !live.contains(f); });
  return Status::Ok();
}

std::size_t InMemoryRefreshTokenStore::size() const {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

}  // namespace estimate::auth
