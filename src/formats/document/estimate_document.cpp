#include "formats/document/estimate_document.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/detail/json_out.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using core::Decimal;

// Reads a resource-index ЛСР into core types. Paths are JsonPath frames, turned into text only
// when a problem is reported.
class Reader {
 public:
  explicit Reader(DocumentReader& r) : r_(r) {}

  std::optional<core::ResourceKind> Kind(const JsonObject& o, const JsonPath& path,
                                         bool required) {
    const std::optional<JsonValue> v = required ? r_.Required(o, "kind", path) : r_.Field(o, "kind");
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      r_.Problem(path.Key("kind"), "expected a string");
      return std::nullopt;
    }
    const std::string_view s = v->get_string();
    if (s == "labor") return core::ResourceKind::kLabor;
    if (s == "machine") return core::ResourceKind::kMachine;
    if (s == "material") return core::ResourceKind::kMaterial;
    if (s == "equipment") return core::ResourceKind::kEquipment;
    r_.Problem(path.Key("kind"),
               "unknown kind " + Quoted(s) + " (expected labor, machine, material or equipment)");
    return std::nullopt;
  }

  // price, or base_price and index, or neither.
  core::UnitPrice Price(const JsonObject& o, const JsonPath& path) {
    core::UnitPrice p;
    // Each field looked up once: a document has a price on every one of its resource lines.
    const std::optional<JsonValue> price_value = r_.Field(o, "price");
    const std::optional<JsonValue> base_value = r_.Field(o, "base_price");
    const std::optional<JsonValue> index_value = r_.Field(o, "index");
    const std::optional<Decimal> price =
        price_value ? r_.Number(*price_value, path.Key("price")) : std::nullopt;
    const std::optional<Decimal> base =
        base_value ? r_.Number(*base_value, path.Key("base_price")) : std::nullopt;
    const std::optional<Decimal> index =
        index_value ? r_.Number(*index_value, path.Key("index")) : std::nullopt;
    const bool has_price = price_value.has_value();
    const bool has_base = base_value.has_value();
    const bool has_index = index_value.has_value();
    if (has_price && (has_base || has_index)) {
      r_.Problem(path, "give either price, or base_price and index, not both");
      return p;
    }
    if (has_base != has_index) {
      r_.Problem(path.Key(has_base ? "index" : "base_price"),
                 "is required together with " + std::string(has_base ? "base_price" : "index"));
      return p;
    }
    if (price) {
      p.source = core::UnitPrice::Source::kCurrent;
      p.price = *price;
    } else if (base && index) {
      p.source = core::UnitPrice::Source::kBaseIndex;
      p.base_price = *base;
      p.index = *index;
    }
    return p;
  }

  std::optional<core::Rate> RateField(const JsonObject& o, std::string_view key,
                                      const JsonPath& path) {
    const JsonPath p = path.Key(key);
    const std::optional<JsonObject> r = r_.Object(r_.Field(o, key), p);
    if (!r) return std::nullopt;
    core::Rate rate;
    rate.code = r_.String(*r, "code", p);
    rate.name = r_.String(*r, "name", p);
    const std::optional<Decimal> percent = r_.RequiredNumber(*r, "percent", p);
    if (percent) rate.percent = *percent;
    if (std::optional<Decimal> k = r_.OptionalNumber(*r, "k", p)) rate.k = *k;
    return rate;
  }

  std::optional<core::RateOverride> Override(const JsonObject& o, std::string_view key,
                                             const JsonPath& path) {
    const JsonPath p = path.Key(key);
    const std::optional<JsonObject> r = r_.Object(r_.Field(o, key), p);
    if (!r) return std::nullopt;
    core::RateOverride ov;
    ov.percent = r_.OptionalNumber(*r, "percent", p);
    ov.k = r_.OptionalNumber(*r, "k", p);
    if (!r_.Field(*r, "percent") && !r_.Field(*r, "k")) {
      r_.Problem(p, "give percent, k or both");
    }
    return ov;
  }

  core::Coefficient CoefficientAt(const JsonObject& o, const JsonPath& path) {
    core::Coefficient c;
    c.name = r_.String(o, "name", path);
    if (auto v = r_.OptionalNumber(o, "labor", path)) c.labor = *v;
    if (auto v = r_.OptionalNumber(o, "machinist_labor", path)) c.machinist_labor = *v;
    if (auto v = r_.OptionalNumber(o, "machines", path)) c.machines = *v;
    if (auto v = r_.OptionalNumber(o, "materials", path)) c.materials = *v;
    if (r_.Choice(o, "combine", path, {"multiply", "additive"}, 0, "combination") == 1) {
      c.combination = core::CoefficientCombination::kAdditive;
    }
    return c;
  }

  core::Resource ResourceAt(const JsonObject& o, const JsonPath& path) {
    core::Resource r;
    if (auto kind = Kind(o, path, /*required=*/true)) r.kind = *kind;
    r.code = r_.String(o, "code", path);
    r.name = r_.String(o, "name", path);
    r.unit = r_.String(o, "unit", path);
    if (const std::optional<JsonValue> c = r_.Required(o, "consumption", path)) {
      if (c->is_string() && c->get_string() == "П") {
        r.by_project = true;
      } else if (auto d = r_.Number(*c, path.Key("consumption"))) {
        r.consumption = *d;
      }
    }
    r.price = Price(o, path);
    const std::optional<JsonValue> mv = r_.Field(o, "machinist");
    if (!mv) return r;
    const JsonPath mp = path.Key("machinist");
    if (const std::optional<JsonObject> m = r_.Object(mv, mp)) {
      if (r.kind != core::ResourceKind::kMachine) {
        r_.Problem(mp, "only a machine has a machinist");
      }
      core::Machinist machinist;
      machinist.code = r_.String(*m, "code", mp);
      if (auto v = r_.RequiredNumber(*m, "labor_per_machine_hour", mp)) {
        machinist.labor_per_machine_hour = *v;
      }
      machinist.price = Price(*m, mp);
      r.machinist = std::move(machinist);
    }
    return r;
  }

  core::ExtraRow ExtraAt(const JsonObject& o, const JsonPath& path) {
    core::ExtraRow x;
    if (auto kind = Kind(o, path, /*required=*/false)) {
      if (*kind != core::ResourceKind::kMaterial && *kind != core::ResourceKind::kEquipment) {
        r_.Problem(path.Key("kind"), "a sub-row is a material or equipment");
      }
      x.kind = *kind;
    }
    x.number = r_.String(o, "number", path);
    x.code = r_.String(o, "code", path);
    x.name = r_.String(o, "name", path);
    x.unit = r_.String(o, "unit", path);
    if (auto q = r_.RequiredNumber(o, "quantity", path)) x.quantity = *q;
    x.price = Price(o, path);
    return x;
  }

  // Calls `read(object, path)` for each object of the optional array `key`.
  template <typename Read>
  void EachObject(const JsonObject& o, std::string_view key, const JsonPath& path, Read read) {
    const std::optional<JsonValue> v = r_.Field(o, key);
    if (!v) return;
    const JsonPath ap = path.Key(key);
    const std::optional<JsonArray> a = r_.Array(v, ap);
    if (!a) return;
    const std::size_t n = a->size();
    std::size_t i = 0;
    for (const JsonValue value : *a) {
      const JsonPath ip = ap.At(i++);
      if (const std::optional<JsonObject> item = r_.Object(value, ip)) read(*item, ip, n);
    }
  }

  core::Position PositionAt(const JsonObject& o, const JsonPath& path) {
    core::Position p;
    if (auto number = r_.RequiredString(o, "number", path)) p.number = std::move(*number);
    p.code = r_.String(o, "code", path);
    p.name = r_.String(o, "name", path);
    p.unit = r_.String(o, "unit", path);
    if (auto q = r_.RequiredNumber(o, "quantity", path)) p.quantity = *q;
    if (r_.Choice(o, "work_kind", path, {"construction", "installation"}, 0, "work kind") == 1) {
      p.work_kind = core::WorkKind::kInstallation;
    }
    const std::optional<std::string> type = r_.RequiredString(o, "type", path);
    if (!type) return p;
    if (*type == "resource") {
      p.type = core::PositionType::kResource;
      if (auto kind = Kind(o, path, /*required=*/true)) p.kind = *kind;
      p.price = Price(o, path);
      return p;
    }
    if (*type != "norm") {
      r_.Problem(path.Key("type"),
                 "unknown type " + Quoted(*type) + " (expected norm or resource)");
      return p;
    }
    p.type = core::PositionType::kNorm;
    EachObject(o, "coefficients", path, [&](const JsonObject& c, const JsonPath& cp, size_t) {
      p.coefficients.push_back(CoefficientAt(c, cp));
    });
    EachObject(o, "resources", path, [&](const JsonObject& r, const JsonPath& rp, size_t n) {
      if (p.resources.empty()) p.resources.reserve(n);
      p.resources.push_back(ResourceAt(r, rp));
    });
    EachObject(o, "extra", path, [&](const JsonObject& x, const JsonPath& xp, size_t) {
      p.extra.push_back(ExtraAt(x, xp));
    });
    p.overhead = RateField(o, "overhead", path);
    p.profit = RateField(o, "profit", path);
    const std::optional<JsonValue> av = r_.Field(o, "auxiliary_materials");
    if (!av) return p;
    const JsonPath ap = path.Key("auxiliary_materials");
    if (const std::optional<JsonObject> a = r_.Object(av, ap)) {
      core::AuxiliaryMaterials aux;
      aux.name = r_.String(*a, "name", ap);
      if (auto v = r_.RequiredNumber(*a, "percent", ap)) aux.percent = *v;
      if (r_.Choice(*a, "base", ap, {"labor_without_coefficients", "labor"}, 0, "base") == 1) {
        aux.base = core::AuxiliaryMaterials::Base::kLabor;
      }
      p.auxiliary_materials = std::move(aux);
    }
    return p;
  }

  void Options(const JsonObject& root, const JsonPath& path, core::CalcOptions* options) {
    const JsonPath op = path.Key("options");
    OptionsObject(r_.Object(r_.Field(root, "options"), op), op, options);
  }

  void OptionsObject(const std::optional<JsonObject>& o, const JsonPath& op,
                     core::CalcOptions* options) {
    if (!o) return;
    if (auto places = r_.OptionalNumber(*o, "money_decimals", op)) {
      if (*places == Decimal::FromInt(2)) {
        options->money_places = 2;
      } else if (*places == Decimal::FromInt(0)) {
        options->money_places = 0;
      } else {
        r_.Problem(op.Key("money_decimals"), "expected \"2\" or \"0\"");
      }
    }
    options->overhead_override = Override(*o, "overhead_override", op);
    options->profit_override = Override(*o, "profit_override", op);
  }

  std::optional<core::Estimate> Document(const JsonObject& root) {
    const JsonPath path;
    core::Estimate e;
    e.name = r_.String(root, "name", path);
    Options(root, path, &e.options);
    const JsonPath sp = path.Key("sections");
    const std::optional<JsonArray> sections = r_.Array(r_.Required(root, "sections", path), sp);
    if (sections) {
      e.sections.reserve(sections->size());
      std::size_t s = 0;
      for (const JsonValue section_value : *sections) {
        const JsonPath sip = sp.At(s++);
        const std::optional<JsonObject> so = r_.Object(section_value, sip);
        if (!so) continue;
        core::Section section;
        section.name = r_.String(*so, "name", sip);
        const JsonPath pp = sip.Key("positions");
        if (const std::optional<JsonArray> positions = r_.Array(r_.Required(*so, "positions", sip), pp)) {
          section.positions.reserve(positions->size());
          std::size_t i = 0;
          for (const JsonValue position_value : *positions) {
            const JsonPath ip = pp.At(i++);
            if (const std::optional<JsonObject> po = r_.Object(position_value, ip)) {
              section.positions.push_back(PositionAt(*po, ip));
            }
          }
        }
        e.sections.push_back(std::move(section));
      }
    }
    if (!r_.ok()) return std::nullopt;
    return e;
  }

 private:
  DocumentReader& r_;
};

