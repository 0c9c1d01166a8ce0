#pragma once
// How long an export is expected to take, from the size of its document and the format: what
// decides whether GET …/export answers the file at once or a job (202) to poll. A guess made
// before any work, so that a client never waits on a request that takes over kJobThreshold.
#include <chrono>
#include <cstddef>
#include <string_view>

namespace estimate::services {

// An export expected to take longer than this is made as a job.
inline constexpr std::chrono::seconds kJobThreshold{5};

// The expected time of writing `format` for a document of `positions` positions (lines of an
// ОСР/ССР) with `resource_rows` resource lines under them. Unknown formats cost nothing.
std::chrono::milliseconds ExpectedExportTime(std::string_view format, std::size_t positions,
                                             std::size_t resource_rows);

}  // namespace estimate::services
