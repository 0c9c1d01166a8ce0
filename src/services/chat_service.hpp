#pragma once
// The assistant's chat: a question (and the estimate at hand) in, an answer with its sources out
// as server-sent events. Retrieval (ai/chat.hpp) over the methodology notes, the active release's
// technical parts and the estimate; with a model configured (OPENAI_API_KEY) the passages go to
// an OpenAI-compatible chat API and its answer is streamed with the citations [n]; without one,
// the passages and the suggested norms are the answer, labelled as such, and nothing is called.
//
// Events, in order: "meta" {mode, model, release, estimate_id, notice}; "source" per passage
// {n, kind, title, text, citation, position_id}; "norm" per suggested norm (no model only);
// "delta" {text} per piece of the model's answer; "error" {detail} when the model failed; "done"
// {mode, outcome, citations, prompt_tokens, completion_tokens}. Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ai/chat.hpp"
#include "ai/openai_client.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"

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

// The estimate at hand as the chat reads it: its served view (JSON of GET /estimates/{id}).
using EstimateViewSource =
    std::function<Result<std::string>(const Actor& actor, std::int64_t estimate_id)>;

// What an answer did, for /metrics.
struct ChatOutcome {
  std::string mode;     // "model" or "passages"
  std::string outcome;  // "ok", "provider_error", "client_gone"
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double first_text_seconds = -1;  // model mode: until the first piece of the answer
};

// A prepared answer: the sources found, ready to be streamed.
struct ChatPlan {
  ChatRequest request;
  std::vector<ai::Passage> sources;
  std::vector<std::string> norm_events;  // "norm" events' data (no model only)
  std::string meta;                      // the "meta" event's data
};

class ChatService {
 public:
  // `assistant` may be null (no suggested norms); `estimates` may be empty (the estimate at hand
  // is then left out, and the meta event says so).
  ChatService(BaseService& base, const AssistantService* assistant, EstimateViewSource estimates,
              ChatOptions options);

  // Checks the request and finds the sources: InvalidArgument naming the field, NotFound for an
  // estimate the actor cannot read.
  Result<ChatPlan> Prepare(const Actor& actor, ChatRequest request) const;
  // Sends the events; `emit(event, data)` returns false when the client is gone.
  ChatOutcome Answer(const ChatPlan& plan,
                     const std::function<bool(std::string_view, std::string_view)>& emit) const;

  bool model_configured() const { return options_.model.has_value(); }

 private:
  struct Technical {
    std::int64_t release_id = 0;
    std::shared_ptr<const ai::PassageIndex> index;
  };
  std::shared_ptr<const ai::PassageIndex> TechnicalIndex() const;

  BaseService& base_;
  const AssistantService* assistant_;
  EstimateViewSource estimates_;
  ChatOptions options_;
  ai::PassageIndex methodology_;
  mutable std::mutex mu_;
  mutable Technical technical_;
};

}  // namespace estimate::services
