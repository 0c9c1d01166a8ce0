#include "api/auth_routes.hpp"

#include <boost/json.hpp>

#include "api/audit_json.hpp"
#include "api/problem.hpp"
#include "core/clock.hpp"
#include "services/audit_types.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A required string field: 400 naming it when absent or not a string.
std::optional<std::string> RequiredText(const http::Request& req, const json::object& o,
                                        std::string_view key, http::Response& error) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    error = BadRequest(req, std::string(key) + ": is required as a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

json::object UserJson(const services::UserView& u) {
  return {{"id", u.id}, {"email", u.email}, {"display_name", u.display_name}, {"active", u.active}};
}

json::object MembershipJson(const services::MembershipView& m) {
  return {{"id", m.organization_id}, {"name", m.organization_name}, {"role", auth::RoleName(m.role)}};
}

json::object MemberJson(const services::MemberView& m) {
  return {{"id", m.user_id},
          {"email", m.email},
          {"display_name", m.display_name},
          {"active", m.active},
          {"role", auth::RoleName(m.role)}};
}

http::Response SessionAnswer(const services::SessionInfo& s) {
  const auto now = core::NowSeconds(telemetry::SystemClock()).time_since_epoch().count();
  json::object o{{"token_type", "Bearer"},
                 {"access_token", s.tokens.access_token},
                 {"expires_in", std::max<std::int64_t>(std::int64_t{0}, s.tokens.access_expires.time_since_epoch().count() - now)},
                 {"refresh_token", s.tokens.refresh_token},
                 {"refresh_expires_in",
                  std::max<std::int64_t>(std::int64_t{0}, s.tokens.refresh_expires.time_since_epoch().count() - now)},
                 {"user", UserJson(s.user)},
                 {"organization", MembershipJson(s.membership)},
                 {"role", auth::RoleName(s.membership.role)}};
  http::Response r = http::Response::Json(200, json::serialize(o));
  r.headers.emplace_back("cache-control", "no-store");
  return r;
}

http::Response Unauthorized(const http::Request& req, const Status& s) {
  http::Response r = ProblemOf(s, req);
  if (r.status == 401) r.headers.emplace_back("www-authenticate", "Bearer realm=\"estimate-service\"");
  return r;
}

std::optional<auth::Role> RoleField(const http::Request& req, const json::object& o,
                                    http::Response& error) {
  auto name = RequiredText(req, o, "role", error);
  if (!name) return std::nullopt;
  auto role = auth::ParseRole(*name);
  if (!role) error = BadRequest(req, "role: expected admin, estimator, reviewer or viewer");
  return role;
}

}  // namespace

