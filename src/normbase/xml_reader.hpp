#pragma once
// A thin RAII wrapper over libxml2's streaming reader (xmlTextReader) for the importers: one pass
// front to back over elements, their attributes and text, without ever building the document
// tree, so memory stays constant however large the file is.
//
// Views (names, attribute values, text) point into the reader's current node and stay valid only
// until the next call that moves the reader (Next, Children, Skip, Text).
//
// Every chunk the read callback delivers is checked against core::XmlLimits (attributes per
// element, depth, name lengths, namespaces in scope, the deadline) before libxml2 sees it, so a
// document that would make libxml2 slow stops at the offending tag while memory and speed stay
// those of the streaming parse.
//
// Errors — malformed XML, wrong encoding, truncation, a failing read callback, a limit exceeded —
// stop the reader and are kept in status() as "file:line: message". Line numbers are exact below
// line 65,535 (the node's own line) and, past it, the parser's line (libxml2 keeps 16-bit line
// numbers on element nodes), which may run a few lines ahead of the node.
//
// libxml2 headers stay in xml_reader.cpp. Thread-safety: one reader per thread; readers on
// different threads are independent.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/xml_limits.hpp"

namespace estimate::normbase {

class XmlReader {
 public:
  // Fills `buffer` with up to `size` bytes; returns the count, 0 at the end, -1 on an I/O error
  // (then `error` says what failed).
  using ReadFn = std::function<long(char* buffer, std::size_t size, std::string& error)>;

  enum class Node { kStart, kEnd, kText };

  struct Attribute {
    std::string_view name;  // local name
    std::string_view value;
  };

  // `name` is what errors print as the file ("ГЭСНп.xml", "base.zip!/ГЭСН.xml"). The deadline of
  // `limits` counts from here.
  static std::unique_ptr<XmlReader> Open(std::string name, ReadFn read,
                                         const core::XmlLimits& limits = {});
  // Reads a document held in memory; `bytes` must outlive the reader.
  static std::unique_ptr<XmlReader> OpenMemory(std::string name, std::string_view bytes,
                                               const core::XmlLimits& limits = {});

  ~XmlReader();
  XmlReader(const XmlReader&) = delete;
  XmlReader& operator=(const XmlReader&) = delete;

  // Moves to the next element start, element end or text node (comments, processing
  // instructions and ignorable whitespace are passed over). False at the end of the document or
  // on an error; status() tells which.
  bool Next();

  Node node() const { return node_; }
  bool IsStart() const { return node_ == Node::kStart; }
  // The element's local name (for kStart and kEnd).
  std::string_view name() const;
  int depth() const { return depth_; }
  // <x/>: no kEnd node follows this start.
  bool IsEmpty() const { return empty_; }
  // The text of a kText node.
  std::string_view text() const;

  // Attributes of the current start element, in document order.
  const std::vector<Attribute>& attributes();
  // The attribute's value, or nullptr-like absent: `found` is false when there is no such
  // attribute.
  std::string_view Attr(std::string_view name, bool* found = nullptr);
  bool HasAttr(std::string_view name) {
    bool found = false;
    Attr(name, &found);
    return found;
  }

  // For each child element of the current start element calls fn(child_name) -> Status, with the
  // reader on the child's start. fn either leaves the reader there (the child is then skipped) or
  // consumes the child through its end (with Children, Skip or Text). Text directly inside the
  // element is ignored. Returns the first error of fn or of the document; on success the reader
  // is on the element's end (or still on its start if it was empty).
  template <typename Fn>
  Status Children(Fn&& fn);

  // Skips the current start element with everything inside it.
  Status Skip();

  // The text content of the current start element (child elements are an error), reading through
  // its end. The view is valid until the next move.
  Result<std::string_view> Text();

  const std::string& file() const { return file_; }
  int line() const;
  // "file:line".
  std::string Where() const;
  // An InvalidArgument status "file:line: message" at the current node.
  Status ErrorHere(std::string_view message) const;
  // The error that stopped the reader, if any.
  const Status& status() const { return status_; }
  // Bytes of input the parser has consumed so far.
  std::uint64_t BytesConsumed() const;

 private:
  struct Impl;
  XmlReader(std::string name, std::unique_ptr<Impl> impl);
  void OnError(int line, std::string message);
  static std::string Describe(std::string message);
  friend struct Impl;

  std::string file_;
  std::unique_ptr<Impl> impl_;
  Status status_;
  Node node_ = Node::kText;
  int depth_ = 0;
  bool empty_ = false;
  bool attrs_ready_ = false;
  std::uint64_t moves_ = 0;  // counts moves, so Children can tell whether fn consumed the child
  std::vector<Attribute> attrs_;
  std::deque<std::string> attr_scratch_;  // values libxml2 keeps in pieces (entity references)
  std::string text_;
};

template <typename Fn>
Status XmlReader::Children(Fn&& fn) {
  if (!IsStart()) return ErrorHere("internal: Children() called off an element start");
  if (empty_) return Status::Ok();
  const int depth = depth_;
  while (Next()) {
    if (node_ == Node::kEnd && depth_ == depth) return Status::Ok();
    if (node_ != Node::kStart) continue;
    const std::uint64_t before = moves_;
    Status s = fn(name());
    if (!s.ok()) return s;
    if (moves_ == before && !empty_) {
      s = Skip();
      if (!s.ok()) return s;
    }
  }
  if (!status_.ok()) return status_;
  return ErrorHere("the document ends inside an element");
}

}  // namespace estimate::normbase
