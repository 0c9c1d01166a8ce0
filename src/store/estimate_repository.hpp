#pragma once
// Projects (стройки), their objects and the estimates (ЛСР) of an object, with every version kept
// (migration 0004_estimates; docs/design/estimates-store.md explains the design).
//
// Guarantees:
// - Every call is scoped by organization: a row of another organization is NotFound, never
//   visible, never changed.
// - Every write to an estimate names the version it was based on. A stale expected_version is
//   FailedPrecondition and nothing is written; the check and the write are one transaction, so no
//   update is ever lost, on either engine, whatever the number of writers.
// - One change set makes one version, writing only the sections and positions it changes (O(1)
//   rows for one edited position, whatever the size of the estimate). A set that changes nothing
//   makes no version.
// - History is exact: any version's state, the diff between any two, restore and duplicate.
// - Documents are opaque here: a position's document_json is the calc-v1 position object as the
//   service wrote it (formats::PositionToDocument); the store checks only that it is an object.
//
// Errors: InvalidArgument naming the field (changes[2].document_json, name, date…), NotFound,
// FailedPrecondition (stale version, a project or object that is not empty), Unavailable (the
// database cannot be reached or is busy). Exceptions stay inside the .cpp.
//
// Units of work (unit_of_work.hpp): each write, and the reads a use case needs for its audit
// record's "before", has an overload taking a UnitOfWork& that runs in the caller's transaction,
// so that the change and its audit record commit together. The rules of the unit hold: the
// checked conditions above (NotFound, InvalidArgument, FailedPrecondition of a stale version or a
// non-empty project or object) write nothing and leave the unit usable; a database error poisons
// it. Apply and Restore run in a savepoint of the unit, rolled back to when a change of the set
// fails a check after earlier ones were written, or when the set changes nothing. The overloads
// without a unit run in a transaction of their own, as before.
// - Apply and Restore lock the estimate's row until the unit ends: keep such a unit short. Run
//   them in a default (READ COMMITTED) unit: in a kSnapshot unit on PostgreSQL an edit that
//   another writer committed after the snapshot began is Unavailable (and poisons the unit)
//   instead of the stale version's FailedPrecondition.
// - Reads in a READ COMMITTED unit on PostgreSQL see each statement's own moment: LoadEstimate's
//   content may be newer than its version if another writer commits in between, but then an
//   Apply based on that version is refused as stale, so an audited "before" is never wrong.
// - Duplicate in a unit reads the source in the unit's transaction: on PostgreSQL begin the unit
//   with UnitOfWork::Isolation::kSnapshot for a consistent copy while others edit the source (the
//   overload without a unit does). SQLite units are serialized anyway.
//
// Thread-safety: the repository holds only the Database, itself thread-safe; each call leases its
// own session or uses the unit's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.hpp"
#include "store/database.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::store {

enum class EstimateStatus { kDraft, kReview, kApproved };

// "draft", "review", "approved".
const char* EstimateStatusName(EstimateStatus status);
std::optional<EstimateStatus> ParseEstimateStatus(std::string_view text);

struct Project {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::string name;
  std::string created_at;  // UTC ISO 8601 with milliseconds
  std::string updated_at;
  std::int64_t version = 1;  // moves on with every rename (If-Match)
};

// An object (объект) of a project; SiteObject because `Object` is everyone's name.
struct SiteObject {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::int64_t project_id = 0;
  std::string name;
  std::string created_at;
  std::string updated_at;
  std::int64_t version = 1;
};

// What an estimate fixes besides its positions.
struct EstimateHeader {
  std::string name;    // required
  std::string number;  // "02-01-05", may be empty
  EstimateStatus status = EstimateStatus::kDraft;
  std::string method = "resource-index";  // "resource-index" | "base-index" (calc-v1 names)
  std::optional<std::int64_t> release_id;
  std::string region;
  std::string zone;
  std::string quarter;              // "2025-Q3" or as the release names it; not interpreted here
  std::string date;                 // YYYY-MM-DD or empty
  std::string vat_date;             // YYYY-MM-DD or empty: the date that decides the VAT rate
  std::string options_json = "{}";  // the calc-v1 "options" object

  bool operator==(const EstimateHeader&) const = default;
};

struct EstimateInfo {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::int64_t object_id = 0;
  std::int64_t version = 0;
  EstimateHeader header;
  std::string created_at;
  std::string updated_at;
};

// Item ids (sections and positions share one counter) are per estimate and stable: an edited or
// moved position keeps its id; a restored one gets its old id back; a duplicate keeps them all.
struct PositionRow {
  std::int64_t id = 0;
  std::int64_t section_id = 0;
  std::string sort_key;  // byte order within the section; internal, but stable
  std::string document_json;
};

struct SectionRow {
  std::int64_t id = 0;
  std::string sort_key;
  std::string name;
  std::vector<PositionRow> positions;  // in order
};

