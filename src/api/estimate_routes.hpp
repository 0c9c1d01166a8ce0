#pragma once
// Projects, objects and estimates (docs in src/api/docs/openapi.json; the service's rules in
// services/estimate_service.hpp). Every route needs a valid access token; rows of another
// organization are 404. Writes to an estimate need `If-Match` with its version (ETag); a stale one
// is 412, a missing one 428. Reads of an estimate answer `If-None-Match` with 304.
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/attachment_service.hpp"
#include "services/estimate_service.hpp"
#include "services/export_job_service.hpp"

namespace estimate::api {

// `jobs` (optional): exports expected to be long, or asked for so, become jobs (job_routes.hpp).
// `attachments` (optional): an import keeps its uploaded original as the new estimate's
// attachment, and a deleted estimate's files are removed from the storage.
void AddEstimateRoutes(http::Router& router, const AuthContext& context,
                       services::EstimateServices& estimates,
                       services::ExportJobService* jobs = nullptr,
                       services::AttachmentService* attachments = nullptr);

}  // namespace estimate::api
