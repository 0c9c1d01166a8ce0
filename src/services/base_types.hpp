#pragma once
// The typed inputs and results of the normative base's use cases (base_service.hpp,
// base_search.hpp, base_pricing.hpp). Domain types of normbase and core, no JSON: the API maps
// them to its wire shapes, the CLI to text.
//
// Lifetime: results that point into a release (a search hit's norm, a card's norm) also hold the
// release, so they stay valid after another release is activated.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/estimate.hpp"
#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"
#include "normbase/pricing.hpp"
#include "normbase/search.hpp"

namespace estimate::services {

// The active release and its search index, as one reader sees them for the whole of its work.
struct ActiveBase {
  std::shared_ptr<const normbase::BaseRelease> release;
  std::shared_ptr<const normbase::SearchIndex> search;
};

// ---- releases ------------------------------------------------------------------------------

struct ImportRequest {
  // Files, folders and zip archives. A folder named prices_<region>_<zone>_<quarter> (e.g.
  // prices_28_1_2025-Q2), given or directly inside a given folder, is imported with that region,
  // zone and quarter; `options` applies to everything else.
  std::vector<std::string> paths;
  normbase::ImportOptions options;
  std::string name;  // the release's name; empty: as the files say
  bool activate = true;
  bool skip_if_loaded = false;  // nothing is saved when a release with the same sources exists
};

// Where a release handed over whole (AcceptRelease) came from: what the release records of its
// origin. The collector fills it from what it fetched; Import from the files it read.
struct ReleaseProvenance {
  std::string name;                           // the release's name; empty: keep the release's
  std::vector<normbase::SourceFile> sources;  // added to the release's own, once per sha256
  std::vector<normbase::ImportDiagnostic> warnings;  // reported with the outcome
};

struct AcceptOptions {
  bool activate = true;
  bool skip_if_loaded = false;  // nothing is saved when a release with the same sources exists
};

struct ImportOutcome {
  Status status;                // not ok: nothing was written; diagnostics say why
  std::int64_t release_id = 0;  // 0 for Verify
  bool skipped = false;         // skip_if_loaded found the same sources in release_id
  bool activated = false;
  normbase::ReleaseCounts counts;
  std::vector<normbase::ImportDiagnostic> warnings;
  std::vector<normbase::ImportDiagnostic> errors;
};

// ---- search and cards ----------------------------------------------------------------------

template <typename Hit>
struct SearchPage {
  std::shared_ptr<const normbase::BaseRelease> release;  // the hits point into it
  normbase::SearchResult<Hit> result;
};
using NormSearchPage = SearchPage<normbase::NormHit>;
using ResourceSearchPage = SearchPage<normbase::ResourceHit>;

// A norm of the active release with its hierarchy, content and resource lines (the release holds
// the price-book entries the lines name).
struct NormCard {
  std::shared_ptr<const normbase::BaseRelease> release;
  const normbase::Norm* norm = nullptr;
};

struct ResourceCard {
  std::shared_ptr<const normbase::BaseRelease> release;
  const normbase::PriceBookEntry* entry = nullptr;
};

// ---- pricing -------------------------------------------------------------------------------

// A norm or resource priced for a region, zone and quarter: the position as the calculation
// engine takes it, the engine's figures for it and the pricing's warnings.
struct PricedView {
  core::Position position;
  core::PositionResult calculation;
  std::vector<std::string> warnings;  // e.g. "01.7.03.01-0001: no current price or index"
};

}  // namespace estimate::services
