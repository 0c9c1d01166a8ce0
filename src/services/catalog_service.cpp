#include "services/catalog_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "cache/result_cache.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

CatalogService::CatalogService(const EstimateDeps& deps, EstimateReader& reader,
                               WorkingSet& working)
    : db_(deps.db), estimates_(deps.estimates), audit_(deps.audit), base_(deps.base),
      reader_(reader), working_(working) {}

namespace {

// Projects and objects — the named levels of the catalog — are one set of use cases, told apart
// by these facts.
template <typename Entity>
struct Named;

template <>
struct Named<store::Project> {
  static constexpr const char* kType = "project";
  static json::object ToJson(const store::Project& p) { return ProjectJson(p); }
};

template <>
struct Named<store::SiteObject> {
  static constexpr const char* kType = "object";
  static json::object ToJson(const store::SiteObject& o) { return ObjectJson(o); }
};

template <typename List>
Result<std::string> ListNamed(const Actor& actor, List list) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto rows = list();
  if (!rows.ok()) return rows.status();
  json::array out;
  for (const auto& row : *rows) out.push_back(Named<std::decay_t<decltype(row)>>::ToJson(row));
  return json::serialize(out);
}

// Creates a project or an object with its audit record in one transaction; its JSON.
template <typename Entity, typename Create>
Result<std::string> CreateNamed(store::Database& db, store::AuditRepository& audit,
                                const Actor& actor, const std::string& name, Create create) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  auto created = Audited<Entity>(db, audit, create, [&](const Entity& e) {
    auto r = Record(actor, "create", Named<Entity>::kType, e.id);
    r.after_json = json::serialize(Named<Entity>::ToJson(e));
    return r;
  });
  if (!created.ok()) return created.status();
  return json::serialize(Named<Entity>::ToJson(*created));
}

template <typename Entity>
Result<std::string> GetNamed(store::EstimateRepository& repo, const Actor& actor, std::int64_t id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto row = repo.Get<Entity>(actor.organization_id, id);
  if (!row.ok()) return row.status();
  return json::serialize(Named<Entity>::ToJson(*row));
}

// Renames (`new_name` set) or deletes a project or an object, with its audit record, in one
// transaction.
template <typename Entity>
Status ChangeNamed(store::Database& db, store::EstimateRepository& repo,
                   store::AuditRepository& audit, const Actor& actor, std::int64_t id,
                   const std::string* new_name, std::int64_t expected_version) {
  const auto permission = new_name ? auth::Permission::kEditDraft : auth::Permission::kDeleteDraft;
  if (Status s = Denied(actor, permission); !s.ok()) return s;
  if (new_name) {
    if (Status s = CheckName(*new_name, "name"); !s.ok()) return s;
  }
  const std::int64_t org = actor.organization_id;
  return Audited<Entity>(
             db, audit,
             [&](store::UnitOfWork& uow) -> Result<Entity> {
               auto before = repo.Get<Entity>(uow, org, id);
               if (!before.ok()) return before.status();
               Status written = new_name ? repo.Rename<Entity>(uow, org, id, *new_name,
                                                               expected_version)
                                         : repo.Delete<Entity>(uow, org, id);
               if (!written.ok()) return written;
               return before;
             },
             [&](const Entity& before) {
               auto r = Record(actor, new_name ? "update" : "delete", Named<Entity>::kType, id);
               r.before_json = json::serialize(Named<Entity>::ToJson(before));
               if (new_name) {
                 Entity after = before;
                 after.name = *new_name;
                 r.after_json = json::serialize(Named<Entity>::ToJson(after));
               }
               return r;
             })
      .status();
}

}  // namespace

