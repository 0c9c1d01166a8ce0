#include "store/estimate_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "core/clock.hpp"
#include "store/estimate_sort_key.hpp"
#include "store/release_connection_internal.hpp"
#include "store/sql_support.hpp"
#include "store/store_error.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

const char* EstimateStatusName(EstimateStatus status) {
  switch (status) {
    case EstimateStatus::kDraft:
      return "draft";
    case EstimateStatus::kReview:
      return "review";
    case EstimateStatus::kApproved:
      return "approved";
  }
  return "draft";
}

std::optional<EstimateStatus> ParseEstimateStatus(std::string_view text) {
  if (text == "draft") return EstimateStatus::kDraft;
  if (text == "review") return EstimateStatus::kReview;
  if (text == "approved") return EstimateStatus::kApproved;
  return std::nullopt;
}

std::size_t EstimateContent::PositionCount() const {
  std::size_t n = 0;
  for (const auto& s : sections) n += s.positions.size();
  return n;
}

namespace {

using I64 = long long;  // what SOCI binds

using internal::RunIn;
using internal::RunLeased;
using internal::RunOwn;
using internal::StoreError;
using Isolation = UnitOfWork::Isolation;

// Not injected yet (the repository takes no clock): the system clock, as text.
std::string UtcNow() { return core::FormatUtcTimestamp(telemetry::SystemClock().Now()); }

// A read-only transaction, so that a read of several statements sees one state: a deferred SQLite
// transaction (in WAL mode a snapshot that blocks no writer), REPEATABLE READ on PostgreSQL.
// Writes run in a UnitOfWork instead.
class ReadTransaction {
 public:
  ReadTransaction(soci::session& s, Dialect d) : s_(s) {
    s_ << (d == Dialect::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction() {
    if (done_) return;
    try {
      s_ << "ROLLBACK";
    } catch (const std::exception&) {
      // The connection is gone; the database rolls the transaction back itself.
    }
  }
  // Throws when the connection fails, so that the caller's edge replaces it.
  void End() {
    s_ << "COMMIT";
    done_ = true;
  }

 private:
  soci::session& s_;
  bool done_ = false;
};

// Runs a read of several statements on a leased session, in one ReadTransaction.
template <typename Body>
auto RunRead(Database& db, const std::string& what, Body&& body)
    -> std::invoke_result_t<Body&, soci::session&> {
  return RunLeased(db, what, [&](soci::session& s) {
    ReadTransaction tx(s, db.dialect());
    auto result = body(s);
    tx.End();
    return result;
  });
}

// Where a version write (Apply, Restore) runs, which decides how it leaves no trace when a check
// fails half-way or the change set changes nothing: in a unit of its own the whole unit rolls
// back; in a caller's unit, which must go on, it rolls back to a savepoint taken before it.
enum class VersionScope { kOwnUnit, kCallersUnit };

// The savepoint of a version write in a caller's unit; nothing in a unit of its own. Same SQL on
// both engines. After a database error the unit is poisoned and the savepoint is left alone.
class Savepoint {
 public:
  Savepoint(soci::session& s, VersionScope scope)
      : s_(scope == VersionScope::kCallersUnit ? &s : nullptr) {
    if (s_ != nullptr) *s_ << "SAVEPOINT estimate_version";
  }
  void Keep() {
    if (s_ != nullptr) *s_ << "RELEASE SAVEPOINT estimate_version";
  }
  void Undo() {
    if (s_ == nullptr) return;
    *s_ << "ROLLBACK TO SAVEPOINT estimate_version";
    *s_ << "RELEASE SAVEPOINT estimate_version";
  }

 private:
  soci::session* s_;
};

// A statement built up binding by binding. Run() executes it once without a server-side prepared
// statement (one round trip on PostgreSQL); Prepare() keeps it for repeated Execute().
class Query {
 public:
  Query(soci::session& s, std::string sql) : st_(s), sql_(std::move(sql)) {}
  template <typename T>
  Query& Into(T& v) {
    st_.exchange(soci::into(v));
    return *this;
  }
  template <typename T>
  Query& Into(T& v, soci::indicator& ind) {
    st_.exchange(soci::into(v, ind));
    return *this;
  }
  template <typename T>
  Query& Use(T& v) {
    st_.exchange(soci::use(v));
    return *this;
  }
  template <typename T>
  Query& Use(T& v, soci::indicator& ind) {
    st_.exchange(soci::use(v, ind));
    return *this;
  }
  // Executes once; true when a first row was fetched into the Into() variables. The statement is
  // finished at once (SQLite refuses to COMMIT while a statement is still stepping).
  bool Run() {
    Define(soci::details::st_one_time_query);
    const bool got = st_.execute(true);
    st_.clean_up();
    return got;
  }
  // Executes once; the number of rows changed.
  I64 RunCount() {
    Define(soci::details::st_one_time_query);
    st_.execute(true);
    const I64 n = st_.get_affected_rows();
    st_.clean_up();
    return n;
  }
  // Executes once without fetching; Next() then fetches row by row.
  void Start() {
    Define(soci::details::st_one_time_query);
    st_.execute(false);
  }
  bool Next() {
    if (st_.fetch()) return true;
    st_.clean_up();
    return false;
  }
  void Prepare() { Define(soci::details::st_repeatable_query); }
  bool Execute() { return st_.execute(true); }

 private:
  void Define(soci::details::statement_type type) {
    st_.alloc();
    st_.prepare(sql_, type);
    st_.define_and_bind();
  }
  soci::statement st_;
  std::string sql_;
};

constexpr const char* kHeaderColumns =
    "name, number, status, method, release_id, region, zone, quarter, estimate_date, vat_date, "
    "options_json";
constexpr const char* kHeaderPlaceholders =
    ":name, :number, :status, :method, :release_id, :region, :zone, :quarter, :estimate_date, "
    ":vat_date, :options_json";

// The header columns as SOCI binds them.
struct HeaderRow {
  std::string name, number, status, method, region, zone, quarter, date, vat_date, options;
  I64 release = 0;
  soci::indicator release_ind = soci::i_null;

  void From(const EstimateHeader& h) {
    name = h.name, number = h.number, status = EstimateStatusName(h.status), method = h.method;
    region = h.region, zone = h.zone, quarter = h.quarter, date = h.date, vat_date = h.vat_date;
    options = h.options_json;
    release = h.release_id.value_or(0);
    release_ind = h.release_id ? soci::i_ok : soci::i_null;
  }
  EstimateHeader ToHeader() const {
    EstimateHeader h;
    h.name = name, h.number = number, h.method = method, h.region = region, h.zone = zone;
    h.quarter = quarter, h.date = date, h.vat_date = vat_date, h.options_json = options;
    h.status = ParseEstimateStatus(status).value_or(EstimateStatus::kDraft);
    if (release_ind == soci::i_ok) h.release_id = release;
    return h;
  }
  void Into(Query& q) {
    q.Into(name).Into(number).Into(status).Into(method).Into(release, release_ind);
    q.Into(region).Into(zone).Into(quarter).Into(date).Into(vat_date).Into(options);
  }
  void Use(Query& q) {
    q.Use(name).Use(number).Use(status).Use(method).Use(release, release_ind);
    q.Use(region).Use(zone).Use(quarter).Use(date).Use(vat_date).Use(options);
  }
};

// --- validation -----------------------------------------------------------------------------

bool IsJsonObject(std::string_view json) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!json.empty() && space(json.front())) json.remove_prefix(1);
  while (!json.empty() && space(json.back())) json.remove_suffix(1);
  return json.size() >= 2 && json.front() == '{' && json.back() == '}';
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status CheckName(const std::string& name, const std::string& field) {
  if (name.empty()) return InvalidArgument(field + ": must not be empty");
  if (name.size() > 1000) return InvalidArgument(field + ": longer than 1000 bytes");
  return Status::Ok();
}

Status CheckHeaderField(const std::string& field, const std::string& value) {
  if (field == "name") return CheckName(value, field);
  if (field == "method" && value != "resource-index" && value != "base-index") {
    return InvalidArgument("method: \"" + value +
                           "\" is not a method; use \"resource-index\" or \"base-index\"");
  }
  if ((field == "date" || field == "vat_date") && !value.empty() && !IsDate(value)) {
    return InvalidArgument(field + ": \"" + value + "\" is not a date (YYYY-MM-DD)");
  }
  if (field == "options_json" && !IsJsonObject(value)) {
    return InvalidArgument("options_json: not a JSON object");
  }
  return Status::Ok();
}

Status CheckHeader(const EstimateHeader& h) {
  const std::pair<const char*, const std::string*> fields[] = {{"name", &h.name},
                                                               {"method", &h.method},
                                                               {"date", &h.date},
                                                               {"vat_date", &h.vat_date},
                                                               {"options_json", &h.options_json}};
  for (const auto& [field, value] : fields) {
    if (Status s = CheckHeaderField(field, *value); !s.ok()) return s;
  }
  return Status::Ok();
}

// The fields of `b` that differ from `a`, by name.
std::vector<std::string> HeaderDifferences(const EstimateHeader& a, const EstimateHeader& b) {
  std::vector<std::string> out;
  if (a.name != b.name) out.emplace_back("name");
  if (a.number != b.number) out.emplace_back("number");
  if (a.status != b.status) out.emplace_back("status");
  if (a.method != b.method) out.emplace_back("method");
  if (a.release_id != b.release_id) out.emplace_back("release_id");
  if (a.region != b.region) out.emplace_back("region");
  if (a.zone != b.zone) out.emplace_back("zone");
  if (a.quarter != b.quarter) out.emplace_back("quarter");
  if (a.date != b.date) out.emplace_back("date");
  if (a.vat_date != b.vat_date) out.emplace_back("vat_date");
  if (a.options_json != b.options_json) out.emplace_back("options_json");
  return out;
}

// --- items and their states ------------------------------------------------------------------

using ItemKey = std::pair<ItemKind, std::int64_t>;

const char* EntityName(ItemKind kind) {
  return kind == ItemKind::kSection ? "section" : "position";
}

// An item's state at the start and at the end of a span of versions (a change set, a range of
// the log). Absent: the item did not exist.
struct Span {
  std::optional<ItemState> first;
  std::optional<ItemState> last;
};

// A row of estimate_changes as read back.
struct ChangeRow {
  std::string entity;
  I64 entity_id = 0, version = 0;
  I64 before_section = 0, after_section = 0;
  std::string before_key, before_value, after_key, after_value;
  soci::indicator before_section_ind = soci::i_null, before_key_ind = soci::i_null,
                  before_value_ind = soci::i_null, after_section_ind = soci::i_null,
                  after_key_ind = soci::i_null, after_value_ind = soci::i_null;

