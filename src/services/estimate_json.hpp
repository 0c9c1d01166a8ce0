#pragma once
// Private to services: the JSON shapes the estimate services still build (the views of projects,
// objects and estimates, the fields of edit operations). Not included outside src/services.
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "services/estimate_internal.hpp"

namespace estimate::services::internal {

Result<boost::json::value> ParseBody(const std::string& text, const std::string& what);
// A string field; nullopt when absent/null, InvalidArgument when not a string.
Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view key,
                                               const std::string& path);
// A positive id field; nullopt when absent.
Result<std::optional<std::int64_t>> IdField(const boost::json::object& o, std::string_view key,
                                            const std::string& path);
Result<std::optional<std::size_t>> IndexField(const boost::json::object& o,
                                              const std::string& path);
boost::json::object ProjectJson(const store::Project& p);
boost::json::object ObjectJson(const store::SiteObject& o);
boost::json::object HeaderJson(const store::EstimateInfo& info);
// The object's JSON text without its closing brace, so that more members can follow.
std::string OpenObject(const boost::json::object& o);
// "ГЭСНм08-02-001-01" → (ГЭСНм, "08-02-001-01"); the longest family prefix wins.
std::optional<std::pair<normbase::NormFamily, std::string>> SplitNormCode(std::string_view code);
// The position figures as the view shows them.
void AppendPositionSummary(std::string* out, std::int64_t id, const core::Position& p,
                           const core::PositionResult* r);
void AppendSectionsAndTotals(std::string* out, const WorkingEstimate& w, bool with_positions);
std::string SerializeView(const WorkingEstimate& w);

}  // namespace estimate::services::internal
