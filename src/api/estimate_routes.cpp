#include "api/estimate_routes.hpp"

#include <boost/json.hpp>

#include <cctype>

#include "api/assistant_json.hpp"
#include "api/attachment_routes.hpp"
#include "api/job_routes.hpp"
#include "api/problem.hpp"
#include "api/request_contract.hpp"
#include "http/multipart.hpp"
#include "services/auth_service.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

using services::Actor;
using services::EditOutcome;
using services::EstimateServices;

http::Response JsonAnswer(int status, std::string body) {
  return http::Response::Json(status, std::move(body));
}

http::Response Answer(const Result<std::string>& r, const http::Request& req, int status = 200) {
  if (!r.ok()) return ProblemOf(r.status(), req);
  return JsonAnswer(status, r.value());
}

http::Response Edited(const Result<EditOutcome>& r, const http::Request& req, int status = 200) {
  if (!r.ok()) return ProblemOf(r.status(), req);
  http::Response response = JsonAnswer(status, r->json);
  response.headers.emplace_back("etag", VersionTag(r->version));
  return response;
}

http::Response NoContent() { return http::Response::Text(204, ""); }

// A section or position named in the path that the estimate does not have is 404, like any
// other missing resource (in a batch body it is a 400 naming the field). The id came from the
// path, so an error about that field (the service's typed field()) can only mean it is missing.
Result<EditOutcome> PathItem(Result<EditOutcome> r, const std::string& field) {
  if (!r.ok() && r.status().code() == StatusCode::kInvalidArgument && r.status().field() == field) {
    return NotFound(r.status().message().substr(field.size() + 2));
  }
  return r;
}

