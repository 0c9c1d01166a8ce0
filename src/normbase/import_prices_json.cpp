// Regional prices in the shapes of the ФГИС ЦС API responses, for one region, price zone and
// quarter that the caller names (ImportOptions): the responses themselves do not carry them.
//
//   labour    {"items":[{"code":"1-100-38","salaryRateRank":"3.8","salary":"723.54"}, …]}
//   current   {"items":[{"items":[{"code":"91.05.05-015","estimatedPrice":"1783.88"}, …]}]}
//             (or the inner list directly)
//   transport {"load_works":[{"loadCode":"40-1","loadPrice":"67.99","unloadCode":…}],
//              "transport_…":[{"transportation1ClassCode":"02-15-1-01-0009",
//                              "price1Class":"210.11", …}]}
//
// Prices must be JSON strings (as the API writes them) or integers: a JSON number with a fraction
// has already been rounded to binary by the JSON parser and is refused.
//
// Labour: every code keeps its explicit price; Ц1 (the rank-1 price) is taken from the rank-1
// code 1-100-10 when present, else derived as the one value that reproduces every ranked price by
// round2(Ц1 × k(rank)) (methodology §2.5); when no value does, Ц1 stays unset with a warning and
// only the explicit prices apply.
#include <boost/json.hpp>

#include "normbase/import_internal.hpp"
#include "normbase/pricing.hpp"

namespace estimate::normbase::import {

namespace json = boost::json;

namespace {

using core::Decimal;

bool ValidQuarter(std::string_view q) {
  return q.size() == 7 && q[4] == '-' && q[5] == 'Q' && q[6] >= '1' && q[6] <= '4' && q[0] >= '1' &&
         q[0] <= '9' && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9' && q[3] >= '0' &&
         q[3] <= '9';
}

std::string_view StringOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  const json::string& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

class PricesImporter {
 public:
  PricesImporter(Context& ctx) : ctx_(ctx) {}

  // The RegionalPrices entry of the options' region, zone and quarter (created on first use).
  Status Target() {
    auto target = RegionalPricesOfOptions(ctx_);
    if (!target.ok()) return target.status();
    prices_ = *target;
    return Status::Ok();
  }

  // A price at `path`: a string or an integer.
  std::optional<Decimal> Price(const json::value* v, const std::string& path) {
    if (v != nullptr && v->is_string()) {
      const json::string& s = v->get_string();
      if (auto d = Context::ParseDecimal(std::string_view(s.data(), s.size())); d) return d;
      Fail(path + ": \"" + std::string(s.data(), s.size()) + "\" is not a decimal number");
      return std::nullopt;
    }
    if (v != nullptr && v->is_int64()) return Decimal::FromInt(v->get_int64());
    if (v != nullptr && v->is_uint64() && v->get_uint64() <= 0x7fffffffffffffffULL) {
      return Decimal::FromInt(static_cast<std::int64_t>(v->get_uint64()));
    }
    if (v != nullptr && v->is_double()) {
      Fail(path + ": a JSON number with a fraction cannot be read exactly; give it as a string");
    } else {
      Fail(path + ": no price");
    }
    return std::nullopt;
  }

  void Fail(std::string message) {
    if (!stop_.ok()) return;
    stop_ = ctx_.Error(0, std::move(message));
  }
  const Status& stop() const { return stop_; }

  // Adds code → price to `into`; the same code with another price is an error.
  void Put(std::unordered_map<std::string_view, Decimal>& into, std::string_view code,
           Decimal price, const std::string& path) {
    if (code.empty()) {
      Fail(path + ": no code");
      return;
    }
    auto [it, added] = into.emplace(ctx_.Intern(code), price);
    if (added) {
      ctx_.file().records += 1;
    } else if (it->second != price) {
      Fail(path + ": " + std::string(code) + " already has the price " + it->second.ToString() +
           " for this region and quarter");
    }
  }

