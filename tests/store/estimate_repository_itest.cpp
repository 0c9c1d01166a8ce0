// The estimate repository's contract, alone and in a UnitOfWork with the audit log, on SQLite
// always and on PostgreSQL when ESTIMATE_TEST_DATABASE_URL names one. Each PostgreSQL case works
// in a schema of its own.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "auth/password.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/database.hpp"
#include "store/estimate_repository.hpp"
#include "store/estimate_sort_key.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::store {
namespace {

constexpr std::int64_t kOrg = 1;
constexpr std::int64_t kOtherOrg = 2;
constexpr std::int64_t kActor = 10;

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

// A calc-v1 resource position; the store keeps it as text.
std::string Doc(const std::string& number, int quantity) {
  return R"({"number":")" + number +
         R"(","type":"resource","kind":"material","code":"01.7.03.01-0001","name":"Вода «питьевая»\n",)"
         R"("unit":"м3","quantity":")" +
         std::to_string(quantity) + R"(","price":"12.50"})";
}

int QuantityOf(const std::string& doc) {
  const std::string tag = R"("quantity":")";
  const auto at = doc.find(tag);
  return at == std::string::npos ? -1 : std::atoi(doc.c_str() + at + tag.size());
}

// Sections and positions as (id, name-or-document) in order, for comparing states.
std::vector<std::string> Flatten(const EstimateContent& c) {
  std::vector<std::string> out;
  for (const auto& s : c.sections) {
    out.push_back("section " + std::to_string(s.id) + " " + s.name);
    for (const auto& p : s.positions) {
      out.push_back("  position " + std::to_string(p.id) + " in " + std::to_string(p.section_id) +
                    " " + p.document_json);
    }
  }
  return out;
}

class EstimateRepositoryContract : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("estimate-store-" + RandomSuffix());
      url = "sqlite://" + (dir_ / "t.db").string();
    } else {
      const char* pg = std::getenv("ESTIMATE_TEST_DATABASE_URL");
      if (pg == nullptr || std::string(pg).rfind("postgres", 0) != 0) {
        GTEST_SKIP() << "ESTIMATE_TEST_DATABASE_URL does not name a PostgreSQL database";
      }
      pg_base_ = pg;
      schema_ = "t_" + RandomSuffix();
      Admin("CREATE SCHEMA " + schema_);
      url = pg_base_ + (pg_base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    DatabaseOptions o;
    o.url = url;
    o.pool_size = 10;
    auto db = Database::Open(o);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    auto migrated = Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.status().message();
    repo_ = std::make_unique<EstimateRepository>(*db_);
  }
  void TearDown() override {
    repo_.reset();
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) Admin("DROP SCHEMA " + schema_ + " CASCADE");
  }
  void Admin(const std::string& sql) {
    auto admin = Database::Open({pg_base_, 1});
    ASSERT_TRUE(admin.ok());
    auto lease = (*admin)->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    lease->session() << sql;
  }
  long long Count(const std::string& sql) {
    auto lease = db_->Acquire();
    EXPECT_TRUE(lease.ok());
    long long n = 0;
    lease->session() << sql, soci::into(n);
    return n;
  }

  // An object of a fresh project of `org`.
  std::int64_t NewObject(std::int64_t org = kOrg) {
    auto p = repo_->CreateProject(org, "Стройка");
    EXPECT_TRUE(p.ok()) << p.status().message();
    auto o = repo_->CreateObject(org, p->id, "Объект 1");
    EXPECT_TRUE(o.ok()) << o.status().message();
    return o->id;
  }

  EstimateHeader Header() {
    EstimateHeader h;
    h.name = "ЛСР 02-01-05 Водомерный узел";
    h.number = "02-01-05";
    h.release_id = 7;
    h.region = "77";
    h.zone = "1";
    h.quarter = "2025-Q3";
    h.date = "2025-09-01";
    h.vat_date = "2026-01-01";
    h.options_json = R"({"money_decimals":"2"})";
    return h;
  }

  // `sections` sections of `per_section` positions numbered from 1.
  static std::vector<NewSection> Content(int sections, int per_section) {
    std::vector<NewSection> content;
    int n = 0;
    for (int s = 0; s < sections; ++s) {
      NewSection& section = content.emplace_back();
      section.name = "Раздел " + std::to_string(s + 1);
      for (int p = 0; p < per_section; ++p) {
        ++n;
        section.positions.push_back(Doc(std::to_string(n), n));
      }
    }
    return content;
  }

  // An estimate with `sections` sections of `per_section` positions numbered from 1.
  EstimateInfo NewEstimate(std::int64_t object, int sections, int per_section,
                           std::int64_t org = kOrg) {
    auto e = repo_->CreateEstimate(org, object, kActor, Header(), Content(sections, per_section));
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? *e : EstimateInfo{};
  }

  EstimateContent Load(std::int64_t id, std::int64_t org = kOrg) {
    auto c = repo_->LoadEstimate(org, id);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? *c : EstimateContent{};
  }

  std::filesystem::path dir_;
  std::string schema_, pg_base_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<EstimateRepository> repo_;
};

TEST_P(EstimateRepositoryContract, ProjectsAndObjectsAreCreatedListedRenamedAndDeleted) {
  auto a = repo_->CreateProject(kOrg, "Школа на 550 мест");
  auto b = repo_->CreateProject(kOrg, "Поликлиника");
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message();
  EXPECT_FALSE(a->created_at.empty());
  auto list = repo_->ListProjects(kOrg);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Школа на 550 мест");
  EXPECT_EQ(a->version, 1);
  ASSERT_TRUE(repo_->Rename<Project>(kOrg, a->id, "Школа на 600 мест", 1).ok());
  EXPECT_EQ(repo_->Get<Project>(kOrg, a->id)->name, "Школа на 600 мест");
  EXPECT_EQ(repo_->Get<Project>(kOrg, a->id)->version, 2);
  // A rename based on the old version loses: the other's change stays.
  EXPECT_EQ(repo_->Rename<Project>(kOrg, a->id, "Школа", 1).code(), StatusCode::kAborted);
  EXPECT_EQ(repo_->Get<Project>(kOrg, a->id)->name, "Школа на 600 мест");
  EXPECT_EQ(repo_->CreateProject(kOrg, "").status().code(), StatusCode::kInvalidArgument);

  auto o = repo_->CreateObject(kOrg, a->id, "Корпус 1");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(repo_->Get<SiteObject>(kOrg, o->id)->project_id, a->id);
  ASSERT_TRUE(repo_->Rename<SiteObject>(kOrg, o->id, "Корпус А", 1).ok());
  EXPECT_EQ(repo_->Rename<SiteObject>(kOrg, o->id, "Корпус Б", 1).code(), StatusCode::kAborted);
  auto objects = repo_->ListObjects(kOrg, a->id);
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ((*objects)[0].name, "Корпус А");
  EXPECT_EQ((*objects)[0].version, 2);
  EXPECT_EQ(repo_->CreateObject(kOrg, 999, "x").status().code(), StatusCode::kNotFound);

  // Not emptied: refused, and nothing goes.
  EXPECT_EQ(repo_->Delete<Project>(kOrg, a->id).code(), StatusCode::kFailedPrecondition);
  auto e = repo_->CreateEstimate(kOrg, o->id, kActor, Header());
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(repo_->Delete<SiteObject>(kOrg, o->id).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(repo_->DeleteEstimate(kOrg, e->id).ok());
  EXPECT_EQ(repo_->GetEstimate(kOrg, e->id).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(repo_->Delete<SiteObject>(kOrg, o->id).ok());
  ASSERT_TRUE(repo_->Delete<Project>(kOrg, a->id).ok());
  EXPECT_EQ(repo_->Get<Project>(kOrg, a->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(repo_->ListProjects(kOrg)->size(), 1u);
}

TEST_P(EstimateRepositoryContract, CreatedEstimateLoadsBackWithHeaderAndOrder) {
  const auto object = NewObject();
  const EstimateInfo e = NewEstimate(object, 2, 3);
  EXPECT_EQ(e.version, 1);
  EXPECT_EQ(e.header, Header());
  const EstimateContent c = Load(e.id);
  ASSERT_EQ(c.sections.size(), 2u);
  EXPECT_EQ(c.sections[1].name, "Раздел 2");
  ASSERT_EQ(c.PositionCount(), 6u);
  EXPECT_EQ(c.sections[0].positions[0].document_json, Doc("1", 1));
  EXPECT_EQ(c.sections[1].positions[2].document_json, Doc("6", 6));
  auto list = repo_->ListEstimates(kOrg, object);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].header.release_id, 7);
  auto versions = repo_->ListVersions(kOrg, e.id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].actor_user_id, kActor);

  EstimateHeader bad = Header();
  bad.date = "2025-13-01";
  auto refused = repo_->CreateEstimate(kOrg, object, kActor, bad);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("date"), std::string::npos);
  bad = Header();
  bad.method = "magic";
  EXPECT_NE(repo_->CreateEstimate(kOrg, object, kActor, bad).status().message().find("method"),
            std::string::npos);
}

