#pragma once
// ГГЭ XML (приказ Минстроя 783/пр): the ЛСР by the resource-index method in schema 3.01
// (LocalEstimateResourceIndexMethod-3_01.xsd, root `Construction`), the format state expertise
// takes. docs/design/documents-io.md §2 is the mapping; in short:
//
//   estimate-document/1 + GgeHeader  → WriteGgeLocalEstimate → XML 3.01 (UTF-8, no namespace)
//   XML 3.01                         → ReadGgeLocalEstimate  → estimate-document/1 + header +
//                                      the totals the file states, compared with ours
//
// Every figure of the file comes from the calculator (core::CalculatePosition with its detail),
// never from a second implementation of the arithmetic. What 3.01 cannot express (a labour
// resource as its own position, a machinist count that is not whole) is an error naming the
// position, never a silent loss. A file meant for the expertise gets no placeholders: every
// required header field that is missing is a problem of its own.
//
// ValidateXml checks a document against an XSD with libxml2; the service validates every export
// before it offers it (an invalid result is an error with the schema's messages).
//
// Thread-safe: no shared state (libxml2 is initialised once).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base_index_calculator.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/summary_estimate.hpp"
#include "core/status.hpp"

namespace estimate::formats {

// A normative act of the Legal block (TLegal).
struct GgeLegal {
  std::string name;
  std::string type = "ГСН";  // ГСН | ОСН | ТЕР | ИСН | НЗ | Справочная информация
  std::string date;          // YYYY-MM-DD
  std::string number;        // ФРСН registration number (a positive integer)
  std::string orders;        // the amending orders, optional
};

// What the form states besides the positions (the `header` of an estimate document).
struct GgeHeader {
  std::string construction_number, construction_name;  // стройка
  std::string object_number, object_name, object_address;
  std::string number;  // the ЛСР number, e.g. 02-01-05
  std::string name;    // the ЛСР name
  std::string date;    // YYYY-MM-DD, optional
  std::string basis;   // основание (Reason), optional
  std::string region_code, region_name;
  std::string zone_code, zone_name;  // SubRegion, optional
  std::string territory = "Территория";  // Территория | МПРКС | РКС
  std::string object_type = "Непроизводственный";  // 3.02: Производственный | Непроизводственный | Линейный
  int price_year = 0;                    // PriceLevelCur
  int price_quarter = 0;
  // The base-index method only (ЛСР БИМ): what the indices are of (the object kind and industry
  // of the Minstroy letter), the kind of works (Строительство, Реконструкция, Капитальный ремонт,
  // Снос, Сохранение объекта культурного наследия) and the base price level's note.
  std::string index_object_type, index_industry_type;
  std::string construction_type = "Строительство";
  std::string base_price_note;
  GgeLegal main, methodology, overheads, profits;
  std::vector<GgeLegal> indexes;
  std::string salary_act;  // Salary: the act on workers' pay, may be empty
  std::string composed_by, verified_by;
  std::string guid;  // {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, optional
  std::string software_version;
  std::string export_time;  // xs:dateTime, stamped by the caller (core::FormatXsdDateTime)
};

// The Legal block of ФСНБ-2022 as registered in ФРСН (August 2025): ГСН 535 (сметные нормы),
// 532 (методика), 377 (НР, 812/пр), 376 (СП, 774/пр). The other fields are left empty.
GgeHeader Fsnb2022Header();

// The Legal block of ФЕР-2001 (ред. 2020) and the base-index method as ГОССТРОЙСМЕТА writes it:
// ГСН 395 (876/пр, the ФЕР), 348 (421/пр), 430 (812/пр), 425 (774/пр). The Minstroy letter with
// the indices (Legal/Indexes) changes every quarter and is the estimate's to give.
GgeHeader Fer2001Header();

// The `header` object of an estimate document (the inverse of ParseGgeHeader): what an import
// read, so that the imported document exports again with the same header. Empty fields are left
// out; the export time and software are not part of it.
std::string GgeHeaderJson(const GgeHeader& header);

// Reads the optional `header` object of an estimate document (docs/design/documents-io.md §2.2)
// over `defaults`. Problems name the JSON path ("header.region.code: …").
Result<GgeHeader> ParseGgeHeader(std::string_view document_json, GgeHeader defaults);

// The schema versions of the ЛСР: 3.01, what programs exchange and the expertise takes today,
// and the 3.02 working draft (root LocalEstimateResourceIndexMethod, Latin TerritoryType,
// ObjectType, Quantity/QuantityTotal together, a decimal machinist count, isExternal on market
// prices; docs/design/documents-io.md §3). 3.01 stays the default until ГГЭ publishes 3.02.
enum class GgeVersion { k301, k302 };

// The ЛСР as ГГЭ XML. InvalidArgument with one line per problem (a missing header field,
// a position the version cannot hold, a figure the calculator refuses). Every writer of this
// header takes the document's result as computed by the caller and never recalculates it.
Result<std::string> WriteGgeLocalEstimate(const core::Estimate& estimate,
                                          const core::EstimateResult& result,
                                          const GgeHeader& header,
                                          GgeVersion version = GgeVersion::k301);

// The ЛСР by the base-index method as ГГЭ XML. k301: the shape ГОССТРОЙСМЕТА writes and the
// expertise takes today (root Construction, schemaLocation LocalEstimateBaseIndexMethod-3_01.xsd,
// which is not published); k302: the 3.02 draft (LocalEstimateBaseIndexMethod-3_02-draft.xsd).
// The two differ only by the renames of docs/design/documents-io.md §4.3, so validating the
// k302 rendering checks the structure of both. Every figure comes from
// core::CalculateBaseIndexEstimate: per position its base figures, the per-position indexed pay,
// НР and СП, and per block (строительные, монтажные, оборудование, прочие) base, index and
// current. The first Legal/Indexes act (the Minstroy letter) names the indices; without one
// they are named by the price level. How a coefficient combines travels in its name (прил.10_т.1,
// т.2, т.3): a coefficient whose `combine` its name does not express is refused, as is anything
// else the file could not bring back unchanged.
Result<std::string> WriteGgeBaseIndexEstimate(const core::BaseIndexEstimate& estimate,
                                              const core::BaseIndexResult& result,
                                              const GgeHeader& header,
                                              GgeVersion version = GgeVersion::k301);

// A figure the file states and the same figure recomputed from its inputs.
struct GgeDifference {
  std::string path;  // e.g. "Sections/Section[1]/Items/Item[3]/Totals/Current"
  std::string stated;
  std::string computed;
};

struct GgeImport {
  std::string document_json;  // estimate-document/1 with `header`
  GgeHeader header;
  std::vector<std::string> warnings;       // what was read approximately or not at all
  std::vector<GgeDifference> differences;  // stated ≠ recomputed; empty: «пересчёт совпадает»
  std::size_t compared = 0;                // figures compared
};

// Reads a ЛСР of schema 3.01 (a UTF-8 BOM and processing instructions are accepted; DTDs and
// external entities are refused). InvalidArgument naming the line and element for what is not a
// ЛСР 3.01; figures that differ from the recalculation are reported, never fixed silently.
Result<GgeImport> ReadGgeLocalEstimate(std::string_view xml);

// Reads a ЛСР by the base-index method (ФЕР/ТЕР × indices; the 3.01 shape ГОССТРОЙСМЕТА writes,
// docs/design/documents-io.md §4) into an estimate document of method base-index; every
// position's, section's and the estimate's base and current totals are recomputed and compared.
Result<GgeImport> ReadGgeBaseIndexEstimate(std::string_view xml);

// --- ОСР (ObjectEstimate-3_01.xsd) ----------------------------------------------------------

// What the ОСР file states besides its rows.
struct GgeObjectHeader {
  std::string construction_number, construction_name;  // стройка
  std::string region_code;                             // 0..99
  std::string created, approved;                       // YYYY-MM-DD
  int price_year = 0, price_quarter = 0;
  bool basic_price = false;  // the ОСР is at the base price level (БИМ)
  std::string chief_engineer, chief, department, composer, verifier;
  std::string software_version;
  std::string export_time;  // xs:dateTime, stamped by the caller (core::FormatXsdDateTime)
};

// The ОСР as ГГЭ XML (schema 3.01): the rows in тыс. руб. from core::CalculateObjectEstimate.
Result<std::string> WriteGgeObjectEstimate(const core::ObjectEstimateInput& input,
                                           const core::ObjectEstimateResult& result,
                                           const GgeObjectHeader& header);

struct GgeObjectImport {
  std::string document_json;  // object-estimate/1 (lines in roubles: ×1000, exact)
  core::ObjectEstimateInput input;  // the same, as core types
  GgeObjectHeader header;
  std::vector<std::string> warnings;
  std::vector<GgeDifference> differences;
  std::size_t compared = 0;
};

// Reads an ОСР file; every row, SubSummary1 and Summary are recomputed and compared.
// TempBuildings/Additions/Extra rows are refused (not representable yet), never folded in.
Result<GgeObjectImport> ReadGgeObjectEstimate(std::string_view xml);

// --- ССР (SummaryEstimate-current.xsd, the 3.01 line) --------------------------------------

struct GgeSummaryHeader {
  std::string customer;
  std::string created, approved;  // YYYY-MM-DD
  int price_year = 0, price_quarter = 0;
  bool basic_price = false;
  std::string project_org, chief_engineer, chief, department, customer_signatory;
  std::string software_version;
  std::string export_time;  // xs:dateTime, stamped by the caller (core::FormatXsdDateTime)
};

// The ССР as ГГЭ XML: chapters 1–12 with their lines (ОСР, ЛСР, расчёты, % additions), the
// running «Итого по главам» in chapters 7–13, the reserve (chapter 13) and VAT (chapter 14),
// all from core::CalculateSummaryEstimate, in тыс. руб.
Result<std::string> WriteGgeSummaryEstimate(const core::SummaryEstimateInput& input,
                                            const core::SummaryEstimateResult& result,
                                            const GgeSummaryHeader& header);

struct GgeSummaryImport {
  std::string document_json;        // summary-estimate/1
  core::SummaryEstimateInput input;  // the same, as core types
  GgeSummaryHeader header;
  std::vector<std::string> warnings;
  std::vector<GgeDifference> differences;
  std::size_t compared = 0;
};

// Reads a ССР: every line as an amount line; the reserve percent and the VAT rate from the lines
// of chapters 13 and 14 (one percent each, or the file is refused), the VAT-exempt part of the
// base from the VAT charged; then every chapter total, running total and the grand total are
// recomputed and compared.
Result<GgeSummaryImport> ReadGgeSummaryEstimate(std::string_view xml);

// --- Сводка затрат (СЗ) and конъюнктурный анализ (КА): read and checked ---------------------

// What a ГГЭ file that is not an estimate says, recomputed: `report_json` is our reading of it
// ("costs-summary/1": the ЛСР rows, their totals and the costs with VAT; "market-analysis/1":
// every item with its offers recomputed and the chosen price), `differences` what the file
// states that the recalculation does not reproduce.
struct GgeReport {
  std::string report_json;
  std::vector<std::string> warnings;
  std::vector<GgeDifference> differences;
  std::size_t compared = 0;
  std::string document_json;  // = report_json (for the CLI's report)
};

// СЗ (CostsSummary 3.01): every row's Direct = ОТ + ЭМ + М + transport, Salary = ОТ + ОТм,
// Total = Direct + НР + СП + equipment; Totals = Σ rows; Estimate = Building + Equipment + Other;
// VAT = Σ round2(line × rate) per cost line at the rate of the approval date; the total with VAT.
Result<GgeReport> ReadGgeCostsSummary(std::string_view xml);

// КА (MarketAnalysis 4.03): each offer's price without VAT, its unit price (conversion factor,
// deflator: divided for market offers, multiplied for ФСБЦ items), storage %, the estimate price,
// and the winner — the lowest estimate price.
Result<GgeReport> ReadGgeMarketAnalysis(std::string_view xml);

// The document type a ГГЭ file declares (Meta/File/Type: "ЛС", "ОСР", "ССР", …), or
// InvalidArgument when it is not a ГГЭ XML file.
Result<std::string> GgeDocumentType(std::string_view xml);

// Validates `xml` against the XSD at `xsd_path`. InvalidArgument with the schema's messages
// ("line 12: Element 'Num': … is not a valid value"), at most 20 of them; NotFound when the
// schema file is missing.
Status ValidateXml(std::string_view xml, const std::string& xsd_path);

}  // namespace estimate::formats
