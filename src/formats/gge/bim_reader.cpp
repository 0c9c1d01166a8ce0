// ГГЭ XML of the ЛСР by the base-index method, as ГОССТРОЙСМЕТА writes it (3.01 shape; no public
// XSD): import into the base-index document of docs/calc-document.md, with every stated total
// compared to the recalculation. Mapping: docs/design/documents-io.md §4.2.
#include <boost/json.hpp>

#include <map>
#include <memory>

#include "core/text.hpp"
#include "formats/document/calc.hpp"
#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using namespace xml;  // NOLINT: the XML helpers

// The CoefValue of the value with `target` in a Values list, or empty.
std::string ValueFor(const xmlNode* values, std::string_view target) {
  for (const xmlNode* v : Children(values)) {
    if (TextAt(v, "Target") == target) {
      const std::string x = TextAt(v, "CoefValue");
      return x.empty() ? TextAt(v, "Final") : x;
    }
  }
  return {};
}

class BaseIndexReader {
 public:
  Result<GgeImport> Read(const xmlNode* root) {
    const xmlNode* e = At(root, "Object/Estimate");
    if (!(Is(root, "Construction") || Is(root, "LocalEstimateBaseIndexMethod")) || e == nullptr ||
        Child(e, "IndexType") == nullptr) {
      return InvalidArgument("xml: not a base-index ЛСР (no Object/Estimate/IndexType)");
    }
    ReadHeader(root, e);
    json::object indices;
    const std::string type = TextAt(e, "IndexType");
    if (type == "Индексы к элементам прямых затрат") {
      indices["indexing"] = "by_cost_element";
    } else if (type == "Индексы к СМР") {
      indices["indexing"] = "construction_installation";
      Put(indices, "construction_installation",
          FirstOf(Child(e, "EstimatePrice"), {"Building/Total/PriceIndex/Final",
                                              "Mounting/Total/PriceIndex/Final"}));
    } else {
      return InvalidArgument("xml: IndexType «" + type + "» is not read (by cost element or to СМР)");
    }
    const xmlNode* price = Child(e, "EstimatePrice");
    if (type == "Индексы к элементам прямых затрат") {
      Put(indices, "machines", FirstOf(price, {"Building/Machines/PriceIndex/Final",
                                               "Mounting/Machines/PriceIndex/Final"}));
      Put(indices, "materials", FirstOf(price, {"Building/Materials/Price/PriceIndex/Final",
                                                "Mounting/Materials/Price/PriceIndex/Final"}));
      // The estimate's pay indices where the file states them with the blocks (ours), else the
      // pair most norms share (ГОССТРОЙСМЕТА).
      const std::string ot = TextAt(price, "Summary/WorkersSalary/PriceIndex/Final");
      const std::string otm = TextAt(price, "Summary/MachinistSalary/PriceIndex/Final");
      shared_pay_ = ot.empty() ? SharedPayIndices(e) : std::pair{ot, otm.empty() ? ot : otm};
      Put(indices, "workers_pay", shared_pay_.first);
      if (!shared_pay_.second.empty() && shared_pay_.second != shared_pay_.first) {
        indices["machinists_pay"] = shared_pay_.second;
      }
    }
    Put(indices, "equipment", TextAt(price, "Equipment/Price/PriceIndex/Final"));
    const std::string other = TextAt(price, "Other/PriceIndex/Final");
    Put(indices, "other", other.empty() ? OtherIndex(Child(price, "Other")) : other);

    json::array sections;
    for (const xmlNode* section : Children(Child(e, "Sections"))) {
      if (!Is(section, "Section")) continue;
      const std::string path = "Sections/Section[" + std::to_string(sections.size() + 1) + "]";
      sections_.push_back(section);
      sections.push_back(ReadSection(section, path));
    }
    json::object doc{{"format", "estimate-document/1"},
                     {"method", "base-index"},
                     {"name", out_.header.name},
                     {"header", json::parse(GgeHeaderJson(out_.header))},
                     {"indices", std::move(indices)},
                     {"sections", std::move(sections)}};
    if (!problems_.empty()) return Problems(problems_);
    out_.document_json = json::serialize(doc);
    Compare(e);
    return std::move(out_);
  }

 private:
  static void Put(json::object& o, const char* key, const std::string& value) {
    if (!value.empty()) o[key] = value;
  }