void AddAuthRoutes(http::Router& router, const AuthContext& context,
                   services::AuthService& auth_service, services::AccountService& accounts,
                   services::EstimateServices& estimates) {
  router.Add("POST", "/api/v1/auth/login", [&auth_service](http::Request& req) {
    http::Response error;
    auto body = JsonObjectBody(req, error);
    if (!body) return error;
    const json::object& o = body->get_object();
    auto email = RequiredText(req, o, "email", error);
    if (!email) return error;
    auto password = RequiredText(req, o, "password", error);
    if (!password) return error;
    services::LoginRequest login{*email, *password, std::nullopt, req.remote_address,
                                 req.request_id};
    if (const json::value* org = o.if_contains("organization_id"); org && !org->is_null()) {
      if (!org->is_int64() || org->get_int64() <= 0) {
        return BadRequest(req, "organization_id: expected a positive integer");
      }
      login.organization_id = org->get_int64();
    }
    auto outcome = auth_service.Login(login);
    if (!outcome.status.ok()) {
      http::Response r = Unauthorized(req, outcome.status);
      if (outcome.retry_after.count() > 0) {
        r.headers.emplace_back("retry-after", std::to_string(outcome.retry_after.count()));
      }
      return r;
    }
    return SessionAnswer(*outcome.session);
  });

  router.Add("POST", "/api/v1/auth/refresh", [&auth_service](http::Request& req) {
    http::Response error;
    auto body = JsonObjectBody(req, error);
    if (!body) return error;
    auto token = RequiredText(req, body->get_object(), "refresh_token", error);
    if (!token) return error;
    auto session = auth_service.Refresh(*token);
    if (!session.ok()) return Unauthorized(req, session.status());
    return SessionAnswer(*session);
  });

  router.Add("POST", "/api/v1/auth/logout", [&auth_service](http::Request& req) {
    http::Response error;
    auto body = JsonObjectBody(req, error);
    if (!body) return error;
    auto token = RequiredText(req, body->get_object(), "refresh_token", error);
    if (!token) return error;
    if (Status s = auth_service.Logout(*token); !s.ok()) return Unauthorized(req, s);
    return http::Response::Text(204, "");
  });

  router.Add("GET", "/api/v1/auth/me",
             Guarded(context, [&auth_service](http::Request& req, const services::Actor& actor) {
               auto me = auth_service.Me(actor);
               if (!me.ok()) return Unauthorized(req, me.status());
               json::array all;
               for (const auto& m : me->memberships) all.push_back(MembershipJson(m));
               json::array invitations;
               for (const auto& m : me->invitations) invitations.push_back(MembershipJson(m));
               json::object o{{"user", UserJson(me->user)},
                              {"organization", MembershipJson(me->membership)},
                              {"role", auth::RoleName(actor.role)},
                              {"memberships", std::move(all)},
                              {"invitations", std::move(invitations)}};
               return http::Response::Json(200, json::serialize(o));
             }));

  router.Add("POST", "/api/v1/auth/invitations/{organization_id}/accept",
             Guarded(context, [&accounts](http::Request& req, const services::Actor& actor) {
               auto org = PathId(req, "organization_id");
               if (!org) return NotFoundPath(req, "invitation");
               auto joined = accounts.AcceptInvitation(actor, *org);
               if (!joined.ok()) return ProblemOf(joined.status(), req);
               return http::Response::Json(200, json::serialize(MembershipJson(*joined)));
             }));

  router.Add("GET", "/api/v1/users",
             Guarded(context, [&accounts](http::Request& req, const services::Actor& actor) {
               auto members = accounts.ListMembers(actor);
               if (!members.ok()) return ProblemOf(members.status(), req);
               json::array out;
               for (const auto& m : *members) out.push_back(MemberJson(m));
               return http::Response::Json(200, json::serialize(out));
             }));

  router.Add("POST", "/api/v1/users",
             Guarded(context, [&accounts](http::Request& req, const services::Actor& actor) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               const json::object& o = body->get_object();
               services::NewMember member;
               auto email = RequiredText(req, o, "email", error);
               if (!email) return error;
               auto password = RequiredText(req, o, "password", error);
               if (!password) return error;
               auto role = RoleField(req, o, error);
               if (!role) return error;
               member.email = *email;
               member.password = *password;
               member.display_name = Text(o, "display_name");
               member.role = *role;
               auto added = accounts.AddMember(actor, member);
               if (!added.ok()) return ProblemOf(added.status(), req);
               if (added->invited) {
                 // The address has an account elsewhere: invited, and nothing else said of it.
                 json::object o{{"email", added->member.email},
                                {"role", auth::RoleName(added->member.role)},
                                {"status", "invited"},
                                {"detail", "the account joins once its owner accepts the "
                                           "invitation (POST /api/v1/auth/invitations/"
                                           "{organization_id}/accept)"}};
                 return http::Response::Json(202, json::serialize(o));
               }
               return http::Response::Json(201, json::serialize(MemberJson(added->member)));
             }));

  router.Add("PATCH", "/api/v1/users/{id}",
             Guarded(context, [&accounts](http::Request& req, const services::Actor& actor) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "user");
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               auto role = RoleField(req, body->get_object(), error);
               if (!role) return error;
               auto member = accounts.ChangeRole(actor, *id, *role);
               if (!member.ok()) return ProblemOf(member.status(), req);
               return http::Response::Json(200, json::serialize(MemberJson(*member)));
             }));

  router.Add("DELETE", "/api/v1/users/{id}",
             Guarded(context, [&accounts](http::Request& req, const services::Actor& actor) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "user");
               if (Status s = accounts.RemoveMember(actor, *id); !s.ok()) return ProblemOf(s, req);
               return http::Response::Text(204, "");
             }));

  router.Add("GET", "/api/v1/audit",
             Guarded(context, [&estimates](http::Request& req, const services::Actor& actor) {
               services::AuditFilter q;
               if (auto v = req.QueryParam("entity_type"); !v.empty()) q.entity_type = v;
               if (auto v = req.QueryParam("entity_id"); !v.empty()) q.entity_id = v;
               if (auto v = req.QueryParam("actor"); !v.empty()) {
                 auto id = services::ParseId(v);
                 if (!id) return BadRequest(req, "actor: expected a user id");
                 q.actor_user_id = *id;
               }
               for (auto [name, field] :
                    {std::pair<const char*, std::optional<core::Timestamp>*>{"from", &q.from},
                     {"to", &q.to}}) {
                 if (auto v = req.QueryParam(name); !v.empty()) {
                   auto t = core::ParseUtcTimestamp(v);
                   if (!t.ok()) {
                     return BadRequest(req, std::string(name) +
                                                ": expected a UTC time such as "
                                                "2026-11-26T10:00:00.000Z");
                   }
                   *field = *t;
                 }
               }
               for (auto [name, field] : {std::pair<const char*, int*>{"limit", &q.limit},
                                          {"offset", &q.offset}}) {
                 if (auto v = req.QueryParam(name); !v.empty()) {
                   try {
                     std::size_t used = 0;
                     *field = std::stoi(v, &used);
                     if (used != v.size()) throw std::invalid_argument(v);
                   } catch (const std::exception&) {
                     return BadRequest(req, std::string(name) + ": expected a whole number");
                   }
                 }
               }
               auto records = estimates.history.Audit(actor, q);
               if (!records.ok()) return ProblemOf(records.status(), req);
               return http::Response::Json(200, json::serialize(AuditEntriesJson(*records)));
             }));
}

}  // namespace estimate::api
