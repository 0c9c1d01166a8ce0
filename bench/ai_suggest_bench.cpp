// The assistant's norm suggestion on the evaluation set bench/ai/suggest_eval.jsonl: plain
// descriptions as bills of quantities and customers write them, each with its correct norm(s),
// over the real ГЭСНп / ГЭСНмр / ГЭСН / ГЭСНр files of ../shared/samples.
//
// Prints top-1 and top-5 accuracy of the plain full-text search (the base panel's), of vectors
// alone and of the hybrid ranking, overall and by kind of description; then Google Benchmark
// measures the latency of one suggestion in each mode (p50/p99 counters in microseconds).
//
// The model is trained once and kept in $ESTIMATE_AI_CACHE (default /tmp/estimate-ai-bench-cache),
// as the service keeps it under data/; delete the folder to measure a fresh training.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "ai/norm_suggester.hpp"
#include "normbase/importers.hpp"

namespace {

using estimate::ai::NormSuggester;
using estimate::ai::SuggestMode;
using estimate::ai::SuggestQuery;
using estimate::normbase::BaseRelease;

struct Case {
  std::string id;
  std::string kind;
  SuggestQuery query;
  std::vector<std::string> expected;
};

struct Fixture {
  std::shared_ptr<BaseRelease> release;
  std::shared_ptr<const estimate::normbase::SearchIndex> search;
  std::unique_ptr<NormSuggester> suggester;
  std::vector<Case> cases;
  double build_seconds = 0;
};

std::vector<Case> ReadCases(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", path.c_str());
    std::exit(1);
  }
  std::vector<Case> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) {
      std::fprintf(stderr, "%s:%d: not a JSON object\n", path.c_str(), number);
      std::exit(1);
    }
    const boost::json::object& o = v.as_object();
    Case c;
    c.id = o.at("id").as_string().c_str();
    c.kind = o.at("kind").as_string().c_str();
    c.query.text = o.at("text").as_string().c_str();
    if (const auto* u = o.if_contains("unit")) c.query.unit = u->as_string().c_str();
    if (const auto* q = o.if_contains("quantity")) {
      std::string text = q->as_string().c_str();
      std::replace(text.begin(), text.end(), ',', '.');
      if (auto d = estimate::core::Decimal::Parse(text); d.ok()) c.query.quantity = *d;
    }
    if (const auto* f = o.if_contains("family")) {
      c.query.family = estimate::normbase::ParseFamily(f->as_string().c_str());
    }
    for (const auto& e : o.at("expected").as_array()) c.expected.emplace_back(e.as_string().c_str());
    c.query.limit = 5;
    out.push_back(std::move(c));
  }
  return out;
}

Fixture& Get() {
  static Fixture* f = [] {
    auto* x = new Fixture();
    const std::string samples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";
    x->release = std::make_shared<BaseRelease>();
    estimate::normbase::ImportReport report;
    const auto s = estimate::normbase::ImportPaths(
        {samples + "fsnb2022_dop15_GESNp.xml", samples + "fsnb2022_dop15_GESNmr.xml",
         samples + "gesn_12-01-001_roof_excerpt.xml", samples + "gesnr_51-01-001_excerpt.xml"},
        estimate::normbase::ImportOptions{}, *x->release, report);
    if (!s.ok()) {
      std::fprintf(stderr, "import: %s\n", s.message().c_str());
      std::exit(1);
    }
    x->release->Finish();
    x->search = estimate::normbase::SearchIndex::Build(*x->release);
    const char* cache = std::getenv("ESTIMATE_AI_CACHE");
    const auto t0 = std::chrono::steady_clock::now();
    estimate::ai::SuggesterOptions options{cache ? cache : "/tmp/estimate-ai-bench-cache", {}, {}};
    // AI_WEIGHTS="text,meaning,in_range,out_of_range,unit" to try other weights.
    if (const char* w = std::getenv("AI_WEIGHTS")) {
      estimate::ai::HybridWeights& h = options.weights;
      if (std::sscanf(w, "%lf,%lf,%lf,%lf,%lf", &h.text, &h.meaning, &h.in_range, &h.out_of_range,
                      &h.unit) != 5) {
        std::fprintf(stderr, "AI_WEIGHTS: five numbers separated by commas\n");
        std::exit(2);
      }
    }
    auto built = NormSuggester::Build(x->release, x->search, options);
    if (!built.ok()) {
      std::fprintf(stderr, "suggester: %s\n", built.status().message().c_str());
      std::exit(1);
    }
    x->build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    x->suggester = std::move(*built);
    x->cases = ReadCases(std::string(ESTIMATE_SOURCE_DIR) + "/bench/ai/suggest_eval.jsonl");
    return x;
  }();
  return *f;
}

