#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "formats/document/calc.hpp"
#include "service_fixture.hpp"

namespace estimate::services {
namespace {

namespace json = boost::json;
using testing::ServiceFixture;

class EstimateServiceTest : public ServiceFixture {
 protected:
  // A project, an object and an empty estimate of region 28, 2025-Q2 with one section.
  void MakeEstimate(EstimateServices& s) {
    auto project = s.catalog.CreateProject(admin_a_, "Школа");
    ASSERT_TRUE(project.ok()) << project.status().message();
    project_ = Json(*project).at("id").as_int64();
    auto object = s.catalog.CreateObject(admin_a_, project_, "Корпус 1");
    ASSERT_TRUE(object.ok()) << object.status().message();
    object_ = Json(*object).at("id").as_int64();
    auto created = s.catalog.CreateEstimate(
        admin_a_, object_,
        {R"({"name": "ЛСР 02-01-01", "region": "28", "zone": "1", "quarter": "2025-Q2",
             "date": "2026-03-01", "sections": [{"name": "Раздел 1"}]})"});
    ASSERT_TRUE(created.ok()) << created.status().message();
    const json::value v = Json(created->json);
    estimate_ = v.at("id").as_int64();
    section_ = v.at("sections").at(0).at("id").as_int64();
    version_ = created->version;
  }

  // Applies `ops` (a JSON array) and keeps the new version.
  EditOutcome Edit(EstimateServices& s, const Actor& actor, const std::string& ops) {
    auto r = s.editing.Edit(actor, estimate_, version_, ops, "changes", "");
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    version_ = r->version;
    return *r;
  }

  json::value Totals(EstimateServices& s) {
    auto view = s.reader.View(admin_a_, estimate_);
    EXPECT_TRUE(view.ok()) << view.status().message();
    return Json(*view->json).at("totals");
  }

  std::int64_t project_ = 0, object_ = 0, estimate_ = 0, section_ = 0, version_ = 0;
};

TEST_P(EstimateServiceTest, FiguresEqualTheCalculationOfTheEstimatesDocument) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  auto added = Edit(*estimates_, admin_a_,
                    R"([{"op": "add_position", "section_id": )" + std::to_string(section_) +
                        R"(, "code": "ГЭСН01-01-013-01", "quantity": "12.5"},
                        {"op": "add_position", "section_id": )" + std::to_string(section_) +
                        R"(, "position": {"type": "resource", "kind": "equipment", "code": "ТЦ_1",
                           "name": "Насос", "unit": "шт", "quantity": "2", "price": "15000.50"}}])");
  ASSERT_EQ(added.added_ids.size(), 2u);
  Edit(*estimates_, admin_a_,
       R"([{"op": "update_position", "position_id": )" + std::to_string(added.added_ids[0]) +
           R"(, "quantity": "20", "coefficients": [{"name": "п.58", "labor": "1.15",
              "machines": "1.25"}], "overhead": {"percent": "95", "k": "0.9"}}])");

  auto document = estimates_->reader.Document(admin_a_, estimate_, std::nullopt);
  ASSERT_TRUE(document.ok()) << document.status().message();
  auto computed = formats::Calculate(*document, formats::OutputFormat::kJson);
  ASSERT_TRUE(computed.ok()) << computed.ProblemText();
  const json::value expected = Json(computed.json).at("totals");
  const json::value totals = Totals(*estimates_);
  for (const char* key : {"ot", "em", "otm", "m", "equipment", "direct", "fot", "overhead",
                          "profit", "total", "construction", "installation", "labor_hours"}) {
    EXPECT_EQ(totals.at(key), expected.at(key)) << key;
  }
  EXPECT_EQ(totals.at("equipment").as_string(), "30001.00");

  // What an instance that never saw the edits computes from the store is the same.
  auto fresh = NewEstimateService();
  EXPECT_EQ(Totals(*fresh), totals);
}

