// The `header` of an estimate document and the ГГЭ header it stands for (gge.hpp): the
// Legal block of ФСНБ-2022, the JSON reader and writer of the header, today's date.
#include <boost/json.hpp>

#include <string>
#include <vector>

#include "formats/gge/detail/xml_support.hpp"
#include "formats/gge/gge.hpp"

namespace estimate::formats {

namespace json = boost::json;

GgeHeader Fsnb2022Header() {
  GgeHeader h;
  h.main = {"Федеральные сметные нормативы ФСНБ-2022 (приказ Минстроя России от 30.12.2021 "
            "№ 1046/пр с изменениями)",
            "ГСН", "2025-08-14", "535", ""};
  h.methodology = {"Методика определения сметной стоимости строительства, утверждена приказом "
                   "Минстроя России от 04.08.2020 № 421/пр",
                   "ГСН", "2025-08-14", "532", ""};
  h.overheads = {"Методика по разработке и применению нормативов накладных расходов, утверждена "
                 "приказом Минстроя России от 21.12.2020 № 812/пр",
                 "ГСН", "2021-04-16", "377",
                 "Приказы Минстроя России № 812/пр от 21.12.2020, № 636/пр от 02.09.2021, "
                 "№ 611/пр от 26.07.2022"};
  h.profits = {"Методика по разработке и применению нормативов сметной прибыли, утверждена "
               "приказом Минстроя России от 11.12.2020 № 774/пр",
               "ГСН", "2021-04-16", "376",
               "Приказы Минстроя России № 774/пр от 11.12.2020, № 317/пр от 22.04.2022"};
  return h;
}

Result<GgeHeader> ParseGgeHeader(std::string_view document_json, GgeHeader h) {
  boost::system::error_code ec;
  json::value v = json::parse(document_json, ec);
  if (ec || !v.is_object()) return InvalidArgument("(document): not a JSON object");
  const json::value* header = v.get_object().if_contains("header");
  if (header == nullptr || header->is_null()) return h;
  if (!header->is_object()) return InvalidArgument("header: expected an object");
  std::vector<std::string> problems;
  const auto text = [&](const json::object& o, const char* key, std::string& out,
                        const std::string& path) {
    const json::value* x = o.if_contains(key);
    if (x == nullptr || x->is_null()) return;
    if (!x->is_string()) {
      problems.push_back(path + key + ": expected a string");
      return;
    }
    out = std::string(x->get_string());
  };
  const auto object = [&](const json::object& o, const char* key,
                          const std::string& path) -> const json::object* {
    const json::value* x = o.if_contains(key);
    if (x == nullptr || x->is_null()) return nullptr;
    if (!x->is_object()) {
      problems.push_back(path + key + ": expected an object");
      return nullptr;
    }
    return &x->get_object();
  };
  const json::object& o = header->get_object();
  const std::string p = "header.";
  if (const auto* c = object(o, "construction", p)) {
    text(*c, "number", h.construction_number, p + "construction.");
    text(*c, "name", h.construction_name, p + "construction.");
  }
  if (const auto* c = object(o, "object", p)) {
    text(*c, "number", h.object_number, p + "object.");
    text(*c, "name", h.object_name, p + "object.");
    text(*c, "address", h.object_address, p + "object.");
  }
  text(o, "number", h.number, p);
  text(o, "name", h.name, p);
  text(o, "date", h.date, p);
  text(o, "basis", h.basis, p);
  text(o, "territory", h.territory, p);
  text(o, "guid", h.guid, p);
  text(o, "object_type", h.object_type, p);
  text(o, "index_object_type", h.index_object_type, p);
  text(o, "index_industry_type", h.index_industry_type, p);
  text(o, "construction_type", h.construction_type, p);
  text(o, "base_price_note", h.base_price_note, p);
  if (const auto* r = object(o, "region", p)) {
    text(*r, "code", h.region_code, p + "region.");
    text(*r, "name", h.region_name, p + "region.");
    text(*r, "zone_code", h.zone_code, p + "region.");
    text(*r, "zone_name", h.zone_name, p + "region.");
  }
  if (const auto* pl = object(o, "price_level", p)) {
    std::string year, quarter;
    text(*pl, "year", year, p + "price_level.");
    text(*pl, "quarter", quarter, p + "price_level.");
    h.price_year = std::atoi(year.c_str());
    h.price_quarter = std::atoi(quarter.c_str());
  }
  if (const auto* s = object(o, "signatures", p)) {
    text(*s, "composed", h.composed_by, p + "signatures.");
    text(*s, "verified", h.verified_by, p + "signatures.");
  }
  if (const auto* legal = object(o, "legal", p)) {
    const std::pair<const char*, GgeLegal*> acts[] = {{"norms", &h.main},
                                                      {"methodology", &h.methodology},
                                                      {"overheads", &h.overheads},
                                                      {"profits", &h.profits}};
    for (const auto& [key, act] : acts) {
      if (const auto* l = object(*legal, key, p + "legal.")) {
        const std::string lp = p + "legal." + key + ".";
        text(*l, "name", act->name, lp);
        text(*l, "type", act->type, lp);
        text(*l, "date", act->date, lp);
        text(*l, "number", act->number, lp);
        text(*l, "orders", act->orders, lp);
      }
    }
    if (const json::value* list = legal->if_contains("indexes"); list && !list->is_null()) {
      if (!list->is_array()) {
        problems.push_back(p + "legal.indexes: expected an array of acts");
      } else {
        h.indexes.clear();
        for (std::size_t i = 0; i < list->get_array().size(); ++i) {
          const std::string lp = p + "legal.indexes[" + std::to_string(i) + "].";
          const json::value& item = list->get_array()[i];
          if (!item.is_object()) {
            problems.push_back(lp.substr(0, lp.size() - 1) + ": expected an object");
            continue;
          }
          GgeLegal act;
          act.type = "Справочная информация";
          for (const auto& [key, field] :
               {std::pair<const char*, std::string*>{"name", &act.name}, {"type", &act.type},
                {"date", &act.date}, {"number", &act.number}, {"orders", &act.orders}}) {
            text(item.get_object(), key, *field, lp);
          }
          h.indexes.push_back(std::move(act));
        }
      }
    }
    text(*legal, "salary_act", h.salary_act, p + "legal.");
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& m : problems) message += (message.empty() ? "" : "\n") + m;
    return InvalidArgument(message);
  }
  return h;
}

