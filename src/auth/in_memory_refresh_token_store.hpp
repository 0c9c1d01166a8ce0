#pragma once
// RefreshTokenStore in a process's memory: for tests and for a single-process development run
// (sessions do not survive a restart). Thread-safe; RevokeFamily and RevokeUser scan all tokens.
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "auth/refresh_token_store.hpp"

namespace estimate::auth {

class InMemoryRefreshTokenStore final : public RefreshTokenStore {
 public:
  Status Insert(const RefreshTokenRecord& record) override;
  Result<RefreshTokenRecord> Find(std::string_view jti) override;
  Status MarkUsed(std::string_view jti) override;
  Status RevokeFamily(std::string_view family) override;
  Status RevokeUser(std::string_view user) override;
  Status DeleteExpired(Seconds now) override;

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, RefreshTokenRecord, std::less<>> tokens_;  // by jti
  std::set<std::string, std::less<>> revoked_families_;
};

}  // namespace estimate::auth
