#pragma once
// Private to src/formats: how a long writer (the PDF and XLSX forms) counts its steps for a
// WriteProgress (progress.hpp). The watcher hears of every kEvery-th step and of the last, and
// is asked at the same moments whether the file is still wanted, so a watcher costs a virtual
// call per kEvery steps and a cancel is noticed within kEvery steps (a few milliseconds of work).
#include <cstddef>

#include "core/status.hpp"
#include "formats/progress.hpp"

namespace estimate::formats {

class ProgressSteps {
 public:
  static constexpr std::size_t kEvery = 50;

  // `progress` may be null: then nothing is reported and nothing is ever cancelled.
  explicit ProgressSteps(WriteProgress* progress) : progress_(progress) {}

  // The steps of the whole file; done steps are counted from zero.
  void Start(std::size_t total) {
    total_ = total;
    done_ = 0;
  }

  // One step more; true once the file is no longer wanted (then stop and return Aborted()).
  bool Step() {
    ++done_;
    if (progress_ == nullptr) return false;
    if (done_ % kEvery != 0 && done_ < total_) return false;
    return Report();
  }

  // All steps done: reports total of total (the last report a watcher hears); true once the
  // file is no longer wanted.
  bool Finish() {
    if (total_ == 0) return Cancelled();
    done_ = total_;
    return progress_ != nullptr && Report();
  }

  // Asks now, without a step: before work that is not counted in steps.
  bool Cancelled() {
    return cancelled_ || (progress_ != nullptr && (cancelled_ = progress_->Cancelled()));
  }

  // What a cancelled writer returns.
  static Status Aborted() { return Status(StatusCode::kAborted, "cancelled"); }

 private:
  bool Report() {
    if (cancelled_) return true;
    progress_->Report(done_ < total_ ? done_ : total_, total_);
    return cancelled_ = progress_->Cancelled();
  }

  WriteProgress* progress_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  bool cancelled_ = false;
};

}  // namespace estimate::formats
