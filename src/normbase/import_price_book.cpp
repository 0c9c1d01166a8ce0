// ФСБЦ price book files: machines (ФСБЦ_Маш) and materials with equipment (ФСБЦ_Мат&Оборуд).
//
//   <ResourceCatalog> <Decrees><ApprovingActNumber/><ApprovingActDate/></Decrees>
//     <ResourcesDirectory><ResourceCategory Type>
//       <Section Type Code Name> (Книга / Часть / Раздел / Группа, nested)
//         <Resource Code Name MeasureUnit>
//           <Prices><Price …/></Prices>
//           <ExpendableMaterials><Material Electricity ElectricityCost/></ExpendableMaterials>
//
// Excerpts put <Resource> straight under the root; it is accepted at any level.
//
// Kind of an entry:
//   machine   — its Price carries machine prices (PriceCostWithoutSalary, SalaryMach), or the
//               category is МашиныМеханизмы;
//   equipment — the category's Type names equipment ("Оборудование"); without such a category,
//               a code of КСР books 61–69, which estimates total as оборудование (methodology
//               §2.2);
//   material  — everything else.
#include "normbase/import_internal.hpp"

#include "core/text.hpp"

namespace estimate::normbase::import {

namespace {

enum class CategoryKind { kUnknown, kMachines, kMaterials, kEquipment };

CategoryKind CategoryOf(std::string_view type) {
  if (type.find("Машин") != std::string_view::npos) return CategoryKind::kMachines;
  if (type.find("борудован") != std::string_view::npos) return CategoryKind::kEquipment;
  if (type.find("атериал") != std::string_view::npos) return CategoryKind::kMaterials;
  return CategoryKind::kUnknown;
}

bool IsEquipmentCode(std::string_view code) {
  return code.size() >= 3 && code[0] == '6' && code[1] >= '1' && code[1] <= '9' && code[2] == '.';
}

// Two entries of one code agree when every figure both give is equal; excerpts cut by hand may
// leave one out (OptCost), and then the merged entry keeps it.
bool Merge(PriceBookEntry& kept, const PriceBookEntry& other) {
  auto agree = [](const core::Decimal& x, const core::Decimal& y) {
    return !x.ok() || !y.ok() || x == y;
  };
  if (kept.kind != other.kind || kept.name != other.name || kept.unit != other.unit ||
      !agree(kept.base_price, other.base_price) ||
      !agree(kept.wholesale_price, other.wholesale_price) ||
      !agree(kept.machinist_pay, other.machinist_pay) ||
      !agree(kept.machinist_labor, other.machinist_labor) ||
      !agree(kept.machinist_rank, other.machinist_rank) ||
      !agree(kept.electricity, other.electricity) ||
      !agree(kept.electricity_cost, other.electricity_cost) ||
      kept.machinist_code != other.machinist_code ||
      kept.with_relocation != other.with_relocation) {
    return false;
  }
  auto fill = [](core::Decimal& x, const core::Decimal& y) {
    if (!x.ok()) x = y;
  };
  fill(kept.wholesale_price, other.wholesale_price);
  fill(kept.machinist_pay, other.machinist_pay);
  fill(kept.machinist_labor, other.machinist_labor);
  fill(kept.machinist_rank, other.machinist_rank);
  fill(kept.electricity, other.electricity);
  fill(kept.electricity_cost, other.electricity_cost);
  return true;
}

class PriceBookImporter {
 public:
  PriceBookImporter(XmlReader& r, Context& ctx) : r_(r), ctx_(ctx) {}

  Status Run() {
    Status s = r_.Children([&](std::string_view name) -> Status { return Level(name, -1); });
    if (!s.ok()) return s;
    if (!act_number_.empty() || !act_date_.empty()) {
      ctx_.decree = act_number_;
      if (!act_date_.empty()) ctx_.decree += (act_number_.empty() ? "" : " от ") + act_date_;
    }
    ImportedFile& file = ctx_.file();
    if (machines_ > 0 && materials_ == 0) {
      file.kind = "machines";
    } else if (machines_ == 0 && materials_ > 0) {
      file.kind = "materials";
    } else {
      file.kind = "price_book";
    }
    return Status::Ok();
  }

