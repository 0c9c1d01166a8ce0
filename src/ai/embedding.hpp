#pragma once
// Sentence vectors of the normative base's Russian texts, from a fastText model (libfasttext,
// Debian) trained here, without network, on the release's own texts: norm names with their table
// and section titles, work compositions and resource names. fastText builds a word's vector from
// its character n-grams too, so an inflected, misspelt or unseen word still lands near its
// relatives («шкафа» near «шкаф», «вентилятора» near «вентиляторы»).
//
// Words go through the search's analyzer first (case folding, ё = е, stop words, Snowball stems,
// the estimators' shorthand: ПНР, ШУ, Ду, …), so the model, the full-text search and the queries
// speak the same terms. A text's vector is the IDF-weighted mean of its terms' unit vectors,
// normalized; numbers are left out (ranges are matched as numbers, quantities.hpp).
//
// Training is deterministic (one thread, fixed seed): the same release gives the same model.
// Embed() is const and thread-safe.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace estimate::ai {

// The terms of a text as the model sees them (analyzer terms, numbers left out).
std::vector<std::string> EmbeddingTerms(std::string_view text);

class TextEmbedder {
 public:
  virtual ~TextEmbedder() = default;
  virtual int dimension() const = 0;
  // The unit vector of `text`; all zeros when none of its terms is known to the model.
  virtual std::vector<float> Embed(std::string_view text) const = 0;
};

struct TrainOptions {
  int dimension = 64;
  int min_epochs = 5;
  int max_epochs = 25;
  // Epochs are chosen so that about this many terms are trained on in all (a small base gets
  // more passes, a full one fewer): seconds for the sample base, under a minute for 60,000 norms.
  long long term_budget = 12'000'000;
  unsigned seed = 42;
  // Rows of character n-grams: 8 per word of the vocabulary, within these bounds (a model is
  // about buckets × dimension × 4 bytes).
  std::size_t min_buckets = 20'000;
  std::size_t max_buckets = 400'000;
  // Set from another thread to stop a training under way (Train returns kUnavailable, "training stopped").
  const std::atomic<bool>* cancel = nullptr;
};

class FastTextEmbedder : public TextEmbedder {
 public:
  // Trains on `documents` (one text each). `work_dir` holds the training file while it runs.
  static Result<std::unique_ptr<FastTextEmbedder>> Train(const std::vector<std::string>& documents,
                                                         const std::string& work_dir,
                                                         const TrainOptions& options = {});
  // A model saved by Save().
  static Result<std::unique_ptr<FastTextEmbedder>> Load(const std::string& path);
  Status Save(const std::string& path) const;

  ~FastTextEmbedder() override;
  int dimension() const override;
  std::vector<float> Embed(std::string_view text) const override;

 private:
  struct Impl;
  explicit FastTextEmbedder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace estimate::ai