  void Labor(const json::array& items) {
    struct Ranked {
      std::string_view code;
      Decimal rank, price;
    };
    std::vector<Ranked> ranked;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = "items[" + std::to_string(i) + "]";
      if (!items[i].is_object()) {
        Fail(path + ": not an object");
        continue;
      }
      const json::object& item = items[i].get_object();
      const std::string_view code = StringOf(item, "code");
      auto price = Price(item.if_contains("salary"), path + ".salary");
      if (!price) continue;
      Put(prices_->labor_prices, code, *price, path);
      Decimal rank = RankOfLaborCode(code);
      if (!rank.ok()) continue;
      if (auto stated = Context::ParseDecimal(StringOf(item, "salaryRateRank")); stated) {
        if (*stated != rank) {
          ctx_.Warn(0, path + ": salaryRateRank " + stated->ToString() + " differs from the rank " +
                           rank.ToString() + " of code " + std::string(code) +
                           "; the code's rank is used");
        }
      }
      ranked.push_back({code, rank, *price});
    }
    if (ranked.empty()) return;

    // Candidates for Ц1: the rank-1 price, else each ranked price divided back by its factor,
    // give or take a rounding step.
    std::vector<Decimal> candidates;
    for (const Ranked& r : ranked) {
      if (r.rank == Decimal::FromInt(1)) candidates.push_back(r.price);
    }
    const bool explicit_rank1 = !candidates.empty();
    if (!explicit_rank1) {
      for (const Ranked& r : ranked) {
        auto k = LaborPriceForRank(Decimal::FromInt(10000), r.rank);
        if (!k.ok()) continue;
        const Decimal factor = Decimal::Divide(*k, Decimal::FromInt(10000), 4);
        const Decimal guess = Decimal::Divide(r.price, factor, 2);
        for (int step = -2; step <= 2; ++step) {
          candidates.push_back(guess + Decimal::FromRaw(step, 2));
        }
      }
    }
    std::string mismatches;
    for (const Decimal& c : candidates) {
      mismatches.clear();
      for (const Ranked& r : ranked) {
        auto p = LaborPriceForRank(c, r.rank);
        if (!p.ok() || *p != r.price) {
          mismatches += " " + std::string(r.code) + " " + r.price.ToString() + " (formula " +
                        (p.ok() ? p->ToString() : std::string("—")) + ")";
        }
      }
      if (mismatches.empty() || explicit_rank1) {
        SetRank1(c);
        if (!mismatches.empty()) {
          ctx_.Warn(0, "labour prices that do not follow Ц1 " + c.ToString() +
                           " × k(rank); their explicit prices apply:" + mismatches);
        }
        return;
      }
    }
    ctx_.Warn(0,
              "no rank-1 price (Ц1) reproduces every labour price by rank; Ц1 is left unset "
              "and only the explicit prices apply");
  }

  void SetRank1(Decimal c) {
    if (prices_->rank1_labor_price.ok() && prices_->rank1_labor_price != c) {
      Fail("Ц1 " + c.ToString() + " differs from " + prices_->rank1_labor_price.ToString() +
           " imported before for this region and quarter");
      return;
    }
    prices_->rank1_labor_price = c;
  }

