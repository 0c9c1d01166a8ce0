#include "api/base_routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <tuple>

#include "api/base_json.hpp"
#include "api/problem.hpp"
#include "normbase/pricing.hpp"
#include "normbase/search.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

http::Response JsonOk(const json::value& v) { return http::Response::Json(200, json::serialize(v)); }

Status NoActiveRelease() {
  return Unavailable(
      "no normative base release is active; import one with `estimate-service import PATH…`");
}

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

json::array HighlightsJson(const std::vector<normbase::Highlight>& highlights) {
  json::array a;
  for (const auto& h : highlights) a.push_back(json::array{h.begin, h.length});
  return a;
}

void AddSearchRoutes(http::Router& router, services::BaseService& base) {
  router.Add("GET", "/api/v1/norms", [&base](http::Request& req) {
    auto active = base.Active();
    if (!active->release) return ProblemOf(NoActiveRelease(), req);
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
    auto result = active->search->SearchNorms(q);
    json::array items;
    for (const auto& hit : result.hits) {
      json::object o = NormSummaryJson(*hit.norm);
      o["score"] = hit.score;
      o["exact_code"] = hit.exact_code;
      o["name_highlighted"] = normbase::MarkHighlights(hit.norm->name, hit.name_highlights);
      o["name_highlights"] = HighlightsJson(hit.name_highlights);
      if (!hit.snippet.empty()) {
        o["snippet_highlighted"] = normbase::MarkHighlights(hit.snippet, hit.snippet_highlights);
      }
      items.push_back(std::move(o));
    }
    json::array unknown;
    for (const auto& w : result.unknown_words) unknown.push_back(json::string(w));
    return JsonOk(json::object{{"items", std::move(items)},
                               {"total", result.total},
                               {"unknown_words", std::move(unknown)},
                               {"release", json::object{{"id", active->release->info.id},
                                                        {"name", active->release->info.name}}}});
  });

  router.Add("GET", "/api/v1/resources", [&base](http::Request& req) {
    auto active = base.Active();
    if (!active->release) return ProblemOf(NoActiveRelease(), req);
    normbase::SearchQuery q;
    if (Status s = SearchQueryOf(req, q); !s.ok()) return ProblemOf(s, req);
    if (const std::string kind = req.QueryParam("kind"); !kind.empty()) {
      if (kind == "machine") q.kind = core::ResourceKind::kMachine;
      else if (kind == "material") q.kind = core::ResourceKind::kMaterial;
      else if (kind == "equipment") q.kind = core::ResourceKind::kEquipment;
      else return BadRequest(req, "kind: \"" + kind + "\" is not one of machine, material, equipment");
    }
    auto result = active->search->SearchResources(q);
    json::array items;
    for (const auto& hit : result.hits) {
      json::object o = ResourceJson(*active->release, *hit.resource);
      o.erase("release");
      o["score"] = hit.score;
      o["exact_code"] = hit.exact_code;
      o["name_highlighted"] = normbase::MarkHighlights(hit.resource->name, hit.name_highlights);
      o["name_highlights"] = HighlightsJson(hit.name_highlights);
      items.push_back(std::move(o));
    }
    json::array unknown;
    for (const auto& w : result.unknown_words) unknown.push_back(json::string(w));
    return JsonOk(json::object{{"items", std::move(items)},
                               {"total", result.total},
                               {"unknown_words", std::move(unknown)}});
  });
}

}  // namespace

void AddBaseRoutes(http::Router& router, services::BaseService& base) {
  router.Add("GET", "/api/v1/releases", [&base](http::Request& req) {
    auto releases = base.Releases();
    if (!releases.ok()) return ProblemOf(releases.status(), req);
    json::array items;
    for (const auto& info : *releases) items.push_back(ReleaseInfoJson(info));
    return JsonOk(json::object{{"items", std::move(items)}});
  });

  router.Add("GET", "/api/v1/norms/{family}/{code}", [&base](http::Request& req) {
    auto active = base.Active();
    if (!active->release) return ProblemOf(NoActiveRelease(), req);
    const std::string& family_text = req.path_params.at("family");
    auto family = normbase::ParseFamily(family_text);
    if (!family) {
      return ProblemOf(NotFound("family \"" + family_text +
                                "\" is not one of ГЭСН, ГЭСНм, ГЭСНр, ГЭСНп, ГЭСНмр (gesn, "
                                "gesnm, gesnr, gesnp, gesnmr)"),
                       req);
    }
    const std::string& code = req.path_params.at("code");
    const normbase::Norm* norm = active->release->FindNorm(*family, code);
    if (norm == nullptr) {
      return ProblemOf(NotFound("norm " + std::string(normbase::FamilyPrefix(*family)) + code +
                                " is not in release " + active->release->info.name),
                       req);
    }
    auto pricing = PricingOf(req);
    if (!pricing.ok()) return ProblemOf(pricing.status(), req);
    json::object out = NormJson(*active->release, *norm);
    if (pricing->has_value()) {
      auto priced = normbase::PriceNorm(*active->release, *family, code, **pricing);
      if (!priced.ok()) return ProblemOf(priced.status(), req);
      auto priced_json = PricedJson(*priced);
      if (!priced_json.ok()) return ProblemOf(priced_json.status(), req);
      out["priced"] = std::move(*priced_json);
    }
    return JsonOk(out);
  });

  router.Add("GET", "/api/v1/resources/{code}", [&base](http::Request& req) {
    auto active = base.Active();
    if (!active->release) return ProblemOf(NoActiveRelease(), req);
    const std::string& code = req.path_params.at("code");
    const normbase::PriceBookEntry* entry = active->release->FindResource(code);
    if (entry == nullptr) {
      return ProblemOf(NotFound("resource " + code + " is not in release " +
                                active->release->info.name),
                       req);
    }
    auto pricing = PricingOf(req);
    if (!pricing.ok()) return ProblemOf(pricing.status(), req);
    json::object out = ResourceJson(*active->release, *entry);
    if (pricing->has_value()) {
      auto priced = normbase::PriceResource(*active->release, code, **pricing);
      if (!priced.ok()) return ProblemOf(priced.status(), req);
      auto priced_json = PricedJson(*priced);
      if (!priced_json.ok()) return ProblemOf(priced_json.status(), req);
      out["priced"] = std::move(*priced_json);
    }
    return JsonOk(out);
  });

  AddSearchRoutes(router, base);
}

}  // namespace estimate::api
