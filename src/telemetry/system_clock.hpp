#pragma once
// The one place that reads the real time: the system's clock behind core::Clock. It lives here,
// next to logs and metrics, because telemetry is the infrastructure every module but core may
// use, and core may hold no I/O and no global state. Wire it in app; inject core::Clock elsewhere.
#include "core/clock.hpp"

namespace estimate::telemetry {

// The system's real-time clock, truncated to milliseconds. Thread-safe; lives for the process.
const core::Clock& SystemClock();

}  // namespace estimate::telemetry
