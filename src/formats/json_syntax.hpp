#pragma once
// Where a JSON text stops being JSON, for the messages of every reader of JSON (documents, API
// bodies): "line L, column C: what" (the column counts characters), from Boost.JSON's reading of
// it. For the error path only: the fast readers need not track positions.
#include <cstddef>
#include <string>
#include <string_view>

namespace estimate::formats {

// Empty when the text is valid JSON with nesting within `max_depth`.
std::string JsonSyntaxErrorAt(std::string_view text, std::size_t max_depth = 64);

}  // namespace estimate::formats
