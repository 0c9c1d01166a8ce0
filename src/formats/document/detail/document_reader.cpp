#include "formats/document/detail/document_reader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>
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

namespace {

constexpr std::size_t kMaxDepth = 64;

// The 1-based line and column of byte `offset` of `text`, as an editor shows them: lines end at
// LF, and the column counts characters (UTF-8 sequences), not bytes.
std::pair<std::size_t, std::size_t> LineAndColumn(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a continuation byte of UTF-8
      ++column;
    }
  }
  return {line, column};
}

// The offset of the first byte of `text` that does not belong to a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or npos.
std::size_t FirstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= text.size()) return i;
      const unsigned char b = static_cast<unsigned char>(text[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

}  // namespace

std::string JsonSyntaxErrorAt(std::string_view text, std::size_t max_depth) {
  json::parse_options opts;
  opts.max_depth = max_depth;
  json::parser p(json::storage_ptr(), opts);
  json::error_code ec;
  // The characters read before the error: where it is.
  const std::size_t consumed = p.write(text.data(), text.size(), ec);
  if (!ec) return {};
  // Bytes that are not UTF-8 where the reading stopped: say so, at the first of them.
  const std::size_t bad = FirstInvalidUtf8(text.substr(0, std::min(text.size(), consumed + 4)));
  if (bad != std::string_view::npos && bad <= consumed) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const unsigned char b = static_cast<unsigned char>(text[bad]);
    const auto [line, column] = LineAndColumn(text, bad);
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": byte 0x" +
           kHex[b >> 4] + kHex[b & 15] + " is not UTF-8";
  }
  const auto [line, column] = LineAndColumn(text, consumed);
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
         ec.message();
}

namespace {

// Parsers kept for the next document. simdjson sizes a parser's buffers by the document (its
// tape alone is eight bytes per byte of text, mostly never touched), and buffers that large are
// mapped afresh by the allocator each time and faulted in page by page: for a 25 MB document
// that cost a service as much as the parse. A kept parser keeps its pages. At most kKeptParsers
// are kept, each for documents up to kKeptCapacity bytes, so what a server holds stays bounded.
constexpr std::size_t kKeptParsers = 2;
constexpr std::size_t kKeptCapacity = std::size_t{32} << 20;

std::mutex kept_mu;
std::vector<std::unique_ptr<simdjson::dom::parser>>& KeptParsers() {
  static auto* kept = new std::vector<std::unique_ptr<simdjson::dom::parser>>();
  return *kept;
}

std::unique_ptr<simdjson::dom::parser> TakeParser(std::size_t size) {
  std::lock_guard lock(kept_mu);
  auto& kept = KeptParsers();
  // The smallest kept parser that holds the document without growing, else any (it grows).
  std::size_t best = kept.size();
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i]->capacity() >= size &&
        (best == kept.size() || kept[i]->capacity() < kept[best]->capacity())) {
      best = i;
    }
  }
  if (best == kept.size() && !kept.empty()) best = kept.size() - 1;
  if (best == kept.size()) return std::make_unique<simdjson::dom::parser>();
  auto parser = std::move(kept[best]);
  kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(best));
  return parser;
}

void GiveBack(std::unique_ptr<simdjson::dom::parser> parser) {
  if (!parser || parser->capacity() > kKeptCapacity) return;
  std::lock_guard lock(kept_mu);
  auto& kept = KeptParsers();
  if (kept.size() < kKeptParsers) kept.push_back(std::move(parser));
}

}  // namespace

JsonDocument::~JsonDocument() { GiveBack(std::move(parser_)); }

Result<std::unique_ptr<JsonDocument>> JsonDocument::Parse(std::string_view text, bool padded) {
  std::unique_ptr<JsonDocument> doc(new JsonDocument());
  doc->parser_ = TakeParser(text.size());
  simdjson::error_code error = simdjson::SUCCESS;
  if (doc->parser_->capacity() < text.size() || doc->parser_->max_depth() != kMaxDepth) {
    error = doc->parser_->allocate(text.size(), kMaxDepth);
  }
  if (error == simdjson::SUCCESS) {
    error = doc->parser_->parse(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                               /*realloc_if_needed=*/!padded)
                .get(doc->root_);
  }
  if (error == simdjson::SUCCESS) return doc;
  if (error == simdjson::MEMALLOC) {
    return Status(StatusCode::kResourceExhausted, "(document): too large to read");
  }
  const std::string where = JsonSyntaxErrorAt(text, kMaxDepth);
  if (where.empty()) {  // what Boost.JSON accepts and simdjson does not
    return InvalidArgument(std::string("(document): not valid JSON: ") +
                           simdjson::error_message(error));
  }
  return InvalidArgument("(document): not valid JSON at " + where);
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

std::optional<JsonObject> DocumentReader::Object(const std::optional<JsonValue>& v,
                                                 const JsonPath& path) {
  if (!v) return std::nullopt;
  std::optional<JsonObject> object;
  if (!v->is_object()) {
    Problem(path, "expected an object");
    return object;
  }
  object.emplace(v->dom_object());  // in place: an object's index is some 700 bytes
  return object;
}

std::optional<JsonArray> DocumentReader::Array(const std::optional<JsonValue>& v,
                                               const JsonPath& path) {
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    Problem(path, "expected an array");
    return std::nullopt;
  }
  return v->get_array();
}

std::optional<JsonValue> DocumentReader::Required(const JsonObject& o, std::string_view key,
                                                  const JsonPath& path) {
  std::optional<JsonValue> v = Field(o, key);
  if (!v) Problem(path.Key(key), "is required");
  return v;
}

std::string DocumentReader::String(const JsonObject& o, std::string_view key,
                                   const JsonPath& path) {
  const std::optional<JsonValue> v = Field(o, key);
  if (!v) return {};
  if (!v->is_string()) {
    Problem(path.Key(key), "expected a string");
    return {};
  }
  return std::string(v->get_string());
}

std::optional<std::string> DocumentReader::RequiredString(const JsonObject& o,
                                                          std::string_view key,
                                                          const JsonPath& path) {
  const std::optional<JsonValue> v = Required(o, key, path);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Problem(path.Key(key), "expected a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

bool DocumentReader::Bool(const JsonObject& o, std::string_view key, const JsonPath& path) {
  const std::optional<JsonValue> v = Field(o, key);
  if (!v) return false;
  if (!v->is_bool()) {
    Problem(path.Key(key), "expected true or false");
    return false;
  }
  return v->get_bool();
}

std::optional<Decimal> DocumentReader::Number(const JsonValue& v, const JsonPath& path) {
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

std::optional<Decimal> DocumentReader::OptionalNumber(const JsonObject& o, std::string_view key,
                                                      const JsonPath& path) {
  const std::optional<JsonValue> v = Field(o, key);
  if (!v) return std::nullopt;
  return Number(*v, path.Key(key));
}

std::optional<Decimal> DocumentReader::RequiredNumber(const JsonObject& o, std::string_view key,
                                                      const JsonPath& path) {
  const std::optional<JsonValue> v = Required(o, key, path);
  if (!v) return std::nullopt;
  return Number(*v, path.Key(key));
}

std::optional<int> DocumentReader::OptionalInteger(const JsonObject& o, std::string_view key,
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

std::size_t DocumentReader::Choice(const JsonObject& o, std::string_view key,
                                   const JsonPath& path,
                                   std::initializer_list<std::string_view> names,
                                   std::size_t fallback, std::string_view what) {
  const std::optional<JsonValue> v = Field(o, key);
  if (!v) return fallback;
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