// An estimate at one version: the header and the sections with their positions, in order.
struct EstimateContent {
  EstimateInfo info;
  std::vector<SectionRow> sections;
  std::size_t PositionCount() const;
};

// Initial content of a new estimate.
struct NewSection {
  std::string name;
  std::vector<std::string> positions;  // document JSON of each position, in order
};

// The changes of one saved edit. Indices count from 0 within the current order (after the
// earlier changes of the same set); no index appends. A later change may refer to the k-th item
// that this set added (counting sections and positions together, from 0) as New(k).
struct AddSection {
  std::string name;
  std::optional<std::size_t> index;
};
struct RenameSection {
  std::int64_t section_id = 0;
  std::string name;
};
// Removes the section with every position in it.
struct RemoveSection {
  std::int64_t section_id = 0;
};
struct AddPosition {
  std::int64_t section_id = 0;
  std::optional<std::size_t> index;
  std::string document_json;
};
struct UpdatePosition {
  std::int64_t position_id = 0;
  std::string document_json;
};
struct RemovePosition {
  std::int64_t position_id = 0;
};
// To another place in its section or into another section.
struct MovePosition {
  std::int64_t position_id = 0;
  std::int64_t section_id = 0;
  std::optional<std::size_t> index;
};
// The header fields that are set; status has its own change.
struct UpdateHeader {
  std::optional<std::string> name;
  std::optional<std::string> number;
  std::optional<std::string> method;
  std::optional<std::optional<std::int64_t>> release_id;
  std::optional<std::string> region;
  std::optional<std::string> zone;
  std::optional<std::string> quarter;
  std::optional<std::string> date;
  std::optional<std::string> vat_date;
  std::optional<std::string> options_json;
};
// Which transitions are allowed, and to whom, is the service's policy.
struct SetStatus {
  EstimateStatus status = EstimateStatus::kDraft;
};

using EstimateChange =
    std::variant<AddSection, RenameSection, RemoveSection, AddPosition, UpdatePosition,
                 RemovePosition, MovePosition, UpdateHeader, SetStatus>;

struct ChangeSet {
  std::vector<EstimateChange> changes;
  std::string summary;  // "quantity of position 12", shown in the version list

  static constexpr std::int64_t New(std::size_t k) { return -1 - static_cast<std::int64_t>(k); }
};

struct AppliedChange {
  std::int64_t version = 0;             // the new version (the old one if nothing changed)
  std::vector<std::int64_t> added_ids;  // ids of the items the set added, in order
  std::size_t changed_items = 0;        // change rows written
  std::string updated_at;               // the estimate's updated_at now (empty if nothing changed)
};

struct VersionInfo {
  std::int64_t version = 0;
  std::int64_t actor_user_id = 0;
  // The actor's display name, or their email when it is empty; empty when no user has that id.
  std::string actor_name;
  std::string created_at;
  std::string summary;
  std::size_t change_count = 0;  // sections and positions this version changed
};

enum class ItemKind { kSection, kPosition };
enum class DiffOp { kAdded, kChanged, kRemoved };

// A section or position at one version. For a section, section_id is 0 and value its name; for a
// position, value is its document JSON.
struct ItemState {
  std::int64_t section_id = 0;
  std::string sort_key;
  std::string value;
  bool operator==(const ItemState&) const = default;
};

struct ItemDiff {
  ItemKind kind = ItemKind::kPosition;
  std::int64_t id = 0;
  DiffOp op = DiffOp::kChanged;
  std::optional<ItemState> before;  // at `from`; absent when added
  std::optional<ItemState> after;   // at `to`; absent when removed
};

struct EstimateDiff {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::vector<ItemDiff> items;             // sections first, then positions, each by id
  std::vector<std::string> header_fields;  // names of the header fields that differ
};

class EstimateRepository {
 public:
  explicit EstimateRepository(Database& db) : db_(db) {}

  // Projects, and objects of a project: the two named levels of the catalog above estimates,
  // one set of operations for both (Entity: Project or SiteObject).
  Result<Project> CreateProject(std::int64_t organization_id, const std::string& name);
  Result<Project> CreateProject(UnitOfWork& uow, std::int64_t organization_id,
                                const std::string& name);
  Result<std::vector<Project>> ListProjects(std::int64_t organization_id);
  Result<SiteObject> CreateObject(std::int64_t organization_id, std::int64_t project_id,
                                  const std::string& name);
  Result<SiteObject> CreateObject(UnitOfWork& uow, std::int64_t organization_id,
                                  std::int64_t project_id, const std::string& name);
  Result<std::vector<SiteObject>> ListObjects(std::int64_t organization_id,
                                              std::int64_t project_id);
  template <typename Entity>
  Result<Entity> Get(std::int64_t organization_id, std::int64_t id);
  template <typename Entity>
  Result<Entity> Get(UnitOfWork& uow, std::int64_t organization_id, std::int64_t id);
  // Renames version `expected_version`; Aborted when the row is at another (stale).
  template <typename Entity>
  Status Rename(std::int64_t organization_id, std::int64_t id, const std::string& name,
                std::int64_t expected_version);
  template <typename Entity>
  Status Rename(UnitOfWork& uow, std::int64_t organization_id, std::int64_t id,
                const std::string& name, std::int64_t expected_version);
  // FailedPrecondition while a project has objects, or an object has estimates.
  template <typename Entity>
  Status Delete(std::int64_t organization_id, std::int64_t id);
  template <typename Entity>
  Status Delete(UnitOfWork& uow, std::int64_t organization_id, std::int64_t id);

