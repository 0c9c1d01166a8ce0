#include "normbase/xml_reader.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <climits>
#include <cstring>

namespace estimate::normbase {

namespace {

// Node types of xmlTextReaderNodeType (XML_READER_TYPE_*).
constexpr int kElement = 1;
constexpr int kTextNode = 3;
constexpr int kCdata = 4;
constexpr int kEndElement = 15;

std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// NOBLANKS drops the indentation between elements before it becomes a node; NONET forbids network
// fetches of DTDs; COMPACT stores short texts inline; BIG_LINES keeps line numbers of text nodes
// past 65,535.
constexpr int kParseOptions = XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_COMPACT |
                              XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

}  // namespace

struct XmlReader::Impl {
  Impl(const std::string& name, const core::XmlLimits& limits) : scanner(name, limits) {}

  xmlTextReaderPtr reader = nullptr;
  ReadFn read;
  std::string read_error;
  // Sees every byte before libxml2 does; its failure ("file:line: …") is the reader's status.
  core::XmlLimitScanner scanner;
  Status limit_status;
  XmlReader* owner = nullptr;

  ~Impl() {
    if (reader != nullptr) xmlFreeTextReader(reader);
  }

  static int Read(void* context, char* buffer, int len) {
    auto* impl = static_cast<Impl*>(context);
    if (!impl->limit_status.ok()) return -1;
    long n = impl->read(buffer, static_cast<std::size_t>(len), impl->read_error);
    if (n < 0) {
      if (impl->read_error.empty()) impl->read_error = "read error";
      return -1;
    }
    impl->limit_status =
        n > 0 ? impl->scanner.Feed(std::string_view(buffer, static_cast<std::size_t>(n)))
              : impl->scanner.Finish();
    if (!impl->limit_status.ok()) {
      impl->read_error = impl->limit_status.message();
      return -1;
    }
    return static_cast<int>(n);
  }
  static int Close(void*) { return 0; }

