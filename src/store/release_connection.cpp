#include "store/release_connection_internal.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <optional>
#include <string>
#include <utility>

namespace estimate::store::internal {
namespace {

using core::Decimal;
using normbase::BaseRelease;

// The base_releases row; the same columns on both engines.
constexpr const char* kReleaseColumns[] = {"name",
                                           "addition_number",
                                           "price_level",
                                           "imported_at",
                                           "norm_count",
                                           "norm_resource_count",
                                           "section_count",
                                           "resource_count",
                                           "machine_count",
                                           "material_count",
                                           "equipment_count",
                                           "tech_group_count",
                                           "coefficient_count",
                                           "rate_count",
                                           "regional_price_count"};

std::vector<std::string> ReleaseValues(const BaseRelease& r, const std::string& imported_at) {
  const normbase::ReleaseCounts c = r.Counts();
  auto n = [](std::size_t v) { return std::to_string(v); };
  return {r.info.name,         std::to_string(r.info.addition_number),
          r.info.price_level,  imported_at,
          n(c.norms),          n(c.norm_resources),
          n(c.sections),       n(c.resources),
          n(c.machines),       n(c.materials),
          n(c.equipment),      n(c.tech_groups),
          n(c.coefficients),   n(c.rates),
          n(c.regional_prices)};
}

std::string InsertReleaseSql(bool numbered) {
  std::string sql = "INSERT INTO base_releases (";
  std::string values;
  for (std::size_t i = 0; i < std::size(kReleaseColumns); ++i) {
    if (i > 0) sql += ", ", values += ", ";
    sql += kReleaseColumns[i];
    values += numbered ? "$" + std::to_string(i + 1) : "?";
  }
  return sql + ") VALUES (" + values + ")";
}

// ---------------------------------------------------------------------------------------------
// SQLite through the handle of the SOCI session: prepared statements reused for every row.

namespace sq = sqlite_api;

const sq::sqlite3_destructor_type kTransient = reinterpret_cast<sq::sqlite3_destructor_type>(-1);

StatusCode SqliteCode(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return StatusCode::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

class SqliteStatement {
 public:
  SqliteStatement(sq::sqlite3* db, const std::string& sql) : db_(db) {
    int rc = sq::sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) Fail(rc, "prepare " + sql);
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sq::sqlite3_finalize(stmt_); }
  sq::sqlite3_stmt* get() { return stmt_; }
  [[noreturn]] void Fail(int rc, const std::string& what) {
    throw StoreError(SqliteCode(rc), what + ": " + sq::sqlite3_errmsg(db_));
  }

 private:
  sq::sqlite3* db_;
  sq::sqlite3_stmt* stmt_ = nullptr;
};

class SqliteSink : public RowSink {
 public:
  explicit SqliteSink(sq::sqlite3* db) : db_(db) {}
  void Begin(std::string_view table, std::string_view columns) override {
    std::string sql =
        "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (?";
    for (char c : columns) {
      if (c == ',') sql += ", ?";
    }
    sql += ")";
    table_ = table;
    row_ = 0;
    stmt_.emplace(db_, sql);
    column_ = 0;
  }
  void Null() override { Check(sq::sqlite3_bind_null(stmt_->get(), ++column_)); }
  void Text(std::string_view text) override {
    // A null pointer would bind NULL; an empty view is still the empty text.
    Check(sq::sqlite3_bind_text(stmt_->get(), ++column_, text.data() ? text.data() : "",
                                static_cast<int>(text.size()), kTransient));
  }
  void Int(std::int64_t value) override {
    Check(sq::sqlite3_bind_int64(stmt_->get(), ++column_, value));
  }
  void EndRow() override {
    int rc = sq::sqlite3_step(stmt_->get());
    if (rc != SQLITE_DONE) {
      stmt_->Fail(rc, std::string(table_) + " row " + std::to_string(row_ + 1));
    }
    sq::sqlite3_reset(stmt_->get());
    column_ = 0;
    ++row_;
  }
  void End() override { stmt_.reset(); }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) stmt_->Fail(rc, std::string(table_) + " row " + std::to_string(row_ + 1));
  }
  sq::sqlite3* db_;
  std::optional<SqliteStatement> stmt_;
  std::string_view table_;
  std::size_t row_ = 0;
  int column_ = 0;
};

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(soci::session& s)
      : db_(static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_) {}

  void Exec(const std::string& sql) override {
    char* error = nullptr;
    int rc = sq::sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : sq::sqlite3_errmsg(db_);
      sq::sqlite3_free(error);
      throw StoreError(SqliteCode(rc), sql + ": " + message);
    }
  }

  std::int64_t InsertRelease(const BaseRelease& release, const std::string& imported_at) override {
    SqliteStatement st(db_, InsertReleaseSql(false));
    const auto values = ReleaseValues(release, imported_at);
    for (std::size_t i = 0; i < values.size(); ++i) {
      sq::sqlite3_bind_text(st.get(), static_cast<int>(i + 1), values[i].c_str(),
                            static_cast<int>(values[i].size()), kTransient);
    }
    int rc = sq::sqlite3_step(st.get());
    if (rc != SQLITE_DONE) st.Fail(rc, "base_releases");
    return sq::sqlite3_last_insert_rowid(db_);
  }

  std::unique_ptr<RowSink> Sink() override { return std::make_unique<SqliteSink>(db_); }

  void Read(const std::string& select, std::size_t columns, const RowFn& fn) override {
    SqliteStatement st(db_, select);
    Row row;
    row.Reset(columns);
    while (true) {
      int rc = sq::sqlite3_step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) st.Fail(rc, select);
      for (std::size_t i = 0; i < columns; ++i) {
        const int c = static_cast<int>(i);
        if (sq::sqlite3_column_type(st.get(), c) == SQLITE_NULL) {
          row.SetNull(i);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sq::sqlite3_column_text(st.get(), c));
        row.Set(i, std::string_view(text, sq::sqlite3_column_bytes(st.get(), c)));
      }
      fn(row);
    }
  }

  void BeginSnapshot() override { Exec("BEGIN"); }

 private:
  sq::sqlite3* db_;
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL through the libpq connection of the SOCI session: COPY in text format both ways.