TEST_P(EstimateRepositoryContract, OtherOrganizationsSeeNothingAndChangeNothing) {
  const auto object = NewObject();
  const EstimateInfo e = NewEstimate(object, 1, 2);
  const auto project = repo_->Get<SiteObject>(kOrg, object)->project_id;
  const auto position = Load(e.id).sections[0].positions[0].id;
  auto not_found = [](const Status& s) { return s.code() == StatusCode::kNotFound; };

  EXPECT_TRUE(repo_->ListProjects(kOtherOrg)->empty());
  EXPECT_TRUE(not_found(repo_->Get<Project>(kOtherOrg, project).status()));
  EXPECT_TRUE(not_found(repo_->Rename<Project>(kOtherOrg, project, "x", 1)));
  EXPECT_TRUE(not_found(repo_->Delete<Project>(kOtherOrg, project)));
  EXPECT_TRUE(not_found(repo_->CreateObject(kOtherOrg, project, "x").status()));
  EXPECT_TRUE(not_found(repo_->ListObjects(kOtherOrg, project).status()));
  EXPECT_TRUE(not_found(repo_->Get<SiteObject>(kOtherOrg, object).status()));
  EXPECT_TRUE(not_found(repo_->Rename<SiteObject>(kOtherOrg, object, "x", 1)));
  EXPECT_TRUE(not_found(repo_->Delete<SiteObject>(kOtherOrg, object)));
  EXPECT_TRUE(not_found(repo_->CreateEstimate(kOtherOrg, object, kActor, Header()).status()));
  EXPECT_TRUE(not_found(repo_->ListEstimates(kOtherOrg, object).status()));
  EXPECT_TRUE(not_found(repo_->GetEstimate(kOtherOrg, e.id).status()));
  EXPECT_TRUE(not_found(repo_->LoadEstimate(kOtherOrg, e.id).status()));
  ChangeSet set;
  set.changes.push_back(UpdatePosition{position, Doc("1", 99)});
  EXPECT_TRUE(not_found(repo_->Apply(kOtherOrg, e.id, 1, kActor, set).status()));
  EXPECT_TRUE(not_found(repo_->ListVersions(kOtherOrg, e.id).status()));
  EXPECT_TRUE(not_found(repo_->LoadVersion(kOtherOrg, e.id, 1).status()));
  EXPECT_TRUE(not_found(repo_->Diff(kOtherOrg, e.id, 1, 1).status()));
  EXPECT_TRUE(not_found(repo_->Restore(kOtherOrg, e.id, 1, 1, kActor).status()));
  EXPECT_TRUE(not_found(repo_->Duplicate(kOtherOrg, e.id, kActor).status()));
  EXPECT_TRUE(not_found(repo_->DeleteEstimate(kOtherOrg, e.id)));
  // A duplicate of one's own estimate into another organization's object is refused too.
  const auto foreign = NewObject(kOtherOrg);
  EXPECT_TRUE(not_found(repo_->Duplicate(kOrg, e.id, kActor, foreign).status()));

  EXPECT_EQ(repo_->Get<Project>(kOrg, project)->name, "Стройка");
  EXPECT_EQ(repo_->Get<SiteObject>(kOrg, object)->name, "Объект 1");
  const EstimateContent c = Load(e.id);
  EXPECT_EQ(c.info.version, 1);
  EXPECT_EQ(c.sections[0].positions[0].document_json, Doc("1", 1));
}

TEST_P(EstimateRepositoryContract, ChangeSetWritesOneVersionWithExactlyTheChangedItems) {
  const EstimateInfo e = NewEstimate(NewObject(), 2, 50);
  EstimateContent c = Load(e.id);
  const auto first = c.sections[0].positions[0].id;
  const auto tenth = c.sections[0].positions[9].id;
  const auto positions_before = Count("SELECT COUNT(*) FROM estimate_positions");

  // One position edited: one version, one change row, no other row rewritten.
  ChangeSet one;
  one.summary = "quantity of position 1";
  one.changes.push_back(UpdatePosition{first, Doc("1", 5)});
  auto applied = repo_->Apply(kOrg, e.id, 1, kActor, one);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->version, 2);
  EXPECT_EQ(applied->changed_items, 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes WHERE version = 2"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_positions"), positions_before);
  EXPECT_EQ(Load(e.id).sections[0].positions[0].document_json, Doc("1", 5));

  // A bigger set: new section with two positions (one by New), insert at an index, move into
  // the new section at its head, remove, and one position edited twice; plus header fields.
  ChangeSet set;
  set.summary = "restructure";
  set.changes.push_back(AddSection{"Раздел 0", 0});
  set.changes.push_back(AddPosition{ChangeSet::New(0), std::nullopt, Doc("n1", 1)});
  set.changes.push_back(AddPosition{ChangeSet::New(0), std::nullopt, Doc("n2", 2)});
  set.changes.push_back(AddPosition{c.sections[0].id, 3, Doc("ins", 3)});
  set.changes.push_back(MovePosition{tenth, ChangeSet::New(0), 0});
  set.changes.push_back(RemovePosition{c.sections[1].positions[0].id});
  set.changes.push_back(UpdatePosition{first, Doc("1", 6)});
  set.changes.push_back(UpdatePosition{first, Doc("1", 7)});
  set.changes.push_back(AddPosition{c.sections[1].id, std::nullopt, Doc("gone", 0)});
  set.changes.push_back(RemovePosition{ChangeSet::New(4)});
  UpdateHeader header;
  header.name = "ЛСР 02-01-05 (изм.)";
  header.release_id = std::optional<std::int64_t>();
  set.changes.push_back(header);
  set.changes.push_back(SetStatus{EstimateStatus::kReview});
  applied = repo_->Apply(kOrg, e.id, 2, kActor + 1, set);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->version, 3);
  ASSERT_EQ(applied->added_ids.size(), 5u);
  // section + 2 new + inserted + moved + removed + edited; the added-then-removed one leaves none.
  EXPECT_EQ(applied->changed_items, 7u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes WHERE version = 3"), 7);

  c = Load(e.id);
  EXPECT_EQ(c.info.version, 3);
  EXPECT_EQ(c.info.header.name, "ЛСР 02-01-05 (изм.)");
  EXPECT_EQ(c.info.header.status, EstimateStatus::kReview);
  EXPECT_FALSE(c.info.header.release_id.has_value());
  ASSERT_EQ(c.sections.size(), 3u);
  EXPECT_EQ(c.sections[0].name, "Раздел 0");
  ASSERT_EQ(c.sections[0].positions.size(), 3u);
  EXPECT_EQ(c.sections[0].positions[0].id, tenth);
  EXPECT_EQ(c.sections[0].positions[1].document_json, Doc("n1", 1));
  EXPECT_EQ(c.sections[0].positions[2].document_json, Doc("n2", 2));
  ASSERT_EQ(c.sections[1].positions.size(), 50u);  // 50 − moved + inserted
  EXPECT_EQ(c.sections[1].positions[0].document_json, Doc("1", 7));
  EXPECT_EQ(c.sections[1].positions[3].document_json, Doc("ins", 3));
  EXPECT_EQ(c.sections[2].positions.size(), 49u);
  auto versions = repo_->ListVersions(kOrg, e.id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[1].summary, "quantity of position 1");
  EXPECT_EQ((*versions)[2].actor_user_id, kActor + 1);
  EXPECT_EQ((*versions)[2].change_count, 7u);

  // A set that changes nothing makes no version.
  ChangeSet same;
  same.changes.push_back(UpdatePosition{first, Doc("1", 7)});
  applied = repo_->Apply(kOrg, e.id, 3, kActor, same);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->version, 3);
  EXPECT_EQ(repo_->ListVersions(kOrg, e.id)->size(), 3u);

  // Removing a section takes its positions, one change row each.
  ChangeSet drop;
  drop.changes.push_back(RemoveSection{c.sections[0].id});
  applied = repo_->Apply(kOrg, e.id, 3, kActor, drop);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->changed_items, 4u);
  EXPECT_EQ(Load(e.id).sections.size(), 2u);
}

