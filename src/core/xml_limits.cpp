#include "core/xml_limits.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "core/text.hpp"

namespace estimate::core {

namespace {

// The deadline is looked at after every slice this large (a few hundred microseconds of scanning).
constexpr std::size_t kSlice = 256 << 10;
// An XML declaration is a few dozen bytes; a longer one could hide its encoding from the check.
constexpr std::size_t kMaxDeclaration = 512;
// How much of an element's name messages quote.
constexpr std::size_t kShownName = 64;

// Bytes that end a name: whitespace and the markup that may follow one (or is out of place).
constexpr std::array<bool, 256> MakeNameEnd() {
  std::array<bool, 256> table{};
  for (const char c : std::string_view(" \t\r\n/>=<\"'"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kNameEnd = MakeNameEnd();

bool IsNameEnd(char c) { return kNameEnd[static_cast<unsigned char>(c)]; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::uint64_t CountLines(const char* from, const char* to) {
  std::uint64_t lines = 0;
  while (from < to) {
    const void* nl = std::memchr(from, '\n', static_cast<std::size_t>(to - from));
    if (nl == nullptr) break;
    ++lines;
    from = static_cast<const char*>(nl) + 1;
  }
  return lines;
}

bool IsXmlDeclaration(std::string_view pi) {
  return pi.size() >= 4 && pi.substr(0, 3) == "xml" && IsSpace(pi[3]);
}

bool IsUtf16Name(std::string_view e) {
  return e == "utf-16" || e == "utf16" || e == "utf-16le" || e == "utf-16be";
}

// Encodings in which every byte below 0x80 is the ASCII character: markup looks the same in the
// bytes as in the text libxml2 decodes.
bool IsAsciiCompatible(std::string_view e) {
  if (e == "utf-8" || e == "utf8" || e == "us-ascii" || e == "ascii" || e == "cp866" ||
      e == "ibm866" || e == "koi8-r" || e == "koi8-u" || e == "latin1") {
    return true;
  }
  if (e.starts_with("iso-8859-") || e.starts_with("iso8859-") || e.starts_with("iso_8859-")) {
    return true;
  }
  const bool windows = e.starts_with("windows-125") && e.size() == 12;
  const bool cp = e.starts_with("cp125") && e.size() == 6;
  return (windows || cp) && e.back() >= '0' && e.back() <= '8';
}

}  // namespace

XmlLimitScanner::XmlLimitScanner(std::string name, const XmlLimits& limits, Clock::time_point start)
    : name_(std::move(name)), limits_(limits), deadline_at_(start + limits.deadline) {
  element_.reserve(kShownName + 8);
  scopes_.reserve(64);
}

Status XmlLimitScanner::CheckDeadline() const {
  if (limits_.deadline.count() <= 0 || Clock::now() < deadline_at_) return Status::Ok();
  return {StatusCode::kResourceExhausted, (name_.empty() ? std::string() : name_ + ": ") +
                                              "refused: parsing took longer than the limit of " +
                                              std::to_string(limits_.deadline.count()) + " ms"};
}

Status XmlLimitScanner::Feed(std::string_view chunk) {
  if (!status_.ok()) return status_;
  if (encoding_ == Encoding::kUnknown) {
    const std::size_t take = std::min(chunk.size(), 4 - head_.size());
    head_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (head_.size() < 4) return Status::Ok();
    auto bom = Detect(head_);
    if (!bom.ok()) return bom.status();
    const std::string head = std::move(head_);
    if (Status s = Route(std::string_view(head).substr(*bom)); !s.ok()) return s;
  }
  return Route(chunk);
}

Status XmlLimitScanner::Finish() {
  if (!status_.ok()) return status_;
  if (encoding_ == Encoding::kUnknown) {  // shorter than four bytes
    auto bom = Detect(head_);
    if (!bom.ok()) return bom.status();
    const std::string head = std::move(head_);
    if (Status s = Route(std::string_view(head).substr(*bom)); !s.ok()) return s;
  }
  // An unfinished tag, comment or section is the parser's error to report, not the scanner's.
  status_ = CheckDeadline();
  return status_;
}

Result<std::size_t> XmlLimitScanner::Detect(std::string_view head) {
  const auto b = [&](std::size_t i) {
    return i < head.size() ? static_cast<int>(static_cast<unsigned char>(head[i])) : -1;
  };
  const auto is = [&](int b0, int b1, int b2, int b3) {
    return b(0) == b0 && b(1) == b1 && b(2) == b2 && b(3) == b3;
  };
  // As libxml2 tells them (xmlDetectCharEncoding).
  encoding_ = Encoding::kBytes;
  if (b(0) == 0xFF && b(1) == 0xFE) {
    encoding_ = Encoding::kUtf16Le;
  } else if (b(0) == 0xFE && b(1) == 0xFF) {
    encoding_ = Encoding::kUtf16Be;
  } else if (is(0x3C, 0, 0x3F, 0)) {
    encoding_ = Encoding::kUtf16Le;
  } else if (is(0, 0x3C, 0, 0x3F)) {
    encoding_ = Encoding::kUtf16Be;
  } else if (is(0, 0, 0, 0x3C) || is(0x3C, 0, 0, 0) || is(0, 0, 0x3C, 0) || is(0, 0x3C, 0, 0)) {
    return Fail("UCS-4 (UTF-32) encoded XML is not accepted");
  } else if (is(0x4C, 0x6F, 0xA7, 0x94)) {
    return Fail("EBCDIC encoded XML is not accepted");
  } else if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
    return std::size_t{3};
  }
  return std::size_t{0};
}

Status XmlLimitScanner::Route(std::string_view chunk) {
  while (!chunk.empty()) {
    const std::string_view slice = chunk.substr(0, kSlice);
    chunk.remove_prefix(slice.size());
    Status s;
    if (encoding_ == Encoding::kBytes) {
      s = Scan(slice);
    } else {
      Transcode(slice);
      s = Scan(wide_);
    }
    if (!s.ok()) return s;
    since_deadline_check_ += slice.size();
    if (since_deadline_check_ >= kSlice) {
      since_deadline_check_ = 0;
      status_ = CheckDeadline();
      if (!status_.ok()) return status_;
    }
  }
  return Status::Ok();
}

// UTF-16 code units become ASCII where they are ASCII, and otherwise as many placeholder bytes
// (0x80) as their UTF-8 form would take, so that names keep their length in bytes.
void XmlLimitScanner::Transcode(std::string_view chunk) {
  wide_.clear();
  wide_.reserve(chunk.size() / 2 + 4);
  const bool little = encoding_ == Encoding::kUtf16Le;
  const auto put = [&](unsigned first, unsigned second) {
    const unsigned unit = little ? (first | second << 8) : (first << 8 | second);
    if (first_unit_) {
      first_unit_ = false;
      if (unit == 0xFEFF) return;  // the byte-order mark
    }
    if (unit < 0x80) {
      wide_.push_back(static_cast<char>(unit));
    } else if (unit < 0x800 || (unit >= 0xD800 && unit < 0xE000)) {
      wide_.append(2, '\x80');
    } else {
      wide_.append(3, '\x80');
    }
  };
  std::size_t i = 0;
  if (pending_byte_ >= 0 && !chunk.empty()) {
    put(static_cast<unsigned>(pending_byte_), static_cast<unsigned char>(chunk[0]));
    pending_byte_ = -1;
    i = 1;
  }
  for (; i + 1 < chunk.size(); i += 2) {
    put(static_cast<unsigned char>(chunk[i]), static_cast<unsigned char>(chunk[i + 1]));
  }
  if (i < chunk.size()) pending_byte_ = static_cast<unsigned char>(chunk[i]);
}

bool XmlLimitScanner::FindEnd(const char*& p, const char* end, std::string_view terminator) {
  const std::size_t last = terminator.size() - 1;
  while (p < end) {
    if (matched_ == 0) {
      const void* at = std::memchr(p, terminator[0], static_cast<std::size_t>(end - p));
      if (at == nullptr) {
        p = end;
        return false;
      }
      p = static_cast<const char*>(at);
    }
    const char c = *p++;
    if (matched_ == last && c == terminator[last]) {
      matched_ = 0;
      return true;
    }
    if (c == terminator[0]) {
      matched_ = std::min(matched_ + 1, last);
    } else {
      matched_ = 0;
    }
  }
  return false;
}

void XmlLimitScanner::Open() {
  ++depth_;
  scopes_.push_back(static_cast<std::uint32_t>(namespaces_here_));
  namespaces_ += namespaces_here_;
}

void XmlLimitScanner::Close() {
  if (depth_ == 0) return;  // an end tag too many: the parser's error
  --depth_;
  namespaces_ -= scopes_.back();
  scopes_.pop_back();
}

std::uint64_t XmlLimitScanner::TagLine() const {
  return tag_begin_ != nullptr ? line_ + CountLines(chunk_begin_, tag_begin_) : tag_line_;
}

Status XmlLimitScanner::Fail(std::string what) {
  const std::string line = std::to_string(TagLine());
  status_ = InvalidArgument((name_.empty() ? "line " + line : name_ + ":" + line) + ": " + what);
  return status_;
}

Status XmlLimitScanner::CheckDeclaration() {
  const std::string_view d = declaration_;
  if (!IsXmlDeclaration(d)) return Status::Ok();
  char quote = 0;
  for (std::size_t i = 3; i < d.size(); ++i) {
    const char c = d[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (!IsSpace(d[i - 1]) || d.substr(i, 8) != "encoding") continue;
    std::size_t j = i + 8;
    while (j < d.size() && IsSpace(d[j])) ++j;
    if (j >= d.size() || d[j] != '=') return Status::Ok();  // malformed: the parser says so
    ++j;
    while (j < d.size() && IsSpace(d[j])) ++j;
    if (j >= d.size() || (d[j] != '"' && d[j] != '\'')) return Status::Ok();
    const std::size_t close = d.find(d[j], j + 1);
    if (close == std::string_view::npos) return Status::Ok();
    const std::string_view declared = d.substr(j + 1, close - j - 1);
    const std::string e = AsciiLower(declared);
    if (encoding_ == Encoding::kBytes) {
      // A document labelled UTF-16 in single bytes is read as UTF-8 and refused by libxml2.
      if (IsAsciiCompatible(e) || IsUtf16Name(e)) return Status::Ok();
      return Fail("the encoding \"" + std::string(declared) +
                  "\" is not accepted (UTF-8, UTF-16, windows-1251, KOI8-R, ISO-8859-x are)");
    }
    if (IsUtf16Name(e)) return Status::Ok();
    return Fail("the document is UTF-16 but declares the encoding \"" + std::string(declared) +
                "\"");
  }
  return Status::Ok();
}

Status XmlLimitScanner::Scan(std::string_view chunk) {
  const char* p = chunk.data();
  const char* const end = p + chunk.size();
  chunk_begin_ = p;
  tag_begin_ = nullptr;
  const std::size_t max_name = limits_.max_name_bytes;
  while (p < end) {
    switch (state_) {
      case State::kContent: {
        const void* lt = std::memchr(p, '<', static_cast<std::size_t>(end - p));
        if (lt == nullptr) {
          at_start_ = false;
          p = end;
          break;
        }
        if (lt != p) at_start_ = false;
        tag_begin_ = static_cast<const char*>(lt);
        p = tag_begin_ + 1;
        state_ = State::kMarkup;
        break;
      }
      case State::kMarkup: {
        const char c = *p;
        const bool first = at_start_;
        at_start_ = false;
        if (c == '/') {
          ++p;
          name_bytes_ = 0;
          state_ = State::kEndName;
        } else if (c == '?') {
          ++p;
          matched_ = 0;
          capture_ = first;  // an XML declaration only counts at the very start
          declaration_.clear();
          state_ = State::kPi;
        } else if (c == '!') {
          ++p;
          bang_.clear();
          state_ = State::kBang;
        } else {
          name_bytes_ = 0;
          attributes_ = 0;
          namespaces_here_ = 0;
          element_.clear();
          state_ = State::kStartName;
        }
        break;
      }
      case State::kStartName: {
        const char* q = p;
        while (q < end && !IsNameEnd(*q)) ++q;
        const std::size_t n = static_cast<std::size_t>(q - p);
        if (element_.size() < kShownName) {
          element_.append(p, std::min(n, kShownName - element_.size()));
        }
        name_bytes_ += n;
        if (name_bytes_ > max_name) {
          return Fail("element <" + element_ + "…> has a name longer than " +
                      std::to_string(max_name) + " bytes");
        }
        p = q;
        if (q == end) break;
        if (name_bytes_ == 0) {  // "< " or "<>": not a tag; the parser's error
          state_ = State::kContent;
          break;
        }
        if (name_bytes_ > element_.size()) element_ += "…";
        if (depth_ >= limits_.max_depth) {
          return Fail("element <" + element_ + "> is nested deeper than " +
                      std::to_string(limits_.max_depth) + " levels");
        }
        state_ = State::kInTag;
        break;
      }
      case State::kInTag: {
        while (p < end && IsSpace(*p)) ++p;
        if (p == end) break;
        const char c = *p;
        if (c == '>') {
          ++p;
          Open();
          state_ = State::kContent;
        } else if (c == '/') {
          ++p;
          state_ = State::kSlash;
        } else if (IsNameEnd(c)) {
          ++p;  // '=', '<' or a quote out of place: the parser's error
        } else {
          if (++attributes_ > limits_.max_attributes) {
            return Fail("element <" + element_ + "> has more than " +
                        std::to_string(limits_.max_attributes) + " attributes");
          }
          name_bytes_ = 0;
          state_ = State::kAttrName;
        }
        break;
      }
      case State::kAttrName: {
        const char* q = p;
        while (q < end && !IsNameEnd(*q)) ++q;
        for (const char* h = p;
             h < q && name_bytes_ + static_cast<std::size_t>(h - p) < sizeof attribute_head_; ++h) {
          attribute_head_[name_bytes_ + static_cast<std::size_t>(h - p)] = *h;
        }
        name_bytes_ += static_cast<std::size_t>(q - p);
        if (name_bytes_ > max_name) {
          return Fail("element <" + element_ + "> has an attribute name longer than " +
                      std::to_string(max_name) + " bytes");
        }
        p = q;
        if (q == end) break;
        // "xmlns" and "xmlns:p" declare a namespace.
        if (name_bytes_ >= 5 && std::memcmp(attribute_head_, "xmlns", 5) == 0 &&
            (name_bytes_ == 5 || attribute_head_[5] == ':')) {
          ++namespaces_here_;
          if (namespaces_ + namespaces_here_ > limits_.max_namespaces) {
            return Fail("element <" + element_ + "> brings more than " +
                        std::to_string(limits_.max_namespaces) +
                        " namespace declarations into scope");
          }
        }
        // The usual name="value" within this chunk goes straight through (tag-dense parts such as
        // XLSX sheets are mostly that); anything else takes the states one by one.
        if (end - q > 2 && q[0] == '=' && (q[1] == '"' || q[1] == '\'')) {
          const void* close = std::memchr(q + 2, q[1], static_cast<std::size_t>(end - q - 2));
          if (close != nullptr) {
            p = static_cast<const char*>(close) + 1;
            state_ = State::kInTag;
            break;
          }
        }
        state_ = State::kAfterAttrName;
        break;
      }
      case State::kAfterAttrName: {
        const char c = *p;
        if (IsSpace(c)) {
          ++p;
        } else if (c == '=') {
          ++p;
          state_ = State::kBeforeValue;
        } else {
          state_ = State::kInTag;  // an attribute without a value: the parser's error
        }
        break;
      }
      case State::kBeforeValue: {
        const char c = *p;
        if (IsSpace(c)) {
          ++p;
        } else if (c == '"' || c == '\'') {
          ++p;
          quote_ = c;
          state_ = State::kValue;
        } else {
          state_ = State::kInTag;
        }
        break;
      }
      case State::kValue: {
        const void* q = std::memchr(p, quote_, static_cast<std::size_t>(end - p));
        if (q == nullptr) {
          p = end;
        } else {
          p = static_cast<const char*>(q) + 1;
          state_ = State::kInTag;
        }
        break;
      }
      case State::kSlash:
        if (*p == '>') {  // an empty element: nothing stays open
          ++p;
          state_ = State::kContent;
        } else {
          state_ = State::kInTag;
        }
        break;
      case State::kEndName: {
        const char* q = p;
        while (q < end && !IsNameEnd(*q)) ++q;
        name_bytes_ += static_cast<std::size_t>(q - p);
        if (name_bytes_ > max_name) {
          return Fail("an end tag has a name longer than " + std::to_string(max_name) + " bytes");
        }
        p = q;
        if (q != end) state_ = State::kEndTag;
        break;
      }
      case State::kEndTag: {
        const void* q = std::memchr(p, '>', static_cast<std::size_t>(end - p));
        if (q == nullptr) {
          p = end;
        } else {
          p = static_cast<const char*>(q) + 1;
          Close();
          state_ = State::kContent;
        }
        break;
      }
      case State::kPi: {
        const char* from = p;
        const bool done = FindEnd(p, end, "?>");
        if (capture_) {
          const std::size_t n = static_cast<std::size_t>(p - from);
          const std::size_t room = kMaxDeclaration - declaration_.size();
          declaration_.append(from, std::min(n, room));
          if (n > room) {
            capture_ = false;
            if (IsXmlDeclaration(declaration_)) {
              return Fail("the XML declaration is longer than " + std::to_string(kMaxDeclaration) +
                          " bytes");
            }
          }
        }
        if (done) {
          state_ = State::kContent;
          if (capture_) {
            capture_ = false;
            if (Status s = CheckDeclaration(); !s.ok()) return s;
          }
        }
        break;
      }
      case State::kBang: {
        const char c = *p++;
        bang_.push_back(c);
        const auto opens = [&](std::string_view what) { return what.starts_with(bang_); };
        if (bang_ == "--") {
          matched_ = 0;
          state_ = State::kComment;
        } else if (bang_ == "[CDATA[") {
          matched_ = 0;
          state_ = State::kCdata;
        } else if (bang_ == "DOCTYPE") {
          saw_doctype_ = true;
          if (!limits_.allow_doctype) return Fail("a DOCTYPE (DTD, entities) is not accepted");
          quote_ = 0;
          state_ = State::kDoctype;
        } else if (!opens("--") && !opens("[CDATA[") && !opens("DOCTYPE")) {
          state_ = c == '>' ? State::kContent : State::kDeclaration;
        }
        break;
      }
      case State::kComment:
        if (FindEnd(p, end, "-->")) state_ = State::kContent;
        break;
      case State::kCdata:
        if (FindEnd(p, end, "]]>")) state_ = State::kContent;
        break;
      case State::kDoctype: {
        const char c = *p++;
        if (quote_ != 0) {
          if (c == quote_) quote_ = 0;
        } else if (c == '"' || c == '\'') {
          quote_ = c;
        } else if (c == '[') {
          return Fail(
              "a DOCTYPE with an internal subset (entities, attribute defaults) is not accepted");
        } else if (c == '>') {
          state_ = State::kContent;
        }
        break;
      }
      case State::kDeclaration: {
        const void* q = std::memchr(p, '>', static_cast<std::size_t>(end - p));
        if (q == nullptr) {
          p = end;
        } else {
          p = static_cast<const char*>(q) + 1;
          state_ = State::kContent;
        }
        break;
      }
    }
  }
  // A tag that goes on in the next chunk: its line is counted while this chunk is at hand.
  if (state_ != State::kContent && tag_begin_ != nullptr) {
    tag_line_ = line_ + CountLines(chunk_begin_, tag_begin_);
  }
  line_ += CountLines(chunk_begin_, end);
  tag_begin_ = nullptr;
  return Status::Ok();
}

Status CheckXmlLimits(std::string_view xml, std::string name, const XmlLimits& limits) {
  XmlLimitScanner scanner(std::move(name), limits);
  Status s = scanner.Feed(xml);
  if (s.ok()) s = scanner.Finish();
  return s;
}

}  // namespace estimate::core