std::string GgeHeaderJson(const GgeHeader& h) {
  const auto put = [](json::object& o, const char* key, const std::string& value) {
    if (!value.empty()) o[key] = value;
  };
  const auto act = [&](const GgeLegal& l) {
    json::object o;
    put(o, "name", l.name);
    put(o, "type", l.type);
    put(o, "date", l.date);
    put(o, "number", l.number);
    put(o, "orders", l.orders);
    return o;
  };
  json::object o;
  json::object construction, object, region, signatures, legal;
  put(construction, "number", h.construction_number);
  put(construction, "name", h.construction_name);
  put(object, "number", h.object_number);
  put(object, "name", h.object_name);
  put(object, "address", h.object_address);
  if (!construction.empty()) o["construction"] = std::move(construction);
  if (!object.empty()) o["object"] = std::move(object);
  put(o, "number", h.number);
  put(o, "name", h.name);
  put(o, "date", h.date);
  put(o, "basis", h.basis);
  put(o, "territory", h.territory);
  put(o, "guid", h.guid);
  put(o, "object_type", h.object_type);
  put(o, "index_object_type", h.index_object_type);
  put(o, "index_industry_type", h.index_industry_type);
  put(o, "construction_type", h.construction_type);
  put(o, "base_price_note", h.base_price_note);
  put(region, "code", h.region_code);
  put(region, "name", h.region_name);
  put(region, "zone_code", h.zone_code);
  put(region, "zone_name", h.zone_name);
  if (!region.empty()) o["region"] = std::move(region);
  if (h.price_year > 0) {
    o["price_level"] = json::object{{"year", std::to_string(h.price_year)},
                                    {"quarter", std::to_string(h.price_quarter)}};
  }
  put(signatures, "composed", h.composed_by);
  put(signatures, "verified", h.verified_by);
  if (!signatures.empty()) o["signatures"] = std::move(signatures);
  legal["norms"] = act(h.main);
  legal["methodology"] = act(h.methodology);
  legal["overheads"] = act(h.overheads);
  legal["profits"] = act(h.profits);
  if (!h.indexes.empty()) {
    json::array indexes;
    for (const GgeLegal& l : h.indexes) indexes.push_back(act(l));
    legal["indexes"] = std::move(indexes);
  }
  put(legal, "salary_act", h.salary_act);
  o["legal"] = std::move(legal);
  return json::serialize(o);
}


}  // namespace estimate::formats
