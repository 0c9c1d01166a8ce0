// The base release repository's contract, on SQLite always and on PostgreSQL when
// ESTIMATE_TEST_DATABASE_URL names one. Each PostgreSQL case works in a schema of its own.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "store/base_release_repository.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"
#include "synthetic_release.hpp"

namespace estimate::store {
namespace {

using core::Decimal;
using testing::DiffReleases;
using testing::MakeSyntheticRelease;
using testing::SyntheticSize;

// Every table of migration 0002 that holds rows of a release.
constexpr const char* kReleaseTables[] = {"base_source_files",
                                          "norm_sections",
                                          "norms",
                                          "norm_resources",
                                          "book_sections",
                                          "price_book",
                                          "tech_groups",
                                          "tech_group_resources",
                                          "coefficient_rules",
                                          "coefficient_rule_applies",
                                          "coefficient_rule_formulas",
                                          "coefficient_rule_resources",
                                          "overhead_profit_rates",
                                          "regional_prices",
                                          "regional_labor_prices",
                                          "regional_current_prices",
                                          "regional_group_indices"};

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

SyntheticSize Small() {
  SyntheticSize s;
  s.norms = 120;
  s.norm_resources = 2000;
  s.materials = 400;
  s.machines = 30;
  s.equipment = 10;
  s.regions = 2;
  return s;
}

// A small release plus the awkward cases a real base has: texts with tabs, newlines, backslashes
// and quotes, empty texts, decimals at every scale, "П" lines, abstract resources.
std::unique_ptr<normbase::BaseRelease> AwkwardRelease(const std::string& name) {
  auto r = MakeSyntheticRelease(Small(), name);
  auto& t = r->text;
  normbase::Norm n;
  n.family = normbase::NormFamily::kGesnmr;
  n.code = t.Intern("38-01-001-01");
  n.name = t.Intern("Монтаж\tконструкций\nс «кавычками», \"двойными\" и \\обратной\\ чертой");
  n.unit = t.Intern("");
  n.table = -1;
  n.content = {t.Intern(""), t.Intern("строка\r\nвторая \x01 управляющий"), t.Intern("[\",]")};
  n.overhead_code = t.Intern("");
  n.profit_code = t.Intern("");
  normbase::NormResource big;
  big.code = t.Intern("01.7.03.01-0001");
  big.name = t.Intern("");
  big.unit = t.Intern("");
  big.consumption = Decimal::Literal("12345678901234567890123.456789012345");
  normbase::NormResource zero = big;
  zero.consumption = Decimal::Literal("0.0000");
  normbase::NormResource negative = big;
  negative.consumption = Decimal::Literal("-0.5");
  normbase::NormResource by_project = big;
  by_project.by_project = true;
  by_project.consumption = Decimal::Invalid();
  normbase::NormResource by_project_with_figure = big;
  by_project_with_figure.by_project = true;
  by_project_with_figure.consumption = Decimal::Literal("1");
  normbase::NormResource abstract = big;
  abstract.code = t.Intern("27.01.01.01-abstract");
  abstract.abstract = true;
  abstract.by_project = true;
  abstract.consumption = Decimal::Invalid();
  abstract.tech_groups = {r->tech_groups[0].code, t.Intern("ТГ с \"кавычкой\"\tи табуляцией")};
  n.resources = {big, zero, negative, by_project, by_project_with_figure, abstract};
  r->norms.push_back(n);
  r->norms.push_back({});  // a norm of defaults: no code text, no lines
  r->norms.back().code = t.Intern("empty-norm");
  r->resources.back().machinist_rank = Decimal::Literal("6.0");
  r->resources.back().with_relocation = true;
  r->resources.back().electricity = Decimal::Literal("0.0");
  r->resources.back().electricity_cost = Decimal::Invalid();
  // A coefficient rule whose texts need escaping in JSON and in COPY, with a formula for a key,
  // a resource group that sets nothing, empty lists in JSON, and one of all defaults.
  normbase::CoefficientRule k;
  k.code = t.Intern("ТЧ-\"особый\"");
  k.section = t.Intern("С.-Ч.\t1\\2");
  k.worker = Decimal::Literal("1.000");
  k.machinist = Decimal::Invalid();
  k.equipment = Decimal::Literal("-0.5");
  k.labor = k.machinist_labor = k.machines = k.materials = k.value = Decimal::Invalid();
  k.formulas = {{t.Intern("Machine"), t.Intern("1+0,12*N\t\"мин\"")},
                {t.Intern(""), t.Intern("")}};
  k.formula = k.formulas[0].formula;
  k.applies_sections = {t.Intern("02-01-01-036"), t.Intern("[\",]\n\\")};
  k.excluded = {t.Intern("")};
  normbase::CoefficientRule::ResourceFactors none;
  none.worker = none.machine = none.machinist = none.material = Decimal::Invalid();
  none.labor = none.machinist_labor = none.equipment = Decimal::Invalid();
  normbase::CoefficientRule::ResourceFactors all;
  all.codes = {t.Intern("91.05.01-017"), t.Intern("код\tс табуляцией")};
  all.worker = Decimal::Literal("1.1"), all.machine = Decimal::Literal("1.20");
  all.machinist = Decimal::Literal("1.300"), all.material = Decimal::Literal("0");
  all.labor = Decimal::Literal("0.0"), all.machinist_labor = Decimal::Literal("2");
  all.equipment = Decimal::Literal("1.0000000001");
  k.resource_factors = {none, all};
  k.exclude_groups = {t.Intern("1"), t.Intern("группа \"Б\"")};
  k.start_use = t.Intern("2024-01-01");
  k.end_use = t.Intern("2025-06-30");
  r->coefficients.push_back(k);
  r->coefficients.push_back({});
  normbase::OverheadProfitRate rate;
  rate.code = t.Intern("Пр/812-999.0");
  rate.item = t.Intern("12.3\tа");
  r->rates.push_back(rate);
  r->info.sources.push_back({"путь\\с\tтабуляцией.xml", "", 0, "", ""});
  r->prices[0].labor_prices.emplace(t.Intern("1-100-99"), Decimal::Literal("0.00"));
  r->prices[1].current_prices.emplace(t.Intern("без цены"), Decimal::Invalid());
  r->Finish();
  return r;
}

class BaseReleaseRepositoryContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("release-test-" + RandomSuffix());
      url = "sqlite://" + (dir_ / "t.db").string();
    } else {
      const char* pg = std::getenv("ESTIMATE_TEST_DATABASE_URL");
      if (pg == nullptr || std::string(pg).rfind("postgres", 0) != 0) {
        GTEST_SKIP() << "ESTIMATE_TEST_DATABASE_URL does not name a PostgreSQL database";
      }
      pg_base_ = pg;
      schema_ = "r_" + RandomSuffix();
      auto admin = Database::Open({pg_base_, 1});
      ASSERT_TRUE(admin.ok());
      auto lease = (*admin)->Acquire();
      ASSERT_TRUE(lease.ok()) << lease.status().message();
      lease->session() << "CREATE SCHEMA " + schema_;
      url = pg_base_ + (pg_base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    auto db = Database::Open({url, 2});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    auto migrated = Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.status().message();
    repo_ = std::make_unique<BaseReleaseRepository>(*db_);
  }
  void TearDown() override {
    repo_.reset();
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      auto admin = Database::Open({pg_base_, 1});
      auto lease = (*admin)->Acquire();
      if (lease.ok()) lease->session() << "DROP SCHEMA " + schema_ + " CASCADE";
    }
  }

