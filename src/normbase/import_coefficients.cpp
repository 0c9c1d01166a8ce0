// Binding of correction coefficients to the ФСНБ-2022 norms (Coefficients-1.0.xsd, the "relaxed"
// variant the official file needs: values with a decimal comma, "1,04").
//
//   <Coefficients> <Section code> <Name/> <Coefficient code target decreeuse startuse enduse>
//       <Name/> <Worker|Machine|Machinist|Material|LaborCosts|MachinistLaborCosts|Equipment>
//                 <Value>1,04</Value> | <Formula formula="N"/> </…>
//       <ExcludeGroupItem>n</ExcludeGroupItem>
//       <Applys> <Cost code Exclude/> <Section code Exclude/>
//                <Resources Material="0" …><Resource code/></Resources> </Applys>
//     </Coefficient> <Section …/> </Section> </Coefficients>
//
// The coefficient's content is closed (an unknown element there is an error: a factor must not be
// lost); unknown elements between sections are skipped with a warning.
#include "normbase/import_internal.hpp"

#include "core/text.hpp"

namespace estimate::normbase::import {

namespace {

constexpr core::Decimal kInvalid = core::Decimal::Invalid();

class CoefficientImporter {
 public:
  CoefficientImporter(XmlReader& r, Context& ctx) : r_(r), ctx_(ctx) {}

  Status Run() {
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Section") return Section();
      ctx_.Warn(r_.line(), "unknown element <" + std::string(name) + "> in <Coefficients> skipped");
      return Status::Ok();
    });
  }

 private:
  Status NotAllowed(std::string_view name, std::string_view parent) {
    return r_.ErrorHere("element <" + std::string(name) + "> is not allowed inside <" +
                        std::string(parent) + ">");
  }

