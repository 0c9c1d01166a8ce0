#pragma once
// Pricing from the normative base: a norm or a price-book resource + region, zone, quarter,
// quantity and territory → a priced position with the engine's figures (base_types.hpp
// PricedView). The figures are exactly what `estimate-service calc` computes for the position's
// document. Pure: thread-safe, no I/O.
//
// Errors: NotFound (the norm, resource, region or quarter is not in the release), InvalidArgument
// or FailedPrecondition from the engine when the figures cannot be computed (overflow).
#include <string_view>

#include "services/base_types.hpp"

namespace estimate::services {

Result<PricedView> PriceNorm(const ActiveBase& base, normbase::NormFamily family,
                             std::string_view code, const normbase::PricingRequest& request);
Result<PricedView> PriceResource(const ActiveBase& base, std::string_view code,
                                 const normbase::PricingRequest& request);

}  // namespace estimate::services
