#include "api/ai_routes.hpp"

#include <boost/json.hpp>

#include <chrono>

#include "api/assistant_json.hpp"
#include "api/problem.hpp"
#include "http/multipart.hpp"
#include "normbase/base_release.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxText = 2000;  // characters of a description: a line of a bill, not a book

// The optional string field `name` of `body` (the request contract has checked its type).
std::string StringField(const json::object& body, const char* name) {
  const json::value* v = body.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Result<ai::SuggestQuery> QueryOf(const json::object& body) {
  ai::SuggestQuery q;
  q.text = StringField(body, "text");
  // A line pasted from a bill in Excel has tabs, a description typed in the panel line breaks:
  // both are spaces here.
  if (HasControlCharacter(q.text, true)) return InvalidArgument("text: holds a control character");
  for (char& c : q.text) {
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  }
  if (q.text.find_first_not_of(' ') == std::string::npos) {
    return InvalidArgument("text: describe the work, e.g. «замена шкафа управления лифтом»");
  }
  if (CodePoints(q.text) > kMaxText) {
    return InvalidArgument("text: at most " + std::to_string(kMaxText) + " characters");
  }
  q.unit = StringField(body, "unit");
  if (q.unit.size() > 64 || HasControlCharacter(q.unit, false)) {
    return InvalidArgument("unit: at most 64 bytes of text");
  }
  if (const json::value* v = body.if_contains("quantity"); v != nullptr && !v->is_null()) {
    std::string text = v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
    for (char& c : text) {
      if (c == ',') c = '.';  // «7,5» as Russian users type it
    }
    auto d = core::Decimal::Parse(text);
    if (!d.ok() || d->IsNegative() || d->IntegerDigits() > 15) {
      return InvalidArgument("quantity: \"" + text + "\" is not a non-negative decimal");
    }
    q.quantity = *d;
  }
  if (const std::string family = StringField(body, "family"); !family.empty()) {
    q.family = normbase::ParseFamily(family);
    if (!q.family) {
      return InvalidArgument("family: \"" + family +
                             "\" is not one of gesn, gesnm, gesnr, gesnp, gesnmr (or ГЭСН, "
                             "ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр)");
    }
  }
  if (const json::value* v = body.if_contains("limit"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 50) {
      return InvalidArgument("limit: a whole number from 1 to 50");
    }
    q.limit = static_cast<int>(v->as_int64());
  }
  return q;
}

json::object SuggestionJson(const ai::NormSuggestion& s) {
  const normbase::Norm& n = *s.norm;
  json::object o;
  o["family"] = normbase::FamilyId(n.family);
  o["code"] = n.code;
  o["full_code"] = std::string(normbase::FamilyPrefix(n.family)) + std::string(n.code);
  o["name"] = n.name;
  o["unit"] = n.unit;
  o["score"] = s.score;
  o["confidence"] = ai::ConfidenceId(s.confidence);
  o["text_score"] = s.text_score;
  o["vector_score"] = s.vector_score;
  json::array terms;
  for (const std::string& t : s.matched_terms) terms.emplace_back(t);
  o["matched_terms"] = std::move(terms);
  json::array reasons;
  for (const ai::SuggestReason& r : s.reasons) {
    reasons.emplace_back(json::object{{"kind", r.kind}, {"text", r.text}, {"against", r.against}});
  }
  o["reasons"] = std::move(reasons);
  return o;
}

}  // namespace

namespace {

// The chat's events as server-sent events on the streamed answer.
class SseChatSink : public services::ChatSink {
 public:
  explicit SseChatSink(http::BodyStream& out) : out_(out) {}
  bool Meta(const services::ChatMeta& m) override { return out_.Write(ChatMetaEvent(m)); }
  bool Source(std::size_t n, const ai::Passage& p) override { return out_.Write(ChatSourceEvent(n, p)); }
  bool Norm(const services::ChatNorm& n) override { return out_.Write(ChatNormEvent(n)); }
  bool Delta(std::string_view text) override { return out_.Write(ChatDeltaEvent(text)); }
  bool Error(std::string_view detail) override { return out_.Write(ChatErrorEvent(detail)); }
  bool Done(const services::ChatOutcome& o) override { return out_.Write(ChatDoneEvent(o)); }

