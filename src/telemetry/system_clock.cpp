#include "telemetry/system_clock.hpp"

namespace estimate::telemetry {
namespace {

class RealClock final : public core::Clock {
 public:
  core::Timestamp Now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

}  // namespace

const core::Clock& SystemClock() {
  static const RealClock kClock;
  return kClock;
}

}  // namespace estimate::telemetry
