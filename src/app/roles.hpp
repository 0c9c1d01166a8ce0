#pragma once
// The roles of `serve --roles` (ARCHITECTURE.md): one binary, each role runnable on its own.
//   api        the HTTP API (today's routes)
//   ai         norm suggestion, the estimate checker, chat: no capability of its own yet
//   collector  the ФГИС ЦС schedule and the release pipeline: no capability of its own yet
// Every process, whatever its roles, serves /health, /health/ready and /metrics.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace estimate::app {

// Every role, in canonical order: what `serve` runs by default.
inline constexpr std::string_view kAllRoles = "api,ai,collector";

// "api,collector" → {"api", "collector"}: in canonical order (api, ai, collector), each once;
// blanks around names ignored. InvalidArgument naming the first unknown role, or for an empty
// list.
Result<std::vector<std::string>> ParseRoles(std::string_view list);

}  // namespace estimate::app