 private:
  http::BodyStream& out_;
};

void AddBoqRoutes(http::Router& router, const AuthContext& context, services::BoqAssistant& boq) {
  router.Add("POST", "/api/v1/ai/boq", Guarded(context, [&boq](http::Request& req, const services::Actor& actor) {
    const std::string* type = req.Header("content-type");
    auto parts = http::ParseMultipart(type != nullptr ? *type : "", req.body);
    if (!parts.ok()) {
      if (parts.status().message().starts_with("content-type")) {
        return http::Response::Problem(415, {}, parts.status().message() + " (field: file)", req.path,
                                       req.request_id);
      }
      return ProblemOf(parts.status(), req);
    }
    const http::MultipartPart* file = nullptr;
    for (const auto& part : *parts) {
      if (part.name == "file") file = &part;
    }
    if (file == nullptr) return ProblemOf(InvalidArgument("file: is required (a ВОР .xlsx, .csv or ГГЭ XML)"), req);
    if (HasControlCharacter(file->filename, false)) {
      return ProblemOf(InvalidArgument("file: control characters are not accepted in the file's name"), req);
    }
    if (file->data.empty()) return ProblemOf(InvalidArgument("file: is empty"), req);
    auto review = boq.Review(actor, file->data, std::string(file->filename));
    if (!review.ok()) {
      http::Response r = ProblemOf(review.status(), req);
      SetRetryAfter(r, 30);  // the model is being trained
      return r;
    }
    return http::Response::Json(200, BoqReviewJson(*review));
  }), http::Execution::kHeavy);  // a spreadsheet parsed and a suggestion per line: the bounded pool
  router.Add("POST", "/api/v1/ai/boq/draft", Guarded(context, [&boq](http::Request& req, const services::Actor& actor) {
    http::Response error;
    auto body = JsonObjectBody(req, error);
    if (!body) return error;
    auto request = BoqDraftRequestOf(body->as_object());
    if (!request.ok()) return ProblemOf(request.status(), req);
    auto drafted = boq.Draft(actor, *request);
    if (!drafted.ok()) return ProblemOf(drafted.status(), req);
    if (drafted->feedback_error.empty()) return http::Response::Json(201, std::move(drafted->created.json));
    json::value answer = json::parse(drafted->created.json);
    json::value& warnings = answer.as_object()["warnings"];
    if (!warnings.is_array()) warnings = json::array();
    warnings.as_array().push_back(json::string(drafted->feedback_error));
    return http::Response::Json(201, json::serialize(answer));
  }));
}

void AddChatRoute(http::Router& router, const AuthContext& context, services::ChatService& chat,
                  telemetry::Registry& registry) {
  auto& answers = registry.Counter("ai_chat_answers_total",
                                   "Chat answers by mode (model, passages) and outcome (ok, "
                                   "provider_error, client_gone).");
  auto& tokens = registry.Counter("ai_chat_tokens_total",
                                  "Tokens of the language model's chat answers, by kind (prompt, "
                                  "completion).");
  auto& duration = registry.Histogram("ai_chat_duration_seconds",
                                      "Chat answers: from the question to the last event.",
                                      {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120});
  auto& first_text = registry.Histogram("ai_chat_first_text_seconds",
                                        "Chat answers by a model: until its first piece of text.",
                                        {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  router.Add("POST", "/api/v1/ai/chat",
             Guarded(context, [&chat, &answers, &tokens, &duration, &first_text](
                                  http::Request& req, const services::Actor& actor) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               const json::object& o = body->as_object();
               services::ChatRequest request;
               request.message = StringField(o, "message");
               if (HasControlCharacter(request.message, true)) {
                 return ProblemOf(InvalidArgument("message: holds a control character"), req);
               }
               if (const json::value* id = o.if_contains("estimate_id"); id != nullptr && !id->is_null()) {
                 if (!id->is_int64() || id->get_int64() <= 0) {
                   return ProblemOf(InvalidArgument("estimate_id: expected an estimate id"), req);
                 }
                 request.estimate_id = id->get_int64();
               }
               auto plan = chat.Prepare(actor, std::move(request));
               if (!plan.ok()) return ProblemOf(plan.status(), req);
               http::Response r;
               r.status = 200;
               r.content_type = "text/event-stream; charset=utf-8";
               r.headers.emplace_back("cache-control", "no-cache");
               r.headers.emplace_back("x-accel-buffering", "no");  // nginx: pass each event on
               const auto started = std::chrono::steady_clock::now();
               r.stream = [&chat, &answers, &tokens, &duration, &first_text, started,
                           plan = std::move(plan).value()](http::BodyStream& out) {
                 SseChatSink sink(out);
                 const services::ChatOutcome outcome = chat.Answer(plan, sink);
                 answers.Increment({{"mode", outcome.mode}, {"outcome", outcome.outcome}});
                 if (outcome.prompt_tokens > 0) {
                   tokens.Increment({{"kind", "prompt"}}, static_cast<std::uint64_t>(outcome.prompt_tokens));
                 }
                 if (outcome.completion_tokens > 0) {
                   tokens.Increment({{"kind", "completion"}},
                                    static_cast<std::uint64_t>(outcome.completion_tokens));
                 }
                 duration.Observe({{"mode", outcome.mode}},
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
                 if (outcome.first_text_seconds >= 0) first_text.Observe({}, outcome.first_text_seconds);
               };
               return r;
             }));
}

}  // namespace

void AddAiRoutes(http::Router& router, const AuthContext& context, const AiRouteServices& ai) {
  router.Add("POST", "/api/v1/ai/suggest",
             Guarded(context, [&assistant = ai.assistant](http::Request& req, const services::Actor&) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               auto query = QueryOf(body->as_object());
               if (!query.ok()) return ProblemOf(query.status(), req);
               auto answer = assistant.Suggest(*query);
               if (!answer.ok()) {
                 http::Response r = ProblemOf(answer.status(), req);
                 SetRetryAfter(r, 30);  // the model is being trained
                 return r;
               }
               json::object out;
               out["release"] = json::object{{"id", answer->release_id},
                                             {"name", answer->release_name},
                                             {"current", answer->current}};
               json::array list;
               for (const ai::NormSuggestion& s : answer->suggestions) {
                 list.emplace_back(SuggestionJson(s));
               }
               out["suggestions"] = std::move(list);
               return http::Response::Json(200, json::serialize(out));
             }));
  AddBoqRoutes(router, context, ai.boq);
  AddChatRoute(router, context, ai.chat, ai.registry);
}

}  // namespace estimate::api
