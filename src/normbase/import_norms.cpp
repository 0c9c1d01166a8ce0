// Norm files of every family (ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр), both the current layout and the
// older one of доп. 10 (same elements; a total-labour line "1" and longer labour names):
//
//   <base BaseType PriceLevel> <Decrees><Decree Name/></Decrees>
//     <ResourcesDirectory><ResourceCategory CodePrefix>
//       <Section Type Code Name> (nested, 2–5 levels; tables at various depths)
//         <NameGroup BeginName> <Work Code EndName MeasureUnit>
//           <Content><Item Text/></Content>
//           <Resources> <Resource Code EndName MeasureUnit Quantity/>
//                       <AbstractResource Code Name MeasureUnit Quantity TechnologyGroups/>
//                       <ServiceResource Code Name MeasureUnit Quantity/> </Resources>
//           <NrSp><ReasonItem Nr Sp/></NrSp>
//
// Strictness: inside Resources, Content and NrSp the format is closed — an unknown element is an
// error, since a norm missing a line would price wrong. Elsewhere an unknown element is skipped
// with a warning (the full ГЭСНм carries <Massa>, skipped silently).
#include <cctype>

#include "normbase/import_internal.hpp"

#include "core/text.hpp"

namespace estimate::normbase::import {

namespace {

// The number after "доп." in a decree or base name: "… ГЭСН-2022 доп. № 15", "(доп15)".
int AdditionIn(std::string_view text) {
  const std::size_t at = text.find("доп");
  if (at == std::string_view::npos) return 0;
  std::size_t i = at + std::string_view("доп").size();
  int n = 0;
  bool digits = false;
  for (; i < text.size() && i < at + 24; ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      digits = true;
    } else if (digits) {
      break;
    }
  }
  return digits ? n : 0;
}

// "ГЭСН-2022" in a decree → "2022".
std::string_view BaseYearIn(std::string_view text) {
  const std::size_t at = text.find("-20");
  if (at == std::string_view::npos || at + 5 > text.size()) return {};
  std::string_view year = text.substr(at + 1, 4);
  for (char c : year) {
    if (c < '0' || c > '9') return {};
  }
  return year;
}

class NormImporter {
 public:
  NormImporter(XmlReader& r, Context& ctx) : r_(r), ctx_(ctx) {}

  Status Run() {
    if (auto base_type = r_.Attr("BaseType"); !base_type.empty()) {
      base_family_ = ParseFamily(core::TrimWhitespace(base_type));
      if (!base_family_) {
        ctx_.Warn(r_.line(), "unknown BaseType \"" + std::string(base_type) +
                                 "\"; the family is taken from ResourceCategory CodePrefix");
      }
    }
    price_level_ = std::string(core::TrimWhitespace(r_.Attr("PriceLevel")));
    price_level_line_ = r_.line();
    Status s = r_.Children([&](std::string_view name) -> Status {
      if (name == "Decrees") return Decrees();
      if (name == "ResourcesDirectory") return Directory();
      return Unknown(name, "base");
    });
    if (!s.ok()) return s;
    NoteReleaseFacts();
    return Status::Ok();
  }

 private:
  Status Unknown(std::string_view name, std::string_view parent) {
    ctx_.Warn(r_.line(), "unknown element <" + std::string(name) + "> in <" + std::string(parent) +
                             "> skipped");
    return Status::Ok();
  }
  Status NotAllowed(std::string_view name, std::string_view parent) {
    return r_.ErrorHere("element <" + std::string(name) + "> is not allowed inside <" +
                        std::string(parent) + ">");
  }

  Status Decrees() {
    return r_.Children([&](std::string_view name) -> Status {
      if (name != "Decree") return Unknown(name, "Decrees");
      std::string_view decree = core::TrimWhitespace(r_.Attr("Name"));
      if (decree_.empty()) decree_ = std::string(decree);
      return Status::Ok();
    });
  }

