#include "api/json_schema.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <regex>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace estimate::api {
namespace json = boost::json;

namespace {

// JSON types as bits; "number" is kNumber | kInteger (an integer is a number).
enum TypeBit : unsigned {
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,
  kNumber = 8,
  kString = 16,
  kArray = 32,
  kObject = 64,
};

struct Bound {
  double limit = 0;
  std::string text;  // as the schema wrote it, for the message
  bool exclusive = false;
};

}  // namespace

// ^-?[0-9]{1,15}(\.[0-9]{1,10})?$ — a decimal of the documents' 15/10 digit limits.
bool IsDocumentDecimal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t int_digits = i - int_start;
  if (int_digits < 1 || int_digits > 15) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  const std::size_t frac_start = ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t frac_digits = i - frac_start;
  return i == s.size() && frac_digits >= 1 && frac_digits <= 10;
}

// ^(-?[0-9]{1,15}(\.[0-9]{1,10})?|П)$ — a consumption: such a decimal, or «П» (by project).
bool IsDocumentDecimalOrP(std::string_view s) { return s == "П" || IsDocumentDecimal(s); }

// The written-out test of a pattern the documents use everywhere; nullptr for the others.
bool (*WrittenOutPattern(std::string_view pattern))(std::string_view) {
  if (pattern == R"(^-?[0-9]{1,15}(\.[0-9]{1,10})?$)") return IsDocumentDecimal;
  if (pattern == R"(^(-?[0-9]{1,15}(\.[0-9]{1,10})?|П)$)") return IsDocumentDecimalOrP;
  return nullptr;
}

struct SchemaNode {
  bool never = false;  // the schema `false`
  unsigned types = 0;  // 0: any type
  const SchemaNode* ref = nullptr;
  std::vector<std::pair<std::string, const SchemaNode*>> properties;
  std::vector<std::string> required;
  bool additional_forbidden = false;
  bool unevaluated_forbidden = false;
  const SchemaNode* additional = nullptr;
  const SchemaNode* property_names = nullptr;
  const SchemaNode* items = nullptr;
  bool has_enum = false;
  std::vector<json::value> enum_values;
  std::optional<json::value> const_value;
  std::optional<std::regex> pattern;
  std::string pattern_text;
  // The same test as `pattern`, written out, for the patterns every figure of a document meets
  // (a 10,000-position document has half a million of them; std::regex spent 300 ms on them).
  bool (*matches)(std::string_view) = nullptr;
  std::optional<std::size_t> min_length, max_length, min_items, max_items;
  std::vector<Bound> lower, upper;
  bool date = false;
  std::vector<const SchemaNode*> all_of, any_of, one_of;
  std::string discriminator;  // set only when every branch of one_of/any_of has a tag
  std::vector<std::pair<std::string, const SchemaNode*>> mapping;

  const SchemaNode* Property(std::string_view key) const {
    for (const auto& [name, node] : properties) {
      if (name == key) return node;
    }
    return nullptr;
  }
};

struct SchemaStore {
  std::deque<SchemaNode> nodes;  // a deque: nodes point at each other and never move
};

namespace {

unsigned TypeOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return kNull;
    case json::kind::bool_:
      return kBoolean;
    case json::kind::int64:
    case json::kind::uint64:
      return kInteger;
    case json::kind::double_: {
      const double d = v.get_double();
      return std::isfinite(d) && std::floor(d) == d ? kInteger : kNumber;
    }
    case json::kind::string:
      return kString;
    case json::kind::array:
      return kArray;
    case json::kind::object:
      return kObject;
  }
  return 0;
}

std::string TypeNames(unsigned types) {
  std::string out;
  const auto add = [&out](const char* name) {
    if (!out.empty()) out += " or ";
    out += name;
  };
  if (types & kObject) add("an object");
  if (types & kArray) add("an array");
  if (types & kString) add("a string");
  if (types & kNumber) {
    add("a number");
  } else if (types & kInteger) {
    add("an integer");
  }
  if (types & kBoolean) add("true or false");
  if (types & kNull) add("null");
  return out;
}

double AsDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

// A bound as people write it: 1.5, not Boost.JSON's 1.5E0.
std::string NumberText(const json::value& v) {
  if (!v.is_double()) return json::serialize(v);
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", v.get_double());
  return text;
}

// The value as JSON for a message, cut short.
std::string Shown(const json::value& v) {
  std::string s = json::serialize(v);
  constexpr std::size_t kMax = 60;
  if (s.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    s = s.substr(0, cut) + "…";
  }
  return s;
}

// Enum members for a message: strings as they are, other values as JSON.
std::string Listed(const std::vector<json::value>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v.is_string() ? std::string(v.get_string()) : json::serialize(v);
  }
  return out;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// YYYY-MM-DD, and a day the calendar has.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const auto num = [&s](std::size_t at, std::size_t len) {
    int n = 0;
    for (std::size_t i = at; i < at + len; ++i) n = n * 10 + (s[i] - '0');
    return n;
  };
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// Adds the property names a value may have under `n` (its own, and those of what it refers to
// or combines), for unevaluatedProperties.
void CollectNames(const SchemaNode& n, std::vector<std::string_view>& names, int depth) {
  if (depth > 16) return;
  for (const auto& [name, node] : n.properties) names.push_back(name);
  if (n.ref != nullptr) CollectNames(*n.ref, names, depth + 1);
  for (const auto* list : {&n.all_of, &n.any_of, &n.one_of}) {
    for (const SchemaNode* b : *list) CollectNames(*b, names, depth + 1);
  }
}

class Validator {
 public:
  explicit Validator(std::string path = {}) : path_(std::move(path)) {}

  // Values of an HTML form (multipart/form-data): strings that may stand for other types.
  void ReadFormText() { form_ = true; }

  bool Check(const SchemaNode& n, const json::value& v) {
    if (++depth_ > kMaxDepth) return Fail("the schema nests deeper than the validator follows");
    const bool ok = CheckNode(n, v);
    --depth_;
    return ok;
  }

  const std::string& error() const { return error_; }
  std::size_t error_depth() const { return error_depth_; }

 private:
  static constexpr int kMaxDepth = 256;

  bool Fail(std::string_view message) {
    error_ = (path_.empty() ? std::string("body") : path_) + ": ";
    error_ += message;
    error_depth_ = Depth(path_);
    return false;
  }

  // How far into the value a path goes: "" 1, "a" 2, "a[0].b" 4.
  static std::size_t Depth(std::string_view path) {
    std::size_t depth = path.empty() ? 1 : 2;
    for (char c : path) depth += c == '.' || c == '[';
    return depth;
  }

  // Runs `check` with `key` appended to the path.
  template <typename Fn>
  bool AtKey(std::string_view key, Fn check) {
    const std::size_t mark = path_.size();
    if (!path_.empty()) path_ += '.';
    path_ += key;
    const bool ok = check();
    path_.resize(mark);
    return ok;
  }
  template <typename Fn>
  bool AtIndex(std::size_t i, Fn check) {
    const std::size_t mark = path_.size();
    path_ += '[';
    path_ += std::to_string(i);
    path_ += ']';
    const bool ok = check();
    path_.resize(mark);
    return ok;
  }

