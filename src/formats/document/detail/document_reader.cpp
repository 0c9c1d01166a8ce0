#include "formats/document/detail/document_reader.hpp"

#include <boost/json.hpp>

#include <utility>

namespace estimate::formats {

namespace json = boost::json;
using core::Decimal;

std::string JsonPath::ToString() const {
  std::vector<const JsonPath*> frames;
  for (const JsonPath* p = this; p != nullptr && p->kind_ != Kind::kRoot; p = p->parent_) {
    frames.push_back(p);
  }
  if (frames.empty()) return "(document)";
  std::string out;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    const JsonPath& f = **it;
    if (f.kind_ == Kind::kIndex) {
      out += '[';
      out += std::to_string(f.index_);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += f.key_;
    }
  }
  return out;
}

std::string Quoted(std::string_view s) {
  std::string v(s.substr(0, 60));
  if (s.size() > 60) v += "…";
  return json::serialize(json::string(v));
}

Result<json::value> ParseJson(std::string_view text, json::storage_ptr storage) {
  json::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v =
      json::parse(json::string_view(text.data(), text.size()), ec, std::move(storage), opts);
  if (ec) return InvalidArgument("(document): not valid JSON: " + ec.message());
  return v;
}

std::string DocumentReader::Message() const {
  std::string out;
  for (const std::string& l : problems_) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

void DocumentReader::Problem(const JsonPath& path, std::string_view what) {
  std::string line = path.ToString();
  line += ": ";
  line += what;
  problems_.push_back(std::move(line));
}

const json::object* DocumentReader::Object(const json::value* v, const JsonPath& path) {
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Problem(path, "expected an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* DocumentReader::Array(const json::value* v, const JsonPath& path) {
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    Problem(path, "expected an array");
    return nullptr;
  }
  return &v->get_array();
}

const json::value* DocumentReader::Required(const json::object& o, std::string_view key,
                                            const JsonPath& path) {
  const json::value* v = Field(o, key);
  if (v == nullptr) Problem(path.Key(key), "is required");
  return v;
}

std::string DocumentReader::String(const json::object& o, std::string_view key,
                                   const JsonPath& path) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    Problem(path.Key(key), "expected a string");
    return {};
  }
  return std::string(v->get_string());
}

std::optional<std::string> DocumentReader::RequiredString(const json::object& o,
                                                          std::string_view key,
                                                          const JsonPath& path) {
  const json::value* v = Required(o, key, path);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Problem(path.Key(key), "expected a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

bool DocumentReader::Bool(const json::object& o, std::string_view key, const JsonPath& path) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return false;
  if (!v->is_bool()) {
    Problem(path.Key(key), "expected true or false");
    return false;
  }
  return v->get_bool();
}

std::optional<Decimal> DocumentReader::Number(const json::value& v, const JsonPath& path) {
  if (!v.is_string()) {
    if (v.is_number()) {
      Problem(path, "is a JSON number; write every number as a decimal string (\"1.5\")");
    } else {
      Problem(path, "expected a decimal number in a string");
    }
    return std::nullopt;
  }
  const std::string_view text = v.get_string();
  Result<Decimal> d = Decimal::Parse(text);
  if (!d.ok()) {
    Problem(path, Quoted(text) + " is not a decimal number");
    return std::nullopt;
  }
  if (d->IntegerDigits() > kMaxIntegerDigits) {
    Problem(path, Quoted(text) + " has more than 15 digits before the decimal point");
    return std::nullopt;
  }
  if (d->scale() > kMaxFractionDigits) {
    Problem(path, Quoted(text) + " has more than 10 digits after the decimal point");
    return std::nullopt;
  }
  return *d;
}

std::optional<Decimal> DocumentReader::OptionalNumber(const json::object& o, std::string_view key,
                                                      const JsonPath& path) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return std::nullopt;
  return Number(*v, path.Key(key));
}

std::optional<Decimal> DocumentReader::RequiredNumber(const json::object& o, std::string_view key,
                                                      const JsonPath& path) {
  const json::value* v = Required(o, key, path);
  if (v == nullptr) return std::nullopt;
  return Number(*v, path.Key(key));
}

std::optional<int> DocumentReader::OptionalInteger(const json::object& o, std::string_view key,
                                                   const JsonPath& path, int min, int max) {
  const std::optional<Decimal> d = OptionalNumber(o, key, path);
  if (!d) return std::nullopt;
  for (int i = min; i <= max; ++i) {
    if (*d == Decimal::FromInt(i)) return i;
  }
  Problem(path.Key(key), "expected a whole number from " + std::to_string(min) + " to " +
                             std::to_string(max) + ", got " + Quoted(d->ToString()));
  return std::nullopt;
}

std::size_t DocumentReader::Choice(const json::object& o, std::string_view key,
                                   const JsonPath& path,
                                   std::initializer_list<std::string_view> names,
                                   std::size_t fallback, std::string_view what) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) {
    Problem(path.Key(key), "expected a string");
    return fallback;
  }
  const std::string_view s = v->get_string();
  if (s.empty()) return fallback;  // "" reads as absent, as it always has
  std::size_t i = 0;
  for (const std::string_view name : names) {
    if (s == name) return i;
    ++i;
  }
  std::string expected;
  i = 0;
  for (const std::string_view name : names) {
    if (i > 0) expected += i + 1 == names.size() ? " or " : ", ";
    expected += name;
    ++i;
  }
  Problem(path.Key(key),
          "unknown " + std::string(what) + " " + Quoted(s) + " (expected " + expected + ")");
  return fallback;
}

}  // namespace estimate::formats