// A PATCH of one position in a priced estimate calculates that position once: while the edit is
// planned (which checks it computes), and the totals take those figures without a second run.
TEST_P(EstimateServiceTest, AnEditOfOnePositionCalculatesItOnce) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  std::string ops = "[";
  for (int i = 0; i < 20; ++i) {
    ops += std::string(i ? "," : "") + R"({"op": "add_position", "section_id": )" +
           std::to_string(section_) + R"(, "code": "ГЭСН01-01-013-01", "quantity": ")" +
           std::to_string(i + 1) + R"("})";
  }
  auto added = Edit(*estimates_, admin_a_, ops + "]");
  ASSERT_EQ(added.added_ids.size(), 20u);
  const json::value totals_before = Totals(*estimates_);

  const std::uint64_t before = estimates_->editing.position_calculations();
  auto one = Edit(*estimates_, admin_a_,
                  R"([{"op": "update_position", "position_id": )" +
                      std::to_string(added.added_ids[7]) + R"(, "quantity": "30"}])");
  EXPECT_TRUE(Json(one.json).at("changed").as_bool());
  EXPECT_EQ(estimates_->editing.position_calculations() - before, 1u);

  // …and the totals are those of the whole estimate computed afresh.
  const json::value totals = Totals(*estimates_);
  EXPECT_NE(totals.at("total"), totals_before.at("total"));
  auto fresh = NewEstimateService();
  EXPECT_EQ(Totals(*fresh), totals);
}

// A new estimate's answer is made from the positions parsed when the request was checked, without
// reading back what was stored: it is what an instance that never saw the request reads from the
// store, on both forms of the request and on a parsed body.
TEST_P(EstimateServiceTest, ANewEstimateAnswersWhatAFreshReadOfTheStoreGives) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  std::ifstream in(std::string(ESTIMATE_SOURCE_DIR) +
                   "/tests/golden/rik_02-01-05_vodomernyi_uzel/input.json");
  std::stringstream text;
  text << in.rdbuf();
  json::value document = Json(text.str());
  ASSERT_GT(document.at("sections").as_array().size(), 1u);
  // An estimate's sections are named (the printed one leaves its first section unnamed).
  for (json::value& section : document.at("sections").as_array()) {
    if (section.at("name").as_string().empty()) section.as_object()["name"] = "Без раздела";
  }
  const std::string computed =
      formats::Calculate(json::serialize(document), formats::OutputFormat::kJson).json;
  const json::object header{{"name", "ЛСР из документа"}, {"region", "28"}, {"zone", "1"},
                            {"quarter", "2025-Q2"}};
  json::object whole = header, sections = header;
  whole["document"] = document;
  sections["sections"] = document.at("sections");
  const json::value parsed = whole;
  NewEstimateRequest by_value;
  by_value.body = &parsed;
  const NewEstimateRequest requests[] = {{json::serialize(whole)}, {json::serialize(sections)},
                                         by_value};
  for (const NewEstimateRequest& request : requests) {
    auto created = estimates_->catalog.CreateEstimate(admin_a_, object_, request);
    ASSERT_TRUE(created.ok()) << created.status().message();
    const json::value view = Json(created->json);
    EXPECT_EQ(view.at("totals").at("total"), Json(computed).at("totals").at("total"));
    // Another instance, with a cache of its own, reads the estimate from the store.
    auto cache = cache::MakeInProcessResultCache(64u << 20);
    EstimateServices fresh(*db_, *estimates_repo_, *audit_, *base_, *cache,
                           EstimateServices::Options{});
    auto read = fresh.reader.View(admin_a_, view.at("id").as_int64());
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->version, created->version);
    EXPECT_EQ(*read->json, created->json);
    // This instance's next read is the estimate it keeps, at the same version.
    auto again = estimates_->reader.View(admin_a_, view.at("id").as_int64());
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(*again->json, created->json);
  }
}