namespace {

// The header of a new estimate from the request body.
Result<store::EstimateHeader> NewHeader(const json::object& o) {
  store::EstimateHeader h;
  const auto text = [&](std::string_view key, std::string& field) -> Status {
    auto v = StringField(o, key, "");
    if (!v.ok()) return v.status();
    if (v->has_value()) field = **v;
    return Status::Ok();
  };
  for (auto [key, field] : {std::pair<std::string_view, std::string*>{"name", &h.name},
                            {"number", &h.number},
                            {"method", &h.method},
                            {"region", &h.region},
                            {"zone", &h.zone},
                            {"quarter", &h.quarter},
                            {"date", &h.date},
                            {"vat_date", &h.vat_date}}) {
    if (Status s = text(key, *field); !s.ok()) return s;
  }
  if (Status s = CheckName(h.name, "name"); !s.ok()) return s;
  if (h.method != "resource-index" && h.method != "base-index") {
    return InvalidArgument("method: expected resource-index or base-index");
  }
  for (auto [key, value] : {std::pair<const char*, const std::string*>{"date", &h.date},
                            {"vat_date", &h.vat_date}}) {
    if (!value->empty() && !IsDate(*value)) {
      return InvalidArgument(std::string(key) + ": expected YYYY-MM-DD");
    }
  }
  if (const json::value* options = o.if_contains("options"); options && !options->is_null()) {
    if (!options->is_object()) return InvalidArgument("options: expected an object");
    h.options_json = json::serialize(*options);
    if (h.method == "resource-index") {
      if (auto parsed = formats::ParseCalcOptions(h.options_json); !parsed.ok()) {
        return parsed.status();
      }
    }
  }
  auto release = IdField(o, "release_id", "");
  if (!release.ok()) return release.status();
  h.release_id = *release;
  return h;
}

// Whether `doc` is a resource-index estimate-document/1, which formats::ParseEstimateDocument reads
// with the same checks as formats::Calculate.
bool ResourceIndexDocument(const json::object& doc) {
  const json::value* format = doc.if_contains("format");
  if (format == nullptr || !format->is_string() || format->get_string() != "estimate-document/1") {
    return false;
  }
  const json::value* method = doc.if_contains("method");
  return method == nullptr || method->is_null() ||
         (method->is_string() && method->get_string() == "resource-index");
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// The content of a new estimate: the documents to store and, for the resource-index method, the
// positions parsed from them while they were checked (parallel to `sections`), so that they are
// parsed once.
struct NewContent {
  std::vector<store::NewSection> sections;
  std::optional<std::vector<core::Section>> parsed;
  bool from_document = false;  // given whole in "document": refused when it cannot be computed
};

// The sections of a new estimate: {"sections": [{"name", "positions": [documents]}]}, or the
// sections of an estimate document given whole in "document". Validated as calc would.
Result<NewContent> NewSections(const json::object& o, store::EstimateHeader& header) {
  NewContent out;
  const json::value* sections = o.if_contains("sections");
  std::optional<core::Estimate> whole;  // a resource-index document, read once
  if (const json::value* doc = o.if_contains("document"); doc && !doc->is_null()) {
    if (!doc->is_object()) return InvalidArgument("document: expected an estimate document object");
    const json::object& d = doc->get_object();
    out.from_document = true;
    if (ResourceIndexDocument(d)) {
      // Read, not computed: the positions read here are computed once, with the header's options,
      // before anything is stored (CreateEstimate).
      auto read = formats::ParseEstimateDocument(json::serialize(*doc));
      if (!read.ok()) return InvalidArgument("document." + FirstLine(read.status().message()));
      whole = std::move(read).value();
    } else {
      auto outcome = formats::Calculate(json::serialize(*doc), formats::OutputFormat::kJson);
      if (!outcome.ok()) return InvalidArgument("document." + outcome.problems.front());
    }
    if (const json::value* m = d.if_contains("method"); m && m->is_string()) {
      header.method = std::string(m->get_string());
    }
    json::object options;
    if (const json::value* opts = d.if_contains("options"); opts && opts->is_object()) {
      options = opts->get_object();
    }
    // A base-index estimate's indices, and the ГГЭ header an imported estimate came with (its
    // normative acts, the letter of the indices, signatures, …), travel in its options (the
    // store keeps no other document-level field); AssembleDocument puts them back.
    for (const char* key : {"indices", "header"}) {
      if (const json::value* v = d.if_contains(key); v && v->is_object()) options[key] = *v;
    }
    header.options_json = json::serialize(options);
    sections = d.if_contains("sections");
  }
  const bool resource_index = header.method == "resource-index";
  if (resource_index) out.parsed.emplace();
  if (sections == nullptr || sections->is_null()) return out;
  if (!sections->is_array()) return InvalidArgument("sections: expected an array");
  const json::array& a = sections->get_array();
  out.sections.reserve(a.size());
  for (std::size_t s = 0; s < a.size(); ++s) {
    const std::string at = "sections[" + std::to_string(s) + "]";
    if (!a[s].is_object()) return InvalidArgument(at + ": expected an object");
    const json::object& so = a[s].get_object();
    store::NewSection section;
    core::Section parsed;
    auto name = StringField(so, "name", at);
    if (!name.ok()) return name.status();
    section.name = name->value_or("");
    if (Status st = CheckName(section.name, at + ".name"); !st.ok()) return st;
    parsed.name = section.name;
    if (const json::value* ps = so.if_contains("positions"); ps && !ps->is_null()) {
      if (!ps->is_array()) return InvalidArgument(at + ".positions: expected an array");
      const json::array& pa = ps->get_array();
      section.positions.reserve(pa.size());
      if (resource_index) parsed.positions.reserve(pa.size());
      for (std::size_t p = 0; p < pa.size(); ++p) {
        const std::string pat = at + ".positions[" + std::to_string(p) + "]";
        if (!pa[p].is_object()) return InvalidArgument(pat + ": expected an object");
        std::string doc = json::serialize(pa[p]);
        if (resource_index) {
          // The whole document's reading of a position is that of its stored document alone
          // (both are formats' PositionAt), so it is not read twice.
          auto position = whole ? Result<core::Position>(std::move(whole->sections[s].positions[p]))
                                : formats::ParsePositionDocument(doc, pat);
          if (!position.ok()) return position.status();
          if (Status st = CheckSigns(*position, pat); !st.ok()) return st;
          parsed.positions.push_back(std::move(position).value());
        }
        section.positions.push_back(std::move(doc));
      }
    }
    out.sections.push_back(std::move(section));
    if (resource_index) out.parsed->push_back(std::move(parsed));
  }
  return out;
}

}  // namespace

Result<std::string> CatalogService::ListProjects(const Actor& actor) {
  return ListNamed(actor, [&] { return estimates_.ListProjects(actor.organization_id); });
}

Result<std::string> CatalogService::CreateProject(const Actor& actor, const std::string& name) {
  return CreateNamed<store::Project>(db_, audit_, actor, name, [&](store::UnitOfWork& uow) {
    return estimates_.CreateProject(uow, actor.organization_id, name);
  });
}

Result<std::string> CatalogService::ListObjects(const Actor& actor, std::int64_t project_id) {
  return ListNamed(actor,
                   [&] { return estimates_.ListObjects(actor.organization_id, project_id); });
}

Result<std::string> CatalogService::CreateObject(const Actor& actor, std::int64_t project_id,
                                                 const std::string& name) {
  return CreateNamed<store::SiteObject>(db_, audit_, actor, name, [&](store::UnitOfWork& uow) {
    return estimates_.CreateObject(uow, actor.organization_id, project_id, name);
  });
}

Result<std::string> CatalogService::Get(const Actor& actor, CatalogLevel level, std::int64_t id) {
  return level == CatalogLevel::kProject ? GetNamed<store::Project>(estimates_, actor, id)
                                         : GetNamed<store::SiteObject>(estimates_, actor, id);
}

Result<std::string> CatalogService::Rename(const Actor& actor, CatalogLevel level,
                                           std::int64_t id, std::int64_t expected_version,
                                           const std::string& name) {
  Status s = level == CatalogLevel::kProject
                 ? ChangeNamed<store::Project>(db_, estimates_, audit_, actor, id, &name,
                                               expected_version)
                 : ChangeNamed<store::SiteObject>(db_, estimates_, audit_, actor, id, &name,
                                                  expected_version);
  if (!s.ok()) return s;
  return Get(actor, level, id);
}

Status CatalogService::Delete(const Actor& actor, CatalogLevel level, std::int64_t id) {
  return level == CatalogLevel::kProject
             ? ChangeNamed<store::Project>(db_, estimates_, audit_, actor, id, nullptr, 0)
             : ChangeNamed<store::SiteObject>(db_, estimates_, audit_, actor, id, nullptr, 0);
}

Result<std::string> CatalogService::ListEstimates(const Actor& actor, std::int64_t object_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto list = estimates_.ListEstimates(actor.organization_id, object_id);
  if (!list.ok()) return list.status();
  json::array out;
  for (const auto& e : *list) out.push_back(HeaderJson(e));
  return json::serialize(out);
}

Result<EditOutcome> CatalogService::CreateEstimate(const Actor& actor, std::int64_t object_id,
                                                    const NewEstimateRequest& request) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  std::optional<json::value> own;  // parsed here when the caller has not parsed the body
  if (request.body == nullptr) {
    auto parsed = ParseBody(request.json, "body");
    if (!parsed.ok()) return parsed.status();
    own = std::move(parsed).value();
  }
  const json::value& body = request.body != nullptr ? *request.body : *own;
  if (!body.is_object()) return InvalidArgument("body: expected a JSON object");
  auto header = NewHeader(body.get_object());
  if (!header.ok()) return header.status();
  auto content = NewSections(body.get_object(), *header);
  if (!content.ok()) return content.status();
  if (!header->release_id && header->method == "resource-index") {
    if (auto active = base_.Active(); active->release) header->release_id = active->release->info.id;
  }
  std::size_t positions = 0;
  for (const auto& s : content->sections) positions += s.positions.size();
  // A resource-index estimate is computed here, once, from the positions parsed above, and kept
  // in the working set as stored: the answer needs no read back of what was just written.
  WorkingPtr working;
  if (content->parsed) {
    working = Prepare(*header, std::move(*content->parsed));
    // A document given whole was refused when it could not be computed (formats::Calculate).
    if (content->from_document && !working->calc && !working->problem.empty()) {
      return InvalidArgument("document." + FirstLine(working->problem));
    }
  }
  auto stored = Audited<store::EstimateContent>(
      db_, audit_,
      [&](store::UnitOfWork& uow) {
        return estimates_.CreateEstimateContent(uow, actor.organization_id, object_id,
                                                actor.user_id, *header,
                                                std::move(content->sections));
      },
      [&](const store::EstimateContent& created) {
        auto r = Record(actor, "create", "estimate", created.info.id);
        json::object after = HeaderJson(created.info);
        after["positions"] = positions;
        if (!request.import_report.empty()) {
          boost::system::error_code ec;
          json::value report = json::parse(request.import_report, ec);
          if (!ec) after["import"] = std::move(report);
        }
        r.after_json = json::serialize(after);
        return r;
      });
  if (!stored.ok()) return stored.status();
  if (working == nullptr) {
    auto view = reader_.View(actor, stored->info.id);
    if (!view.ok()) return view.status();
    return EditOutcome{view->version, {}, {}, *view->json};
  }
  Attach(*working, std::move(stored).value());
  working_.Adopt(working);
  const EstimateView view = working_.CachedView(working);
  return EditOutcome{view.version, {}, {}, *view.json};
}

