#include "services/base_search.hpp"

#include <string>

namespace estimate::services {

NormSearchPage SearchNorms(const ActiveBase& base, const normbase::SearchQuery& query) {
  return {base.release, base.search->SearchNorms(query)};
}

ResourceSearchPage SearchResources(const ActiveBase& base, const normbase::SearchQuery& query) {
  return {base.release, base.search->SearchResources(query)};
}

Result<NormCard> FindNorm(const ActiveBase& base, normbase::NormFamily family,
                          std::string_view code) {
  const normbase::Norm* norm = base.release->FindNorm(family, code);
  if (norm == nullptr) {
    return NotFound("norm " + std::string(normbase::FamilyPrefix(family)) + std::string(code) +
                    " is not in release " + base.release->info.name);
  }
  return NormCard{base.release, norm};
}

Result<ResourceCard> FindResource(const ActiveBase& base, std::string_view code) {
  const normbase::PriceBookEntry* entry = base.release->FindResource(code);
  if (entry == nullptr) {
    return NotFound("resource " + std::string(code) + " is not in release " +
                    base.release->info.name);
  }
  return ResourceCard{base.release, entry};
}

}  // namespace estimate::services
