#include "app/roles.hpp"

#include <algorithm>
#include <array>

#include "core/text.hpp"

namespace estimate::app {

Result<std::vector<std::string>> ParseRoles(std::string_view list) {
  constexpr std::array<std::string_view, 3> kKnown = {"api", "ai", "collector"};
  std::array<bool, kKnown.size()> wanted{};
  bool any = false;
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view name = core::TrimBlanks(list.substr(0, comma));
    if (!name.empty()) {
      const auto it = std::find(kKnown.begin(), kKnown.end(), name);
      if (it == kKnown.end()) {
        return InvalidArgument("unknown role \"" + std::string(name) +
                               "\" (expected api, ai or collector)");
      }
      wanted[static_cast<std::size_t>(it - kKnown.begin())] = any = true;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (!any) return InvalidArgument("no role given (expected api, ai or collector)");
  std::vector<std::string> roles;
  for (std::size_t i = 0; i < kKnown.size(); ++i) {
    if (wanted[i]) roles.emplace_back(kKnown[i]);
  }
  return roles;
}

}  // namespace estimate::app
