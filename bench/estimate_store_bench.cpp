// EstimateRepository on the two speed goals of issue 5, measured at the store (no HTTP):
// - load a 1,000-position estimate (header, sections, every position's document);
// - edit one position of a 10,000-position estimate with its expected version (the If-Match round
//   trip: conditional version bump, the position row, the version and change rows, one commit);
// and on issue 13's: store a new 10,000-position estimate (its row, version 1, 100 sections and
// 10,000 position rows, one transaction) — the store's share of a create or an import.
// SQLite always; PostgreSQL when ESTIMATE_BENCH_DATABASE_URL names one (a schema of its own,
// dropped afterwards). p50_ms / p99_ms are per-iteration percentiles.
#include <benchmark/benchmark.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "store/database.hpp"
#include "store/estimate_repository.hpp"
#include "store/migrator.hpp"

namespace {

using estimate::store::ChangeSet;
using estimate::store::Database;
using estimate::store::EstimateRepository;

// A norm position as the service writes it (calc-v1), about 1.3 KB like a real one.
std::string Document(int number, int quantity) {
  return R"({"number":")" + std::to_string(number) +
         R"(","type":"norm","code":"ГЭСН16-06-005-01","name":"Установка счетчиков (водомеров) )"
         R"(диаметром: до 40 мм","unit":"шт","quantity":")" +
         std::to_string(quantity) +
         R"(","work_kind":"construction","coefficients":[{"name":"421/пр_2020_п.58_пп.б",)"
         R"("labor":"1.15","machinist_labor":"1.25","machines":"1.25"}],"resources":[{"kind":)"
         R"("labor","code":"1-100-38","name":"Средний разряд работы 3,8","unit":"чел.-ч",)"
         R"("consumption":"0.2971","price":"625.58"},{"kind":"machine","code":"91.14.02-001",)"
         R"("name":"Автомобили бортовые, г/п до 5 т","unit":"маш.-ч","consumption":"0.0067",)"
         R"("price":"831.82","machinist":{"code":"4-100-040","labor_per_machine_hour":"1",)"
         R"("price":"639.90"}},{"kind":"material","code":"01.7.07.29-0101","name":"Очес льняной",)"
         R"("unit":"кг","consumption":"0.01","base_price":"128.40","index":"1.89"}],"overhead":)"
         R"({"code":"Пр/812-016.0-1","percent":"121","k":"0.9"},"profit":{"code":"Пр/774-016.0",)"
         R"("percent":"72","k":"0.85"}})";
}

// A fresh, migrated database: a new SQLite file or a new PostgreSQL schema.
class Scratch {
 public:
  explicit Scratch(bool postgres) {
    std::random_device rd;
    const std::string suffix = std::to_string(rd());
    std::string url;
    if (!postgres) {
      dir_ = std::filesystem::temp_directory_path() / ("estimate-bench-" + suffix);
      url = "sqlite://" + (dir_ / "bench.db").string();
    } else {
      base_ = std::getenv("ESTIMATE_BENCH_DATABASE_URL");
      schema_ = "bench_" + suffix;
      Admin("CREATE SCHEMA " + schema_);
      url = base_ + (base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    auto db = Database::Open({url, 2});
    if (!db.ok()) throw std::runtime_error(db.status().message());
    db_ = std::move(db).value();
    auto migrated = estimate::store::Migrate(*db_);
    if (!migrated.ok()) throw std::runtime_error(migrated.status().message());
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) Admin("DROP SCHEMA " + schema_ + " CASCADE");
  }
  Database& db() { return *db_; }

 private:
  void Admin(const std::string& sql) {
    auto admin = Database::Open({base_, 1});
    if (!admin.ok()) throw std::runtime_error(admin.status().message());
    auto lease = (*admin)->Acquire();
    if (!lease.ok()) throw std::runtime_error(lease.status().message());
    lease->session() << sql;
  }
  std::filesystem::path dir_;
  std::string base_, schema_;
  std::unique_ptr<Database> db_;
};

bool Skip(benchmark::State& state, bool postgres) {
  const char* url = std::getenv("ESTIMATE_BENCH_DATABASE_URL");
  if (postgres && (url == nullptr || std::string(url).rfind("postgres", 0) != 0)) {
    state.SkipWithError("ESTIMATE_BENCH_DATABASE_URL does not name a PostgreSQL database");
    return true;
  }
  return false;
}

constexpr std::int64_t kOrg = 1;

// An estimate of `positions` positions in sections of 100; returns its id.
std::int64_t MakeEstimate(EstimateRepository& repo, int positions) {
  auto project = repo.CreateProject(kOrg, "Стройка");
  if (!project.ok()) throw std::runtime_error(project.status().message());
  auto object = repo.CreateObject(kOrg, project->id, "Объект");
  if (!object.ok()) throw std::runtime_error(object.status().message());
  std::vector<estimate::store::NewSection> sections;
  for (int i = 0; i < positions; ++i) {
    if (i % 100 == 0) sections.push_back({"Раздел " + std::to_string(i / 100 + 1), {}});
    sections.back().positions.push_back(Document(i + 1, 1 + i % 7));
  }
  estimate::store::EstimateHeader header;
  header.name = "ЛСР синтетическая";
  header.date = "2025-09-01";
  auto e = repo.CreateEstimate(kOrg, object->id, 1, header, sections);
  if (!e.ok()) throw std::runtime_error(e.status().message());
  return e->id;
}

void Percentiles(benchmark::State& state, std::vector<double>& ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}

void BM_Load1000PositionEstimate(benchmark::State& state, bool postgres) {
  if (Skip(state, postgres)) return;
  Scratch scratch(postgres);
  EstimateRepository repo(scratch.db());
  const std::int64_t id = MakeEstimate(repo, 1000);
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto content = repo.LoadEstimate(kOrg, id);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (!content.ok() || content->PositionCount() != 1000) {
      state.SkipWithError(content.ok() ? "wrong position count"
                                       : content.status().message().c_str());
      break;
    }
    bytes = 0;
    for (const auto& s : content->sections) {
      for (const auto& p : s.positions) bytes += p.document_json.size();
    }
  }
  state.counters["document_kb"] = static_cast<double>(bytes) / 1024.0;
  Percentiles(state, ms);
}

void BM_EditOnePositionOf10000(benchmark::State& state, bool postgres) {
  if (Skip(state, postgres)) return;
  Scratch scratch(postgres);
  EstimateRepository repo(scratch.db());
  const std::int64_t id = MakeEstimate(repo, 10000);
  auto content = repo.LoadEstimate(kOrg, id);
  if (!content.ok()) {
    state.SkipWithError(content.status().message().c_str());
    return;
  }
  std::vector<std::int64_t> positions;
  for (const auto& s : content->sections) {
    for (const auto& p : s.positions) positions.push_back(p.id);
  }
  std::int64_t version = content->info.version;
  std::mt19937 rng(7);
  std::vector<double> ms;
  int quantity = 100;
  for (auto _ : state) {
    ChangeSet set;
    set.summary = "quantity";
    const std::int64_t position = positions[rng() % positions.size()];
    set.changes.push_back(estimate::store::UpdatePosition{position, Document(1, ++quantity)});
    const auto started = std::chrono::steady_clock::now();
    auto applied = repo.Apply(kOrg, id, version, 1, set);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (!applied.ok()) {
      state.SkipWithError(applied.status().message().c_str());
      break;
    }
    version = applied->version;
  }
  state.counters["versions"] = static_cast<double>(version);
  Percentiles(state, ms);
}

void BM_Create10000PositionEstimate(benchmark::State& state, bool postgres) {
  if (Skip(state, postgres)) return;
  Scratch scratch(postgres);
  EstimateRepository repo(scratch.db());
  auto project = repo.CreateProject(kOrg, "Стройка");
  auto object = project.ok() ? repo.CreateObject(kOrg, project->id, "Объект")
                             : estimate::Result<estimate::store::SiteObject>(project.status());
  if (!object.ok()) {
    state.SkipWithError(object.status().message().c_str());
    return;
  }
  std::vector<estimate::store::NewSection> sections;
  std::size_t bytes = 0;
  for (int i = 0; i < 10000; ++i) {
    if (i % 100 == 0) sections.push_back({"Раздел " + std::to_string(i / 100 + 1), {}});
    sections.back().positions.push_back(Document(i + 1, 1 + i % 7));
    bytes += sections.back().positions.back().size();
  }
  estimate::store::EstimateHeader header;
  header.name = "ЛСР синтетическая";
  header.date = "2025-09-01";
  std::vector<double> ms;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto e = repo.CreateEstimate(kOrg, object->id, 1, header, sections);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (!e.ok()) {
      state.SkipWithError(e.status().message().c_str());
      break;
    }
  }
  state.counters["document_mb"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
  Percentiles(state, ms);
}

BENCHMARK_CAPTURE(BM_Load1000PositionEstimate, sqlite, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(200)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_EditOnePositionOf10000, sqlite, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1000)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Load1000PositionEstimate, postgresql, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(200)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_EditOnePositionOf10000, postgresql, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1000)
    ->UseRealTime();

BENCHMARK_CAPTURE(BM_Create10000PositionEstimate, sqlite, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Create10000PositionEstimate, postgresql, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10)
    ->UseRealTime();

}  // namespace
