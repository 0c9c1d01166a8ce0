#include "app/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace estimate::app {
namespace {

using namespace std::chrono;

std::int64_t Big(const std::string& b, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// [+-]hh[:mm[:ss]] as seconds.
bool Offset(std::string_view& s, std::int32_t& out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) {
      if (p == 0) return false;
      break;
    }
    int v = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
      if (v > 200) return false;
    }
    parts[p] = v;
    if (s.empty() || s[0] != ':') break;
    s.remove_prefix(1);
  }
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool Name(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    const auto close = s.find('>');
    if (close == std::string_view::npos) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  std::size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

// Mm.w.d[/time]
bool MRule(std::string_view& s, int& month, int& week, int& weekday, int& time) {
  if (s.empty() || s[0] != 'M') return false;
  s.remove_prefix(1);
  int* fields[3] = {&month, &week, &weekday};
  for (int f = 0; f < 3; ++f) {
    int v = 0;
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
    }
    *fields[f] = v;
    if (f < 2) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
  }
  if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return false;
  time = 7200;
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    std::int32_t t = 0;
    if (!Offset(s, t)) return false;
    time = t;
  }
  return true;
}

// The UTC instant of a rule's change in `y`: local time `time` (in the offset before the change)
// of the w-th (5: last) weekday d of month m.
std::int64_t ChangeAt(int y, int m, int w, int d, int time, std::int32_t offset_before) {
  const year_month first{year(y) / month(static_cast<unsigned>(m))};
  sys_days day = sys_days(first / weekday_indexed(weekday(static_cast<unsigned>(d)), 1));
  if (w == 5) {
    const sys_days last = sys_days(first / weekday_last(weekday(static_cast<unsigned>(d))));
    day = last;
  } else {
    day += days(7 * (w - 1));
  }
  return duration_cast<seconds>(day.time_since_epoch()).count() + time - offset_before;
}

std::int32_t RuleOffset(const TimeZone::Rule& r, std::int64_t t) {
  if (!r.has_dst) return r.std_offset;
  const int y = static_cast<int>(year_month_day(floor<days>(sys_seconds(seconds(t + r.std_offset)))).year());
  const std::int64_t start = ChangeAt(y, r.start_month, r.start_week, r.start_weekday, r.start_time, r.std_offset);
  const std::int64_t end = ChangeAt(y, r.end_month, r.end_week, r.end_weekday, r.end_time, r.dst_offset);
  const bool summer = start < end ? (t >= start && t < end) : (t >= start || t < end);  // southern zones
  return summer ? r.dst_offset : r.std_offset;
}

}  // namespace

Result<TimeZone::Rule> ParsePosixTz(std::string_view text) {
  const std::string bad = "time zone rule \"" + std::string(text) + "\" is not understood";
  std::string_view s = text;
  TimeZone::Rule r;
  std::int32_t off = 0;
  if (!Name(s) || !Offset(s, off)) return InvalidArgument(bad);
  r.std_offset = -off;  // POSIX counts west of UTC
  if (s.empty()) return r;
  if (!Name(s)) return InvalidArgument(bad);
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!Offset(s, off)) return InvalidArgument(bad);
    r.dst_offset = -off;
  }
  if (s.empty() || s[0] != ',') return InvalidArgument(bad);
  s.remove_prefix(1);
  if (!MRule(s, r.start_month, r.start_week, r.start_weekday, r.start_time)) return InvalidArgument(bad);
  if (s.empty() || s[0] != ',') return InvalidArgument(bad);
  s.remove_prefix(1);
  if (!MRule(s, r.end_month, r.end_week, r.end_weekday, r.end_time) || !s.empty()) return InvalidArgument(bad);
  return r;
}

