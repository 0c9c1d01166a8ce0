// ФСБЦ price book files on the real samples: four editions of the machines, the material excerpts,
// and the equipment rule on small generated files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"

namespace estimate::normbase {
namespace {

using core::Decimal;
using core::ResourceKind;

const std::string kSamples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";

struct Imported {
  std::unique_ptr<BaseRelease> release = std::make_unique<BaseRelease>();
  ImportReport report;
  Status status;
};

Imported Import(const std::vector<std::string>& paths) {
  Imported out;
  out.status = ImportPaths(paths, ImportOptions{}, *out.release, out.report);
  return out;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("import_price_book_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

struct MachineFile {
  const char* file;
  std::size_t machines;
  const char* decree;
};

TEST(ImportPriceBook, EveryMachineEditionHasItsReadmeCount) {
  const MachineFile files[] = {
      {"fsnb2022_dop15_FSBC_Mash.xml", 1711, "490/пр от 14.08.2025"},
      {"fsbc_mash_323pr_2024-05-13.xml", 1688, "323/пр от 13.05.2024"},
      {"fsbc_mash_299pr_2025-05-19.xml", 1701, "299/пр от 19.05.2025"},
      {"fsbc_mash_91pr_2026-02-17.xml", 1717, "91/пр от 17.02.2026"},
  };
  for (const MachineFile& f : files) {
    Imported im = Import({kSamples + f.file});
    ASSERT_TRUE(im.status.ok()) << f.file << ": " << im.status.message();
    const ReleaseCounts c = im.release->Counts();
    EXPECT_EQ(c.machines, f.machines) << f.file;
    EXPECT_EQ(c.resources, f.machines) << f.file;
    EXPECT_EQ(im.release->book_sections.size(), 195u) << f.file;
    ASSERT_EQ(im.release->info.sources.size(), 1u);
    EXPECT_EQ(im.release->info.sources[0].kind, "machines");
    EXPECT_EQ(im.release->info.sources[0].decree, f.decree);
    EXPECT_TRUE(im.report.warnings.empty()) << f.file;
  }
}

TEST(ImportPriceBook, MachinesMatchTheXml) {
  Imported im = Import({kSamples + "fsnb2022_dop15_FSBC_Mash.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const PriceBookEntry* dozer = im.release->FindResource("91.01.01-014");
  ASSERT_NE(dozer, nullptr);
  EXPECT_EQ(dozer->name, "Бульдозеры-рыхлители на тракторе, мощность 79 кВт (108 л.с.)");
  EXPECT_EQ(dozer->unit, "маш.-ч");
  EXPECT_EQ(dozer->kind, ResourceKind::kMachine);
  EXPECT_EQ(dozer->machinist_pay, Decimal::Literal("386.65"));
  EXPECT_EQ(dozer->machinist_labor, Decimal::Literal("1.00"));
  EXPECT_EQ(dozer->base_price, Decimal::Literal("961.73"));
  EXPECT_TRUE(dozer->with_relocation);
  EXPECT_EQ(dozer->machinist_code, "4-100-050");
  EXPECT_EQ(dozer->machinist_rank, Decimal::Literal("5.0"));
  EXPECT_FALSE(dozer->wholesale_price.ok());
  EXPECT_TRUE(dozer->electricity.IsZero());
  ASSERT_GE(dozer->section, 0);
  const BookSection& group = im.release->book_sections[dozer->section];
  EXPECT_EQ(group.type, "Группа");
  EXPECT_EQ(group.code, "91.01.01");
  EXPECT_EQ(group.name, "Бульдозеры");
  const BookSection& part = im.release->book_sections[group.parent];
  EXPECT_EQ(part.type, "Раздел");
  EXPECT_EQ(part.code, "91.01");
  EXPECT_EQ(im.release->book_sections[part.parent].type, "Книга");
  EXPECT_EQ(im.release->book_sections[part.parent].parent, -1);

  // A machine without an operator: no DriverCode, empty MachinistCategory, electricity used.
  const PriceBookEntry* scraper = im.release->FindResource("91.01.03-001");
  ASSERT_NE(scraper, nullptr);
  EXPECT_EQ(scraper->base_price, Decimal::Literal("995.34"));
  EXPECT_TRUE(scraper->machinist_pay.IsZero());
  EXPECT_TRUE(scraper->machinist_labor.IsZero());
  EXPECT_EQ(scraper->machinist_code, "");
  EXPECT_FALSE(scraper->machinist_rank.ok());
  EXPECT_FALSE(scraper->with_relocation);
  EXPECT_EQ(scraper->electricity, Decimal::Literal("26.4"));
  EXPECT_EQ(scraper->electricity_cost, Decimal::Literal("117.57"));

  std::size_t with_driver = 0, relocation = 0;
  for (const auto& e : im.release->resources) {
    with_driver += !e.machinist_code.empty();
    relocation += e.with_relocation;
  }
  EXPECT_EQ(with_driver, 1026u);  // 1,711 − 685 without an operator
  EXPECT_EQ(relocation, 1327u);
}

TEST(ImportPriceBook, RoofKitExcerpts) {
  Imported im =
      Import({kSamples + "fsbc_machines_excerpt.xml", kSamples + "fsbc_materials_excerpt.xml",
              kSamples + "fsbc_materials_roofing_excerpt.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const ReleaseCounts c = im.release->Counts();
  EXPECT_EQ(c.machines, 5u);
  // 2 + 6 materials with propane in both excerpts.
  EXPECT_EQ(c.materials, 7u);
  EXPECT_EQ(c.equipment, 0u);

  const PriceBookEntry* crane = im.release->FindResource("91.05.01-017");
  ASSERT_NE(crane, nullptr);
  EXPECT_EQ(crane->kind, ResourceKind::kMachine);
  EXPECT_EQ(crane->machinist_pay, Decimal::Literal("451.93"));
  EXPECT_EQ(crane->machinist_labor, Decimal::Literal("1.00"));
  EXPECT_EQ(crane->base_price, Decimal::Literal("622.62"));
  EXPECT_FALSE(crane->with_relocation);
  EXPECT_EQ(crane->machinist_code, "4-100-060");
  EXPECT_EQ(crane->machinist_rank, Decimal::Literal("6.0"));
  EXPECT_EQ(crane->electricity, Decimal::Literal("6.83"));
  EXPECT_EQ(crane->electricity_cost, Decimal::Literal("33.76"));
  EXPECT_EQ(crane->section, -1);  // the excerpt has no sections

  const PriceBookEntry* truck = im.release->FindResource("91.14.02-001");
  ASSERT_NE(truck, nullptr);
  EXPECT_EQ(truck->base_price, Decimal::Literal("477.92"));
  EXPECT_EQ(truck->machinist_code, "4-100-040");
  EXPECT_EQ(truck->machinist_rank, Decimal::Literal("4.0"));

  const PriceBookEntry* gravel = im.release->FindResource("02.2.01.02-1042");
  ASSERT_NE(gravel, nullptr);
  EXPECT_EQ(gravel->kind, ResourceKind::kMaterial);
  EXPECT_EQ(gravel->name, "Гравий М 400-1000, фракция 5(3)-10 мм");
  EXPECT_EQ(gravel->unit, "м3");
  EXPECT_EQ(gravel->base_price, Decimal::Literal("1174.99"));
  EXPECT_EQ(gravel->wholesale_price, Decimal::Literal("839.50"));
  EXPECT_FALSE(gravel->machinist_pay.ok());

  // Propane: with OptCost in one excerpt, without it in the other; the entry keeps it.
  const PriceBookEntry* propane = im.release->FindResource("01.3.02.09-0022");
  ASSERT_NE(propane, nullptr);
  EXPECT_EQ(propane->base_price, Decimal::Literal("41.38"));
  EXPECT_EQ(propane->wholesale_price, Decimal::Literal("39.41"));

  const PriceBookEntry* roll = im.release->FindResource("12.1.02.03-0053");
  ASSERT_NE(roll, nullptr);
  EXPECT_EQ(roll->unit, "м2");
  EXPECT_EQ(roll->base_price, Decimal::Literal("509.53"));
  EXPECT_FALSE(roll->wholesale_price.ok());
}

TEST(ImportPriceBook, TwoMachineEditionsInOneReleaseAreAnError) {
  Imported im = Import(
      {kSamples + "fsbc_mash_299pr_2025-05-19.xml", kSamples + "fsnb2022_dop15_FSBC_Mash.xml"});
  EXPECT_FALSE(im.status.ok());
  // 299/пр → 490/пр changed 10 machines; the rest are equal and merge silently. The report stops
  // listing a file's errors at max_errors_per_file.
  ASSERT_FALSE(im.report.errors.empty());
  EXPECT_NE(im.report.errors[0].message.find("with other data"), std::string::npos);
  EXPECT_GT(im.report.errors[0].line, 0);
}

TEST(ImportPriceBook, EquipmentByCategoryOrByBook) {
  const std::string by_category =
      WriteTemp("equipment_category.xml", R"(<?xml version="1.0" encoding="utf-8"?>
<ResourceCatalog><ResourcesDirectory><ResourceCategory Type="Оборудование">
  <Section Type="Книга" Code="62" Name="Оборудование">
    <Resource Code="62.1.01.01-0001" Name="Шкаф" MeasureUnit="шт"><Prices><Price Cost="1000.50" OptCost="900"/></Prices></Resource>
  </Section></ResourceCategory>
  <ResourceCategory Type="Материалы">
    <Resource Code="01.7.03.01-0001" Name="Вода" MeasureUnit="м3"><Prices><Price Cost="39.44"/></Prices></Resource>
  </ResourceCategory></ResourcesDirectory></ResourceCatalog>
)");
  const std::string by_code = WriteTemp("equipment_code.xml", R"(<ResourceCatalog>
  <Resource Code="65.1.01.01-1119" Name="Насос" MeasureUnit="шт"><Prices><Price Cost="15000"/></Prices></Resource>
  <Resource Code="60.1.01.01-0001" Name="Не оборудование" MeasureUnit="шт"><Prices><Price Cost="1"/></Prices></Resource>
</ResourceCatalog>
)");
  Imported im = Import({by_category, by_code});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->FindResource("62.1.01.01-0001")->kind, ResourceKind::kEquipment);
  EXPECT_EQ(im.release->FindResource("62.1.01.01-0001")->wholesale_price, Decimal::FromInt(900));
  EXPECT_EQ(im.release->FindResource("01.7.03.01-0001")->kind, ResourceKind::kMaterial);
  EXPECT_EQ(im.release->FindResource("65.1.01.01-1119")->kind, ResourceKind::kEquipment);
  EXPECT_EQ(im.release->FindResource("60.1.01.01-0001")->kind, ResourceKind::kMaterial);
  EXPECT_EQ(im.release->Counts().equipment, 2u);
  EXPECT_EQ(im.release->info.sources[0].kind, "materials");
}

}  // namespace
}  // namespace estimate::normbase