  ItemKey Key() const {
    return {entity == "section" ? ItemKind::kSection : ItemKind::kPosition, entity_id};
  }
  std::optional<ItemState> Before() const {
    if (before_key_ind != soci::i_ok) return std::nullopt;
    return ItemState{before_section, before_key, before_value};
  }
  std::optional<ItemState> After() const {
    if (after_key_ind != soci::i_ok) return std::nullopt;
    return ItemState{after_section, after_key, after_value};
  }
};

// Reads the change rows of versions in (after, upto], ordered by version (ascending or not), and
// calls fn(row) for each.
template <typename Fn>
void ReadChanges(soci::session& s, I64 estimate, I64 after, I64 upto, bool descending, Fn fn) {
  ChangeRow r;
  Query q(s, std::string("SELECT entity, entity_id, version, before_section_id, before_sort_key, "
                         "before_value, after_section_id, after_sort_key, after_value FROM "
                         "estimate_changes WHERE estimate_id = :e AND version > :a AND "
                         "version <= :b ORDER BY version ") +
                 (descending ? "DESC" : "ASC"));
  q.Into(r.entity).Into(r.entity_id).Into(r.version);
  q.Into(r.before_section, r.before_section_ind).Into(r.before_key, r.before_key_ind);
  q.Into(r.before_value, r.before_value_ind);
  q.Into(r.after_section, r.after_section_ind).Into(r.after_key, r.after_key_ind);
  q.Into(r.after_value, r.after_value_ind);
  q.Use(estimate).Use(after).Use(upto);
  q.Start();
  while (q.Next()) fn(r);
}

// The spans of every item that versions (lo, hi] changed: state at lo and at hi.
std::map<ItemKey, Span> SpansBetween(soci::session& s, I64 estimate, I64 lo, I64 hi) {
  std::map<ItemKey, Span> spans;
  ReadChanges(s, estimate, lo, hi, false, [&](const ChangeRow& r) {
    auto [it, fresh] = spans.try_emplace(r.Key());
    if (fresh) it->second.first = r.Before();
    it->second.last = r.After();
  });
  return spans;
}

DiffOp OpOf(const Span& span) {
  if (!span.first) return DiffOp::kAdded;
  if (!span.last) return DiffOp::kRemoved;
  return DiffOp::kChanged;
}

const char* OpName(DiffOp op) {
  switch (op) {
    case DiffOp::kAdded:
      return "added";
    case DiffOp::kChanged:
      return "changed";
    case DiffOp::kRemoved:
      return "removed";
  }
  return "changed";
}

// True when the span leaves a trace (not added-and-removed, not back to where it was).
bool Changed(const Span& span) {
  if (!span.first && !span.last) return false;
  return !(span.first && span.last && *span.first == *span.last);
}

// --- reading estimates -----------------------------------------------------------------------

Result<EstimateInfo> ReadInfo(soci::session& s, I64 org, I64 id) {
  EstimateInfo info;
  HeaderRow h;
  I64 object = 0, version = 0;
  Query q(s, std::string("SELECT object_id, version, created_at, updated_at, ") + kHeaderColumns +
                 " FROM estimates WHERE id = :id AND organization_id = :org");
  q.Into(object).Into(version).Into(info.created_at).Into(info.updated_at);
  h.Into(q);
  q.Use(id).Use(org);
  if (!q.Run()) return NotFound("estimate " + std::to_string(id) + " does not exist");
  info.id = id, info.organization_id = org, info.object_id = object, info.version = version;
  info.header = h.ToHeader();
  return info;
}

// The current sections and positions of an estimate, in order.
std::vector<SectionRow> ReadCurrentItems(soci::session& s, I64 estimate) {
  std::vector<SectionRow> sections;
  std::unordered_map<std::int64_t, std::size_t> at;
  {
    I64 id = 0;
    std::string key, name;
    Query q(s,
            "SELECT id, sort_key, name FROM estimate_sections WHERE estimate_id = :e "
            "ORDER BY sort_key, id");
    q.Into(id).Into(key).Into(name).Use(estimate);
    q.Start();
    while (q.Next()) {
      at[id] = sections.size();
      sections.push_back({id, key, name, {}});
    }
  }
  I64 id = 0, section = 0;
  std::string key, doc;
  Query q(s,
          "SELECT id, section_id, sort_key, document_json FROM estimate_positions WHERE "
          "estimate_id = :e ORDER BY section_id, sort_key, id");
  q.Into(id).Into(section).Into(key).Into(doc).Use(estimate);
  q.Start();
  while (q.Next()) {
    auto it = at.find(section);
    if (it == at.end()) {
      throw StoreError(StatusCode::kInternal, "estimate " + std::to_string(estimate) +
                                                  ": position " + std::to_string(id) +
                                                  " is in a missing section");
    }
    sections[it->second].positions.push_back({id, section, key, std::move(doc)});
    doc = std::string();
  }
  return sections;
}

// Orders a set of item states into sections with their positions.
std::vector<SectionRow> Assemble(const std::map<std::int64_t, ItemState>& sections,
                                 const std::map<std::int64_t, ItemState>& positions) {
  std::vector<SectionRow> out;
  for (const auto& [id, st] : sections) out.push_back({id, st.sort_key, st.value, {}});
  auto by_key = [](const auto& a, const auto& b) {
    return a.sort_key != b.sort_key ? a.sort_key < b.sort_key : a.id < b.id;
  };
  std::sort(out.begin(), out.end(), by_key);
  std::unordered_map<std::int64_t, std::size_t> at;
  for (std::size_t i = 0; i < out.size(); ++i) at[out[i].id] = i;
  for (const auto& [id, st] : positions) {
    auto it = at.find(st.section_id);
    if (it == at.end()) {
      throw StoreError(StatusCode::kInternal,
                       "position " + std::to_string(id) + " is in a missing section");
    }
    out[it->second].positions.push_back({id, st.section_id, st.sort_key, st.value});
  }
  for (auto& section : out) std::sort(section.positions.begin(), section.positions.end(), by_key);
  return out;
}

Result<EstimateHeader> ReadVersionHeader(soci::session& s, I64 estimate, I64 version,
                                         std::string* created_at) {
  HeaderRow h;
  std::string at;
  Query q(s, std::string("SELECT created_at, ") + kHeaderColumns +
                 " FROM estimate_versions WHERE estimate_id = :e AND version = :v");
  q.Into(at);
  h.Into(q);
  q.Use(estimate).Use(version);
  if (!q.Run()) {
    return NotFound("version " + std::to_string(version) + " of estimate " +
                    std::to_string(estimate) + " does not exist");
  }
  if (created_at != nullptr) *created_at = at;
  return h.ToHeader();
}

// --- writing a version -----------------------------------------------------------------------

// The state of one estimate inside a write transaction: the header as it will be saved, the id
// counter, and every item touched so far with its state before the write and now (the rows in
// the database always equal `last`).
class VersionWriter {
 public:
  VersionWriter(soci::session& s, I64 estimate) : s_(s), estimate_(estimate) {}

