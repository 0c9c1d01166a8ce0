#pragma once
// АРПС 1.10, the text exchange format of Russian estimating programs (ПК РИК, A0, «Сметный
// офис», Smeta.ru, MNB.DLL). There is no published specification and no real file; the layout is
// docs/design/documents-io.md §6.2, reconstructed from two importers and two writers:
//
//   estimate-document/1 + ArpsHeader → WriteArps → cp866 text, CRLF, fields split by '#',
//                                      decimal comma, every record ending in '#'
//   АРПС bytes                       → ReadArps  → estimate-document/1 + header + warnings +
//                                      the figures the file states, compared with ours
//
// The records (field numbers 0-based; field 0 is the record type):
//
//   1#АРПС 1.10#<program>#                      first record
//   0#<base and year>#                          ФСНБ-2022 ; 2022
//   3#…#                                        header: 2 number, 3 name, 4 construction (ours),
//                                               5 object (ours), 6/7 customer org/person, 8/9
//                                               contractor org/person, 13 estimate total, 18 work
//                                               type, 20 base name, 21 money decimals (ours)
//   10#0##<name>#                               section
//   20#…#                                       position (29 fields, below)
//   25#<kind>#…#                                kind 2 НР, 3 СП, 1 a coefficient (ours)
//   30#…#                                       a line of the preceding position (below)
//   50#<label>###                               «Итого по разделу», «Итого по всем разделам»,
//                                               «Всего»: labels only, no amounts
//
// Record 20: 1 number, 2 code, 3 unit, 4 name, 5–9 base price per unit (0 for the resource-index
// method), 10 and 20 zero, 13 ТЗ and 14 ТЗм per unit of the norm before coefficients, 15 ПЗ,
// 16 ОЗП, 17 ЭМ (with ЗПМ), 18 ЗПМ, 19 М — current, per unit, round2(position figure / quantity)
// — 23 ТЗ and 24 ТЗм per unit (7 decimals), 25 kind (1 norm, 19 a priced resource), 26 quantity,
// 27 work kind (ours: 0 construction, 1 installation), 28 empty.
//
// Record 25 kind 2/3: 3 code, 4 the rate as a fraction of ФОТ = round7(percent × k) / 100 (what
// peer readers multiply by), and (ours) 5 percent, 6 k, 7 name. Kind 1 (ours): 2 combination
// (0 multiply, 1 additive), 3 name, 4 ЗТ, 5 ЗТм, 6 ЭМ, 7 М.
//
// Record 30: 1 code, 2 unit, 3 name, 5 consumption per unit of the position with the position's
// coefficients applied (so that f5 × quantity × f7 is the line, as peer readers compute it),
// 7 current unit price; ours from field 8 on: 8 kind, 9 the exact value, 10 base price and
// 11 index (when priced so), 12 as the kind says. Kinds: 1 labour, 2 machine, 4 material,
// 5 equipment (9: consumption of the norm, or "П"); 3 the machinist of the machine just before
// (9: labour per machine-hour); 6 a material and 7 an equipment sub-row (9: total quantity,
// 12: the printed number "3.1"); 8 the п.75 auxiliary materials, a record §6.2 lacks (2 "руб.",
// 5 the amount per unit, 7 1,00; 9 percent, 12 base: 0 labour without coefficients, 1 labour).
// A priced-resource position (20 with kind 19) has one 30 giving its kind and price.
//
// Decisions beyond §6.2 (ours, all marked so above):
// - 20 f15 is ПЗ plus equipment (total − НР − СП) per unit, so readers that take the cost as
//   f15 × quantity keep the equipment.
// - НР/СП are written as applied, after options.overhead_override / profit_override; the import
//   has the rates, not the override.
// - Characters cp866 lacks («», –, €, …) are an error naming the field, never replaced; so is a
//   '#' or a line break in a text.
// - Reading refuses an unknown record type (the line is named), although §6.2 said "warning":
//   a record we cannot place could be a position whose cost would silently go missing.
// - A subsection (10 with level 1) is merged into its section; calc-v1 has no subsections.
// - Reading a file of another program (30 records without field 8): kinds are guessed from the
//   codes (1-/2- labour, 4- machinist, 91. machine, else material); a position whose lines do not
//   all have a price is kept at its stated per-unit elements (f16 ОТ, f17 − f18 ЭМ, f18 ОТм,
//   f19 М, each as a line of consumption 1): a warning says it is not recomputed from norms.
//
// The encoding is cp866 (glibc iconv). A file that is UTF-8, or that cp1251 reads as more
// Cyrillic letters than cp866, is read in that encoding with a warning.
//
// Thread-safe: no shared state.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/estimate.hpp"
#include "core/status.hpp"
#include "formats/gge/gge.hpp"

namespace estimate::formats {

// The header records 1, 0 and 3.
struct ArpsHeader {
  std::string program = "Estimate Service";   // 1: field 2
  std::string base = "ФСНБ-2022 ; 2022";      // 0: field 1
  std::string number;                         // 3: field 2, the ЛСР number
  std::string name;                           // 3: field 3; empty: the estimate's name
  std::string construction_name;              // 3: field 4 (ours)
  std::string object_name;                    // 3: field 5 (ours)
  std::string customer, customer_person;      // 3: fields 6, 7
  std::string contractor, contractor_person;  // 3: fields 8, 9
  std::string work_type = "Строительство";    // 3: field 18
  std::string base_name = "ФСНБ-2022";        // 3: field 20
};

// The estimate as АРПС 1.10 bytes (cp866). InvalidArgument with one line per problem: a text
// cp866 cannot hold (`sections[0].positions[2].resources[1].name: "€" (U+20AC) cannot be
// written in cp866`), a '#' in a text. `result` is the estimate's, computed by the caller: the
// writer never recalculates.
Result<std::string> WriteArps(const core::Estimate& estimate, const core::EstimateResult& result,
                              const ArpsHeader& header);

struct ArpsImport {
  std::string document_json;  // estimate-document/1
  ArpsHeader header;
  std::vector<std::string> warnings;       // what was read approximately
  std::vector<GgeDifference> differences;  // stated ≠ recomputed ("line 12: record 20: field 15")
  std::size_t compared = 0;                // figures compared
};

// Reads an АРПС 1.10 file. A broken record fails with InvalidArgument, one line per problem:
// "line 7: record 20: field 26: \"1.5x\" is not a number" (line numbers of the file). The per-unit
// figures of each position (20: 15–19, 23, 24), the НР/СП fractions (25: 4) and the estimate total
// (3: 13) are compared with the recalculation of the imported document.
Result<ArpsImport> ReadArps(std::string_view bytes);

}  // namespace estimate::formats
