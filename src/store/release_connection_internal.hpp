#pragma once
// Private to store: the bulk transport through the native handle of a SOCI session, of a
// normative-base release (base_release_repository.cpp) and of a new estimate's sections and
// positions (estimate_repository.cpp). Rows are written into a RowSink — a prepared INSERT reused
// for every row on SQLite, COPY FROM STDIN on PostgreSQL — in the session's transaction; a
// release is read back one query per table as rows of text fields (COPY TO STDOUT on PostgreSQL). Failures are thrown
// as internal::StoreError; the repository catches them at its edge. Not thread-safe: one
// Connection per leased session.
#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "store/database.hpp"
#include "store/store_error.hpp"

namespace soci {
class session;
}

namespace estimate::store::internal {

// Where the writer puts a release's rows, table by table.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // `columns` is the comma-separated column list; every row gives exactly that many fields.
  virtual void Begin(std::string_view table, std::string_view columns) = 0;
  virtual void Null() = 0;
  virtual void Text(std::string_view text) = 0;
  virtual void Int(std::int64_t value) = 0;
  virtual void EndRow() = 0;
  virtual void End() = 0;

  void Dec(const core::Decimal& value) {
    if (value.ok()) {
      Text(value.ToString());
    } else {
      Null();
    }
  }
  void Ord(std::int32_t index) {
    if (index < 0) {
      Null();
    } else {
      Int(index);
    }
  }
  void Flag(bool value) { Int(value ? 1 : 0); }
};

// One row read back: every field as text (absent: null), parsed on demand.
class Row {
 public:
  bool IsNull(int i) const { return nulls_[i] != 0; }
  std::string_view Text(int i) const { return fields_[i]; }
  std::int64_t Int(int i) const {
    std::int64_t v = 0;
    const auto f = fields_[i];
    auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (ec != std::errc() || p != f.data() + f.size()) {
      throw StoreError(StatusCode::kInternal, "not an integer: \"" + std::string(f) + "\"");
    }
    return v;
  }
  std::int32_t Ord(int i) const { return IsNull(i) ? -1 : static_cast<std::int32_t>(Int(i)); }
  bool Flag(int i) const { return Int(i) != 0; }
  core::Decimal Dec(int i) const {
    if (IsNull(i)) return core::Decimal::Invalid();
    auto d = core::Decimal::Parse(fields_[i]);
    if (!d.ok()) {
      throw StoreError(StatusCode::kInternal, "not a decimal: \"" + std::string(fields_[i]) +
                                                  "\": " + d.status().message());
    }
    return *d;
  }

  void Reset(std::size_t columns) {
    fields_.assign(columns, {});
    nulls_.assign(columns, 0);
  }
  void Set(std::size_t i, std::string_view text) { fields_[i] = text, nulls_[i] = 0; }
  void SetNull(std::size_t i) { fields_[i] = {}, nulls_[i] = 1; }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<std::string_view> fields_;
  std::vector<char> nulls_;
};

using RowFn = std::function<void(const Row&)>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void Exec(const std::string& sql) = 0;
  // Inserts the base_releases row of `release`; `imported_at` is its import time.
  virtual std::int64_t InsertRelease(const normbase::BaseRelease& release,
                                     const std::string& imported_at) = 0;
  virtual std::unique_ptr<RowSink> Sink() = 0;
  // Runs a SELECT whose columns are all read as text; `columns` is how many it returns.
  virtual void Read(const std::string& select, std::size_t columns, const RowFn& fn) = 0;
  // Starts the consistent read of Load.
  virtual void BeginSnapshot() = 0;
};

// The connection of `dialect` over the native handle of `session`, which must outlive it.
std::unique_ptr<Connection> NativeConnection(Dialect dialect, soci::session& session);

}  // namespace estimate::store::internal
