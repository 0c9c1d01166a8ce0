// АРПС 1.10 written from a computed ЛСР: arps.hpp.
#include "formats/arps/arps.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/decimal.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/arps/detail/records.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"

namespace estimate::formats {
namespace {

using namespace arps;  // NOLINT: the records of АРПС

// --- the writer ------------------------------------------------------------------------------

class ArpsWriter {
 public:
  ArpsWriter(const core::Estimate& e, const core::EstimateResult& result, const ArpsHeader& h)
      : e_(e), result_(result), h_(h), to_cp866_("CP866", "UTF-8") {}

  Result<std::string> Write() {
    if (!to_cp866_.ok()) return Internal("iconv: no conversion from UTF-8 to CP866");
    if (e_.method != core::Method::kResourceIndex) {
      return InvalidArgument("method: АРПС export takes the resource-index method only");
    }
    money_ = e_.options.money_places;

    Record({"1", Text(kVersion, "version"), Text(h_.program, "header.program")});
    Record({"0", Text(h_.base, "header.base")});
    std::vector<std::string> header(kHeaderFields);
    header[0] = "3";
    header[2] = Text(h_.number, "header.number");
    header[3] = h_.name.empty() ? Text(e_.name, "name") : Text(h_.name, "header.name");
    header[4] = Text(h_.construction_name, "header.construction_name");
    header[5] = Text(h_.object_name, "header.object_name");
    header[6] = Text(h_.customer, "header.customer");
    header[7] = Text(h_.customer_person, "header.customer_person");
    header[8] = Text(h_.contractor, "header.contractor");
    header[9] = Text(h_.contractor_person, "header.contractor_person");
    header[13] = Fixed(result_.totals.figures.total, money_);
    header[18] = Text(h_.work_type, "header.work_type");
    header[20] = Text(h_.base_name, "header.base_name");
    header[21] = std::to_string(money_);
    Record(header);
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      const std::string at = "sections[" + std::to_string(s) + "]";
      Record({"10", "0", "", Text(e_.sections[s].name, at + ".name")});
      for (std::size_t p = 0; p < e_.sections[s].positions.size(); ++p) {
        WritePosition(e_.sections[s].positions[p], at + ".positions[" + std::to_string(p) + "]");
      }
      Record({"50", Text("Итого по разделу", "label"), "", ""});
    }
    Record({"50", Text("Итого по всем разделам", "label"), "", ""});
    Record({"50", Text("Всего", "label"), "", ""});
    if (!problems_.empty()) return InvalidArgument(Joined(problems_));
    return std::move(out_);
  }

 private:
  // Every record ends in '#' and CRLF.
  void Record(const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
      out_ += f;
      out_ += '#';
    }
    out_ += "\r\n";
  }

  // A text field in cp866; a problem naming `path` for what cp866 or the format cannot hold.
  std::string Text(std::string_view utf8, const std::string& path) {
    const std::size_t bad = utf8.find_first_of("#\r\n");
    if (bad != std::string_view::npos) {
      problems_.push_back(path + ": " +
                          (utf8[bad] == '#' ? std::string("'#' separates the fields of АРПС")
                                            : std::string("a line break")) +
                          " and cannot be written in a text");
      return {};
    }
    // cp866 has no typographic quotes and dashes; names are full of them (ОАО «РЖД»). They
    // become their ASCII forms, as other programs' АРПС writers do; anything else cp866 lacks
    // stays an error.
    std::string plain(utf8);
    static const std::pair<std::string_view, std::string_view> kTypography[] = {
        {"«", "\""}, {"»", "\""}, {"„", "\""}, {"“", "\""}, {"”", "\""}, {"‘", "'"}, {"’", "'"},
        {"–", "-"}, {"—", "-"}, {"…", "..."}, {"≤", "<="}, {"≥", ">="}, {"×", "x"}};
    for (const auto& [from, to] : kTypography) {
      for (std::size_t at = plain.find(from); at != std::string::npos; at = plain.find(from, at + to.size())) {
        plain.replace(at, from.size(), to);
      }
    }
    utf8 = plain;
    std::string out;
    std::size_t failed_at = 0;
    if (!to_cp866_.Convert(utf8, out, &failed_at)) {
      problems_.push_back(path + ": " + DescribeCharacter(utf8, failed_at) +
                          " cannot be written in cp866");
      return {};
    }
    return out;
  }