  // Rows of the release in every table of 0002, the release row included.
  long long RowsOf(std::int64_t id) {
    auto lease = db_->Acquire();
    EXPECT_TRUE(lease.ok());
    long long key = id, total = 0, n = 0;
    lease->session() << "SELECT COUNT(*) FROM base_releases WHERE id = :id", soci::into(n),
        soci::use(key);
    total += n;
    for (const char* table : kReleaseTables) {
      lease->session() << "SELECT COUNT(*) FROM " + std::string(table) + " WHERE release_id = :id",
          soci::into(n), soci::use(key);
      total += n;
    }
    return total;
  }

  std::int64_t SaveOk(const normbase::BaseRelease& release) {
    auto id = repo_->Save(release);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  std::filesystem::path dir_;
  std::string schema_, pg_base_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<BaseReleaseRepository> repo_;
};

TEST_P(BaseReleaseRepositoryContract, LoadsBackEveryFieldAsSaved) {
  auto release = AwkwardRelease("ФСНБ-2022 доп. 15");
  const std::int64_t id = SaveOk(*release);
  ASSERT_GT(id, 0);
  auto loaded = repo_->Load(id);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(DiffReleases(*release, **loaded), "");
  EXPECT_EQ((*loaded)->info.id, id);
  EXPECT_FALSE((*loaded)->info.active);
  // Finish() ran: the look-ups answer.
  const auto* norm = (*loaded)->FindNorm(normbase::NormFamily::kGesnmr, "38-01-001-01");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->resources[0].consumption.ToString(), "12345678901234567890123.456789012345");
  EXPECT_EQ(norm->resources[1].consumption.ToString(), "0.0000");
  EXPECT_TRUE(norm->resources[3].by_project);
  EXPECT_FALSE(norm->resources[3].consumption.ok());
  ASSERT_EQ(norm->resources[5].tech_groups.size(), 2u);
  EXPECT_EQ(norm->resources[5].tech_groups[1], "ТГ с \"кавычкой\"\tи табуляцией");
  const auto& machine = (*loaded)->resources.back();
  EXPECT_EQ(machine.kind, core::ResourceKind::kMachine);
  EXPECT_EQ(machine.machinist_rank.ToString(), "6.0");
  EXPECT_NE((*loaded)->FindResource(machine.code), nullptr);
  EXPECT_NE((*loaded)->FindPrices("77", 1, "2025-Q2"), nullptr);
  EXPECT_EQ(machine.electricity.ToString(), "0.0");
  EXPECT_FALSE(machine.electricity_cost.ok());
  const auto& rule = (*loaded)->coefficients[(*loaded)->coefficients.size() - 2];
  ASSERT_EQ(rule.formulas.size(), 2u);
  EXPECT_EQ(rule.formulas[0].key, "Machine");
  EXPECT_EQ(rule.formulas[0].formula, "1+0,12*N\t\"мин\"");
  ASSERT_EQ(rule.resource_factors.size(), 2u);
  EXPECT_TRUE(rule.resource_factors[0].codes.empty());
  EXPECT_FALSE(rule.resource_factors[0].material.ok());
  EXPECT_EQ(rule.resource_factors[1].machinist.ToString(), "1.300");
  EXPECT_EQ(rule.worker.ToString(), "1.000");
  EXPECT_EQ((*loaded)->rates.back().item, "12.3\tа");