TEST_P(EstimateRepositoryContract, StaleOrInvalidChangeSetsWriteNothing) {
  const EstimateInfo e = NewEstimate(NewObject(), 1, 10);
  const EstimateContent before = Load(e.id);
  const auto first = before.sections[0].positions[0].id;
  ChangeSet set;
  set.changes.push_back(UpdatePosition{first, Doc("1", 2)});
  ASSERT_TRUE(repo_->Apply(kOrg, e.id, 1, kActor, set).ok());
  const EstimateContent at2 = Load(e.id);
  const auto changes = Count("SELECT COUNT(*) FROM estimate_changes");

  set.changes[0] = UpdatePosition{first, Doc("1", 3)};
  auto stale = repo_->Apply(kOrg, e.id, 1, kActor, set);
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.status().message().find("version 2"), std::string::npos)
      << stale.status().message();
  EXPECT_EQ(repo_->Restore(kOrg, e.id, 1, 1, kActor).status().code(),
            StatusCode::kFailedPrecondition);

  // Valid first change, unknown position second: the first does not stay either.
  ChangeSet broken;
  broken.changes.push_back(UpdatePosition{first, Doc("1", 4)});
  broken.changes.push_back(RemovePosition{424242});
  auto missing = repo_->Apply(kOrg, e.id, 2, kActor, broken);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("changes[1].position_id"), std::string::npos)
      << missing.status().message();

  ChangeSet invalid;
  invalid.changes.push_back(UpdatePosition{first, "[1, 2]"});
  auto bad = repo_->Apply(kOrg, e.id, 2, kActor, invalid);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("changes[0].document_json"), std::string::npos);
  invalid.changes[0] = AddPosition{before.sections[0].id, 11, Doc("x", 1)};
  bad = repo_->Apply(kOrg, e.id, 2, kActor, invalid);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("changes[0].index"), std::string::npos);
  UpdateHeader header;
  header.vat_date = "01.01.2026";
  invalid.changes[0] = header;
  bad = repo_->Apply(kOrg, e.id, 2, kActor, invalid);
  EXPECT_NE(bad.status().message().find("changes[0].vat_date"), std::string::npos);
  invalid.changes[0] = AddPosition{ChangeSet::New(0), std::nullopt, Doc("x", 1)};
  bad = repo_->Apply(kOrg, e.id, 2, kActor, invalid);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->Apply(kOrg, e.id, 2, kActor, ChangeSet{}).status().code(),
            StatusCode::kInvalidArgument);

  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes"), changes);
  EXPECT_EQ(repo_->ListVersions(kOrg, e.id)->size(), 2u);
  const EstimateContent after = Load(e.id);
  EXPECT_EQ(after.info.version, 2);
  EXPECT_EQ(Flatten(after), Flatten(at2));
}

