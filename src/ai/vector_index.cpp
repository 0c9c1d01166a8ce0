#include "ai/vector_index.hpp"

#include <hnswlib/hnswlib.h>

#include <algorithm>

namespace estimate::ai {

namespace {
constexpr std::size_t kLinks = 16;            // M: links per node
constexpr std::size_t kBuildBreadth = 200;    // ef_construction
constexpr std::size_t kSearchBreadth = 128;   // ef at search time (at least k)
constexpr std::size_t kSeed = 100;
}  // namespace

struct HnswIndex::Impl {
  explicit Impl(int dimension) : space(static_cast<std::size_t>(dimension)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::size_t dimension = 0;
};

HnswIndex::HnswIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HnswIndex::~HnswIndex() = default;

std::unique_ptr<HnswIndex> HnswIndex::Build(const std::vector<std::vector<float>>& vectors,
                                            int dimension) {
  auto impl = std::make_unique<Impl>(dimension);
  impl->dimension = static_cast<std::size_t>(dimension);
  impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      &impl->space, std::max<std::size_t>(vectors.size(), 1), kLinks, kBuildBreadth, kSeed);
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::vector<float>& v = vectors[i];
    if (v.size() != impl->dimension) continue;
    if (std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; })) continue;
    impl->graph->addPoint(v.data(), static_cast<hnswlib::labeltype>(i));
  }
  impl->graph->setEf(kSearchBreadth);
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Load(const std::string& path, int dimension) {
  auto impl = std::make_unique<Impl>(dimension);
  impl->dimension = static_cast<std::size_t>(dimension);
  try {
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(&impl->space, path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kFailedPrecondition, path + ": " + e.what());
  }
  impl->graph->setEf(kSearchBreadth);
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

Status HnswIndex::Save(const std::string& path) const {
  try {
    impl_->graph->saveIndex(path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, "cannot save " + path + ": " + e.what());
  }
  return Status::Ok();
}

std::size_t HnswIndex::size() const { return impl_->graph->cur_element_count; }

std::size_t HnswIndex::max_id() const {
  std::size_t top = 0;
  for (const auto& [label, internal] : impl_->graph->label_lookup_) {
    top = std::max<std::size_t>(top, static_cast<std::size_t>(label));
  }
  return top;
}

std::vector<VectorHit> HnswIndex::Search(const std::vector<float>& query, std::size_t k) const {
  std::vector<VectorHit> out;
  if (query.size() != impl_->dimension || k == 0 || impl_->graph->cur_element_count == 0) {
    return out;
  }
  auto found = impl_->graph->searchKnn(query.data(), k);  // farthest on top
  out.resize(found.size());
  for (std::size_t i = found.size(); i-- > 0;) {
    const auto& [distance, label] = found.top();
    out[i] = {static_cast<std::uint32_t>(label), 1.0f - distance};  // inner-product distance
    found.pop();
  }
  return out;
}

}  // namespace estimate::ai
