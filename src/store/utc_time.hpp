#pragma once
// Times in the store: UTC instants with millisecond precision, written to the database as ISO 8601
// text of one fixed width ("2026-01-31T09:15:02.123Z"), which sorts as text in time order on both
// engines (PostgreSQL columns holding it are COLLATE "C"). The type and its text form are core's
// (core/utc_time.hpp); the store adds the clock. Standard library only.
#include <chrono>

#include "core/utc_time.hpp"

namespace estimate::store {

using Timestamp = core::UtcTime;
using core::FormatUtc;
using core::ParseUtc;

// The system clock, truncated to milliseconds.
inline Timestamp NowUtc() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace estimate::store
