// The memory of the front program (front.cpp): a process that computes one document and exits.
//
// Such a process never needs memory back before it exits, and the usual allocator costs it dearly
// here: a 10,000-position calc touches some 170 MB (the document, simdjson's tape and strings,
// the estimate in core types, the result), and the kernel faulted it in 4 KB page by 4 KB page —
// 43,000 faults, a third of the whole run on this machine. So every allocation of the front
// program comes from regions mapped once and marked for transparent huge pages: a fault then
// brings in 2 MB. Small allocations are bumped from 32 MB regions; large ones (simdjson's
// buffers, sized by the document) get regions of their own, of which only what is written is
// ever backed. Nothing is freed: the regions go back to the system at exit.
//
// Only the front program links this file; the server (estimate-service-full) keeps the usual
// allocator, which gives memory back.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kRegion = std::size_t{32} << 20;
constexpr std::size_t kLarge = std::size_t{4} << 20;  // from here on, a region of its own

std::mutex mu;
std::uintptr_t next = 0;
std::uintptr_t end = 0;

// `size` bytes (a multiple of kHugePage) aligned to kHugePage, marked for huge pages.
void* MapRegion(std::size_t size) {
  // Over-map by a huge page and trim, for the alignment transparent huge pages need.
  void* raw = ::mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + size;
  const std::uintptr_t mapped_end = start + size + kHugePage;
  if (mapped_end > tail) ::munmap(reinterpret_cast<void*>(tail), mapped_end - tail);
  ::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // advice: may be ignored
  return reinterpret_cast<void*>(aligned);
}

void* Allocate(std::size_t size, std::size_t align) noexcept {
  if (size == 0) size = 1;
  if (size >= kLarge) {
    return MapRegion((size + align + kHugePage - 1) & ~(kHugePage - 1));
  }
  std::lock_guard lock(mu);
  std::uintptr_t p = (next + align - 1) & ~(align - 1);
  if (next == 0 || p + size > end) {
    void* region = MapRegion(kRegion);
    if (region == nullptr) return nullptr;
    next = reinterpret_cast<std::uintptr_t>(region);
    end = next + kRegion;
    p = (next + align - 1) & ~(align - 1);
  }
  next = p + size;
  return reinterpret_cast<void*>(p);
}

void* AllocateOrThrow(std::size_t size, std::size_t align) {
  void* p = Allocate(size, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

constexpr std::size_t kDefaultAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

}  // namespace

void* operator new(std::size_t size) { return AllocateOrThrow(size, kDefaultAlign); }
void* operator new[](std::size_t size) { return AllocateOrThrow(size, kDefaultAlign); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return Allocate(size, kDefaultAlign);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return Allocate(size, kDefaultAlign);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return AllocateOrThrow(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return AllocateOrThrow(size, static_cast<std::size_t>(align));
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return Allocate(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return Allocate(size, static_cast<std::size_t>(align));
}

// Nothing is freed before exit (see the top of the file).
void operator delete(void*) noexcept {}
void operator delete[](void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}
void operator delete[](void*, std::size_t) noexcept {}
void operator delete(void*, std::align_val_t) noexcept {}
void operator delete[](void*, std::align_val_t) noexcept {}
void operator delete(void*, std::size_t, std::align_val_t) noexcept {}
void operator delete[](void*, std::size_t, std::align_val_t) noexcept {}
void operator delete(void*, const std::nothrow_t&) noexcept {}
void operator delete[](void*, const std::nothrow_t&) noexcept {}
void operator delete(void*, std::align_val_t, const std::nothrow_t&) noexcept {}
void operator delete[](void*, std::align_val_t, const std::nothrow_t&) noexcept {}
