#include "app/calc_command.hpp"

#include <ostream>

namespace estimate::app {

// Placeholder until the calculation engine lands (issue 3); owned by the engine's author.
int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err) {
  (void)path;
  (void)format;
  (void)out;
  err << "calc: not available in this build\n";
  return 1;
}

}  // namespace estimate::app
