#pragma once
// The other direction of estimate_document.hpp: core types → the estimate document JSON
// (estimate-document/1 of ../shared/contracts/calc-v1.md with the optional fields that
// ParseEstimateDocument reads). Parsing what these functions write gives back an equal estimate,
// so a position priced from the base computes to the same figures in `estimate-service calc`.
#include <string>

#include "core/estimate.hpp"

namespace boost::json {
class object;
}

namespace estimate::formats {

// One position as the document writes it (numbers as decimal strings).
boost::json::object PositionToDocument(const core::Position& position);

// The whole estimate document.
std::string WriteEstimateDocument(const core::Estimate& estimate);

}  // namespace estimate::formats
