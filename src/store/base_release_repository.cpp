#include "store/base_release_repository.hpp"

#include <soci/soci.h>

#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/clock.hpp"
#include "core/text.hpp"
#include "store/release_connection_internal.hpp"
#include "store/store_error.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {
namespace {

using core::Decimal;
using normbase::BaseRelease;

using internal::Connection;
using internal::NativeConnection;
using internal::Row;
using internal::RowFn;
using internal::RowSink;
using internal::StoreError;

// Not injected yet (the repository takes no clock): the system clock, as text.
std::string UtcNow() { return core::FormatUtcTimestamp(telemetry::SystemClock().Now()); }

std::string_view KindName(core::ResourceKind kind) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return "labor";
    case core::ResourceKind::kMachine:
      return "machine";
    case core::ResourceKind::kMaterial:
      return "material";
    case core::ResourceKind::kEquipment:
      return "equipment";
  }
  return "material";
}

core::ResourceKind ParseKind(std::string_view text) {
  if (text == "machine") return core::ResourceKind::kMachine;
  if (text == "equipment") return core::ResourceKind::kEquipment;
  if (text == "labor") return core::ResourceKind::kLabor;
  if (text == "material") return core::ResourceKind::kMaterial;
  throw StoreError(StatusCode::kInternal,
                   "price_book.kind: unknown kind \"" + std::string(text) + "\"");
}

// Lists of texts (a norm's content, an abstract resource's technology groups) are stored as a
// JSON array of strings, readable in SQL and castable to jsonb in PostgreSQL.
std::string JsonArray(const std::vector<std::string_view>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
            out += esc;
          } else {
            out += c;
          }
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// Reads what JsonArray writes (and any JSON array of strings, should someone edit a row by hand).
std::vector<std::string_view> ParseJsonArray(std::string_view json, normbase::TextPool& pool,
                                             const char* what) {
  auto bad = [&] {
    return StoreError(StatusCode::kInternal,
                      std::string(what) + ": not a JSON array of strings: " + std::string(json));
  };
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() &&
           (json[i] == ' ' || json[i] == '\n' || json[i] == '\t' || json[i] == '\r')) {
      ++i;
    }
  };
  auto hex4 = [&](std::size_t at) {
    if (at + 4 > json.size()) throw bad();
    std::uint32_t v = 0;
    auto [p, ec] = std::from_chars(json.data() + at, json.data() + at + 4, v, 16);
    if (ec != std::errc() || p != json.data() + at + 4) throw bad();
    return v;
  };
  skip_space();
  if (i >= json.size() || json[i] != '[') throw bad();
  ++i;
  skip_space();
  if (i < json.size() && json[i] == ']') return out;
  std::string item;
  while (true) {
    skip_space();
    if (i >= json.size() || json[i] != '"') throw bad();
    ++i;
    item.clear();
    while (true) {
      if (i >= json.size()) throw bad();
      char c = json[i++];
      if (c == '"') break;
      if (c != '\\') {
        item += c;
        continue;
      }
      if (i >= json.size()) throw bad();
      char e = json[i++];
      switch (e) {
        case '"':
          item += '"';
          break;
        case '\\':
          item += '\\';
          break;
        case '/':
          item += '/';
          break;
        case 'b':
          item += '\b';
          break;
        case 'f':
          item += '\f';
          break;
        case 'n':
          item += '\n';
          break;
        case 'r':
          item += '\r';
          break;
        case 't':
          item += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4(i);
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= json.size() && json[i] == '\\' &&
              json[i + 1] == 'u') {
            std::uint32_t low = hex4(i + 2);
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              i += 6;
            }
          }
          core::AppendUtf8(item, cp);
          break;
        }
        default:
          throw bad();
      }
    }
    out.push_back(pool.Intern(item));
    skip_space();
    if (i < json.size() && json[i] == ',') {
      ++i;
      continue;
    }
    if (i < json.size() && json[i] == ']') return out;
    throw bad();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing: the release as rows, table by table, into a sink that is a prepared INSERT on SQLite
// and a COPY FROM STDIN on PostgreSQL.

