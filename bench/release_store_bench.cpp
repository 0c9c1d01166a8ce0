// Saving and loading a full-size normative base release (60 000 norms, 1 000 000 norm resource
// lines, 30 000 materials, 2 000 machines, prices of 3 regions) through BaseReleaseRepository:
// on SQLite always, on PostgreSQL when ESTIMATE_BENCH_DATABASE_URL names one (each run in a
// schema of its own, dropped afterwards). The import must fit in 60 s on 2 cores with XML parsing
// included, so the save's budget is about 20 s.
//
// peak_rss_mb is the process's peak resident size so far: run one benchmark per process
// (--benchmark_filter) to read the peak of that one; base_rss_mb is the size with the generated
// release in memory, before any database work.
#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "../tests/store/synthetic_release.hpp"
#include "store/base_release_repository.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"

namespace {

using estimate::normbase::BaseRelease;
using estimate::store::BaseReleaseRepository;
using estimate::store::Database;

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

struct Full {
  std::unique_ptr<BaseRelease> release;
  double rss_mb = 0;
};

const Full& FullRelease() {
  static const Full full = [] {
    Full f;
    f.release = estimate::store::testing::MakeSyntheticRelease({}, "ФСНБ-2022 доп. 15 (синт.)");
    f.rss_mb = PeakRssMb();
    return f;
  }();
  return full;
}

// A fresh, migrated database: a new SQLite file or a new PostgreSQL schema.
class Scratch {
 public:
  explicit Scratch(bool postgres) {
    std::random_device rd;
    const std::string suffix = std::to_string(rd());
    std::string url;
    if (!postgres) {
      dir_ = std::filesystem::temp_directory_path() / ("release-bench-" + suffix);
      url = "sqlite://" + (dir_ / "bench.db").string();
    } else {
      base_ = std::getenv("ESTIMATE_BENCH_DATABASE_URL");
      schema_ = "bench_" + suffix;
      Admin([&](soci::session& s) { s << "CREATE SCHEMA " + schema_; });
      url = base_ + (base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    auto db = Database::Open({url, 1});
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
    if (!schema_.empty())
      Admin([&](soci::session& s) { s << "DROP SCHEMA " + schema_ + " CASCADE"; });
  }
  Database& db() { return *db_; }
  // SQLite only: the database file and its write-ahead log, in MB.
  double FilesMb() const {
    if (dir_.empty()) return 0;
    double bytes = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir_)) {
      bytes += static_cast<double>(f.file_size());
    }
    return bytes / (1024.0 * 1024.0);
  }

 private:
  template <typename Fn>
  void Admin(Fn fn) {
    auto admin = Database::Open({base_, 1});
    if (!admin.ok()) throw std::runtime_error(admin.status().message());
    auto lease = (*admin)->Acquire();
    if (!lease.ok()) throw std::runtime_error(lease.status().message());
    fn(lease->session());
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

void SetCounters(benchmark::State& state, const Full& full) {
  const auto counts = full.release->Counts();
  state.counters["norms"] = static_cast<double>(counts.norms);
  state.counters["norm_resources"] = static_cast<double>(counts.norm_resources);
  state.counters["base_rss_mb"] = full.rss_mb;
  state.counters["peak_rss_mb"] = PeakRssMb();
}

void BM_SaveFullRelease(benchmark::State& state, bool postgres) {
  if (Skip(state, postgres)) return;
  const Full& full = FullRelease();
  for (auto _ : state) {
    state.PauseTiming();
    {
      Scratch scratch(postgres);
      BaseReleaseRepository repo(scratch.db());
      state.ResumeTiming();
      auto id = repo.Save(*full.release);
      state.PauseTiming();
      if (!id.ok()) {
        state.SkipWithError(id.status().message().c_str());
        break;
      }
      if (!postgres) state.counters["sqlite_files_mb"] = scratch.FilesMb();
    }
    state.ResumeTiming();
  }
  SetCounters(state, full);
}

void BM_LoadFullRelease(benchmark::State& state, bool postgres) {
  if (Skip(state, postgres)) return;
  const Full& full = FullRelease();
  Scratch scratch(postgres);
  BaseReleaseRepository repo(scratch.db());
  auto id = repo.Save(*full.release);
  if (!id.ok()) {
    state.SkipWithError(id.status().message().c_str());
    return;
  }
  bool checked = false;
  for (auto _ : state) {
    auto loaded = repo.Load(*id);
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().message().c_str());
      break;
    }
    state.PauseTiming();
    if (!checked) {
      // Once, outside the timing: the loaded release is the saved one.
      const std::string diff = estimate::store::testing::DiffReleases(*full.release, **loaded);
      if (!diff.empty()) state.SkipWithError(("loaded release differs: " + diff).c_str());
      checked = true;
    }
    loaded = estimate::NotFound("released");  // free it outside the timing
    state.ResumeTiming();
  }
  SetCounters(state, full);
}

BENCHMARK_CAPTURE(BM_SaveFullRelease, sqlite, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LoadFullRelease, sqlite, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SaveFullRelease, postgresql, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LoadFullRelease, postgresql, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
