#include "api/attachment_routes.hpp"

#include <boost/json.hpp>

#include "api/job_routes.hpp"
#include "api/problem.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

using services::Actor;

std::string AttachmentPath(std::int64_t estimate_id, std::int64_t id) {
  return "/api/v1/estimates/" + std::to_string(estimate_id) + "/attachments/" + std::to_string(id);
}

http::Response Created(const Result<services::AttachmentView>& view, const http::Request& req) {
  if (!view.ok()) return ProblemOf(view.status(), req);
  http::Response r = http::Response::Json(201, json::serialize(AttachmentJson(*view)));
  r.headers.emplace_back("location", AttachmentPath(view->estimate_id, view->id));
  return r;
}

template <typename Fn>
http::Handler WithAttachment(const AuthContext& context, Fn fn) {
  return Guarded(context, [fn](http::Request& req, const Actor& actor) {
    auto estimate = PathId(req, "id");
    if (!estimate) return NotFoundPath(req, "estimate");
    auto id = PathId(req, "attachment_id");
    if (!id) return NotFoundPath(req, "attachment");
    return fn(req, actor, *estimate, *id);
  });
}

}  // namespace

json::object AttachmentJson(const services::AttachmentView& v) {
  return json::object{{"id", v.id},
                      {"estimate_id", v.estimate_id},
                      {"kind", v.kind},
                      {"file_name", v.file_name},
                      {"content_type", v.content_type},
                      {"size", v.size},
                      {"sha256", v.sha256},
                      {"created_at", core::FormatUtcTimestamp(v.created_at)},
                      {"created_by", v.created_by ? json::value(*v.created_by) : json::value(nullptr)},
                      {"created_by_name", v.created_by_name},
                      {"url", AttachmentPath(v.estimate_id, v.id)}};
}

void AddAttachmentRoutes(http::Router& router, const AuthContext& context,
                         services::AttachmentService& attachments,
                         services::DocumentService& documents, services::ExportJobService* jobs) {
  router.Add("GET", "/api/v1/estimates/{id}/attachments",
             Guarded(context, [&attachments](http::Request& req, const Actor& a) {
               auto id = PathId(req, "id");
               if (!id) return NotFoundPath(req, "estimate");
               auto list = attachments.List(a, *id);
               if (!list.ok()) return ProblemOf(list.status(), req);
               json::array out;
               for (const auto& v : *list) out.push_back(AttachmentJson(v));
               return http::Response::Json(200, json::serialize(out));
             }));
  router.Add(
      "POST", "/api/v1/estimates/{id}/attachments",
      Guarded(context, [&attachments, &documents, jobs, context](http::Request& req, const Actor& a) {
        auto id = PathId(req, "id");
        if (!id) return NotFoundPath(req, "estimate");
        http::Response error;
        auto body = JsonObjectBody(req, error);
        if (!body) return error;
        const json::object& o = body->get_object();
        const json::value* format = o.if_contains("format");
        const json::value* job = o.if_contains("job_id");
        if ((format == nullptr) == (job == nullptr)) {
          return BadRequest(req, "format, job_id: give one of them (an export to write now, or "
                                 "the export job whose file to keep)");
        }
        for (const auto& [key, value] : o) {
          if (key != "format" && key != "job_id") {
            return BadRequest(req, std::string(key) + ": is not a field of this request (format, job_id)");
          }
        }
        if (job != nullptr) {
          if (!job->is_int64() || job->get_int64() <= 0) return BadRequest(req, "job_id: expected a positive integer");
          if (jobs == nullptr) return ProblemOf(NotFound("job " + std::to_string(job->get_int64()) + " not found"), req);
          auto view = jobs->Get(a, job->get_int64());
          if (!view.ok()) return ProblemOf(view.status(), req);
          if (view->target_type != "estimate" || view->target_id != *id) {
            return BadRequest(req, "job_id: job " + std::to_string(view->id) +
                                       " exported another document, not this estimate");
          }
          auto file = jobs->File(a, view->id);
          if (!file.ok()) return ProblemOf(file.status(), req);
          return Created(attachments.Keep(a, *id, *file), req);
        }
        if (!format->is_string() || format->get_string().empty()) {
          return BadRequest(req, "format: expected a format name (gge, xlsx, pdf, arps)");
        }
        const std::string name(format->get_string());
        // The document is written here, within the heavy-work cap like any export.
        std::optional<HeavyWorkGate::Slot> slot;
        if (context.heavy != nullptr) {
          http::Response refusal;
          auto acquired = context.heavy->TryAcquire(a.organization_id, req, refusal);
          if (!acquired) return refusal;
          slot.emplace(std::move(*acquired));
        }
        auto file = documents.Export(a, *id, name);
        if (!file.ok()) return ProblemOf(file.status(), req);
        return Created(attachments.Keep(a, *id, *file), req);
      }),
      http::Execution::kHeavy);
  router.Add("GET", "/api/v1/estimates/{id}/attachments/{attachment_id}",
             WithAttachment(context, [&attachments](http::Request& req, const Actor& a,
                                                    std::int64_t estimate, std::int64_t id) {
               auto file = attachments.Get(a, estimate, id);
               if (!file.ok()) return ProblemOf(file.status(), req);
               return Download(services::ExportedFile{file->view.content_type, file->view.file_name,
                                                      std::move(file->bytes)},
                               req);
             }));
  router.Add("DELETE", "/api/v1/estimates/{id}/attachments/{attachment_id}",
             WithAttachment(context, [&attachments](http::Request& req, const Actor& a,
                                                    std::int64_t estimate, std::int64_t id) {
               if (Status s = attachments.Delete(a, estimate, id); !s.ok()) return ProblemOf(s, req);
               return http::Response::Text(204, "");
             }));
}

}  // namespace estimate::api
