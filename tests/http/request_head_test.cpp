#include "http/request_head.hpp"

#include <gtest/gtest.h>

namespace estimate::http {
namespace {

constexpr std::uint64_t kLimit = 1000;

HeadCheck Check(const std::string& fields) {
  return CheckRequestHead("POST /api/v1/calc HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n", kLimit);
}

TEST(RequestHead, FindsTheEndOfTheHeadAndSkipsLeadingBlankLines) {
  EXPECT_FALSE(HeadEnd("GET / HTTP/1.1\r\nHost: x\r\n").has_value());
  EXPECT_EQ(HeadEnd("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 27u);
  EXPECT_EQ(HeadEnd("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), 22u);
  // LF-only heads end too, so that they are refused rather than waited for.
  ASSERT_TRUE(HeadEnd("GET / HTTP/1.1\nHost: x\n\n").has_value());
  EXPECT_EQ(CheckRequestHead("GET / HTTP/1.1\nHost: x\n\n", kLimit).status, 400);
}

TEST(RequestHead, FindsTheEndWhenItArrivesAByteAtATime) {
  const std::string head = "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
  std::size_t from = 0;
  for (std::size_t n = 1; n < head.size(); ++n) {
    ASSERT_FALSE(HeadEnd(std::string_view(head).substr(0, n), from).has_value()) << n;
    from = n > 3 ? n - 3 : 0;
  }
  EXPECT_EQ(HeadEnd(head, from), head.size());
}

TEST(RequestHead, AcceptsAPlainRequestAndReadsExpectAndLength) {
  const HeadCheck c = Check("Content-Length: 12\r\nExpect: 100-Continue\r\n");
  EXPECT_EQ(c.status, 0) << c.detail;
  EXPECT_TRUE(c.expect_continue);
  EXPECT_EQ(c.content_length, 12u);
  EXPECT_EQ(Check("Transfer-Encoding: Chunked\r\n").status, 0);
}

TEST(RequestHead, RefusesTransferCodingsOtherThanOneFinalChunked) {
  for (const char* te : {"chunked, identity", "identity", "gzip, chunked", "chunked,", "", "x"}) {
    const HeadCheck c = Check(std::string("Transfer-Encoding: ") + te + "\r\n");
    EXPECT_EQ(c.status, 400) << te;
    EXPECT_NE(c.detail.find("transfer-encoding"), std::string::npos) << c.detail;
  }
  EXPECT_EQ(Check("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n").status, 400);
  EXPECT_EQ(Check("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n").status, 400);
}

TEST(RequestHead, RefusesDuplicateHostObsoleteFoldingAndBadLengths) {
  EXPECT_EQ(Check("Host: y\r\n").status, 400);
  EXPECT_EQ(Check("X-A: one\r\n two\r\n").status, 400);
  EXPECT_EQ(Check("X-A: one\r\n\ttwo\r\n").status, 400);
  EXPECT_EQ(Check("No colon here\r\n").status, 400);
  EXPECT_EQ(Check("Content-Length: 1x\r\n").status, 400);
  EXPECT_EQ(Check("Content-Length: 5\r\nContent-Length: 6\r\n").status, 400);
  EXPECT_EQ(Check("Content-Length: 5\r\nContent-Length: 5\r\n").status, 0);
  EXPECT_EQ(Check("Expect: something-else\r\n").status, 417);
}

TEST(RequestHead, RefusesADeclaredBodyOverTheLimitBeforeReadingIt) {
  const HeadCheck c = Check("Content-Length: 1001\r\n");
  EXPECT_EQ(c.status, 413);
  EXPECT_NE(c.detail.find("UPLOAD_MAX_SIZE"), std::string::npos);
  EXPECT_EQ(Check("Content-Length: 1000\r\n").status, 0);
}

}  // namespace
}  // namespace estimate::http
