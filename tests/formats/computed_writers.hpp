#pragma once
// The writers of formats take a document with its computed result and never recalculate. The
// tests hold documents only: these wrappers compute one with core (the calculator's error when it
// does not compute) and hand both to the writer of the same name.
#include <string>

#include "core/base_index_calculator.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "core/summary_estimate.hpp"
#include "formats/arps/arps.hpp"
#include "formats/gge/gge.hpp"
#include "formats/print/pdf_forms.hpp"
#include "formats/print/xlsx_forms.hpp"

namespace estimate::formats::computed {

inline Result<core::EstimateResult> ResultOf(const core::Estimate& e) {
  return core::CalculateResourceIndex(e);
}
inline Result<core::BaseIndexResult> ResultOf(const core::BaseIndexEstimate& e) {
  return core::CalculateBaseIndexEstimate(e);
}
inline Result<core::ObjectEstimateResult> ResultOf(const core::ObjectEstimateInput& input) {
  return core::CalculateObjectEstimate(input);
}
inline Result<core::SummaryEstimateResult> ResultOf(const core::SummaryEstimateInput& input) {
  return core::CalculateSummaryEstimate(input);
}

template <typename Document, typename Write>
Result<std::string> Written(const Document& document, Write write) {
  auto result = ResultOf(document);
  if (!result.ok()) return result.status();
  return write(*result);
}

#define ESTIMATE_COMPUTED_WRITER(Name, Document, Header)                                  \
  inline Result<std::string> Name(const Document& d, const Header& h) {                 \
    return Written(d, [&](const auto& r) { return formats::Name(d, r, h); });           \
  }

ESTIMATE_COMPUTED_WRITER(WriteArps, core::Estimate, ArpsHeader)
ESTIMATE_COMPUTED_WRITER(WriteGgeObjectEstimate, core::ObjectEstimateInput, GgeObjectHeader)
ESTIMATE_COMPUTED_WRITER(WriteGgeSummaryEstimate, core::SummaryEstimateInput, GgeSummaryHeader)
ESTIMATE_COMPUTED_WRITER(WriteEstimatePdf, core::Estimate, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteBaseIndexEstimatePdf, core::BaseIndexEstimate, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteObjectEstimatePdf, core::ObjectEstimateInput, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteSummaryEstimatePdf, core::SummaryEstimateInput, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteEstimateXlsx, core::Estimate, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteBaseIndexEstimateXlsx, core::BaseIndexEstimate, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteObjectEstimateXlsx, core::ObjectEstimateInput, PrintHeader)
ESTIMATE_COMPUTED_WRITER(WriteSummaryEstimateXlsx, core::SummaryEstimateInput, PrintHeader)

#undef ESTIMATE_COMPUTED_WRITER

inline Result<std::string> WriteGgeLocalEstimate(const core::Estimate& e, const GgeHeader& h,
                                                 GgeVersion version = GgeVersion::k301) {
  return Written(e, [&](const auto& r) { return formats::WriteGgeLocalEstimate(e, r, h, version); });
}

inline Result<std::string> WriteGgeBaseIndexEstimate(const core::BaseIndexEstimate& e,
                                                     const GgeHeader& h,
                                                     GgeVersion version = GgeVersion::k301) {
  return Written(e,
                 [&](const auto& r) { return formats::WriteGgeBaseIndexEstimate(e, r, h, version); });
}

}  // namespace estimate::formats::computed
