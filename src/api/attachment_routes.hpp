#pragma once
// Attachments of an estimate (services/attachment_service.hpp; docs in src/api/docs/openapi.json):
//   GET    /api/v1/estimates/{id}/attachments                  the list, oldest first
//   POST   /api/v1/estimates/{id}/attachments                  keep an export: {"format": "pdf"}
//          (written now, within the heavy-work cap) or {"job_id": 12} (the file of a done export
//          job of this estimate); 201 with the attachment
//   GET    /api/v1/estimates/{id}/attachments/{attachment_id}  the file (Content-Disposition)
//   DELETE /api/v1/estimates/{id}/attachments/{attachment_id}  204
// The uploaded original of an import is kept by POST /api/v1/imports (estimate_routes.cpp).
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/attachment_service.hpp"
#include "services/document_service.hpp"
#include "services/export_job_service.hpp"

namespace boost::json {
class object;
}

namespace estimate::api {

void AddAttachmentRoutes(http::Router& router, const AuthContext& context,
                         services::AttachmentService& attachments,
                         services::DocumentService& documents, services::ExportJobService* jobs);

// The attachment as the API shows it.
boost::json::object AttachmentJson(const services::AttachmentView& view);

}  // namespace estimate::api