  // A new estimate at version 1 with the given content (may be empty).
  Result<EstimateInfo> CreateEstimate(std::int64_t organization_id, std::int64_t object_id,
                                      std::int64_t actor_user_id, const EstimateHeader& header,
                                      const std::vector<NewSection>& sections = {});
  Result<EstimateInfo> CreateEstimate(UnitOfWork& uow, std::int64_t organization_id,
                                      std::int64_t object_id, std::int64_t actor_user_id,
                                      const EstimateHeader& header,
                                      const std::vector<NewSection>& sections = {});
  // The same in a unit, answering the estimate as stored — its ids, sort keys and documents,
  // what LoadEstimate would read once the unit commits — so that the caller need not read back
  // what it has just written. The documents are moved out of `sections`.
  Result<EstimateContent> CreateEstimateContent(UnitOfWork& uow, std::int64_t organization_id,
                                                std::int64_t object_id,
                                                std::int64_t actor_user_id,
                                                const EstimateHeader& header,
                                                std::vector<NewSection>&& sections);
  Result<EstimateInfo> GetEstimate(std::int64_t organization_id, std::int64_t estimate_id);
  Result<EstimateInfo> GetEstimate(UnitOfWork& uow, std::int64_t organization_id,
                                   std::int64_t estimate_id);
  Result<std::vector<EstimateInfo>> ListEstimates(std::int64_t organization_id,
                                                  std::int64_t object_id);
  // The current header, sections and positions, read in one snapshot (in a unit: see above).
  Result<EstimateContent> LoadEstimate(std::int64_t organization_id, std::int64_t estimate_id);
  Result<EstimateContent> LoadEstimate(UnitOfWork& uow, std::int64_t organization_id,
                                       std::int64_t estimate_id);
  // Removes the estimate with its history.
  Status DeleteEstimate(std::int64_t organization_id, std::int64_t estimate_id);
  Status DeleteEstimate(UnitOfWork& uow, std::int64_t organization_id, std::int64_t estimate_id);

  // Saves a change set as one new version (see the guarantees above).
  Result<AppliedChange> Apply(std::int64_t organization_id, std::int64_t estimate_id,
                              std::int64_t expected_version, std::int64_t actor_user_id,
                              const ChangeSet& changes);
  Result<AppliedChange> Apply(UnitOfWork& uow, std::int64_t organization_id,
                              std::int64_t estimate_id, std::int64_t expected_version,
                              std::int64_t actor_user_id, const ChangeSet& changes);

  // Versions, oldest first, with their actors' names (joined from users, migration 0003).
  Result<std::vector<VersionInfo>> ListVersions(std::int64_t organization_id,
                                                std::int64_t estimate_id);
  // The estimate as it was at `version`.
  Result<EstimateContent> LoadVersion(std::int64_t organization_id, std::int64_t estimate_id,
                                      std::int64_t version);
  // What changed from version `from` to version `to` (either order).
  Result<EstimateDiff> Diff(std::int64_t organization_id, std::int64_t estimate_id,
                            std::int64_t from, std::int64_t to);
  // Makes the sections, positions and header (all but status) those of `version`, as a new
  // version that writes only the items that differ.
  Result<AppliedChange> Restore(std::int64_t organization_id, std::int64_t estimate_id,
                                std::int64_t version, std::int64_t expected_version,
                                std::int64_t actor_user_id);
  Result<AppliedChange> Restore(UnitOfWork& uow, std::int64_t organization_id,
                                std::int64_t estimate_id, std::int64_t version,
                                std::int64_t expected_version, std::int64_t actor_user_id);
  // A copy as a new estimate (draft, version 1) in `object_id` (0: the same object), named
  // `name` (empty: the same name). In a unit: a kSnapshot one on PostgreSQL (see above).
  Result<EstimateInfo> Duplicate(std::int64_t organization_id, std::int64_t estimate_id,
                                 std::int64_t actor_user_id, std::int64_t object_id = 0,
                                 const std::string& name = {});
  Result<EstimateInfo> Duplicate(UnitOfWork& uow, std::int64_t organization_id,
                                 std::int64_t estimate_id, std::int64_t actor_user_id,
                                 std::int64_t object_id = 0, const std::string& name = {});

 private:
  Database& db_;
};

}  // namespace estimate::store
