#include "api/audit_json.hpp"

#include <boost/json.hpp>

namespace estimate::api {
namespace json = boost::json;

json::array AuditEntriesJson(const std::vector<services::AuditEntry>& entries) {
  const auto parsed = [](const std::optional<std::string>& text) -> json::value {
    if (!text) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    return ec ? json::value(*text) : v;
  };
  json::array out;
  for (const auto& e : entries) {
    out.push_back(json::object{
        {"id", e.id},
        {"at", core::FormatUtcTimestamp(e.at)},
        {"actor_user_id", e.actor_user_id ? json::value(*e.actor_user_id) : json::value(nullptr)},
        {"actor_name", e.actor_name},
        {"action", e.action},
        {"entity_type", e.entity_type},
        {"entity_id", e.entity_id},
        {"request_id", e.request_id},
        {"before", parsed(e.before_json)},
        {"after", parsed(e.after_json)}});
  }
  return out;
}

}  // namespace estimate::api