// --- estimate-result/1 ---------------------------------------------------------------------

enum class Scope { kPosition, kSection, kTotals, kWorkKind };

void AppendFigures(std::string* out, const core::Figures& f, Scope scope, bool* first) {
  AppendField(out, "ot", f.ot, 2, first);
  AppendField(out, "em", f.em, 2, first);
  AppendField(out, "otm", f.otm, 2, first);
  AppendField(out, "m", f.m, 2, first);
  AppendField(out, "equipment", f.equipment, 2, first);
  AppendField(out, "direct", f.direct, 2, first);
  if (scope == Scope::kPosition) AppendField(out, "extra", f.extra, 2, first);
  AppendField(out, "fot", f.fot, 2, first);
  AppendField(out, "overhead", f.overhead, 2, first);
  AppendField(out, "profit", f.profit, 2, first);
  AppendField(out, "total", f.total, 2, first);
}

void AppendHours(std::string* out, const core::Figures& f, bool* first) {
  AppendField(out, "labor_hours", f.labor_hours, 7, first);
  AppendField(out, "machinist_hours", f.machinist_hours, 7, first);
}

// The members of "totals"; `indent` separates the by_work_kind block (the result file is
// indented, the API's view is not).
void AppendTotals(std::string* out, const core::Totals& t, std::string_view indent) {
  bool first = true;
  AppendFigures(out, t.figures, Scope::kTotals, &first);
  AppendField(out, "construction", t.construction.total, 2, &first);
  AppendField(out, "installation", t.installation.total, 2, &first);
  AppendHours(out, t.figures, &first);
  AppendField(out, "market_materials", t.figures.market_materials, 2, &first);
  AppendField(out, "market_equipment", t.figures.market_equipment, 2, &first);
  *out += ",";
  *out += indent.empty() ? " " : "\n    ";
  *out += "\"by_work_kind\": {\"construction\": {";
  bool f1 = true;
  AppendFigures(out, t.construction, Scope::kWorkKind, &f1);
  AppendHours(out, t.construction, &f1);
  *out += "},";
  *out += indent.empty() ? " " : "\n      ";
  *out += "\"installation\": {";
  bool f2 = true;
  AppendFigures(out, t.installation, Scope::kWorkKind, &f2);
  AppendHours(out, t.installation, &f2);
  *out += "}}";
}

}  // namespace