  bool CheckNode(const SchemaNode& n, const json::value& given) {
    if (n.never) return Fail("is not accepted here");
    // Form fields arrive as text: where the schema wants no string, the text is read as what
    // it wants (an integer, a number, true or false) when it can be.
    std::optional<json::value> read;
    if (form_ && given.is_string() && n.types != 0 && (n.types & kString) == 0) {
      read = FromText(given.get_string(), n.types);
    }
    const json::value& v = read ? *read : given;
    if (n.ref != nullptr && !Check(*n.ref, v)) return false;
    const unsigned type = TypeOf(v);
    if (n.types != 0 && (n.types & type) == 0) return Fail("expected " + TypeNames(n.types));
    if (n.const_value && v != *n.const_value) return Fail("must be " + Shown(*n.const_value));
    if (n.has_enum) {
      bool found = false;
      for (const auto& e : n.enum_values) found = found || e == v;
      if (!found) return Fail(Shown(v) + " is not one of " + Listed(n.enum_values));
    }
    switch (type) {
      case kString:
        if (!CheckString(n, v.get_string())) return false;
        break;
      case kInteger:
      case kNumber:
        if (!CheckNumber(n, v)) return false;
        break;
      case kArray:
        if (!CheckArray(n, v.get_array())) return false;
        break;
      case kObject:
        if (!CheckObject(n, v.get_object())) return false;
        break;
      default:
        break;
    }
    for (const SchemaNode* b : n.all_of) {
      if (!Check(*b, v)) return false;
    }
    if (!n.any_of.empty() && !CheckChoice(n, n.any_of, v, false)) return false;
    if (!n.one_of.empty() && !CheckChoice(n, n.one_of, v, true)) return false;
    return true;
  }

  static std::optional<json::value> FromText(std::string_view text, unsigned types) {
    if (text == "true" || text == "false") {
      if (types & kBoolean) return json::value(text == "true");
      return std::nullopt;
    }
    if (text.empty() || !(types & (kInteger | kNumber))) return std::nullopt;
    const std::string copy(text);
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(copy.c_str(), &end, 10);
    if (errno == 0 && end == copy.c_str() + copy.size() &&
        !std::isspace(static_cast<unsigned char>(copy.front()))) {
      return json::value(static_cast<std::int64_t>(i));
    }
    if (!(types & kNumber)) return std::nullopt;
    errno = 0;
    const double d = std::strtod(copy.c_str(), &end);
    if (errno == 0 && end == copy.c_str() + copy.size() &&
        !std::isspace(static_cast<unsigned char>(copy.front())) && std::isfinite(d)) {
      return json::value(d);
    }
    return std::nullopt;
  }

  bool CheckString(const SchemaNode& n, json::string_view s) {
    if (n.min_length || n.max_length) {
      const std::size_t length = CodePoints(s);
      if (n.min_length && length < *n.min_length) {
        return Fail(*n.min_length == 1
                        ? std::string("must not be empty")
                        : "must be at least " + std::to_string(*n.min_length) + " characters long");
      }
      if (n.max_length && length > *n.max_length) {
        return Fail("must be at most " + std::to_string(*n.max_length) + " characters long");
      }
    }
    if (n.pattern) {
      if (s.size() > JsonSchema::kMaxPatternInput) {
        return Fail("is too long to check against " + n.pattern_text + " (over " +
                    std::to_string(JsonSchema::kMaxPatternInput) + " bytes)");
      }
      const bool ok = n.matches != nullptr ? n.matches(s)
                                           : std::regex_search(s.begin(), s.end(), *n.pattern);
      if (!ok) {
        return Fail("must match " + n.pattern_text + ", got " + Shown(json::value(s)));
      }
    }
    if (n.date && !IsDate(s)) {
      return Fail("expected a date as YYYY-MM-DD, got " + Shown(json::value(s)));
    }
    return true;
  }

  bool CheckNumber(const SchemaNode& n, const json::value& v) {
    if (n.lower.empty() && n.upper.empty()) return true;
    const double d = AsDouble(v);
    for (const Bound& b : n.lower) {
      if (b.exclusive ? !(d > b.limit) : !(d >= b.limit)) {
        return Fail((b.exclusive ? "must be greater than " : "must be at least ") + b.text);
      }
    }
    for (const Bound& b : n.upper) {
      if (b.exclusive ? !(d < b.limit) : !(d <= b.limit)) {
        return Fail((b.exclusive ? "must be less than " : "must be at most ") + b.text);
      }
    }
    return true;
  }

