#include "services/assistant_service.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>
#include <vector>

#include "telemetry/log.hpp"

namespace estimate::services {

namespace {

// Model folders kept under the cache: the newest few, so that a rollback to the previous release
// finds its model, and the disk does not fill with every release ever active.
constexpr std::size_t kModelsKept = 3;
constexpr auto kRetryAfterFailure = std::chrono::minutes(10);

// A model folder of this service: 16 hex digits (ai::ReleaseModelKey). Nothing else under the
// cache folder is ever removed, whatever AI_CACHE_DIR points at.
bool IsModelFolder(const std::string& name) {
  return name.size() == 16 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void PruneModels(const std::string& cache_dir, const std::string& keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> folders;
  const auto now = fs::file_time_type::clock::now();
  fs::directory_iterator it(cache_dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (!it->is_directory(ec) || name == keep) continue;
    const auto written = fs::last_write_time(path, ec);
    if (ec) continue;
    if (name.starts_with(".training-") && IsModelFolder(name.substr(10, 16))) {
      // A training of another process under way, or left by one that died.
      if (now - written > std::chrono::hours(6)) fs::remove_all(path, ec);
      continue;
    }
    if (name.starts_with(".embedding-") && IsModelFolder(name.substr(11, 16))) {
      if (now - written > std::chrono::hours(6)) fs::remove_all(path, ec);
      continue;
    }
    // "<16 hex>" (fastText) and "<16 hex>-oa-<16 hex>" (an embeddings API's vectors).
    const bool model = IsModelFolder(name) ||
                       (name.size() == 36 && name.substr(16, 4) == "-oa-" && IsModelFolder(name.substr(0, 16)) &&
                        IsModelFolder(name.substr(20)));
    if (model && fs::exists(path / "complete", ec)) folders.emplace_back(written, path);
  }
  std::sort(folders.begin(), folders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kModelsKept - 1; i < folders.size(); ++i) fs::remove_all(folders[i].second, ec);
}

}  // namespace

AssistantService::AssistantService(BaseService& base, AssistantOptions options)
    : base_(base), options_(std::move(options)) {
  options_.train.cancel = &stop_;
}

AssistantService::~AssistantService() {
  stop_ = true;
  if (trainer_.joinable()) trainer_.join();
}

void AssistantService::Refresh() {
  std::shared_ptr<const ActiveBase> active = base_.Active();
  if (!active || !active->release || !active->search) return;
  const std::int64_t id = active->release->info.id;
  std::lock_guard lock(mu_);
  if (stop_ || training_id_ != 0) return;  // one at a time; the next tick looks again
  if (model_ && model_->release_id == id) return;
  // A failed training (a full disk, memory) is tried again after a while, not every second.
  if (failed_id_ == id && std::chrono::steady_clock::now() - failed_at_ < kRetryAfterFailure) return;
  if (trainer_.joinable()) trainer_.join();  // the previous one has ended
  training_id_ = id;
  trainer_ = std::thread([this, active = std::move(active), id] { Train(active, id); });
}

void AssistantService::Train(std::shared_ptr<const ActiveBase> active, std::int64_t release_id) {
  const auto started = std::chrono::steady_clock::now();
  telemetry::LogInfo("assistant: preparing the norm suggestion model",
                     {{"release_id", std::to_string(release_id), true},
                      {"release", active->release->info.name}});
  ai::SuggesterOptions options{options_.cache_dir, options_.train, {}, options_.chroma, options_.embeddings};
  Result<std::unique_ptr<ai::NormSuggester>> built = Internal("not built");
  try {
    built = ai::NormSuggester::Build(active->release, active->search, options);
    if (built.ok() && !options_.cache_dir.empty()) PruneModels(options_.cache_dir, (*built)->key());
  } catch (const std::exception& e) {  // fastText and hnswlib throw (memory, damaged files)
    built = Internal(std::string("norm suggestion model: ") + e.what());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard lock(mu_);
  training_id_ = 0;
  if (!built.ok()) {
    if (stop_) return;
    failed_id_ = release_id;
    failed_at_ = std::chrono::steady_clock::now();
    last_error_ = built.status().message();
    telemetry::LogError("assistant: norm suggestion model not built",
                        {{"release_id", std::to_string(release_id), true},
                         {"reason", last_error_}});
    return;
  }
  auto model = std::make_shared<Model>();
  model->release_id = release_id;
  model->release_name = active->release->info.name;
  const bool loaded = (*built)->loaded();
  if (!(*built)->warning().empty()) {
    telemetry::LogWarn("assistant: norm suggestion works without a part",
                       {{"release_id", std::to_string(release_id), true}, {"reason", (*built)->warning()}});
  }
  model->suggester = std::shared_ptr<const ai::NormSuggester>(std::move(*built));
  model_ = std::move(model);
  failed_id_ = 0;
  last_error_.clear();
  ++trainings_;
  telemetry::LogInfo("assistant: norm suggestion ready",
                     {{"release_id", std::to_string(release_id), true},
                      {"model", loaded ? "loaded" : "trained"},
                      {"seconds", std::to_string(seconds), true}});
}

void AssistantService::WaitIdle() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    t = std::move(trainer_);
  }
  if (t.joinable()) t.join();
}

Result<SuggestAnswer> AssistantService::Suggest(const ai::SuggestQuery& query) const {
  std::shared_ptr<const Model> model;
  std::string error;
  {
    std::lock_guard lock(mu_);
    model = model_;
    error = last_error_;
  }
  std::shared_ptr<const ActiveBase> active = base_.Active();
  if (!active || !active->release) {
    return Unavailable("no normative base is active: import a release (estimate-service base "
                       "import) to have norms suggested");
  }
  if (!model) {
    if (!error.empty()) return Internal("the norm suggestion model could not be built: " + error);
    return Unavailable("the assistant is learning the active release (" +
                       active->release->info.name +
                       "); norm suggestion is ready in about a minute");
  }
  SuggestAnswer answer;
  answer.release_id = model->release_id;
  answer.release_name = model->release_name;
  answer.current = model->release_id == active->release->info.id;
  answer.suggestions = model->suggester->Suggest(query);
  answer.model = model->suggester;
  return answer;
}

AssistantState AssistantService::State() const {
  std::lock_guard lock(mu_);
  AssistantState s;
  s.release_id = model_ ? model_->release_id : 0;
  s.training_release_id = training_id_;
  s.last_error = last_error_;
  s.trainings = trainings_;
  return s;
}

}  // namespace estimate::services
