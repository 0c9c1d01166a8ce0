#include "api/collector_routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "api/problem.hpp"
#include "normbase/regions.hpp"
#include "wire/base_json.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

using services::Actor;

http::Response JsonOk(int status, const json::value& v) {
  return http::Response::Json(status, json::serialize(v));
}

json::value OptionalString(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object JobJson(const services::CollectorJobView& v, bool whole) {
  json::object o{{"id", v.id},
                 {"what", v.what},
                 {"origin", v.origin},
                 {"status", v.status},
                 {"instance", v.instance},
                 {"created_at", v.created_at},
                 {"started_at", OptionalString(v.started_at)},
                 {"finished_at", OptionalString(v.finished_at)},
                 {"duration_ms", v.duration_ms()},
                 {"release_id", v.release_id ? json::value(*v.release_id) : json::value(nullptr)},
                 {"activated", v.activated},
                 {"summary", v.summary},
                 {"requests", v.requests},
                 {"retries", v.retries},
                 {"bytes", v.bytes},
                 {"error", v.error.empty() ? json::value(nullptr) : json::value(v.error)}};
  if (!v.territory.empty()) o["territory"] = v.territory;
  if (v.requested_by) o["requested_by"] = *v.requested_by;
  if (whole) {
    o["log"] = v.log;
    json::array files;
    for (const auto& f : v.files) {
      files.push_back(json::object{{"source", f.source},
                                   {"name", f.name},
                                   {"url", f.url},
                                   {"version", f.version},
                                   {"bytes", f.bytes},
                                   {"sha256", f.sha256},
                                   {"state", f.state}});
    }
    o["files"] = std::move(files);
  }
  return o;
}

json::value DecimalJson(core::Decimal d) { return d.ok() ? json::value(d.ToString()) : json::value(nullptr); }

json::object PriceChangeJson(const collector::PriceChange& c) {
  return json::object{{"code", c.code},
                      {"name", c.name},
                      {"before", DecimalJson(c.before)},
                      {"after", DecimalJson(c.after)},
                      {"percent", DecimalJson(c.percent)}};
}

json::object TerritoryJson(const normbase::PricedTerritory& t) {
  json::object o{{"region", t.region_code}, {"zone", std::to_string(t.zone)}, {"quarter", t.quarter}};
  // A set whose files gave no name: the official name of its code.
  const std::string name = t.region_name.empty() ? std::string(normbase::RegionName(t.region_code)) : t.region_name;
  if (!name.empty()) o["region_name"] = name;
  return o;
}

json::object CountsJson(const normbase::ReleaseCounts& c) {
  return json::object{{"norms", c.norms},         {"norm_resources", c.norm_resources},
                      {"resources", c.resources}, {"machines", c.machines},
                      {"materials", c.materials}, {"equipment", c.equipment},
                      {"tech_groups", c.tech_groups}, {"coefficients", c.coefficients},
                      {"rates", c.rates},         {"price_sets", c.regional_prices}};
}

json::object DiffJson(const services::ReleaseDiffView& v) {
  const collector::ReleaseDiff& d = v.diff;
  json::array norms;
  for (const auto& n : d.norms) {
    json::object o{{"family", std::string(normbase::FamilyId(n.family))},
                   {"code", n.code},
                   {"full_code", normbase::PrintedCode(n.family, n.code)},
                   {"name", n.name},
                   {"change", n.change}};
    if (!n.detail.empty()) o["detail"] = n.detail;
    norms.push_back(std::move(o));
  }
  json::array base_prices;
  for (const auto& c : d.base_prices) base_prices.push_back(PriceChangeJson(c));
  json::array sets;
  for (const auto& s : d.price_sets) {
    json::array moved;
    for (const auto& c : s.moved_prices) moved.push_back(PriceChangeJson(c));
    json::object o{{"territory", TerritoryJson(s.territory)},
                   {"compared_with", s.compared_with ? json::value(TerritoryJson(*s.compared_with))
                                                     : json::value(nullptr)},
                   {"state", s.only_in_against ? "removed"
                             : !s.compared_with ? "new"
                             : s.compared_with->quarter == s.territory.quarter ? "same_quarter"
                                                                              : "new_quarter"},
                   {"prices", s.prices},
                   {"added", s.added},
                   {"removed", s.removed},
                   {"changed", s.changed},
                   {"moved", s.moved},
                   {"moved_prices", std::move(moved)}};
    sets.push_back(std::move(o));
  }
  return json::object{
      {"release", wire::ReleaseInfoJson(v.release)},
      {"against", wire::ReleaseInfoJson(v.against)},
      {"threshold_percent", DecimalJson(d.threshold_percent)},
      {"empty", d.Empty()},
      {"truncated", d.truncated},
      {"counts", CountsJson(d.counts)},
      {"against_counts", CountsJson(d.against_counts)},
      {"norms", json::object{{"added", d.norms_added},
                             {"removed", d.norms_removed},
                             {"changed", d.norms_changed},
                             {"items", std::move(norms)}}},
      {"resources", json::object{{"added", d.resources_added},
                                 {"removed", d.resources_removed},
                                 {"repriced", d.resources_repriced},
                                 {"items", std::move(base_prices)}}},
      {"price_sets", std::move(sets)}};
}

bool ParseInt(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

void AddCollectorRoutes(http::Router& router, const AuthContext& context,
                        services::CollectorService& collector) {
  router.Add("GET", "/api/v1/releases/{id}/diff",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "release");
               std::int64_t against = 0;
               if (const std::string a = req.QueryParam("against"); !a.empty()) {
                 std::int64_t n = 0;
                 auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
                 if (ec != std::errc() || p != a.data() + a.size() || n <= 0) {
                   return BadRequest(req, "against: \"" + a + "\" is not a release id");
                 }
                 against = n;
               }
               auto diff = collector.Diff(actor, *id, against);
               if (!diff.ok()) return ProblemOf(diff.status(), req);
               return JsonOk(200, DiffJson(*diff));
             }));
  router.Add("POST", "/api/v1/releases/{id}/activate",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "release");
               auto info = collector.Activate(actor, *id);
               if (!info.ok()) return ProblemOf(info.status(), req);
               return JsonOk(200, wire::ReleaseInfoJson(*info));
             }));
  router.Add("POST", "/api/v1/releases/rollback",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               auto info = collector.Rollback(actor);
               if (!info.ok()) return ProblemOf(info.status(), req);
               return JsonOk(200, wire::ReleaseInfoJson(*info));
             }));
  router.Add("GET", "/api/v1/collector/jobs",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               int limit = 50, offset = 0;
               for (auto [name, target] : {std::pair{"limit", &limit}, std::pair{"offset", &offset}}) {
                 const std::string v = req.QueryParam(name);
                 if (!v.empty() && !ParseInt(v, *target)) {
                   return BadRequest(req, std::string(name) + ": \"" + v + "\" is not a whole number");
                 }
               }
               auto jobs = collector.Jobs(actor, limit, offset);
               if (!jobs.ok()) return ProblemOf(jobs.status(), req);
               json::array items;
               for (const auto& j : *jobs) items.push_back(JobJson(j, false));
               const auto& s = collector.settings();
               return JsonOk(200, json::object{{"items", std::move(items)},
                                               {"limit", limit},
                                               {"offset", offset},
                                               {"source", s.base_url}});
             }));
  router.Add("GET", "/api/v1/collector/jobs/{id}",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "collector job");
               auto job = collector.Job(actor, *id);
               if (!job.ok()) return ProblemOf(job.status(), req);
               return JsonOk(200, JobJson(*job, true));
             }));
  router.Add("POST", "/api/v1/collector/jobs",
             Guarded(context, [&collector](http::Request& req, const Actor& actor) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               services::CollectRequest r;
               const json::object& o = body->as_object();
               for (auto [key, out] : {std::pair{"what", &r.what}, std::pair{"region", &r.region},
                                       std::pair{"quarter", &r.quarter}}) {
                 if (const json::value* x = o.if_contains(key); x != nullptr && !x->is_null()) {
                   if (!x->is_string()) return BadRequest(req, std::string(key) + ": expected a string");
                   *out = std::string(x->get_string());
                 }
               }
               if (const json::value* x = o.if_contains("zone"); x != nullptr && !x->is_null()) {
                 int zone = 0;
                 if (x->is_int64()) {
                   if (x->get_int64() < 1 || x->get_int64() > 99) return BadRequest(req, "zone: expected a price zone number, 1–99");
                   zone = static_cast<int>(x->get_int64());
                 } else if (!x->is_string() || !ParseInt(std::string(x->get_string()), zone)) {
                   return BadRequest(req, "zone: expected a price zone number");
                 }
                 r.zone = zone;
               }
               if (!r.region.empty() && r.zone == 0) r.zone = 1;
               auto job = collector.Queue(actor, std::move(r));
               if (!job.ok()) return ProblemOf(job.status(), req);
               http::Response res = JsonOk(202, JobJson(*job, true));
               res.headers.emplace_back("location", "/api/v1/collector/jobs/" + std::to_string(job->id));
               return res;
             }));
}

}  // namespace estimate::api
