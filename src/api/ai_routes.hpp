#pragma once
// The assistant's routes (role `ai`; services/assistant_service.hpp):
//   POST /api/v1/ai/suggest {text, unit?, quantity?, family?, region?, limit?} → the norms of the
//   active release ranked for a plain description, each with its score, confidence band and
//   reasons. 503 with Retry-After while the release's model is being prepared.
// Guarded: a signed-in user of any role.
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/assistant_service.hpp"

namespace estimate::api {

void AddAiRoutes(http::Router& router, const AuthContext& context,
                 services::AssistantService& assistant);

}  // namespace estimate::api
