#include "auth/clock.hpp"

namespace estimate::auth {
namespace {

class RealClock final : public Clock {
 public:
  Seconds Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace

const Clock& SystemClock() {
  static const RealClock kClock;
  return kClock;
}

}  // namespace estimate::auth
