// The XML limit scanner (core/xml_limits.hpp): what it counts, what it must not be fooled by
// (comments, CDATA, processing instructions, quoted '>' and '<'), tags split across chunks at
// every position, encodings that would hide markup from a byte scan, and the deadline.
#include "core/xml_limits.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace estimate::core {
namespace {

namespace fs = std::filesystem;

std::string Attributes(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += " a" + std::to_string(i) + "=\"1\"";
  return out;
}

// Feeds `xml` in pieces of `piece` bytes (0: whole).
Status Scan(std::string_view xml, const XmlLimits& limits = {}, std::size_t piece = 0,
            std::string name = "x.xml") {
  XmlLimitScanner scanner(std::move(name), limits);
  if (piece == 0) piece = xml.size() + 1;
  for (std::size_t at = 0; at < xml.size(); at += piece) {
    Status s = scanner.Feed(xml.substr(at, piece));
    if (!s.ok()) return s;
  }
  return scanner.Finish();
}

std::string Utf16(std::string_view ascii, bool little, bool bom) {
  std::string out;
  if (bom) out = little ? "\xFF\xFE" : "\xFE\xFF";
  for (char c : ascii) {
    if (little) {
      out.push_back(c);
      out.push_back('\0');
    } else {
      out.push_back('\0');
      out.push_back(c);
    }
  }
  return out;
}

TEST(XmlLimits, RefusesAnElementWithTooManyAttributesNamingFileLineAndLimit) {
  const std::string ok = "<?xml version=\"1.0\"?>\n<Construction" + Attributes(256) + "/>";
  EXPECT_TRUE(Scan(ok).ok()) << Scan(ok).message();
  const std::string bomb = "<?xml version=\"1.0\"?>\n<Construction" + Attributes(300'000) + "/>";
  const Status s = Scan(bomb, {}, 0, "x.gge");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "x.gge:2: element <Construction> has more than 256 attributes");
  // Without a name the message starts with the line.
  EXPECT_EQ(Scan(bomb, {}, 0, "").message(),
            "line 2: element <Construction> has more than 256 attributes");
  XmlLimits three;
  three.max_attributes = 3;
  EXPECT_TRUE(Scan("<a x='1' y=\"2\" z='3'><b p='1'/></a>", three).ok());
  EXPECT_EQ(Scan("<a>\n<b w='0' x='1' y='2' z='3'/></a>", three).message(),
            "x.xml:2: element <b> has more than 3 attributes");
}

TEST(XmlLimits, MarkupInsideCommentsCdataValuesAndInstructionsIsNotCounted) {
  XmlLimits two;
  two.max_attributes = 2;
  two.max_depth = 2;
  const std::string doc =
      "<?xml version='1.0' encoding='utf-8'?>\n"
      "<?pi <x a='1' b='2' c='3'> ?>\n"
      "<!-- <x a='1' b='2' c='3'> -- - -> <y><y><y> -->\n"
      "<r a=\"x > y\" b='<c d=\"1\" e=\"2\" f=\"3\">'>\n"
      "  <![CDATA[<x a='1' b='2' c='3'><y><y><y> ]] ]>]]>\n"
      "  <e a='\"' b=\"'\">text &amp; more > text</e>\n"
      "</r>\n";
  const Status s = Scan(doc, two);
  EXPECT_TRUE(s.ok()) << s.message();
  // And the same after all of that still counts.
  const Status after = Scan(doc.substr(0, doc.size() - 5) + "<f a='1' b='2' c='3'/></r>", two);
  EXPECT_EQ(after.message(), "x.xml:7: element <f> has more than 2 attributes");
}

TEST(XmlLimits, ChunksSplitAtEveryPositionGiveTheSameVerdict) {
  XmlLimits two;
  two.max_attributes = 2;
  const std::string ok =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!-- a comment with <b c='1' d='2' e='3'> -->\n"
      "<root xmlns=\"urn:x\" a='1'>\n"
      "<item name=\"a > b\"><![CDATA[<x a='1' b='2' c='3'>]]></item>\n"
      "<?pi data?><item/>\n"
      "</root>\n";
  const std::string bad = ok.substr(0, ok.size() - 8) + "<last\n  p='1'\n  q='2' r='3'/></root>\n";
  ASSERT_TRUE(Scan(ok, two).ok()) << Scan(ok, two).message();
  const std::string expected = "x.xml:6: element <last> has more than 2 attributes";
  ASSERT_EQ(Scan(bad, two).message(), expected);
  for (std::size_t split = 0; split <= bad.size(); ++split) {
    for (const std::string* doc : {&ok, &bad}) {
      const std::size_t at = std::min(split, doc->size());
      XmlLimitScanner scanner("x.xml", two);
      Status s = scanner.Feed(std::string_view(*doc).substr(0, at));
      if (s.ok()) s = scanner.Feed(std::string_view(*doc).substr(at));
      if (s.ok()) s = scanner.Finish();
      if (doc == &ok) {
        EXPECT_TRUE(s.ok()) << "split at " << split << ": " << s.message();
      } else {
        EXPECT_EQ(s.message(), expected) << "split at " << split;
      }
    }
  }
  // One byte at a time.
  EXPECT_TRUE(Scan(ok, two, 1).ok());
  EXPECT_EQ(Scan(bad, two, 1).message(), expected);
}

TEST(XmlLimits, RefusesDeepNestingButNotLongSequences) {
  std::string deep;
  for (int i = 0; i < 256; ++i) deep += "<e>";
  for (int i = 0; i < 256; ++i) deep += "</e>";
  EXPECT_TRUE(Scan(deep).ok());
  // Siblings and empty elements do not add up.
  std::string wide = "<r>";
  for (int i = 0; i < 10'000; ++i) wide += "<e><f/></e><g/>";
  EXPECT_TRUE(Scan(wide + "</r>").ok());
  const Status s = Scan("<x>\n" + deep);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "x.xml:2: element <e> is nested deeper than 256 levels");
  XmlLimits shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(Scan("<a><b/><b></b><b>t</b></a>", shallow).ok());
  EXPECT_EQ(Scan("<a><b><c/></b></a>", shallow).message(),
            "x.xml:1: element <c> is nested deeper than 2 levels");
}

TEST(XmlLimits, RefusesLongNames) {
  const std::string name(1025, 'n');
  EXPECT_TRUE(Scan("<" + name.substr(1) + "/>").ok());
  EXPECT_NE(Scan("<" + name + "/>").message().find("has a name longer than 1024 bytes"),
            std::string::npos);
  EXPECT_EQ(Scan("<a " + name + "='1'/>").message(),
            "x.xml:1: element <a> has an attribute name longer than 1024 bytes");
  // Split in the middle of the name, too.
  EXPECT_EQ(Scan("<a " + name + "='1'/>", {}, 100).message(),
            "x.xml:1: element <a> has an attribute name longer than 1024 bytes");
}

TEST(XmlLimits, CountsNamespaceDeclarationsInScope) {
  XmlLimits two;
  two.max_namespaces = 2;
  EXPECT_TRUE(
      Scan("<a xmlns='u' xmlns:p='v'><b/><c xmlnsx='1' xmlns-y='2'/></a><a xmlns:q='w'/>", two)
          .ok());
  EXPECT_TRUE(Scan("<r><a xmlns:p='u' xmlns:q='v'/><a xmlns:r='w' xmlns:s='x'/></r>", two).ok());
  EXPECT_EQ(Scan("<a xmlns='u' xmlns:p='v'><b xmlns:q='w'/></a>", two).message(),
            "x.xml:1: element <b> brings more than 2 namespace declarations into scope");
}

TEST(XmlLimits, RefusesADoctypeUnlessAllowedAndAnInternalSubsetAlways) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
  XmlLimitScanner scanner("x.xml", {});
  const Status s = scanner.Feed(xxe);
  EXPECT_TRUE(scanner.saw_doctype());
  EXPECT_EQ(s.message(), "x.xml:2: a DOCTYPE (DTD, entities) is not accepted");

