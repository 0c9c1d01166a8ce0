#pragma once
// A bill of quantities (ВОР) made into a draft estimate with the assistant's help.
//
// Review: the file is read (DocumentService::ReadBoq) and each line without a norm code gets a
// suggested norm of the active release with its confidence and two alternatives; a low
// confidence marks the line for the estimator. What this organization's estimators chose before
// for the same description and unit comes first (source "feedback"). Nothing is stored.
//
// Draft: the lines with the norms the estimator accepted or chose instead become a draft
// estimate (DocumentService::ImportBoq; the quantity brought to the norm's unit, 150 м → 1,5 of
// «100 м»), and every choice is recorded as the organization's feedback. Thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/assistant_types.hpp"
#include "services/estimate_types.hpp"

namespace estimate::store {
class SuggestionFeedbackRepository;
}  // namespace estimate::store

namespace estimate::services {

class AssistantService;
class BaseService;
class DocumentService;

class BoqAssistant {
 public:
  // `documents` may be null (the ai role without the api role): Draft is then Unavailable.
  BoqAssistant(BaseService& base, const AssistantService& assistant,
               store::SuggestionFeedbackRepository& feedback, DocumentService* documents);

  Result<BoqReview> Review(const Actor& actor, std::string_view bytes, const std::string& filename);
  // The answer of DocumentService::ImportBoq. InvalidArgument naming lines[i].code for a code
  // that is not a norm of the active release, lines[i].quantity for a unit that is not the norm's.
  Result<BoqDraftOutcome> Draft(const Actor& actor, const BoqDraftRequest& request);

 private:
  BaseService& base_;
  const AssistantService& assistant_;
  store::SuggestionFeedbackRepository& feedback_;
  DocumentService* documents_;
};

}  // namespace estimate::services
