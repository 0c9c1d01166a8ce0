#pragma once
// The API's JSON of the normative base's typed results (services/base_types.hpp), one mapping
// per type. The shapes the CLI's --json shares (a norm, a resource, a priced position, a release)
// are wire/base_json.hpp's; the pages of search results and the answers' envelopes are here.
#include <boost/json/object.hpp>
#include <optional>
#include <vector>

#include "services/base_types.hpp"

namespace estimate::api {

// {"items": [release…]}
boost::json::object ReleasesJson(const std::vector<normbase::ReleaseInfo>& releases);
// {"items": [norm summary + score, exact_code, highlights…], "total", "unknown_words", "release"}
boost::json::object NormSearchJson(const services::NormSearchPage& page);
// {"items": [resource + score, exact_code, highlights…], "total", "unknown_words"}
boost::json::object ResourceSearchJson(const services::ResourceSearchPage& page);
// The norm (wire::NormJson) with "priced" when it was priced.
boost::json::object NormCardJson(const services::NormCard& card,
                                 const std::optional<services::PricedView>& priced);
// The resource (wire::ResourceJson) with "priced" when it was priced.
boost::json::object ResourceCardJson(const services::ResourceCard& card,
                                     const std::optional<services::PricedView>& priced);

}  // namespace estimate::api
