#include "telemetry/metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace estimate::telemetry {
namespace {

// The shortest form that reads back as the same double (0.005, not 0.0050000000000000001).
std::string FormatNumber(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void RenderLabels(std::string& out, const Labels& labels, const char* extra_name = nullptr,
                  const std::string& extra_value = {}) {
  if (labels.empty() && extra_name == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += EscapeLabelValue(v);
    out += '"';
  }
  if (extra_name != nullptr) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void RenderHeader(std::string& out, const std::string& name, const std::string& help,
                  const char* type) {
  out += "# HELP " + name + ' ' + help + '\n';
  out += "# TYPE " + name + ' ' + type + '\n';
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

CounterFamily::CounterFamily(std::string name, std::string help)
    : name_(std::move(name)), help_(std::move(help)) {}

void CounterFamily::Increment(const Labels& labels, std::uint64_t by) {
  std::lock_guard lock(mu_);
  values_[labels] += by;
}

std::uint64_t CounterFamily::Value(const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void CounterFamily::Render(std::string& out) const {
  RenderHeader(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [labels, value] : values_) {
    out += name_;
    RenderLabels(out, labels);
    out += ' ' + std::to_string(value) + '\n';
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<double> bounds)
    : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)) {}

void HistogramFamily::Observe(const Labels& labels, double value) {
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  ++s.buckets[bucket];
  ++s.count;
  s.sum += value;
}

void HistogramFamily::Render(std::string& out) const {
  RenderHeader(out, name_, help_, "histogram");
  std::lock_guard lock(mu_);
  for (const auto& [labels, s] : series_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += name_ + "_bucket";
      RenderLabels(out, labels, "le", i < bounds_.size() ? FormatNumber(bounds_[i]) : "+Inf");
      out += ' ' + std::to_string(cumulative) + '\n';
    }
    out += name_ + "_sum";
    RenderLabels(out, labels);
    out += ' ' + FormatNumber(s.sum) + '\n';
    out += name_ + "_count";
    RenderLabels(out, labels);
    out += ' ' + std::to_string(s.count) + '\n';
  }
}

CounterFamily& Registry::Counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  counters_.push_back(std::make_unique<CounterFamily>(name, help));
  return *counters_.back();
}

HistogramFamily& Registry::Histogram(const std::string& name, const std::string& help,
                                     std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  histograms_.push_back(std::make_unique<HistogramFamily>(name, help, std::move(bounds)));
  return *histograms_.back();
}

void Registry::AddCallback(CallbackMetric metric) {
  std::lock_guard lock(mu_);
  callbacks_.push_back(std::move(metric));
}

std::string Registry::Render() const {
  std::string out;
  out.reserve(8192);
  std::lock_guard lock(mu_);
  for (const auto& c : counters_) c->Render(out);
  for (const auto& h : histograms_) h->Render(out);
  for (const auto& m : callbacks_) {
    RenderHeader(out, m.name, m.help, m.type.c_str());
    for (const auto& [labels, value] : m.read()) {
      out += m.name;
      RenderLabels(out, labels);
      out += ' ' + FormatNumber(value) + '\n';
    }
  }
  return out;
}

namespace {

// Fields of /proc/self/stat after the command name: utime is field 14, stime 15, starttime 22,
// vsize 23, rss 24 (1-based, man 5 proc).
struct ProcStat {
  double cpu_seconds = 0, start_time = 0, virtual_bytes = 0, resident_bytes = 0;
};

ProcStat ReadProcStat() {
  ProcStat st;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return st;
  auto close = line.rfind(')');
  if (close == std::string::npos) return st;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string tok; rest >> tok;) f.push_back(tok);
  // f[0] is field 3 (state).
  auto field = [&](int n) { return n - 3 < static_cast<int>(f.size()) ? std::stod(f[n - 3]) : 0; };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  st.cpu_seconds = (field(14) + field(15)) / ticks;
  st.virtual_bytes = field(23);
  st.resident_bytes = field(24) * static_cast<double>(sysconf(_SC_PAGESIZE));
  double boot_time = 0;
  std::ifstream sin("/proc/stat");
  for (std::string l; std::getline(sin, l);) {
    if (l.rfind("btime ", 0) == 0) boot_time = std::stod(l.substr(6));
  }
  st.start_time = boot_time + field(22) / ticks;
  return st;
}

double CountOpenFds() {
  double n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
    n -= 1;  // the descriptor of the directory being listed
  }
  return n;
}

}  // namespace

void AddProcessMetrics(Registry& registry) {
  auto one = [](double v) { return std::vector<std::pair<Labels, double>>{{{}, v}}; };
  registry.AddCallback({"process_cpu_seconds_total", "Total user and system CPU time in seconds.",
                        "counter", [one] { return one(ReadProcStat().cpu_seconds); }});
  registry.AddCallback({"process_resident_memory_bytes", "Resident memory size in bytes.",
                        "gauge", [one] { return one(ReadProcStat().resident_bytes); }});
  registry.AddCallback({"process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
                        [one] { return one(ReadProcStat().virtual_bytes); }});
  registry.AddCallback({"process_start_time_seconds",
                        "Start time of the process since unix epoch in seconds.", "gauge",
                        [one] { return one(ReadProcStat().start_time); }});
  registry.AddCallback({"process_open_fds", "Number of open file descriptors.", "gauge",
                        [one] { return one(CountOpenFds()); }});
  registry.AddCallback({"process_max_fds", "Maximum number of open file descriptors.", "gauge",
                        [one] {
                          rlimit rl{};
                          getrlimit(RLIMIT_NOFILE, &rl);
                          return one(static_cast<double>(rl.rlim_cur));
                        }});
}

}  // namespace estimate::telemetry
