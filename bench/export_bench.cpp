// Documents out and in on the 10 000-position estimate of calc_bench (~110 000 resource lines):
// ГГЭ XML 3.01 written, validated against the XSD and read back (with every stated figure
// recomputed), АРПС 1.10 written and read, the XLSX and PDF forms written. What an estimator waits
// for when they press «Выгрузить» on a large ЛСР.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>

#include "core/resource_index_calculator.hpp"
#include "formats/arps/arps.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/gge/gge.hpp"
#include "formats/print/pdf_forms.hpp"
#include "formats/print/xlsx_forms.hpp"

namespace {

namespace formats = estimate::formats;

// The generated estimate of `positions` positions (10 000 unless a benchmark's argument says).
const estimate::core::Estimate& Parsed(int positions = 10000) {
  static std::map<int, estimate::core::Estimate> parsed;
  if (auto it = parsed.find(positions); it != parsed.end()) return it->second;
  const std::string n = std::to_string(positions);
  const std::string path = "/tmp/estimate_calc_bench_" + n + ".json";
  const std::string cmd = "python3 " ESTIMATE_SOURCE_DIR "/bench/make_calc_document.py " + path +
                          " " + n + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("document generator failed");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = formats::ParseEstimateDocument(text);
  if (!r.ok()) throw std::runtime_error(r.status().message());
  return parsed.emplace(positions, std::move(r).value()).first->second;
}

// The estimate's result, computed once outside the timing: the writers take it and never
// recalculate.
const estimate::core::EstimateResult& Computed(int positions = 10000) {
  static std::map<int, estimate::core::EstimateResult> computed;
  if (auto it = computed.find(positions); it != computed.end()) return it->second;
  auto c = estimate::core::CalculateResourceIndex(Parsed(positions));
  if (!c.ok()) throw std::runtime_error(c.status().message());
  return computed.emplace(positions, std::move(c).value()).first->second;
}

formats::GgeHeader Header() {
  formats::GgeHeader h = formats::Fsnb2022Header();
  h.construction_name = "Стройка";
  h.object_name = "Объект";
  h.number = "02-01-01";
  h.name = "Большая смета";
  h.region_code = "28";
  h.region_name = "Амурская область";
  h.price_year = 2025;
  h.price_quarter = 4;
  h.export_time = "2026-11-26T10:00:00+03:00";
  return h;
}

const std::string& Gge() {
  static const std::string xml = [] {
    auto r = formats::WriteGgeLocalEstimate(Parsed(), Computed(), Header());
    if (!r.ok()) throw std::runtime_error(r.status().message());
    return std::move(r).value();
  }();
  return xml;
}

void Bytes(benchmark::State& state, std::size_t bytes) {
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_WriteGge(benchmark::State& state) {
  Computed();  // generated, parsed and computed once, outside the timing
  std::size_t size = 0;
  for (auto _ : state) {
    auto r = formats::WriteGgeLocalEstimate(Parsed(), Computed(), Header());
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    size = r.ok() ? r->size() : 0;
  }
  Bytes(state, size);
}
BENCHMARK(BM_WriteGge)->Unit(benchmark::kMillisecond);

void BM_ValidateGge(benchmark::State& state) {
  const std::string xsd =
      ESTIMATE_SHARED_DIR "/samples/xsd/LocalEstimateResourceIndexMethod-3_01.xsd";
  Gge();  // written once, outside the timing
  for (auto _ : state) {
    auto s = formats::ValidateXml(Gge(), xsd);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  Bytes(state, Gge().size());
}
BENCHMARK(BM_ValidateGge)->Unit(benchmark::kMillisecond);

void BM_ReadGgeAndRecompute(benchmark::State& state) {
  Gge();
  for (auto _ : state) {
    auto r = formats::ReadGgeLocalEstimate(Gge());
    if (!r.ok() || !r->differences.empty()) state.SkipWithError("the file does not read back");
  }
  Bytes(state, Gge().size());
}
BENCHMARK(BM_ReadGgeAndRecompute)->Unit(benchmark::kMillisecond);

void BM_WriteAndReadArps(benchmark::State& state) {
  std::size_t size = 0;
  for (auto _ : state) {
    auto w = formats::WriteArps(Parsed(), Computed(), formats::ArpsHeader{});
    if (!w.ok()) state.SkipWithError(w.status().message().c_str());
    size = w.ok() ? w->size() : 0;
    if (w.ok()) benchmark::DoNotOptimize(formats::ReadArps(*w));
  }
  Bytes(state, size);
}
BENCHMARK(BM_WriteAndReadArps)->Unit(benchmark::kMillisecond);

// The forms of the estimate of state.range(0) positions (1 000 and 10 000).
void BM_WriteXlsx(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Computed(n);  // outside the timing
  std::size_t size = 0;
  for (auto _ : state) {
    auto r = formats::WriteEstimateXlsx(Parsed(n), Computed(n), formats::PrintHeader{});
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    size = r.ok() ? r->size() : 0;
  }
  Bytes(state, size);
}
BENCHMARK(BM_WriteXlsx)->Unit(benchmark::kMillisecond)->Arg(1000)->Arg(10000)->Iterations(2);

void BM_WritePdf(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Computed(n);  // outside the timing
  std::size_t size = 0;
  for (auto _ : state) {
    auto r = formats::WriteEstimatePdf(Parsed(n), Computed(n), formats::PrintHeader{});
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    size = r.ok() ? r->size() : 0;
  }
  Bytes(state, size);
}
BENCHMARK(BM_WritePdf)->Unit(benchmark::kMillisecond)->Arg(1000)->Arg(10000)->Iterations(1);

}  // namespace
