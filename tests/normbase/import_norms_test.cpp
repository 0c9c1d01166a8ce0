// Norm files of the ФСНБ-2022 on the real samples: counts from samples/README.md and norms checked
// field by field against the XML.
#include <gtest/gtest.h>

#include <memory>
#include <set>
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

Imported Import(const std::vector<std::string>& files) {
  Imported out;
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(kSamples + f);
  out.status = ImportPaths(paths, ImportOptions{}, *out.release, out.report);
  return out;
}

const NormResource* Line(const Norm& norm, std::string_view code, std::size_t nth = 0) {
  for (const auto& r : norm.resources) {
    if (r.code == code && nth-- == 0) return &r;
  }
  return nullptr;
}

std::size_t SectionsOfType(const BaseRelease& r, std::string_view type) {
  std::size_t n = 0;
  for (const auto& s : r.sections) n += s.type == type;
  return n;
}

TEST(ImportNorms, GesnmrDop15HasTheReadmeCounts) {
  Imported im = Import({"fsnb2022_dop15_GESNmr.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const ReleaseCounts c = im.release->Counts();
  EXPECT_EQ(c.norms, 425u);
  EXPECT_EQ(c.norm_resources, 3532u);
  EXPECT_EQ(SectionsOfType(*im.release, "Сборник"), 2u);
  EXPECT_EQ(SectionsOfType(*im.release, "Таблица"), 113u);
  std::set<std::string_view> codes;
  for (const auto& n : im.release->norms) {
    for (const auto& r : n.resources) codes.insert(r.code);
  }
  EXPECT_EQ(codes.size(), 59u);
  EXPECT_EQ(im.release->info.name, "ФСНБ-2022 доп. 15");
  EXPECT_EQ(im.release->info.addition_number, 15);
  EXPECT_EQ(im.release->info.price_level, "01.01.2022");
  EXPECT_TRUE(im.report.warnings.empty());
  ASSERT_EQ(im.report.files.size(), 1u);
  EXPECT_EQ(im.report.files[0].kind, "norms");
  EXPECT_EQ(im.report.files[0].records, 425u);
  EXPECT_EQ(im.report.files[0].lines, 3532u);
}

TEST(ImportNorms, GesnmrNormsMatchTheXml) {
  Imported im = Import({"fsnb2022_dop15_GESNmr.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const Norm* lock = im.release->FindNorm(NormFamily::kGesnmr, "01-01-001-01");
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->name, "Замена замка распашной двери шахты лифта автоматического");
  EXPECT_EQ(lock->unit, "шт");
  ASSERT_EQ(lock->content.size(), 6u);
  EXPECT_EQ(lock->content[0], "Снятие крышки автоматического замка.");
  ASSERT_EQ(lock->resources.size(), 1u);
  EXPECT_EQ(lock->resources[0].code, "1-100-34");
  EXPECT_EQ(lock->resources[0].name, "Средний разряд работы 3,4");
  EXPECT_EQ(lock->resources[0].consumption, Decimal::Literal("4.63"));
  EXPECT_EQ(lock->overhead_code, "Пр/812-104.1");
  EXPECT_EQ(lock->profit_code, "Пр/774-104.1");
  ASSERT_GE(lock->table, 0);
  const NormSection& table = im.release->sections[lock->table];
  EXPECT_EQ(table.type, "Таблица");
  EXPECT_EQ(table.code, "01-01-001");
  EXPECT_EQ(table.name, "Замена замка распашной двери шахты");
  ASSERT_GE(table.parent, 0);
  const NormSection& division = im.release->sections[table.parent];
  EXPECT_EQ(division.type, "Отдел");
  EXPECT_EQ(division.code, "1");
  ASSERT_GE(division.parent, 0);
  EXPECT_EQ(im.release->sections[division.parent].type, "Сборник");
  EXPECT_EQ(im.release->sections[division.parent].code, "01");
  EXPECT_EQ(im.release->sections[division.parent].parent, -1);

  // 02-01-001-01 "до 25 мм": labour, machines (no unit in norms) and materials with units.
  const Norm* valve = im.release->FindNorm(NormFamily::kGesnmr, "02-01-001-01");
  ASSERT_NE(valve, nullptr);
  EXPECT_EQ(valve->unit, "шт");
  EXPECT_TRUE(valve->content.empty());
  ASSERT_EQ(valve->resources.size(), 13u);
  EXPECT_EQ(valve->resources[0].code, "1-100-40");
  EXPECT_EQ(valve->resources[0].consumption, Decimal::Literal("0.8"));
  const NormResource* welder = Line(*valve, "91.17.04-233");
  ASSERT_NE(welder, nullptr);
  EXPECT_EQ(welder->consumption, Decimal::Literal("0.16"));
  EXPECT_EQ(welder->unit, "");
  const NormResource* kerosene = Line(*valve, "01.3.01.03-0002");
  ASSERT_NE(kerosene, nullptr);
  EXPECT_EQ(kerosene->name, "Керосин для технических целей");
  EXPECT_EQ(kerosene->unit, "т");
  EXPECT_EQ(kerosene->consumption, Decimal::Literal("0.0002"));
  EXPECT_FALSE(kerosene->abstract);
  EXPECT_FALSE(kerosene->by_project);
  EXPECT_EQ(valve->overhead_code, "Пр/812-105.0");
}

TEST(ImportNorms, GesnpDop15HasTheReadmeCounts) {
  Imported im = Import({"fsnb2022_dop15_GESNp.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().norms, 2604u);
  EXPECT_EQ(im.release->Counts().norm_resources, 10505u);
  EXPECT_EQ(SectionsOfType(*im.release, "Сборник"), 10u);
  EXPECT_EQ(SectionsOfType(*im.release, "Таблица"), 693u);
  std::set<std::string_view> codes;
  for (const auto& n : im.release->norms) {
    for (const auto& r : n.resources) codes.insert(r.code);
  }
  EXPECT_EQ(codes.size(), 12u);  // labour only: 1, 2-100-xx, 3-xxx-xx

  const Norm* generator = im.release->FindNorm(NormFamily::kGesnp, "01-01-001-01");
  ASSERT_NE(generator, nullptr);
  EXPECT_EQ(generator->name,
            "Генератор синхронный (компенсатор) напряжением до 1 кВ, мощностью до 100 кВт");
  ASSERT_EQ(generator->resources.size(), 5u);
  EXPECT_EQ(generator->resources[0].code, "1");
  EXPECT_EQ(generator->resources[0].consumption, Decimal::Literal("45.9"));
  EXPECT_EQ(generator->resources[1].code, "2-100-05");
  EXPECT_EQ(generator->resources[1].name, "Рабочий 5 разряда");
  EXPECT_EQ(generator->resources[1].unit, "чел.-ч");
  EXPECT_EQ(generator->resources[1].consumption, Decimal::Literal("4.59"));
  EXPECT_EQ(generator->resources[3].code, "3-200-01");
  EXPECT_EQ(generator->resources[3].consumption, Decimal::Literal("22.95"));
  EXPECT_EQ(generator->overhead_code, "Пр/812-083.0");
  // Tables sit four levels down here (Сборник / Отдел / Раздел / Таблица).
  const NormSection& table = im.release->sections[generator->table];
  EXPECT_EQ(table.code, "01-01-001");
  EXPECT_EQ(im.release->sections[table.parent].type, "Раздел");
}

TEST(ImportNorms, OneCodeInTwoFamiliesIsTwoNorms) {
  Imported im = Import({"fsnb2022_dop15_GESNmr.xml", "fsnb2022_dop15_GESNp.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const Norm* mr = im.release->FindNorm(NormFamily::kGesnmr, "01-01-001-01");
  const Norm* p = im.release->FindNorm(NormFamily::kGesnp, "01-01-001-01");
  ASSERT_NE(mr, nullptr);
  ASSERT_NE(p, nullptr);
  EXPECT_NE(mr, p);
  EXPECT_EQ(mr->family, NormFamily::kGesnmr);
  EXPECT_EQ(p->family, NormFamily::kGesnp);
  EXPECT_EQ(im.release->FindNorm(NormFamily::kGesn, "01-01-001-01"), nullptr);
}

TEST(ImportNorms, OlderLayoutOfDop10) {
  // README: 425 Work and 3,922 lines — the 390 extra lines are the total-labour line "1" the
  // older layout adds; its header says PriceLevel="01.01.2000" although the decree is ГЭСН-2022.
  Imported im = Import({"fsnb2022_dop10_GESNmr.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().norms, 425u);
  EXPECT_EQ(im.release->Counts().norm_resources, 3922u);
  EXPECT_EQ(im.release->info.addition_number, 10);
  EXPECT_EQ(im.release->info.price_level, "01.01.2022");
  ASSERT_EQ(im.report.warnings.size(), 1u);
  EXPECT_EQ(im.report.warnings[0].line, 2);
  EXPECT_NE(im.report.warnings[0].message.find("01.01.2000"), std::string::npos);
  const Norm* lock = im.release->FindNorm(NormFamily::kGesnmr, "01-01-001-01");
  ASSERT_NE(lock, nullptr);
  ASSERT_EQ(lock->resources.size(), 2u);
  EXPECT_EQ(lock->resources[0].name, "Затраты труда рабочих (Средний разряд - 3,4)");
  EXPECT_EQ(lock->resources[1].code, "1");
  EXPECT_EQ(lock->resources[1].consumption, Decimal::Literal("4.63"));
}

TEST(ImportNorms, TheSameFamilyTwiceIsAnError) {
  Imported im = Import({"fsnb2022_dop10_GESNmr.xml", "fsnb2022_dop15_GESNmr.xml"});
  EXPECT_FALSE(im.status.ok());
  ASSERT_FALSE(im.report.errors.empty());
  EXPECT_EQ(im.report.errors[0].file, kSamples + "fsnb2022_dop15_GESNmr.xml");
  EXPECT_NE(im.report.errors[0].message.find("already in the release"), std::string::npos);
}

TEST(ImportNorms, RoofExcerptWithAbstractResources) {
  Imported im = Import({"gesn_12-01-001_roof_excerpt.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().norms, 7u);
  EXPECT_EQ(im.release->Counts().norm_resources, 62u);  // 49 Resource + 13 AbstractResource
  std::size_t abstract = 0;
  for (const auto& n : im.release->norms) {
    for (const auto& r : n.resources) abstract += r.abstract;
  }
  EXPECT_EQ(abstract, 13u);
  // The excerpt has no header: nothing to say about the release.
  EXPECT_EQ(im.release->info.addition_number, 0);
  EXPECT_TRUE(im.release->info.price_level.empty());

  const Norm* roof = im.release->FindNorm(NormFamily::kGesn, "12-01-001-01");
  ASSERT_NE(roof, nullptr);
  EXPECT_EQ(roof->name,
            "Устройство кровель скатных из трех слоев кровельных рулонных материалов на битумной "
            "мастике");
  EXPECT_EQ(roof->unit, "100 м2");
  ASSERT_EQ(roof->content.size(), 1u);
  EXPECT_EQ(roof->content[0], "Наклейка рулонных материалов на битумной мастике.");
  const NormResource* labour = Line(*roof, "1-100-38");
  ASSERT_NE(labour, nullptr);
  EXPECT_EQ(labour->consumption, Decimal::Literal("14.6"));
  EXPECT_EQ(labour->name, "Средний разряд работы 3,8");
  const NormResource* machinists = Line(*roof, "2");
  ASSERT_NE(machinists, nullptr);
  EXPECT_EQ(machinists->consumption, Decimal::Literal("0.46"));
  const NormResource* crane = Line(*roof, "91.05.01-017");
  ASSERT_NE(crane, nullptr);
  EXPECT_EQ(crane->consumption, Decimal::Literal("0.24"));
  const NormResource* mastic = Line(*roof, "01.2.03.03");
  ASSERT_NE(mastic, nullptr);
  EXPECT_TRUE(mastic->abstract);
  EXPECT_EQ(mastic->name, "Мастики битумосодержащие");
  EXPECT_EQ(mastic->unit, "т");
  EXPECT_EQ(mastic->consumption, Decimal::Literal("0.712"));
  ASSERT_EQ(mastic->tech_groups.size(), 1u);
  EXPECT_EQ(mastic->tech_groups[0], "27.03.039");
  const NormResource* top = Line(*roof, "12.1.02.15", 0);
  const NormResource* lower = Line(*roof, "12.1.02.15", 1);
  ASSERT_NE(top, nullptr);
  ASSERT_NE(lower, nullptr);
  EXPECT_EQ(top->name, "Материалы рулонные кровельные для верхнего слоя");
  EXPECT_EQ(top->unit, "м2");
  EXPECT_EQ(top->consumption, Decimal::FromInt(115));
  ASSERT_EQ(top->tech_groups.size(), 1u);
  EXPECT_EQ(top->tech_groups[0], "27.01.053");
  EXPECT_EQ(lower->consumption, Decimal::FromInt(226));
  EXPECT_EQ(lower->tech_groups[0], "27.01.050");
  EXPECT_EQ(roof->overhead_code, "Пр/812-012.0");
  EXPECT_EQ(roof->profit_code, "Пр/774-012.0");
  EXPECT_EQ(im.release->sections[roof->table].code, "12-01-001");
}

TEST(ImportNorms, GesnrExcerpt) {
  Imported im = Import({"gesnr_51-01-001_excerpt.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const Norm* pit = im.release->FindNorm(NormFamily::kGesnr, "51-01-001-01");
  ASSERT_NE(pit, nullptr);
  EXPECT_EQ(pit->name,
            "Разработка и обратная засыпка грунта вручную внутри здания в котлованах глубиной до "
            "3 м площадью до 10 м2");
  EXPECT_EQ(pit->unit, "100 м3");
  EXPECT_EQ(pit->content.size(), 5u);
  ASSERT_EQ(pit->resources.size(), 6u);
  EXPECT_EQ(pit->resources[0].code, "1-100-20");
  EXPECT_EQ(pit->resources[0].consumption, Decimal::FromInt(667));
  EXPECT_EQ(pit->resources[4].code, "11.1.02.01-0012");
  EXPECT_EQ(pit->resources[4].unit, "м3");
  EXPECT_EQ(pit->resources[4].consumption, Decimal::Literal("0.85"));
  EXPECT_EQ(pit->resources[5].consumption, Decimal::Literal("1.7"));
  EXPECT_EQ(pit->overhead_code, "Пр/812-085.2");
  EXPECT_EQ(pit->profit_code, "Пр/774-085.2");
}

}  // namespace
}  // namespace estimate::normbase