  XmlLimits allow;
  allow.allow_doctype = true;
  EXPECT_TRUE(Scan("<!DOCTYPE r SYSTEM \"r[1].dtd\"><r/>", allow).ok());
  EXPECT_EQ(Scan(xxe, allow).message(),
            "x.xml:2: a DOCTYPE with an internal subset (entities, attribute defaults) is not "
            "accepted");
  // Attribute defaults in the internal subset are a bomb of their own: refused with it.
  EXPECT_FALSE(Scan("<!DOCTYPE r [<!ATTLIST r" + Attributes(10) + ">]><r/>", allow).ok());
}

TEST(XmlLimits, SeesThroughUtf16AndRefusesEncodingsThatHideMarkup) {
  const std::string bomb =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<C" + Attributes(300) + "/>";
  const std::string expected = "x.xml:2: element <C> has more than 256 attributes";
  EXPECT_EQ(Scan(Utf16(bomb, true, true)).message(), expected);
  EXPECT_EQ(Scan(Utf16(bomb, false, true)).message(), expected);
  EXPECT_EQ(Scan(Utf16(bomb, true, false)).message(), expected);
  EXPECT_EQ(Scan(Utf16(bomb, false, false), {}, 7).message(), expected);  // odd chunks
  EXPECT_TRUE(
      Scan(Utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r a='1'/>", true, true)).ok());
  // A UTF-16 document that switches to a single-byte encoding would be scanned wrongly.
  EXPECT_EQ(
      Scan(Utf16("<?xml version=\"1.0\" encoding=\"windows-1251\"?><r/>", true, true)).message(),
      "x.xml:1: the document is UTF-16 but declares the encoding \"windows-1251\"");

  for (const char* fine :
       {"UTF-8", "utf-8", "windows-1251", "CP1251", "KOI8-R", "ISO-8859-5", "US-ASCII"}) {
    const std::string doc = std::string("<?xml version='1.0' encoding='") + fine + "'?><r/>";
    EXPECT_TRUE(Scan(doc).ok()) << fine;
  }
  for (const char* hiding : {"UTF-7", "UTF-32", "UCS-4", "IBM037", "Shift_JIS"}) {
    const std::string doc = std::string("<?xml version=\"1.0\" encoding=\"") + hiding + "\"?><r/>";
    EXPECT_EQ(Scan(doc).message(),
              std::string("x.xml:1: the encoding \"") + hiding +
                  "\" is not accepted (UTF-8, UTF-16, windows-1251, KOI8-R, ISO-8859-x are)");
  }
  EXPECT_NE(Scan(std::string("\0\0\0<\0\0\0r\0\0\0>", 12)).message().find("UCS-4"),
            std::string::npos);
  EXPECT_NE(Scan("\x4C\x6F\xA7\x94\x93").message().find("EBCDIC"), std::string::npos);
  // The declaration is looked at only at the very start, and may not hide its encoding far out.
  EXPECT_NE(Scan("<?xml version='1.0'" + std::string(600, ' ') + "encoding='UTF-7'?><r/>")
                .message()
                .find("the XML declaration is longer than 512 bytes"),
            std::string::npos);
  EXPECT_TRUE(Scan("<?xml-stylesheet " + std::string(600, ' ') + "?><r/>").ok());
  // Tiny documents are looked at when they end.
  EXPECT_TRUE(Scan("<r/>").ok());
  EXPECT_TRUE(Scan("").ok());
}

TEST(XmlLimits, AMalformedDocumentIsLeftToTheParser) {
  for (const char* broken : {"<", "<a", "<a b", "<a b=", "<a b='", "<!--", "<![CDATA[", "<?x",
                             "< a>", "<>", "<a =='1' \"x\"/>", "</>", "</a></b></c>", "<!>",
                             "<!ELEMENT x>", "<a/ b='1'>", "<<<<>>>>"}) {
    EXPECT_TRUE(Scan(broken).ok()) << broken;
    EXPECT_TRUE(Scan(broken, {}, 1).ok()) << broken;
  }
}

TEST(XmlLimits, TheDeadlineIsCheckedWhileScanningAndAfterwards) {
  XmlLimits limits;
  limits.deadline = std::chrono::milliseconds(5);
  const auto long_ago = XmlLimitScanner::Clock::now() - std::chrono::seconds(10);
  XmlLimitScanner late("x.xml", limits, long_ago);
  const std::string big = "<r>" + std::string(1 << 20, 'x') + "</r>";
  const Status s = late.Feed(big);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "x.xml: refused: parsing took longer than the limit of 5 ms");
  EXPECT_EQ(late.CheckDeadline().code(), StatusCode::kResourceExhausted);

  XmlLimitScanner fresh("x.xml", limits);
  EXPECT_TRUE(fresh.Feed("<r/>").ok());
  limits.deadline = std::chrono::milliseconds(0);  // none
  XmlLimitScanner unbounded("x.xml", limits, long_ago);
  EXPECT_TRUE(unbounded.Feed(big).ok());
  EXPECT_TRUE(unbounded.Finish().ok());
  EXPECT_TRUE(unbounded.CheckDeadline().ok());
}

TEST(XmlLimits, EveryRealSampleIsWithinTheDefaults) {
  int files = 0;
  for (const char* dir : {"samples", "lsr_fixtures"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(ESTIMATE_SHARED_DIR) / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".xml" && ext != ".gge" && ext != ".xsd") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      ++files;
      EXPECT_TRUE(Scan(bytes).ok()) << entry.path() << ": " << Scan(bytes).message();
      EXPECT_TRUE(Scan(bytes, {}, 4093).ok()) << entry.path();
    }
  }
  EXPECT_GT(files, 20);
}

}  // namespace
}  // namespace estimate::core
