#pragma once
// The assistant's routes (role `ai`; services/assistant_service.hpp):
//   POST /api/v1/ai/suggest {text, unit?, quantity?, family?, region?, limit?} → the norms of the
//   active release ranked for a plain description, each with its score, confidence band and
//   reasons. 503 with Retry-After while the release's model is being prepared.
//   POST /api/v1/ai/chat {message, estimate_id?} → server-sent events: the sources found (the
//   methodology notes, the base's technical parts, the estimate), then the model's answer with
//   citations, or without a model the sources and norms themselves (services/chat_service.hpp).
//   Tokens, answers and their latency on /metrics.
// Guarded: a signed-in user of any role.
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/assistant_service.hpp"
#include "services/boq_assistant.hpp"
#include "services/chat_service.hpp"
#include "telemetry/metrics.hpp"

namespace estimate::api {

// The assistant's services the routes call; all outlive the router.
struct AiRouteServices {
  services::AssistantService& assistant;
  services::ChatService& chat;
  services::BoqAssistant& boq;
  telemetry::Registry& registry;  // the chat's tokens and latency
};

// POST /api/v1/ai/suggest; POST /api/v1/ai/boq (multipart: file) → the lines of a ВОР with
// suggested norms; POST /api/v1/ai/boq/draft {object_id, name, region, zone, quarter, lines} →
// 201, the draft; POST /api/v1/ai/chat.
void AddAiRoutes(http::Router& router, const AuthContext& context, const AiRouteServices& ai);

}  // namespace estimate::api
