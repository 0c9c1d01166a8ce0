// The store's contract, run on SQLite always and on PostgreSQL when ESTIMATE_TEST_DATABASE_URL
// names one (CI does). Each PostgreSQL case works in a schema of its own.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/migrator.hpp"

namespace estimate::store {
namespace {

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

class StoreContract : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("store-test-" + RandomSuffix());
      url_ = "sqlite://" + (dir_ / "t.db").string();
      return;
    }
    const char* pg = std::getenv("ESTIMATE_TEST_DATABASE_URL");
    if (pg == nullptr || std::string(pg).rfind("postgres", 0) != 0) {
      GTEST_SKIP() << "ESTIMATE_TEST_DATABASE_URL does not name a PostgreSQL database";
    }
    schema_ = "t_" + RandomSuffix();
    auto admin = Database::Open({pg, 1});
    ASSERT_TRUE(admin.ok());
    auto lease = (*admin)->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    lease->session() << "CREATE SCHEMA " + schema_;
    std::string base = pg;
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
    pg_base_ = base;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      auto admin = Database::Open({pg_base_, 1});
      auto lease = (*admin)->Acquire();
      if (lease.ok()) lease->session() << "DROP SCHEMA " + schema_ + " CASCADE";
    }
  }
  std::unique_ptr<Database> Open(std::size_t pool = 2,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    DatabaseOptions o;
    o.url = url_;
    o.pool_size = pool;
    o.acquire_timeout = timeout;
    auto db = Database::Open(o);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return std::move(db).value();
  }

  std::filesystem::path dir_;
  std::string url_, schema_, pg_base_;
};

TEST_P(StoreContract, MigrateAppliesEveryMigrationOnceAndRecordsIt) {
  auto db = Open();
  auto before = InspectSchema(*db);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(before->applied, 0);
  auto applied = Migrate(*db);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, static_cast<int>(Migrations_sqlite().size()));
  auto again = Migrate(*db);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto after = InspectSchema(*db);
  EXPECT_EQ(after->applied, after->known);
  auto lease = db->Acquire();
  int n = 0;
  lease->session() << "SELECT COUNT(*) FROM settings WHERE key = 'installation_id'", soci::into(n);
  EXPECT_EQ(n, 1);
}

TEST_P(StoreContract, FailedMigrationLeavesNothingBehind) {
  auto db = Open();
  {
    auto lease = db->Acquire();
    // A table in the way of migration 0001 makes it fail half-way.
    lease->session() << "CREATE TABLE settings (x INTEGER)";
  }
  auto applied = Migrate(*db);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.status().message().find("0001_settings"), std::string::npos)
      << applied.status().message();
  auto state = InspectSchema(*db);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->applied, 0);
}

TEST_P(StoreContract, PoolLeasesUpToItsSizeThenTimesOut) {
  auto db = Open(2, std::chrono::milliseconds(200));
  auto a = db->Acquire();
  auto b = db->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(db->Stats().in_use, 2u);
  auto c = db->Acquire();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  { auto released = std::move(a).value(); }
  EXPECT_EQ(db->Stats().in_use, 1u);
  EXPECT_EQ(db->Stats().idle, 1u);
  EXPECT_TRUE(db->Acquire().ok());
}

TEST_P(StoreContract, BrokenConnectionIsReplacedOnNextLease) {
  auto db = Open(1);
  {
    auto lease = db->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->MarkBroken();
  }
  EXPECT_EQ(db->Stats().idle, 0u);
  EXPECT_TRUE(db->Ping().ok());
  EXPECT_EQ(db->Stats().idle, 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract, testing::Values("sqlite", "postgresql"));

TEST(Store, BothDialectsCarryTheSameMigrationNumbers) {
  const auto& a = Migrations_sqlite();
  const auto& b = Migrations_postgresql();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].version, static_cast<int>(i + 1));
    EXPECT_EQ(a[i].version, b[i].version);
    EXPECT_STREQ(a[i].name, b[i].name);
  }
}

TEST(Store, UnreachablePostgresIsUnavailableNotAHang) {
  auto db = Database::Open({"postgresql://nobody@127.0.0.1:1/none", 1});
  ASSERT_TRUE(db.ok());
  auto started = std::chrono::steady_clock::now();
  Status s = (*db)->Ping();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(Store, RejectsUnknownSchemesAndHidesPasswords) {
  EXPECT_FALSE(Database::Open({"mysql://x", 1}).ok());
  auto db = Database::Open({"postgresql://u:hunter2@h/db", 1});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->display_url(), "postgresql://u:***@h/db");
}

}  // namespace
}  // namespace estimate::store