TEST_P(EstimateRepositoryContract, VersionsDiffAndRestoreAreExact) {
  const EstimateInfo e = NewEstimate(NewObject(), 2, 5);
  const EstimateContent v1 = Load(e.id);
  const auto& s0 = v1.sections[0];
  const auto a = s0.positions[0].id, b = s0.positions[1].id, moved = s0.positions[4].id;

  ChangeSet set2;
  set2.changes.push_back(UpdatePosition{a, Doc("1", 100)});
  ASSERT_TRUE(repo_->Apply(kOrg, e.id, 1, kActor, set2).ok());
  ChangeSet set3;
  set3.changes.push_back(RemovePosition{b});
  set3.changes.push_back(AddPosition{s0.id, 0, Doc("c", 3)});
  set3.changes.push_back(MovePosition{moved, v1.sections[1].id, 2});
  auto v3 = repo_->Apply(kOrg, e.id, 2, kActor, set3);
  ASSERT_TRUE(v3.ok()) << v3.status().message();
  const auto c = v3->added_ids[0];
  ChangeSet set4;
  set4.changes.push_back(RenameSection{s0.id, "Раздел 1 (изм.)"});
  set4.changes.push_back(UpdatePosition{a, Doc("1", 200)});
  UpdateHeader header;
  header.name = "Новое имя";
  set4.changes.push_back(header);
  set4.changes.push_back(SetStatus{EstimateStatus::kReview});
  ASSERT_TRUE(repo_->Apply(kOrg, e.id, 3, kActor, set4).ok());
  const EstimateContent v4 = Load(e.id);

  // Every version loads as it was.
  auto loaded1 = repo_->LoadVersion(kOrg, e.id, 1);
  ASSERT_TRUE(loaded1.ok()) << loaded1.status().message();
  EXPECT_EQ(Flatten(*loaded1), Flatten(v1));
  EXPECT_EQ(loaded1->info.header, v1.info.header);
  EXPECT_EQ(loaded1->info.version, 1);
  auto loaded4 = repo_->LoadVersion(kOrg, e.id, 4);
  ASSERT_TRUE(loaded4.ok());
  EXPECT_EQ(Flatten(*loaded4), Flatten(v4));
  auto loaded3 = repo_->LoadVersion(kOrg, e.id, 3);
  ASSERT_TRUE(loaded3.ok());
  EXPECT_EQ(loaded3->sections[0].positions[0].id, c);
  EXPECT_EQ(loaded3->sections[0].positions[1].document_json, Doc("1", 100));
  EXPECT_EQ(loaded3->sections[1].positions[2].id, moved);
  EXPECT_EQ(repo_->LoadVersion(kOrg, e.id, 5).status().code(), StatusCode::kNotFound);

  // Diff 1 → 4: a changed (old and new documents), b removed, c added, moved changed its
  // section, the section renamed; the header's name and status.
  auto diff = repo_->Diff(kOrg, e.id, 1, 4);
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  ASSERT_EQ(diff->items.size(), 5u);
  EXPECT_EQ(diff->items[0].kind, ItemKind::kSection);
  EXPECT_EQ(diff->items[0].after->value, "Раздел 1 (изм.)");
  auto find = [&](const EstimateDiff& d, std::int64_t id) {
    return *std::find_if(d.items.begin(), d.items.end(), [&](const ItemDiff& i) {
      return i.kind == ItemKind::kPosition && i.id == id;
    });
  };
  EXPECT_EQ(find(*diff, a).op, DiffOp::kChanged);
  EXPECT_EQ(find(*diff, a).before->value, Doc("1", 1));
  EXPECT_EQ(find(*diff, a).after->value, Doc("1", 200));
  EXPECT_EQ(find(*diff, b).op, DiffOp::kRemoved);
  EXPECT_FALSE(find(*diff, b).after.has_value());
  EXPECT_EQ(find(*diff, c).op, DiffOp::kAdded);
  EXPECT_EQ(find(*diff, moved).after->section_id, v1.sections[1].id);
  EXPECT_EQ(diff->header_fields, (std::vector<std::string>{"name", "status"}));
  auto back = repo_->Diff(kOrg, e.id, 4, 1);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(find(*back, b).op, DiffOp::kAdded);
  EXPECT_EQ(find(*back, c).op, DiffOp::kRemoved);
  EXPECT_EQ(find(*back, a).after->value, Doc("1", 1));
  EXPECT_TRUE(repo_->Diff(kOrg, e.id, 2, 2)->items.empty());

  // Restore 1: a new version writing only the five differing items; status stays.
  auto restored = repo_->Restore(kOrg, e.id, 1, 4, kActor);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_EQ(restored->version, 5);
  EXPECT_EQ(restored->changed_items, 5u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes WHERE version = 5"), 5);
  const EstimateContent v5 = Load(e.id);
  EXPECT_EQ(Flatten(v5), Flatten(v1));
  EXPECT_EQ(v5.info.header.name, v1.info.header.name);
  EXPECT_EQ(v5.info.header.status, EstimateStatus::kReview);
  auto same = repo_->Diff(kOrg, e.id, 1, 5);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->items.empty());
  EXPECT_EQ(same->header_fields, (std::vector<std::string>{"status"}));
  EXPECT_EQ(Flatten(*repo_->LoadVersion(kOrg, e.id, 4)), Flatten(v4));
  // Restoring the current state changes nothing.
  EXPECT_EQ(repo_->Restore(kOrg, e.id, 5, 5, kActor)->version, 5);
}

TEST_P(EstimateRepositoryContract, DuplicateIsANewEstimateWithTheSamePositions) {
  const auto object = NewObject();
  const EstimateInfo e = NewEstimate(object, 2, 4);
  ChangeSet set;
  set.changes.push_back(SetStatus{EstimateStatus::kApproved});
  set.changes.push_back(UpdatePosition{Load(e.id).sections[0].positions[0].id, Doc("1", 9)});
  ASSERT_TRUE(repo_->Apply(kOrg, e.id, 1, kActor, set).ok());
  const EstimateContent original = Load(e.id);

  auto copy = repo_->Duplicate(kOrg, e.id, kActor + 1, 0, "Копия");
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_NE(copy->id, e.id);
  EXPECT_EQ(copy->version, 1);
  EXPECT_EQ(copy->object_id, object);
  EXPECT_EQ(copy->header.name, "Копия");
  EXPECT_EQ(copy->header.status, EstimateStatus::kDraft);
  EXPECT_EQ(copy->header.region, "77");
  EstimateContent dup = Load(copy->id);
  EXPECT_EQ(Flatten(dup), Flatten(original));
  EXPECT_EQ((*repo_->ListVersions(kOrg, copy->id))[0].actor_user_id, kActor + 1);

  // The two live apart; new items of the copy do not collide with the copied ids.
  ChangeSet edit;
  edit.changes.push_back(RemovePosition{dup.sections[1].positions[0].id});
  edit.changes.push_back(AddPosition{dup.sections[1].id, std::nullopt, Doc("new", 1)});
  ASSERT_TRUE(repo_->Apply(kOrg, copy->id, 1, kActor, edit).ok());
  EXPECT_EQ(Flatten(Load(e.id)), Flatten(original));
  EXPECT_EQ(Load(copy->id).PositionCount(), 8u);
  ASSERT_TRUE(repo_->DeleteEstimate(kOrg, e.id).ok());
  EXPECT_EQ(Load(copy->id).PositionCount(), 8u);
}