  bool CheckArray(const SchemaNode& n, const json::array& a) {
    if (n.min_items && a.size() < *n.min_items) {
      return Fail(*n.min_items == 1
                      ? std::string("must not be empty")
                      : "must have at least " + std::to_string(*n.min_items) + " items");
    }
    if (n.max_items && a.size() > *n.max_items) {
      return Fail("must have at most " + std::to_string(*n.max_items) + " items");
    }
    if (n.items != nullptr) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!AtIndex(i, [&] { return Check(*n.items, a[i]); })) return false;
      }
    }
    return true;
  }

  bool CheckObject(const SchemaNode& n, const json::object& o) {
    for (const std::string& key : n.required) {
      if (!o.contains(key)) return AtKey(key, [&] { return Fail("is required"); });
    }
    std::vector<std::string_view> known;
    if (n.unevaluated_forbidden) CollectNames(n, known, 0);
    for (const auto& [key, item] : o) {
      const std::string_view name(key.data(), key.size());
      if (n.property_names != nullptr &&
          !AtKey(name, [&] { return Check(*n.property_names, json::value(key)); })) {
        return false;
      }
      const SchemaNode* p = n.Property(name);
      if (p == nullptr) p = n.additional;
      if (p != nullptr) {
        if (!AtKey(name, [&] { return Check(*p, item); })) return false;
        continue;
      }
      if (n.additional_forbidden ||
          (n.unevaluated_forbidden && std::find(known.begin(), known.end(), name) == known.end())) {
        return AtKey(name, [&] { return Fail(UnknownField(n, known)); });
      }
    }
    return true;
  }

  static std::string UnknownField(const SchemaNode& n, const std::vector<std::string_view>& known) {
    std::string names;
    const auto add = [&names](std::string_view name) {
      if (!names.empty()) names += ", ";
      names += name;
    };
    if (n.unevaluated_forbidden) {
      for (auto name : known) add(name);
    } else {
      for (const auto& [name, node] : n.properties) add(name);
    }
    return names.empty() ? "not a field here" : "not a field here (the fields are " + names + ")";
  }

  // oneOf (`exactly_one`) or anyOf: by the discriminator when there is one, else by trying each.
  bool CheckChoice(const SchemaNode& n, const std::vector<const SchemaNode*>& branches,
                   const json::value& v, bool exactly_one) {
    if (!n.discriminator.empty()) return CheckDiscriminated(n, v);
    // The path is restored after each try, so the tries run here; a form whose type is not the
    // value's fails without one.
    const unsigned type = TypeOf(v);
    std::size_t passed = 0;
    for (const SchemaNode* b : branches) {
      if (b->types != 0 && (b->types & type) == 0) continue;
      if (Check(*b, v) && (++passed > 1 || !exactly_one)) break;
    }
    if (passed == 1 || (passed > 1 && !exactly_one)) return true;
    if (passed > 1) return Fail("matches more than one of its allowed forms");
    // None: each form again, for what it says.
    std::vector<Validator> failures;
    for (const SchemaNode* b : branches) {
      Validator sub(path_);
      sub.depth_ = depth_;
      sub.form_ = form_;
      sub.Check(*b, v);
      failures.push_back(std::move(sub));
    }
    // None: the error that got furthest into the value says most; a tie at this level lists
    // what each form wanted.
    const Validator* best = &failures.front();
    for (const Validator& f : failures) {
      if (f.error_depth_ > best->error_depth_) best = &f;
    }
    if (best->error_depth_ > Depth(path_)) {
      error_ = best->error_;
      error_depth_ = best->error_depth_;
      return false;
    }
    // Each form's complaint without the path they share; types alone read as one: "expected a
    // string or null".
    const std::string prefix = (path_.empty() ? std::string("body") : path_) + ": ";
    std::string wanted, types;
    bool only_types = true;
    for (const Validator& f : failures) {
      std::string_view what = f.error_;
      if (what.starts_with(prefix)) what.remove_prefix(prefix.size());
      if (!wanted.empty()) wanted += "; ";
      wanted += what;
      if (what.starts_with("expected ") && only_types) {
        types += (types.empty() ? "" : " or ") + std::string(what.substr(9));
      } else {
        only_types = false;
      }
    }
    if (only_types) return Fail("expected " + types);
    return Fail("matches none of its allowed forms (" + wanted + ")");
  }

  bool CheckDiscriminated(const SchemaNode& n, const json::value& v) {
    if (!v.is_object()) return Fail("expected an object");
    const json::value* tag = v.get_object().if_contains(n.discriminator);
    const SchemaNode* branch = nullptr;
    const bool tagged = AtKey(n.discriminator, [&] {
      if (tag == nullptr) return Fail("is required");
      if (!tag->is_string()) return Fail("expected a string");
      for (const auto& [name, node] : n.mapping) {
        if (name == tag->get_string()) branch = node;
      }
      if (branch != nullptr) return true;
      std::string names;
      for (const auto& [name, node] : n.mapping) names += (names.empty() ? "" : ", ") + name;
      return Fail(Shown(*tag) + " is not one of " + names);
    });
    return tagged && Check(*branch, v);
  }

  std::string path_;
  std::string error_;
  std::size_t error_depth_ = 0;
  int depth_ = 0;
  bool form_ = false;
};

