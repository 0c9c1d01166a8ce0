#pragma once
// Export jobs (issue 13; services/export_job_service.hpp): GET /api/v1/jobs/{id} (the job),
// GET /api/v1/jobs/{id}/file (its file, as the synchronous export answers it; 409 while it is
// not done), DELETE /api/v1/jobs/{id} (cancel: 204; 409 for a job done or failed). Only the user
// who started a job or an admin of its organization sees it; anyone else gets 404.
//
// The export routes answer through ExportAnswer: the file at once, or 202 Accepted with the job
// (Location: /api/v1/jobs/{id}) when the client sent `Prefer: respond-async` (RFC 7240; the
// answer says `Preference-Applied: respond-async`) or the export is expected to take longer than
// services::kJobThreshold. Either way the document counts against the heavy-work cap: a job
// holds its slot until its file is written.
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/document_service.hpp"
#include "services/export_job_service.hpp"

namespace estimate::api {

void AddJobRoutes(http::Router& router, const AuthContext& context,
                  services::ExportJobService& jobs);

// `Content-Disposition: attachment` of `filename` (ASCII and RFC 5987 UTF-8).
std::string ContentDisposition(const std::string& filename);
// A file to download with its type and name, or the problem.
http::Response Download(Result<services::ExportedFile> file, const http::Request& request);

// The answer to an export of `target`: see above. `jobs` null: always at once.
http::Response ExportAnswer(const AuthContext& context, services::DocumentService& documents,
                            services::ExportJobService* jobs, const http::Request& request,
                            const services::Actor& actor, const services::ExportTarget& target);

}  // namespace estimate::api