TEST_P(EstimateRepositoryContract, ConcurrentWritersLoseNoUpdate) {
  const EstimateInfo e = NewEstimate(NewObject(), 1, 20);
  const auto position = Load(e.id).sections[0].positions[7].id;
  constexpr int kThreads = 8;
  constexpr int kIncrements = 12;
  std::atomic<int> conflicts{0};
  std::vector<std::string> errors[kThreads];
  auto worker = [&](int t) {
    for (int done = 0; done < kIncrements;) {
      auto c = repo_->LoadEstimate(kOrg, e.id);
      if (!c.ok()) {
        errors[t].push_back(c.status().message());
        return;
      }
      int quantity = -1;
      for (const auto& p : c->sections[0].positions) {
        if (p.id == position) quantity = QuantityOf(p.document_json);
      }
      ChangeSet set;
      set.summary = "thread " + std::to_string(t);
      set.changes.push_back(UpdatePosition{position, Doc("8", quantity + 1)});
      auto applied = repo_->Apply(kOrg, e.id, c->info.version, kActor + t, set);
      if (applied.ok()) {
        ++done;
      } else if (applied.status().code() == StatusCode::kFailedPrecondition) {
        ++conflicts;
      } else {
        errors[t].push_back(applied.status().message());
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& t : threads) t.join();
  for (const auto& list : errors) {
    for (const auto& m : list) ADD_FAILURE() << m;
  }
  const EstimateContent c = Load(e.id);
  EXPECT_EQ(c.info.version, 1 + kThreads * kIncrements);
  for (const auto& p : c.sections[0].positions) {
    if (p.id == position) {
      EXPECT_EQ(QuantityOf(p.document_json), 8 + kThreads * kIncrements);
    }
  }
  auto versions = repo_->ListVersions(kOrg, e.id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), static_cast<std::size_t>(1 + kThreads * kIncrements));
  for (std::size_t i = 0; i < versions->size(); ++i) {
    EXPECT_EQ((*versions)[i].version, static_cast<std::int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ((*versions)[i].change_count, 1u);
    }
  }
  // Each version moved the quantity by exactly one.
  auto diff = repo_->Diff(kOrg, e.id, 1, c.info.version);
  ASSERT_TRUE(diff.ok());
  ASSERT_EQ(diff->items.size(), 1u);
  EXPECT_EQ(QuantityOf(diff->items[0].before->value), 8);
  RecordProperty("conflicts", conflicts.load());
}

INSTANTIATE_TEST_SUITE_P(Engines, EstimateRepositoryContract,
                         testing::Values("sqlite", "postgresql"));

// The same repository in a UnitOfWork with the audit log: the writes of a use case and its audit
// record commit together or not at all; checked conditions leave the unit usable.
class EstimateUnitOfWorkContract : public EstimateRepositoryContract {
 protected:
  void SetUp() override {
    EstimateRepositoryContract::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    accounts_ = std::make_unique<AccountRepository>(*db_);
    audit_ = std::make_unique<AuditRepository>(*db_);
    auto org = accounts_->CreateOrganization("Стройтрест");
    ASSERT_TRUE(org.ok()) << org.status().message();
    org_ = org->id;
    auth::PhcHash h;
    h.salt = std::string(16, 's');
    h.hash = std::string(32, 'h');
    auto user = accounts_->CreateUser(
        {.email = "ann@example.com", .password_hash = auth::FormatPhc(h), .display_name = "Ann"});
    ASSERT_TRUE(user.ok()) << user.status().message();
    user_ = user->id;
  }
  void TearDown() override {
    audit_.reset();
    accounts_.reset();
    EstimateRepositoryContract::TearDown();
  }

  UnitOfWork Begin(UnitOfWork::Isolation isolation = UnitOfWork::Isolation::kReadCommitted) {
    auto uow = UnitOfWork::Begin(*db_, isolation);
    EXPECT_TRUE(uow.ok()) << uow.status().message();
    return std::move(uow).value();
  }

  AuditRecord Record(const std::string& entity_type, std::int64_t id, const std::string& action) {
    return {.organization_id = org_,
            .actor_user_id = user_,
            .action = action,
            .entity_type = entity_type,
            .entity_id = std::to_string(id),
            .after_json = R"({"id":)" + std::to_string(id) + "}"};
  }
  void Audit(UnitOfWork& uow, const std::string& entity_type, std::int64_t id,
             const std::string& action) {
    auto appended = audit_->Append(uow, Record(entity_type, id, action));
    EXPECT_TRUE(appended.ok()) << appended.status().message();
  }
  std::vector<AuditRecord> AuditLog() {
    auto log = audit_->Query(org_, {.limit = kMaxAuditLimit});
    EXPECT_TRUE(log.ok()) << log.status().message();
    return log.ok() ? *log : std::vector<AuditRecord>{};
  }
  long long VersionRows(std::int64_t estimate) {
    return Count("SELECT COUNT(*) FROM estimate_versions WHERE estimate_id = " +
                 std::to_string(estimate));
  }
  ChangeSet QuantityChange(std::int64_t position, int quantity) {
    ChangeSet set;
    set.summary = "quantity";
    set.changes.push_back(UpdatePosition{position, Doc("1", quantity)});
    return set;
  }

  std::unique_ptr<AccountRepository> accounts_;
  std::unique_ptr<AuditRepository> audit_;
  std::int64_t org_ = 0, user_ = 0;
};

TEST_P(EstimateUnitOfWorkContract, AChangeAndItsAuditRecordCommitTogether) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 3, org_);
  const auto position = Load(e.id, org_).sections[0].positions[0].id;
  {
    UnitOfWork uow = Begin();
    auto before = repo_->LoadEstimate(uow, org_, e.id);
    ASSERT_TRUE(before.ok()) << before.status().message();
    EXPECT_EQ(before->info.version, 1);
    auto applied = repo_->Apply(uow, org_, e.id, 1, user_, QuantityChange(position, 5));
    ASSERT_TRUE(applied.ok()) << applied.status().message();
    EXPECT_EQ(applied->version, 2);
    EXPECT_EQ(applied->changed_items, 1u);
    Audit(uow, "estimate", e.id, "update");
    ASSERT_TRUE(uow.Commit().ok());
  }
  const EstimateContent after = Load(e.id, org_);
  EXPECT_EQ(after.info.version, 2);
  EXPECT_EQ(after.sections[0].positions[0].document_json, Doc("1", 5));
  EXPECT_EQ(VersionRows(e.id), 2);
  const auto log = AuditLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].entity_id, std::to_string(e.id));
}

TEST_P(EstimateUnitOfWorkContract, AChangeAndItsAuditRecordRollBackTogether) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 3, org_);
  const EstimateContent before = Load(e.id, org_);
  const auto position = before.sections[0].positions[0].id;
  const auto changes = Count("SELECT COUNT(*) FROM estimate_changes");
  {
    UnitOfWork uow = Begin();
    auto applied = repo_->Apply(uow, org_, e.id, 1, user_, QuantityChange(position, 5));
    ASSERT_TRUE(applied.ok()) << applied.status().message();
    EXPECT_EQ(applied->version, 2);
    Audit(uow, "estimate", e.id, "update");
  }  // destroyed without Commit
  const EstimateContent after = Load(e.id, org_);
  EXPECT_EQ(after.info.version, 1);
  EXPECT_EQ(after.info.updated_at, before.info.updated_at);
  EXPECT_EQ(Flatten(after), Flatten(before));
  EXPECT_EQ(VersionRows(e.id), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes"), changes);
  EXPECT_TRUE(AuditLog().empty());
  // The row lock went with the unit: the same change saves now.
  EXPECT_EQ(repo_->Apply(org_, e.id, 1, user_, QuantityChange(position, 5))->version, 2);
}