// "#/components/schemas/A~1B" → the value it points at in `doc`, or null.
const json::value* Resolve(const json::value& doc, std::string_view ref) {
  if (ref.empty() || ref.front() != '#') return nullptr;
  ref.remove_prefix(1);
  const json::value* at = &doc;
  while (!ref.empty()) {
    if (ref.front() != '/') return nullptr;
    ref.remove_prefix(1);
    const std::size_t end = std::min(ref.find('/'), ref.size());
    std::string token;
    for (std::size_t i = 0; i < end; ++i) {
      if (ref[i] == '~' && i + 1 < end && (ref[i + 1] == '0' || ref[i + 1] == '1')) {
        token += ref[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += ref[i];
      }
    }
    ref.remove_prefix(end);
    if (at->is_object()) {
      at = at->get_object().if_contains(token);
    } else if (at->is_array()) {
      char* stop = nullptr;
      const unsigned long i = std::strtoul(token.c_str(), &stop, 10);
      at = (!token.empty() && *stop == '\0' && i < at->get_array().size()) ? &at->get_array()[i]
                                                                           : nullptr;
    } else {
      at = nullptr;
    }
    if (at == nullptr) return nullptr;
  }
  return at;
}

}  // namespace

class JsonSchemaCompiler::Impl {
 public:
  explicit Impl(const json::value& document)
      : document_(document), store_(std::make_shared<SchemaStore>()) {}

  Result<JsonSchema> Compile(const json::value& schema, const std::string& where) {
    auto node = Node(schema, where);
    if (!node.ok()) return node.status();
    return JsonSchema(store_, *node);
  }

 private:
  static Status Error(const std::string& where, const std::string& what) {
    return InvalidArgument(where + ": " + what);
  }

  Result<const SchemaNode*> Node(const json::value& schema, const std::string& where) {
    SchemaNode& n = store_->nodes.emplace_back();
    if (schema.is_bool()) {
      n.never = !schema.get_bool();
      return &n;
    }
    if (!schema.is_object()) return Error(where, "a schema is an object or true or false");
    if (Status s = Fill(n, schema.get_object(), where); !s.ok()) return s;
    return &n;
  }

  Result<const SchemaNode*> Ref(std::string_view ref, const std::string& where) {
    const std::string key(ref);
    if (auto it = refs_.find(key); it != refs_.end()) return it->second;
    const json::value* target = Resolve(document_, ref);
    if (target == nullptr)
      return Error(where, "$ref " + key + " points at nothing in the document");
    // Registered before it is filled, so that a schema may refer to itself.
    SchemaNode& n = store_->nodes.emplace_back();
    refs_.emplace(key, &n);
    if (target->is_bool()) {
      n.never = !target->get_bool();
      return &n;
    }
    if (!target->is_object()) return Error(key, "a schema is an object or true or false");
    if (Status s = Fill(n, target->get_object(), key); !s.ok()) return s;
    return &n;
  }

