#pragma once
// Store-internal: the adapters' own exception for failures found between statements, thrown
// inside a repository and turned into a Status at the edge of each public function.
#include <stdexcept>
#include <string>

#include "core/status.hpp"

namespace estimate::store::internal {

class StoreError : public std::runtime_error {
 public:
  StoreError(StatusCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  StatusCode code() const { return code_; }

 private:
  StatusCode code_;
};

}  // namespace estimate::store::internal
