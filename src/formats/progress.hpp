#pragma once
// How a long writer (the printed forms and the workbook of a large estimate) tells how far it has
// come, and learns that its file is no longer wanted. Optional everywhere: a writer given nullptr
// runs to the end unwatched. Export jobs (services) and the CLI's progress bar implement it.
#include <cstddef>

namespace estimate::formats {

class WriteProgress {
 public:
  virtual ~WriteProgress() = default;
  // `done` of `total` units of work (rows laid out, pages drawn, rows written). Called often:
  // an implementation keeps it cheap (an atomic store, a redraw at most every few percent).
  virtual void Report(std::size_t done, std::size_t total) = 0;
  // True once the file is no longer wanted. A writer checks it now and then and, when it is,
  // stops and returns kAborted with the message "cancelled".
  virtual bool Cancelled() const = 0;
};

}  // namespace estimate::formats