  // The conditional bump of the version: the check of expected_version and, on PostgreSQL, the
  // row lock that serialises writers of this estimate. NotFound or FailedPrecondition when it
  // does not match; nothing is written then.
  Status Begin(I64 org, I64 expected) {
    HeaderRow h;
    I64 next = 0, new_version = 0;
    now_ = UtcNow();
    Query q(s_, std::string("UPDATE estimates SET version = version + 1, updated_at = :at "
                            "WHERE id = :id AND organization_id = :org AND version = :v "
                            "RETURNING version, next_item_id, ") +
                    kHeaderColumns);
    q.Into(new_version).Into(next);
    h.Into(q);
    q.Use(now_).Use(estimate_).Use(org).Use(expected);
    if (!q.Run()) {
      I64 current = 0;
      Query c(s_, "SELECT version FROM estimates WHERE id = :id AND organization_id = :org");
      c.Into(current).Use(estimate_).Use(org);
      if (!c.Run()) return NotFound("estimate " + std::to_string(estimate_) + " does not exist");
      return FailedPrecondition("estimate " + std::to_string(estimate_) + " is at version " +
                                std::to_string(current) + ", not " + std::to_string(expected) +
                                ": reload it and apply the change again");
    }
    version_ = new_version;
    next_id_ = next;
    header_before_ = header_ = h.ToHeader();
    return Status::Ok();
  }

  I64 version() const { return version_; }
  // The time the version is stamped with (the estimate's updated_at).
  const std::string& now() const { return now_; }
  EstimateHeader& header() { return header_; }
  I64 NextId() { return next_id_++; }

  // The item's current state (loading it on first touch), or nullopt if it does not exist.
  std::optional<ItemState> Current(ItemKind kind, I64 id) {
    if (auto it = touched_.find({kind, id}); it != touched_.end()) return it->second.last;
    std::optional<ItemState> st = Load(kind, id);
    touched_[{kind, id}] = Span{st, st};
    return st;
  }

  // Records that the item is now `state` (the caller has written the row).
  void Set(ItemKind kind, I64 id, std::optional<ItemState> state) {
    auto [it, fresh] = touched_.try_emplace({kind, id});
    if (fresh) it->second.first = std::nullopt;  // new items only; others went through Current
    it->second.last = std::move(state);
  }
  // For items whose state before was read in bulk (the positions of a removed section).
  void SetLoaded(ItemKind kind, I64 id, std::optional<ItemState> before,
                 std::optional<ItemState> state) {
    auto [it, fresh] = touched_.try_emplace({kind, id});
    if (fresh) it->second.first = std::move(before);
    it->second.last = std::move(state);
  }

  // The key for a new place: index among the current items of a list (the sections, or the
  // positions of one section), not counting `moving`; no index appends.
  Result<std::string> KeyAt(ItemKind kind, I64 section, std::optional<std::size_t> index,
                            I64 moving, const std::string& field) {
    const bool positions = kind == ItemKind::kPosition;
    const std::string where = positions ? " WHERE estimate_id = :e AND section_id = :s AND id <> :m"
                                        : " WHERE estimate_id = :e AND id <> :m";
    const std::string table = positions ? "estimate_positions" : "estimate_sections";
    std::vector<std::string> keys;
    std::string key;
    I64 offset = index && *index > 0 ? static_cast<I64>(*index) - 1 : 0;
    Query q(s_, index ? "SELECT sort_key FROM " + table + where +
                            " ORDER BY sort_key, id LIMIT 2 OFFSET :o"
                      : "SELECT MAX(sort_key) FROM " + table + where);
    soci::indicator ind = soci::i_null;
    q.Into(key, ind).Use(estimate_);
    if (positions) q.Use(section);
    q.Use(moving);
    if (index) q.Use(offset);
    q.Start();
    while (q.Next()) {
      if (ind == soci::i_ok) keys.push_back(key);
    }
    if (!index) return keys.empty() ? SortKeyAfter("") : SortKeyAfter(keys[0]);
    if (*index == 0) return keys.empty() ? SortKeyAfter("") : SortKeyBefore(keys[0]);
    if (keys.empty()) {
      return InvalidArgument(field + ": " + std::to_string(*index) + " is past the end of the " +
                             (positions ? "section" : "estimate"));
    }
    if (keys.size() == 1) return SortKeyAfter(keys[0]);
    if (!(keys[0] < keys[1])) {
      return Internal(field + ": equal sort keys \"" + keys[0] + "\" in estimate " +
                      std::to_string(estimate_));
    }
    return SortKeyBetween(keys[0], keys[1]);
  }

  // Writes the version: the header and id counter, the version row and one change row per item
  // that changed. Returns the number of change rows, or nullopt when nothing changed at all (the
  // caller then rolls back and keeps the version).
  std::optional<std::size_t> Finish(I64 actor, const std::string& summary) {
    std::vector<std::pair<ItemKey, const Span*>> changed;
    for (const auto& [key, span] : touched_) {
      if (Changed(span)) changed.emplace_back(key, &span);
    }
    const bool header_changed = !(header_ == header_before_);
    if (changed.empty() && !header_changed) return std::nullopt;
    HeaderRow h;
    h.From(header_);
    {
      I64 next = next_id_;
      Query q(s_,
              "UPDATE estimates SET name = :name, number = :number, status = :status, "
              "method = :method, release_id = :release_id, region = :region, zone = :zone, "
              "quarter = :quarter, estimate_date = :estimate_date, vat_date = :vat_date, "
              "options_json = :options_json, next_item_id = :n WHERE id = :id");
      h.Use(q);
      q.Use(next).Use(estimate_);
      q.Run();
    }
    {
      I64 actor_id = actor, count = static_cast<I64>(changed.size());
      std::string text = summary;
      Query q(s_, std::string("INSERT INTO estimate_versions (estimate_id, version, "
                              "actor_user_id, created_at, summary, change_count, ") +
                      kHeaderColumns + ") VALUES (:e, :v, :a, :at, :s, :c, " + kHeaderPlaceholders +
                      ")");
      q.Use(estimate_).Use(version_).Use(actor_id).Use(now_).Use(text).Use(count);
      h.Use(q);
      q.Run();
    }
    if (!changed.empty()) {
      ChangeRow r;
      std::string op;
      Query q(s_,
              "INSERT INTO estimate_changes (estimate_id, version, entity, entity_id, op, "
              "before_section_id, before_sort_key, before_value, after_section_id, "
              "after_sort_key, after_value) VALUES (:e, :v, :entity, :id, :op, :bs, :bk, "
              ":bv, :as, :ak, :av)");
      q.Use(estimate_).Use(version_).Use(r.entity).Use(r.entity_id).Use(op);
      q.Use(r.before_section, r.before_section_ind).Use(r.before_key, r.before_key_ind);
      q.Use(r.before_value, r.before_value_ind);
      q.Use(r.after_section, r.after_section_ind).Use(r.after_key, r.after_key_ind);
      q.Use(r.after_value, r.after_value_ind);
      const bool once = changed.size() == 1;
      if (!once) q.Prepare();
      for (const auto& [key, span] : changed) {
        r.entity = EntityName(key.first);
        r.entity_id = key.second;
        op = OpName(OpOf(*span));
        auto put = [](const std::optional<ItemState>& st, I64& section, soci::indicator& si,
                      std::string& k, soci::indicator& ki, std::string& v, soci::indicator& vi) {
          si = ki = vi = st ? soci::i_ok : soci::i_null;
          section = st ? st->section_id : 0;
          k = st ? st->sort_key : std::string();
          v = st ? st->value : std::string();
        };
        put(span->first, r.before_section, r.before_section_ind, r.before_key, r.before_key_ind,
            r.before_value, r.before_value_ind);
        put(span->last, r.after_section, r.after_section_ind, r.after_key, r.after_key_ind,
            r.after_value, r.after_value_ind);
        if (once) {
          q.Run();
        } else {
          q.Execute();
        }
      }
    }
    return changed.size();
  }

