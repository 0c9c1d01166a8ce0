#include "http/multipart.hpp"

#include <gtest/gtest.h>

namespace estimate::http {
namespace {

const std::string kType = "multipart/form-data; boundary=----XyZ";

std::string Body(const std::string& binary) {
  return "------XyZ\r\n"
         "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
         "gge\r\n"
         "------XyZ\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"ЛСР 02-01.gge\"\r\n"
         "Content-Type: application/xml\r\n\r\n" +
         binary +
         "\r\n------XyZ--\r\n";
}

TEST(Multipart, ReadsFieldsAndFilesWithTheirBytes) {
  static constexpr char kBinary[] = "<a>\r\n--not-a-boundary\0\x01</a>";
  const std::string binary(kBinary, sizeof kBinary - 1);  // the NUL inside included
  const std::string body = Body(binary);
  auto parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "kind");
  EXPECT_EQ((*parts)[0].data, "gge");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "ЛСР 02-01.gge");
  EXPECT_EQ((*parts)[1].content_type, "application/xml");
  EXPECT_EQ((*parts)[1].data, binary);
}

TEST(Multipart, AcceptsAQuotedBoundaryAndAPreamble) {
  const std::string body = "preamble\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--";
  auto parts = ParseMultipart("Multipart/Form-Data; boundary=\"b\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, RefusesWhatIsNotWellFormedNamingTheProblem) {
  const std::pair<std::string, std::string> cases[] = {
      {"application/json", "content-type"},
      {"multipart/form-data", "content-type"},
  };
  for (const auto& [type, field] : cases) {
    auto r = ParseMultipart(type, Body("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().rfind(field, 0), 0u) << r.status().message();
  }
  std::string truncated = Body("x");
  truncated.resize(truncated.size() - 12);
  auto r = ParseMultipart(kType, truncated);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("closing boundary"), std::string::npos);
  auto nameless = ParseMultipart(
      kType, "------XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n------XyZ--");
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(nameless.status().message().find("part 1"), std::string::npos);
  auto none = ParseMultipart(kType, "no boundary here");
  EXPECT_FALSE(none.ok());
}

TEST(Multipart, BoundsTheNumberOfParts) {
  std::string body;
  for (std::size_t i = 0; i <= kMaxMultipartParts; ++i) {
    body += "------XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
  }
  body += "------XyZ--";
  auto r = ParseMultipart(kType, body);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("parts"), std::string::npos);
}

}  // namespace
}  // namespace estimate::http