  void ReadHeader(const xmlNode* root, const xmlNode* e) {
    GgeHeader& h = out_.header;
    ReadGgeHeader(root, e, h);
    h.index_object_type = TextAt(e, "IndexObjectType");
    h.index_industry_type = TextAt(e, "IndexIndustryType");
    if (const std::string type = TextAt(e, "ObjectType"); !type.empty()) h.object_type = type;
    if (const xmlNode* type = Child(e, "EstimateType")) {
      h.construction_type = Content(type);
    } else if (const xmlNode* code = Child(e, "LocalEstimateBaseIndexMethodType")) {
      const int n = std::atoi(Content(code).c_str());
      if (n >= 1 && n <= 5) h.construction_type = kConstructionTypes[n - 1];
    }
    h.base_price_note = TextAt(e, "PriceLevelBase/Note");
  }

  // The text at the first of `paths` that has one.
  static std::string FirstOf(const xmlNode* n, std::initializer_list<const char*> paths) {
    for (const char* path : paths) {
      if (std::string v = TextAt(n, path); !v.empty()) return v;
    }
    return {};
  }

  // The (ОТ, ОТМ) indices of a norm (Cost/Index); ОТМ is ОТ's when not stated.
  static std::pair<std::string, std::string> PayIndices(const xmlNode* item) {
    const xmlNode* values = At(item, "Cost/Index/Values");
    std::string ot = ValueFor(values, "ОТ"), otm = ValueFor(values, "ОТМ");
    return {ot, otm.empty() ? ot : otm};
  }

  // The pair of pay indices most norms share: the estimate's; a norm with another pair has its
  // own pay index.
  static std::pair<std::string, std::string> SharedPayIndices(const xmlNode* e) {
    std::map<std::pair<std::string, std::string>, int> seen;
    for (const xmlNode* section : Children(Child(e, "Sections"))) {
      for (const xmlNode* item : Children(Child(section, "Items"))) {
        if (auto pair = PayIndices(item); !pair.first.empty()) ++seen[pair];
      }
    }
    std::pair<std::string, std::string> best;
    int count = 0;
    for (const auto& [pair, n] : seen) {
      if (n > count) best = pair, count = n;
    }
    return best;
  }

  // The index of «прочие» is written nowhere: current / base, kept only if it reproduces.
  std::string OtherIndex(const xmlNode* other) {
    if (other == nullptr) return {};
    auto base = Decimal::Parse(TextAt(other, "PriceBase"));
    auto current = Decimal::Parse(TextAt(other, "PriceCurrent"));
    if (!base.ok() || !current.ok() || base->IsZero()) return {};
    const Decimal index = Decimal::Divide(*current, *base, 2);
    if (Decimal::MulRound(*base, index, 2) != *current) {
      out_.warnings.push_back("EstimatePrice/Other: no index of two decimals reproduces " +
                              current->ToString() + " from " + base->ToString());
      return {};
    }
    return index.ToFixed(2);
  }

  static const char* Column(const std::string& summary_type) {
    if (summary_type == "Монтажные") return "installation";
    if (summary_type == "Оборудование") return "equipment";
    if (summary_type == "Прочее") return "other";
    return "construction";
  }

  // ConsumptionTotal (3.01) or QuantityTotal (3.02 draft).
  static std::string Total(const xmlNode* r) {
    std::string v = TextAt(r, "ConsumptionTotal");
    return v.empty() ? TextAt(r, "QuantityTotal") : v;
  }

  static std::string Code(const xmlNode* r) { return std::string(core::TrimBlanks(TextAt(r, "Prefix") + TextAt(r, "Code"))); }

  // A transport row under a material or equipment.
  static json::object Transport(const xmlNode* t) {
    json::object o{{"code", Code(t)},
                   {"name", TextAt(t, "Name")},
                   {"quantity", Total(t)},
                   {"base_price", TextAt(t, "PricePerUnitBase")}};
    Put(o, "index", TextAt(t, "Indexes/Index/Value/Final"));
    if (o.if_contains("index") == nullptr) Put(o, "index", TextAt(t, "Index/Value/Final"));
    const std::string factor = ValueFor(At(t, "Coefficients/Final/Values"), "Стоимость");
    if (!factor.empty() && factor != "1") o["price_factor"] = factor;
    return o;
  }

  // A material or equipment row with its transport; transport rows go to `transport`.
  static json::object Resource(const xmlNode* r, json::array& transport) {
    json::object o{{"code", Code(r)},
                   {"name", TextAt(r, "Name")},
                   {"unit", TextAt(r, "Unit")},
                   {"quantity", Total(r)},
                   {"base_price", TextAt(r, "PricePerUnitBase")}};
    const std::string factor = ValueFor(At(r, "Coefficients/Final/Values"), "Стоимость");
    if (!factor.empty() && factor != "1") o["price_factor"] = factor;
    for (const xmlNode* t : Children(r)) {
      if (Is(t, "Transport")) transport.push_back(Transport(t));
    }
    return o;
  }

