#include "formats/estimate_document.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/decimal.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using core::Decimal;

constexpr int kMaxIntegerDigits = 15;
constexpr int kMaxFractionDigits = 10;

std::string Quoted(std::string_view s) {
  // The offending value as JSON would show it, shortened so that one problem stays one line.
  std::string v(s.substr(0, 60));
  if (s.size() > 60) v += "…";
  return json::serialize(json::string(v));
}

// Reads one JSON document into core types, collecting problems instead of stopping at the first.
class Reader {
 public:
  std::vector<std::string>& problems() { return problems_; }

  void Problem(const std::string& path, const std::string& what) {
    problems_.push_back(path + ": " + what);
  }

  const json::object* Object(const json::value* v, const std::string& path) {
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Problem(path, "expected an object");
      return nullptr;
    }
    return &v->get_object();
  }

  const json::array* Array(const json::value* v, const std::string& path) {
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Problem(path, "expected an array");
      return nullptr;
    }
    return &v->get_array();
  }

  static const json::value* Field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  const json::value* Required(const json::object& o, std::string_view key,
                              const std::string& path) {
    const json::value* v = Field(o, key);
    if (v == nullptr) Problem(Join(path, key), "is required");
    return v;
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  static std::string Index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

  // An optional string field; empty if absent.
  std::string String(const json::object& o, std::string_view key, const std::string& path) {
    const json::value* v = Field(o, key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Problem(Join(path, key), "expected a string");
      return {};
    }
    return std::string(v->get_string());
  }

  std::optional<std::string> RequiredString(const json::object& o, std::string_view key,
                                            const std::string& path) {
    const json::value* v = Required(o, key, path);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      Problem(Join(path, key), "expected a string");
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  // A decimal held in a JSON string, within the 15/10 digit limits.
  std::optional<Decimal> Number(const json::value& v, const std::string& path) {
    if (!v.is_string()) {
      if (v.is_number()) {
        Problem(path, "is a JSON number; write every number as a decimal string (\"1.5\")");
      } else {
        Problem(path, "expected a decimal number in a string");
      }
      return std::nullopt;
    }
    const std::string_view text = v.get_string();
    Result<Decimal> d = Decimal::Parse(text);
    if (!d.ok()) {
      Problem(path, Quoted(text) + " is not a decimal number");
      return std::nullopt;
    }
    if (d->IntegerDigits() > kMaxIntegerDigits) {
      Problem(path, Quoted(text) + " has more than 15 digits before the decimal point");
      return std::nullopt;
    }
    if (d->scale() > kMaxFractionDigits) {
      Problem(path, Quoted(text) + " has more than 10 digits after the decimal point");
      return std::nullopt;
    }
    return *d;
  }

  std::optional<Decimal> OptionalNumber(const json::object& o, std::string_view key,
                                        const std::string& path) {
    const json::value* v = Field(o, key);
    if (v == nullptr) return std::nullopt;
    return Number(*v, Join(path, key));
  }

  std::optional<Decimal> RequiredNumber(const json::object& o, std::string_view key,
                                        const std::string& path) {
    const json::value* v = Required(o, key, path);
    if (v == nullptr) return std::nullopt;
    return Number(*v, Join(path, key));
  }

  std::optional<core::ResourceKind> Kind(const json::object& o, const std::string& path,
                                         bool required) {
    const json::value* v = required ? Required(o, "kind", path) : Field(o, "kind");
    if (v == nullptr) return std::nullopt;
    const std::string p = Join(path, "kind");
    if (!v->is_string()) {
      Problem(p, "expected a string");
      return std::nullopt;
    }
    const std::string_view s = v->get_string();
    if (s == "labor") return core::ResourceKind::kLabor;
    if (s == "machine") return core::ResourceKind::kMachine;
    if (s == "material") return core::ResourceKind::kMaterial;
    if (s == "equipment") return core::ResourceKind::kEquipment;
    Problem(p, "unknown kind " + Quoted(s) + " (expected labor, machine, material or equipment)");
    return std::nullopt;
  }

  // price, or base_price and index, or neither.
  core::UnitPrice Price(const json::object& o, const std::string& path) {
    core::UnitPrice p;
    const std::optional<Decimal> price = OptionalNumber(o, "price", path);
    const std::optional<Decimal> base = OptionalNumber(o, "base_price", path);
    const std::optional<Decimal> index = OptionalNumber(o, "index", path);
    const bool has_price = Field(o, "price") != nullptr;
    const bool has_base = Field(o, "base_price") != nullptr;
    const bool has_index = Field(o, "index") != nullptr;
    if (has_price && (has_base || has_index)) {
      Problem(path, "give either price, or base_price and index, not both");
      return p;
    }
    if (has_base != has_index) {
      Problem(Join(path, has_base ? "index" : "base_price"),
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

  std::optional<core::Rate> RateField(const json::object& o, std::string_view key,
                                      const std::string& path) {
    const std::string p = Join(path, key);
    const json::object* r = Object(Field(o, key), p);
    if (r == nullptr) return std::nullopt;
    core::Rate rate;
    rate.code = String(*r, "code", p);
    rate.name = String(*r, "name", p);
    const std::optional<Decimal> percent = RequiredNumber(*r, "percent", p);
    if (percent) rate.percent = *percent;
    if (std::optional<Decimal> k = OptionalNumber(*r, "k", p)) rate.k = *k;
    return rate;
  }

  std::optional<core::RateOverride> Override(const json::object& o, std::string_view key,
                                             const std::string& path) {
    const std::string p = Join(path, key);
    const json::object* r = Object(Field(o, key), p);
    if (r == nullptr) return std::nullopt;
    core::RateOverride ov;
    ov.percent = OptionalNumber(*r, "percent", p);
    ov.k = OptionalNumber(*r, "k", p);
    if (Field(*r, "percent") == nullptr && Field(*r, "k") == nullptr) {
      Problem(p, "give percent, k or both");
    }
    return ov;
  }

  core::Coefficient CoefficientAt(const json::object& o, const std::string& path) {
    core::Coefficient c;
    c.name = String(o, "name", path);
    if (auto v = OptionalNumber(o, "labor", path)) c.labor = *v;
    if (auto v = OptionalNumber(o, "machinist_labor", path)) c.machinist_labor = *v;
    if (auto v = OptionalNumber(o, "machines", path)) c.machines = *v;
    if (auto v = OptionalNumber(o, "materials", path)) c.materials = *v;
    const std::string combine = String(o, "combine", path);
    if (combine == "additive") {
      c.combination = core::CoefficientCombination::kAdditive;
    } else if (!combine.empty() && combine != "multiply") {
      Problem(Join(path, "combine"),
              "unknown combination " + Quoted(combine) + " (expected multiply or additive)");
    }
    return c;
  }

  core::Resource ResourceAt(const json::object& o, const std::string& path) {
    core::Resource r;
    if (auto kind = Kind(o, path, /*required=*/true)) r.kind = *kind;
    r.code = String(o, "code", path);
    r.name = String(o, "name", path);
    r.unit = String(o, "unit", path);
    if (const json::value* c = Required(o, "consumption", path)) {
      if (c->is_string() && c->get_string() == "П") {
        r.by_project = true;
      } else if (auto d = Number(*c, Join(path, "consumption"))) {
        r.consumption = *d;
      }
    }
    r.price = Price(o, path);
    const std::string mp = Join(path, "machinist");
    if (const json::object* m = Object(Field(o, "machinist"), mp)) {
      if (r.kind != core::ResourceKind::kMachine) {
        Problem(mp, "only a machine has a machinist");
      }
      core::Machinist machinist;
      machinist.code = String(*m, "code", mp);
      if (auto v = RequiredNumber(*m, "labor_per_machine_hour", mp)) {
        machinist.labor_per_machine_hour = *v;
      }
      machinist.price = Price(*m, mp);
      r.machinist = std::move(machinist);
    }
    return r;
  }

  core::ExtraRow ExtraAt(const json::object& o, const std::string& path) {
    core::ExtraRow x;
    if (auto kind = Kind(o, path, /*required=*/false)) {
      if (*kind != core::ResourceKind::kMaterial && *kind != core::ResourceKind::kEquipment) {
        Problem(Join(path, "kind"), "a sub-row is a material or equipment");
      }
      x.kind = *kind;
    }
    x.number = String(o, "number", path);
    x.code = String(o, "code", path);
    x.name = String(o, "name", path);
    x.unit = String(o, "unit", path);
    if (auto q = RequiredNumber(o, "quantity", path)) x.quantity = *q;
    x.price = Price(o, path);
    return x;
  }

  core::Position PositionAt(const json::object& o, const std::string& path) {
    core::Position p;
    if (auto number = RequiredString(o, "number", path)) p.number = *number;
    p.code = String(o, "code", path);
    p.name = String(o, "name", path);
    p.unit = String(o, "unit", path);
    if (auto q = RequiredNumber(o, "quantity", path)) p.quantity = *q;
    const std::string work_kind = String(o, "work_kind", path);
    if (work_kind == "installation") {
      p.work_kind = core::WorkKind::kInstallation;
    } else if (!work_kind.empty() && work_kind != "construction") {
      Problem(Join(path, "work_kind"), "unknown work kind " + Quoted(work_kind) +
                                           " (expected construction or installation)");
    }
    const std::optional<std::string> type = RequiredString(o, "type", path);
    if (!type) return p;
    if (*type == "resource") {
      p.type = core::PositionType::kResource;
      if (auto kind = Kind(o, path, /*required=*/true)) p.kind = *kind;
      p.price = Price(o, path);
      return p;
    }
    if (*type != "norm") {
      Problem(Join(path, "type"), "unknown type " + Quoted(*type) + " (expected norm or resource)");
      return p;
    }
    p.type = core::PositionType::kNorm;
    const std::string cp = Join(path, "coefficients");
    if (const json::array* a = Array(Field(o, "coefficients"), cp)) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (const json::object* c = Object(&(*a)[i], Index(cp, i))) {
          p.coefficients.push_back(CoefficientAt(*c, Index(cp, i)));
        }
      }
    }
    const std::string rp = Join(path, "resources");
    if (const json::array* a = Array(Field(o, "resources"), rp)) {
      p.resources.reserve(a->size());
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (const json::object* r = Object(&(*a)[i], Index(rp, i))) {
          p.resources.push_back(ResourceAt(*r, Index(rp, i)));
        }
      }
    }
    const std::string xp = Join(path, "extra");
    if (const json::array* a = Array(Field(o, "extra"), xp)) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (const json::object* x = Object(&(*a)[i], Index(xp, i))) {
          p.extra.push_back(ExtraAt(*x, Index(xp, i)));
        }
      }
    }
    p.overhead = RateField(o, "overhead", path);
    p.profit = RateField(o, "profit", path);
    const std::string ap = Join(path, "auxiliary_materials");
    if (const json::object* a = Object(Field(o, "auxiliary_materials"), ap)) {
      core::AuxiliaryMaterials aux;
      aux.name = String(*a, "name", ap);
      if (auto v = RequiredNumber(*a, "percent", ap)) aux.percent = *v;
      const std::string base = String(*a, "base", ap);
      if (base == "labor") {
        aux.base = core::AuxiliaryMaterials::Base::kLabor;
      } else if (!base.empty() && base != "labor_without_coefficients") {
        Problem(Join(ap, "base"), "unknown base " + Quoted(base) +
                                      " (expected labor_without_coefficients or labor)");
      }
      p.auxiliary_materials = std::move(aux);
    }
    return p;
  }

  void Options(const json::object& root, core::CalcOptions* options) {
    const json::object* o = Object(Field(root, "options"), "options");
    if (o == nullptr) return;
    if (auto places = OptionalNumber(*o, "money_decimals", "options")) {
      if (*places == Decimal::FromInt(2)) {
        options->money_places = 2;
      } else if (*places == Decimal::FromInt(0)) {
        options->money_places = 0;
      } else {
        Problem("options.money_decimals", "expected \"2\" or \"0\"");
      }
    }
    options->overhead_override = Override(*o, "overhead_override", "options");
    options->profit_override = Override(*o, "profit_override", "options");
  }

  std::optional<core::Estimate> Document(const json::value& v) {
    if (!v.is_object()) {
      Problem("(document)", "expected a JSON object");
      return std::nullopt;
    }
    const json::object& root = v.get_object();
    core::Estimate e;
    if (auto format = RequiredString(root, "format", "")) {
      if (*format != "estimate-document/1") {
        Problem("format", "unknown format " + Quoted(*format) + " (expected estimate-document/1)");
        return std::nullopt;  // another format: its other fields mean nothing to us
      }
    } else {
      return std::nullopt;
    }
    const std::string method = String(root, "method", "");
    if (!method.empty() && method != "resource-index") {
      Problem("method", "unknown method " + Quoted(method) + " (expected resource-index)");
    }
    e.name = String(root, "name", "");
    Options(root, &e.options);
    const json::array* sections = Array(Required(root, "sections", ""), "sections");
    if (sections != nullptr) {
      e.sections.reserve(sections->size());
      for (std::size_t s = 0; s < sections->size(); ++s) {
        const std::string sp = Index("sections", s);
        const json::object* so = Object(&(*sections)[s], sp);
        if (so == nullptr) continue;
        core::Section section;
        section.name = String(*so, "name", sp);
        const std::string pp = Join(sp, "positions");
        if (const json::array* positions = Array(Required(*so, "positions", sp), pp)) {
          section.positions.reserve(positions->size());
          for (std::size_t i = 0; i < positions->size(); ++i) {
            if (const json::object* po = Object(&(*positions)[i], Index(pp, i))) {
              section.positions.push_back(PositionAt(*po, Index(pp, i)));
            }
          }
        }
        e.sections.push_back(std::move(section));
      }
    }
    if (!problems_.empty()) return std::nullopt;
    return e;
  }

 private:
  std::vector<std::string> problems_;
};

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// --- estimate-result/1 ---------------------------------------------------------------------