// A document given whole is refused, and nothing stored, when a position is wrong or the figures
// cannot be computed; given as sections, an estimate whose figures overflow is kept with the
// reason (as an edit can make one).
TEST_P(EstimateServiceTest, ADocumentThatCannotBeComputedIsRefusedAndNothingIsStored) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  auto listed = [&] {
    auto list = estimates_->catalog.ListEstimates(admin_a_, object_);
    EXPECT_TRUE(list.ok()) << list.status().message();
    return list.ok() ? Json(*list).as_array().size() : 0u;
  };
  const std::size_t before = listed();
  // Each number within 15 digits, the line beyond the exact range (formats' bad_input_test).
  const std::string huge = R"({"number": "2", "type": "norm", "quantity": "999999999999999",
      "resources": [{"kind": "material", "consumption": "999999999999999",
                     "price": "999999999999999"}]})";
  const std::string fine = R"({"number": "1", "type": "resource", "kind": "material", "code": "М1", "name": "М",
      "unit": "т", "quantity": "2", "price": "10"})";
  const std::string bad = R"({"number": "2", "type": "resource", "kind": "material", "code": "М1", "name": "М",
      "unit": "т", "quantity": "1,5", "price": "10"})";
  auto document = [](const std::string& position) {
    return R"({"name": "Д", "document": {"format": "estimate-document/1", "name": "Д",
        "sections": [{"name": "Р", "positions": [)" + position + "]}]}}";
  };
  for (const auto& [body, field] :
       {std::pair{document(fine + "," + huge), std::string("document.sections[0].positions[1]")},
        std::pair{document(fine + "," + bad),
                  std::string("document.sections[0].positions[1].quantity")}}) {
    auto refused = estimates_->catalog.CreateEstimate(admin_a_, object_, {body});
    ASSERT_FALSE(refused.ok()) << body;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(refused.status().message().rfind(field, 0), 0u) << refused.status().message();
  }
  EXPECT_EQ(listed(), before);
  auto kept = estimates_->catalog.CreateEstimate(
      admin_a_, object_,
      {R"({"name": "С", "sections": [{"name": "Р", "positions": [)" + fine + "," + huge + "]}]}"});
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_EQ(listed(), before + 1);
}

TEST_P(EstimateServiceTest, AStaleVersionIsAbortedAndWritesNothing) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  const std::int64_t before = version_;
  Edit(*estimates_, admin_a_, R"([{"op": "update_header", "number": "02-01-01"}])");
  auto stale = estimates_->editing.Edit(admin_a_, estimate_, before,
                                R"([{"op": "update_header", "number": "lost"}])", "changes", "");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  auto view = estimates_->reader.View(admin_a_, estimate_);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->version, version_);
  EXPECT_EQ(Json(*view->json).at("number").as_string(), "02-01-01");
}

TEST_P(EstimateServiceTest, BadInputNamesTheFieldAndLeavesTheEstimateAsItWas) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  const std::string s = std::to_string(section_);
  auto view_before = estimates_->reader.View(admin_a_, estimate_);
  ASSERT_TRUE(view_before.ok());
  const std::pair<std::string, std::string> cases[] = {
      {R"([{"op": "add_position", "section_id": )" + s + R"(, "code": "ГЭСН99-99-999-99", "quantity": "1"}])",
       "changes[0].code"},
      {R"([{"op": "add_position", "section_id": )" + s + R"(, "code": "ГЭСН01-01-013-01", "quantity": "-2"}])",
       "changes[0].quantity"},
      {R"([{"op": "add_position", "section_id": )" + s + R"(, "code": "ГЭСН01-01-013-01", "quantity": 2}])",
       "changes[0].quantity"},
      {R"([{"op": "add_position", "section_id": 999, "code": "ГЭСН01-01-013-01", "quantity": "1"}])",
       "changes[0].section_id"},
      {R"([{"op": "explode"}])", "changes[0].op"},
      {R"([{"op": "update_header", "date": "2026-13-45"}])", "changes[0].date"},
      {R"([{"op": "add_section", "name": ""}])", "changes[0].name"},
      {R"([{"op": "add_section", "name": "ok"}, {"op": "remove_position", "position_id": 77}])",
       "changes[1].position_id"},
  };
  for (const auto& [ops, field] : cases) {
    auto r = estimates_->editing.Edit(admin_a_, estimate_, version_, ops, "changes", "");
    ASSERT_FALSE(r.ok()) << ops;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << ops;
    EXPECT_EQ(r.status().message().rfind(field, 0), 0u) << r.status().message();
  }
  auto view_after = estimates_->reader.View(admin_a_, estimate_);
  ASSERT_TRUE(view_after.ok());
  EXPECT_EQ(*view_after->json, *view_before->json);
}