Result<core::Estimate> ParseEstimateDocument(std::string_view text) {
  Result<std::unique_ptr<JsonDocument>> v = JsonDocument::Parse(text);
  if (!v.ok()) return v.status();
  DocumentReader reader;
  const std::optional<DocumentKind> kind = ReadDocumentKind((*v)->root(), reader);
  if (kind && *kind != DocumentKind::kResourceIndexEstimate) {
    reader.Problem(JsonPath(), "not a resource-index estimate (formats::Calculate reads it)");
  }
  if (!reader.ok()) return InvalidArgument(reader.Message());
  std::optional<core::Estimate> e = ReadResourceIndexDocument((*v)->root().get_object(), reader);
  if (!e) return InvalidArgument(reader.Message());
  return std::move(*e);
}

std::optional<core::Estimate> ReadResourceIndexDocument(const JsonObject& root,
                                                        DocumentReader& reader) {
  return Reader(reader).Document(root);
}

Result<core::Position> ParsePositionDocument(std::string_view text, std::string_view path) {
  Result<std::unique_ptr<JsonDocument>> v = JsonDocument::Parse(text);
  if (!v.ok()) return InvalidArgument((path.empty() ? "position" : std::string(path)) + ": not valid JSON");
  DocumentReader reader;
  const JsonPath document;
  const JsonPath root = path.empty() ? document : document.Key(path);
  const std::optional<JsonObject> o = reader.Object((*v)->root(), root);
  if (!o) return InvalidArgument(reader.Message());
  core::Position position = Reader(reader).PositionAt(*o, root);
  if (!reader.ok()) return InvalidArgument(reader.Message());
  return position;
}

