#include "services/export_cost.hpp"

#include <array>

namespace estimate::services {
namespace {

// What one printed row costs each writer, in microseconds. A ЛСР form prints a row per resource
// line and about kRowsPerPosition rows per position besides (its heading, НР, СП, the total),
// so a document of P positions and R resource lines has P × kRowsPerPosition + R rows.
//
// Measured with bench/export_bench (build type RelWithDebInfo, the 2-vCPU machine of CI and
// development; CPU time, since the wall time of a loaded machine says more about its neighbours)
// on calc_bench's 10,000-position estimate with 110,000 resource lines, i.e. 140,000 rows:
//   ГГЭ XML 3.01 written 2.8 s (its XSD check, not timed here, is allowed as much again);
//   АРПС written (and read) 1.6 s;
//   XLSX written 9.7 s;  PDF written 92.8 s before the print speed-up.
// After it (pango and cairo on two threads; wall time, load average 7): XLSX 8.3 s, PDF 48 s.
// Each rate is that time over 140,000 rows, rounded up. When the writers get faster, measure
// again and lower the rates here: nothing else needs to change.
constexpr double kRowsPerPosition = 3;

struct Rate {
  std::string_view format;
  double microseconds_per_row;
};

constexpr std::array<Rate, 5> kRates{{
    {"pdf", 345},
    {"xlsx", 60},
    {"gge", 40},  // written and validated
    {"gge-3.02", 40},
    {"arps", 12},
}};

}  // namespace

std::chrono::milliseconds ExpectedExportTime(std::string_view format, std::size_t positions,
                                             std::size_t resource_rows) {
  const double rows =
      static_cast<double>(positions) * kRowsPerPosition + static_cast<double>(resource_rows);
  for (const Rate& rate : kRates) {
    if (rate.format == format) {
      return std::chrono::milliseconds(
          static_cast<long long>(rows * rate.microseconds_per_row / 1000));
    }
  }
  return std::chrono::milliseconds(0);
}

}  // namespace estimate::services
