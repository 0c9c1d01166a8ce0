// Technology groups, the coefficient binding and the НР/СП binding on the real files.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"

namespace estimate::normbase {
namespace {

using core::Decimal;

const std::string kSamples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";

struct Imported {
  std::unique_ptr<BaseRelease> release = std::make_unique<BaseRelease>();
  ImportReport report;
  Status status;
};

Imported Import(const std::string& file) {
  Imported out;
  out.status = ImportPaths({kSamples + file}, ImportOptions{}, *out.release, out.report);
  return out;
}

const CoefficientRule* FindCoefficient(const BaseRelease& r, std::string_view code) {
  for (const auto& c : r.coefficients) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

TEST(ImportTechGroups, Dop15HasTheReadmeCounts) {
  Imported im = Import("fsnb2022_dop15_TechGroups.xml");
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().tech_groups, 6572u);
  std::size_t links = 0;
  for (const auto& g : im.release->tech_groups) links += g.resources.size();
  EXPECT_EQ(links, 62653u);
  EXPECT_EQ(im.report.files[0].lines, 62653u);
  EXPECT_EQ(im.release->info.addition_number, 15);  // BaseName "… (доп15)"

  const TechGroup* mastic = im.release->FindTechGroup("27.03.039");
  ASSERT_NE(mastic, nullptr);
  EXPECT_EQ(mastic->resources,
            (std::vector<std::string_view>{"01.2.03.03-0014", "01.2.03.03-0112", "01.2.03.03-0122",
                                           "01.2.03.03-0133", "14.5.04.05-0105"}));
  const TechGroup* first = im.release->FindTechGroup("01.01.001");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->resources.size(), 9u);
  EXPECT_EQ(first->resources.front(), "02.3.01.02-1102");
  const TechGroup* empty = im.release->FindTechGroup("01.01.002");
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->resources.empty());
}

TEST(ImportCoefficients, Dop16HasTheReadmeCount) {
  Imported im = Import("coefficients_binding_fsnb2022_dop16.xml");
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().coefficients, 2171u);
  EXPECT_TRUE(im.report.warnings.empty());
  // The README's 41,862 "sections" count every <Section>: 123 of the tree (5 parts, 118
  // sub-parts) and 41,739 Applys/Section bindings.
  std::size_t section_bindings = 0;
  for (const auto& c : im.release->coefficients) {
    section_bindings += c.applies_sections.size() + c.excluded.size();
  }
  EXPECT_EQ(section_bindings, 41862u - 123u);
}

TEST(ImportCoefficients, DecimalCommasAndBindings) {
  Imported im = Import("coefficients_binding_fsnb2022_dop16.xml");
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const CoefficientRule* rail = FindCoefficient(*im.release, "2022-1-ГЭСН-ПР-01-02-1.1-000");
  ASSERT_NE(rail, nullptr);
  EXPECT_EQ(rail->section, "С.-Ч.1");
  EXPECT_EQ(rail->target, "Расход");
  EXPECT_EQ(rail->decree, "378/пр_18.05.2022");
  EXPECT_EQ(rail->machines, Decimal::Literal("1.04"));
  EXPECT_EQ(rail->materials, Decimal::Literal("1.04"));
  EXPECT_EQ(rail->labor, Decimal::Literal("1.04"));
  EXPECT_EQ(rail->machinist_labor, Decimal::Literal("1.04"));
  EXPECT_FALSE(rail->worker.ok());
  EXPECT_FALSE(rail->equipment.ok());
  EXPECT_FALSE(rail->value.ok());
  EXPECT_TRUE(rail->applies.empty());
  EXPECT_NE(rail->name.find("Перевозка грунта автотранспортом"), std::string_view::npos);

  const CoefficientRule* dig = FindCoefficient(*im.release, "2022-13-ГЭСН-ПР-01-12-3.44-000");
  ASSERT_NE(dig, nullptr);
  EXPECT_EQ(dig->decree, "69/пр_07.02.2025");
  EXPECT_EQ(dig->machines, Decimal::Literal("0.81"));
  EXPECT_EQ(dig->labor, Decimal::Literal("0.81"));
  EXPECT_FALSE(dig->materials.ok());
  ASSERT_EQ(dig->resource_factors.size(), 2u);
  EXPECT_EQ(dig->resource_factors[0].codes, (std::vector<std::string_view>{"02.2.05.04-2090"}));
  EXPECT_TRUE(dig->resource_factors[0].material.IsZero());
  EXPECT_FALSE(dig->resource_factors[0].machine.ok());
  EXPECT_TRUE(dig->resource_factors[1].machine.IsZero());
  EXPECT_TRUE(dig->resource_factors[1].machinist_labor.IsZero());
  EXPECT_EQ(dig->resource_factors[1].codes[0], "91.01.01-035");
  ASSERT_FALSE(dig->applies.empty());
  EXPECT_EQ(dig->applies[0], "ГЭСН 01-01-011-01");

  const CoefficientRule* passes = FindCoefficient(*im.release, "2022-13-ГЭСН-ПР-01-12-3.230-000");
  ASSERT_NE(passes, nullptr);
  EXPECT_EQ(passes->formula, "N");
  ASSERT_EQ(passes->formulas.size(), 3u);
  EXPECT_EQ(passes->formulas[0].key, "Machine");
  EXPECT_EQ(passes->formulas[1].key, "LaborCosts");
  EXPECT_FALSE(passes->machines.ok());
  EXPECT_EQ(passes->applies,
            (std::vector<std::string_view>{"ГЭСН 01-02-123-01", "ГЭСН 01-02-123-10"}));
  EXPECT_EQ(passes->applies_sections,
            (std::vector<std::string_view>{"02-01-01-036", "02-01-01-088", "02-01-01-116",
                                           "02-01-03-034"}));

  // Formulas differ by key: Material has its own.
  const CoefficientRule* wires = FindCoefficient(*im.release, "2022-16-ГЭСН-ПР-33-03-3.7-000");
  ASSERT_NE(wires, nullptr);
  ASSERT_EQ(wires->formulas.size(), 4u);
  EXPECT_EQ(wires->formulas[0].formula, "1+0,12*N");
  EXPECT_EQ(wires->formulas[1].key, "Material");
  EXPECT_EQ(wires->formulas[1].formula, "1+0,4*N");
  EXPECT_EQ(wires->resource_factors[0].material, Decimal::FromInt(1));
}

