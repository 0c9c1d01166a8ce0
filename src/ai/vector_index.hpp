#pragma once
// Nearest vectors by cosine similarity: an HNSW graph (hnswlib, Debian: the engine inside Chroma)
// over unit vectors, saved to and loaded from a file. Built once, then read-only: Search is
// thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace estimate::ai {

struct VectorHit {
  std::uint32_t id = 0;
  float similarity = 0;  // cosine, -1 … 1
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  // The `k` nearest of `query` (a unit vector), most similar first.
  virtual std::vector<VectorHit> Search(const std::vector<float>& query, std::size_t k) const = 0;
};

class HnswIndex : public VectorIndex {
 public:
  // Vector i gets id i. All of `dimension` floats, unit length (zero vectors are left out).
  static std::unique_ptr<HnswIndex> Build(const std::vector<std::vector<float>>& vectors,
                                          int dimension);
  static Result<std::unique_ptr<HnswIndex>> Load(const std::string& path, int dimension);
  Status Save(const std::string& path) const;

  ~HnswIndex() override;
  std::size_t size() const;    // vectors held
  std::size_t max_id() const;  // the largest id held (0 when empty)
  std::vector<VectorHit> Search(const std::vector<float>& query, std::size_t k) const override;

 private:
  struct Impl;
  explicit HnswIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace estimate::ai
