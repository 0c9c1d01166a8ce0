#pragma once
// Time in auth: whole seconds since the epoch (JWT NumericDate). Token verification, refresh
// rotation and the login throttle read "now" only through an injected core::Clock
// (core::NowSeconds), so tests and replays control it; telemetry::SystemClock() is the real one.
#include <chrono>

#include "core/clock.hpp"

namespace estimate::auth {

using Seconds = std::chrono::sys_seconds;

}  // namespace estimate::auth