  // Row writes that keep the database equal to the recorded states.
  void InsertSection(I64 id, const ItemState& st) {
    I64 key_id = id;
    std::string key = st.sort_key, name = st.value;
    Query q(s_,
            "INSERT INTO estimate_sections (estimate_id, id, sort_key, name) VALUES "
            "(:e, :id, :k, :n)");
    q.Use(estimate_).Use(key_id).Use(key).Use(name);
    q.Run();
  }
  void InsertPosition(I64 id, const ItemState& st) {
    I64 key_id = id, section = st.section_id;
    std::string key = st.sort_key, doc = st.value;
    Query q(s_,
            "INSERT INTO estimate_positions (estimate_id, id, section_id, sort_key, "
            "document_json) VALUES (:e, :id, :s, :k, :d)");
    q.Use(estimate_).Use(key_id).Use(section).Use(key).Use(doc);
    q.Run();
  }
  void UpdateItem(ItemKind kind, I64 id, const ItemState& st) {
    I64 key_id = id, section = st.section_id;
    std::string key = st.sort_key, value = st.value;
    if (kind == ItemKind::kSection) {
      Query q(s_,
              "UPDATE estimate_sections SET sort_key = :k, name = :n WHERE estimate_id = :e "
              "AND id = :id");
      q.Use(key).Use(value).Use(estimate_).Use(key_id);
      q.Run();
    } else {
      Query q(s_,
              "UPDATE estimate_positions SET section_id = :s, sort_key = :k, "
              "document_json = :d WHERE estimate_id = :e AND id = :id");
      q.Use(section).Use(key).Use(value).Use(estimate_).Use(key_id);
      q.Run();
    }
  }
  void DeleteItem(ItemKind kind, I64 id) {
    I64 key_id = id;
    Query q(s_, std::string("DELETE FROM ") +
                    (kind == ItemKind::kSection ? "estimate_sections" : "estimate_positions") +
                    " WHERE estimate_id = :e AND id = :id");
    q.Use(estimate_).Use(key_id);
    q.Run();
  }
  void PutItem(ItemKind kind, I64 id, const std::optional<ItemState>& now,
               const std::optional<ItemState>& want) {
    if (!want) {
      DeleteItem(kind, id);
    } else if (!now) {
      if (kind == ItemKind::kSection) {
        InsertSection(id, *want);
      } else {
        InsertPosition(id, *want);
      }
    } else {
      UpdateItem(kind, id, *want);
    }
  }

  soci::session& session() { return s_; }
  I64 estimate() const { return estimate_; }

 private:
  std::optional<ItemState> Load(ItemKind kind, I64 id) {
    ItemState st;
    I64 key_id = id, section = 0;
    if (kind == ItemKind::kSection) {
      Query q(s_,
              "SELECT sort_key, name FROM estimate_sections WHERE estimate_id = :e AND "
              "id = :id");
      q.Into(st.sort_key).Into(st.value).Use(estimate_).Use(key_id);
      if (!q.Run()) return std::nullopt;
    } else {
      Query q(s_,
              "SELECT section_id, sort_key, document_json FROM estimate_positions WHERE "
              "estimate_id = :e AND id = :id");
      q.Into(section).Into(st.sort_key).Into(st.value).Use(estimate_).Use(key_id);
      if (!q.Run()) return std::nullopt;
      st.section_id = section;
    }
    return st;
  }

