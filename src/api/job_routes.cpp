#include "api/job_routes.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "api/problem.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

using services::Actor;
using services::ExportJobStatus;
using services::ExportJobView;

std::string JobPath(std::int64_t id) { return "/api/v1/jobs/" + std::to_string(id); }

std::string JobJson(const ExportJobView& v) {
  json::object o{
      {"id", v.id},
      {"kind", "export"},
      {"status", services::ExportJobStatusName(v.status)},
      {"progress", v.progress},
      {"format", v.format},
      {"file_name", v.filename},
      {"content_type", v.content_type},
      {"created_at", core::FormatUtcTimestamp(v.created_at)},
      {"finished_at", v.finished_at ? json::value(core::FormatUtcTimestamp(*v.finished_at))
                                    : json::value(nullptr)}};
  if (v.status == ExportJobStatus::kDone) o["file_url"] = JobPath(v.id) + "/file";
  if (!v.error.ok()) {
    const int status = HttpStatusOf(v.error.code());
    // The problem the synchronous export would have answered (no instance: it is not this
    // request's).
    o["error"] = json::parse(http::Response::Problem(status, {}, v.error.message(), {}, {}).body);
  }
  return json::serialize(o);
}

// RFC 7240: `Prefer: respond-async` among the preferences (names are case-insensitive; a
// preference may carry `=value` and parameters after `;`).
bool PrefersAsync(const http::Request& request) {
  const std::string* prefer = request.Header("prefer");
  if (prefer == nullptr) return false;
  std::string_view rest = *prefer;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    item = item.substr(0, item.find_first_of(";="));
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    constexpr std::string_view kName = "respond-async";
    if (item.size() == kName.size() &&
        std::equal(item.begin(), item.end(), kName.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

template <typename Fn>
http::Handler WithJob(const AuthContext& context, Fn fn) {
  return Guarded(context, [fn](http::Request& req, const Actor& actor) {
    auto id = PathId(req, "id");
    if (!id) return NotFoundPath(req, "job");
    return fn(req, actor, *id);
  });
}

}  // namespace

std::string ContentDisposition(const std::string& filename) {
  std::string ascii, encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

http::Response Download(Result<services::ExportedFile> file, const http::Request& req) {
  if (!file.ok()) return ProblemOf(file.status(), req);
  http::Response r = http::Response::Text(200, std::move(file->bytes), file->content_type);
  r.headers.emplace_back("content-disposition", ContentDisposition(file->filename));
  return r;
}

http::Response ExportAnswer(const AuthContext& context, services::DocumentService& documents,
                            services::ExportJobService* jobs, const http::Request& req,
                            const Actor& actor, const services::ExportTarget& target) {
  const bool prefer_async = PrefersAsync(req);
  // Held while the file is written here, or handed to the job that writes it.
  std::shared_ptr<HeavyWorkGate::Slot> slot;
  if (context.heavy != nullptr) {
    http::Response refusal;
    auto acquired = context.heavy->TryAcquire(actor.organization_id, req, refusal);
    if (!acquired) return refusal;
    slot = std::make_shared<HeavyWorkGate::Slot>(std::move(*acquired));
  }
  if (jobs != nullptr) {
    auto as_job = jobs->RunsAsJob(actor, target, prefer_async);
    if (!as_job.ok()) return ProblemOf(as_job.status(), req);
    if (*as_job) {
      auto job = jobs->Start(actor, target, std::move(slot));
      if (!job.ok()) return ProblemOf(job.status(), req);
      http::Response r = http::Response::Json(202, JobJson(*job));
      r.headers.emplace_back("location", JobPath(job->id));
      if (prefer_async) r.headers.emplace_back("preference-applied", "respond-async");
      return r;
    }
  }
  return Download(documents.Export(actor, target), req);
}

void AddJobRoutes(http::Router& router, const AuthContext& context,
                  services::ExportJobService& jobs) {
  router.Add("GET", "/api/v1/jobs/{id}",
             WithJob(context, [&jobs](http::Request& req, const Actor& a, std::int64_t id) {
               auto job = jobs.Get(a, id);
               if (!job.ok()) return ProblemOf(job.status(), req);
               return http::Response::Json(200, JobJson(*job));
             }));
  router.Add("GET", "/api/v1/jobs/{id}/file",
             WithJob(context, [&jobs](http::Request& req, const Actor& a, std::int64_t id) {
               return Download(jobs.File(a, id), req);
             }));
  router.Add("DELETE", "/api/v1/jobs/{id}",
             WithJob(context, [&jobs](http::Request& req, const Actor& a, std::int64_t id) {
               if (Status s = jobs.Cancel(a, id); !s.ok()) return ProblemOf(s, req);
               return http::Response::Text(204, "");
             }));
}

}  // namespace estimate::api
