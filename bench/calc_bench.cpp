// The calculation engine on a 10 000-position estimate (~110 000 resource lines): full
// recalculation, re-pricing one changed position with its totals, and the whole
// parse → compute → write of the JSON document. The document comes from
// bench/make_calc_document.py (run through python3 once per process).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"

namespace {

using estimate::core::Decimal;

const std::string& Document() {
  static const std::string text = [] {
    const std::string path = "/tmp/estimate_calc_bench_10000.json";
    const std::string cmd = "python3 " ESTIMATE_SOURCE_DIR "/bench/make_calc_document.py " +
                            path + " 10000 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("document generator failed");
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  return text;
}

const estimate::core::Estimate& Parsed() {
  static const estimate::core::Estimate e = [] {
    auto r = estimate::formats::ParseEstimateDocument(Document());
    if (!r.ok()) throw std::runtime_error(r.status().message());
    return std::move(r).value();
  }();
  return e;
}

void BM_FullRecalculation(benchmark::State& state) {
  const estimate::core::Estimate& e = Parsed();
  for (auto _ : state) {
    auto r = estimate::core::ResourceIndexCalculation::Calculate(e);
    benchmark::DoNotOptimize(r);
  }
  std::size_t positions = 0;
  for (const auto& s : e.sections) positions += s.positions.size();
  state.counters["positions"] = static_cast<double>(positions);
}
BENCHMARK(BM_FullRecalculation)->Unit(benchmark::kMillisecond);

void BM_RepriceOnePosition(benchmark::State& state) {
  const estimate::core::Estimate& e = Parsed();
  auto calc = estimate::core::ResourceIndexCalculation::Calculate(e);
  estimate::core::Position changed = e.sections[7].positions[100];
  int flip = 0;
  for (auto _ : state) {
    changed.quantity = Decimal::FromRaw(12345 + (flip ^= 1), 3);
    auto status = calc->Reprice(7, 100, changed, e.options);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(calc->result().totals.figures.total);
  }
}
BENCHMARK(BM_RepriceOnePosition)->Unit(benchmark::kMicrosecond);

void BM_ParseComputeWrite(benchmark::State& state) {
  const std::string& text = Document();
  for (auto _ : state) {
    auto e = estimate::formats::ParseEstimateDocument(text);
    auto r = estimate::core::CalculateResourceIndex(*e);
    std::string out = estimate::formats::WriteEstimateResult(*e, *r);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseComputeWrite)->Unit(benchmark::kMillisecond);

// What `estimate-service calc` and POST /api/v1/calc run: formats::Calculate, bytes to JSON.
void BM_Calculate(benchmark::State& state) {
  const std::string& text = Document();
  for (auto _ : state) {
    auto outcome = estimate::formats::Calculate(text, estimate::formats::OutputFormat::kJson);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Calculate)->Unit(benchmark::kMillisecond);

// The document layer alone: JSON parse, validation with JSON paths, and the build of core types.
void BM_ParseOnly(benchmark::State& state) {
  const std::string& text = Document();
  for (auto _ : state) {
    auto e = estimate::formats::ParseEstimateDocument(text);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMillisecond);

}  // namespace
