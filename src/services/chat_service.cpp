#include "services/chat_service.hpp"

#include <chrono>
#include <regex>

#include "core/text.hpp"
#include "normbase/base_release.hpp"
#include "services/assistant_service.hpp"
#include "services/base_service.hpp"

namespace estimate::services {

namespace {

constexpr std::size_t kMaxMessageBytes = 4000;

}  // namespace

ChatService::ChatService(BaseService& base, const AssistantService* assistant,
                         EstimateDigestSource estimates, ChatOptions options)
    : base_(base),
      assistant_(assistant),
      estimates_(std::move(estimates)),
      options_(std::move(options)),
      methodology_(ai::MethodologyPassages()) {}

std::shared_ptr<const ai::PassageIndex> ChatService::TechnicalIndex() const {
  const auto active = base_.Active();
  if (!active->release) return nullptr;
  std::lock_guard lock(mu_);
  if (technical_ == nullptr || technical_release_ != active->release->info.id) {
    // Built once per release, under the lock: the next question waits rather than builds again.
    technical_ = std::make_shared<const ai::PassageIndex>(ai::TechnicalPassages(*active->release));
    technical_release_ = active->release->info.id;
  }
  return technical_;
}

Result<ChatPlan> ChatService::Prepare(const Actor& actor, ChatRequest request) const {
  const std::string_view message = core::TrimWhitespace(request.message);
  if (message.empty()) return InvalidArgument("message: is required");
  if (message.size() > kMaxMessageBytes) {
    return InvalidArgument("message: at most " + std::to_string(kMaxMessageBytes) + " bytes");
  }
  request.message = std::string(message);
  ChatPlan plan;
  std::string notice;
  std::vector<ai::Passage> estimate;
  if (request.estimate_id) {
    if (!estimates_) {
      notice = "Смета не прочитана: этот процесс не обслуживает сметы (роль api).";
    } else {
      auto digest = estimates_(actor, *request.estimate_id);
      if (!digest.ok()) return digest.status();
      estimate = ai::EstimatePassages(digest->header, digest->lines);
    }
  }
  // Sources: the notes first (the rules), then the estimate's lines, then the base's technical
  // parts; each kind's best.
  const std::size_t limit = std::max<std::size_t>(options_.sources, 3);
  std::vector<ai::Passage> picked;
  for (const auto& hit : methodology_.Search(request.message, 3)) {
    picked.push_back(methodology_.passages()[hit.index]);
  }
  if (!estimate.empty()) {
    const ai::PassageIndex index(std::move(estimate));
    picked.push_back(index.passages().front());  // the header and totals
    for (const auto& hit : index.Search(request.message, 3)) {
      if (hit.index != 0) picked.push_back(index.passages()[hit.index]);
    }
  }
  if (auto technical = TechnicalIndex()) {
    for (const auto& hit : technical->Search(request.message, 2)) {
      picked.push_back(technical->passages()[hit.index]);
    }
  }
  if (picked.size() > limit + 2) picked.resize(limit + 2);
  plan.sources = std::move(picked);

  const bool model = options_.model.has_value();
  if (const auto active = base_.Active(); active->release) {
    plan.meta.release_id = active->release->info.id;
    plan.meta.release_name = active->release->info.name;
  }
  if (!model && assistant_ != nullptr) {
    ai::SuggestQuery q;
    q.text = request.message;
    q.limit = 3;
    if (auto answer = assistant_->Suggest(q); answer.ok()) {
      for (const auto& s : answer->suggestions) {
        // Only norms the question plainly describes: a question about the rules gets none.
        if (s.confidence == ai::Confidence::kLow) continue;
        plan.norms.push_back({normbase::PrintedCode(s.norm->family, s.norm->code),
                              std::string(s.norm->name), std::string(s.norm->unit), s.score});
      }
    }
  }
  if (!model) {
    notice = (notice.empty() ? "" : notice + " ") +
             std::string("Языковая модель не подключена (OPENAI_API_KEY): ниже — найденные "
                         "фрагменты методики, базы и сметы и подходящие нормы, без обобщения.");
  }
  plan.meta.mode = model ? "model" : "passages";
  plan.meta.model = model ? options_.model->model : std::string();
  plan.meta.estimate_id = request.estimate_id;
  plan.meta.notice = std::move(notice);
  plan.request = std::move(request);
  return plan;
}

ChatOutcome ChatService::Answer(const ChatPlan& plan, ChatSink& sink) const {
  ChatOutcome outcome;
  outcome.mode = plan.meta.mode;
  outcome.outcome = "ok";
  const auto gone = [&] {
    outcome.outcome = "client_gone";
    return outcome;
  };
  if (!sink.Meta(plan.meta)) return gone();
  for (std::size_t i = 0; i < plan.sources.size(); ++i) {
    if (!sink.Source(i + 1, plan.sources[i])) return gone();
  }
  for (const auto& norm : plan.norms) {
    if (!sink.Norm(norm)) return gone();
  }
  if (!options_.model) {
    for (std::size_t i = 0; i < plan.sources.size(); ++i) outcome.citations.push_back(i + 1);
  } else {
    std::vector<const ai::Passage*> sources;
    for (const auto& p : plan.sources) sources.push_back(&p);
    const ai::OpenAiClient client(*options_.model);
    const auto started = std::chrono::steady_clock::now();
    std::string text;
    bool client_gone = false;
    auto answer = client.Chat(ai::AnswerPrompt(plan.request.message, sources), [&](std::string_view piece) {
      if (outcome.first_text_seconds < 0) {
        outcome.first_text_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      }
      text.append(piece);
      if (!sink.Delta(piece)) {
        client_gone = true;
        return false;
      }
      return true;
    });
    if (client_gone) return gone();
    if (!answer.ok()) {
      outcome.outcome = "provider_error";
      if (!sink.Error(answer.status().message())) return gone();
    } else {
      outcome.prompt_tokens = answer->prompt_tokens;
      outcome.completion_tokens = answer->completion_tokens;
      // The sources the answer cites, in the order of their numbers.
      std::vector<bool> cited(plan.sources.size() + 1, false);
      static const std::regex kCitation(R"(\[(\d{1,2})\])");
      for (std::sregex_iterator it(text.begin(), text.end(), kCitation), end; it != end; ++it) {
        const std::size_t n = std::stoul((*it)[1].str());
        if (n >= 1 && n <= plan.sources.size()) cited[n] = true;
      }
      for (std::size_t n = 1; n < cited.size(); ++n) {
        if (cited[n]) outcome.citations.push_back(n);
      }
    }
  }
  if (!sink.Done(outcome)) return gone();
  return outcome;
}

}  // namespace estimate::services
