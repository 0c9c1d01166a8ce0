#pragma once
// The subjects of the Russian Federation by the two-digit code ФГИС ЦС and the ГГЭ XML `Region`
// use (the codes of Article 65 of the Constitution as numbered in the federal registers: 01
// Республика Адыгея … 28 Амурская область … 77 Москва, 78 Санкт-Петербург, 91 Республика Крым,
// 92 Севастополь). For price files that carry a code but no name.
#include <string_view>

namespace estimate::normbase {

// The official name of region `code` ("28" or "028"-free two digits), empty for an unknown code.
std::string_view RegionName(std::string_view code);

// The code of a region named as ФГИС ЦС names its subjects ("город Москва", "г. Москва",
// "Московская обл.", "Республика Татарстан (Татарстан)"): case, "г."/"город", "обл."/"область",
// "респ."/"Республика", parentheses and punctuation do not matter. Empty when no region matches.
std::string_view RegionCodeOfName(std::string_view name);

}  // namespace estimate::normbase
