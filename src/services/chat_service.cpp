#include "services/chat_service.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <regex>

#include "core/text.hpp"
#include "normbase/base_release.hpp"
#include "services/assistant_service.hpp"
#include "services/base_service.hpp"

namespace estimate::services {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxMessageBytes = 4000;

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  return {};
}

// The estimate's served view as passages: header and totals, then each position.
std::vector<ai::Passage> EstimateOf(const std::string& view_json) {
  boost::system::error_code ec;
  const json::value view = json::parse(view_json, ec);
  if (ec || !view.is_object()) return {};
  const json::object& v = view.get_object();
  std::string header = "Смета «" + Text(v, "name") + "»";
  if (const auto number = Text(v, "number"); !number.empty()) header += " № " + number;
  header += ", регион " + Text(v, "region") + ", квартал " + Text(v, "quarter") + ", метод " +
            Text(v, "method") + ".";
  std::vector<ai::EstimateLine> lines;
  if (const auto* sections = v.if_contains("sections"); sections != nullptr && sections->is_array()) {
    header += " Разделов " + std::to_string(sections->get_array().size()) + ".";
    for (const auto& s : sections->get_array()) {
      if (!s.is_object()) continue;
      const auto* positions = s.get_object().if_contains("positions");
      if (positions == nullptr || !positions->is_array()) continue;
      for (const auto& p : positions->get_array()) {
        if (!p.is_object()) continue;
        const json::object& o = p.get_object();
        ai::EstimateLine line;
        if (const auto* id = o.if_contains("id"); id != nullptr && id->is_int64()) line.position_id = id->get_int64();
        line.number = Text(o, "number");
        line.code = Text(o, "code");
        line.name = Text(o, "name");
        line.unit = Text(o, "unit");
        line.quantity = Text(o, "quantity");
        if (const auto* f = o.if_contains("figures"); f != nullptr && f->is_object()) {
          line.total = Text(f->get_object(), "total");
        }
        lines.push_back(std::move(line));
      }
    }
  }
  if (const auto* totals = v.if_contains("totals"); totals != nullptr && totals->is_object()) {
    const json::object& t = totals->get_object();
    header += " Итоги: всего " + Text(t, "total") + " руб., ОТ " + Text(t, "ot") + ", ЭМ " +
              Text(t, "em") + ", ОТм " + Text(t, "otm") + ", материалы " + Text(t, "m") +
              ", оборудование " + Text(t, "equipment") + ", НР " + Text(t, "overhead") + ", СП " +
              Text(t, "profit") + ".";
  }
  return ai::EstimatePassages(header, lines);
}

json::object SourceJson(std::size_t n, const ai::Passage& p) {
  return json::object{{"n", n},
                      {"kind", ai::PassageKindName(p.kind)},
                      {"title", p.title},
                      {"text", p.text},
                      {"citation", p.citation},
                      {"position_id", p.position_id == 0 ? json::value(nullptr) : json::value(p.position_id)}};
}

}  // namespace

ChatService::ChatService(BaseService& base, const AssistantService* assistant,
                         EstimateViewSource estimates, ChatOptions options)
    : base_(base),
      assistant_(assistant),
      estimates_(std::move(estimates)),
      options_(std::move(options)),
      methodology_(ai::MethodologyPassages()) {}

std::shared_ptr<const ai::PassageIndex> ChatService::TechnicalIndex() const {
  const auto active = base_.Active();
  if (!active->release) return nullptr;
  std::lock_guard lock(mu_);
  if (technical_.index == nullptr || technical_.release_id != active->release->info.id) {
    // Built once per release, under the lock: the next question waits rather than builds again.
    technical_.index = std::make_shared<const ai::PassageIndex>(ai::TechnicalPassages(*active->release));
    technical_.release_id = active->release->info.id;
  }
  return technical_.index;
}

Result<ChatPlan> ChatService::Prepare(const Actor& actor, ChatRequest request) const {
  std::string_view message = core::TrimWhitespace(request.message);
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
      auto view = estimates_(actor, *request.estimate_id);
      if (!view.ok()) return view.status();
      estimate = EstimateOf(*view);
    }
  }
  // Sources: the notes first (the rules), then the estimate's lines, then the base's technical
  // parts; each kind's best, at most options_.sources in all.
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

  json::value release = nullptr;
  if (const auto active = base_.Active(); active->release) {
    release = json::object{{"id", active->release->info.id}, {"name", active->release->info.name}};
  }
  const bool model = options_.model.has_value();
  if (!model && assistant_ != nullptr) {
    ai::SuggestQuery q;
    q.text = request.message;
    q.limit = 3;
    if (auto answer = assistant_->Suggest(q); answer.ok()) {
      for (const auto& s : answer->suggestions) {
        // Only norms the question plainly describes: a question about the rules gets none.
        if (s.confidence == ai::Confidence::kLow) continue;
        plan.norm_events.push_back(json::serialize(json::object{
            {"code", std::string(normbase::FamilyPrefix(s.norm->family)) + " " + std::string(s.norm->code)},
            {"name", std::string(s.norm->name)},
            {"unit", std::string(s.norm->unit)},
            {"score", s.score}}));
      }
    }
  }
  if (!model) {
    notice = (notice.empty() ? "" : notice + " ") +
             std::string("Языковая модель не подключена (OPENAI_API_KEY): ниже — найденные "
                         "фрагменты методики, базы и сметы и подходящие нормы, без обобщения.");
  }
  plan.meta = json::serialize(json::object{
      {"mode", model ? "model" : "passages"},
      {"model", model ? json::value(options_.model->model) : json::value(nullptr)},
      {"release", std::move(release)},
      {"estimate_id", request.estimate_id ? json::value(*request.estimate_id) : json::value(nullptr)},
      {"notice", notice}});
  plan.request = std::move(request);
  return plan;
}

ChatOutcome ChatService::Answer(const ChatPlan& plan,
                                const std::function<bool(std::string_view, std::string_view)>& emit) const {
  ChatOutcome outcome;
  outcome.mode = options_.model ? "model" : "passages";
  outcome.outcome = "ok";
  const auto gone = [&] {
    outcome.outcome = "client_gone";
    return outcome;
  };
  if (!emit("meta", plan.meta)) return gone();
  for (std::size_t i = 0; i < plan.sources.size(); ++i) {
    if (!emit("source", json::serialize(SourceJson(i + 1, plan.sources[i])))) return gone();
  }
  for (const auto& norm : plan.norm_events) {
    if (!emit("norm", norm)) return gone();
  }
  json::array citations;
  if (!options_.model) {
    for (std::size_t i = 0; i < plan.sources.size(); ++i) citations.push_back(i + 1);
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
      if (!emit("delta", json::serialize(json::object{{"text", piece}}))) {
        client_gone = true;
        return false;
      }
      return true;
    });
    if (client_gone) return gone();
    if (!answer.ok()) {
      outcome.outcome = "provider_error";
      if (!emit("error", json::serialize(json::object{{"detail", answer.status().message()}}))) return gone();
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
        if (cited[n]) citations.push_back(n);
      }
    }
  }
  const json::value done = json::object{{"mode", outcome.mode},
                                        {"outcome", outcome.outcome},
                                        {"citations", std::move(citations)},
                                        {"prompt_tokens", outcome.prompt_tokens},
                                        {"completion_tokens", outcome.completion_tokens}};
  if (!emit("done", json::serialize(done))) return gone();
  return outcome;
}

}  // namespace estimate::services
