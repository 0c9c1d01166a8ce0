#include "api/base_routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <optional>
#include <tuple>
#include <utility>

#include "api/base_json.hpp"
#include "api/problem.hpp"
#include "services/base_pricing.hpp"
#include "services/base_search.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

http::Response JsonOk(const json::value& v) { return http::Response::Json(200, json::serialize(v)); }

bool ParseInt(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The pricing parameters of a query, if any were given. Errors name the parameter.
Result<std::optional<normbase::PricingRequest>> PricingOf(const http::Request& req) {
  normbase::PricingRequest p;
  p.region = req.QueryParam("region");
  p.quarter = req.QueryParam("quarter");
  const std::string zone = req.QueryParam("zone");
  const std::string quantity = req.QueryParam("quantity");
  const std::string territory = req.QueryParam("territory");
  if (p.region.empty() && p.quarter.empty()) {
    if (!zone.empty() || !quantity.empty() || !territory.empty()) {
      return InvalidArgument("region, quarter: required to price (zone, quantity, territory given)");
    }
    return std::optional<normbase::PricingRequest>();
  }
  if (p.region.empty()) return InvalidArgument("region: is required with quarter");
  if (p.quarter.empty()) return InvalidArgument("quarter: is required with region (e.g. 2025-Q2)");
  if (!zone.empty() && (!ParseInt(zone, p.zone) || p.zone < 1 || p.zone > 99)) {
    return InvalidArgument("zone: \"" + zone + "\" is not a price zone number");
  }
  if (!territory.empty() && (!ParseInt(territory, p.territory) || p.territory < 1 ||
                             p.territory > 3)) {
    return InvalidArgument("territory: \"" + territory + "\" is not 1, 2 or 3");
  }
  if (!quantity.empty()) {
    auto q = core::Decimal::Parse(quantity);
    if (!q.ok() || q->IsNegative() || q->IntegerDigits() > 15) {
      return InvalidArgument("quantity: \"" + quantity + "\" is not a non-negative decimal");
    }
    p.quantity = *q;
  }
  return std::optional<normbase::PricingRequest>(std::move(p));
}

// limit, offset and the filters common to both searches. Errors name the parameter.
Status SearchQueryOf(const http::Request& req, normbase::SearchQuery& q) {
  q.text = req.QueryParam("q");
  q.unit = req.QueryParam("unit");
  for (auto [name, target, max] : {std::tuple{"limit", &q.limit, 100}, std::tuple{"offset", &q.offset, 100000}}) {
    const std::string v = req.QueryParam(name);
    if (v.empty()) continue;
    if (!ParseInt(v, *target) || *target < 0 || *target > max) {
      return InvalidArgument(std::string(name) + ": \"" + v + "\" is not a whole number from 0 to " +
                             std::to_string(max));
    }
  }
  return Status::Ok();
}

void AddSearchRoutes(http::Router& router, services::BaseService& base) {
  router.Add("GET", "/api/v1/norms", [&base](http::Request& req) {
    auto active = base.Current();
    if (!active.ok()) return ProblemOf(active.status(), req);
    normbase::SearchQuery q;
    if (Status s = SearchQueryOf(req, q); !s.ok()) return ProblemOf(s, req);
    q.collection = req.QueryParam("collection");
    if (const std::string family = req.QueryParam("family"); !family.empty()) {
      q.family = normbase::ParseFamily(family);
      if (!q.family) {
        return BadRequest(req, "family: \"" + family + "\" is not one of gesn, gesnm, gesnr, gesnp, "
                               "gesnmr (or ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр)");
      }
    }
    return JsonOk(NormSearchJson(services::SearchNorms(**active, q)));
  });

  router.Add("GET", "/api/v1/resources", [&base](http::Request& req) {
    auto active = base.Current();
    if (!active.ok()) return ProblemOf(active.status(), req);
    normbase::SearchQuery q;
    if (Status s = SearchQueryOf(req, q); !s.ok()) return ProblemOf(s, req);
    if (const std::string kind = req.QueryParam("kind"); !kind.empty()) {
      if (kind == "machine") q.kind = core::ResourceKind::kMachine;
      else if (kind == "material") q.kind = core::ResourceKind::kMaterial;
      else if (kind == "equipment") q.kind = core::ResourceKind::kEquipment;
      else return BadRequest(req, "kind: \"" + kind + "\" is not one of machine, material, equipment");
    }
    return JsonOk(ResourceSearchJson(services::SearchResources(**active, q)));
  });
}

}  // namespace

void AddBaseRoutes(http::Router& router, services::BaseService& base) {
  router.Add("GET", "/api/v1/releases", [&base](http::Request& req) {
    auto releases = base.Releases();
    if (!releases.ok()) return ProblemOf(releases.status(), req);
    return JsonOk(ReleasesJson(*releases));
  });

  router.Add("GET", "/api/v1/norms/{family}/{code}", [&base](http::Request& req) {
    auto active = base.Current();
    if (!active.ok()) return ProblemOf(active.status(), req);
    const std::string& family_text = req.path_params.at("family");
    auto family = normbase::ParseFamily(family_text);
    if (!family) {
      return ProblemOf(NotFound("family \"" + family_text +
                                "\" is not one of ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр (gesn, "
                                "gesnm, gesnr, gesnp, gesnmr)"),
                       req);
    }
    const std::string& code = req.path_params.at("code");
    auto card = services::FindNorm(**active, *family, code);
    if (!card.ok()) return ProblemOf(card.status(), req);
    auto pricing = PricingOf(req);
    if (!pricing.ok()) return ProblemOf(pricing.status(), req);
    std::optional<services::PricedView> priced;
    if (pricing->has_value()) {
      auto p = services::PriceNorm(**active, *family, code, **pricing);
      if (!p.ok()) return ProblemOf(p.status(), req);
      priced = std::move(p).value();
    }
    return JsonOk(NormCardJson(*card, priced));
  });

  router.Add("GET", "/api/v1/resources/{code}", [&base](http::Request& req) {
    auto active = base.Current();
    if (!active.ok()) return ProblemOf(active.status(), req);
    const std::string& code = req.path_params.at("code");
    auto card = services::FindResource(**active, code);
    if (!card.ok()) return ProblemOf(card.status(), req);
    auto pricing = PricingOf(req);
    if (!pricing.ok()) return ProblemOf(pricing.status(), req);
    std::optional<services::PricedView> priced;
    if (pricing->has_value()) {
      auto p = services::PriceResource(**active, code, **pricing);
      if (!p.ok()) return ProblemOf(p.status(), req);
      priced = std::move(p).value();
    }
    return JsonOk(ResourceCardJson(*card, priced));
  });

  AddSearchRoutes(router, base);
}

}  // namespace estimate::api