  json::array Coefficients(const xmlNode* cost) {
    json::array out;
    for (const xmlNode* c : Children(Child(cost, "Coefficients"))) {
      if (!Is(c, "Coefficient")) continue;
      const std::string reason = std::string(core::TrimBlanks(TextAt(c, "Reason")));
      json::object o{{"name", reason.empty() ? std::string(core::TrimBlanks(TextAt(c, "Name"))) : reason}};
      switch (core::CombinationOfReason(reason)) {
        case core::BaseIndexCombination::kAppendix10Additive:
          o["combine"] = "additive";
          break;
        case core::BaseIndexCombination::kAppendix10Multiply:
          o["combine"] = "appendix10_multiply";
          break;
        case core::BaseIndexCombination::kMultiply:
          break;
      }
      const xmlNode* values = Child(c, "Values");
      for (const auto& [target, key] : {std::pair<const char*, const char*>{"ЗТ", "labor"},
                                        {"ЗТМ", "machinist_labor"},
                                        {"ЭМ", "machines"},
                                        {"МАТ", "materials"},
                                        {"ОТ", "workers_pay"},
                                        {"ОТМ", "machinists_pay"}}) {
        Put(o, key, ValueFor(values, target));
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  static void Rate(json::object& o, const char* key, const xmlNode* n) {
    if (n == nullptr) return;
    auto value = Decimal::Parse(TextAt(n, "Value"));
    if (!value.ok() || value->IsZero()) return;  // "05.03.01" with 0: no overhead
    json::object rate{{"percent", value->Normalized().ToString()}};
    if (const std::string code = TextAt(n, "Reason"); !code.empty()) rate["code"] = code;
    auto total = Decimal::Parse(TextAt(n, "ValueTotal"));
    if (const std::string k = TextAt(n, "Coefficients/Final"); !k.empty()) {
      rate["k"] = k;  // the factor as stated; ValueTotal = round7(Value × k)
    } else if (total.ok() && *total != *value) {
      rate["k"] = Decimal::Divide(*total, *value, 10).Normalized().ToString();
    }
    o[key] = std::move(rate);
  }

  json::object ReadItem(const xmlNode* item, const std::string& path) {
    json::object o;
    const char* column = Column(TextAt(item, "SummaryType"));
    const xmlNode* cost = Child(item, "Cost");
    json::array transport;
    if (cost == nullptr) {
      const xmlNode* r = Child(item, "Material");
      if (r == nullptr) r = Child(item, "Equipment");
      if (r == nullptr) r = Child(item, "Other");
      if (r == nullptr) {
        out_.warnings.push_back(path + ": an item without a norm, material or equipment, left out");
        return {};
      }
      o = Resource(r, transport);
      o["number"] = TextAt(r, "Num");
      o["type"] = "resource";
      o["column"] = column;
      if (!transport.empty()) o["transport"] = std::move(transport);
      return o;
    }
    const xmlNode* base = At(cost, "PerUnit/Base");
    const xmlNode* natural = At(cost, "PerUnit/Natural");
    json::object rate{{"workers_pay", TextAt(base, "WorkersSalary")},
                      {"machines", TextAt(base, "Machines")},
                      {"machinists_pay", TextAt(base, "MachinistSalary")},
                      {"materials", TextAt(base, "Materials")},
                      {"labor_hours", TextAt(natural, "LaborCosts")},
                      {"machinist_hours", TextAt(natural, "MachinistLaborCosts")}};
    for (auto& [k, v] : rate) {
      if (v.as_string().empty()) v = "0";
    }
    o = json::object{{"number", TextAt(cost, "Num")},
                     {"type", "norm"},
                     {"code", Code(cost)},
                     {"name", TextAt(cost, "Name")},
                     {"unit", TextAt(cost, "Unit")},
                     {"column", column},
                     {"quantity", TextAt(cost, "QuantityTotal")},
                     {"unit_rate", std::move(rate)}};
    Rate(o, "overhead", Child(item, "Overheads"));
    Rate(o, "profit", Child(item, "Profits"));
    if (const auto pay = PayIndices(item); !pay.first.empty() && pay != shared_pay_) {
      // One pay index of the position serves ОТ and ОТм alike.
      o["pay_index"] = pay.first;
      if (pay.second != pay.first) {
        out_.warnings.push_back(path + "/Cost/Index: ОТ " + pay.first + " and ОТМ " + pay.second +
                                " differ from the estimate's; read as " + pay.first + " for both");
      }
    }
    json::array coefficients = Coefficients(cost);
    if (!coefficients.empty()) o["coefficients"] = std::move(coefficients);
    json::array materials, equipment;
    for (const xmlNode* r : Children(Child(item, "Resources"))) {
      if (Is(r, "Material")) {
        materials.push_back(Resource(r, transport));
      } else if (Is(r, "Equipment")) {
        equipment.push_back(Resource(r, transport));
      } else if (Is(r, "Transport")) {
        transport.push_back(Transport(r));
      } else if (Is(r, "Machine")) {
        // The top-up of machinists' pay (421/пр п.60.1 …): the calculator derives it.
      } else {
        out_.warnings.push_back(path + "/Resources/" + Name(r) + ": not read");
      }
    }
    if (!materials.empty()) o["materials"] = std::move(materials);
    if (!equipment.empty()) o["equipment"] = std::move(equipment);
    if (!transport.empty()) o["transport"] = std::move(transport);
    return o;
  }

  json::object ReadSection(const xmlNode* section, const std::string& path) {
    json::array positions;
    std::size_t n = 0;
    for (const xmlNode* item : Children(Child(section, "Items"))) {
      if (!Is(item, "Item")) continue;
      const std::string ip = path + "/Items/Item[" + std::to_string(++n) + "]";
      json::object position = ReadItem(item, ip);
      if (position.empty()) continue;
      items_.push_back(item);
      item_paths_.push_back(ip);
      positions.push_back(std::move(position));
    }
    return json::object{{"name", TextAt(section, "Name")}, {"positions", std::move(positions)}};
  }

  void Differ(const std::string& path, const xmlNode* stated, const json::value* computed) {
    if (stated == nullptr || computed == nullptr || !computed->is_string()) return;
    ++out_.compared;
    auto a = Decimal::Parse(Content(stated));
    auto b = Decimal::Parse(computed->as_string());
    if (a.ok() && b.ok() && *a == *b) return;
    out_.differences.push_back({path, Content(stated), std::string(computed->as_string())});
  }

  static const json::value* Field(const json::value& v, std::initializer_list<const char*> keys) {
    const json::value* at = &v;
    for (const char* k : keys) {
      if (!at->is_object()) return nullptr;
      at = at->as_object().if_contains(k);
      if (at == nullptr) return nullptr;
    }
    return at;
  }

  void Compare(const xmlNode* e) {
    auto outcome = Calculate(out_.document_json, OutputFormat::kJson);
    if (!outcome.ok()) {
      out_.warnings.push_back("the imported estimate cannot be recomputed: " + outcome.problems.front());
      return;
    }
    const json::value r = json::parse(outcome.json);
    const json::array& positions = r.at("positions").as_array();
    for (std::size_t i = 0; i < positions.size() && i < items_.size(); ++i) {
      Differ(item_paths_[i] + "/Totals/Base", At(items_[i], "Totals/Base"),
             Field(positions[i], {"base", "total"}));
      Differ(item_paths_[i] + "/Totals/Current", At(items_[i], "Totals/Current"),
             Field(positions[i], {"current", "total"}));
    }
    const json::array& sections = r.at("sections").as_array();
    for (std::size_t s = 0; s < sections.size() && s < sections_.size(); ++s) {
      const std::string sp = "Sections/Section[" + std::to_string(s + 1) + "]/SectionPrice/Total";
      Differ(sp + "/PriceBase", At(sections_[s], "SectionPrice/Total/PriceBase"),
             Field(sections[s], {"base", "total"}));
      Differ(sp + "/PriceCurrent", At(sections_[s], "SectionPrice/Total/PriceCurrent"),
             Field(sections[s], {"current", "total"}));
    }
    const xmlNode* price = Child(e, "EstimatePrice");
    Differ("EstimatePrice/Total/PriceBase", At(price, "Total/PriceBase"),
           Field(r, {"totals", "total", "base", "total"}));
    Differ("EstimatePrice/Total/PriceCurrent", At(price, "Total/PriceCurrent"),
           Field(r, {"totals", "total", "current", "total"}));
    Differ("EstimatePrice/Building/Total/PriceCurrent", At(price, "Building/Total/PriceCurrent"),
           Field(r, {"totals", "construction", "current", "total"}));
    Differ("EstimatePrice/Mounting/Total/PriceCurrent", At(price, "Mounting/Total/PriceCurrent"),
           Field(r, {"totals", "installation", "current", "total"}));
    Differ("EstimatePrice/Equipment/Total/PriceCurrent", At(price, "Equipment/Total/PriceCurrent"),
           Field(r, {"totals", "equipment", "current", "total"}));
  }

  GgeImport out_;
  std::vector<std::string> problems_;
  std::pair<std::string, std::string> shared_pay_;  // (ОТ, ОТМ)
  std::vector<const xmlNode*> items_, sections_;
  std::vector<std::string> item_paths_;
};

}  // namespace

Result<GgeImport> ReadGgeBaseIndexEstimate(std::string_view bytes) {
  return ReadGgeFile<BaseIndexReader>(bytes);
}

}  // namespace estimate::formats