Result<TimeZone> TimeZone::Load(std::string_view name, const std::string& dir) {
  const std::string what = "time zone \"" + std::string(name) + "\"";
  // A name of the database: letters, digits, '_', '-', '+', and '/' between parts; no "..".
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
      })) {
    return InvalidArgument(what + " is not a name of the time zone database (e.g. Europe/Moscow)");
  }
  std::ifstream in(dir + "/" + std::string(name), std::ios::binary);
  if (!in) return InvalidArgument(what + " is not in the time zone database (" + dir + ")");
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return InvalidArgument(what + ": not a TZif file");
  const auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Big(b, at + 20 + static_cast<std::size_t>(i) * 4, 4);
  };
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  std::size_t at = 44;
  int time_bytes = 4;
  if (b[4] >= '2') {  // skip the 32-bit block; read the 64-bit one
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return InvalidArgument(what + ": a damaged TZif file");
    counts(at, c);
    at += 44;
    time_bytes = 8;
  }
  const std::size_t need = static_cast<std::size_t>(c[3] * time_bytes + c[3] + c[4] * 6 + c[5] +
                                                    c[2] * (time_bytes + 4) + c[1] + c[0]);
  if (c[4] < 1 || b.size() < at + need) return InvalidArgument(what + ": a damaged TZif file");
  TimeZone z;
  z.name_ = std::string(name);
  const std::size_t types_at = at + static_cast<std::size_t>(c[3] * time_bytes + c[3]);
  const auto type_offset = [&](std::int64_t t) -> std::int32_t {
    return static_cast<std::int32_t>(Big(b, types_at + static_cast<std::size_t>(t) * 6, 4));
  };
  for (std::int64_t i = 0; i < c[3]; ++i) {
    z.transitions_.push_back(Big(b, at + static_cast<std::size_t>(i * time_bytes), time_bytes));
    const auto type = static_cast<unsigned char>(b[at + static_cast<std::size_t>(c[3] * time_bytes + i)]);
    if (type >= c[4]) return InvalidArgument(what + ": a damaged TZif file");
    z.offsets_.push_back(type_offset(type));
  }
  z.initial_offset_ = type_offset(0);
  if (time_bytes == 8) {  // the footer: "\n<rule>\n"
    const std::size_t footer = at + need;
    if (footer < b.size() && b[footer] == '\n') {
      const auto end = b.find('\n', footer + 1);
      const std::string rule = b.substr(footer + 1, end == std::string::npos ? std::string::npos : end - footer - 1);
      if (!rule.empty()) {
        auto parsed = ParsePosixTz(rule);
        if (!parsed.ok()) return InvalidArgument(what + ": " + parsed.status().message());
        z.rule_ = *parsed;
        z.has_rule_ = true;
      }
    }
  }
  return z;
}

std::chrono::seconds TimeZone::OffsetAt(sys_seconds t) const {
  const std::int64_t s = t.time_since_epoch().count();
  if (transitions_.empty() || s < transitions_.front()) {
    return seconds(transitions_.empty() && has_rule_ ? RuleOffset(rule_, s) : initial_offset_);
  }
  if (has_rule_ && s >= transitions_.back()) return seconds(RuleOffset(rule_, s));
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  return seconds(offsets_[static_cast<std::size_t>(it - transitions_.begin()) - 1]);
}

core::LocalMinutes TimeZone::ToLocal(sys_seconds t) const {
  return floor<minutes>(local_seconds((t + OffsetAt(t)).time_since_epoch()));
}

sys_seconds TimeZone::ToUtc(core::LocalMinutes local) const {
  const seconds l = duration_cast<seconds>(local.time_since_epoch());
  // The offsets around: try the one before the moment and the one after; take the earliest that
  // maps back to this local minute, else the instant of the change (a skipped minute).
  const sys_seconds guess(l - OffsetAt(sys_seconds(l)));
  std::vector<seconds> candidates = {OffsetAt(guess - hours(24)), OffsetAt(guess), OffsetAt(guess + hours(24))};
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  for (const seconds off : candidates) {
    const sys_seconds t(l - off);
    if (OffsetAt(t) == off) return t;  // the earliest instant, the largest offset first
  }
  // Skipped: the change itself, i.e. the local time read with the offset before it.
  return sys_seconds(l - *std::min_element(candidates.begin(), candidates.end()));
}

}  // namespace estimate::app