  Status Section() {
    const std::string_view code = ctx_.Intern(core::TrimWhitespace(r_.Attr("code")));
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Section") return Section();
      if (name == "Coefficient") return Coefficient(code);
      if (name == "Name") return Status::Ok();  // the section's title: not in the model
      ctx_.Warn(r_.line(), "unknown element <" + std::string(name) + "> in <Section> skipped");
      return Status::Ok();
    });
  }

  // A decimal with a decimal comma, as the file writes it.
  Status Number(std::string_view what, std::string_view text, std::string_view code,
                core::Decimal& out, bool& bad) {
    auto value = Context::ParseDecimal(text, /*comma=*/true);
    if (!value) {
      bad = true;
      return ctx_.Error(r_, std::string(what) + " \"" + std::string(core::TrimWhitespace(text)) +
                                "\" of coefficient " + std::string(code) +
                                " is not a decimal number");
    }
    out = *value;
    return Status::Ok();
  }

  // <Machine><Value>1,04</Value></Machine> or <Machine><Formula formula="N"/></Machine>.
  Status Factor(CoefficientRule& rule, std::string_view key, core::Decimal& out, bool& bad) {
    const std::string_view stored_key = ctx_.Intern(key);
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Value") {
        auto text = r_.Text();
        if (!text.ok()) return text.status();
        return Number(stored_key, *text, rule.code, out, bad);
      }
      if (name == "Formula") {
        const std::string_view formula = ctx_.Intern(core::TrimWhitespace(r_.Attr("formula")));
        if (rule.formula.empty()) rule.formula = formula;
        rule.formulas.push_back({stored_key, formula});
        return Status::Ok();
      }
      return NotAllowed(name, stored_key);
    });
  }

  Status Applys(CoefficientRule& rule, bool& bad) {
    return r_.Children([&](std::string_view name) -> Status {
      if (name == "Cost" || name == "Section") {
        const std::string_view code = ctx_.Intern(core::TrimWhitespace(r_.Attr("code")));
        const std::string_view exclude = core::TrimWhitespace(r_.Attr("Exclude"));
        if (exclude == "true" || exclude == "1") {
          rule.excluded.push_back(code);
        } else if (name == "Cost") {
          rule.applies.push_back(code);
        } else {
          rule.applies_sections.push_back(code);
        }
        ++lines_;
        return Status::Ok();
      }
      if (name == "Resources") {
        CoefficientRule::ResourceFactors factors;
        factors.worker = factors.machine = factors.machinist = factors.material = kInvalid;
        factors.labor = factors.machinist_labor = factors.equipment = kInvalid;
        for (const XmlReader::Attribute& a : r_.attributes()) {
          core::Decimal* target = a.name == "Worker"                ? &factors.worker
                                  : a.name == "Machine"             ? &factors.machine
                                  : a.name == "Machinist"           ? &factors.machinist
                                  : a.name == "Material"            ? &factors.material
                                  : a.name == "LaborCosts"          ? &factors.labor
                                  : a.name == "MachinistLaborCosts" ? &factors.machinist_labor
                                  : a.name == "Equipment"           ? &factors.equipment
                                                                    : nullptr;
          if (target == nullptr) continue;
          Status s = Number(a.name, a.value, rule.code, *target, bad);
          if (!s.ok()) return s;
        }
        Status s = r_.Children([&](std::string_view child) -> Status {
          if (child != "Resource") return NotAllowed(child, "Resources");
          factors.codes.push_back(ctx_.Intern(core::TrimWhitespace(r_.Attr("code"))));
          ++lines_;
          return Status::Ok();
        });
        if (!s.ok()) return s;
        rule.resource_factors.push_back(std::move(factors));
        return Status::Ok();
      }
      return NotAllowed(name, "Applys");
    });
  }

  Status Coefficient(std::string_view section) {
    CoefficientRule rule;
    rule.labor = rule.machinist_labor = rule.machines = rule.materials = rule.value = kInvalid;
    rule.worker = rule.machinist = rule.equipment = kInvalid;
    rule.section = section;
    lines_ = 0;
    const std::string_view code = core::TrimWhitespace(r_.Attr("code"));
    if (code.empty()) return ctx_.Error(r_, "<Coefficient> without code; left out");
    rule.code = ctx_.Intern(code);
    rule.target = ctx_.Intern(core::TrimWhitespace(r_.Attr("target")));
    rule.decree = ctx_.Intern(core::TrimWhitespace(r_.Attr("decreeuse")));
    rule.start_use = ctx_.Intern(core::TrimWhitespace(r_.Attr("startuse")));
    rule.end_use = ctx_.Intern(core::TrimWhitespace(r_.Attr("enduse")));
    bool bad = false;
    Status s = r_.Children([&](std::string_view name) -> Status {
      if (name == "Name") {
        auto text = r_.Text();
        if (!text.ok()) return text.status();
        rule.name = ctx_.Intern(core::TrimWhitespace(*text));
        return Status::Ok();
      }
      if (name == "Worker") return Factor(rule, name, rule.worker, bad);
      if (name == "Machine") return Factor(rule, name, rule.machines, bad);
      if (name == "Machinist") return Factor(rule, name, rule.machinist, bad);
      if (name == "Material") return Factor(rule, name, rule.materials, bad);
      if (name == "LaborCosts") return Factor(rule, name, rule.labor, bad);
      if (name == "MachinistLaborCosts") return Factor(rule, name, rule.machinist_labor, bad);
      if (name == "Equipment") return Factor(rule, name, rule.equipment, bad);
      if (name == "ExcludeGroupItem") {
        auto text = r_.Text();
        if (!text.ok()) return text.status();
        rule.exclude_groups.push_back(ctx_.Intern(core::TrimWhitespace(*text)));
        return Status::Ok();
      }
      if (name == "Applys") return Applys(rule, bad);
      return NotAllowed(name, "Coefficient");
    });
    if (!s.ok() || bad) return s;
    ctx_.file().records += 1;
    ctx_.file().lines += lines_;
    ctx_.release.coefficients.push_back(std::move(rule));
    return Status::Ok();
  }

  XmlReader& r_;
  Context& ctx_;
  std::size_t lines_ = 0;
};

}  // namespace

Status ImportCoefficients(XmlReader& r, Context& ctx) { return CoefficientImporter(r, ctx).Run(); }

}  // namespace estimate::normbase::import