TEST_P(EstimateUnitOfWorkContract, StaleOrInvalidChangeInAUnitWritesNothingAndTheUnitGoesOn) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 3, org_);
  const auto position = Load(e.id, org_).sections[0].positions[0].id;
  ASSERT_TRUE(repo_->Apply(org_, e.id, 1, user_, QuantityChange(position, 2)).ok());
  const EstimateContent at2 = Load(e.id, org_);
  const auto changes = Count("SELECT COUNT(*) FROM estimate_changes");
  {
    UnitOfWork uow = Begin();
    auto stale = repo_->Apply(uow, org_, e.id, 1, user_, QuantityChange(position, 3));
    EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(stale.status().message().find("version 2"), std::string::npos)
        << stale.status().message();
    EXPECT_EQ(repo_->Restore(uow, org_, e.id, 1, 1, user_).status().code(),
              StatusCode::kFailedPrecondition);
    // A valid first change, an unknown position second: the first does not stay either.
    ChangeSet broken = QuantityChange(position, 4);
    broken.changes.push_back(RemovePosition{424242});
    auto missing = repo_->Apply(uow, org_, e.id, 2, user_, broken);
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    EXPECT_NE(missing.status().message().find("changes[1].position_id"), std::string::npos)
        << missing.status().message();
    ChangeSet invalid;
    invalid.changes.push_back(UpdatePosition{position, "[1, 2]"});
    EXPECT_EQ(repo_->Apply(uow, org_, e.id, 2, user_, invalid).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(repo_->Apply(uow, org_, e.id, 2, user_, ChangeSet{}).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_FALSE(uow.failed());
    auto inside = repo_->LoadEstimate(uow, org_, e.id);
    ASSERT_TRUE(inside.ok()) << inside.status().message();
    EXPECT_EQ(inside->info.version, 2);
    EXPECT_EQ(Flatten(*inside), Flatten(at2));
    Audit(uow, "estimate", e.id, "update_refused");
    ASSERT_TRUE(uow.Commit().ok());
  }
  const EstimateContent after = Load(e.id, org_);
  EXPECT_EQ(after.info.version, 2);
  EXPECT_EQ(Flatten(after), Flatten(at2));
  EXPECT_EQ(VersionRows(e.id), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes"), changes);
  EXPECT_EQ(AuditLog().size(), 1u);
  // A unit that has ended refuses further work.
  UnitOfWork ended = Begin();
  ASSERT_TRUE(ended.Commit().ok());
  EXPECT_EQ(repo_->Apply(ended, org_, e.id, 2, user_, QuantityChange(position, 9)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(EstimateUnitOfWorkContract, AChangeSetThatChangesNothingMakesNoVersionInAUnit) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 3, org_);
  const EstimateContent before = Load(e.id, org_);
  const auto& first = before.sections[0].positions[0];
  ChangeSet same;
  same.changes.push_back(UpdatePosition{first.id, first.document_json});
  {
    UnitOfWork uow = Begin();
    auto applied = repo_->Apply(uow, org_, e.id, 1, user_, same);
    ASSERT_TRUE(applied.ok()) << applied.status().message();
    EXPECT_EQ(applied->version, 1);
    EXPECT_EQ(applied->changed_items, 0u);
    auto restored = repo_->Restore(uow, org_, e.id, 1, 1, user_);
    ASSERT_TRUE(restored.ok()) << restored.status().message();
    EXPECT_EQ(restored->version, 1);
    auto inside = repo_->GetEstimate(uow, org_, e.id);
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ(inside->version, 1);
    EXPECT_EQ(inside->updated_at, before.info.updated_at);
    Audit(uow, "estimate", e.id, "update");
    ASSERT_TRUE(uow.Commit().ok());
  }
  EXPECT_EQ(Load(e.id, org_).info.version, 1);
  EXPECT_EQ(Load(e.id, org_).info.updated_at, before.info.updated_at);
  EXPECT_EQ(VersionRows(e.id), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_changes"), 0);
  EXPECT_EQ(AuditLog().size(), 1u);

  // After a no-op, a real change in the same unit is based on the same version.
  UnitOfWork uow = Begin();
  ASSERT_EQ(repo_->Apply(uow, org_, e.id, 1, user_, same)->version, 1);
  auto applied = repo_->Apply(uow, org_, e.id, 1, user_, QuantityChange(first.id, 42));
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->version, 2);
  ASSERT_TRUE(uow.Commit().ok());
  EXPECT_EQ(VersionRows(e.id), 2);
}

TEST_P(EstimateUnitOfWorkContract, ProjectsAndObjectsAreWrittenInAUnit) {
  std::int64_t project = 0, object = 0;
  {
    UnitOfWork uow = Begin();
    auto p = repo_->CreateProject(uow, org_, "Школа");
    ASSERT_TRUE(p.ok()) << p.status().message();
    project = p->id;
    ASSERT_TRUE(repo_->Rename<Project>(uow, org_, project, "Школа на 550 мест", 1).ok());
    EXPECT_EQ(repo_->Get<Project>(uow, org_, project)->name, "Школа на 550 мест");
    auto o = repo_->CreateObject(uow, org_, project, "Корпус 1");
    ASSERT_TRUE(o.ok()) << o.status().message();
    object = o->id;
    ASSERT_TRUE(repo_->Rename<SiteObject>(uow, org_, object, "Корпус А", 1).ok());
    auto read = repo_->Get<SiteObject>(uow, org_, object);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->name, "Корпус А");
    EXPECT_EQ(read->project_id, project);
    // Checked conditions: the unit goes on.
    EXPECT_EQ(repo_->Delete<Project>(uow, org_, project).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo_->CreateObject(uow, org_, 999, "x").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(repo_->Rename<Project>(uow, kOtherOrg, project, "x", 1).code(), StatusCode::kNotFound);
    EXPECT_EQ(repo_->Get<SiteObject>(uow, kOtherOrg, object).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(repo_->CreateProject(uow, org_, "").status().code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(uow.failed());
    Audit(uow, "project", project, "create");
    Audit(uow, "object", object, "create");
    ASSERT_TRUE(uow.Commit().ok());
  }
  EXPECT_EQ(repo_->Get<Project>(org_, project)->name, "Школа на 550 мест");
  EXPECT_EQ(repo_->Get<SiteObject>(org_, object)->name, "Корпус А");
  EXPECT_EQ(AuditLog().size(), 2u);

  // Deleted in a unit that rolls back: both stay.
  {
    UnitOfWork uow = Begin();
    ASSERT_TRUE(repo_->Delete<SiteObject>(uow, org_, object).ok());
    ASSERT_TRUE(repo_->Delete<Project>(uow, org_, project).ok());
    EXPECT_EQ(repo_->Get<Project>(uow, org_, project).status().code(), StatusCode::kNotFound);
    Audit(uow, "project", project, "delete");
  }
  EXPECT_TRUE(repo_->Get<SiteObject>(org_, object).ok());
  EXPECT_TRUE(repo_->Get<Project>(org_, project).ok());
  EXPECT_EQ(AuditLog().size(), 2u);

  // Committed: both go.
  UnitOfWork uow = Begin();
  EXPECT_EQ(repo_->Delete<SiteObject>(uow, kOtherOrg, object).code(), StatusCode::kNotFound);
  ASSERT_TRUE(repo_->Delete<SiteObject>(uow, org_, object).ok());
  ASSERT_TRUE(repo_->Delete<Project>(uow, org_, project).ok());
  ASSERT_TRUE(uow.Commit().ok());
  EXPECT_EQ(repo_->Get<SiteObject>(org_, object).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(repo_->Get<Project>(org_, project).status().code(), StatusCode::kNotFound);
}

TEST_P(EstimateUnitOfWorkContract, EstimatesAreCreatedAndDeletedInAUnit) {
  const auto object = NewObject(org_);
  const auto project = repo_->Get<SiteObject>(org_, object)->project_id;
  std::int64_t estimate = 0;
  {
    UnitOfWork uow = Begin();
    auto e = repo_->CreateEstimate(uow, org_, object, user_, Header(), Content(2, 2));
    ASSERT_TRUE(e.ok()) << e.status().message();
    estimate = e->id;
    EXPECT_EQ(e->version, 1);
    EXPECT_EQ(repo_->GetEstimate(uow, org_, estimate)->header, Header());
    EXPECT_EQ(repo_->LoadEstimate(uow, org_, estimate)->PositionCount(), 4u);
    // Checked conditions: the unit goes on.
    EXPECT_EQ(repo_->Delete<SiteObject>(uow, org_, object).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo_->Delete<Project>(uow, org_, project).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo_->CreateEstimate(uow, org_, 999, user_, Header()).status().code(),
              StatusCode::kNotFound);
    EstimateHeader bad = Header();
    bad.date = "2025-13-01";
    auto refused = repo_->CreateEstimate(uow, org_, object, user_, bad);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("date"), std::string::npos);
    EXPECT_EQ(repo_->LoadEstimate(uow, kOtherOrg, estimate).status().code(), StatusCode::kNotFound);
    EXPECT_FALSE(uow.failed());
    Audit(uow, "estimate", estimate, "create");
    ASSERT_TRUE(uow.Commit().ok());
  }
  EXPECT_EQ(Load(estimate, org_).PositionCount(), 4u);
  EXPECT_EQ(repo_->ListEstimates(org_, object)->size(), 1u);

  // Created in a unit that rolls back: gone with it.
  {
    UnitOfWork uow = Begin();
    ASSERT_TRUE(repo_->CreateEstimate(uow, org_, object, user_, Header()).ok());
  }
  EXPECT_EQ(repo_->ListEstimates(org_, object)->size(), 1u);

  // Deleted in a unit that rolls back: stays; committed: goes, with its history.
  {
    UnitOfWork uow = Begin();
    ASSERT_TRUE(repo_->DeleteEstimate(uow, org_, estimate).ok());
    EXPECT_EQ(repo_->GetEstimate(uow, org_, estimate).status().code(), StatusCode::kNotFound);
  }
  EXPECT_TRUE(repo_->GetEstimate(org_, estimate).ok());
  UnitOfWork uow = Begin();
  ASSERT_TRUE(repo_->DeleteEstimate(uow, org_, estimate).ok());
  EXPECT_EQ(repo_->DeleteEstimate(uow, org_, estimate).code(), StatusCode::kNotFound);
  Audit(uow, "estimate", estimate, "delete");
  ASSERT_TRUE(uow.Commit().ok());
  EXPECT_EQ(repo_->GetEstimate(org_, estimate).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(VersionRows(estimate), 0);
  EXPECT_EQ(AuditLog().size(), 2u);
}

// A new estimate's rows go in bulk (COPY on PostgreSQL, one reused INSERT on SQLite): more than
// one COPY buffer of documents, with the characters COPY escapes, come back byte for byte, and
// the content answered is what a read of the store gives.
TEST_P(EstimateUnitOfWorkContract, ALargeEstimateIsStoredInBulkAndAnsweredAsStored) {
  const auto object = NewObject(org_);
  std::vector<NewSection> sections;
  for (int s = 0; s < 5; ++s) {
    sections.push_back({"Раздел " + std::to_string(s + 1), {}});
    for (int p = 0; p < 1000; ++p) sections.back().positions.push_back(Doc(std::to_string(p), p));
  }
  sections[2].positions[7] =
      "{\"name\":\"tab\tnewline\ncr\rbackslash\\\\ \\\"quoted\\\" \\\\N\",\"n\":\"\\u0001\"}";
  sections.push_back({"Пустой раздел", {}});
  std::vector<std::string> given;
  for (const auto& s : sections) {
    given.push_back(s.name);
    for (const auto& p : s.positions) given.push_back(p);
  }
  EstimateContent answered;
  {
    UnitOfWork uow = Begin();
    auto created = repo_->CreateEstimateContent(uow, org_, object, user_, Header(),
                                                std::move(sections));
    ASSERT_TRUE(created.ok()) << created.status().message();
    answered = std::move(created).value();
    Audit(uow, "estimate", answered.info.id, "create");
    ASSERT_TRUE(uow.Commit().ok());
  }
  EXPECT_EQ(answered.info.version, 1);
  EXPECT_EQ(answered.PositionCount(), 5000u);
  const EstimateContent loaded = Load(answered.info.id, org_);
  EXPECT_EQ(Flatten(answered), Flatten(loaded));
  EXPECT_EQ(answered.info.updated_at, loaded.info.updated_at);
  std::vector<std::string> stored;
  for (const auto& s : loaded.sections) {
    stored.push_back(s.name);
    for (const auto& p : s.positions) stored.push_back(p.document_json);
  }
  EXPECT_EQ(stored, given);
  for (const auto& s : loaded.sections) {
    for (std::size_t i = 1; i < s.positions.size(); ++i) {
      EXPECT_LT(s.positions[i - 1].sort_key, s.positions[i].sort_key);
    }
  }
}

// A row the database refuses in the middle of the bulk insert (PostgreSQL refuses text that is
// not UTF-8; SQLite keeps any bytes) fails the unit, which then writes nothing at all.
TEST_P(EstimateUnitOfWorkContract, ARefusedRowInTheBulkInsertLeavesNothingWritten) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite stores any bytes";
  const auto object = NewObject(org_);
  std::vector<NewSection> sections = Content(3, 1000);
  sections[1].positions[500] = "{\"name\":\"\xff\xfe\"}";
  {
    UnitOfWork uow = Begin();
    auto created = repo_->CreateEstimate(uow, org_, object, user_, Header(), sections);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument)
        << created.status().message();
    EXPECT_TRUE(uow.failed());
    EXPECT_FALSE(uow.Commit().ok());
  }
  auto refused = repo_->CreateEstimate(org_, object, user_, Header(), sections);
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(repo_->ListEstimates(org_, object)->empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_positions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_sections"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM estimate_versions"), 0);
}

TEST_P(EstimateUnitOfWorkContract, RestoreInAUnitCommitsWithItsAuditRecord) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 3, org_);
  const EstimateContent v1 = Load(e.id, org_);
  ASSERT_TRUE(
      repo_->Apply(org_, e.id, 1, user_, QuantityChange(v1.sections[0].positions[0].id, 7)).ok());
  {
    UnitOfWork uow = Begin();
    auto restored = repo_->Restore(uow, org_, e.id, 1, 2, user_);
    ASSERT_TRUE(restored.ok()) << restored.status().message();
    EXPECT_EQ(restored->version, 3);
    EXPECT_EQ(restored->changed_items, 1u);
    // A version that does not exist: refused after the version was bumped, and the bump undone.
    EXPECT_EQ(repo_->Restore(uow, org_, e.id, 9, 3, user_).status().code(), StatusCode::kNotFound);
    EXPECT_FALSE(uow.failed());
    EXPECT_EQ(repo_->GetEstimate(uow, org_, e.id)->version, 3);
    Audit(uow, "estimate", e.id, "restore");
    ASSERT_TRUE(uow.Commit().ok());
  }
  const EstimateContent v3 = Load(e.id, org_);
  EXPECT_EQ(v3.info.version, 3);
  EXPECT_EQ(Flatten(v3), Flatten(v1));
  EXPECT_EQ(VersionRows(e.id), 3);
  EXPECT_EQ(AuditLog().size(), 1u);
}

TEST_P(EstimateUnitOfWorkContract, VersionsNameTheirActorsByDisplayNameOrEmail) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 1, org_);  // by kActor: no such user
  const auto position = Load(e.id, org_).sections[0].positions[0].id;
  ASSERT_TRUE(repo_->Apply(org_, e.id, 1, user_, QuantityChange(position, 2)).ok());
  // The accounts repository refuses an empty display name; a row may still hold one.
  auth::PhcHash h;
  h.salt = std::string(16, 's');
  h.hash = std::string(32, 'h');
  auto bob = accounts_->CreateUser(
      {.email = "bob@example.com", .password_hash = auth::FormatPhc(h), .display_name = "Bob"});
  ASSERT_TRUE(bob.ok()) << bob.status().message();
  {
    auto lease = db_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    long long id = bob->id;
    lease->session() << "UPDATE users SET display_name = '' WHERE id = :id", soci::use(id);
  }
  ASSERT_TRUE(repo_->Apply(org_, e.id, 2, bob->id, QuantityChange(position, 3)).ok());

  auto versions = repo_->ListVersions(org_, e.id);
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].actor_user_id, kActor);
  EXPECT_EQ((*versions)[0].actor_name, "");
  EXPECT_EQ((*versions)[1].actor_user_id, user_);
  EXPECT_EQ((*versions)[1].actor_name, "Ann");
  EXPECT_EQ((*versions)[2].actor_user_id, bob->id);
  EXPECT_EQ((*versions)[2].actor_name, "bob@example.com");
  EXPECT_EQ((*versions)[2].summary, "quantity");
  EXPECT_EQ((*versions)[2].change_count, 1u);
}

