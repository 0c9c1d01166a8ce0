#pragma once
// The printed forms as XLSX workbooks (docs/design/documents-io.md §7): the ЛСР of Приложение
// № 3 к Методике 421/пр (header block, the 12 графы, position blocks, section totals, ИТОГИ ПО
// СМЕТЕ, signatures), the ОСР and the ССР (8 графы, тыс. руб.). One sheet each, A4 landscape,
// fit to one page wide, the row of графа numbers repeated on every page, «Стр. N из M» in the
// footer.
//
// Each function takes the document with its result, computed once by the caller (the same core
// calculators as `calc`; registry.hpp's Compute), never recalculates it, and returns the bytes of
// the .xlsx file.
// Figures are written as numbers with a number format (money `# ##0.00`); each comes from the
// exact decimal, and one that a double cannot hold exactly (more than 15 significant digits) is
// written as text instead, so no cell shows a figure other than the computed one.
//
// `progress` (may be null) hears how many of the form's rows are written (the first half of its
// steps) and when the file is (the second half, at once: libxlsxwriter compresses it without
// telling), and may cancel: the function then returns kAborted "cancelled" within a few
// milliseconds of work, or as soon as the file is written when it is cancelled then.
//
// Thread-safe: each call has its own workbook and no state is shared. The workbook is written to
// a temporary file in the system temp directory (TMPDIR; libxlsxwriter's own scratch files go
// there too), removed before returning.
#include <string>

#include "core/base_index_calculator.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "core/summary_estimate.hpp"
#include "formats/gge/gge.hpp"
#include "formats/progress.hpp"

namespace estimate::formats {

// The header block and the signatures of a form (§7.1). Every field is optional: an empty one is
// printed as a blank line to fill in by hand (or, where the document has the value, from the
// document). Which form prints which field is noted on it.
struct PrintHeader {
  // Top right: the contract's «Приложение № …» (all forms).
  std::string appendix;
  // СОГЛАСОВАНО / УТВЕРЖДАЮ blocks of the ЛСР: who signs them.
  std::string agreed_by;
  std::string approved_by;
  // «Наименование программного продукта» (ЛСР); empty: "estimate-service".
  std::string software;
  // «Наименование редакции сметных нормативов» (ЛСР).
  std::string norms_edition;
  // «Реквизиты приказа Минстроя России об утверждении дополнений и изменений к сметным
  // нормативам» (ЛСР).
  std::string norms_orders;
  // «Реквизиты письма Минстроя России об индексах изменения сметной стоимости …» (ЛСР).
  std::string index_letter;
  // «Реквизиты нормативного правового акта об утверждении оплаты труда …» (ЛСР).
  std::string salary_act;
  // «Обоснование принятых текущих цен на строительные ресурсы» (ЛСР).
  std::string prices_basis;
  // «Наименование субъекта Российской Федерации», «… зоны субъекта …» (ЛСР).
  std::string region;
  std::string region_zone;
  // «(наименование стройки)» (all forms; ССР: empty means the document's name).
  std::string construction;
  // «(наименование объекта капитального строительства)» (ЛСР; ОСР: empty means the document's
  // name).
  std::string object;
  // The form's number: «ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № …» (ЛСР); ОСР/ССР: empty means the
  // document's number.
  std::string number;
  // «(наименование работ и затрат)» (ЛСР); empty: the estimate's name.
  std::string name;
  // «Основание (проектная и (или) иная техническая документация)» (ЛСР, ОСР).
  std::string basis;
  // «Составлен(а) в текущем уровне цен»: e.g. "IV квартал 2025 года" (all forms).
  std::string price_level;
  // «Заказчик» (ССР).
  std::string customer;
  // Signatures under the table. ЛСР: составил, проверил. ОСР: главный инженер проекта,
  // начальник отдела, составил, проверил. ССР: руководитель проектной организации, главный
  // инженер проекта, начальник отдела, заказчик, составил, проверил.
  std::string organization_head;
  std::string chief_engineer;
  std::string department_head;
  std::string customer_signatory;
  std::string composed_by;
  std::string checked_by;
};

// The header block of a ЛСР form from what the estimate's ГГЭ header states: стройка, объект,
// number, name, region and zone, the normative acts (the norms' edition and its orders, the
// letter of the indices, the act on pay), the basis, the price level («2 квартал 2025 г.»),
// who composed and who checked it.
PrintHeader PrintHeaderOf(const GgeHeader& header);

// The ЛСР of the resource-index method. kInvalidArgument for a base-index estimate; kInternal
// when the workbook cannot be written.
Result<std::string> WriteEstimateXlsx(const core::Estimate& estimate,
                                     const core::EstimateResult& result, const PrintHeader& header,
                                     WriteProgress* progress = nullptr);

// The ЛСР by the base-index method (the 12 графы of BaseIndexFormHead in print_form.hpp): base
// figures, coefficients, indices and current figures where the method computes them.
Result<std::string> WriteBaseIndexEstimateXlsx(const core::BaseIndexEstimate& estimate,
                                              const core::BaseIndexResult& result,
                                              const PrintHeader& header,
                                              WriteProgress* progress = nullptr);

// The ОСР (тыс. руб.) with its result (core::CalculateObjectEstimate).
Result<std::string> WriteObjectEstimateXlsx(const core::ObjectEstimateInput& input,
                                            const core::ObjectEstimateResult& result,
                                            const PrintHeader& header,
                                            WriteProgress* progress = nullptr);

// The ССР (тыс. руб.) with its result (core::CalculateSummaryEstimate).
Result<std::string> WriteSummaryEstimateXlsx(const core::SummaryEstimateInput& input,
                                             const core::SummaryEstimateResult& result,
                                             const PrintHeader& header,
                                             WriteProgress* progress = nullptr);

}  // namespace estimate::formats