  soci::session& s_;
  I64 estimate_;
  I64 version_ = 0;
  I64 next_id_ = 0;
  std::string now_;
  EstimateHeader header_before_;
  EstimateHeader header_;
  std::map<ItemKey, Span> touched_;
};

// Checks what can be checked before touching the database.
Status CheckChange(const EstimateChange& change, const std::string& at) {
  struct Visitor {
    const std::string& at;
    Status operator()(const AddSection&) const { return Status::Ok(); }
    Status operator()(const RenameSection&) const { return Status::Ok(); }
    Status operator()(const RemoveSection&) const { return Status::Ok(); }
    Status operator()(const AddPosition& c) const { return Document(c.document_json); }
    Status operator()(const UpdatePosition& c) const { return Document(c.document_json); }
    Status operator()(const RemovePosition&) const { return Status::Ok(); }
    Status operator()(const MovePosition&) const { return Status::Ok(); }
    Status operator()(const UpdateHeader& c) const {
      const std::pair<const char*, const std::optional<std::string>*> fields[] = {
          {"name", &c.name},
          {"method", &c.method},
          {"date", &c.date},
          {"vat_date", &c.vat_date},
          {"options_json", &c.options_json}};
      for (const auto& [field, value] : fields) {
        if (!*value) continue;
        if (Status s = CheckHeaderField(field, **value); !s.ok()) {
          return InvalidArgument(at + "." + s.message());
        }
      }
      return Status::Ok();
    }
    Status operator()(const SetStatus&) const { return Status::Ok(); }
    Status Document(const std::string& json) const {
      if (!IsJsonObject(json)) return InvalidArgument(at + ".document_json: not a JSON object");
      return Status::Ok();
    }
  };
  return std::visit(Visitor{at}, change);
}

// Applies one change inside the transaction. `added` collects the ids of new items.
Status ApplyOne(VersionWriter& w, const EstimateChange& change, const std::string& at,
                std::vector<std::int64_t>& added) {
  auto resolve = [&](std::int64_t id, const char* field) -> Result<I64> {
    if (id >= 0) return static_cast<I64>(id);
    const std::size_t k = static_cast<std::size_t>(-1 - id);
    if (k >= added.size()) {
      return InvalidArgument(at + "." + field + ": New(" + std::to_string(k) +
                             ") refers to no item added before it in this change set");
    }
    return static_cast<I64>(added[k]);
  };
  auto missing = [&](const char* field, const char* what, I64 id) {
    return NotFound(at + "." + field + ": no " + what + " " + std::to_string(id) + " in estimate " +
                    std::to_string(w.estimate()));
  };
  auto section_of = [&](std::int64_t raw, const char* field) -> Result<I64> {
    auto id = resolve(raw, field);
    if (!id.ok()) return id.status();
    if (!w.Current(ItemKind::kSection, *id)) return missing(field, "section", *id);
    return *id;
  };

  if (const auto* c = std::get_if<AddSection>(&change)) {
    auto key = w.KeyAt(ItemKind::kSection, 0, c->index, 0, at + ".index");
    if (!key.ok()) return key.status();
    const I64 id = w.NextId();
    ItemState st{0, *key, c->name};
    w.InsertSection(id, st);
    w.Set(ItemKind::kSection, id, st);
    added.push_back(id);
  } else if (const auto* c = std::get_if<RenameSection>(&change)) {
    auto id = section_of(c->section_id, "section_id");
    if (!id.ok()) return id.status();
    ItemState st = *w.Current(ItemKind::kSection, *id);
    st.value = c->name;
    w.UpdateItem(ItemKind::kSection, *id, st);
    w.Set(ItemKind::kSection, *id, st);
  } else if (const auto* c = std::get_if<RemoveSection>(&change)) {
    auto id = section_of(c->section_id, "section_id");
    if (!id.ok()) return id.status();
    I64 pid = 0, section = *id, e = w.estimate();
    std::string key, doc;
    std::vector<std::pair<I64, ItemState>> inside;
    Query q(w.session(),
            "SELECT id, sort_key, document_json FROM estimate_positions WHERE "
            "estimate_id = :e AND section_id = :s");
    q.Into(pid).Into(key).Into(doc).Use(e).Use(section);
    q.Start();
    while (q.Next()) inside.push_back({pid, ItemState{section, key, doc}});
    for (auto& [position, st] : inside) {
      w.SetLoaded(ItemKind::kPosition, position, std::move(st), std::nullopt);
    }
    Query del(w.session(),
              "DELETE FROM estimate_positions WHERE estimate_id = :e AND "
              "section_id = :s");
    del.Use(e).Use(section);
    del.Run();
    w.DeleteItem(ItemKind::kSection, section);
    w.Set(ItemKind::kSection, section, std::nullopt);
  } else if (const auto* c = std::get_if<AddPosition>(&change)) {
    auto section = section_of(c->section_id, "section_id");
    if (!section.ok()) return section.status();
    auto key = w.KeyAt(ItemKind::kPosition, *section, c->index, 0, at + ".index");
    if (!key.ok()) return key.status();
    const I64 id = w.NextId();
    ItemState st{*section, *key, c->document_json};
    w.InsertPosition(id, st);
    w.Set(ItemKind::kPosition, id, st);
    added.push_back(id);
  } else if (const auto* c = std::get_if<UpdatePosition>(&change)) {
    auto id = resolve(c->position_id, "position_id");
    if (!id.ok()) return id.status();
    auto st = w.Current(ItemKind::kPosition, *id);
    if (!st) return missing("position_id", "position", *id);
    st->value = c->document_json;
    w.UpdateItem(ItemKind::kPosition, *id, *st);
    w.Set(ItemKind::kPosition, *id, st);
  } else if (const auto* c = std::get_if<RemovePosition>(&change)) {
    auto id = resolve(c->position_id, "position_id");
    if (!id.ok()) return id.status();
    if (!w.Current(ItemKind::kPosition, *id)) return missing("position_id", "position", *id);
    w.DeleteItem(ItemKind::kPosition, *id);
    w.Set(ItemKind::kPosition, *id, std::nullopt);
  } else if (const auto* c = std::get_if<MovePosition>(&change)) {
    auto id = resolve(c->position_id, "position_id");
    if (!id.ok()) return id.status();
    auto st = w.Current(ItemKind::kPosition, *id);
    if (!st) return missing("position_id", "position", *id);
    auto section = section_of(c->section_id, "section_id");
    if (!section.ok()) return section.status();
    auto key = w.KeyAt(ItemKind::kPosition, *section, c->index, *id, at + ".index");
    if (!key.ok()) return key.status();
    st->section_id = *section;
    st->sort_key = *key;
    w.UpdateItem(ItemKind::kPosition, *id, *st);
    w.Set(ItemKind::kPosition, *id, st);
  } else if (const auto* c = std::get_if<UpdateHeader>(&change)) {
    EstimateHeader& h = w.header();
    if (c->name) h.name = *c->name;
    if (c->number) h.number = *c->number;
    if (c->method) h.method = *c->method;
    if (c->release_id) h.release_id = *c->release_id;
    if (c->region) h.region = *c->region;
    if (c->zone) h.zone = *c->zone;
    if (c->quarter) h.quarter = *c->quarter;
    if (c->date) h.date = *c->date;
    if (c->vat_date) h.vat_date = *c->vat_date;
    if (c->options_json) h.options_json = *c->options_json;
  } else if (const auto* c = std::get_if<SetStatus>(&change)) {
    w.header().status = c->status;
  }
  return Status::Ok();
}

// Inserts the sections and positions of a new estimate through the native handle under SOCI
// (release_connection_internal.hpp): COPY FROM STDIN on PostgreSQL, one prepared INSERT reused
// for every row on SQLite. SOCI's bulk binding ran one INSERT per row on PostgreSQL, a round trip
// each: 10,000 positions took two seconds. Runs in the caller's transaction; a failure throws and
// the transaction writes nothing.
void InsertContent(Dialect dialect, soci::session& s, I64 estimate,
                   const std::vector<SectionRow>& sections) {
  auto conn = internal::NativeConnection(dialect, s);
  auto sink = conn->Sink();
  if (!sections.empty()) {
    sink->Begin("estimate_sections", "estimate_id, id, sort_key, name");
    for (const auto& section : sections) {
      sink->Int(estimate);
      sink->Int(section.id);
      sink->Text(section.sort_key);
      sink->Text(section.name);
      sink->EndRow();
    }
    sink->End();
  }
  bool begun = false;
  for (const auto& section : sections) {
    for (const auto& p : section.positions) {
      if (!begun) {
        sink->Begin("estimate_positions", "estimate_id, id, section_id, sort_key, document_json");
        begun = true;
      }
      sink->Int(estimate);
      sink->Int(p.id);
      sink->Int(section.id);
      sink->Text(p.sort_key);
      sink->Text(p.document_json);
      sink->EndRow();
    }
  }
  if (begun) sink->End();
}

// Inserts the estimate row and its version 1; returns the new id.
I64 InsertEstimate(soci::session& s, I64 org, I64 object, I64 actor, const EstimateHeader& header,
                   I64 next_item_id, const std::string& summary) {
  HeaderRow h;
  h.From(header);
  const std::string now = UtcNow();
  std::string at = now;
  I64 id = 0, version = 1, organization = org, object_id = object, next = next_item_id;
  {
    Query q(s, std::string("INSERT INTO estimates (organization_id, object_id, version, "
                           "next_item_id, created_at, updated_at, ") +
                   kHeaderColumns + ") VALUES (:org, :object, :v, :n, :c, :u, " +
                   kHeaderPlaceholders + ") RETURNING id");
    q.Into(id).Use(organization).Use(object_id).Use(version).Use(next).Use(at).Use(at);
    h.Use(q);
    q.Run();
  }
  I64 actor_id = actor, count = 0;
  std::string text = summary;
  Query q(s, std::string("INSERT INTO estimate_versions (estimate_id, version, actor_user_id, "
                         "created_at, summary, change_count, ") +
                 kHeaderColumns + ") VALUES (:e, :v, :a, :at, :s, :c, " + kHeaderPlaceholders +
                 ")");
  q.Use(id).Use(version).Use(actor_id).Use(at).Use(text).Use(count);
  h.Use(q);
  q.Run();
  return id;
}

bool ObjectExists(soci::session& s, I64 org, I64 object) {
  int one = 0;
  Query q(s, "SELECT 1 FROM objects WHERE id = :id AND organization_id = :org");
  q.Into(one).Use(object).Use(org);
  return q.Run();
}

std::string Id(std::int64_t id) { return std::to_string(id); }

// Why a conditional update of a project or object (`table`: a constant) changed no row.
Status StaleOrMissing(soci::session& s, const char* table, const char* what, I64 org, I64 id,
                      I64 expected) {
  I64 organization = org, key = id, version = 0;
  Query q(s, std::string("SELECT version FROM ") + table +
                 " WHERE id = :id AND organization_id = :org");
  q.Into(version).Use(key).Use(organization);
  if (!q.Run()) return NotFound(std::string(what) + " " + Id(id) + " does not exist");
  return Aborted("if-match: " + std::string(what) + " " + Id(id) + " is at version " +
                 std::to_string(version) + ", not " + std::to_string(expected) +
                 "; someone changed it since you read it — read it again");
}

// --- the bodies of the operations --------------------------------------------------------------
//
// Each runs on a session that its caller provides: in the caller's unit (RunIn), in a unit of its
// own (RunOwn), or in autocommit for a single statement or a read (RunLeased, RunRead). A body
// returns checked conditions as values before it writes anything; it throws only database errors.

// The two named levels of the catalog above estimates — projects, and objects of a project — are
// one set of operations over a table, told apart by these facts.
template <typename Entity>
struct Level;

template <>
struct Level<Project> {
  static constexpr const char* kTable = "projects";
  static constexpr const char* kNoun = "project";
  static constexpr const char* kParentColumn = nullptr;  // a project belongs to no other row
  static constexpr const char* kChildren = "objects";
  static constexpr const char* kChildColumn = "project_id";
  static constexpr const char* kChildNoun = "object(s)";
  static void SetParent(Project&, I64) {}
};

template <>
struct Level<SiteObject> {
  static constexpr const char* kTable = "objects";
  static constexpr const char* kNoun = "object";
  static constexpr const char* kParentColumn = "project_id";
  static constexpr const char* kChildren = "estimates";
  static constexpr const char* kChildColumn = "object_id";
  static constexpr const char* kChildNoun = "estimate(s)";
  static void SetParent(SiteObject& o, I64 parent) { o.project_id = parent; }
};

template <typename Entity>
std::string Doing(const char* verb) {
  return std::string(verb) + " " + Level<Entity>::kNoun;
}

bool RowExists(soci::session& s, const char* table, I64 org, I64 row) {
  I64 organization = org, id = row;
  int one = 0;
  Query exists(s, std::string("SELECT 1 FROM ") + table + " WHERE id = :id AND organization_id = :org");
  exists.Into(one).Use(id).Use(organization);
  return exists.Run();
}

// A new row under `parent` (a project's objects; 0 for a project).
template <typename Entity>
auto CreateNamedBody(I64 org, I64 parent, const std::string& name) {
  return [org, parent, &name](soci::session& s) -> Result<Entity> {
    using L = Level<Entity>;
    I64 organization = org, parent_id = parent, id = 0;
    // FOR UPDATE would do on PostgreSQL; the foreign key already keeps a deleted parent out.
    if (L::kParentColumn != nullptr && !RowExists(s, "projects", org, parent)) {
      return NotFound("project_id: project " + Id(parent) + " does not exist");
    }
    Entity e;
    e.organization_id = org, e.name = name;
    L::SetParent(e, parent);
    e.created_at = e.updated_at = UtcNow();
    std::string n = name, at = e.created_at;
    if (L::kParentColumn != nullptr) {
      Query q(s, std::string("INSERT INTO ") + L::kTable + " (organization_id, " + L::kParentColumn +
                     ", name, created_at, updated_at) VALUES (:org, :p, :n, :c, :u) RETURNING id");
      q.Into(id).Use(organization).Use(parent_id).Use(n).Use(at).Use(at);
      q.Run();
    } else {
      Query q(s, std::string("INSERT INTO ") + L::kTable +
                     " (organization_id, name, created_at, updated_at) VALUES (:org, :n, :c, :u) "
                     "RETURNING id");
      q.Into(id).Use(organization).Use(n).Use(at).Use(at);
      q.Run();
    }
    e.id = id;
    return e;
  };
}

template <typename Entity>
std::string SelectNamed(const char* where) {
  using L = Level<Entity>;
  return std::string("SELECT id, ") + (L::kParentColumn ? L::kParentColumn : "id") +
         ", name, created_at, updated_at, version FROM " + L::kTable + " WHERE " + where;
}

template <typename Entity>
auto GetNamedBody(I64 org, I64 row) {
  return [org, row](soci::session& s) -> Result<Entity> {
    Entity e;
    I64 organization = org, id = row, got = 0, parent = 0, version = 1;
    Query q(s, SelectNamed<Entity>("id = :id AND organization_id = :org"));
    q.Into(got).Into(parent).Into(e.name).Into(e.created_at).Into(e.updated_at).Into(version).Use(
        id).Use(organization);
    if (!q.Run()) return NotFound(std::string(Level<Entity>::kNoun) + " " + Id(row) + " does not exist");
    e.version = version;
    e.id = row, e.organization_id = org;
    Level<Entity>::SetParent(e, parent);
    return e;
  };
}

// The rows of an organization (projects), or of one parent (the objects of a project).
template <typename Entity>
auto ListNamedBody(I64 org, I64 parent) {
  return [org, parent](soci::session& s) -> Result<std::vector<Entity>> {
    using L = Level<Entity>;
    if (L::kParentColumn != nullptr && !RowExists(s, "projects", org, parent)) {
      return NotFound("project " + Id(parent) + " does not exist");
    }
    std::vector<Entity> out;
    Entity e;
    I64 organization = org, parent_id = parent, id = 0, row_parent = 0, version = 1;
    Query q(s, SelectNamed<Entity>(L::kParentColumn != nullptr
                                       ? "project_id = :p AND organization_id = :org ORDER BY id"
                                       : "organization_id = :org ORDER BY id"));
    q.Into(id).Into(row_parent).Into(e.name).Into(e.created_at).Into(e.updated_at).Into(version);
    if (L::kParentColumn != nullptr) q.Use(parent_id);
    q.Use(organization);
    q.Start();
    while (q.Next()) {
      e.id = id, e.organization_id = org, e.version = version;
      L::SetParent(e, row_parent);
      out.push_back(e);
    }
    return out;
  };
}

template <typename Entity>
auto RenameNamedBody(I64 org, I64 row, const std::string& name, I64 expected) {
  return [org, row, &name, expected](soci::session& s) -> Status {
    using L = Level<Entity>;
    I64 organization = org, id = row, v = expected;
    std::string n = name, at = UtcNow();
    Query q(s, std::string("UPDATE ") + L::kTable +
                   " SET name = :n, updated_at = :at, version = version + 1 "
                   "WHERE id = :id AND organization_id = :org AND version = :v");
    q.Use(n).Use(at).Use(id).Use(organization).Use(v);
    if (q.RunCount() == 0) return StaleOrMissing(s, L::kTable, L::kNoun, org, row, expected);
    return Status::Ok();
  };
}

// FailedPrecondition while the row holds others (a project's objects, an object's estimates).
template <typename Entity>
auto DeleteNamedBody(I64 org, I64 row) {
  return [org, row](soci::session& s) -> Status {
    using L = Level<Entity>;
    I64 id = row, children = 0;
    if (!RowExists(s, L::kTable, org, row)) {
      return NotFound(std::string(L::kNoun) + " " + Id(row) + " does not exist");
    }
    Query count(s, std::string("SELECT COUNT(*) FROM ") + L::kChildren + " WHERE " +
                       L::kChildColumn + " = :id");
    count.Into(children).Use(id);
    count.Run();
    if (children > 0) {
      return FailedPrecondition(std::string(L::kNoun) + " " + Id(row) + " has " +
                                std::to_string(children) + " " + L::kChildNoun +
                                "; delete them first");
    }
    Query del(s, std::string("DELETE FROM ") + L::kTable + " WHERE id = :id");
    del.Use(id);
    del.Run();
    return Status::Ok();
  };
}

// A new estimate's content with its ids and sort keys, checked and numbered before any session
// is leased.
struct NumberedContent {
  std::vector<SectionRow> sections;
  I64 next_item_id = 1;
};

// The documents are moved out of `sections` (a copy when the caller passes one).
Result<NumberedContent> NumberContent(const EstimateHeader& header,
                                      std::vector<NewSection> sections) {
  if (Status s = CheckHeader(header); !s.ok()) return s;
  NumberedContent out;
  std::string section_key;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    section_key = SortKeyAfter(section_key);
    SectionRow& row = out.sections.emplace_back();
    row.id = out.next_item_id++;
    row.sort_key = section_key;
    row.name = std::move(sections[i].name);
    row.positions.reserve(sections[i].positions.size());
    std::string key;
    for (std::size_t j = 0; j < sections[i].positions.size(); ++j) {
      std::string& doc = sections[i].positions[j];
      if (!IsJsonObject(doc)) {
        return InvalidArgument("sections[" + std::to_string(i) + "].positions[" +
                               std::to_string(j) + "]: not a JSON object");
      }
      key = SortKeyAfter(key);
      row.positions.push_back({out.next_item_id++, row.id, key, std::move(doc)});
    }
  }
  return out;
}

auto CreateEstimateBody(Dialect dialect, I64 org, I64 object, I64 actor,
                        const EstimateHeader& header, const NumberedContent& content) {
  return [=, &header, &content](soci::session& s) -> Result<EstimateInfo> {
    if (!ObjectExists(s, org, object)) {
      return NotFound("object_id: object " + Id(object) + " does not exist");
    }
    const I64 id = InsertEstimate(s, org, object, actor, header, content.next_item_id, "created");
    InsertContent(dialect, s, id, content.sections);
    return ReadInfo(s, org, id);
  };
}

auto GetEstimateBody(I64 org, I64 estimate) {
  return [org, estimate](soci::session& s) { return ReadInfo(s, org, estimate); };
}

auto LoadEstimateBody(I64 org, I64 estimate) {
  return [org, estimate](soci::session& s) -> Result<EstimateContent> {
    auto info = ReadInfo(s, org, estimate);
    if (!info.ok()) return info.status();
    EstimateContent content;
    content.info = std::move(info).value();
    content.sections = ReadCurrentItems(s, estimate);
    return content;
  };
}

auto DeleteEstimateBody(I64 org, I64 estimate) {
  return [org, estimate](soci::session& s) -> Status {
    I64 organization = org, id = estimate;
    Query q(s, "DELETE FROM estimates WHERE id = :id AND organization_id = :org");
    q.Use(id).Use(organization);
    if (q.RunCount() == 0) return NotFound("estimate " + Id(estimate) + " does not exist");
    return Status::Ok();
  };
}

// One version write: whose estimate, based on which version, by whom, and where it runs.
struct VersionWrite {
  I64 organization = 0;
  I64 estimate = 0;
  I64 expected_version = 0;
  I64 actor = 0;
  std::string summary;
  VersionScope scope = VersionScope::kOwnUnit;
};

// Bumps the version, lets `fill(writer, out)` make the changes, and writes the version. When a
// check fails (the stale version included) or nothing changed, nothing stays: in a caller's unit
// the savepoint is rolled back; in a unit of its own the caller rolls back (see MadeVersion).
template <typename Fill>
Result<AppliedChange> WriteVersion(soci::session& s, const VersionWrite& v, Fill fill) {
  Savepoint savepoint(s, v.scope);
  VersionWriter w(s, v.estimate);
  AppliedChange out;
  Status st = w.Begin(v.organization, v.expected_version);
  if (st.ok()) st = fill(w, out);
  if (!st.ok()) {
    savepoint.Undo();
    return st;
  }
  auto written = w.Finish(v.actor, v.summary);
  if (!written) {
    savepoint.Undo();
    out.version = v.expected_version;
    return out;
  }
  savepoint.Keep();
  out.version = w.version();
  out.changed_items = *written;
  out.updated_at = w.now();
  return out;
}

// Whether a version write in a unit of its own made a version, so that the unit commits; one that
// changed nothing leaves the expected version and is rolled back.
auto MadeVersion(I64 expected_version) {
  return
      [expected_version](const Result<AppliedChange>& r) { return r->version != expected_version; };
}

Status CheckChangeSet(const ChangeSet& changes) {
  if (changes.changes.empty()) return InvalidArgument("changes: empty change set");
  for (std::size_t i = 0; i < changes.changes.size(); ++i) {
    if (Status s = CheckChange(changes.changes[i], "changes[" + std::to_string(i) + "]"); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

auto ApplyBody(VersionWrite v, const ChangeSet& changes) {
  v.summary = changes.summary;
  return [v = std::move(v), &changes](soci::session& s) {
    return WriteVersion(s, v, [&](VersionWriter& w, AppliedChange& out) -> Status {
      for (std::size_t i = 0; i < changes.changes.size(); ++i) {
        Status st =
            ApplyOne(w, changes.changes[i], "changes[" + std::to_string(i) + "]", out.added_ids);
        if (!st.ok()) return st;
      }
      return Status::Ok();
    });
  };
}

auto RestoreBody(VersionWrite v, I64 version) {
  v.summary = "restore of version " + Id(version);
  return [v = std::move(v), version](soci::session& s) {
    return WriteVersion(s, v, [&](VersionWriter& w, AppliedChange&) -> Status {
      auto header = ReadVersionHeader(s, v.estimate, version, nullptr);
      if (!header.ok()) return header.status();
      // Every item changed since `version`: its state then (first.before) and now (last.after).
      for (auto& [key, span] : SpansBetween(s, v.estimate, version, v.expected_version)) {
        if (!Changed(span)) continue;
        w.PutItem(key.first, key.second, span.last, span.first);
        w.SetLoaded(key.first, key.second, span.last, span.first);
      }
      const EstimateStatus status = w.header().status;
      w.header() = std::move(header).value();
      w.header().status = status;
      return Status::Ok();
    });
  };
}

// Reads the source and writes the copy in the session's transaction: consistent when that is a
// snapshot (or SQLite's serialized writer).
auto DuplicateBody(Dialect dialect, I64 org, I64 estimate, I64 actor, I64 object,
                   const std::string& name) {
  return [=, &name](soci::session& s) -> Result<EstimateInfo> {
    auto info = ReadInfo(s, org, estimate);
    if (!info.ok()) return info.status();
    const I64 target = object != 0 ? object : info->object_id;
    if (target != info->object_id && !ObjectExists(s, org, target)) {
      return NotFound("object_id: object " + Id(target) + " does not exist");
    }
    I64 next = 0, source = estimate;
    Query q(s, "SELECT next_item_id FROM estimates WHERE id = :id");
    q.Into(next).Use(source);
    q.Run();
    auto sections = ReadCurrentItems(s, estimate);
    EstimateHeader header = info->header;
    header.status = EstimateStatus::kDraft;
    if (!name.empty()) header.name = name;
    const I64 id =
        InsertEstimate(s, org, target, actor, header, next,
                       "duplicate of estimate " + Id(estimate) + " version " + Id(info->version));
    InsertContent(dialect, s, id, sections);
    return ReadInfo(s, org, id);
  };
}

Status CheckDuplicateName(const std::string& name) {
  return name.empty() ? Status::Ok() : CheckName(name, "name");
}

}  // namespace

// --- projects and objects --------------------------------------------------------------------

Result<Project> EstimateRepository::CreateProject(std::int64_t organization_id,
                                                  const std::string& name) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunLeased(db_, Doing<Project>("creating"), CreateNamedBody<Project>(organization_id, 0, name));
}

Result<Project> EstimateRepository::CreateProject(UnitOfWork& uow, std::int64_t organization_id,
                                                  const std::string& name) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunIn(uow, Doing<Project>("creating"), CreateNamedBody<Project>(organization_id, 0, name));
}

Result<std::vector<Project>> EstimateRepository::ListProjects(std::int64_t organization_id) {
  return RunRead(db_, "listing projects", ListNamedBody<Project>(organization_id, 0));
}

Result<SiteObject> EstimateRepository::CreateObject(std::int64_t organization_id,
                                                    std::int64_t project_id,
                                                    const std::string& name) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunOwn(db_, Doing<SiteObject>("creating"),
                CreateNamedBody<SiteObject>(organization_id, project_id, name));
}