std::optional<std::string> NameOf(const http::Request& req, const json::value& body,
                                  http::Response& error) {
  const json::value* v = body.get_object().if_contains("name");
  if (v == nullptr || !v->is_string()) {
    error = BadRequest(req, "name: is required as a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

// The body as one op of the given kind, with the path parameters added to it.
std::string OneOp(json::object body, const char* op,
                  std::initializer_list<std::pair<const char*, std::int64_t>> ids) {
  body["op"] = op;
  for (const auto& [key, id] : ids) body[key] = id;
  return json::serialize(json::array{std::move(body)});
}

std::string SummaryOf(const json::object& o) {
  const json::value* v = o.if_contains("summary");
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Runs `work` (reading or writing a whole document) within the heavy-work cap of the context.
template <typename Work>
http::Response Heavily(const AuthContext& context, const http::Request& req, const Actor& a,
                       Work work) {
  if (context.heavy == nullptr) return work();
  http::Response refusal;
  auto slot = context.heavy->TryAcquire(a.organization_id, req, refusal);
  if (!slot) return refusal;
  return work();
}

// Routes of one kind of id: `handler(req, actor, id)`.
template <typename Fn>
http::Handler WithId(const AuthContext& context, const char* what, Fn fn) {
  return Guarded(context, [what, fn](http::Request& req, const Actor& actor) {
    auto id = PathId(req, "id");
    if (!id) return NotFoundPath(req, what);
    return fn(req, actor, *id);
  });
}

// Estimate writes: `fn(req, actor, id, expected_version, body)`.
template <typename Fn>
http::Handler Write(const AuthContext& context, bool needs_body, Fn fn) {
  return WithId(context, "estimate",
                [needs_body, fn](http::Request& req, const Actor& actor, std::int64_t id) {
                  http::Response error;
                  json::value body = json::object();
                  if (needs_body) {
                    auto parsed = JsonObjectBody(req, error);
                    if (!parsed) return error;
                    body = std::move(*parsed);
                  }
                  auto version = IfMatchVersion(req, error);
                  if (!version) return error;
                  return fn(req, actor, id, *version, body.get_object());
                });
}

// A handler whose body is {"name": …}: `fn(req, actor, id, name)`.
template <typename Fn>
http::Handler WithName(const AuthContext& context, const char* what, Fn fn) {
  return WithId(context, what, [fn](http::Request& req, const Actor& actor, std::int64_t id) {
    http::Response error;
    auto body = JsonObjectBody(req, error);
    if (!body) return error;
    auto name = NameOf(req, *body, error);
    if (!name) return error;
    return fn(req, actor, id, *name);
  });
}

// The answer with the ETag of the entity's "version" (a project, an object).
http::Response Versioned(http::Response r) {
  if (r.status != 200) return r;
  boost::system::error_code ec;
  const json::value v = json::parse(r.body, ec);
  if (const json::value* version = !ec && v.is_object() ? v.get_object().if_contains("version")
                                                         : nullptr;
      version != nullptr && version->is_int64()) {
    r.headers.emplace_back("etag", VersionTag(version->as_int64()));
  }
  return r;
}

// GET, PATCH (rename) and DELETE of a named level of the catalog (a project, an object) at
// `path`.
void AddNamedEntityRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                          const std::string& path, const char* what,
                          services::CatalogLevel level) {
  router.Add("GET", path,
             WithId(context, what, [&s, level](http::Request& req, const Actor& a, std::int64_t id) {
               return Versioned(Answer(s.catalog.Get(a, level, id), req));
             }));
  // A rename names the version it was based on (If-Match), as estimate writes do.
  router.Add("PATCH", path,
             WithName(context, what,
                      [&s, level](http::Request& req, const Actor& a, std::int64_t id,
                                  const std::string& name) {
                        http::Response error;
                        auto version = IfMatchVersion(req, error);
                        if (!version) return error;
                        return Versioned(Answer(s.catalog.Rename(a, level, id, *version, name), req));
                      }));
  router.Add("DELETE", path,
             WithId(context, what, [&s, level](http::Request& req, const Actor& a, std::int64_t id) {
               if (Status st = s.catalog.Delete(a, level, id); !st.ok()) return ProblemOf(st, req);
               return NoContent();
             }));
}

void AddProjectRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                      services::ExportJobService* jobs) {
  router.Add("GET", "/api/v1/projects",
             Guarded(context, [&s](http::Request& req, const Actor& actor) {
               return Answer(s.catalog.ListProjects(actor), req);
             }));
  router.Add("POST", "/api/v1/projects",
             Guarded(context, [&s](http::Request& req, const Actor& actor) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               auto name = NameOf(req, *body, error);
               if (!name) return error;
               return Answer(s.catalog.CreateProject(actor, *name), req, 201);
             }));
  AddNamedEntityRoutes(router, context, s, "/api/v1/projects/{id}", "project",
                       services::CatalogLevel::kProject);
  router.Add("GET", "/api/v1/projects/{id}/objects",
             WithId(context, "project", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               return Answer(s.catalog.ListObjects(a, id), req);
             }));
  router.Add("POST", "/api/v1/projects/{id}/objects",
             WithName(context, "project",
                      [&s](http::Request& req, const Actor& a, std::int64_t id,
                           const std::string& name) {
                        return Answer(s.catalog.CreateObject(a, id, name), req, 201);
                      }));
  router.Add("GET", "/api/v1/projects/{id}/summary-estimate",
             WithId(context, "project", [&s, context, jobs](http::Request& req, const Actor& a,
                                                          std::int64_t id) {
               services::SummaryRequest r;
               r.date = req.QueryParam("date");
               if (auto v = req.QueryParam("contingency"); !v.empty()) r.contingency_percent = v;
               r.temporary_buildings_percent = req.QueryParam("temporary_buildings");
               r.winter_percent = req.QueryParam("winter");
               if (const std::string format = req.QueryParam("format"); !format.empty()) {
                 return ExportAnswer(context, s.documents, jobs, req, a,
                                     {services::ExportTargetKind::kSummaryEstimate, id, format, r});
               }
               return Answer(s.rollups.SummaryEstimate(a, id, r), req);
             }));
}

void AddObjectRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                     services::ExportJobService* jobs) {
  AddNamedEntityRoutes(router, context, s, "/api/v1/objects/{id}", "object",
                       services::CatalogLevel::kObject);
  router.Add("GET", "/api/v1/objects/{id}/estimates",
             WithId(context, "object", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               return Answer(s.catalog.ListEstimates(a, id), req);
             }));
  router.Add("POST", "/api/v1/objects/{id}/estimates",
             WithId(context, "object", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               http::Response error;
               auto body = JsonObjectBody(req, error);
               if (!body) return error;
               // The body parsed once: the service reads the value checked here.
               services::NewEstimateRequest request;
               request.body = &*body;
               return Edited(s.catalog.CreateEstimate(a, id, request), req, 201);
             }));
  router.Add("GET", "/api/v1/objects/{id}/object-estimate",
             WithId(context, "object", [&s, context, jobs](http::Request& req, const Actor& a,
                                                         std::int64_t id) {
               if (const std::string format = req.QueryParam("format"); !format.empty()) {
                 return ExportAnswer(context, s.documents, jobs, req, a,
                                     {services::ExportTargetKind::kObjectEstimate, id, format, {}});
               }
               return Answer(s.rollups.ObjectEstimate(a, id), req);
             }));
}

void AddEstimateReadRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                           services::ExportJobService* jobs) {
  router.Add("GET", "/api/v1/estimates/{id}",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               // One version look-up; the view of that version usually comes from the cache.
               auto view = s.reader.View(a, id);
               if (!view.ok()) return ProblemOf(view.status(), req);
               const std::string tag = VersionTag(view->version);
               if (const std::string* none = req.Header("if-none-match"); none && *none == tag) {
                 http::Response r = http::Response::Text(304, "");
                 r.headers.emplace_back("etag", tag);
                 return r;
               }
               http::Response r = JsonAnswer(200, *view->json);
               r.headers.emplace_back("etag", VersionTag(view->version));
               // The view of a version is the same for everyone who may read it.
               r.etag_keys_body = true;
               return r;
             }));
  router.Add("GET", "/api/v1/estimates/{id}/document",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               std::optional<std::int64_t> version;
               if (auto v = req.QueryParam("version"); !v.empty()) {
                 version = services::ParseId(v);
                 if (!version) return BadRequest(req, "version: expected a version number");
               }
               return Answer(s.reader.Document(a, id, version), req);
             }));
  router.Add("GET", "/api/v1/estimates/{id}/export",
             WithId(context, "estimate", [&s, context, jobs](http::Request& req, const Actor& a,
                                                           std::int64_t id) {
               const std::string format = req.QueryParam("format");
               if (format.empty()) return BadRequest(req, "format: is required (gge)");
               return ExportAnswer(context, s.documents, jobs, req, a,
                                   {services::ExportTargetKind::kEstimate, id, format, {}});
             }));
  router.Add("GET", "/api/v1/estimates/{id}/positions/{position_id}",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               auto position = PathId(req, "position_id");
               if (!position) return NotFoundPath(req, "position");
               return Answer(s.reader.PositionView(a, id, *position), req);
             }));
  router.Add("GET", "/api/v1/estimates/{id}/versions",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               return Answer(s.history.Versions(a, id), req);
             }));
  router.Add("GET", "/api/v1/estimates/{id}/versions/{version}",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               auto version = PathId(req, "version");
               if (!version) return NotFoundPath(req, "version");
               return Answer(s.reader.VersionView(a, id, *version), req);
             }));
  router.Add("GET", "/api/v1/estimates/{id}/diff",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               auto from = services::ParseId(req.QueryParam("from"));
               if (!from) return BadRequest(req, "from: expected a version number");
               auto to = services::ParseId(req.QueryParam("to"));
               if (!to) return BadRequest(req, "to: expected a version number");
               return Answer(s.history.Diff(a, id, *from, *to), req);
             }));
  // The checks of state expertise (ai/estimate_checks.hpp): a read, answered with findings.
  router.Add("POST", "/api/v1/estimates/{id}/check",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               auto report = s.checker.Check(a, id);
               if (!report.ok()) return ProblemOf(report.status(), req);
               return http::Response::Json(200, CheckReportJson(*report));
             }));
}

void AddImportRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                     services::AttachmentService* attachments) {
  router.Add("POST", "/api/v1/imports", Guarded(context, [&s, context, attachments](http::Request& req,
                                                                                   const Actor& a) {
    const std::string* type = req.Header("content-type");
    auto parts = http::ParseMultipart(type != nullptr ? *type : "", req.body);
    if (!parts.ok()) {
      if (parts.status().message().starts_with("content-type")) {
        return http::Response::Problem(415, {}, parts.status().message() +
                                                    " (fields: file, object_id)",
                                       req.path, req.request_id);
      }
      return ProblemOf(parts.status(), req);
    }
    const http::MultipartPart* file = nullptr;
    std::optional<std::int64_t> object;
    services::ImportOptions options;
    // The text fields and the file's name are stored and printed: no control characters.
    for (const auto& part : *parts) {
      if (part.name != "file" && HasControlCharacter(part.data, false)) {
        return BadRequest(req, std::string(part.name) + ": control characters are not accepted");
      }
      if (part.name == "file" && HasControlCharacter(part.filename, false)) {
        return BadRequest(req, "file: control characters are not accepted in the file's name");
      }
      if (part.name == "file") file = &part;
      if (part.name == "object_id") object = services::ParseId(part.data);
      if (part.name == "region") options.region = std::string(part.data);
      if (part.name == "zone") options.zone = std::string(part.data);
      if (part.name == "quarter") options.quarter = std::string(part.data);
    }
    if (file == nullptr) {
      return BadRequest(req, "file: is required (ГГЭ XML .gge, АРПС .arp, or a ВОР .xlsx/.csv)");
    }
    if (!object) return BadRequest(req, "object_id: is required (the object the estimate joins)");
    if (file->data.empty()) return BadRequest(req, "file: is empty");
    // The fields as the document's form describes them (the file by its name).
    json::object fields;
    for (const auto& part : *parts) {
      fields[part.name] = part.name == "file" ? json::string(part.filename)
                                              : json::string(part.data.data(), part.data.size());
    }
    if (auto bad = RequestContract::Embedded().CheckForm(req.method, req.route, fields)) {
      return BadRequest(req, *bad);
    }
    return Heavily(context, req, a, [&] {
      if (attachments == nullptr) {
        return Edited(s.documents.Import(a, *object, file->data, file->filename, options), req, 201);
      }
      auto imported = attachments->Import(a, s.documents, s.catalog, *object, file->data,
                                          file->filename, options);
      if (!imported.ok()) return ProblemOf(imported.status(), req);
      // The answer of the import, with the kept original.
      json::value answer = json::parse(imported->outcome.json);
      if (imported->original) answer.as_object()["original"] = AttachmentJson(*imported->original);
      if (!imported->warning.empty()) {
        if (json::value* w = answer.as_object().if_contains("warnings"); w != nullptr && w->is_array()) {
          w->as_array().push_back(json::string(imported->warning));
        }
      }
      imported->outcome.json = json::serialize(answer);
      return Edited(std::move(imported->outcome), req, 201);
    });
  }), http::Execution::kHeavy);
}

// A write of one section or position named in the path: `op` with the body's fields and the
// path's id (`id_field` from the path parameter of the same name), as one version.
http::Handler ItemWrite(const AuthContext& context, EstimateServices& s, bool needs_body,
                        const char* op, const char* id_field, const char* noun) {
  return Write(context, needs_body,
               [&s, op, id_field, noun](http::Request& req, const Actor& a, std::int64_t id,
                                         std::int64_t v, const json::object& body) {
                 auto item = PathId(req, id_field);
                 if (!item) return NotFoundPath(req, noun);
                 // Without a body there is no summary: SummaryOf of an empty object is "".
                 return Edited(PathItem(s.editing.Edit(a, id, v, OneOp(body, op, {{id_field, *item}}),
                                                       "", SummaryOf(body)),
                                        id_field),
                               req);
               });
}