TEST_P(EstimateServiceTest, RolesAndTheWorkflowDecideWhoChangesWhat) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  const Actor viewer = MemberOfA(auth::Role::kViewer, "viewer@a.example");
  const Actor estimator = MemberOfA(auth::Role::kEstimator, "estimator@a.example");
  const Actor reviewer = MemberOfA(auth::Role::kReviewer, "reviewer@a.example");
  const std::string rename = R"([{"op": "update_header", "name": "Новое имя"}])";

  EXPECT_EQ(estimates_->catalog.CreateProject(viewer, "x").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(estimates_->editing.Edit(viewer, estimate_, version_, rename, "changes", "").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(estimates_->editing.Edit(reviewer, estimate_, version_, rename, "changes", "").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(estimates_->reader.View(viewer, estimate_).ok());
  Edit(*estimates_, estimator, rename);

  // draft → review by the estimator; only a reviewer (or admin) approves.
  auto submitted = estimates_->editing.SetStatus(estimator, estimate_, version_, "review");
  ASSERT_TRUE(submitted.ok()) << submitted.status().message();
  version_ = submitted->version;
  EXPECT_EQ(estimates_->editing.SetStatus(estimator, estimate_, version_, "approved").status().code(),
            StatusCode::kPermissionDenied);
  auto approved = estimates_->editing.SetStatus(reviewer, estimate_, version_, "approved");
  ASSERT_TRUE(approved.ok()) << approved.status().message();
  version_ = approved->version;
  // Approved is read-only: nobody edits it until an admin reopens it.
  EXPECT_EQ(estimates_->editing.Edit(estimator, estimate_, version_, rename, "changes", "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(estimates_->editing.SetStatus(estimator, estimate_, version_, "draft").status().code(),
            StatusCode::kPermissionDenied);
  auto reopened = estimates_->editing.SetStatus(admin_a_, estimate_, version_, "draft");
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
}

TEST_P(EstimateServiceTest, AnotherOrganizationSeesNothing) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  const Actor& b = admin_b_;
  EXPECT_EQ(estimates_->catalog.Get(b, CatalogLevel::kProject, project_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(estimates_->catalog.Get(b, CatalogLevel::kObject, object_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(estimates_->reader.View(b, estimate_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(estimates_->reader.Document(b, estimate_, std::nullopt).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(estimates_->history.Versions(b, estimate_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(estimates_->editing.Edit(b, estimate_, version_, R"([{"op": "update_header", "name": "x"}])",
                             "changes", "")
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(estimates_->catalog.Delete(b, CatalogLevel::kProject, project_).code(), StatusCode::kNotFound);
  EXPECT_EQ(Json(*estimates_->catalog.ListProjects(b)).as_array().size(), 0u);
}

TEST_P(EstimateServiceTest, ConcurrentEditorsLoseNothingAndEveryWriteIsAudited) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  auto added = Edit(*estimates_, admin_a_,
                    R"([{"op": "add_position", "section_id": )" + std::to_string(section_) +
                        R"(, "code": "ГЭСН01-01-013-01", "quantity": "0"}])");
  ASSERT_EQ(added.added_ids.size(), 1u);
  const std::string position = std::to_string(added.added_ids[0]);
  // Two instances over one database, four writers each: read, add one, write with the version.
  auto other = NewEstimateService();
  constexpr int kWriters = 8, kEach = 5;
  std::atomic<int> accepted = 0, conflicts = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      EstimateServices& s = t % 2 == 0 ? *estimates_ : *other;
      for (int done = 0; done < kEach;) {
        auto view = s.reader.View(admin_a_, estimate_);
        if (!view.ok()) continue;
        const json::value v = Json(*view->json);
        const auto q = std::stoll(std::string(
            v.at("sections").at(0).at("positions").at(0).at("quantity").as_string()));
        auto r = s.editing.Edit(admin_a_, estimate_, view->version,
                        R"([{"op": "update_position", "position_id": )" + position +
                            R"(, "quantity": ")" + std::to_string(q + 1) + R"("}])",
                        "changes", "");
        if (r.ok()) {
          ++done, ++accepted;
        } else if (r.status().code() == StatusCode::kAborted) {
          ++conflicts;
        } else {
          ADD_FAILURE() << r.status().message();
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), kWriters * kEach);
  auto view = estimates_->reader.View(admin_a_, estimate_);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Json(*view->json).at("sections").at(0).at("positions").at(0).at("quantity").as_string(),
            std::to_string(kWriters * kEach));
  store::AuditQuery q;
  q.entity_type = "estimate";
  q.entity_id = std::to_string(estimate_);
  q.limit = 1000;
  auto records = audit_->Query(org_a_, q);
  ASSERT_TRUE(records.ok());
  int updates = 0;
  for (const auto& r : *records) updates += r.action == "update";
  EXPECT_EQ(updates, kWriters * kEach + 1);  // and the add
  std::cout << "conflicts retried: " << conflicts.load() << "\n";
}

TEST_P(EstimateServiceTest, VersionsDiffRestoreAndDuplicate) {
  MakeEstimate(*estimates_);
  ASSERT_FALSE(HasFatalFailure());
  auto added = Edit(*estimates_, admin_a_,
                    R"([{"op": "add_position", "section_id": )" + std::to_string(section_) +
                        R"(, "code": "ГЭСН01-01-013-01", "quantity": "10"}])");
  const std::int64_t with_ten = version_;
  const json::value totals_ten = Totals(*estimates_);
  Edit(*estimates_, admin_a_,
       R"([{"op": "update_position", "position_id": )" + std::to_string(added.added_ids[0]) +
           R"(, "quantity": "30"}])");
  auto diff = estimates_->history.Diff(admin_a_, estimate_, with_ten, version_);
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  const json::value d = Json(*diff);
  ASSERT_EQ(d.at("items").as_array().size(), 1u);
  const json::value& item = d.at("items").at(0);
  EXPECT_EQ(item.at("op").as_string(), "changed");
  EXPECT_NE(item.at("before").at("figures").at("total"), item.at("after").at("figures").at("total"));

  auto restored = estimates_->history.Restore(admin_a_, estimate_, with_ten, version_);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_GT(restored->version, version_);
  version_ = restored->version;
  EXPECT_EQ(Totals(*estimates_), totals_ten);

  auto copy = estimates_->catalog.Duplicate(admin_a_, estimate_, 0, "Копия");
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ(Json(copy->json).at("totals"), totals_ten);
  EXPECT_EQ(Json(copy->json).at("name").as_string(), "Копия");

  auto osr = estimates_->rollups.ObjectEstimate(admin_a_, object_);
  ASSERT_TRUE(osr.ok()) << osr.status().message();
  auto ssr = estimates_->rollups.SummaryEstimate(admin_a_, project_, {"2026-03-01", "2", "", ""});
  ASSERT_TRUE(ssr.ok()) << ssr.status().message();
  EXPECT_EQ(Json(*ssr).at("result").at("vat_percent").as_string(), "22");
}

TEST_P(EstimateServiceTest, VersionsAndTheAuditLogNameWhoMadeEachChange) {
  MakeEstimate(*estimates_);  // by admin@a.example, whose display name is "admin"
  ASSERT_FALSE(HasFatalFailure());
  auto irina = account_service_->AddMember(
      admin_a_, {"irina@a.example", "correct horse I", "Ирина Петрова", auth::Role::kEstimator});
  ASSERT_TRUE(irina.ok()) << irina.status().message();
  const Actor estimator{irina->member.user_id, org_a_, auth::Role::kEstimator, "req-i"};
  Edit(*estimates_, estimator,
       R"([{"op": "add_position", "section_id": )" + std::to_string(section_) +
           R"(, "code": "ГЭСН01-01-013-01", "quantity": "10"}])");

  // Every member reads the names, not only admins.
  const Actor viewer = MemberOfA(auth::Role::kViewer, "viewer@a.example");
  auto versions = estimates_->history.Versions(viewer, estimate_);
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  const json::array v = Json(*versions).as_array();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].at("actor_user_id").as_int64(), admin_a_.user_id);
  EXPECT_EQ(v[0].at("actor_name").as_string(), "admin");
  EXPECT_EQ(v[1].at("actor_user_id").as_int64(), estimator.user_id);
  EXPECT_EQ(v[1].at("actor_name").as_string(), "Ирина Петрова");

  AuditFilter filter;
  filter.entity_type = "estimate";
  filter.entity_id = std::to_string(estimate_);
  auto audit = estimates_->history.Audit(admin_a_, filter);
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].actor_user_id, estimator.user_id);
  EXPECT_EQ((*audit)[0].actor_name, "Ирина Петрова");
  EXPECT_EQ((*audit)[1].actor_name, "admin");
}

INSTANTIATE_TEST_SUITE_P(Engines, EstimateServiceTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
