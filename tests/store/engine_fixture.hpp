#pragma once
// A migrated database per test case for the contract suites of the accounts, refresh tokens and
// audit repositories: a fresh SQLite file always; PostgreSQL when ESTIMATE_TEST_DATABASE_URL
// names one, in a schema of its own (dropped afterwards). The parameter names the engine.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/database.hpp"
#include "store/migrator.hpp"

namespace estimate::store::testing {

inline std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

class EngineFixture : public ::testing::TestWithParam<std::string> {
 protected:
  // Opens and migrates the database of GetParam() ("sqlite" or "postgresql"); skips the case
  // when PostgreSQL is not configured. Call from SetUp, then check HasFatalFailure/IsSkipped.
  void OpenDatabase(std::size_t pool_size = 8) {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("accounts-test-" + RandomSuffix());
      url = "sqlite://" + (dir_ / "t.db").string();
    } else {
      const char* pg = std::getenv("ESTIMATE_TEST_DATABASE_URL");
      if (pg == nullptr || std::string(pg).rfind("postgres", 0) != 0) {
        GTEST_SKIP() << "ESTIMATE_TEST_DATABASE_URL does not name a PostgreSQL database";
      }
      pg_base_ = pg;
      schema_ = "a_" + RandomSuffix();
      auto admin = Database::Open({pg_base_, 1});
      ASSERT_TRUE(admin.ok());
      auto lease = (*admin)->Acquire();
      ASSERT_TRUE(lease.ok()) << lease.status().message();
      lease->session() << "CREATE SCHEMA " + schema_;
      url = pg_base_ + (pg_base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    auto db = Database::Open({url, pool_size});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    auto migrated = Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.status().message();
  }

  void TearDown() override {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      auto admin = Database::Open({pg_base_, 1});
      auto lease = (*admin)->Acquire();
      if (lease.ok()) lease->session() << "DROP SCHEMA " + schema_ + " CASCADE";
    }
  }

  // Rows of `table` (for checks that a rolled-back write left nothing).
  long long CountRows(const std::string& table) {
    auto lease = db_->Acquire();
    EXPECT_TRUE(lease.ok());
    long long n = 0;
    lease->session() << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
  }

  std::filesystem::path dir_;
  std::string schema_, pg_base_;
  std::unique_ptr<Database> db_;
};

}  // namespace estimate::store::testing
