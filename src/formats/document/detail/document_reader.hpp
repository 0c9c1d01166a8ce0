#pragma once
// Private to src/formats: the validating reader every document shape shares (the ЛСР of both
// methods, ОСР, ССР). It reads fields of a parsed JSON value into core types and collects every
// problem as one line `json.path: what is wrong` instead of stopping at the first.
//
// Paths are built only when a problem is reported: a JsonPath is a chain of frames on the
// caller's stack (key or index plus a pointer to the parent), so reading a valid document
// allocates no path strings at all. A JsonPath must not outlive the frames it points to; pass it
// down by reference, never store it.
//
// The JSON is parsed by simdjson's DOM parser (libsimdjson, Debian): its tape is built at several
// hundred MB/s with the kernels chosen at run time for the CPU, it validates the whole text, and
// it lets the readers look fields up in any order, so that every problem of a document is
// reported at once. JsonValue, JsonObject and JsonArray are thin handles on that tape, valid
// while their JsonDocument lives. (Measured on the 10,000-position document, 25 MB: Boost.JSON's
// DOM 90 ms, simdjson's DOM 32 ms, a simdjson on-demand walk of the same fields 27 ms — the
// on-demand walk would save little and lose the validation of fields it skips.)
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/decimal.hpp"
#include "core/status.hpp"
#include "formats/json_syntax.hpp"

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

class JsonObject;
class JsonArray;

// A value of a parsed document.
class JsonValue {
 public:
  explicit JsonValue(simdjson::dom::element e) : e_(e) {}

  bool is_object() const { return e_.type() == simdjson::dom::element_type::OBJECT; }
  bool is_array() const { return e_.type() == simdjson::dom::element_type::ARRAY; }
  bool is_string() const { return e_.type() == simdjson::dom::element_type::STRING; }
  bool is_bool() const { return e_.type() == simdjson::dom::element_type::BOOL; }
  bool is_null() const { return e_.type() == simdjson::dom::element_type::NULL_VALUE; }
  bool is_number() const {
    const auto t = e_.type();
    return t == simdjson::dom::element_type::INT64 || t == simdjson::dom::element_type::UINT64 ||
           t == simdjson::dom::element_type::DOUBLE;
  }
  // Each of these is called only after the matching is_…().
  std::string_view get_string() const { return e_.get_string().value_unsafe(); }
  bool get_bool() const { return e_.get_bool().value_unsafe(); }
  JsonObject get_object() const;
  JsonArray get_array() const;
  simdjson::dom::object dom_object() const { return e_.get_object().value_unsafe(); }

 private:
  simdjson::dom::element e_;
};

// An object of a parsed document. Its first 16 fields are indexed when it is made: the readers
// look up a dozen fields of every resource line, and a scan of 64-bit tags (the key's length and
// first bytes) is several times quicker than walking the tape for each. The readers ask for the
// fields mostly in the order documents write them, so a look-up starts where the last one ended
// and usually matches at once. Of duplicate keys the last counts, as it always has (Boost.JSON's
// reading, and the request contract's): its value replaces the first one's in the index.
class JsonObject {
 public:
  explicit JsonObject(simdjson::dom::object o) : o_(o) {
    std::uint64_t seen = 0;  // a bit per tag hash: duplicates are looked for only on a clash
    for (const simdjson::dom::key_value_pair field : o_) {
      if (count_ == kIndexed) {
        overflow_ = true;
        break;
      }
      const std::uint64_t tag = Tag(field.key);
      const std::uint64_t bit = std::uint64_t{1} << ((tag ^ (tag >> 29)) & 63);
      if ((seen & bit) != 0 && Replace(tag, field.key, field.value)) continue;
      seen |= bit;
      new (&slots_[count_++]) Slot{tag, field.key.data(), field.value};
    }
  }
  JsonObject(const JsonObject& other) : o_(other.o_), count_(other.count_), overflow_(other.overflow_) {
    std::memcpy(slots_, other.slots_, sizeof(Slot) * count_);
  }
  JsonObject& operator=(const JsonObject&) = delete;

  // The value of `key`, or nullopt when the object has no such key.
  std::optional<JsonValue> if_contains(std::string_view key) const {
    if (overflow_) {  // more fields than indexed: every one looked at, the last match kept
      std::optional<JsonValue> found;
      for (const simdjson::dom::key_value_pair field : o_) {
        if (field.key == key) found.emplace(field.value);
      }
      return found;
    }
    const std::uint64_t tag = Tag(key);
    std::size_t i = next_;
    for (std::size_t n = count_; n-- > 0;) {
      if (i >= count_) i = 0;
      if (slots_[i].tag == tag && KeyIs(slots_[i], key)) {
        next_ = static_cast<std::uint8_t>(i + 1);
        return JsonValue(slots_[i].value);
      }
      ++i;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t kIndexed = 16;
  // Trivially copyable (an object copies only the slots it uses) and left uninitialised.
  struct Slot {
    std::uint64_t tag;
    const char* key;  // tag's low byte is its length (keys of 255+ bytes compare in full below)
    simdjson::dom::element value;
  };
  // The length in the low byte and up to the first 7 bytes above it.
  static std::uint64_t Tag(std::string_view key) {
    std::uint64_t tag = 0;
    std::memcpy(&tag, key.data(), key.size() < 7 ? key.size() : 7);
    return (tag << 8) | (key.size() & 0xFF);
  }
  bool KeyIs(const Slot& slot, std::string_view key) const {
    if (key.size() <= 7) return true;  // the tag holds the whole key
    if (key.size() < 0xFF) return std::memcmp(slot.key, key.data(), key.size()) == 0;
    return FullKey(slot) == key;
  }
  // A key of 255 bytes or more: its length from the tape.
  std::string_view FullKey(const Slot& slot) const {
    for (const simdjson::dom::key_value_pair field : o_) {
      if (field.key.data() == slot.key) return field.key;
    }
    return {};
  }
  bool Replace(std::uint64_t tag, std::string_view key, simdjson::dom::element value) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (slots_[i].tag == tag && KeyIs(slots_[i], key)) {
        slots_[i].value = value;
        return true;
      }
    }
    return false;
  }

