#include "store/suggestion_feedback_repository.hpp"

#include <soci/soci.h>

#include "store/sql_support.hpp"

namespace estimate::store {

using internal::Execute;
using internal::RunLeased;
using internal::RunOwn;

Status SuggestionFeedbackRepository::Record(std::int64_t organization_id,
                                            const std::vector<FeedbackEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunOwn(db_, "recording the assistant's feedback", [&](soci::session& s) -> Status {
    const long long organization = organization_id;
    for (const auto& e : entries) {
      const int corrected = !e.suggested.empty() && e.suggested != e.code ? 1 : 0;
      Execute(s,
              "INSERT INTO suggestion_feedback (organization_id, text_key, unit_key, code, chosen, "
              "corrected, suggested, updated_at) VALUES (:organization, :text_key, :unit_key, "
              ":code, 1, :corrected, :suggested, :now) ON CONFLICT (organization_id, text_key, "
              "unit_key, code) DO UPDATE SET chosen = suggestion_feedback.chosen + 1, corrected = "
              "suggestion_feedback.corrected + excluded.corrected, suggested = excluded.suggested, "
              "updated_at = excluded.updated_at",
              soci::use(organization), soci::use(e.text_key), soci::use(e.unit_key),
              soci::use(e.code), soci::use(corrected), soci::use(e.suggested), soci::use(now));
    }
    return Status::Ok();
  });
}

Result<std::vector<FeedbackChoice>> SuggestionFeedbackRepository::Choices(
    std::int64_t organization_id, const std::string& text_key, const std::string& unit_key) {
  return RunLeased(db_, "reading the assistant's feedback",
                   [&](soci::session& s) -> Result<std::vector<FeedbackChoice>> {
                     const long long organization = organization_id;
                     std::vector<FeedbackChoice> out;
                     FeedbackChoice row;
                     long long chosen = 0, corrected = 0;
                     soci::statement st =
                         (s.prepare << "SELECT code, chosen, corrected, updated_at FROM "
                                       "suggestion_feedback WHERE organization_id = :organization "
                                       "AND text_key = :text_key AND unit_key = :unit_key ORDER BY "
                                       "chosen DESC, updated_at DESC, code",
                          soci::into(row.code), soci::into(chosen), soci::into(corrected),
                          soci::into(row.updated_at), soci::use(organization),
                          soci::use(text_key), soci::use(unit_key));
                     st.execute();
                     while (st.fetch()) {
                       row.chosen = chosen;
                       row.corrected = corrected;
                       out.push_back(row);
                     }
                     return out;
                   });
}

}  // namespace estimate::store