 private:
  // An element at any level of the catalogue.
  Status Level(std::string_view name, std::int32_t section) {
    if (name == "Resource") return Resource(section);
    if (name == "Section") return Section(section);
    if (name == "Decrees") return Decrees();
    if (name == "ResourcesDirectory") {
      return r_.Children([&](std::string_view child) { return Level(child, section); });
    }
    if (name == "ResourceCategory") {
      category_ = CategoryOf(core::TrimBlanks(r_.Attr("Type")));
      Status s = r_.Children([&](std::string_view child) { return Level(child, section); });
      category_ = CategoryKind::kUnknown;
      return s;
    }
    ctx_.Warn(r_.line(), "unknown element <" + std::string(name) + "> skipped");
    return Status::Ok();
  }

  Status Decrees() {
    return r_.Children([&](std::string_view name) -> Status {
      std::string* target = name == "ApprovingActNumber" ? &act_number_
                            : name == "ApprovingActDate" ? &act_date_
                                                         : nullptr;
      if (target == nullptr) return Status::Ok();
      auto text = r_.Text();
      if (!text.ok()) return text.status();
      *target = std::string(core::TrimBlanks(*text));
      return Status::Ok();
    });
  }

  Status Section(std::int32_t parent) {
    BookSection section;
    section.type = ctx_.Intern(core::TrimBlanks(r_.Attr("Type")));
    section.code = ctx_.Intern(core::TrimBlanks(r_.Attr("Code")));
    section.name = ctx_.Intern(core::TrimBlanks(r_.Attr("Name")));
    section.parent = parent;
    const auto index = static_cast<std::int32_t>(ctx_.release.book_sections.size());
    ctx_.release.book_sections.push_back(section);
    return r_.Children([&](std::string_view name) { return Level(name, index); });
  }

  // A decimal attribute of <Price>; absent or empty gives the invalid Decimal.
  Status Number(std::string_view attr, std::string_view value, std::string_view code,
                core::Decimal& out, bool& bad) {
    value = core::TrimBlanks(value);
    if (value.empty()) {
      out = core::Decimal::Invalid();
      return Status::Ok();
    }
    auto parsed = Context::ParseDecimal(value);
    if (!parsed) {
      bad = true;
      return ctx_.Error(r_, std::string(attr) + "=\"" + std::string(value) + "\" of resource " +
                                std::string(code) + " is not a decimal number");
    }
    out = *parsed;
    return Status::Ok();
  }