  // The release's name, addition and price level, from the decree and the header. A ФСНБ-2022
  // decree fixes the price level at 01.01.2022 whatever the header says (доп. 10 writes
  // "01.01.2000").
  void NoteReleaseFacts() {
    const int addition = AdditionIn(decree_);
    const std::string_view year = BaseYearIn(decree_);
    std::string level = price_level_;
    if (!year.empty()) {
      const std::string expected = "01.01." + std::string(year);
      if (!level.empty() && level != expected) {
        ctx_.Warn(price_level_line_, "PriceLevel \"" + level + "\" contradicts the decree \"" +
                                         decree_ + "\"; taken as " + expected);
      }
      level = expected;
      std::string name = "ФСНБ-" + std::string(year);
      if (addition > 0) name += " доп. " + std::to_string(addition);
      ctx_.NoteReleaseName(name, price_level_line_);
    }
    ctx_.NoteAddition(addition, price_level_line_);
    ctx_.NotePriceLevel(level, price_level_line_);
  }

  Status Directory() {
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "ResourceCategory") return Category();
      return Unknown(name, "ResourcesDirectory");
    });
  }

  Status Category() {
    std::optional<NormFamily> family;
    if (auto prefix = core::TrimWhitespace(r_.Attr("CodePrefix")); !prefix.empty()) {
      family = ParseFamily(prefix);
      if (!family) {
        return r_.ErrorHere("unknown norm family CodePrefix=\"" + std::string(prefix) + "\"");
      }
      if (base_family_ && *base_family_ != *family) {
        ctx_.Warn(r_.line(), "CodePrefix " + std::string(prefix) + " differs from BaseType " +
                                 std::string(FamilyPrefix(*base_family_)) +
                                 "; the category's CodePrefix is used");
      }
    } else {
      family = base_family_;
    }
    if (!family) {
      return r_.ErrorHere(
          "the norm family is unknown: neither ResourceCategory CodePrefix nor base BaseType");
    }
    family_ = *family;
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Section") return Section(-1);
      return Unknown(name, "ResourceCategory");
    });
  }

  Status Section(std::int32_t parent) {
    NormSection section;
    section.family = family_;
    section.type = ctx_.Intern(core::TrimWhitespace(r_.Attr("Type")));
    section.code = ctx_.Intern(core::TrimWhitespace(r_.Attr("Code")));
    section.name = ctx_.Intern(core::TrimWhitespace(r_.Attr("Name")));
    section.parent = parent;
    const auto index = static_cast<std::int32_t>(ctx_.release.sections.size());
    ctx_.release.sections.push_back(section);
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Section") return Section(index);
      if (name == "NameGroup") return NameGroup(index);
      if (name == "Work") return Work({}, index);
      return Unknown(name, "Section");
    });
  }

  Status NameGroup(std::int32_t table) {
    // BeginName is copied: the reader's view dies with the next node.
    std::string begin(core::TrimWhitespace(r_.Attr("BeginName")));
    while (!begin.empty() && (begin.back() == ':' || begin.back() == ' ')) begin.pop_back();
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Work") return Work(begin, table);
      return Unknown(name, "NameGroup");
    });
  }

  Status Work(std::string_view begin, std::int32_t table) {
    const std::string_view code = core::TrimWhitespace(r_.Attr("Code"));
    if (code.empty()) return ctx_.Error(r_, "<Work> without Code; the norm is left out");
    Norm norm;
    norm.family = family_;
    norm.code = ctx_.Intern(code);
    const std::string_view end = core::TrimWhitespace(r_.Attr("EndName"));
    name_.assign(begin);
    if (!name_.empty() && !end.empty()) name_.push_back(' ');
    name_.append(end);
    norm.name = ctx_.Intern(name_);
    norm.unit = ctx_.Intern(core::TrimWhitespace(r_.Attr("MeasureUnit")));
    norm.table = table;
    const int line = r_.line();
    bool bad = false;
    Status s = r_.Children([&](std::string_view name) -> Status {
      if (name == "Content") return Content(norm);
      if (name == "Resources") return Resources(norm, bad);
      if (name == "NrSp") return NrSp(norm);
      if (name == "Massa") return Status::Ok();  // ГЭСНм mass per unit: not in the model
      return Unknown(name, "Work");
    });
    if (!s.ok()) return s;
    auto& index = ctx_.norm_index[static_cast<int>(family_)];
    if (index.contains(norm.code)) {
      return ctx_.Error(line, "norm " + std::string(FamilyPrefix(family_)) + " " +
                                  std::string(norm.code) +
                                  " is already in the release (imported twice?)");
    }
    if (bad) return Status::Ok();  // the error is recorded; the import has failed anyway
    index.emplace(norm.code, static_cast<std::uint32_t>(ctx_.release.norms.size()));
    ctx_.file().records += 1;
    ctx_.file().lines += norm.resources.size();
    ctx_.release.norms.push_back(std::move(norm));
    return Status::Ok();
  }

  Status Content(Norm& norm) {
    return r_.Children([&](std::string_view name) -> Status {
      if (name != "Item") return NotAllowed(name, "Content");
      std::string_view text = core::TrimWhitespace(r_.Attr("Text"));
      if (!text.empty()) norm.content.push_back(ctx_.Intern(text));
      return Status::Ok();
    });
  }

  Status Resources(Norm& norm, bool& bad) {
    return r_.Children([&](std::string_view name) -> Status {
      const bool abstract = name == "AbstractResource";
      const bool service = name == "ServiceResource";
      if (!abstract && !service && name != "Resource") return NotAllowed(name, "Resources");
      NormResource line;
      line.abstract = abstract;
      std::string_view quantity;
      bool has_quantity = false;
      std::string_view groups;
      for (const XmlReader::Attribute& a : r_.attributes()) {
        if (a.name == "Code") {
          line.code = core::TrimWhitespace(a.value);
        } else if (a.name == "EndName" || a.name == "Name") {
          line.name = core::TrimWhitespace(a.value);
        } else if (a.name == "MeasureUnit") {
          line.unit = core::TrimWhitespace(a.value);
        } else if (a.name == "Quantity") {
          quantity = core::TrimWhitespace(a.value);
          has_quantity = true;
        } else if (a.name == "TechnologyGroups") {
          groups = a.value;
        }
      }
      if (line.code.empty()) {
        bad = true;
        return ctx_.Error(
            r_, "<" + std::string(name) + "> without Code in norm " + std::string(norm.code));
      }
      if (!has_quantity) {
        bad = true;
        return ctx_.Error(r_, "resource " + std::string(line.code) + " of norm " +
                                  std::string(norm.code) + " has no Quantity");
      }
      if (quantity == "П") {
        line.by_project = true;
      } else if (auto q = Context::ParseDecimal(quantity); q) {
        line.consumption = *q;
      } else {
        bad = true;
        return ctx_.Error(r_, "Quantity=\"" + std::string(quantity) + "\" of resource " +
                                  std::string(line.code) + " in norm " + std::string(norm.code) +
                                  " is not a decimal number");
      }
      line.code = ctx_.Intern(line.code);
      line.name = ctx_.Intern(line.name);
      line.unit = ctx_.Intern(line.unit);
      // TechnologyGroups may list several codes; commas, semicolons and spaces separate them.
      while (!groups.empty()) {
        const std::size_t stop = groups.find_first_of(",; ");
        std::string_view group = groups.substr(0, stop);
        if (!group.empty()) line.tech_groups.push_back(ctx_.Intern(group));
        if (stop == std::string_view::npos) break;
        groups.remove_prefix(stop + 1);
      }
      if (abstract && line.tech_groups.empty()) {
        ctx_.Warn(r_.line(), "abstract resource " + std::string(line.code) + " of norm " +
                                 std::string(norm.code) + " names no technology group");
      }
      norm.resources.push_back(std::move(line));
      return Status::Ok();
    });
  }

  Status NrSp(Norm& norm) {
    return r_.Children([&](std::string_view name) -> Status {
      if (name != "ReasonItem") return NotAllowed(name, "NrSp");
      if (!norm.overhead_code.empty() || !norm.profit_code.empty()) {
        ctx_.Warn(r_.line(), "norm " + std::string(norm.code) +
                                 " gives a second НР/СП reference; the first is kept");
        return Status::Ok();
      }
      norm.overhead_code = ctx_.Intern(core::TrimWhitespace(r_.Attr("Nr")));
      norm.profit_code = ctx_.Intern(core::TrimWhitespace(r_.Attr("Sp")));
      return Status::Ok();
    });
  }

  XmlReader& r_;
  Context& ctx_;
  std::optional<NormFamily> base_family_;
  NormFamily family_ = NormFamily::kGesn;
  std::string price_level_;
  int price_level_line_ = 0;
  std::string decree_;
  std::string name_;  // reused buffer for norm names
};

}  // namespace

Status ImportNorms(XmlReader& r, Context& ctx) { return NormImporter(r, ctx).Run(); }

}  // namespace estimate::normbase::import
