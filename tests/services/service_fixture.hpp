#pragma once
// The services over a migrated database (SQLite always, PostgreSQL when configured) with the demo
// normative base imported and active, and accounts of two organizations.
#include <boost/json.hpp>

#include <memory>

#include "../store/engine_fixture.hpp"
#include "auth/in_memory_login_throttle.hpp"
#include "auth/session_manager.hpp"
#include "cache/result_cache.hpp"
#include "services/account_service.hpp"
#include "services/auth_service.hpp"
#include "services/base_service.hpp"
#include "services/estimate_service.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/base_release_repository.hpp"
#include "store/estimate_repository.hpp"
#include "store/sql_refresh_token_store.hpp"

namespace estimate::services::testing {

// Cheap hashing: the tests sign in often.
inline const auth::Argon2Params kTestHashing{1024, 1, 1, 16, 32};

class ServiceFixture : public store::testing::EngineFixture {
 protected:
  void SetUp() override {
    OpenDatabase();
    if (HasFatalFailure() || IsSkipped()) return;
    releases_ = std::make_unique<store::BaseReleaseRepository>(*db_);
    base_ = std::make_unique<BaseService>(*releases_);
    ImportRequest import;
    import.paths = {std::string(ESTIMATE_SOURCE_DIR) + "/demo/base"};
    import.name = "demo";
    auto outcome = base_->Import(import, {});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    accounts_ = std::make_unique<store::AccountRepository>(*db_);
    audit_ = std::make_unique<store::AuditRepository>(*db_);
    estimates_repo_ = std::make_unique<store::EstimateRepository>(*db_);
    tokens_ = std::make_unique<store::SqlRefreshTokenStore>(*db_);
    account_service_ =
        std::make_unique<AccountService>(*db_, *accounts_, *audit_, *tokens_, kTestHashing);
    results_ = cache::MakeInProcessResultCache(64u << 20);
    estimates_ = NewEstimateService();
    auto a = account_service_->AddUser({"admin@a.example", "correct horse A", "", auth::Role::kAdmin},
                                       "Org A");
    ASSERT_TRUE(a.ok()) << a.status().message();
    org_a_ = a->organization.id;
    admin_a_ = {a->user.id, org_a_, auth::Role::kAdmin, "req-a"};
    auto b = account_service_->AddUser({"admin@b.example", "correct horse B", "", auth::Role::kAdmin},
                                       "Org B");
    ASSERT_TRUE(b.ok()) << b.status().message();
    admin_b_ = {b->user.id, b->organization.id, auth::Role::kAdmin, "req-b"};
  }

  std::unique_ptr<EstimateServices> NewEstimateService() {
    return std::make_unique<EstimateServices>(*db_, *estimates_repo_, *audit_, *base_, *results_,
                                             EstimateServices::Options{});
  }

  // A member of organization A with `role`.
  Actor MemberOfA(auth::Role role, const std::string& email) {
    auto m = account_service_->AddMember(admin_a_, {email, "correct horse X", "", role});
    EXPECT_TRUE(m.ok()) << m.status().message();
    return {m.ok() ? m->member.user_id : 0, org_a_, role, "req"};
  }

  static boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

  std::unique_ptr<store::BaseReleaseRepository> releases_;
  std::unique_ptr<BaseService> base_;
  std::unique_ptr<store::AccountRepository> accounts_;
  std::unique_ptr<store::AuditRepository> audit_;
  std::unique_ptr<store::EstimateRepository> estimates_repo_;
  std::unique_ptr<store::SqlRefreshTokenStore> tokens_;
  std::unique_ptr<AccountService> account_service_;
  std::unique_ptr<cache::ResultCache> results_;
  std::unique_ptr<EstimateServices> estimates_;
  std::int64_t org_a_ = 0;
  Actor admin_a_, admin_b_;
};

inline std::string EngineName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace estimate::services::testing
