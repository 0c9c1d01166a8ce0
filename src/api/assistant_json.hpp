#pragma once
// The assistant's answers as JSON (services/assistant_types.hpp → the shapes of the OpenAPI
// document: CheckReport, the chat's events, BoqReview) and the draft request read from JSON.
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "services/assistant_types.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace estimate::api {

std::string CheckReportJson(const services::CheckReport& report);

// One server-sent event: "event: <name>\ndata: <one line of JSON>\n\n".
std::string ChatMetaEvent(const services::ChatMeta& meta);
std::string ChatSourceEvent(std::size_t n, const ai::Passage& passage);
std::string ChatNormEvent(const services::ChatNorm& norm);
std::string ChatDeltaEvent(std::string_view text);
std::string ChatErrorEvent(std::string_view detail);
std::string ChatDoneEvent(const services::ChatOutcome& outcome);

std::string BoqReviewJson(const services::BoqReview& review);
// The body of POST /ai/boq/draft (held to BoqDraftRequest by the request contract already);
// InvalidArgument naming the field for a quantity that is not a decimal.
Result<services::BoqDraftRequest> BoqDraftRequestOf(const boost::json::object& body);

}  // namespace estimate::api
