// The long writers (the PDF and XLSX forms of the ЛСР by either method, the ОСР and the ССР), as
// the registry wires them, tell a WriteProgress how far they have come and stop when it cancels.
#include "formats/progress.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "formats/registry.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path Golden(const char* name) { return fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden" / name; }

// What a watcher heard; cancels after `cancel_after` reports (0: never).
class Recorder : public WriteProgress {
 public:
  explicit Recorder(std::size_t cancel_after = 0) : cancel_after_(cancel_after) {}
  void Report(std::size_t done, std::size_t total) override { reports.emplace_back(done, total); }
  bool Cancelled() const override {
    ++asked;
    return cancel_after_ > 0 && reports.size() >= cancel_after_;
  }
  std::vector<std::pair<std::size_t, std::size_t>> reports;
  mutable int asked = 0;

 private:
  std::size_t cancel_after_;
};

// A golden document computed, with its kind's writer of `format` ("pdf", "xlsx").
struct Case {
  const char* golden;
  const char* format;
};

ComputedDocument Computed(const char* golden, int copies = 1) {
  Result<Document> document = ReadDocument(ReadFile(Golden(golden) / "input.json"));
  EXPECT_TRUE(document.ok()) << document.status().message();
  // A ЛСР repeated: rows enough for many reports.
  if (auto* estimate = std::get_if<core::Estimate>(&*document)) {
    const std::vector<core::Section> sections = estimate->sections;
    for (int i = 1; i < copies; ++i) {
      estimate->sections.insert(estimate->sections.end(), sections.begin(), sections.end());
    }
  }
  Result<ComputedDocument> computed = Compute(std::move(document).value());
  EXPECT_TRUE(computed.ok()) << computed.status().message();
  return std::move(computed).value();
}

Result<std::string> Write(const ComputedDocument& computed, const char* format,
                          WriteProgress* progress) {
  const Writer* writer = FindExportWriter(format, KindOf(computed));
  if (writer == nullptr) return InvalidArgument(std::string("no writer ") + format);
  WriteHeaders headers;
  headers.progress = progress;
  return writer->write(computed, headers);
}

const std::vector<Case> kCases = {
    {"rik_02-01-05_vodomernyi_uzel", "pdf"},  {"rik_02-01-05_vodomernyi_uzel", "xlsx"},
    {"bim_gge_3.01_example1", "pdf"},         {"bim_gge_3.01_example1", "xlsx"},
    {"osr_01-02_rekultivaciya", "pdf"},       {"osr_01-02_rekultivaciya", "xlsx"},
    {"ssr_example_h_ssrss-0", "pdf"},         {"ssr_example_h_ssrss-0", "xlsx"},
};

TEST(WriteProgress, EveryLongWriterReportsMonotoneProgressEndingAtTheTotal) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.golden) + " " + c.format);
    const ComputedDocument computed = Computed(c.golden);
    Recorder watcher;
    Result<std::string> bytes = Write(computed, c.format, &watcher);
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    ASSERT_FALSE(watcher.reports.empty());
    const std::size_t total = watcher.reports.front().second;
    EXPECT_GT(total, 0u);
    std::size_t last = 0;
    for (const auto& [done, of] : watcher.reports) {
      EXPECT_EQ(of, total) << "the total never changes";
      EXPECT_GE(done, last) << "progress never goes back";
      EXPECT_LE(done, total);
      last = done;
    }
    EXPECT_EQ(watcher.reports.back().first, total) << "the last report is the whole";
    EXPECT_GE(watcher.asked, static_cast<int>(watcher.reports.size()));
  }
}

TEST(WriteProgress, AWatchedFileIsTheSameAsAnUnwatchedOne) {
  const ComputedDocument computed = Computed("rik_02-01-05_vodomernyi_uzel");
  Recorder watcher;
  Result<std::string> watched = Write(computed, "pdf", &watcher);
  Result<std::string> unwatched = Write(computed, "pdf", nullptr);
  ASSERT_TRUE(watched.ok() && unwatched.ok());
  EXPECT_TRUE(*watched == *unwatched);
}

TEST(WriteProgress, ALargeEstimateIsReportedInManySteps) {
  const ComputedDocument computed = Computed("rik_02-01-05_vodomernyi_uzel", 20);
  for (const char* format : {"pdf", "xlsx"}) {
    SCOPED_TRACE(format);
    Recorder watcher;
    Result<std::string> bytes = Write(computed, format, &watcher);
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    EXPECT_GE(watcher.reports.size(), 10u);
    EXPECT_EQ(watcher.reports.back().first, watcher.reports.back().second);
  }
}

TEST(WriteProgress, AWriterCancelledAfterTheFirstReportStopsWithAborted) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.golden) + " " + c.format);
    const ComputedDocument computed = Computed(c.golden);
    Recorder watcher(/*cancel_after=*/1);
    Result<std::string> bytes = Write(computed, c.format, &watcher);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), StatusCode::kAborted);
    EXPECT_EQ(bytes.status().message(), "cancelled");
    EXPECT_EQ(watcher.reports.size(), 1u) << "nothing is reported after the cancel";
  }
}

TEST(WriteProgress, ALargeEstimateCancelledEarlyStopsEarly) {
  const ComputedDocument computed = Computed("rik_02-01-05_vodomernyi_uzel", 20);
  for (const char* format : {"pdf", "xlsx"}) {
    SCOPED_TRACE(format);
    Recorder watcher(/*cancel_after=*/1);
    Result<std::string> bytes = Write(computed, format, &watcher);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), StatusCode::kAborted);
    ASSERT_EQ(watcher.reports.size(), 1u);
    EXPECT_LT(watcher.reports.front().first, watcher.reports.front().second / 4)
        << "the first report comes early, and the writer stops there";
  }
}

TEST(WriteProgress, AWriterCancelledBeforeItBeginsWritesNothing) {
  class AlreadyCancelled : public WriteProgress {
   public:
    void Report(std::size_t, std::size_t) override { ++reports; }
    bool Cancelled() const override { return true; }
    int reports = 0;
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.golden) + " " + c.format);
    const ComputedDocument computed = Computed(c.golden);
    AlreadyCancelled watcher;
    Result<std::string> bytes = Write(computed, c.format, &watcher);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), StatusCode::kAborted);
    EXPECT_EQ(watcher.reports, 0);
  }
}

}  // namespace
}  // namespace estimate::formats
