#pragma once
// JSON shapes of the normative base for the API and the CLI's --json output.
#include <boost/json/object.hpp>

#include "normbase/base_release.hpp"
#include "normbase/pricing.hpp"

namespace estimate::api {

boost::json::object ReleaseInfoJson(const normbase::ReleaseInfo& info);
boost::json::object CountsJson(const normbase::ReleaseCounts& counts);
// A norm with its hierarchy (path), work content and resource lines (price-book names and base
// prices where the release has them).
boost::json::object NormJson(const normbase::BaseRelease& release, const normbase::Norm& norm);
// A short form for lists: family, code, name, unit.
boost::json::object NormSummaryJson(const normbase::Norm& norm);
boost::json::object ResourceJson(const normbase::BaseRelease& release,
                                 const normbase::PriceBookEntry& entry);
// The priced position: its estimate-document form, the engine's figures and the warnings.
// Error status when the engine refuses it (overflow).
Result<boost::json::object> PricedJson(const normbase::PricedPosition& priced);

}  // namespace estimate::api
