#pragma once
// Private to src/formats: the validating reader every document shape shares (the ЛСР of both
// methods, ОСР, ССР). It reads fields of a parsed JSON value into core types and collects every
// problem as one line `json.path: what is wrong` instead of stopping at the first.
//
// Paths are built only when a problem is reported: a JsonPath is a chain of frames on the
// caller's stack (key or index plus a pointer to the parent), so reading a valid document
// allocates no path strings at all. A JsonPath must not outlive the frames it points to; pass it
// down by reference, never store it.
#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/status.hpp"

namespace estimate::formats {

class JsonPath {
 public:
  // The document itself; printed as "(document)".
  JsonPath() = default;

  JsonPath Key(std::string_view key) const { return JsonPath(this, key, 0, Kind::kKey); }
  JsonPath At(std::size_t index) const { return JsonPath(this, {}, index, Kind::kIndex); }

  // "sections[0].positions[3].quantity"; "(document)" for the root.
  std::string ToString() const;

 private:
  enum class Kind { kRoot, kKey, kIndex };
  JsonPath(const JsonPath* parent, std::string_view key, std::size_t index, Kind kind)
      : parent_(parent), key_(key), index_(index), kind_(kind) {}

  const JsonPath* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  Kind kind_ = Kind::kRoot;
};

// The offending value as JSON would show it, shortened so that one problem stays one line.
std::string Quoted(std::string_view s);

// Parses `text` as JSON (depth limit 64) into memory of `storage`. The documents are read once
// and dropped, so callers pass an arena (boost::json::monotonic_resource): it turns the DOM's
// hundreds of thousands of allocations and frees into a few. On failure returns
// kInvalidArgument with the one line "(document): not valid JSON: …".
Result<boost::json::value> ParseJson(std::string_view text, boost::json::storage_ptr storage);

class DocumentReader {
 public:
  // Every number of a document: at most 15 digits before the point and 10 after it.
  static constexpr int kMaxIntegerDigits = 15;
  static constexpr int kMaxFractionDigits = 10;

  const std::vector<std::string>& problems() const { return problems_; }
  bool ok() const { return problems_.empty(); }
  // The problems as one message, one line each (the Status message of a bad document).
  std::string Message() const;

  void Problem(const JsonPath& path, std::string_view what);

  // The field, or nullptr when absent or JSON null.
  static const boost::json::value* Field(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  // nullptr (with a problem) when `v` is present but not an object / array; nullptr when absent.
  const boost::json::object* Object(const boost::json::value* v, const JsonPath& path);
  const boost::json::array* Array(const boost::json::value* v, const JsonPath& path);
  // The field; a problem "is required" when absent.
  const boost::json::value* Required(const boost::json::object& o, std::string_view key,
                                     const JsonPath& path);

  // An optional string field; empty if absent.
  std::string String(const boost::json::object& o, std::string_view key, const JsonPath& path);
  std::optional<std::string> RequiredString(const boost::json::object& o, std::string_view key,
                                            const JsonPath& path);
  // An optional boolean field (JSON true/false); false if absent.
  bool Bool(const boost::json::object& o, std::string_view key, const JsonPath& path);

  // A decimal held in a JSON string, within the 15/10 digit limits. `path` names the value.
  std::optional<core::Decimal> Number(const boost::json::value& v, const JsonPath& path);
  std::optional<core::Decimal> OptionalNumber(const boost::json::object& o, std::string_view key,
                                              const JsonPath& path);
  std::optional<core::Decimal> RequiredNumber(const boost::json::object& o, std::string_view key,
                                              const JsonPath& path);
  // An optional whole number in a decimal string ("7"), within [min, max].
  std::optional<int> OptionalInteger(const boost::json::object& o, std::string_view key,
                                     const JsonPath& path, int min, int max);

  // An optional string field that must be one of `names`; returns its index, or `fallback` when
  // absent (and on a problem). `what` names the thing in the message ("unknown column …").
  std::size_t Choice(const boost::json::object& o, std::string_view key, const JsonPath& path,
                     std::initializer_list<std::string_view> names, std::size_t fallback,
                     std::string_view what);

 private:
  std::vector<std::string> problems_;
};

}  // namespace estimate::formats