Result<core::CalcOptions> ParseCalcOptions(std::string_view text) {
  Result<std::unique_ptr<JsonDocument>> v = JsonDocument::Parse(text);
  if (!v.ok()) return InvalidArgument("options: not valid JSON");
  DocumentReader reader;
  const JsonPath root = JsonPath().Key("options");
  core::CalcOptions options;
  Reader(reader).OptionsObject(reader.Object((*v)->root(), root), root, &options);
  if (!reader.ok()) return InvalidArgument(reader.Message());
  return options;
}

std::string PositionFiguresJson(const core::PositionResult& r) {
  std::string out;
  out.reserve(400);
  bool first = true;
  AppendFigures(&out, r.figures, Scope::kPosition, &first);
  AppendField(&out, "per_unit", r.per_unit, 2, &first);
  AppendHours(&out, r.figures, &first);
  return out;
}

std::string SectionFiguresJson(const core::Figures& f) {
  std::string out;
  bool first = true;
  AppendFigures(&out, f, Scope::kSection, &first);
  AppendHours(&out, f, &first);
  return out;
}

std::string TotalsFiguresJson(const core::Totals& t) {
  std::string out;
  AppendTotals(&out, t, "");
  return out;
}

std::string WriteEstimateResult(const core::Estimate& estimate,
                                const core::EstimateResult& result) {
  std::string out;
  out.reserve(512 + 512 * (result.positions.empty() ? 0 : result.positions[0].size()));
  out += "{\n  \"format\": \"estimate-result/1\",\n  \"positions\": [";
  bool first_position = true;
  for (std::size_t s = 0; s < result.positions.size(); ++s) {
    for (std::size_t p = 0; p < result.positions[s].size(); ++p) {
      const core::PositionResult& r = result.positions[s][p];
      out += first_position ? "\n    {" : ",\n    {";
      first_position = false;
      out += "\"number\": ";
      AppendString(&out, estimate.sections[s].positions[p].number);
      bool first = false;
      AppendFigures(&out, r.figures, Scope::kPosition, &first);
      AppendField(&out, "per_unit", r.per_unit, 2, &first);
      AppendHours(&out, r.figures, &first);
      out += "}";
    }
  }
  out += "\n  ],\n  \"sections\": [";
  for (std::size_t s = 0; s < result.sections.size(); ++s) {
    out += s == 0 ? "\n    {" : ",\n    {";
    out += "\"name\": ";
    AppendString(&out, result.sections[s].name);
    bool first = false;
    AppendFigures(&out, result.sections[s].figures, Scope::kSection, &first);
    AppendHours(&out, result.sections[s].figures, &first);
    out += "}";
  }
  out += "\n  ],\n  \"totals\": {";
  AppendTotals(&out, result.totals, "\n");
  out += "}\n}\n";
  return out;
}

std::string JsonString(std::string_view s) {
  std::string out;
  AppendString(&out, s);
  return out;
}

std::string PositionFieldsJson(const core::Position& p) {
  std::string out;
  bool first = false;
  AppendText(&out, "number", p.number, &first);
  AppendText(&out, "type", p.type == core::PositionType::kNorm ? "norm" : "resource", &first);
  AppendText(&out, "code", p.code, &first);
  AppendText(&out, "name", p.name, &first);
  AppendText(&out, "unit", p.unit, &first);
  AppendText(&out, "quantity", p.quantity.ToString(), &first);
  AppendText(&out, "work_kind",
             p.work_kind == core::WorkKind::kInstallation ? "installation" : "construction",
             &first);
  return out;
}

}  // namespace estimate::formats