Result<SiteObject> EstimateRepository::CreateObject(UnitOfWork& uow, std::int64_t organization_id,
                                                    std::int64_t project_id,
                                                    const std::string& name) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunIn(uow, Doing<SiteObject>("creating"),
               CreateNamedBody<SiteObject>(organization_id, project_id, name));
}

Result<std::vector<SiteObject>> EstimateRepository::ListObjects(std::int64_t organization_id,
                                                                std::int64_t project_id) {
  return RunRead(db_, "listing objects", ListNamedBody<SiteObject>(organization_id, project_id));
}

template <typename Entity>
Result<Entity> EstimateRepository::Get(std::int64_t organization_id, std::int64_t id) {
  return RunLeased(db_, Doing<Entity>("reading"), GetNamedBody<Entity>(organization_id, id));
}

template <typename Entity>
Result<Entity> EstimateRepository::Get(UnitOfWork& uow, std::int64_t organization_id,
                                       std::int64_t id) {
  return RunIn(uow, Doing<Entity>("reading"), GetNamedBody<Entity>(organization_id, id));
}

template <typename Entity>
Status EstimateRepository::Rename(std::int64_t organization_id, std::int64_t id,
                                  const std::string& name, std::int64_t expected_version) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunLeased(db_, Doing<Entity>("renaming"),
                   RenameNamedBody<Entity>(organization_id, id, name, expected_version));
}