  auto counts = repo_->Counts(id);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->norms, release->Counts().norms);
  EXPECT_EQ(counts->norm_resources, release->Counts().norm_resources);
  EXPECT_EQ(counts->machines, release->Counts().machines);
}

TEST_P(BaseReleaseRepositoryContract, ListsReleasesNewestFirstWithTheirSources) {
  auto a = MakeSyntheticRelease(Small(), "доп. 14");
  auto b = MakeSyntheticRelease(Small(), "доп. 15");
  const auto id_a = SaveOk(*a);
  const auto id_b = SaveOk(*b);
  ASSERT_TRUE(repo_->Activate(id_a).ok());
  auto list = repo_->List();
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, id_b);
  EXPECT_EQ((*list)[0].name, "доп. 15");
  EXPECT_FALSE((*list)[0].active);
  EXPECT_EQ((*list)[1].id, id_a);
  EXPECT_TRUE((*list)[1].active);
  EXPECT_EQ((*list)[1].addition_number, 15);
  EXPECT_EQ((*list)[1].price_level, "01.01.2022");
  EXPECT_EQ((*list)[1].imported_at, "2025-06-30T12:00:00.000Z");
  ASSERT_EQ((*list)[1].sources.size(), a->info.sources.size());
  EXPECT_EQ((*list)[1].sources[1].name, a->info.sources[1].name);
  EXPECT_EQ((*list)[1].sources[0].bytes, 123456789u);
}