TEST(ImportRates, Dop17BindingTable) {
  // The sheet has 180 rows (README: "~170 data rows"): 136 distinct шифры are rates; the rest are
  // the header, part and group headings, 6 rows continuing a merged rate (016.0 over rows 39–43,
  // 018.0 over 45–47), 3 rows giving two rates at once ("021/021.1", skipped with a warning) and
  // the notes.
  Imported im = Import("nrsp_binding_fsnb2022_dop17.xlsx");
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().rates, 136u);
  ASSERT_EQ(im.report.warnings.size(), 3u);
  EXPECT_NE(im.report.warnings[0].message.find("021/021.1"), std::string::npos);
  EXPECT_EQ(im.release->info.sources[0].kind, "rates");

  const OverheadProfitRate* roofs = im.release->FindRate("Пр/812-012.0");
  ASSERT_NE(roofs, nullptr);
  EXPECT_EQ(roofs->profit_code, "Пр/774-012.0");
  EXPECT_EQ(roofs->item, "12");
  EXPECT_EQ(roofs->work_type, "Кровли");
  EXPECT_EQ(roofs->overhead_percent[0], Decimal::FromInt(109));
  EXPECT_EQ(roofs->overhead_percent[1], Decimal::FromInt(110));
  EXPECT_EQ(roofs->overhead_percent[2], Decimal::FromInt(114));
  EXPECT_EQ(roofs->profit_percent, Decimal::FromInt(57));
  EXPECT_EQ(im.release->FindRate("Пр/812-012.0-3"), roofs);  // the territory suffix

  const OverheadProfitRate* earth = im.release->FindRate("Пр/812-001.1");
  ASSERT_NE(earth, nullptr);
  EXPECT_EQ(earth->item, "1.1");
  EXPECT_EQ(earth->work_type, "Земляные работы, выполняемые: механизированным способом");
  EXPECT_TRUE(earth->collections.starts_with("ГЭСН 81-02-01-... Земляные работы; раздел 1"))
      << earth->collections;
  EXPECT_EQ(earth->overhead_percent[0], Decimal::FromInt(92));
  EXPECT_EQ(earth->profit_percent, Decimal::FromInt(46));

  const OverheadProfitRate* plumbing = im.release->FindRate("Пр/812-016.0");
  ASSERT_NE(plumbing, nullptr);
  EXPECT_EQ(plumbing->overhead_percent[0], Decimal::FromInt(121));
  EXPECT_NE(plumbing->collections.find("ГЭСН 81-02-19"), std::string_view::npos);
  EXPECT_NE(plumbing->collections.find("ГЭСН 81-02-20"), std::string_view::npos);

  const OverheadProfitRate* lifts = im.release->FindRate("Пр/812-104.2");
  ASSERT_NE(lifts, nullptr);  // row 161: item and work type come from the merged cells above
  EXPECT_EQ(lifts->work_type, "Капитальный ремонт и модернизация оборудования лифтов");
  EXPECT_EQ(lifts->collections, "отделы 5, 6");
  EXPECT_EQ(lifts->overhead_percent[0], Decimal::FromInt(74));
  EXPECT_EQ(lifts->profit_percent, Decimal::FromInt(36));

  const OverheadProfitRate* commissioning = im.release->FindRate("Пр/812-083.0");
  ASSERT_NE(commissioning, nullptr);
  EXPECT_EQ(commissioning->overhead_percent[2], Decimal::FromInt(78));
  EXPECT_EQ(commissioning->profit_percent, Decimal::FromInt(36));
}

}  // namespace
}  // namespace estimate::normbase