template <typename Entity>
Status EstimateRepository::Rename(UnitOfWork& uow, std::int64_t organization_id, std::int64_t id,
                                  const std::string& name, std::int64_t expected_version) {
  if (Status s = CheckName(name, "name"); !s.ok()) return s;
  return RunIn(uow, Doing<Entity>("renaming"),
               RenameNamedBody<Entity>(organization_id, id, name, expected_version));
}

template <typename Entity>
Status EstimateRepository::Delete(std::int64_t organization_id, std::int64_t id) {
  return RunOwn(db_, Doing<Entity>("deleting"), DeleteNamedBody<Entity>(organization_id, id));
}

template <typename Entity>
Status EstimateRepository::Delete(UnitOfWork& uow, std::int64_t organization_id,
                                  std::int64_t id) {
  return RunIn(uow, Doing<Entity>("deleting"), DeleteNamedBody<Entity>(organization_id, id));
}

#define ESTIMATE_CATALOG_LEVEL(Entity)                                                         \
  template Result<Entity> EstimateRepository::Get<Entity>(std::int64_t, std::int64_t);        \
  template Result<Entity> EstimateRepository::Get<Entity>(UnitOfWork&, std::int64_t,          \
                                                          std::int64_t);                      \
  template Status EstimateRepository::Rename<Entity>(std::int64_t, std::int64_t,              \
                                                     const std::string&, std::int64_t);       \
  template Status EstimateRepository::Rename<Entity>(UnitOfWork&, std::int64_t, std::int64_t, \
                                                     const std::string&, std::int64_t);       \
  template Status EstimateRepository::Delete<Entity>(std::int64_t, std::int64_t);             \
  template Status EstimateRepository::Delete<Entity>(UnitOfWork&, std::int64_t, std::int64_t);
ESTIMATE_CATALOG_LEVEL(Project)
ESTIMATE_CATALOG_LEVEL(SiteObject)
#undef ESTIMATE_CATALOG_LEVEL

// --- estimates -------------------------------------------------------------------------------

Result<EstimateInfo> EstimateRepository::CreateEstimate(std::int64_t organization_id,
                                                        std::int64_t object_id,
                                                        std::int64_t actor_user_id,
                                                        const EstimateHeader& header,
                                                        const std::vector<NewSection>& sections) {
  auto content = NumberContent(header, sections);
  if (!content.ok()) return content.status();
  return RunOwn(db_, "creating estimate",
                CreateEstimateBody(db_.dialect(), organization_id, object_id, actor_user_id,
                                   header, *content));
}

Result<EstimateInfo> EstimateRepository::CreateEstimate(UnitOfWork& uow,
                                                        std::int64_t organization_id,
                                                        std::int64_t object_id,
                                                        std::int64_t actor_user_id,
                                                        const EstimateHeader& header,
                                                        const std::vector<NewSection>& sections) {
  auto content = NumberContent(header, sections);
  if (!content.ok()) return content.status();
  return RunIn(uow, "creating estimate",
               CreateEstimateBody(uow.dialect(), organization_id, object_id, actor_user_id,
                                  header, *content));
}

Result<EstimateContent> EstimateRepository::CreateEstimateContent(
    UnitOfWork& uow, std::int64_t organization_id, std::int64_t object_id,
    std::int64_t actor_user_id, const EstimateHeader& header, std::vector<NewSection>&& sections) {
  auto content = NumberContent(header, std::move(sections));
  if (!content.ok()) return content.status();
  auto info = RunIn(uow, "creating estimate",
                    CreateEstimateBody(uow.dialect(), organization_id, object_id, actor_user_id,
                                       header, *content));
  if (!info.ok()) return info.status();
  return EstimateContent{std::move(info).value(), std::move(content->sections)};
}

Result<EstimateInfo> EstimateRepository::GetEstimate(std::int64_t organization_id,
                                                     std::int64_t estimate_id) {
  return RunLeased(db_, "reading estimate " + Id(estimate_id),
                   GetEstimateBody(organization_id, estimate_id));
}

Result<EstimateInfo> EstimateRepository::GetEstimate(UnitOfWork& uow, std::int64_t organization_id,
                                                     std::int64_t estimate_id) {
  return RunIn(uow, "reading estimate " + Id(estimate_id),
               GetEstimateBody(organization_id, estimate_id));
}

Result<std::vector<EstimateInfo>> EstimateRepository::ListEstimates(std::int64_t organization_id,
                                                                    std::int64_t object_id) {
  return RunRead(
      db_, "listing estimates", [&](soci::session& s) -> Result<std::vector<EstimateInfo>> {
        if (!ObjectExists(s, organization_id, object_id)) {
          return NotFound("object " + Id(object_id) + " does not exist");
        }
        std::vector<EstimateInfo> out;
        EstimateInfo info;
        HeaderRow h;
        I64 id = 0, version = 0, org = organization_id, object = object_id;
        Query q(s, std::string("SELECT id, version, created_at, updated_at, ") + kHeaderColumns +
                       " FROM estimates WHERE object_id = :o AND organization_id = :org ORDER BY "
                       "id");
        q.Into(id).Into(version).Into(info.created_at).Into(info.updated_at);
        h.Into(q);
        q.Use(object).Use(org);
        q.Start();
        while (q.Next()) {
          info.id = id, info.version = version, info.organization_id = organization_id;
          info.object_id = object_id, info.header = h.ToHeader();
          out.push_back(info);
        }
        return out;
      });
}