void WriteRelease(RowSink& sink, const BaseRelease& r, std::int64_t id) {
  sink.Begin("base_source_files", "release_id, ord, name, sha256, bytes, kind, decree");
  for (std::size_t i = 0; i < r.info.sources.size(); ++i) {
    const auto& f = r.info.sources[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(f.name), sink.Text(f.sha256);
    sink.Int(static_cast<std::int64_t>(f.bytes)), sink.Text(f.kind), sink.Text(f.decree);
    sink.EndRow();
  }
  sink.End();

  sink.Begin("norm_sections", "release_id, ord, family, type, code, name, parent");
  for (std::size_t i = 0; i < r.sections.size(); ++i) {
    const auto& s = r.sections[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(FamilyId(s.family));
    sink.Text(s.type), sink.Text(s.code), sink.Text(s.name), sink.Ord(s.parent);
    sink.EndRow();
  }
  sink.End();

  sink.Begin("norms",
             "release_id, ord, family, code, name, unit, section, overhead_code, profit_code, "
             "content");
  for (std::size_t i = 0; i < r.norms.size(); ++i) {
    const auto& n = r.norms[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(FamilyId(n.family));
    sink.Text(n.code), sink.Text(n.name), sink.Text(n.unit), sink.Ord(n.table);
    sink.Text(n.overhead_code), sink.Text(n.profit_code), sink.Text(JsonArray(n.content));
    sink.EndRow();
  }
  sink.End();

  sink.Begin("norm_resources",
             "release_id, norm_ord, ord, code, name, unit, consumption, by_project, abstract, "
             "tech_groups");
  for (std::size_t i = 0; i < r.norms.size(); ++i) {
    const auto& lines = r.norms[i].resources;
    for (std::size_t j = 0; j < lines.size(); ++j) {
      const auto& l = lines[j];
      sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Int(static_cast<std::int64_t>(j));
      sink.Text(l.code), sink.Text(l.name), sink.Text(l.unit), sink.Dec(l.consumption);
      sink.Flag(l.by_project), sink.Flag(l.abstract);
      if (l.tech_groups.empty()) {
        sink.Null();
      } else {
        sink.Text(JsonArray(l.tech_groups));
      }
      sink.EndRow();
    }
  }
  sink.End();

  sink.Begin("book_sections", "release_id, ord, type, code, name, parent");
  for (std::size_t i = 0; i < r.book_sections.size(); ++i) {
    const auto& s = r.book_sections[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(s.type), sink.Text(s.code);
    sink.Text(s.name), sink.Ord(s.parent);
    sink.EndRow();
  }
  sink.End();

  sink.Begin("price_book",
             "release_id, ord, code, name, unit, kind, base_price, wholesale_price, "
             "machinist_pay, machinist_labor, machinist_code, machinist_rank, with_relocation, "
             "section, electricity, electricity_cost");
  for (std::size_t i = 0; i < r.resources.size(); ++i) {
    const auto& e = r.resources[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(e.code), sink.Text(e.name);
    sink.Text(e.unit), sink.Text(KindName(e.kind)), sink.Dec(e.base_price);
    sink.Dec(e.wholesale_price), sink.Dec(e.machinist_pay), sink.Dec(e.machinist_labor);
    sink.Text(e.machinist_code), sink.Dec(e.machinist_rank), sink.Flag(e.with_relocation);
    sink.Ord(e.section), sink.Dec(e.electricity), sink.Dec(e.electricity_cost);
    sink.EndRow();
  }
  sink.End();

  sink.Begin("tech_groups", "release_id, ord, code, name");
  for (std::size_t i = 0; i < r.tech_groups.size(); ++i) {
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(r.tech_groups[i].code);
    sink.Text(r.tech_groups[i].name);
    sink.EndRow();
  }
  sink.End();
  sink.Begin("tech_group_resources", "release_id, group_ord, ord, resource_code");
  for (std::size_t i = 0; i < r.tech_groups.size(); ++i) {
    const auto& codes = r.tech_groups[i].resources;
    for (std::size_t j = 0; j < codes.size(); ++j) {
      sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Int(static_cast<std::int64_t>(j));
      sink.Text(codes[j]);
      sink.EndRow();
    }
  }
  sink.End();

  sink.Begin("coefficient_rules",
             "release_id, ord, code, name, target, decree, formula, labor, machinist_labor, "
             "machines, materials, value, section, worker, machinist, equipment, "
             "applies_sections, excluded, exclude_groups, start_use, end_use");
  for (std::size_t i = 0; i < r.coefficients.size(); ++i) {
    const auto& c = r.coefficients[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(c.code), sink.Text(c.name);
    sink.Text(c.target), sink.Text(c.decree), sink.Text(c.formula), sink.Dec(c.labor);
    sink.Dec(c.machinist_labor), sink.Dec(c.machines), sink.Dec(c.materials), sink.Dec(c.value);
    sink.Text(c.section), sink.Dec(c.worker), sink.Dec(c.machinist), sink.Dec(c.equipment);
    sink.Text(JsonArray(c.applies_sections)), sink.Text(JsonArray(c.excluded));
    sink.Text(JsonArray(c.exclude_groups)), sink.Text(c.start_use), sink.Text(c.end_use);
    sink.EndRow();
  }
  sink.End();
  sink.Begin("coefficient_rule_applies", "release_id, rule_ord, ord, norm_code");
  for (std::size_t i = 0; i < r.coefficients.size(); ++i) {
    const auto& codes = r.coefficients[i].applies;
    for (std::size_t j = 0; j < codes.size(); ++j) {
      sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Int(static_cast<std::int64_t>(j));
      sink.Text(codes[j]);
      sink.EndRow();
    }
  }
  sink.End();
  sink.Begin("coefficient_rule_formulas", "release_id, rule_ord, ord, key, formula");
  for (std::size_t i = 0; i < r.coefficients.size(); ++i) {
    const auto& formulas = r.coefficients[i].formulas;
    for (std::size_t j = 0; j < formulas.size(); ++j) {
      sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Int(static_cast<std::int64_t>(j));
      sink.Text(formulas[j].key), sink.Text(formulas[j].formula);
      sink.EndRow();
    }
  }
  sink.End();
  sink.Begin("coefficient_rule_resources",
             "release_id, rule_ord, ord, codes, worker, machine, machinist, material, labor, "
             "machinist_labor, equipment");
  for (std::size_t i = 0; i < r.coefficients.size(); ++i) {
    const auto& groups = r.coefficients[i].resource_factors;
    for (std::size_t j = 0; j < groups.size(); ++j) {
      const auto& g = groups[j];
      sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Int(static_cast<std::int64_t>(j));
      sink.Text(JsonArray(g.codes)), sink.Dec(g.worker), sink.Dec(g.machine);
      sink.Dec(g.machinist), sink.Dec(g.material), sink.Dec(g.labor), sink.Dec(g.machinist_labor);
      sink.Dec(g.equipment);
      sink.EndRow();
    }
  }
  sink.End();

  sink.Begin("overhead_profit_rates",
             "release_id, ord, code, profit_code, work_type, collections, overhead_percent_1, "
             "overhead_percent_2, overhead_percent_3, profit_percent, item");
  for (std::size_t i = 0; i < r.rates.size(); ++i) {
    const auto& t = r.rates[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(t.code);
    sink.Text(t.profit_code), sink.Text(t.work_type), sink.Text(t.collections);
    sink.Dec(t.overhead_percent[0]), sink.Dec(t.overhead_percent[1]);
    sink.Dec(t.overhead_percent[2]), sink.Dec(t.profit_percent), sink.Text(t.item);
    sink.EndRow();
  }
  sink.End();

  sink.Begin("regional_prices",
             "release_id, ord, region_code, region_name, zone, quarter, rank1_labor_price");
  for (std::size_t i = 0; i < r.prices.size(); ++i) {
    const auto& p = r.prices[i];
    sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(p.region_code);
    sink.Text(p.region_name), sink.Int(p.zone), sink.Text(p.quarter);
    sink.Dec(p.rank1_labor_price);
    sink.EndRow();
  }
  sink.End();
  struct PriceMap {
    const char* table;
    const char* columns;
    std::unordered_map<std::string_view, Decimal> normbase::RegionalPrices::*map;
  };
  const PriceMap maps[] = {
      {"regional_labor_prices", "release_id, prices_ord, code, price",
       &normbase::RegionalPrices::labor_prices},
      {"regional_current_prices", "release_id, prices_ord, code, price",
       &normbase::RegionalPrices::current_prices},
      {"regional_group_indices", "release_id, prices_ord, prefix, price_index",
       &normbase::RegionalPrices::group_indices},
  };
  for (const auto& m : maps) {
    sink.Begin(m.table, m.columns);
    for (std::size_t i = 0; i < r.prices.size(); ++i) {
      for (const auto& [code, price] : r.prices[i].*m.map) {
        sink.Int(id), sink.Int(static_cast<std::int64_t>(i)), sink.Text(code), sink.Dec(price);
        sink.EndRow();
      }
    }
    sink.End();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading: one query per table, rows handed over as text fields.

void ReadRelease(Connection& c, std::int64_t id, BaseRelease& r) {
  const std::string where = " WHERE release_id = " + std::to_string(id) + " ORDER BY ";
  auto& pool = r.text;
  bool found = false;
  std::size_t expected_lines = 0;
  c.Read(
      "SELECT name, addition_number, price_level, imported_at, active, norm_resource_count "
      "FROM base_releases WHERE id = " +
          std::to_string(id),
      6, [&](const Row& row) {
        found = true;
        r.info.id = id;
        r.info.name = row.Text(0);
        r.info.addition_number = static_cast<int>(row.Int(1));
        r.info.price_level = row.Text(2);
        r.info.imported_at = row.Text(3);
        r.info.active = row.Flag(4);
        expected_lines = static_cast<std::size_t>(row.Int(5));
      });
  if (!found) throw StoreError(StatusCode::kNotFound, "base release " + std::to_string(id));

  c.Read("SELECT name, sha256, bytes, kind, decree FROM base_source_files" + where + "ord", 5,
         [&](const Row& row) {
           r.info.sources.push_back({std::string(row.Text(0)), std::string(row.Text(1)),
                                     static_cast<std::uint64_t>(row.Int(2)),
                                     std::string(row.Text(3)), std::string(row.Text(4))});
         });

  auto family = [](std::string_view text) {
    auto f = normbase::ParseFamily(text);
    if (!f)
      throw StoreError(StatusCode::kInternal, "unknown norm family \"" + std::string(text) + "\"");
    return *f;
  };
  c.Read("SELECT family, type, code, name, parent FROM norm_sections" + where + "ord", 5,
         [&](const Row& row) {
           r.sections.push_back({family(row.Text(0)), pool.Intern(row.Text(1)),
                                 pool.Intern(row.Text(2)), pool.Intern(row.Text(3)), row.Ord(4)});
         });

  c.Read(
      "SELECT family, code, name, unit, section, overhead_code, profit_code, content FROM "
      "norms" +
          where + "ord",
      8, [&](const Row& row) {
        normbase::Norm& n = r.norms.emplace_back();
        n.family = family(row.Text(0));
        n.code = pool.Intern(row.Text(1));
        n.name = pool.Intern(row.Text(2));
        n.unit = pool.Intern(row.Text(3));
        n.table = row.Ord(4);
        n.overhead_code = pool.Intern(row.Text(5));
        n.profit_code = pool.Intern(row.Text(6));
        n.content = ParseJsonArray(row.Text(7), pool, "norms.content");
      });

  // No ORDER BY: right after a save PostgreSQL has no statistics yet and would sort a million
  // rows on disk; each line goes to its place by (norm_ord, ord) instead, and the count written at
  // save time proves that none is missing.
  std::size_t lines_read = 0;
  c.Read(
      "SELECT norm_ord, ord, code, name, unit, consumption, by_project, abstract, tech_groups "
      "FROM norm_resources WHERE release_id = " +
          std::to_string(id),
      9, [&](const Row& row) {
        const auto norm = static_cast<std::size_t>(row.Int(0));
        const auto at = static_cast<std::size_t>(row.Int(1));
        if (norm >= r.norms.size()) {
          throw StoreError(StatusCode::kInternal,
                           "norm_resources: no norm " + std::to_string(norm));
        }
        auto& lines = r.norms[norm].resources;
        if (at >= lines.size()) lines.resize(at + 1);
        normbase::NormResource& l = lines[at];
        l.code = pool.Intern(row.Text(2));
        l.name = pool.Intern(row.Text(3));
        l.unit = pool.Intern(row.Text(4));
        l.consumption = row.Dec(5);
        l.by_project = row.Flag(6);
        l.abstract = row.Flag(7);
        if (!row.IsNull(8)) {
          l.tech_groups = ParseJsonArray(row.Text(8), pool, "norm_resources.tech_groups");
        }
        ++lines_read;
      });
  std::size_t lines_placed = 0;
  for (const auto& n : r.norms) lines_placed += n.resources.size();
  if (lines_read != expected_lines || lines_placed != expected_lines) {
    throw StoreError(StatusCode::kInternal,
                     "norm_resources: " + std::to_string(lines_read) + " lines read, " +
                         std::to_string(lines_placed) + " places, " +
                         std::to_string(expected_lines) + " saved");
  }

  c.Read("SELECT type, code, name, parent FROM book_sections" + where + "ord", 4,
         [&](const Row& row) {
           r.book_sections.push_back({pool.Intern(row.Text(0)), pool.Intern(row.Text(1)),
                                      pool.Intern(row.Text(2)), row.Ord(3)});
         });

  c.Read(
      "SELECT code, name, unit, kind, base_price, wholesale_price, machinist_pay, "
      "machinist_labor, machinist_code, machinist_rank, with_relocation, section, electricity, "
      "electricity_cost FROM price_book" +
          where + "ord",
      14, [&](const Row& row) {
        normbase::PriceBookEntry& e = r.resources.emplace_back();
        e.code = pool.Intern(row.Text(0));
        e.name = pool.Intern(row.Text(1));
        e.unit = pool.Intern(row.Text(2));
        e.kind = ParseKind(row.Text(3));
        e.base_price = row.Dec(4);
        e.wholesale_price = row.Dec(5);
        e.machinist_pay = row.Dec(6);
        e.machinist_labor = row.Dec(7);
        e.machinist_code = pool.Intern(row.Text(8));
        e.machinist_rank = row.Dec(9);
        e.with_relocation = row.Flag(10);
        e.section = row.Ord(11);
        e.electricity = row.Dec(12);
        e.electricity_cost = row.Dec(13);
      });

  c.Read("SELECT code, name FROM tech_groups" + where + "ord", 2, [&](const Row& row) {
    r.tech_groups.push_back({pool.Intern(row.Text(0)), pool.Intern(row.Text(1)), {}});
  });
  c.Read("SELECT group_ord, resource_code FROM tech_group_resources" + where + "group_ord, ord", 2,
         [&](const Row& row) {
           const auto group = static_cast<std::size_t>(row.Int(0));
           if (group >= r.tech_groups.size()) {
             throw StoreError(StatusCode::kInternal,
                              "tech_group_resources: no group " + std::to_string(group));
           }
           r.tech_groups[group].resources.push_back(pool.Intern(row.Text(1)));
         });

  c.Read(
      "SELECT code, name, target, decree, formula, labor, machinist_labor, machines, "
      "materials, value, section, worker, machinist, equipment, applies_sections, excluded, "
      "exclude_groups, start_use, end_use FROM coefficient_rules" +
          where + "ord",
      19, [&](const Row& row) {
        normbase::CoefficientRule& k = r.coefficients.emplace_back();
        k.code = pool.Intern(row.Text(0));
        k.name = pool.Intern(row.Text(1));
        k.target = pool.Intern(row.Text(2));
        k.decree = pool.Intern(row.Text(3));
        k.formula = pool.Intern(row.Text(4));
        k.labor = row.Dec(5);
        k.machinist_labor = row.Dec(6);
        k.machines = row.Dec(7);
        k.materials = row.Dec(8);
        k.value = row.Dec(9);
        k.section = pool.Intern(row.Text(10));
        k.worker = row.Dec(11);
        k.machinist = row.Dec(12);
        k.equipment = row.Dec(13);
        k.applies_sections =
            ParseJsonArray(row.Text(14), pool, "coefficient_rules.applies_sections");
        k.excluded = ParseJsonArray(row.Text(15), pool, "coefficient_rules.excluded");
        k.exclude_groups = ParseJsonArray(row.Text(16), pool, "coefficient_rules.exclude_groups");
        k.start_use = pool.Intern(row.Text(17));
        k.end_use = pool.Intern(row.Text(18));
      });
  c.Read("SELECT rule_ord, norm_code FROM coefficient_rule_applies" + where + "rule_ord, ord", 2,
         [&](const Row& row) {
           const auto rule = static_cast<std::size_t>(row.Int(0));
           if (rule >= r.coefficients.size()) {
             throw StoreError(StatusCode::kInternal,
                              "coefficient_rule_applies: no rule " + std::to_string(rule));
           }
           r.coefficients[rule].applies.push_back(pool.Intern(row.Text(1)));
         });
  auto rule_at = [&](const Row& row, const char* table) -> normbase::CoefficientRule& {
    const auto rule = static_cast<std::size_t>(row.Int(0));
    if (rule >= r.coefficients.size()) {
      throw StoreError(StatusCode::kInternal,
                       std::string(table) + ": no rule " + std::to_string(rule));
    }
    return r.coefficients[rule];
  };
  c.Read("SELECT rule_ord, key, formula FROM coefficient_rule_formulas" + where + "rule_ord, ord",
         3, [&](const Row& row) {
           rule_at(row, "coefficient_rule_formulas")
               .formulas.push_back({pool.Intern(row.Text(1)), pool.Intern(row.Text(2))});
         });
  c.Read(
      "SELECT rule_ord, codes, worker, machine, machinist, material, labor, machinist_labor, "
      "equipment FROM coefficient_rule_resources" +
          where + "rule_ord, ord",
      9, [&](const Row& row) {
        auto& g = rule_at(row, "coefficient_rule_resources").resource_factors.emplace_back();
        g.codes = ParseJsonArray(row.Text(1), pool, "coefficient_rule_resources.codes");
        g.worker = row.Dec(2);
        g.machine = row.Dec(3);
        g.machinist = row.Dec(4);
        g.material = row.Dec(5);
        g.labor = row.Dec(6);
        g.machinist_labor = row.Dec(7);
        g.equipment = row.Dec(8);
      });

  c.Read(
      "SELECT code, profit_code, work_type, collections, overhead_percent_1, "
      "overhead_percent_2, overhead_percent_3, profit_percent, item FROM overhead_profit_rates" +
          where + "ord",
      9, [&](const Row& row) {
        normbase::OverheadProfitRate& t = r.rates.emplace_back();
        t.code = pool.Intern(row.Text(0));
        t.profit_code = pool.Intern(row.Text(1));
        t.work_type = pool.Intern(row.Text(2));
        t.collections = pool.Intern(row.Text(3));
        t.overhead_percent[0] = row.Dec(4);
        t.overhead_percent[1] = row.Dec(5);
        t.overhead_percent[2] = row.Dec(6);
        t.profit_percent = row.Dec(7);
        t.item = pool.Intern(row.Text(8));
      });

  c.Read(
      "SELECT region_code, region_name, zone, quarter, rank1_labor_price FROM "
      "regional_prices" +
          where + "ord",
      5, [&](const Row& row) {
        normbase::RegionalPrices& p = r.prices.emplace_back();
        p.region_code = pool.Intern(row.Text(0));
        p.region_name = pool.Intern(row.Text(1));
        p.zone = static_cast<int>(row.Int(2));
        p.quarter = pool.Intern(row.Text(3));
        p.rank1_labor_price = row.Dec(4);
      });
  struct PriceMap {
    const char* select;
    std::unordered_map<std::string_view, Decimal> normbase::RegionalPrices::*map;
  };
  const PriceMap maps[] = {
      {"SELECT prices_ord, code, price FROM regional_labor_prices",
       &normbase::RegionalPrices::labor_prices},
      {"SELECT prices_ord, code, price FROM regional_current_prices",
       &normbase::RegionalPrices::current_prices},
      {"SELECT prices_ord, prefix, price_index FROM regional_group_indices",
       &normbase::RegionalPrices::group_indices},
  };
  for (const auto& m : maps) {
    c.Read(m.select + where + "prices_ord", 3, [&](const Row& row) {
      const auto at = static_cast<std::size_t>(row.Int(0));
      if (at >= r.prices.size()) {
        throw StoreError(StatusCode::kInternal,
                         std::string(m.select) + ": no regional prices " + std::to_string(at));
      }
      (r.prices[at].*m.map).emplace(pool.Intern(row.Text(1)), row.Dec(2));
    });
  }
}

Status FromException(const std::exception& e, Lease& lease, const std::string& what) {
  if (const auto* s = dynamic_cast<const StoreError*>(&e)) {
    if (s->code() == StatusCode::kUnavailable) lease.MarkBroken();
    return {s->code(), what + ": " + s->what()};
  }
  if (const auto* s = dynamic_cast<const soci::soci_error*>(&e)) {
    switch (s->get_error_category()) {
      case soci::soci_error::constraint_violation:
        return InvalidArgument(what + ": " + s->what());
      case soci::soci_error::connection_error:
        lease.MarkBroken();
        return Unavailable(what + ": " + s->what());
      default:
        break;
    }
  }
  // Unknown state of the connection: the next lease opens a fresh one.
  lease.MarkBroken();
  return Internal(what + ": " + e.what());
}

// A write transaction for the small statements of Activate/Rollback/Delete: on SQLite it takes
// the write lock at once (BEGIN IMMEDIATE) so that two writers wait instead of failing on lock
// upgrade; on PostgreSQL an advisory lock serializes the switches of the active release.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& s, Dialect d) : s_(s) {
    if (d == Dialect::kSqlite) {
      s_ << "BEGIN IMMEDIATE";
    } else {
      s_ << "BEGIN";
      s_ << "SELECT pg_advisory_xact_lock(74210002)";
    }
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (done_) return;
    try {
      s_ << "ROLLBACK";
    } catch (const std::exception&) {
      // The connection is gone; the database rolls the transaction back itself.
    }
  }
  void Commit() {
    s_ << "COMMIT";
    done_ = true;
  }

 private:
  soci::session& s_;
  bool done_ = false;
};

}  // namespace

Result<std::int64_t> BaseReleaseRepository::Save(const normbase::BaseRelease& release) {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  auto conn = NativeConnection(db_.dialect(), lease->session());
  bool open = false;
  try {
    conn->Exec(db_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    open = true;
    const std::int64_t id = conn->InsertRelease(
        release, release.info.imported_at.empty() ? UtcNow() : release.info.imported_at);
    {
      auto sink = conn->Sink();
      WriteRelease(*sink, release, id);
    }
    conn->Exec("COMMIT");
    open = false;
    if (db_.dialect() == Dialect::kPostgresql) {
      // Fresh statistics for the look-ups that follow (autovacuum would take a while); the
      // release is saved already, so a failure here changes nothing.
      try {
        conn->Exec("ANALYZE norms, norm_resources, price_book, regional_current_prices");
      } catch (const std::exception&) {
        lease->MarkBroken();  // whatever went wrong, the next lease starts on a clean session
      }
    }
    return id;
  } catch (const std::exception& e) {
    if (open) {
      try {
        conn->Exec("ROLLBACK");
      } catch (const std::exception&) {
        lease->MarkBroken();
      }
    }
    return FromException(e, *lease, "saving base release \"" + release.info.name + "\"");
  }
}

Result<std::vector<normbase::ReleaseInfo>> BaseReleaseRepository::List() {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  try {
    std::vector<normbase::ReleaseInfo> out;
    long long id = 0;
    int addition = 0, active = 0;
    std::string name, level, imported;
    long long v[11] = {};
    soci::statement st =
        (s.prepare << "SELECT id, name, addition_number, price_level, imported_at, active, "
                      "norm_count, norm_resource_count, section_count, resource_count, "
                      "machine_count, material_count, equipment_count, tech_group_count, "
                      "coefficient_count, rate_count, regional_price_count FROM base_releases "
                      "ORDER BY id DESC",
         soci::into(id), soci::into(name), soci::into(addition), soci::into(level),
         soci::into(imported), soci::into(active), soci::into(v[0]), soci::into(v[1]),
         soci::into(v[2]), soci::into(v[3]), soci::into(v[4]), soci::into(v[5]), soci::into(v[6]),
         soci::into(v[7]), soci::into(v[8]), soci::into(v[9]), soci::into(v[10]));
    st.execute();
    while (st.fetch()) {
      normbase::ReleaseInfo& info = out.emplace_back();
      info.id = id, info.name = name, info.addition_number = addition;
      info.price_level = level, info.imported_at = imported, info.active = active != 0;
      normbase::ReleaseCounts& c = info.counts;
      std::size_t* fields[] = {&c.norms,        &c.norm_resources, &c.sections,  &c.resources,
                               &c.machines,     &c.materials,      &c.equipment, &c.tech_groups,
                               &c.coefficients, &c.rates,          &c.regional_prices};
      for (int i = 0; i < 11; ++i) *fields[i] = static_cast<std::size_t>(v[i]);
      info.state = info.active ? "active" : "draft";
    }
    {
      // Retired: activated once (an activation not rolled back, or rolled back), not now.
      long long activated = 0;
      soci::statement history =
          (s.prepare << "SELECT DISTINCT release_id FROM base_release_activations",
           soci::into(activated));
      history.execute();
      while (history.fetch()) {
        for (auto& info : out) {
          if (info.id == activated && !info.active) info.state = "retired";
        }
      }
      long long release = 0, count = 0;
      std::string family;
      soci::statement families =
          (s.prepare << "SELECT release_id, family, COUNT(*) FROM norms GROUP BY release_id, "
                        "family ORDER BY release_id, family",
           soci::into(release), soci::into(family), soci::into(count));
      families.execute();
      while (families.fetch()) {
        auto f = normbase::ParseFamily(family);
        if (!f) continue;
        for (auto& info : out) {
          if (info.id == release) info.norms_by_family.emplace_back(*f, static_cast<std::size_t>(count));
        }
      }
    }
    long long release = 0, bytes = 0;
    std::string file, sha, kind, decree;
    soci::statement files =
        (s.prepare << "SELECT release_id, name, sha256, bytes, kind, decree FROM "
                      "base_source_files ORDER BY release_id, ord",
         soci::into(release), soci::into(file), soci::into(sha), soci::into(bytes),
         soci::into(kind), soci::into(decree));
    files.execute();
    while (files.fetch()) {
      for (auto& info : out) {
        if (info.id == release) {
          info.sources.push_back({file, sha, static_cast<std::uint64_t>(bytes), kind, decree});
        }
      }
    }
    // Every release's territories in one pass, in the order of the unique key's index.
    std::unordered_map<std::int64_t, normbase::ReleaseInfo*> by_id;
    for (auto& info : out) by_id.emplace(info.id, &info);
    int zone = 0;
    std::string region_code, region_name, quarter;
    soci::statement territories =
        (s.prepare << "SELECT release_id, region_code, region_name, zone, quarter FROM "
                      "regional_prices ORDER BY release_id, region_code, zone, quarter",
         soci::into(release), soci::into(region_code), soci::into(region_name), soci::into(zone),
         soci::into(quarter));
    territories.execute();
    while (territories.fetch()) {
      if (auto it = by_id.find(release); it != by_id.end()) {
        it->second->territories.push_back({region_code, region_name, zone, quarter});
      }
    }
    return out;
  } catch (const std::exception& e) {
    return FromException(e, *lease, "listing base releases");
  }
}

Result<normbase::ReleaseCounts> BaseReleaseRepository::Counts(std::int64_t id) {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    long long v[11] = {};
    long long key = id;
    soci::indicator found = soci::i_null;
    lease->session() << "SELECT norm_count, norm_resource_count, section_count, resource_count, "
                        "machine_count, material_count, equipment_count, tech_group_count, "
                        "coefficient_count, rate_count, regional_price_count FROM base_releases "
                        "WHERE id = :id",
        soci::into(v[0], found), soci::into(v[1]), soci::into(v[2]), soci::into(v[3]),
        soci::into(v[4]), soci::into(v[5]), soci::into(v[6]), soci::into(v[7]), soci::into(v[8]),
        soci::into(v[9]), soci::into(v[10]), soci::use(key);
    if (!lease->session().got_data()) return NotFound("base release " + std::to_string(id));
    normbase::ReleaseCounts c;
    std::size_t* fields[] = {&c.norms,        &c.norm_resources, &c.sections,       &c.resources,
                             &c.machines,     &c.materials,      &c.equipment,      &c.tech_groups,
                             &c.coefficients, &c.rates,          &c.regional_prices};
    for (int i = 0; i < 11; ++i) *fields[i] = static_cast<std::size_t>(v[i]);
    return c;
  } catch (const std::exception& e) {
    return FromException(e, *lease, "counts of base release " + std::to_string(id));
  }
}

Result<std::shared_ptr<normbase::BaseRelease>> BaseReleaseRepository::Load(std::int64_t id) {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  auto conn = NativeConnection(db_.dialect(), lease->session());
  bool open = false;
  try {
    auto release = std::make_shared<normbase::BaseRelease>();
    conn->BeginSnapshot();
    open = true;
    ReadRelease(*conn, id, *release);
    open = false;
    conn->Exec("COMMIT");
    release->Finish();
    return release;
  } catch (const std::exception& e) {
    if (open) {
      try {
        conn->Exec("ROLLBACK");
      } catch (const std::exception&) {
        lease->MarkBroken();
      }
    }
    if (const auto* s = dynamic_cast<const StoreError*>(&e);
        s != nullptr && s->code() == StatusCode::kNotFound) {
      return NotFound(std::string(s->what()) + " does not exist");
    }
    return FromException(e, *lease, "loading base release " + std::to_string(id));
  }
}

Status BaseReleaseRepository::Activate(std::int64_t id) {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  try {
    WriteTransaction tx(s, db_.dialect());
    long long key = id;
    int active = 0;
    s << "SELECT active FROM base_releases WHERE id = :id", soci::into(active), soci::use(key);
    if (!s.got_data()) return NotFound("base release " + std::to_string(id) + " does not exist");
    if (active != 0) {
      tx.Commit();
      return Status::Ok();
    }
    const std::string now = UtcNow();
    s << "UPDATE base_releases SET active = 0 WHERE active = 1";
    s << "UPDATE base_releases SET active = 1 WHERE id = :id", soci::use(key);
    s << "INSERT INTO base_release_activations (release_id, activated_at) VALUES (:id, :at)",
        soci::use(key), soci::use(now);
    tx.Commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromException(e, *lease, "activating base release " + std::to_string(id));
  }
}

Status BaseReleaseRepository::Rollback() {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  try {
    WriteTransaction tx(s, db_.dialect());
    long long current = 0;
    s << "SELECT id FROM base_releases WHERE active = 1", soci::into(current);
    if (!s.got_data()) return FailedPrecondition("no base release is active");
    // The newest activation still standing of another release: deleted releases took their
    // activations with them, so it is the release in force before the current one.
    long long activation = 0, previous = 0;
    s << "SELECT id, release_id FROM base_release_activations WHERE rolled_back_at IS NULL AND "
         "release_id <> :current ORDER BY id DESC LIMIT 1",
        soci::into(activation), soci::into(previous), soci::use(current);
    if (!s.got_data()) {
      return FailedPrecondition("no earlier activation to roll back to; base release " +
                                std::to_string(current) + " stays active");
    }
    const std::string now = UtcNow();
    s << "UPDATE base_release_activations SET rolled_back_at = :at WHERE rolled_back_at IS NULL "
         "AND id > :activation",
        soci::use(now), soci::use(activation);
    s << "UPDATE base_releases SET active = 0 WHERE active = 1";
    s << "UPDATE base_releases SET active = 1 WHERE id = :id", soci::use(previous);
    tx.Commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromException(e, *lease, "rolling back the active base release");
  }
}

Result<std::optional<std::int64_t>> BaseReleaseRepository::ActiveId() {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  try {
    long long id = 0;
    s << "SELECT id FROM base_releases WHERE active = 1", soci::into(id);
    if (!s.got_data()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(id);
  } catch (const std::exception& e) {
    return FromException(e, *lease, "reading the active base release");
  }
}

Status BaseReleaseRepository::Delete(std::int64_t id) {
  auto lease = db_.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  try {
    WriteTransaction tx(s, db_.dialect());
    long long key = id;
    int active = 0;
    s << "SELECT active FROM base_releases WHERE id = :id", soci::into(active), soci::use(key);
    if (!s.got_data()) return NotFound("base release " + std::to_string(id) + " does not exist");
    if (active != 0) {
      return FailedPrecondition("base release " + std::to_string(id) +
                                " is active; activate another one before deleting it");
    }
    // norm_resources has no foreign key (see 0002); every other table follows by ON DELETE
    // CASCADE.
    s << "DELETE FROM norm_resources WHERE release_id = :id", soci::use(key);
    s << "DELETE FROM base_releases WHERE id = :id", soci::use(key);
    tx.Commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromException(e, *lease, "deleting base release " + std::to_string(id));
  }
}

}  // namespace estimate::store