TEST_P(BaseReleaseRepositoryContract, ListsEachReleasesPricedTerritoriesInOrder) {
  // Prices added out of order, a zone past 9 (ordered as a number), a region without a name.
  auto priced = MakeSyntheticRelease(Small(), "с ценами");
  auto& t = priced->text;
  const auto price = [&](const char* code, const char* name, int zone, const char* quarter) {
    normbase::RegionalPrices p;
    p.region_code = t.Intern(code);
    p.region_name = t.Intern(name);
    p.zone = zone;
    p.quarter = t.Intern(quarter);
    p.rank1_labor_price = Decimal::Literal("477.54");
    p.current_prices.emplace(priced->resources[0].code, Decimal::Literal("63.16"));
    return p;
  };
  priced->prices = {price("77", "г. Москва", 1, "2025-Q2"), price("28", "", 10, "2025-Q1"),
                    price("28", "Амурская область", 2, "2025-Q2"),
                    price("28", "Амурская область", 2, "2024-Q4")};
  priced->Finish();
  auto bare = MakeSyntheticRelease(Small(), "без цен");
  bare->prices.clear();
  bare->Finish();
  const auto id_priced = SaveOk(*priced);
  const auto id_bare = SaveOk(*bare);

  const std::vector<normbase::PricedTerritory> expected = {
      {"28", "Амурская область", 2, "2024-Q4"},
      {"28", "Амурская область", 2, "2025-Q2"},
      {"28", "", 10, "2025-Q1"},
      {"77", "г. Москва", 1, "2025-Q2"}};
  EXPECT_EQ(priced->info.territories, expected);  // Finish() orders them as the store does
  auto list = repo_->List();
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, id_bare);
  EXPECT_TRUE((*list)[0].territories.empty());
  EXPECT_EQ((*list)[1].id, id_priced);
  EXPECT_EQ((*list)[1].territories, expected);

  auto loaded = repo_->Load(id_priced);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->info.territories, expected);
}