TEST_P(EstimateUnitOfWorkContract, DuplicateInASnapshotUnitCopiesOneState) {
  const auto object = NewObject(org_);
  const EstimateInfo e = NewEstimate(object, 2, 3, org_);
  const EstimateContent original = Load(e.id, org_);
  const auto position = original.sections[1].positions[2].id;
  std::int64_t copy_id = 0;
  {
    UnitOfWork uow = Begin(UnitOfWork::Isolation::kSnapshot);
    ASSERT_TRUE(repo_->GetEstimate(uow, org_, e.id).ok());  // the snapshot starts here
    if (db_->dialect() == Dialect::kPostgresql) {
      // Another writer edits the source meanwhile; on SQLite it would wait for the unit.
      ASSERT_TRUE(repo_->Apply(org_, e.id, 1, user_, QuantityChange(position, 77)).ok());
    }
    auto copy = repo_->Duplicate(uow, org_, e.id, user_, 0, "Копия");
    ASSERT_TRUE(copy.ok()) << copy.status().message();
    copy_id = copy->id;
    EXPECT_EQ(copy->header.name, "Копия");
    EXPECT_EQ(copy->version, 1);
    EXPECT_EQ(repo_->Duplicate(uow, org_, e.id, user_, 999).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(repo_->Duplicate(uow, org_, e.id, user_, 0, std::string(1001, 'x')).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_FALSE(uow.failed());
    Audit(uow, "estimate", copy_id, "duplicate");
    ASSERT_TRUE(uow.Commit().ok());
  }
  EXPECT_EQ(Flatten(Load(copy_id, org_)), Flatten(original));
  EXPECT_EQ(AuditLog().size(), 1u);

  // Rolled back: no copy.
  {
    UnitOfWork uow = Begin(UnitOfWork::Isolation::kSnapshot);
    ASSERT_TRUE(repo_->Duplicate(uow, org_, e.id, user_).ok());
  }
  EXPECT_EQ(repo_->ListEstimates(org_, object)->size(), 2u);
}

TEST_P(EstimateUnitOfWorkContract, ConcurrentAuditedWritersLoseNoUpdateAndAuditEachOnce) {
  const EstimateInfo e = NewEstimate(NewObject(org_), 1, 20, org_);
  const auto position = Load(e.id, org_).sections[0].positions[7].id;
  constexpr int kThreads = 8;
  constexpr int kIncrements = 12;
  std::atomic<int> conflicts{0};
  std::vector<std::string> errors[kThreads];
  // One attempt: the version the client saw, then in one unit the "before", the change based on
  // that version, and its audit record. False on a conflict (the unit rolls back).
  auto attempt = [&](int t) -> Result<bool> {
    auto seen = repo_->LoadEstimate(org_, e.id);
    if (!seen.ok()) return seen.status();
    int quantity = -1;
    for (const auto& p : seen->sections[0].positions) {
      if (p.id == position) quantity = QuantityOf(p.document_json);
    }
    auto uow = UnitOfWork::Begin(*db_);
    if (!uow.ok()) return uow.status();
    auto before = repo_->LoadEstimate(*uow, org_, e.id);
    if (!before.ok()) return before.status();
    ChangeSet set;
    set.summary = "thread " + std::to_string(t);
    set.changes.push_back(UpdatePosition{position, Doc("8", quantity + 1)});
    auto applied = repo_->Apply(*uow, org_, e.id, seen->info.version, user_, set);
    if (!applied.ok()) {
      if (applied.status().code() != StatusCode::kFailedPrecondition) return applied.status();
      if (uow->failed()) return Internal("a stale version poisoned the unit");
      return false;
    }
    AuditRecord record = Record("estimate", e.id, "update");
    record.after_json = R"({"version":)" + std::to_string(applied->version) + "}";
    auto appended = audit_->Append(*uow, record);
    if (!appended.ok()) return appended.status();
    if (Status committed = uow->Commit(); !committed.ok()) return committed;
    return true;
  };
  auto worker = [&](int t) {
    for (int done = 0; done < kIncrements;) {
      auto accepted = attempt(t);
      if (!accepted.ok()) {
        errors[t].push_back(accepted.status().message());
        return;
      }
      if (*accepted) {
        ++done;
      } else {
        ++conflicts;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& t : threads) t.join();
  for (const auto& list : errors) {
    for (const auto& m : list) ADD_FAILURE() << m;
  }
  const EstimateContent c = Load(e.id, org_);
  EXPECT_EQ(c.info.version, 1 + kThreads * kIncrements);
  for (const auto& p : c.sections[0].positions) {
    if (p.id == position) {
      EXPECT_EQ(QuantityOf(p.document_json), 8 + kThreads * kIncrements);
    }
  }
  EXPECT_EQ(VersionRows(e.id), 1 + kThreads * kIncrements);
  // Exactly one record per accepted write, naming each new version once.
  const auto log = AuditLog();
  EXPECT_EQ(log.size(), static_cast<std::size_t>(kThreads * kIncrements));
  std::set<std::string> versions;
  for (const AuditRecord& r : log) versions.insert(r.after_json.value_or(""));
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(kThreads * kIncrements));
  EXPECT_EQ(versions.count(R"({"version":2})"), 1u);
  EXPECT_EQ(versions.count(R"({"version":)" + std::to_string(1 + kThreads * kIncrements) + "}"),
            1u);
  RecordProperty("conflicts", conflicts.load());
}

INSTANTIATE_TEST_SUITE_P(Engines, EstimateUnitOfWorkContract,
                         testing::Values("sqlite", "postgresql"));

TEST(EstimateSortKey, KeysStayOrderedAndShortUnderAnyInsertionPattern) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) keys.push_back(SortKeyAfter(keys.empty() ? "" : keys.back()));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  EXPECT_LE(keys.back().size(), 4u);
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    const std::size_t at = rng() % (keys.size() + 1);
    std::string key = at == 0             ? SortKeyBefore(keys.front())
                      : at == keys.size() ? SortKeyAfter(keys.back())
                                          : SortKeyBetween(keys[at - 1], keys[at]);
    ASSERT_FALSE(key.empty());
    ASSERT_NE(key.back(), '0');
    if (at > 0) {
      ASSERT_LT(keys[at - 1], key);
    }
    if (at < keys.size()) {
      ASSERT_LT(key, keys[at]);
    }
    keys.insert(keys.begin() + static_cast<std::ptrdiff_t>(at), key);
  }
  // One spot hammered: a character about every six insertions.
  std::string lo = keys[100], hi = keys[101];
  for (int i = 0; i < 120; ++i) {
    std::string mid = SortKeyBetween(lo, hi);
    ASSERT_LT(lo, mid);
    ASSERT_LT(mid, hi);
    hi = mid;
  }
  EXPECT_LE(hi.size(), 30u);
  // Always before the first.
  std::string first = keys.front();
  for (int i = 0; i < 200; ++i) {
    std::string before = SortKeyBefore(first);
    ASSERT_LT(before, first);
    ASSERT_NE(before.back(), '0');
    first = before;
  }
}

}  // namespace
}  // namespace estimate::store