void AddEstimateWriteRoutes(http::Router& router, const AuthContext& context, EstimateServices& s,
                            services::AttachmentService* attachments) {
  router.Add("PATCH", "/api/v1/estimates/{id}",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               return Edited(s.editing.Edit(a, id, v, OneOp(body, "update_header", {}), "", "header"), req);
             }));
  router.Add("DELETE", "/api/v1/estimates/{id}",
             Write(context, false, [&s, attachments](http::Request& req, const Actor& a, std::int64_t id,
                                                     std::int64_t v, const json::object&) {
               // The attachments' rows go with the estimate; their files after it.
               std::vector<std::string> files;
               if (attachments != nullptr) {
                 auto keys = attachments->KeysOf(a, id);
                 if (keys.ok()) files = std::move(keys).value();
               }
               if (Status st = s.catalog.DeleteEstimate(a, id, v); !st.ok()) return ProblemOf(st, req);
               if (attachments != nullptr) attachments->RemoveFiles(files);
               return NoContent();
             }));
  router.Add("POST", "/api/v1/estimates/{id}/changes",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               const json::value* changes = body.if_contains("changes");
               if (changes == nullptr || !changes->is_array()) {
                 return BadRequest(req, "changes: is required as an array of {\"op\": …}");
               }
               return Edited(s.editing.Edit(a, id, v, json::serialize(*changes), "changes", SummaryOf(body)),
                             req);
             }));
  router.Add("POST", "/api/v1/estimates/{id}/sections",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               return Edited(s.editing.Edit(a, id, v, OneOp(body, "add_section", {}), "", SummaryOf(body)),
                             req, 201);
             }));
  router.Add("PATCH", "/api/v1/estimates/{id}/sections/{section_id}",
             ItemWrite(context, s, true, "rename_section", "section_id", "section"));
  router.Add("DELETE", "/api/v1/estimates/{id}/sections/{section_id}",
             ItemWrite(context, s, false, "remove_section", "section_id", "section"));
  router.Add("POST", "/api/v1/estimates/{id}/positions",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               return Edited(s.editing.Edit(a, id, v, OneOp(body, "add_position", {}), "", SummaryOf(body)),
                             req, 201);
             }));
  router.Add("PATCH", "/api/v1/estimates/{id}/positions/{position_id}",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               auto position = PathId(req, "position_id");
               if (!position) return NotFoundPath(req, "position");
               // section_id/index move the position; the other fields change it.
               json::object fields = body, move;
               for (const char* key : {"section_id", "index"}) {
                 if (const json::value* x = fields.if_contains(key)) {
                   move[key] = *x;
                   fields.erase(key);
                 }
               }
               fields.erase("summary");
               json::array ops;
               if (!move.empty()) {
                 move["op"] = "move_position";
                 move["position_id"] = *position;
                 ops.push_back(std::move(move));
               }
               if (!fields.empty() || ops.empty()) {
                 fields["op"] = "update_position";
                 fields["position_id"] = *position;
                 ops.push_back(std::move(fields));
               }
               const std::string path = ops.size() == 1 ? "" : "changes";
               auto edited = PathItem(s.editing.Edit(a, id, v, json::serialize(ops), path, SummaryOf(body)),
                                      "position_id");
               if (!edited.ok() && path == "changes") {
                 edited = PathItem(std::move(edited), "changes[0].position_id");
               }
               return Edited(edited, req);
             }));
  router.Add("DELETE", "/api/v1/estimates/{id}/positions/{position_id}",
             ItemWrite(context, s, false, "remove_position", "position_id", "position"));
  router.Add("POST", "/api/v1/estimates/{id}/status",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               const json::value* status = body.if_contains("status");
               if (status == nullptr || !status->is_string()) {
                 return BadRequest(req, "status: is required (draft, review or approved)");
               }
               return Edited(s.editing.SetStatus(a, id, v, std::string(status->get_string())), req);
             }));
  router.Add("POST", "/api/v1/estimates/{id}/restore",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               const json::value* version = body.if_contains("version");
               if (version == nullptr || !version->is_int64() || version->get_int64() <= 0) {
                 return BadRequest(req, "version: is required as a positive integer");
               }
               return Edited(s.history.Restore(a, id, version->get_int64(), v), req);
             }));
  router.Add("POST", "/api/v1/estimates/{id}/reprice",
             Write(context, true, [&s](http::Request& req, const Actor& a, std::int64_t id,
                                       std::int64_t v, const json::object& body) {
               services::EditingService::RepriceRequest r;
               if (const json::value* x = body.if_contains("release_id"); x != nullptr && !x->is_null()) {
                 if (!x->is_int64() || x->get_int64() <= 0) return BadRequest(req, "release_id: expected a release id");
                 r.release_id = x->get_int64();
               }
               for (auto [key, out] : {std::pair{"region", &r.region}, std::pair{"zone", &r.zone},
                                       std::pair{"quarter", &r.quarter}}) {
                 if (const json::value* x = body.if_contains(key); x != nullptr && !x->is_null()) {
                   if (!x->is_string()) return BadRequest(req, std::string(key) + ": expected a string");
                   *out = std::string(x->get_string());
                 }
               }
               return Edited(s.editing.Reprice(a, id, v, r), req);
             }));
  // Every estimate of an object or a project into another price set, each a version of its own.
  for (auto [pattern, scope] : {std::pair{"/api/v1/objects/{id}/reprice", services::EditingService::RepriceScope::kObject},
                                std::pair{"/api/v1/projects/{id}/reprice", services::EditingService::RepriceScope::kProject}}) {
    router.Add("POST", pattern,
               WithId(context, scope == services::EditingService::RepriceScope::kObject ? "object" : "project",
                      [&s, scope](http::Request& req, const Actor& a, std::int64_t id) {
                        http::Response error;
                        auto body = JsonObjectBody(req, error);
                        if (!body) return error;
                        services::EditingService::RepriceRequest r;
                        for (auto [key, out] : {std::pair{"region", &r.region}, std::pair{"zone", &r.zone},
                                                std::pair{"quarter", &r.quarter}}) {
                          if (const json::value* x = body->as_object().if_contains(key); x != nullptr && !x->is_null()) {
                            if (!x->is_string()) return BadRequest(req, std::string(key) + ": expected a string");
                            *out = std::string(x->get_string());
                          }
                        }
                        return Answer(s.editing.RepriceAll(a, scope, id, r), req);
                      }));
  }
  router.Add("POST", "/api/v1/estimates/{id}/duplicate",
             WithId(context, "estimate", [&s](http::Request& req, const Actor& a, std::int64_t id) {
               http::Response error;
               json::value body = json::object();
               if (!req.body.empty()) {
                 auto parsed = JsonObjectBody(req, error);
                 if (!parsed) return error;
                 body = std::move(*parsed);
               }
               const json::object& o = body.get_object();
               std::int64_t object = 0;
               if (const json::value* x = o.if_contains("object_id"); x && !x->is_null()) {
                 if (!x->is_int64() || x->get_int64() <= 0) {
                   return BadRequest(req, "object_id: expected a positive integer");
                 }
                 object = x->get_int64();
               }
               std::string name;
               if (const json::value* x = o.if_contains("name"); x && !x->is_null()) {
                 if (!x->is_string()) return BadRequest(req, "name: expected a string");
                 name = std::string(x->get_string());
               }
               return Edited(s.catalog.Duplicate(a, id, object, name), req, 201);
             }));
}

}  // namespace

void AddEstimateRoutes(http::Router& router, const AuthContext& context,
                       EstimateServices& estimates, services::ExportJobService* jobs,
                       services::AttachmentService* attachments) {
  AddProjectRoutes(router, context, estimates, jobs);
  AddObjectRoutes(router, context, estimates, jobs);
  AddEstimateReadRoutes(router, context, estimates, jobs);
  AddEstimateWriteRoutes(router, context, estimates, attachments);
  AddImportRoutes(router, context, estimates, attachments);
}

}  // namespace estimate::api