  void Current(const json::array& items, const std::string& prefix) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = prefix + "[" + std::to_string(i) + "]";
      if (!items[i].is_object()) {
        Fail(path + ": not an object");
        continue;
      }
      const json::object& item = items[i].get_object();
      if (const json::value* inner = item.if_contains("items"); inner && inner->is_array()) {
        Current(inner->get_array(), path + ".items");
        continue;
      }
      auto price = Price(item.if_contains("estimatedPrice"), path + ".estimatedPrice");
      if (price) Put(prices_->current_prices, StringOf(item, "code"), *price, path);
    }
  }

  // Pairs of "<x>Code" / "<x>Price" and "transportation<N>ClassCode" / "price<N>Class".
  void Transport(const json::object& root) {
    for (const auto& [key, value] : root) {
      if (!value.is_array()) continue;
      const std::string list(key);
      const json::array& rows = value.get_array();
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!rows[i].is_object()) continue;
        const json::object& row = rows[i].get_object();
        const std::string path = list + "[" + std::to_string(i) + "]";
        for (const auto& [field, code] : row) {
          std::string_view name(field.data(), field.size());
          if (!code.is_string() || name.size() <= 4 || name.substr(name.size() - 4) != "Code") {
            continue;
          }
          std::string price_key;
          if (name.starts_with("transportation") && name.ends_with("ClassCode")) {
            // transportation1ClassCode → price1Class
            std::string_view n = name.substr(14, name.size() - 14 - 9);
            price_key = "price" + std::string(n) + "Class";
          } else {
            price_key = std::string(name.substr(0, name.size() - 4)) + "Price";
          }
          if (!row.contains(price_key)) continue;
          auto price = Price(row.if_contains(price_key), path + "." + price_key);
          const json::string& c = code.get_string();
          if (price) {
            Put(prices_->current_prices, std::string_view(c.data(), c.size()), *price, path);
          }
        }
      }
    }
  }

 private:
  Context& ctx_;
  RegionalPrices* prices_ = nullptr;
  Status stop_;
};

}  // namespace

Status ImportPricesJson(std::string_view bytes, Context& ctx, std::string* kind) {
  *kind = "";
  json::error_code ec;
  json::value doc = json::parse(json::string_view(bytes.data(), bytes.size()), ec);
  if (ec) return InvalidArgument(ctx.file_name() + ": not valid JSON: " + ec.message());
  if (!doc.is_object()) return Status::Ok();
  const json::object& root = doc.get_object();

  const json::array* items = nullptr;
  if (const json::value* v = root.if_contains("items"); v && v->is_array()) items = &v->get_array();
  auto first_has = [&](std::string_view key) {
    return items != nullptr && !items->empty() && (*items)[0].is_object() &&
           (*items)[0].get_object().contains(key);
  };
  bool transport = root.contains("load_works");
  for (const auto& [key, value] : root) {
    if (std::string_view(key.data(), key.size()).starts_with("transport_")) transport = true;
  }
  if (first_has("salary")) {
    *kind = "labor_prices";
  } else if (first_has("estimatedPrice") || first_has("items")) {
    *kind = "current_prices";
  } else if (transport) {
    *kind = "transport_prices";
  } else {
    return Status::Ok();
  }

  PricesImporter importer(ctx);
  if (Status s = importer.Target(); !s.ok()) return s;
  if (*kind == "labor_prices") {
    importer.Labor(*items);
  } else if (*kind == "current_prices") {
    importer.Current(*items, "items");
  } else {
    importer.Transport(root);
  }
  return importer.stop();
}

Result<RegionalPrices*> RegionalPricesOfOptions(Context& ctx) {
  const ImportOptions& o = ctx.options;
  std::string missing;
  if (o.region_code.empty()) missing += " region code,";
  if (o.zone < 1) missing += " price zone,";
  if (!ValidQuarter(o.quarter)) missing += " quarter (\"2025-Q2\"),";
  if (!missing.empty()) {
    missing.pop_back();
    return InvalidArgument(ctx.file_name() +
                           ": a regional price file needs the region, zone and quarter it is "
                           "for, and the file does not name them; missing from the import "
                           "options:" +
                           missing);
  }
  for (RegionalPrices& p : ctx.release.prices) {
    if (p.region_code == o.region_code && p.zone == o.zone && p.quarter == o.quarter) return &p;
  }
  RegionalPrices& p = ctx.release.prices.emplace_back();
  p.region_code = ctx.Intern(o.region_code);
  p.region_name = ctx.Intern(o.region_name);
  p.zone = o.zone;
  p.quarter = ctx.Intern(o.quarter);
  p.rank1_labor_price = Decimal::Invalid();
  return &p;
}

}  // namespace estimate::normbase::import