void AppendString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendField(std::string* out, std::string_view key, const Decimal& d, int places,
                 bool* first) {
  if (!*first) *out += ", ";
  *first = false;
  out->push_back('"');
  *out += key;
  *out += "\": \"";
  *out += d.ToFixed(places);
  out->push_back('"');
}

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

}  // namespace

Result<core::Estimate> ParseEstimateDocument(std::string_view text) {
  json::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, opts);
  if (ec) {
    return InvalidArgument("(document): not valid JSON: " + ec.message());
  }
  Reader reader;
  std::optional<core::Estimate> e = reader.Document(v);
  if (!e) return InvalidArgument(JoinLines(reader.problems()));
  return std::move(*e);
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
  const core::Totals& t = result.totals;
  out += "\n  ],\n  \"totals\": {";
  bool first = true;
  AppendFigures(&out, t.figures, Scope::kTotals, &first);
  AppendField(&out, "construction", t.construction.total, 2, &first);
  AppendField(&out, "installation", t.installation.total, 2, &first);
  AppendHours(&out, t.figures, &first);
  AppendField(&out, "market_materials", t.figures.market_materials, 2, &first);
  AppendField(&out, "market_equipment", t.figures.market_equipment, 2, &first);
  out += ",\n    \"by_work_kind\": {\"construction\": {";
  bool f1 = true;
  AppendFigures(&out, t.construction, Scope::kWorkKind, &f1);
  AppendHours(&out, t.construction, &f1);
  out += "},\n      \"installation\": {";
  bool f2 = true;
  AppendFigures(&out, t.installation, Scope::kWorkKind, &f2);
  AppendHours(&out, t.installation, &f2);
  out += "}}}\n}\n";
  return out;
}

}  // namespace estimate::formats
