#pragma once
// Private to src/formats: the few pieces the result writers build their JSON from. Results are
// written by hand (not through boost::json::value) so that keys keep the documented order and
// money keeps its exact decimals.
#include <string>
#include <string_view>

#include "core/decimal.hpp"

namespace estimate::formats {

// `s` as a JSON string literal, escaped.
void AppendString(std::string* out, std::string_view s);

// `"key": ` preceded by ", " unless `*first` (which it then clears).
void AppendKey(std::string* out, std::string_view key, bool* first);

// `"key": "d"` with exactly `places` decimals.
void AppendField(std::string* out, std::string_view key, const core::Decimal& d, int places,
                 bool* first);

// `"key": "text"`.
void AppendText(std::string* out, std::string_view key, std::string_view text, bool* first);

}  // namespace estimate::formats
