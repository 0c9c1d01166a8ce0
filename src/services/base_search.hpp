#pragma once
// Reading the normative base: search of norms and resources, and the card of one norm or
// resource, in the release a reader holds (BaseService::Current()). Pure reads of an immutable
// release: thread-safe, no I/O.
//
// Errors: NotFound naming the norm or resource and the release.
#include <string_view>

#include "services/base_types.hpp"

namespace estimate::services {

NormSearchPage SearchNorms(const ActiveBase& base, const normbase::SearchQuery& query);
ResourceSearchPage SearchResources(const ActiveBase& base, const normbase::SearchQuery& query);

Result<NormCard> FindNorm(const ActiveBase& base, normbase::NormFamily family,
                          std::string_view code);
Result<ResourceCard> FindResource(const ActiveBase& base, std::string_view code);

}  // namespace estimate::services
