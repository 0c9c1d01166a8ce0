#pragma once
// A small Prometheus registry: labelled counters, histograms and gauges read at scrape time,
// rendered in the text exposition format 0.0.4. Thread-safe; increments take one short lock per
// family, which is far below the cost of the HTTP request they count.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace estimate::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help);
  void Increment(const Labels& labels, std::uint64_t by = 1);
  std::uint64_t Value(const Labels& labels) const;
  void Render(std::string& out) const;

 private:
  std::string name_, help_;
  mutable std::mutex mu_;
  std::map<Labels, std::uint64_t> values_;
};

class HistogramFamily {
 public:
  // `bounds` are the upper bounds of the buckets, in seconds, ascending; +Inf is implied.
  HistogramFamily(std::string name, std::string help, std::vector<double> bounds);
  void Observe(const Labels& labels, double value);
  void Render(std::string& out) const;

 private:
  struct Series {
    std::vector<std::uint64_t> buckets;  // not cumulative; summed at render
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::string name_, help_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<Labels, Series> series_;
};

// A gauge or counter whose value is read when /metrics is scraped (pool sizes, process figures).
struct CallbackMetric {
  std::string name, help, type;  // type: "gauge" or "counter"
  std::function<std::vector<std::pair<Labels, double>>()> read;
};

class Registry {
 public:
  CounterFamily& Counter(const std::string& name, const std::string& help);
  HistogramFamily& Histogram(const std::string& name, const std::string& help,
                             std::vector<double> bounds);
  void AddCallback(CallbackMetric metric);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<CallbackMetric> callbacks_;
};

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds, read from /proc/self.
void AddProcessMetrics(Registry& registry);

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string EscapeLabelValue(const std::string& value);

}  // namespace estimate::telemetry
