#include "telemetry/metrics.hpp"

#include <gtest/gtest.h>

namespace estimate::telemetry {
namespace {

TEST(Metrics, CounterRendersOneSamplePerLabelSet) {
  Registry reg;
  auto& c = reg.Counter("http_requests_total", "Requests.");
  c.Increment({{"route", "/a"}, {"status", "200"}});
  c.Increment({{"route", "/a"}, {"status", "200"}}, 2);
  c.Increment({{"route", "/b\"x"}, {"status", "404"}});
  std::string out = reg.Render();
  EXPECT_NE(out.find("# TYPE http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(out.find("http_requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("http_requests_total{route=\"/b\\\"x\",status=\"404\"} 1\n"),
            std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry reg;
  auto& h = reg.Histogram("d_seconds", "D.", {0.005, 0.1});
  h.Observe({{"route", "/"}}, 0.001);
  h.Observe({{"route", "/"}}, 0.05);
  h.Observe({{"route", "/"}}, 3);
  std::string out = reg.Render();
  EXPECT_NE(out.find("d_seconds_bucket{route=\"/\",le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("d_seconds_bucket{route=\"/\",le=\"0.1\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("d_seconds_bucket{route=\"/\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("d_seconds_count{route=\"/\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("d_seconds_sum{route=\"/\"} 3.051\n"), std::string::npos);
}

TEST(Metrics, ProcessFiguresAreRead) {
  Registry reg;
  AddProcessMetrics(reg);
  std::string out = reg.Render();
  EXPECT_NE(out.find("process_open_fds "), std::string::npos);
  EXPECT_EQ(out.find("process_resident_memory_bytes 0\n"), std::string::npos);
}

}  // namespace
}  // namespace estimate::telemetry
