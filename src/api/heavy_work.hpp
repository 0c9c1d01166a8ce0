#pragma once
// A cap on heavy work — parsing an uploaded document, writing a PDF or Excel file of a big
// estimate — so that it cannot take every worker from the rest of the API, nor one organization
// every slot from the others: at most `global` at once in this process and `per_organization`
// for one organization. Beyond either the request is answered 429 with Retry-After at once
// (nothing waits in a queue). Per process: with several instances each counts its own.
// Uploads are parsed on the server's heavy pool besides (http::Execution::kHeavy: a few threads
// of their own and a bounded queue), so that they never hold an API worker.
// Thread-safe.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "http/message.hpp"

namespace estimate::api {

class HeavyWorkGate {
 public:
  HeavyWorkGate(int global, int per_organization)
      : global_(global), per_organization_(per_organization) {}

  // Held while the work runs.
  class Slot {
   public:
    Slot(HeavyWorkGate* gate, std::int64_t organization) : gate_(gate), org_(organization) {}
    Slot(Slot&& other) noexcept : gate_(other.gate_), org_(other.org_) { other.gate_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    HeavyWorkGate* gate_;
    std::int64_t org_;
  };

  // A slot, or nullopt with `refusal` set to the 429 answer for `request`.
  std::optional<Slot> TryAcquire(std::int64_t organization, const http::Request& request,
                                 http::Response& refusal);

  int running() const;

 private:
  void Release(std::int64_t organization);

  const int global_;
  const int per_organization_;
  mutable std::mutex mu_;
  int running_ = 0;
  std::map<std::int64_t, int> by_organization_;
};

}  // namespace estimate::api
