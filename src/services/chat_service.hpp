#pragma once
// The assistant's chat: a question (and the estimate at hand) in, an answer with its sources out,
// event by event (ChatSink; the api sends them as server-sent events). Retrieval (ai/chat.hpp)
// over the methodology notes, the active release's technical parts and the estimate; with a
// model configured (OPENAI_API_KEY) the passages go to an OpenAI-compatible chat API and its
// answer comes piece by piece with the citations [n]; without one, the passages and the norms the
// suggestion is confident of are the answer, labelled as such, and nothing is called.
//
// Events, in order: Meta; Source per passage; Norm per suggested norm (no model only); Delta per
// piece of the model's answer; Error when the model failed; Done. Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ai/chat.hpp"
#include "ai/openai_client.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/assistant_types.hpp"

namespace estimate::services {

class AssistantService;
class BaseService;

struct ChatOptions {
  std::optional<ai::OpenAiSettings> model;  // none: answers are the passages themselves
  std::size_t sources = 6;                  // passages handed to the model or shown
};

struct ChatRequest {
  std::string message;
  std::optional<std::int64_t> estimate_id;
};

// The estimate at hand (EstimateReader::Digest when the api role runs in the process).
using EstimateDigestSource =
    std::function<Result<EstimateDigest>(const Actor& actor, std::int64_t estimate_id)>;

// A prepared answer: the sources found, ready to be sent.
struct ChatPlan {
  ChatRequest request;
  ChatMeta meta;
  std::vector<ai::Passage> sources;
  std::vector<ChatNorm> norms;  // no model only
};

class ChatService {
 public:
  // `assistant` may be null (no suggested norms); `estimates` may be empty (the estimate at hand
  // is then left out, and the notice says so).
  ChatService(BaseService& base, const AssistantService* assistant, EstimateDigestSource estimates,
              ChatOptions options);

  // Checks the request and finds the sources: InvalidArgument naming the field, NotFound for an
  // estimate the actor cannot read.
  Result<ChatPlan> Prepare(const Actor& actor, ChatRequest request) const;
  // Sends the events to `sink`; what the answer did.
  ChatOutcome Answer(const ChatPlan& plan, ChatSink& sink) const;

 private:
  std::shared_ptr<const ai::PassageIndex> TechnicalIndex() const;

  BaseService& base_;
  const AssistantService* assistant_;
  EstimateDigestSource estimates_;
  ChatOptions options_;
  ai::PassageIndex methodology_;
  mutable std::mutex mu_;
  mutable std::int64_t technical_release_ = 0;
  mutable std::shared_ptr<const ai::PassageIndex> technical_;
};

}  // namespace estimate::services
