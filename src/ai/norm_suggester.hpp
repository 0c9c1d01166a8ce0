#pragma once
// The right norm for a plain description: «замена шкафа управления лифтом, 9 этажей», «ПНР
// вентустановки 12 тыс. м3/ч» → the norms of the active release, ranked, each with a score, a
// confidence band and the reasons an estimator can check.
//
// Ranking is hybrid:
//   text      the release's full-text search (normbase::SearchIndex: BM25F over names, titles,
//             work compositions; stems, shorthand, codes) asked for any query word;
//   meaning   cosine similarity of fastText sentence vectors (embedding.hpp) found through an
//             HNSW index (vector_index.hpp): paraphrases, synonyms, other word forms;
//   numbers   a figure of the description inside the range of the norm's name (quantities.hpp) —
//             what picks the right norm of a series («до 2,5 т/ч» vs «до 5 т/ч»); outside it
//             counts against the norm;
//   unit      the description's unit against the norm's («шт» = «шт.», «м2» ~ «100 м2»).
// The model and the index of a release are trained and built once and kept under `cache_dir`
// (one folder per release content), so a restart loads them in a moment.
//
// Build is slow (seconds to a minute); Suggest is const and thread-safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ai/chroma_client.hpp"
#include "ai/embedding.hpp"
#include "ai/openai_client.hpp"
#include "core/decimal.hpp"
#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "normbase/search.hpp"

namespace estimate::ai {

struct SuggestQuery {
  std::string text;
  std::string unit;                          // the description's unit, if any
  std::optional<core::Decimal> quantity;     // its quantity, if any
  std::optional<normbase::NormFamily> family;
  int limit = 5;                             // 1 … 50
};

// kText: the plain search as the base panel runs it (the baseline); kVectors: meaning alone;
// kHybrid: the assistant's ranking.
enum class SuggestMode { kHybrid, kText, kVectors };

enum class Confidence { kHigh, kMedium, kLow };
std::string_view ConfidenceId(Confidence c);  // "high", "medium", "low"

struct SuggestReason {
  std::string kind;  // "terms", "number", "unit", "collection", "meaning"
  std::string text;  // in Russian, for the estimator
  bool against = false;  // counts against the norm (a figure outside its range, another unit)
};

struct NormSuggestion {
  const normbase::Norm* norm = nullptr;
  double score = 0;  // 0 … 1
  Confidence confidence = Confidence::kLow;
  double text_score = 0;    // 0 … 1, relative to the best full-text hit
  double vector_score = 0;  // cosine similarity
  std::vector<std::string> matched_terms;  // the description's words found in the norm
  std::vector<SuggestReason> reasons;
};

// The parts of the hybrid score (tuned on bench/ai/suggest_eval.jsonl, see docs/design/ai.md).
struct HybridWeights {
  double text = 0.40;          // × the full-text score relative to the best hit
  double meaning = 0.45;       // × the cosine similarity
  double in_range = 0.20;      // the description's figures inside the norm's ranges
  double out_of_range = 0.30;  // … outside them
  double unit = 0.05;          // ± the unit agreeing or not
};

struct SuggesterOptions {
  std::string cache_dir;  // where models and indexes are kept; empty: nothing is saved
  TrainOptions train;
  HybridWeights weights;
  // CHROMA_URL: the norms' vectors searched in a Chroma collection ("estimate-norms-<key>")
  // instead of the local hnswlib file.
  std::optional<ChromaSettings> chroma{};
  // OPENAI_EMBEDDING_MODEL (with OPENAI_API_KEY): the meaning from an OpenAI-compatible
  // /embeddings endpoint instead of fastText; the norms' vectors are made once per release and
  // model and kept under cache_dir ("<key>-oa-<model hash>").
  std::optional<OpenAiSettings> embeddings{};
};

class NormSuggester {
 public:
  static Result<std::unique_ptr<NormSuggester>> Build(
      std::shared_ptr<const normbase::BaseRelease> release,
      std::shared_ptr<const normbase::SearchIndex> search, const SuggesterOptions& options);

  std::vector<NormSuggestion> Suggest(const SuggestQuery& query,
                                      SuggestMode mode = SuggestMode::kHybrid) const;

  // Whether the model and the index came from cache_dir rather than being trained now.
  bool loaded() const;
  // The folder name of this release's model under cache_dir.
  const std::string& key() const;
  // What did not work and was done without (Chroma, the embeddings API); empty when all did.
  const std::string& warning() const;

  ~NormSuggester();

 private:
  struct Impl;
  explicit NormSuggester(std::unique_ptr<Impl> impl);
  // With CHROMA_URL: the norms' vectors into Chroma, and searched there (the local graph when
  // Chroma fails, with a warning).
  static void UseChroma(Impl& impl, const SuggesterOptions& options);
  // With OPENAI_EMBEDDING_MODEL: the norms' vectors from the embeddings API (or the cache);
  // `impl` unchanged when it fails.
  static Status MakeRemoteVectors(Impl& impl, const SuggesterOptions& options);
  std::unique_ptr<Impl> impl_;
};

// The cache folder name of a release: its sources' SHA-256, its counts and the model's version.
std::string ReleaseModelKey(const normbase::BaseRelease& release);

}  // namespace estimate::ai