  void WritePosition(const core::Position& p, const std::string& at) {
    core::PositionDetail d;
    auto r = core::CalculatePosition(p, e_.options, &d);
    if (!r.ok()) {
      problems_.push_back(at + ": " + r.status().message());
      return;
    }
    const bool norm = p.type == core::PositionType::kNorm;
    std::vector<std::string> f(kPositionFields);
    f[0] = "20";
    f[1] = Text(p.number, at + ".number");
    f[2] = Text(p.code, at + ".code");
    f[3] = Text(p.unit, at + ".unit");
    f[4] = Text(p.name, at + ".name");
    for (std::size_t k : {5, 6, 7, 8, 9, 10, 20}) f[k] = "0,00";
    Decimal labor, machinist;  // the norm's, before coefficients
    if (norm) {
      for (const auto& res : p.resources) {
        if (res.by_project) continue;
        if (res.kind == core::ResourceKind::kLabor) labor += res.consumption;
        if (res.kind == core::ResourceKind::kMachine && res.machinist) {
          machinist += res.consumption * res.machinist->labor_per_machine_hour;
        }
      }
    }
    f[13] = Plain(labor.Normalized());
    f[14] = Plain(machinist.Normalized());
    const UnitFigures u = PerUnit(r->figures, p.quantity);
    f[15] = Fixed(u.cost, 2);
    f[16] = Fixed(u.ot, 2);
    f[17] = Fixed(u.em, 2);
    f[18] = Fixed(u.otm, 2);
    f[19] = Fixed(u.m, 2);
    f[23] = Plain(u.labor_hours);
    f[24] = Plain(u.machinist_hours);
    f[25] = norm ? "1" : "19";
    f[26] = Plain(p.quantity);
    f[27] = p.work_kind == core::WorkKind::kInstallation ? "1" : "0";
    Record(f);
    if (!norm) {
      Line(LineKindOf(p.kind), p.code, p.unit, p.name, kOne, p.price, "1", "", at);
      return;
    }
    for (std::size_t i = 0; i < p.coefficients.size(); ++i) {
      const core::Coefficient& c = p.coefficients[i];
      Record({"25", "1", c.combination == core::CoefficientCombination::kAdditive ? "1" : "0",
              Text(c.name, at + ".coefficients[" + std::to_string(i) + "].name"), Plain(c.labor),
              Plain(c.machinist_labor), Plain(c.machines), Plain(c.materials)});
    }
    // As applied: after the overrides of the options.
    if (p.overhead) Rate("2", d.overhead, at + ".overhead");
    if (p.profit) Rate("3", d.profit, at + ".profit");
    for (std::size_t i = 0; i < p.resources.size(); ++i) {
      const core::Resource& res = p.resources[i];
      const std::string rp = at + ".resources[" + std::to_string(i) + "]";
      const Decimal per_unit =
          res.by_project ? Decimal()
                         : (res.consumption * ConsumptionFactor(res.kind, d.k)).Normalized();
      Line(LineKindOf(res.kind), res.code, res.unit, res.name, per_unit, res.price,
           res.by_project ? Text("П", rp) : Plain(res.consumption), "", rp);
      if (res.kind == core::ResourceKind::kMachine && res.machinist) {
        const core::Machinist& m = *res.machinist;
        Line(LineKind::kMachinist, m.code, "чел.-ч", kMachinistName,
             (res.consumption * m.labor_per_machine_hour * d.k.machinist_labor).Normalized(),
             m.price, Plain(m.labor_per_machine_hour), "", rp + ".machinist");
      }
    }
    for (std::size_t i = 0; i < p.extra.size(); ++i) {
      const core::ExtraRow& x = p.extra[i];
      const std::string xp = at + ".extra[" + std::to_string(i) + "]";
      Line(x.kind == core::ResourceKind::kEquipment ? LineKind::kExtraEquipment
                                                    : LineKind::kExtraMaterial,
           x.code, x.unit, x.name, PerUnitOf(x.quantity, p.quantity), x.price, Plain(x.quantity),
           Text(x.number, xp + ".number"), xp);
    }
    if (p.auxiliary_materials) {
      const core::AuxiliaryMaterials& a = *p.auxiliary_materials;
      core::UnitPrice rouble;
      rouble.source = core::UnitPrice::Source::kCurrent;
      rouble.price = Decimal::FromRaw(100, 2);
      Line(LineKind::kAuxiliary, kAuxiliaryCode, "руб.", a.name,
           PerUnitOf(d.auxiliary_materials, p.quantity), rouble, Plain(a.percent),
           a.base == core::AuxiliaryMaterials::Base::kLabor ? "1" : "0",
           at + ".auxiliary_materials");
    }
  }

  static Decimal PerUnitOf(const Decimal& total, const Decimal& quantity) {
    return quantity.IsZero() ? total : Decimal::Divide(total, quantity, 7).Normalized();
  }

  void Rate(const char* kind, const core::Rate& rate, const std::string& at) {
    Record({"25", kind, "", Text(rate.code, at + ".code"), Plain(RateFraction(rate)),
            Plain(rate.percent), Plain(rate.k), Text(rate.name, at + ".name")});
  }

  void Line(LineKind kind, const std::string& code, const std::string& unit,
            const std::string& name, const Decimal& per_unit, const core::UnitPrice& price,
            const std::string& exact, const std::string& field12, const std::string& at) {
    std::vector<std::string> f(kLineFields);
    f[0] = "30";
    f[1] = Text(code, at + ".code");
    f[2] = Text(unit, at + ".unit");
    f[3] = Text(name, at + ".name");
    f[5] = Plain(per_unit);
    switch (price.source) {
      case core::UnitPrice::Source::kNone:
        break;
      case core::UnitPrice::Source::kCurrent:
        f[7] = Plain(price.price);
        break;
      case core::UnitPrice::Source::kBaseIndex:
        f[7] = Fixed(Decimal::MulRound(price.base_price, price.index, 2), 2);
        f[10] = Plain(price.base_price);
        f[11] = Plain(price.index);
        break;
    }
    f[8] = std::to_string(static_cast<int>(kind));
    f[9] = exact;
    f[12] = field12;
    Record(f);
  }

  const core::Estimate& e_;
  const core::EstimateResult& result_;
  const ArpsHeader& h_;
  Iconv to_cp866_;
  int money_ = 2;
  std::string out_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<std::string> WriteArps(const core::Estimate& estimate, const core::EstimateResult& result,
                              const ArpsHeader& header) {
  return ArpsWriter(estimate, result, header).Write();
}

}  // namespace estimate::formats
