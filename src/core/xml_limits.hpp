#pragma once
// Bounds on untrusted XML, checked on the bytes before (or while) libxml2 parses them.
//
// libxml2 2.9 spends time that grows with the square of some counts inside one element: it checks
// each attribute against all earlier ones (300,000 attributes on one element: 439 s), and it looks
// namespace prefixes up through every declaration in scope. Its own limits (depth 256, names of
// 50,000 bytes) do not cover these. XmlLimitScanner is a linear pass that refuses such a document
// before the parser sees it; a deadline bounds the scan and the parse that follows together.
//
// The scanner understands comments, CDATA sections, processing instructions, the DOCTYPE, and
// attribute values in either quote ('>' inside a value ends nothing). It keeps its state across
// chunks, so a tag may be split anywhere. Well-formedness is not its business: it never refuses
// what it cannot make sense of and leaves those errors to the parser, whose messages are better.
//
// Encodings: UTF-16 (by its byte-order mark or as libxml2 recognises it) is scanned through a
// transcoding of its code units; every other document must be ASCII-compatible (UTF-8,
// windows-1251, KOI8-R, ISO-8859-x …). A declared encoding outside that set (UTF-7, UTF-32,
// EBCDIC …) is refused: libxml2 would decode it and see markup the scanner cannot.
//
// Standard library only. Thread-safety: a scanner belongs to one parse on one thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace estimate::core {

struct XmlLimits {
  // Attributes of one start tag, namespace declarations included. The real files (ГГЭ, ФСНБ,
  // XLSX parts) have at most 15; libxml2 parses 256 in well under a millisecond.
  std::size_t max_attributes = 256;
  // Elements open at once (libxml2's own default is 256 as well; real files go to 22).
  std::size_t max_depth = 256;
  // An element or attribute name with its prefix (real: at most 30).
  std::size_t max_name_bytes = 1024;
  // Namespace declarations in scope at once (an XLSX sheet declares about ten on its root).
  std::size_t max_namespaces = 128;
  // The scan and the parse after it together; zero: no deadline. Untrusted input gets one by
  // default; the command-line import of the whole normative base turns it off.
  std::chrono::milliseconds deadline{15000};
  // A DOCTYPE naming an external DTD (never loaded: no network, no DTD loading) is let through
  // when true. An internal subset ([…]) is refused always: its entities and attribute defaults
  // make libxml2 do work that nothing in the bytes of the document bounds.
  bool allow_doctype = false;
};

class XmlLimitScanner {
 public:
  using Clock = std::chrono::steady_clock;

  // `name` starts every message as "name:line: …" (empty: "line N: …"). The deadline counts from
  // `start`, so that several parts of one upload can share one.
  XmlLimitScanner(std::string name, const XmlLimits& limits,
                  Clock::time_point start = Clock::now());

  // Scans the next bytes of the document. The first failure sticks: InvalidArgument naming the
  // line of the offending tag and the limit, or ResourceExhausted when the deadline has passed.
  Status Feed(std::string_view chunk);
  // The document has ended (a document shorter than four bytes is only looked at here).
  Status Finish();
  // ResourceExhausted once the deadline has passed, for the parser's loop after the scan.
  Status CheckDeadline() const;

  // A DOCTYPE was seen (with allow_doctype false, that is what stopped the scan): callers that
  // refuse every DOCTYPE say so in their own words.
  bool saw_doctype() const { return saw_doctype_; }

 private:
  enum class State : std::uint8_t {
    kContent,
    kMarkup,     // after '<'
    kStartName,  // the element name of a start tag
    kInTag,      // between attributes
    kAttrName,
    kAfterAttrName,
    kBeforeValue,  // after '='
    kValue,
    kSlash,  // '/' inside a start tag
    kEndName,
    kEndTag,
    kPi,    // <? … ?>
    kBang,  // after "<!", until it says what follows
    kComment,
    kCdata,
    kDoctype,
    kDeclaration,  // any other <! … >
  };
  enum class Encoding : std::uint8_t { kUnknown, kBytes, kUtf16Le, kUtf16Be };

  // Tells the encoding from the first bytes; returns how many of them are a UTF-8 byte-order mark.
  Result<std::size_t> Detect(std::string_view head);
  // Scans in slices, through the UTF-16 transcoding when needed, checking the deadline between.
  Status Route(std::string_view chunk);
  void Transcode(std::string_view chunk);
  Status Scan(std::string_view chunk);
  void Open();
  void Close();
  // Advances through a terminator ("-->", "]]>", "?>" — all of the form c…c>); true once found.
  bool FindEnd(const char*& p, const char* end, std::string_view terminator);
  Status CheckDeclaration();
  Status Fail(std::string what);
  std::uint64_t TagLine() const;

  std::string name_;
  XmlLimits limits_;
  Clock::time_point deadline_at_;
  Status status_;
  std::uint64_t since_deadline_check_ = 0;

  Encoding encoding_ = Encoding::kUnknown;
  std::string head_;        // the first bytes, until the encoding is known
  std::string wide_;        // a UTF-16 chunk as ASCII plus placeholder bytes
  int pending_byte_ = -1;   // half a UTF-16 code unit from the previous chunk
  bool first_unit_ = true;  // a UTF-16 byte-order mark is skipped

  // Lines: those before the current chunk, and the '<' of the tag being scanned.
  std::uint64_t line_ = 1;
  const char* chunk_begin_ = nullptr;
  const char* tag_begin_ = nullptr;  // in the current chunk; null: the tag began earlier
  std::uint64_t tag_line_ = 1;

  State state_ = State::kContent;
  bool at_start_ = true;  // nothing seen yet: an XML declaration may follow
  bool capture_ = false;  // collecting the XML declaration into declaration_
  bool saw_doctype_ = false;
  char quote_ = 0;
  std::size_t matched_ = 0;  // bytes of the terminator matched so far
  std::size_t name_bytes_ = 0;
  std::size_t attributes_ = 0;
  std::size_t depth_ = 0;
  std::size_t namespaces_here_ = 0;
  std::size_t namespaces_ = 0;         // in scope
  std::vector<std::uint32_t> scopes_;  // namespace declarations of each open element
  std::string element_;                // the element's name (its start), for messages
  char attribute_head_[6] = {};        // the first bytes of an attribute name: is it xmlns?
  std::string bang_;                   // what follows "<!" so far
  std::string declaration_;
};

// Feed + Finish over a whole document.
Status CheckXmlLimits(std::string_view xml, std::string name, const XmlLimits& limits = {});

}  // namespace estimate::core
