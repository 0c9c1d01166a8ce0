#pragma once
// JSON shapes of the normative base, one mapping per type, shared by the HTTP API
// (api/base_routes.cpp) and the CLI's --json output (app/base_commands.cpp), which promises the
// API's shapes. Domain types in (normbase, core), Boost.JSON out; figures are written as given,
// never recomputed.
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "core/estimate.hpp"
#include "normbase/base_release.hpp"

namespace estimate::wire {

boost::json::object ReleaseInfoJson(const normbase::ReleaseInfo& info);
// A norm with its hierarchy (path), work content and resource lines (price-book names and base
// prices where the release has them).
boost::json::object NormJson(const normbase::BaseRelease& release, const normbase::Norm& norm);
// A short form for lists: family, code, name, unit.
boost::json::object NormSummaryJson(const normbase::Norm& norm);
boost::json::object ResourceJson(const normbase::BaseRelease& release,
                                 const normbase::PriceBookEntry& entry);
// A priced position: its estimate-document form, the engine's figures and the warnings.
boost::json::object PricedJson(const core::Position& position,
                               const core::PositionResult& calculation,
                               const std::vector<std::string>& warnings);

}  // namespace estimate::wire
