// Pricing a norm of a full-size release for a region and quarter (goal ≤ 50 µs), and the same
// with the engine's figures (what GET /api/v1/norms/{family}/{code}?region=… does).
#include <benchmark/benchmark.h>

#include "core/resource_index_calculator.hpp"
#include "normbase/pricing.hpp"
#include "../tests/store/synthetic_release.hpp"

namespace {

using namespace estimate;

const normbase::BaseRelease& Release() {
  static const auto release = [] {
    auto r = store::testing::MakeSyntheticRelease({}, "bench");
    r->Finish();
    return r;
  }();
  return *release;
}

normbase::PricingRequest Request() {
  const auto& p = Release().prices.front();
  normbase::PricingRequest req;
  req.region = std::string(p.region_code);
  req.zone = p.zone;
  req.quarter = std::string(p.quarter);
  req.quantity = core::Decimal::Literal("12.5");
  return req;
}

void BM_PriceNorm(benchmark::State& state) {
  const auto& release = Release();
  const auto req = Request();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& norm = release.norms[(i++ * 7919) % release.norms.size()];
    auto priced = normbase::PriceNorm(release, norm.family, norm.code, req);
    benchmark::DoNotOptimize(priced);
  }
}
BENCHMARK(BM_PriceNorm)->Unit(benchmark::kMicrosecond);

void BM_PriceNormAndCalculate(benchmark::State& state) {
  const auto& release = Release();
  const auto req = Request();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& norm = release.norms[(i++ * 7919) % release.norms.size()];
    auto priced = normbase::PriceNorm(release, norm.family, norm.code, req);
    auto figures = core::CalculatePosition(priced->position, {});
    benchmark::DoNotOptimize(figures);
  }
}
BENCHMARK(BM_PriceNormAndCalculate)->Unit(benchmark::kMicrosecond);

}  // namespace