  static void OnStructuredError(void* context, xmlErrorPtr error) {
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    auto* impl = static_cast<Impl*>(context);
    impl->owner->OnError(error->line, error->message == nullptr ? "" : error->message);
  }
};

XmlReader::XmlReader(std::string name, std::unique_ptr<Impl> impl)
    : file_(std::move(name)), impl_(std::move(impl)) {
  impl_->owner = this;
  attrs_.reserve(16);
}

XmlReader::~XmlReader() = default;

std::unique_ptr<XmlReader> XmlReader::Open(std::string name, ReadFn read,
                                           const core::XmlLimits& limits) {
  auto impl = std::make_unique<Impl>(name, limits);
  impl->read = std::move(read);
  Impl* raw = impl.get();
  std::unique_ptr<XmlReader> reader(new XmlReader(std::move(name), std::move(impl)));
  raw->reader = xmlReaderForIO(&Impl::Read, &Impl::Close, raw, nullptr, nullptr, kParseOptions);
  if (raw->reader == nullptr) {
    reader->status_ = !raw->limit_status.ok()
                          ? raw->limit_status
                          : Internal(reader->file_ + ": cannot create an XML reader");
  } else {
    xmlTextReaderSetStructuredErrorHandler(raw->reader, &Impl::OnStructuredError, raw);
  }
  return reader;
}

std::unique_ptr<XmlReader> XmlReader::OpenMemory(std::string name, std::string_view bytes,
                                                 const core::XmlLimits& limits) {
  std::size_t offset = 0;
  return Open(
      std::move(name),
      [bytes, offset](char* buffer, std::size_t size, std::string&) mutable -> long {
        std::size_t n = std::min(size, bytes.size() - offset);
        std::memcpy(buffer, bytes.data() + offset, n);
        offset += n;
        return static_cast<long>(n);
      },
      limits);
}

std::string XmlReader::Describe(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  // libxml2's wording for cp1251 (or any non-UTF-8) bytes in a file that declares UTF-8.
  if (message.find("not proper UTF-8") != std::string::npos) {
    return "the file is not valid UTF-8 although it declares UTF-8 (a cp1251 file?): " + message;
  }
  return "malformed XML: " + message;
}

void XmlReader::OnError(int line, std::string message) {
  if (!status_.ok()) return;  // the first error is the cause; the rest follow from it
  if (!impl_->limit_status.ok()) {
    status_ = impl_->limit_status;
    return;
  }
  if (!impl_->read_error.empty()) {
    status_ = InvalidArgument(file_ + ": " + impl_->read_error);
    return;
  }
  status_ = InvalidArgument(file_ + ":" + std::to_string(line) + ": " + Describe(message));
}

bool XmlReader::Next() {
  if (!status_.ok() || impl_->reader == nullptr) return false;
  ++moves_;
  attrs_ready_ = false;
  attr_scratch_.clear();
  for (;;) {
    const int rc = xmlTextReaderRead(impl_->reader);
    if (rc != 1) {
      if (rc < 0 && status_.ok() && !impl_->limit_status.ok()) {
        status_ = impl_->limit_status;
      } else if (rc < 0 && status_.ok()) {
        status_ = InvalidArgument(
            file_ + ":" + std::to_string(xmlTextReaderGetParserLineNumber(impl_->reader)) + ": " +
            (impl_->read_error.empty() ? std::string("malformed XML") : impl_->read_error));
      }
      return false;
    }
    if (!status_.ok()) return false;  // a recoverable parser error still fails the file
    switch (xmlTextReaderNodeType(impl_->reader)) {
      case kElement:
        node_ = Node::kStart;
        depth_ = xmlTextReaderDepth(impl_->reader);
        empty_ = xmlTextReaderIsEmptyElement(impl_->reader) == 1;
        return true;
      case kEndElement:
        node_ = Node::kEnd;
        depth_ = xmlTextReaderDepth(impl_->reader);
        empty_ = false;
        return true;
      case kTextNode:
      case kCdata:
        node_ = Node::kText;
        depth_ = xmlTextReaderDepth(impl_->reader);
        empty_ = false;
        return true;
      default:
        break;  // whitespace, comments, processing instructions, DOCTYPE
    }
  }
}

std::string_view XmlReader::name() const {
  return View(xmlTextReaderConstLocalName(impl_->reader));
}

std::string_view XmlReader::text() const { return View(xmlTextReaderConstValue(impl_->reader)); }

const std::vector<XmlReader::Attribute>& XmlReader::attributes() {
  if (attrs_ready_) return attrs_;
  attrs_ready_ = true;
  attrs_.clear();
  if (node_ != Node::kStart) return attrs_;
  // Walking the node's properties directly costs no allocation: a value that is one text node is
  // used in place; only values split by entity references are joined into scratch storage.
  xmlNodePtr node = xmlTextReaderCurrentNode(impl_->reader);
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return attrs_;
  for (xmlAttrPtr a = node->properties; a != nullptr; a = a->next) {
    std::string_view value;
    xmlNodePtr child = a->children;
    if (child == nullptr) {
      value = {};
    } else if (child->next == nullptr && child->type == XML_TEXT_NODE) {
      value = View(child->content);
    } else {
      xmlChar* joined = xmlNodeListGetString(node->doc, child, 1);
      attr_scratch_.emplace_back(View(joined));
      xmlFree(joined);
      value = attr_scratch_.back();
    }
    attrs_.push_back({View(a->name), value});
  }
  return attrs_;
}

std::string_view XmlReader::Attr(std::string_view name, bool* found) {
  for (const Attribute& a : attributes()) {
    if (a.name == name) {
      if (found != nullptr) *found = true;
      return a.value;
    }
  }
  if (found != nullptr) *found = false;
  return {};
}

Status XmlReader::Skip() {
  if (!IsStart()) return ErrorHere("internal: Skip() called off an element start");
  if (empty_) return Status::Ok();
  const int depth = depth_;
  while (Next()) {
    if (node_ == Node::kEnd && depth_ == depth) return Status::Ok();
  }
  if (!status_.ok()) return status_;
  return ErrorHere("the document ends inside an element");
}

Result<std::string_view> XmlReader::Text() {
  if (!IsStart()) return ErrorHere("internal: Text() called off an element start");
  text_.clear();
  if (empty_) return std::string_view(text_);
  const int depth = depth_;
  while (Next()) {
    if (node_ == Node::kEnd && depth_ == depth) return std::string_view(text_);
    if (node_ == Node::kText) {
      text_.append(text());
    } else if (node_ == Node::kStart) {
      return ErrorHere("unexpected element <" + std::string(name()) + "> inside a text element");
    }
  }
  if (!status_.ok()) return status_;
  return ErrorHere("the document ends inside an element");
}

int XmlReader::line() const {
  if (impl_->reader == nullptr) return 0;
  xmlNodePtr node = xmlTextReaderCurrentNode(impl_->reader);
  if (node != nullptr && node->line > 0 && node->line < USHRT_MAX) return node->line;
  if (node != nullptr && node->type == XML_TEXT_NODE && node->psvi != nullptr) {
    return static_cast<int>(reinterpret_cast<std::ptrdiff_t>(node->psvi));
  }
  return xmlTextReaderGetParserLineNumber(impl_->reader);
}

std::string XmlReader::Where() const { return file_ + ":" + std::to_string(line()); }

Status XmlReader::ErrorHere(std::string_view message) const {
  return InvalidArgument(Where() + ": " + std::string(message));
}

std::uint64_t XmlReader::BytesConsumed() const {
  if (impl_->reader == nullptr) return 0;
  long n = xmlTextReaderByteConsumed(impl_->reader);
  return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

}  // namespace estimate::normbase