  static Result<std::size_t> Count(const json::value& v, const std::string& where) {
    if (v.is_uint64()) return static_cast<std::size_t>(v.get_uint64());
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::size_t>(v.get_int64());
    return Error(where, "expected a non-negative integer");
  }

  Status Types(SchemaNode& n, const json::value& v, const std::string& where) {
    const auto one = [&](const json::value& name) -> Status {
      if (!name.is_string()) return Error(where, "a type is a string");
      const json::string& t = name.get_string();
      if (t == "null")
        n.types |= kNull;
      else if (t == "boolean")
        n.types |= kBoolean;
      else if (t == "integer")
        n.types |= kInteger;
      else if (t == "number")
        n.types |= kNumber | kInteger;
      else if (t == "string")
        n.types |= kString;
      else if (t == "array")
        n.types |= kArray;
      else if (t == "object")
        n.types |= kObject;
      else
        return Error(where, "unknown type \"" + std::string(t) + "\"");
      return Status::Ok();
    };
    if (!v.is_array()) return one(v);
    for (const auto& t : v.get_array()) {
      if (Status s = one(t); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Schemas(std::vector<const SchemaNode*>& out, const json::value& v,
                 const std::string& where) {
    if (!v.is_array() || v.get_array().empty()) return Error(where, "expected a non-empty array");
    std::size_t i = 0;
    for (const auto& s : v.get_array()) {
      auto node = Node(s, where + "/" + std::to_string(i++));
      if (!node.ok()) return node.status();
      out.push_back(*node);
    }
    return Status::Ok();
  }

  Status Bounds(SchemaNode& n, const json::object& o, const std::string& where) {
    const auto number = [&](const char* key) -> const json::value* {
      const json::value* v = o.if_contains(key);
      return v != nullptr && v->is_number() ? v : nullptr;
    };
    // 3.0 wrote exclusiveMinimum: true beside minimum; 3.1 writes the bound itself.
    const auto flag = [&](const char* key) {
      const json::value* v = o.if_contains(key);
      return v != nullptr && v->is_bool() && v->get_bool();
    };
    for (const char* key : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
      const json::value* v = o.if_contains(key);
      if (v != nullptr && !v->is_number() && !(v->is_bool() && key[0] == 'e')) {
        return Error(where + "/" + key, "expected a number");
      }
    }
    if (const json::value* v = number("minimum")) {
      n.lower.push_back({AsDouble(*v), NumberText(*v), flag("exclusiveMinimum")});
    }
    if (const json::value* v = number("exclusiveMinimum")) {
      n.lower.push_back({AsDouble(*v), NumberText(*v), true});
    }
    if (const json::value* v = number("maximum")) {
      n.upper.push_back({AsDouble(*v), NumberText(*v), flag("exclusiveMaximum")});
    }
    if (const json::value* v = number("exclusiveMaximum")) {
      n.upper.push_back({AsDouble(*v), NumberText(*v), true});
    }
    return Status::Ok();
  }

  Status Fill(SchemaNode& n, const json::object& o, const std::string& where) {
    const auto at = [&where](std::string_view key) { return where + "/" + std::string(key); };
    if (const json::value* v = o.if_contains("$ref")) {
      if (!v->is_string()) return Error(at("$ref"), "expected a string");
      auto ref = Ref(v->get_string(), at("$ref"));
      if (!ref.ok()) return ref.status();
      n.ref = *ref;
    }
    if (const json::value* v = o.if_contains("type")) {
      if (Status s = Types(n, *v, at("type")); !s.ok()) return s;
    }
    if (const json::value* v = o.if_contains("nullable"); v && v->is_bool() && v->get_bool()) {
      if (n.types != 0) n.types |= kNull;
    }
    if (const json::value* v = o.if_contains("properties")) {
      if (!v->is_object()) return Error(at("properties"), "expected an object");
      for (const auto& [key, schema] : v->get_object()) {
        auto node = Node(schema, at("properties") + "/" + std::string(key));
        if (!node.ok()) return node.status();
        n.properties.emplace_back(std::string(key), *node);
      }
    }
    if (const json::value* v = o.if_contains("required")) {
      if (!v->is_array()) return Error(at("required"), "expected an array of names");
      for (const auto& name : v->get_array()) {
        if (!name.is_string()) return Error(at("required"), "expected an array of names");
        n.required.emplace_back(name.get_string());
      }
    }
    if (const json::value* v = o.if_contains("additionalProperties")) {
      if (v->is_bool()) {
        n.additional_forbidden = !v->get_bool();
      } else {
        auto node = Node(*v, at("additionalProperties"));
        if (!node.ok()) return node.status();
        n.additional = *node;
      }
    }
    if (const json::value* v = o.if_contains("propertyNames")) {
      auto node = Node(*v, at("propertyNames"));
      if (!node.ok()) return node.status();
      n.property_names = *node;
    }
    if (const json::value* v = o.if_contains("unevaluatedProperties"); v && v->is_bool()) {
      n.unevaluated_forbidden = !v->get_bool() && !n.additional_forbidden;
    }
    if (const json::value* v = o.if_contains("items")) {
      if (v->is_array()) return Error(at("items"), "a list of item schemas is not supported");
      auto node = Node(*v, at("items"));
      if (!node.ok()) return node.status();
      n.items = *node;
    }
    if (const json::value* v = o.if_contains("enum")) {
      if (!v->is_array()) return Error(at("enum"), "expected an array");
      n.has_enum = true;
      n.enum_values.assign(v->get_array().begin(), v->get_array().end());
    }
    if (const json::value* v = o.if_contains("const")) n.const_value = *v;
    if (const json::value* v = o.if_contains("pattern")) {
      if (!v->is_string()) return Error(at("pattern"), "expected a string");
      n.pattern_text = std::string(v->get_string());
      n.matches = WrittenOutPattern(n.pattern_text);
      try {
        n.pattern.emplace(n.pattern_text, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        return Error(at("pattern"), n.pattern_text +
                                        " is not an ECMAScript regular expression "
                                        "std::regex reads (" +
                                        e.what() + ")");
      }
    }
    for (auto [key, slot] :
         {std::pair{"minLength", &n.min_length}, std::pair{"maxLength", &n.max_length},
          std::pair{"minItems", &n.min_items}, std::pair{"maxItems", &n.max_items}}) {
      if (const json::value* v = o.if_contains(key)) {
        auto count = Count(*v, at(key));
        if (!count.ok()) return count.status();
        *slot = *count;
      }
    }
    if (Status s = Bounds(n, o, where); !s.ok()) return s;
    if (const json::value* v = o.if_contains("format"); v && v->is_string()) {
      n.date = v->get_string() == "date";
    }
    for (auto [key, list] : {std::pair{"allOf", &n.all_of}, std::pair{"anyOf", &n.any_of},
                             std::pair{"oneOf", &n.one_of}}) {
      if (const json::value* v = o.if_contains(key)) {
        if (Status s = Schemas(*list, *v, at(key)); !s.ok()) return s;
      }
    }
    if (const json::value* v = o.if_contains("discriminator")) {
      if (Status s = Discriminator(n, o, *v, at("discriminator")); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // The tag of a branch for the discriminator's property: its const or one-value enum (through
  // $ref and allOf), else empty.
  static std::string TagOf(const SchemaNode& branch, std::string_view property, int depth = 0) {
    if (depth > 16) return {};
    if (const SchemaNode* p = branch.Property(property)) {
      if (p->const_value && p->const_value->is_string()) {
        return std::string(p->const_value->get_string());
      }
      if (p->has_enum && p->enum_values.size() == 1 && p->enum_values[0].is_string()) {
        return std::string(p->enum_values[0].get_string());
      }
    }
    if (branch.ref != nullptr) {
      if (auto tag = TagOf(*branch.ref, property, depth + 1); !tag.empty()) return tag;
    }
    for (const SchemaNode* b : branch.all_of) {
      if (auto tag = TagOf(*b, property, depth + 1); !tag.empty()) return tag;
    }
    return {};
  }

  // discriminator {propertyName, mapping}: a value's tag picks its branch of oneOf/anyOf. When
  // some branch has no tag (no mapping, no const, no component name), the choice is made by
  // trying each branch instead.
  Status Discriminator(SchemaNode& n, const json::object& o, const json::value& v,
                       const std::string& where) {
    const json::value* name = v.is_object() ? v.get_object().if_contains("propertyName") : nullptr;
    if (name == nullptr || !name->is_string()) return Error(where, "propertyName is required");
    const json::value* branches_json = o.if_contains("oneOf");
    if (branches_json == nullptr) branches_json = o.if_contains("anyOf");
    const auto& branches = n.one_of.empty() ? n.any_of : n.one_of;
    if (branches_json == nullptr || branches.empty()) return Status::Ok();  // a base schema
    std::vector<std::pair<std::string, const SchemaNode*>> mapping;
    if (const json::value* m = v.get_object().if_contains("mapping")) {
      if (!m->is_object()) return Error(where + "/mapping", "expected an object");
      for (const auto& [tag, target] : m->get_object()) {
        if (!target.is_string()) return Error(where + "/mapping", "expected references");
        std::string ref(target.get_string());
        if (!ref.starts_with("#")) ref = "#/components/schemas/" + ref;
        auto node = Ref(ref, where + "/mapping/" + std::string(tag));
        if (!node.ok()) return node.status();
        mapping.emplace_back(std::string(tag), *node);
      }
    }
    for (std::size_t i = 0; i < branches.size(); ++i) {
      const SchemaNode* b = branches[i];
      const SchemaNode* target = b->ref != nullptr && b->properties.empty() ? b->ref : b;
      bool mapped = false;
      for (const auto& [tag, node] : mapping) mapped = mapped || node == target || node == b;
      if (mapped) continue;
      std::string tag = TagOf(*b, name->get_string());
      const json::value& raw = branches_json->get_array()[i];
      const json::value* ref = raw.is_object() ? raw.get_object().if_contains("$ref") : nullptr;
      if (tag.empty() && ref != nullptr && ref->is_string()) {
        const std::string_view r = ref->get_string();
        tag = std::string(r.substr(r.rfind('/') + 1));
      }
      if (tag.empty()) return Status::Ok();  // undecidable: try the branches
      mapping.emplace_back(std::move(tag), b);
    }
    n.discriminator = std::string(name->get_string());
    n.mapping = std::move(mapping);
    return Status::Ok();
  }

  const json::value& document_;
  std::shared_ptr<SchemaStore> store_;
  std::unordered_map<std::string, const SchemaNode*> refs_;
};

JsonSchemaCompiler::JsonSchemaCompiler(const json::value& document)
    : impl_(std::make_unique<Impl>(document)) {}
JsonSchemaCompiler::~JsonSchemaCompiler() = default;

Result<JsonSchema> JsonSchemaCompiler::Compile(const json::value& schema,
                                               const std::string& where) {
  return impl_->Compile(schema, where);
}

Result<JsonSchema> JsonSchema::Compile(const json::value& schema) {
  JsonSchemaCompiler compiler(schema);
  return compiler.Compile(schema, "#");
}

std::optional<std::string> JsonSchema::Validate(const json::value& value) const {
  Validator validator;
  if (validator.Check(*root_, value)) return std::nullopt;
  return validator.error();
}

std::optional<std::string> JsonSchema::ValidateForm(const json::value& fields) const {
  Validator validator;
  validator.ReadFormText();
  if (validator.Check(*root_, fields)) return std::nullopt;
  return validator.error();
}

}  // namespace estimate::api