StatusCode PgCode(PGconn* conn, const PGresult* res) {
  if (PQstatus(conn) != CONNECTION_OK) return StatusCode::kUnavailable;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) return StatusCode::kInternal;
  std::string_view s = state;
  // 22: data exception (bad encoding, value too long); 23: integrity constraint violation.
  if (s.starts_with("22") || s.starts_with("23")) return StatusCode::kInvalidArgument;
  if (s.starts_with("08") || s.starts_with("53") || s.starts_with("57")) {
    return StatusCode::kUnavailable;
  }
  return StatusCode::kInternal;
}

std::string PgMessage(PGconn* conn, const PGresult* res) {
  std::string m = res ? PQresultErrorMessage(res) : "";
  if (m.empty()) m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult() { PQclear(r_); }
  PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

// Reads the results left after a command (COPY ends with one) and throws on the first error.
void DrainResults(PGconn* conn, const std::string& what) {
  std::optional<StoreError> error;
  while (PGresult* raw = PQgetResult(conn)) {
    PgResult res(raw);
    const auto status = PQresultStatus(raw);
    if (!error && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error.emplace(PgCode(conn, raw), what + ": " + PgMessage(conn, raw));
    }
  }
  if (error) throw *error;
}

class PgCopySink : public RowSink {
 public:
  explicit PgCopySink(PGconn* conn) : conn_(conn) { buffer_.reserve(kFlushAt + 4096); }
  void Begin(std::string_view table, std::string_view columns) override {
    table_ = table;
    const std::string sql =
        "COPY " + std::string(table) + " (" + std::string(columns) + ") FROM STDIN";
    PgResult res(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(res.get()) != PGRES_COPY_IN) {
      throw StoreError(PgCode(conn_, res.get()), sql + ": " + PgMessage(conn_, res.get()));
    }
    first_ = true;
  }
  void Null() override {
    Separator();
    buffer_ += "\\N";
  }
  void Text(std::string_view text) override {
    Separator();
    // Runs without a character to escape are appended whole: a position's document is kilobytes
    // of JSON with a backslash here and there.
    while (!text.empty()) {
      const std::size_t at = text.find_first_of("\\\n\r\t");
      buffer_.append(text.substr(0, at));
      if (at == std::string_view::npos) break;
      switch (text[at]) {
        case '\\':
          buffer_ += "\\\\";
          break;
        case '\n':
          buffer_ += "\\n";
          break;
        case '\r':
          buffer_ += "\\r";
          break;
        default:
          buffer_ += "\\t";
      }
      text.remove_prefix(at + 1);
    }
  }
  void Int(std::int64_t value) override {
    Separator();
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    buffer_.append(digits, end);
  }
  void EndRow() override {
    buffer_ += '\n';
    first_ = true;
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void End() override {
    Flush();
    if (PQputCopyEnd(conn_, nullptr) != 1) {
      throw StoreError(StatusCode::kUnavailable,
                       std::string(table_) + ": " + PgMessage(conn_, nullptr));
    }
    DrainResults(conn_, "COPY " + std::string(table_));
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 20;
  void Separator() {
    if (!first_) buffer_ += '\t';
    first_ = false;
  }
  void Flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      throw StoreError(StatusCode::kUnavailable,
                       std::string(table_) + ": " + PgMessage(conn_, nullptr));
    }
    buffer_.clear();
  }
  PGconn* conn_;
  std::string buffer_;
  std::string_view table_;
  bool first_ = true;
};

class PgConnection : public Connection {
 public:
  explicit PgConnection(soci::session& s)
      : conn_(static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_) {}

  void Exec(const std::string& sql) override {
    PgResult res(PQexec(conn_, sql.c_str()));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw StoreError(PgCode(conn_, res.get()), sql + ": " + PgMessage(conn_, res.get()));
    }
  }

  std::int64_t InsertRelease(const BaseRelease& release, const std::string& imported_at) override {
    const auto values = ReleaseValues(release, imported_at);
    std::vector<const char*> params;
    for (const auto& v : values) params.push_back(v.c_str());
    const std::string sql = InsertReleaseSql(true) + " RETURNING id";
    PgResult res(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                              params.data(), nullptr, nullptr, 0));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
      throw StoreError(PgCode(conn_, res.get()), "base_releases: " + PgMessage(conn_, res.get()));
    }
    return std::stoll(PQgetvalue(res.get(), 0, 0));
  }

  std::unique_ptr<RowSink> Sink() override { return std::make_unique<PgCopySink>(conn_); }

  void Read(const std::string& select, std::size_t columns, const RowFn& fn) override {
    const std::string sql = "COPY (" + select + ") TO STDOUT";
    {
      PgResult res(PQexec(conn_, sql.c_str()));
      if (PQresultStatus(res.get()) != PGRES_COPY_OUT) {
        throw StoreError(PgCode(conn_, res.get()), select + ": " + PgMessage(conn_, res.get()));
      }
    }
    Row row;
    row.Reset(columns);
    std::string unescaped;
    while (true) {
      char* line = nullptr;
      const int n = PQgetCopyData(conn_, &line, 0);
      if (n == -1) break;
      if (n < 0)
        throw StoreError(StatusCode::kUnavailable, select + ": " + PgMessage(conn_, nullptr));
      struct Free {
        void operator()(char* p) const { PQfreemem(p); }
      };
      std::unique_ptr<char, Free> owned(line);
      // Unescaped text is never longer than the line, so views into `unescaped` stay valid.
      unescaped.clear();
      unescaped.reserve(static_cast<std::size_t>(n));
      std::size_t field = 0;
      std::size_t start = 0;
      bool null = false;
      const std::size_t len = n > 0 && line[n - 1] == '\n' ? n - 1 : n;
      auto finish_field = [&] {
        if (field >= columns) {
          throw StoreError(StatusCode::kInternal, select + ": more columns than expected");
        }
        if (null) {
          row.SetNull(field);
        } else {
          row.Set(field, std::string_view(unescaped).substr(start));
        }
        ++field;
        start = unescaped.size();
        null = false;
      };
      for (std::size_t i = 0; i < len; ++i) {
        const char c = line[i];
        if (c == '\t') {
          finish_field();
          continue;
        }
        if (c != '\\' || i + 1 >= len) {
          unescaped += c;
          continue;
        }
        const char e = line[++i];
        switch (e) {
          case 'N':
            null = true;
            break;
          case 'n':
            unescaped += '\n';
            break;
          case 'r':
            unescaped += '\r';
            break;
          case 't':
            unescaped += '\t';
            break;
          case 'b':
            unescaped += '\b';
            break;
          case 'f':
            unescaped += '\f';
            break;
          case 'v':
            unescaped += '\v';
            break;
          default:
            unescaped += e;  // "\\" and any other escaped character stand for themselves
        }
      }
      finish_field();
      if (field != columns) {
        throw StoreError(StatusCode::kInternal, select + ": fewer columns than expected");
      }
      fn(row);
    }
    DrainResults(conn_, select);
  }

  void BeginSnapshot() override { Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

 private:
  PGconn* conn_;
};

}  // namespace

std::unique_ptr<Connection> NativeConnection(Dialect dialect, soci::session& session) {
  if (dialect == Dialect::kSqlite) return std::make_unique<SqliteConnection>(session);
  return std::make_unique<PgConnection>(session);
}

}  // namespace estimate::store::internal