Status CatalogService::DeleteEstimate(const Actor& actor, std::int64_t estimate_id,
                                       std::int64_t expected_version) {
  if (Status s = Denied(actor, auth::Permission::kDeleteDraft); !s.ok()) return s;
  auto done = Audited<store::EstimateInfo>(
      db_, audit_,
      [&](store::UnitOfWork& uow) -> Result<store::EstimateInfo> {
        auto info = estimates_.GetEstimate(uow, actor.organization_id, estimate_id);
        if (!info.ok()) return info.status();
        if (info->version != expected_version) {
          return StaleVersion(estimate_id, info->version, expected_version);
        }
        if (Status s = RequireDraft(*info); !s.ok()) return s;
        if (Status s = estimates_.DeleteEstimate(uow, actor.organization_id, estimate_id);
            !s.ok()) {
          return s;
        }
        return info;
      },
      [&](const store::EstimateInfo& info) {
        auto r = Record(actor, "delete", "estimate", estimate_id);
        r.before_json = json::serialize(HeaderJson(info));
        return r;
      });
  working_.Forget(actor.organization_id, estimate_id);
  return done.status();
}

Result<EditOutcome> CatalogService::Duplicate(const Actor& actor, std::int64_t estimate_id,
                                               std::int64_t object_id, const std::string& name) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  if (!name.empty()) {
    if (Status s = CheckName(name, "name"); !s.ok()) return s;
  }
  auto uow = store::UnitOfWork::Begin(db_, store::UnitOfWork::Isolation::kSnapshot);
  if (!uow.ok()) return uow.status();
  auto info = estimates_.Duplicate(*uow, actor.organization_id, estimate_id, actor.user_id,
                                   object_id, name);
  if (!info.ok()) return info.status();
  auto record = Record(actor, "create", "estimate", info->id);
  json::object after = HeaderJson(*info);
  after["duplicate_of"] = estimate_id;
  record.after_json = json::serialize(after);
  if (auto a = audit_.Append(*uow, record); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  auto view = reader_.View(actor, info->id);
  if (!view.ok()) return view.status();
  return EditOutcome{view->version, {info->id}, {}, *view->json};
}

}  // namespace estimate::services
