#pragma once
// The assistant's feedback (migration 0007): the norms an organization's estimators chose for a
// description of work and its unit, counted, so that the next suggestion ranks them first.
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

struct FeedbackChoice {
  std::string code;  // full code, «ГЭСН 16-02-005-05»
  std::int64_t chosen = 0;
  std::int64_t corrected = 0;
  std::string updated_at;
};

struct FeedbackEntry {
  std::string text_key, unit_key, code;
  std::string suggested;  // what the assistant suggested ("" when nothing)
};

class SuggestionFeedbackRepository {
 public:
  explicit SuggestionFeedbackRepository(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  // Counts each entry as chosen (and as a correction when it differs from what was suggested),
  // all in one transaction.
  Status Record(std::int64_t organization_id, const std::vector<FeedbackEntry>& entries);
  // The norms chosen for this description and unit in the organization, most chosen first, then
  // the latest.
  Result<std::vector<FeedbackChoice>> Choices(std::int64_t organization_id, const std::string& text_key,
                                              const std::string& unit_key);

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace estimate::store
