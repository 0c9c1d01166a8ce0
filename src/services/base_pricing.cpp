#include "services/base_pricing.hpp"

#include <utility>

#include "core/resource_index_calculator.hpp"

namespace estimate::services {
namespace {

Result<PricedView> WithFigures(Result<normbase::PricedPosition> priced) {
  if (!priced.ok()) return priced.status();
  auto calculation = core::CalculatePosition(priced->position, {});
  if (!calculation.ok()) return calculation.status();
  return PricedView{std::move(priced->position), std::move(calculation).value(),
                    std::move(priced->warnings)};
}

}  // namespace

Result<PricedView> PriceNorm(const ActiveBase& base, normbase::NormFamily family,
                             std::string_view code, const normbase::PricingRequest& request) {
  return WithFigures(normbase::PriceNorm(*base.release, family, code, request));
}

Result<PricedView> PriceResource(const ActiveBase& base, std::string_view code,
                                 const normbase::PricingRequest& request) {
  return WithFigures(normbase::PriceResource(*base.release, code, request));
}

}  // namespace estimate::services