// The rank (1-based) of the first expected norm in the answer, 0 when absent.
int RankOf(const Case& c, SuggestMode mode, const NormSuggester& s) {
  const auto got = s.Suggest(c.query, mode);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::find(c.expected.begin(), c.expected.end(), got[i].norm->code) != c.expected.end()) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

struct Tally {
  int n = 0, top1 = 0, top5 = 0;
  void Add(int rank) {
    ++n;
    top1 += rank == 1;
    top5 += rank >= 1 && rank <= 5;
  }
};

std::string Percent(int k, int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%5.1f %%", n ? 100.0 * k / n : 0.0);
  return buf;
}

void PrintAccuracy() {
  Fixture& f = Get();
  const std::pair<SuggestMode, const char*> modes[] = {
      {SuggestMode::kText, "text"}, {SuggestMode::kVectors, "vectors"}, {SuggestMode::kHybrid, "hybrid"}};
  std::map<std::string, Tally> by_kind[3];
  Tally all[3];
  std::string misses;
  for (const Case& c : f.cases) {
    for (int m = 0; m < 3; ++m) {
      const int rank = RankOf(c, modes[m].first, *f.suggester);
      all[m].Add(rank);
      by_kind[m][c.kind].Add(rank);
      if (m == 2 && rank != 1) {
        const auto got = f.suggester->Suggest(c.query, SuggestMode::kHybrid);
        misses += "  " + c.id + " rank " + (rank ? std::to_string(rank) : std::string("-")) +
                  " want " + c.expected[0] + " got " + (got.empty() ? "-" : std::string(got[0].norm->code)) +
                  ": " + c.query.text + "\n";
      }
    }
  }
  std::printf("Norm suggestion on bench/ai/suggest_eval.jsonl: %zu descriptions, %zu norms, "
              "model %s in %.1f s\n",
              f.cases.size(), f.release->norms.size(),
              f.suggester->loaded() ? "loaded from cache" : "trained", f.build_seconds);
  std::printf("%-18s %5s  %-9s %-9s  %-9s %-9s  %-9s %-9s\n", "kind", "n", "text@1", "text@5",
              "vec@1", "vec@5", "hybrid@1", "hybrid@5");
  auto row = [&](const std::string& name, const Tally* t) {
    std::printf("%-18s %5d  %-9s %-9s  %-9s %-9s  %-9s %-9s\n", name.c_str(), t[0].n,
                Percent(t[0].top1, t[0].n).c_str(), Percent(t[0].top5, t[0].n).c_str(),
                Percent(t[1].top1, t[1].n).c_str(), Percent(t[1].top5, t[1].n).c_str(),
                Percent(t[2].top1, t[2].n).c_str(), Percent(t[2].top5, t[2].n).c_str());
  };
  for (const auto& [kind, t] : by_kind[0]) {
    const Tally ts[3] = {t, by_kind[1][kind], by_kind[2][kind]};
    row(kind, ts);
  }
  row("all", all);
  if (std::getenv("AI_EVAL_MISSES")) std::printf("hybrid not first:\n%s", misses.c_str());
  std::fflush(stdout);
}

void Suggest(benchmark::State& state, SuggestMode mode) {
  Fixture& f = Get();
  std::vector<double> us;
  std::size_t i = 0;
  for (auto _ : state) {
    const Case& c = f.cases[i++ % f.cases.size()];
    const auto t0 = std::chrono::steady_clock::now();
    auto got = f.suggester->Suggest(c.query, mode);
    benchmark::DoNotOptimize(got);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  }
}

BENCHMARK_CAPTURE(Suggest, text, SuggestMode::kText)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Suggest, vectors, SuggestMode::kVectors)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Suggest, hybrid, SuggestMode::kHybrid)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  PrintAccuracy();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