  simdjson::dom::object o_;
  std::uint8_t count_ = 0;
  mutable std::uint8_t next_ = 0;
  bool overflow_ = false;
  union {
    Slot slots_[kIndexed];
  };
  static_assert(std::is_trivially_copyable_v<Slot> && std::is_trivially_destructible_v<Slot>);
};

class JsonArray {
 public:
  class iterator {
   public:
    explicit iterator(simdjson::dom::array::iterator it) : it_(it) {}
    JsonValue operator*() const { return JsonValue(*it_); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return it_ != other.it_; }

   private:
    simdjson::dom::array::iterator it_;
  };

  explicit JsonArray(simdjson::dom::array a) : a_(a) {}
  // The number of items; constant time (the tape keeps it).
  std::size_t size() const { return a_.size(); }
  iterator begin() const { return iterator(a_.begin()); }
  iterator end() const { return iterator(a_.end()); }

 private:
  simdjson::dom::array a_;
};

inline JsonObject JsonValue::get_object() const { return JsonObject(e_.get_object().value_unsafe()); }
inline JsonArray JsonValue::get_array() const { return JsonArray(e_.get_array().value_unsafe()); }

// A parsed JSON text: the parser's memory and its root. The values read from it are valid while
// it lives; callers keep it alive through the computation and the writing (handing the pages
// back to the system between the steps and faulting them in again cost a third of a
// 10,000-position calc).
class JsonDocument {
 public:
  // Parses `text` (depth limit 64). When `padded`, the caller guarantees
  // simdjson::SIMDJSON_PADDING readable bytes after the text (a file read into a larger buffer),
  // and the text is not copied. On failure: kInvalidArgument with the one line
  // "(document): not valid JSON at line L, column C: …" (the column counts characters).
  static Result<std::unique_ptr<JsonDocument>> Parse(std::string_view text, bool padded = false);
  ~JsonDocument();
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  JsonValue root() const { return JsonValue(root_); }

 private:
  JsonDocument() = default;
  // Taken from a small pool of parsers and given back when the document is dropped (see
  // document_reader.cpp: their buffers, sized by the largest document, stay mapped).
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

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

  // The field, or nullopt when absent or JSON null.
  static std::optional<JsonValue> Field(const JsonObject& o, std::string_view key) {
    std::optional<JsonValue> v = o.if_contains(key);
    if (v && v->is_null()) return std::nullopt;
    return v;
  }

  // nullopt (with a problem) when `v` is present but not an object / array; nullopt when absent.
  std::optional<JsonObject> Object(const std::optional<JsonValue>& v, const JsonPath& path);
  std::optional<JsonArray> Array(const std::optional<JsonValue>& v, const JsonPath& path);
  // The field; a problem "is required" when absent.
  std::optional<JsonValue> Required(const JsonObject& o, std::string_view key,
                                    const JsonPath& path);

  // An optional string field; empty if absent.
  std::string String(const JsonObject& o, std::string_view key, const JsonPath& path);
  std::optional<std::string> RequiredString(const JsonObject& o, std::string_view key,
                                            const JsonPath& path);
  // An optional boolean field (JSON true/false); false if absent.
  bool Bool(const JsonObject& o, std::string_view key, const JsonPath& path);

  // A decimal held in a JSON string, within the 15/10 digit limits. `path` names the value.
  std::optional<core::Decimal> Number(const JsonValue& v, const JsonPath& path);
  std::optional<core::Decimal> OptionalNumber(const JsonObject& o, std::string_view key,
                                              const JsonPath& path);
  std::optional<core::Decimal> RequiredNumber(const JsonObject& o, std::string_view key,
                                              const JsonPath& path);
  // An optional whole number in a decimal string ("7"), within [min, max].
  std::optional<int> OptionalInteger(const JsonObject& o, std::string_view key,
                                     const JsonPath& path, int min, int max);

  // An optional string field that must be one of `names`; returns its index, or `fallback` when
  // absent (and on a problem). `what` names the thing in the message ("unknown column …").
  std::size_t Choice(const JsonObject& o, std::string_view key, const JsonPath& path,
                     std::initializer_list<std::string_view> names, std::size_t fallback,
                     std::string_view what);

 private:
  std::vector<std::string> problems_;
};

}  // namespace estimate::formats