  Status Resource(std::int32_t section) {
    PriceBookEntry entry;
    const std::string_view code = core::TrimBlanks(r_.Attr("Code"));
    if (code.empty()) return ctx_.Error(r_, "<Resource> without Code; left out");
    entry.code = ctx_.Intern(code);
    entry.name = ctx_.Intern(core::TrimBlanks(r_.Attr("Name")));
    entry.unit = ctx_.Intern(core::TrimBlanks(r_.Attr("MeasureUnit")));
    entry.section = section;
    entry.base_price = entry.wholesale_price = core::Decimal::Invalid();
    entry.machinist_pay = entry.machinist_labor = entry.machinist_rank = core::Decimal::Invalid();
    entry.electricity = entry.electricity_cost = core::Decimal::Invalid();
    const int line = r_.line();
    bool machine = category_ == CategoryKind::kMachines;
    bool priced = false;
    bool bad = false;
    Status s = r_.Children([&](std::string_view name) -> Status {
      if (name == "Prices") {
        return r_.Children([&](std::string_view child) -> Status {
          if (child != "Price") {
            return r_.ErrorHere("element <" + std::string(child) +
                                "> is not allowed inside <Prices>");
          }
          if (priced) {
            ctx_.Warn(r_.line(), "resource " + std::string(entry.code) +
                                     " has a second <Price>; the first is kept");
            return Status::Ok();
          }
          priced = true;
          for (const XmlReader::Attribute& a : r_.attributes()) {
            Status st;
            if (a.name == "Cost") {
              st = Number(a.name, a.value, entry.code, entry.base_price, bad);
            } else if (a.name == "OptCost") {
              st = Number(a.name, a.value, entry.code, entry.wholesale_price, bad);
            } else if (a.name == "PriceCostWithoutSalary") {
              machine = true;
              st = Number(a.name, a.value, entry.code, entry.base_price, bad);
            } else if (a.name == "SalaryMach") {
              machine = true;
              st = Number(a.name, a.value, entry.code, entry.machinist_pay, bad);
            } else if (a.name == "LabourMach") {
              st = Number(a.name, a.value, entry.code, entry.machinist_labor, bad);
            } else if (a.name == "MachinistCategory") {
              st = Number(a.name, a.value, entry.code, entry.machinist_rank, bad);
            } else if (a.name == "DriverCode") {
              entry.machinist_code = ctx_.Intern(core::TrimBlanks(a.value));
            } else if (a.name == "WithRelocation") {
              const std::string_view v = core::TrimBlanks(a.value);
              if (v == "true" || v == "1") {
                entry.with_relocation = true;
              } else if (v != "false" && v != "0" && !v.empty()) {
                bad = true;
                st = ctx_.Error(r_, "WithRelocation=\"" + std::string(v) + "\" of resource " +
                                        std::string(entry.code) + " is not true or false");
              }
            }
            if (!st.ok()) return st;
          }
          return Status::Ok();
        });
      }
      if (name == "ExpendableMaterials") {
        return r_.Children([&](std::string_view child) -> Status {
          if (child != "Material") return Status::Ok();
          Status st =
              Number("Electricity", r_.Attr("Electricity"), entry.code, entry.electricity, bad);
          if (!st.ok()) return st;
          return Number("ElectricityCost", r_.Attr("ElectricityCost"), entry.code,
                        entry.electricity_cost, bad);
        });
      }
      ctx_.Warn(r_.line(), "unknown element <" + std::string(name) + "> in resource " +
                               std::string(entry.code) + " skipped");
      return Status::Ok();
    });
    if (!s.ok() || bad) return s;
    if (!priced || !entry.base_price.ok()) {
      return ctx_.Error(line, "resource " + std::string(entry.code) + " has no base price");
    }
    if (machine) {
      entry.kind = core::ResourceKind::kMachine;
    } else if (category_ == CategoryKind::kEquipment ||
               (category_ == CategoryKind::kUnknown && IsEquipmentCode(entry.code))) {
      entry.kind = core::ResourceKind::kEquipment;
    } else {
      entry.kind = core::ResourceKind::kMaterial;
    }
    if (auto it = ctx_.resource_index.find(entry.code); it != ctx_.resource_index.end()) {
      // The same entry in two excerpts is harmless; two different prices for one code are not.
      if (Merge(ctx_.release.resources[it->second], entry)) return Status::Ok();
      return ctx_.Error(line, "resource " + std::string(entry.code) +
                                  " is already in the release with other data (two editions?)");
    }
    ctx_.resource_index.emplace(entry.code,
                                static_cast<std::uint32_t>(ctx_.release.resources.size()));
    ctx_.release.resources.push_back(entry);
    ctx_.file().records += 1;
    if (entry.kind == core::ResourceKind::kMachine) {
      ++machines_;
    } else {
      ++materials_;
    }
    return Status::Ok();
  }

  XmlReader& r_;
  Context& ctx_;
  CategoryKind category_ = CategoryKind::kUnknown;
  std::string act_number_, act_date_;
  std::size_t machines_ = 0, materials_ = 0;
};

}  // namespace

Status ImportPriceBook(XmlReader& r, Context& ctx) { return PriceBookImporter(r, ctx).Run(); }

}  // namespace estimate::normbase::import
