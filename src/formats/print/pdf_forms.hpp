#pragma once
// The printed forms as PDF documents (docs/design/documents-io.md §7, §9): the ЛСР of Приложение
// № 3 к Методике 421/пр (header block, the 12 графы, position blocks, section totals, ИТОГИ ПО
// СМЕТЕ, signatures), the ОСР and the ССР (8 графы, тыс. руб.). The rows are those of the XLSX
// forms and of the text table (print_form.hpp); only the layout is this renderer's.
//
// The page: A4 landscape (842 × 595 pt), DejaVu Sans Condensed (fonts-dejavu-core) for every
// text, the fonts embedded as subsets. The header block opens page 1; the table's column head
// (the headings and the row of графа numbers) is repeated at the top of every page; a row never
// breaks across pages, nor does a section heading stay alone at the foot of one; totals are
// bold; the signatures close the last page; every page has «Стр. N из M» in its footer. Money
// is printed in Russian style (232 833,98), quantities as given (0,0823817).
//
// Each function takes the document with its result, computed once by the caller (the same core
// calculators as `calc`; registry.hpp's Compute), never recalculates it, and returns the bytes of
// the .pdf file, written in memory. kFailedPrecondition when the DejaVu fonts are not installed (the form is
// never printed with another font or with boxes for missing letters); kInternal when cairo fails.
//
// `progress` (may be null) hears how many of the form's rows are laid out and drawn, and may
// cancel: the function then returns kAborted "cancelled" within a few milliseconds of work.
//
// Thread-safe: each call has its own cairo surface and pango context (pango's font map is per
// thread); nothing is written to disk.
#include <string>

#include "core/base_index_calculator.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "core/summary_estimate.hpp"
#include "formats/print/xlsx_forms.hpp"  // PrintHeader: the same header fields for both renderers
#include "formats/progress.hpp"

namespace estimate::formats {

// The ЛСР of the resource-index method. kInvalidArgument for a base-index estimate.
Result<std::string> WriteEstimatePdf(const core::Estimate& estimate,
                                     const core::EstimateResult& result, const PrintHeader& header,
                                     WriteProgress* progress = nullptr);

// The ЛСР by the base-index method (the 12 графы of BaseIndexFormHead in print_form.hpp): base
// figures, coefficients, indices and current figures where the method computes them.
Result<std::string> WriteBaseIndexEstimatePdf(const core::BaseIndexEstimate& estimate,
                                              const core::BaseIndexResult& result,
                                              const PrintHeader& header,
                                              WriteProgress* progress = nullptr);

// The ОСР (тыс. руб.) with its result (core::CalculateObjectEstimate).
Result<std::string> WriteObjectEstimatePdf(const core::ObjectEstimateInput& input,
                                           const core::ObjectEstimateResult& result,
                                           const PrintHeader& header,
                                           WriteProgress* progress = nullptr);

// The ССР (тыс. руб.) with its result (core::CalculateSummaryEstimate).
Result<std::string> WriteSummaryEstimatePdf(const core::SummaryEstimateInput& input,
                                            const core::SummaryEstimateResult& result,
                                            const PrintHeader& header,
                                            WriteProgress* progress = nullptr);

}  // namespace estimate::formats
