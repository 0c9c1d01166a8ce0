#pragma once
// The assistant's norm suggestion over the active release (BaseService): one ai::NormSuggester
// per release, trained — or loaded from `cache_dir`, one folder per release content — on a thread
// of its own when a release becomes active, so that no request waits for it. Until the new
// release's model is ready, requests get the previous release's answers (saying which release);
// with none at all, Unavailable with what is under way.
//
// Refresh() is cheap when nothing changed: the role calls it once a second. Suggest is
// thread-safe. The destructor stops a training under way and waits for its thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ai/norm_suggester.hpp"
#include "core/status.hpp"
#include "services/base_service.hpp"

namespace estimate::services {

struct AssistantOptions {
  std::string cache_dir;  // where the models are kept (AI_CACHE_DIR, default data/ai)
  ai::TrainOptions train;
  std::optional<ai::ChromaSettings> chroma;  // CHROMA_URL: the norms' vectors in Chroma
  // OPENAI_EMBEDDING_MODEL with OPENAI_API_KEY: the meaning from the embeddings API.
  std::optional<ai::OpenAiSettings> embeddings;
};

struct SuggestAnswer {
  std::int64_t release_id = 0;
  std::string release_name;
  bool current = true;  // false: the active release's model is still training; these are the
                        // previous release's suggestions
  std::vector<ai::NormSuggestion> suggestions;
  // Keeps the release (and so the norms the suggestions point to) alive while they are read.
  std::shared_ptr<const ai::NormSuggester> model;
};

struct AssistantState {
  std::int64_t release_id = 0;  // of the model answering, 0 when none
  std::int64_t training_release_id = 0;  // of a training under way, 0 when none
  std::string last_error;                // of the last training that failed
  std::int64_t trainings = 0;            // trained or loaded, since the start
};

class AssistantService {
 public:
  // `base` must outlive the service.
  AssistantService(BaseService& base, AssistantOptions options);
  ~AssistantService();
  AssistantService(const AssistantService&) = delete;
  AssistantService& operator=(const AssistantService&) = delete;

  // Starts the model of the active release on a thread of its own when it is not the one
  // answering or training.
  void Refresh();
  // Waits until no training is under way (tests, the CLI).
  void WaitIdle();

  Result<SuggestAnswer> Suggest(const ai::SuggestQuery& query) const;
  AssistantState State() const;

 private:
  struct Model {
    std::int64_t release_id = 0;
    std::string release_name;
    std::shared_ptr<const ai::NormSuggester> suggester;
  };
  void Train(std::shared_ptr<const ActiveBase> active, std::int64_t release_id);

  BaseService& base_;
  AssistantOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const Model> model_;
  std::int64_t training_id_ = 0;
  std::int64_t failed_id_ = 0;  // a release whose training failed: tried again after a while
  std::chrono::steady_clock::time_point failed_at_;
  std::string last_error_;
  std::int64_t trainings_ = 0;
  std::atomic<bool> stop_{false};
  std::thread trainer_;
};

}  // namespace estimate::services