TEST_P(BaseReleaseRepositoryContract, ActivateKeepsExactlyOneActiveAndRollbackWalksBack) {
  auto none = repo_->ActiveId();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(repo_->Rollback().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(repo_->Activate(999).code(), StatusCode::kNotFound);

  std::int64_t ids[3];
  for (int i = 0; i < 3; ++i) {
    ids[i] = SaveOk(*MakeSyntheticRelease(Small(), "доп. " + std::to_string(i)));
  }
  // Saving never activates.
  EXPECT_FALSE(repo_->ActiveId()->has_value());
  auto active = [&] { return repo_->ActiveId()->value_or(0); };
  auto active_count = [&] {
    auto list = repo_->List();
    if (!list.ok()) return -1;
    int n = 0;
    for (const auto& info : list.value()) n += info.active ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(repo_->Activate(ids[0]).ok());
  EXPECT_EQ(repo_->Rollback().code(), StatusCode::kFailedPrecondition);  // nothing before it
  EXPECT_EQ(active(), ids[0]);
  ASSERT_TRUE(repo_->Activate(ids[1]).ok());
  ASSERT_TRUE(repo_->Activate(ids[1]).ok());  // again: no new step in the history
  ASSERT_TRUE(repo_->Activate(ids[2]).ok());
  EXPECT_EQ(active(), ids[2]);
  EXPECT_EQ(active_count(), 1);

  ASSERT_TRUE(repo_->Rollback().ok());
  EXPECT_EQ(active(), ids[1]);
  ASSERT_TRUE(repo_->Rollback().ok());
  EXPECT_EQ(active(), ids[0]);
  EXPECT_EQ(active_count(), 1);
  EXPECT_EQ(repo_->Rollback().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(active(), ids[0]);

  // A new activation after rollbacks starts a new step from the current one.
  ASSERT_TRUE(repo_->Activate(ids[2]).ok());
  ASSERT_TRUE(repo_->Rollback().ok());
  EXPECT_EQ(active(), ids[0]);
}

TEST_P(BaseReleaseRepositoryContract, FailedSaveLeavesNothingAndTheActiveReleaseUntouched) {
  auto good = MakeSyntheticRelease(Small(), "доп. 14");
  const auto good_id = SaveOk(*good);
  ASSERT_TRUE(repo_->Activate(good_id).ok());
  const long long good_rows = RowsOf(good_id);

  // The price book is written after the norms and their lines: a duplicate code there fails the
  // save midway, with thousands of rows of the release already sent.
  auto bad = MakeSyntheticRelease(Small(), "доп. 15 (битый)");
  bad->resources.push_back(bad->resources.front());
  auto saved = repo_->Save(*bad);
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.status().code(), StatusCode::kInvalidArgument) << saved.status().message();
  EXPECT_NE(saved.status().message().find("price_book"), std::string::npos)
      << saved.status().message();

  // A duplicate norm fails early instead.
  auto bad_norm = MakeSyntheticRelease(Small(), "доп. 15 (дубль нормы)");
  bad_norm->norms.push_back(bad_norm->norms.front());
  EXPECT_EQ(repo_->Save(*bad_norm).status().code(), StatusCode::kInvalidArgument);

  auto list = repo_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, good_id);
  EXPECT_EQ(repo_->ActiveId()->value_or(0), good_id);
  EXPECT_EQ(RowsOf(good_id), good_rows);
  // No row of any other release anywhere.
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease.ok());
  long long key = good_id;
  for (const char* table : kReleaseTables) {
    long long n = -1;
    lease->session() << "SELECT COUNT(*) FROM " + std::string(table) + " WHERE release_id <> :id",
        soci::into(n), soci::use(key);
    EXPECT_EQ(n, 0) << table;
  }

  // The connection is usable afterwards, and the next save succeeds.
  const auto next = SaveOk(*MakeSyntheticRelease(Small(), "доп. 15"));
  EXPECT_GT(next, good_id);
}

TEST_P(BaseReleaseRepositoryContract, TwoReleasesCoexistAndDeleteRemovesOnlyOne) {
  auto a = AwkwardRelease("доп. 14");
  SyntheticSize other = Small();
  other.norms = 80;
  other.materials = 250;
  auto b = MakeSyntheticRelease(other, "доп. 15");
  b->resources[3].base_price = Decimal::Literal("999.99");
  b->Finish();
  const auto id_a = SaveOk(*a);
  const auto id_b = SaveOk(*b);
  ASSERT_NE(id_a, id_b);

  auto la = repo_->Load(id_a);
  auto lb = repo_->Load(id_b);
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(DiffReleases(*a, **la), "");
  EXPECT_EQ(DiffReleases(*b, **lb), "");

  ASSERT_TRUE(repo_->Activate(id_b).ok());
  EXPECT_EQ(repo_->Delete(id_b).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(repo_->Delete(12345).code(), StatusCode::kNotFound);
  ASSERT_TRUE(repo_->Delete(id_a).ok());
  EXPECT_EQ(RowsOf(id_a), 0);
  EXPECT_EQ(repo_->Load(id_a).status().code(), StatusCode::kNotFound);
  auto again = repo_->Load(id_b);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DiffReleases(*b, **again), "");
  EXPECT_TRUE((*again)->info.active);
}