Result<EstimateContent> EstimateRepository::LoadEstimate(std::int64_t organization_id,
                                                         std::int64_t estimate_id) {
  return RunRead(db_, "loading estimate " + Id(estimate_id),
                 LoadEstimateBody(organization_id, estimate_id));
}

Result<EstimateContent> EstimateRepository::LoadEstimate(UnitOfWork& uow,
                                                         std::int64_t organization_id,
                                                         std::int64_t estimate_id) {
  return RunIn(uow, "loading estimate " + Id(estimate_id),
               LoadEstimateBody(organization_id, estimate_id));
}

Status EstimateRepository::DeleteEstimate(std::int64_t organization_id, std::int64_t estimate_id) {
  return RunLeased(db_, "deleting estimate " + Id(estimate_id),
                   DeleteEstimateBody(organization_id, estimate_id));
}

Status EstimateRepository::DeleteEstimate(UnitOfWork& uow, std::int64_t organization_id,
                                          std::int64_t estimate_id) {
  return RunIn(uow, "deleting estimate " + Id(estimate_id),
               DeleteEstimateBody(organization_id, estimate_id));
}

Result<AppliedChange> EstimateRepository::Apply(std::int64_t organization_id,
                                                std::int64_t estimate_id,
                                                std::int64_t expected_version,
                                                std::int64_t actor_user_id,
                                                const ChangeSet& changes) {
  if (Status s = CheckChangeSet(changes); !s.ok()) return s;
  VersionWrite v{organization_id, estimate_id, expected_version,
                 actor_user_id,   {},          VersionScope::kOwnUnit};
  return RunOwn(db_, Isolation::kReadCommitted, "saving estimate " + Id(estimate_id),
                ApplyBody(std::move(v), changes), MadeVersion(expected_version));
}

Result<AppliedChange> EstimateRepository::Apply(UnitOfWork& uow, std::int64_t organization_id,
                                                std::int64_t estimate_id,
                                                std::int64_t expected_version,
                                                std::int64_t actor_user_id,
                                                const ChangeSet& changes) {
  if (Status s = CheckChangeSet(changes); !s.ok()) return s;
  VersionWrite v{organization_id, estimate_id, expected_version,
                 actor_user_id,   {},          VersionScope::kCallersUnit};
  return RunIn(uow, "saving estimate " + Id(estimate_id), ApplyBody(std::move(v), changes));
}

Result<std::vector<VersionInfo>> EstimateRepository::ListVersions(std::int64_t organization_id,
                                                                  std::int64_t estimate_id) {
  return RunRead(
      db_, "listing versions of estimate " + Id(estimate_id),
      [&](soci::session& s) -> Result<std::vector<VersionInfo>> {
        auto info = ReadInfo(s, organization_id, estimate_id);
        if (!info.ok()) return info.status();
        std::vector<VersionInfo> out;
        VersionInfo v;
        I64 version = 0, actor = 0, count = 0, id = estimate_id;
        Query q(s,
                "SELECT v.version, v.actor_user_id, " + std::string(internal::kActorNameSql) +
                    ", v.created_at, v.summary, v.change_count FROM estimate_versions v "
                    "LEFT JOIN users u ON u.id = v.actor_user_id WHERE v.estimate_id = :e "
                    "ORDER BY v.version");
        q.Into(version).Into(actor).Into(v.actor_name).Into(v.created_at).Into(v.summary);
        q.Into(count).Use(id);
        q.Start();
        while (q.Next()) {
          v.version = version, v.actor_user_id = actor;
          v.change_count = static_cast<std::size_t>(count);
          out.push_back(v);
        }
        return out;
      });
}

Result<EstimateContent> EstimateRepository::LoadVersion(std::int64_t organization_id,
                                                        std::int64_t estimate_id,
                                                        std::int64_t version) {
  return RunRead(
      db_, "loading version " + Id(version) + " of estimate " + Id(estimate_id),
      [&](soci::session& s) -> Result<EstimateContent> {
        auto info = ReadInfo(s, organization_id, estimate_id);
        if (!info.ok()) return info.status();
        EstimateContent content;
        content.info = std::move(info).value();
        auto header = ReadVersionHeader(s, estimate_id, version, &content.info.updated_at);
        if (!header.ok()) return header.status();
        // The current rows, then the changes since `version` undone newest first.
        std::map<std::int64_t, ItemState> sections, positions;
        for (auto& section : ReadCurrentItems(s, estimate_id)) {
          for (auto& p : section.positions) {
            positions[p.id] = {p.section_id, p.sort_key, std::move(p.document_json)};
          }
          sections[section.id] = {0, section.sort_key, std::move(section.name)};
        }
        ReadChanges(s, estimate_id, version, content.info.version, true, [&](const ChangeRow& r) {
          auto& items = r.entity == "section" ? sections : positions;
          if (auto before = r.Before()) {
            items[r.entity_id] = std::move(*before);
          } else {
            items.erase(r.entity_id);
          }
        });
        content.info.version = version;
        content.info.header = std::move(header).value();
        content.sections = Assemble(sections, positions);
        return content;
      });
}

Result<EstimateDiff> EstimateRepository::Diff(std::int64_t organization_id,
                                              std::int64_t estimate_id, std::int64_t from,
                                              std::int64_t to) {
  return RunRead(
      db_, "comparing versions of estimate " + Id(estimate_id),
      [&](soci::session& s) -> Result<EstimateDiff> {
        auto info = ReadInfo(s, organization_id, estimate_id);
        if (!info.ok()) return info.status();
        auto a = ReadVersionHeader(s, estimate_id, from, nullptr);
        if (!a.ok()) return a.status();
        auto b = ReadVersionHeader(s, estimate_id, to, nullptr);
        if (!b.ok()) return b.status();
        EstimateDiff diff;
        diff.from = from, diff.to = to;
        diff.header_fields = HeaderDifferences(*a, *b);
        const bool forward = from <= to;
        for (auto& [key, span] :
             SpansBetween(s, estimate_id, std::min(from, to), std::max(from, to))) {
          if (!Changed(span)) continue;
          ItemDiff d;
          d.kind = key.first, d.id = key.second;
          d.before = forward ? span.first : span.last;
          d.after = forward ? span.last : span.first;
          d.op = !d.before ? DiffOp::kAdded : !d.after ? DiffOp::kRemoved : DiffOp::kChanged;
          diff.items.push_back(std::move(d));
        }
        return diff;
      });
}

Result<AppliedChange> EstimateRepository::Restore(std::int64_t organization_id,
                                                  std::int64_t estimate_id, std::int64_t version,
                                                  std::int64_t expected_version,
                                                  std::int64_t actor_user_id) {
  VersionWrite v{organization_id, estimate_id, expected_version,
                 actor_user_id,   {},          VersionScope::kOwnUnit};
  return RunOwn(db_, Isolation::kReadCommitted,
                "restoring version " + Id(version) + " of estimate " + Id(estimate_id),
                RestoreBody(std::move(v), version), MadeVersion(expected_version));
}

Result<AppliedChange> EstimateRepository::Restore(UnitOfWork& uow, std::int64_t organization_id,
                                                  std::int64_t estimate_id, std::int64_t version,
                                                  std::int64_t expected_version,
                                                  std::int64_t actor_user_id) {
  VersionWrite v{organization_id, estimate_id, expected_version,
                 actor_user_id,   {},          VersionScope::kCallersUnit};
  return RunIn(uow, "restoring version " + Id(version) + " of estimate " + Id(estimate_id),
               RestoreBody(std::move(v), version));
}

Result<EstimateInfo> EstimateRepository::Duplicate(std::int64_t organization_id,
                                                   std::int64_t estimate_id,
                                                   std::int64_t actor_user_id,
                                                   std::int64_t object_id,
                                                   const std::string& name) {
  if (Status s = CheckDuplicateName(name); !s.ok()) return s;
  // A snapshot on PostgreSQL: the source is read while others may edit it.
  return RunOwn(db_, Isolation::kSnapshot, "duplicating estimate " + Id(estimate_id),
                DuplicateBody(db_.dialect(), organization_id, estimate_id, actor_user_id,
                              object_id, name),
                [](const auto&) { return true; });
}

Result<EstimateInfo> EstimateRepository::Duplicate(UnitOfWork& uow, std::int64_t organization_id,
                                                   std::int64_t estimate_id,
                                                   std::int64_t actor_user_id,
                                                   std::int64_t object_id,
                                                   const std::string& name) {
  if (Status s = CheckDuplicateName(name); !s.ok()) return s;
  return RunIn(uow, "duplicating estimate " + Id(estimate_id),
               DuplicateBody(uow.dialect(), organization_id, estimate_id, actor_user_id,
                             object_id, name));
}

}  // namespace estimate::store