TEST_P(BaseReleaseRepositoryContract, RollbackSkipsDeletedReleases) {
  const auto a = SaveOk(*MakeSyntheticRelease(Small(), "a"));
  const auto b = SaveOk(*MakeSyntheticRelease(Small(), "b"));
  const auto c = SaveOk(*MakeSyntheticRelease(Small(), "c"));
  ASSERT_TRUE(repo_->Activate(a).ok());
  ASSERT_TRUE(repo_->Activate(b).ok());
  ASSERT_TRUE(repo_->Activate(c).ok());
  ASSERT_TRUE(repo_->Delete(b).ok());
  ASSERT_TRUE(repo_->Rollback().ok());
  EXPECT_EQ(repo_->ActiveId()->value_or(0), a);
}

TEST_P(BaseReleaseRepositoryContract, ConcurrentSwitchesLeaveExactlyOneActive) {
  const auto a = SaveOk(*MakeSyntheticRelease(Small(), "a"));
  const auto b = SaveOk(*MakeSyntheticRelease(Small(), "b"));
  ASSERT_TRUE(repo_->Activate(a).ok());
  // Two connections switching at once: each call must wait for the other, never fail half-way.
  auto worker = [&](std::int64_t id, std::vector<Status>* errors) {
    for (int i = 0; i < 15; ++i) {
      Status s = repo_->Activate(id);
      if (!s.ok()) errors->push_back(s);
      Status r = repo_->Rollback();
      if (!r.ok() && r.code() != StatusCode::kFailedPrecondition) errors->push_back(r);
    }
  };
  std::vector<Status> errors_a, errors_b;
  std::thread ta(worker, a, &errors_a);
  std::thread tb(worker, b, &errors_b);
  ta.join();
  tb.join();
  for (const auto& e : errors_a) ADD_FAILURE() << e.message();
  for (const auto& e : errors_b) ADD_FAILURE() << e.message();
  auto list = repo_->List();
  ASSERT_TRUE(list.ok());
  int active = 0;
  for (const auto& info : list.value()) active += info.active ? 1 : 0;
  EXPECT_EQ(active, 1);
}

TEST_P(BaseReleaseRepositoryContract, BothDialectsGiveTheSameTablesAndColumns) {
  // Runs once, in the PostgreSQL instance, against a fresh SQLite database.
  if (GetParam() != "postgresql") GTEST_SKIP() << "compared from the PostgreSQL case";
  auto sqlite_dir = std::filesystem::temp_directory_path() / ("release-cols-" + RandomSuffix());
  auto lite = Database::Open({"sqlite://" + (sqlite_dir / "t.db").string(), 1});
  ASSERT_TRUE(lite.ok());
  ASSERT_TRUE(Migrate(**lite).ok());
  auto names = [](Database& db) {
    std::vector<std::string> out;
    auto lease = db.Acquire();
    EXPECT_TRUE(lease.ok());
    soci::session& s = lease->session();
    std::string table, column;
    if (db.dialect() == Dialect::kSqlite) {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
      for (const auto& r : rows) out.push_back(r.get<std::string>(0) + "." + r.get<std::string>(1));
    } else {
      soci::rowset<soci::row> rows =
          (s.prepare
           << "SELECT table_name::text, column_name::text FROM information_schema.columns "
              "WHERE table_schema = current_schema()");
      for (const auto& r : rows) out.push_back(r.get<std::string>(0) + "." + r.get<std::string>(1));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto pg_columns = names(*db_);
  const auto lite_columns = names(**lite);
  lite->reset();
  std::filesystem::remove_all(sqlite_dir);
  EXPECT_EQ(pg_columns, lite_columns);
  EXPECT_GT(pg_columns.size(), 100u);
}

INSTANTIATE_TEST_SUITE_P(Engines, BaseReleaseRepositoryContract,
                         ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace estimate::store
