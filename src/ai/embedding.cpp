#include "ai/embedding.hpp"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "normbase/russian_text.hpp"
#include "normbase/search_analyzer.hpp"

namespace estimate::ai {

namespace fs = std::filesystem;

std::vector<std::string> EmbeddingTerms(std::string_view text) {
  std::vector<normbase::Token> tokens;
  normbase::Tokenize(text, tokens);
  std::vector<std::string> terms;
  std::vector<std::string> out;
  for (const normbase::Token& t : tokens) {
    if (t.kind != normbase::TokenKind::kWord && t.kind != normbase::TokenKind::kJoined) continue;
    if (normbase::IsStopWord(t.text)) continue;
    terms.clear();
    normbase::TermsOfToken(t, terms);
    for (std::string& term : terms) {
      // Numbers a shorthand expands to («Ду» → «диаметр») stay out, as numbers do.
      if (!term.empty() && (term[0] < '0' || term[0] > '9')) out.push_back(std::move(term));
    }
  }
  return out;
}

struct FastTextEmbedder::Impl {
  fasttext::FastText model;
  std::unordered_map<std::string, float> idf;
  float unknown_idf = 1.0f;  // a term no document had: as rare as the rarest
};

FastTextEmbedder::FastTextEmbedder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FastTextEmbedder::~FastTextEmbedder() = default;

int FastTextEmbedder::dimension() const { return impl_->model.getDimension(); }

namespace {

void ComputeIdf(const std::vector<std::vector<std::string>>& docs,
                std::unordered_map<std::string, float>& idf, float& unknown) {
  std::unordered_map<std::string, int> df;
  std::unordered_set<std::string_view> seen;
  for (const auto& doc : docs) {
    seen.clear();
    for (const std::string& t : doc) {
      if (seen.insert(t).second) ++df[t];
    }
  }
  const double n = static_cast<double>(std::max<std::size_t>(docs.size(), 1));
  for (const auto& [term, count] : df) {
    idf[term] = static_cast<float>(std::log(1.0 + n / count));
  }
  unknown = static_cast<float>(std::log(1.0 + n));
}

}  // namespace

Result<std::unique_ptr<FastTextEmbedder>> FastTextEmbedder::Train(
    const std::vector<std::string>& documents, const std::string& work_dir,
    const TrainOptions& options) {
  std::vector<std::vector<std::string>> docs;
  docs.reserve(documents.size());
  long long terms = 0;
  for (const std::string& d : documents) {
    docs.push_back(EmbeddingTerms(d));
    terms += static_cast<long long>(docs.back().size());
  }
  if (terms == 0) return Status(StatusCode::kFailedPrecondition, "no words to train on");
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  const std::string corpus = (fs::path(work_dir) / "corpus.txt").string();
  {
    std::ofstream out(corpus, std::ios::binary | std::ios::trunc);
    for (const auto& doc : docs) {
      for (std::size_t i = 0; i < doc.size(); ++i) {
        if (i > 0) out << ' ';
        out << doc[i];
      }
      out << '\n';
    }
    if (!out) return Status(StatusCode::kInternal, "cannot write " + corpus);
  }
  auto impl = std::make_unique<Impl>();
  fasttext::Args args;
  args.input = corpus;
  args.model = fasttext::model_name::sg;
  args.loss = fasttext::loss_name::ns;
  args.dim = options.dimension;
  args.ws = 5;
  args.neg = 5;
  args.minCount = 1;
  args.minn = 3;
  args.maxn = 5;
  // Subword buckets in proportion to the vocabulary (fastText's default of 2,000,000 makes a
  // 512 MB model of any base): the rows hold character n-grams of the release's own words.
  {
    std::unordered_set<std::string_view> vocabulary;
    for (const auto& doc : docs) vocabulary.insert(doc.begin(), doc.end());
    args.bucket = static_cast<int>(
        std::clamp<std::size_t>(vocabulary.size() * 8, options.min_buckets, options.max_buckets));
  }
  args.lr = 0.05;
  args.thread = 1;  // deterministic
  args.verbose = 0;
  args.seed = static_cast<int>(options.seed);
  args.epoch = static_cast<int>(std::clamp<long long>(options.term_budget / terms, options.min_epochs,
                                                      options.max_epochs));
  const std::atomic<bool>* cancel = options.cancel;
  fasttext::FastText& model = impl->model;
  try {
    model.train(args, [cancel, &model](float, float, double, double, int64_t) {
      if (cancel != nullptr && cancel->load()) model.abort();
    });
  } catch (const std::exception& e) {
    fs::remove(corpus, ec);
    if (cancel != nullptr && cancel->load()) return Status(StatusCode::kUnavailable, "training stopped");
    return Status(StatusCode::kInternal, std::string("fastText training failed: ") + e.what());
  }
  if (cancel != nullptr && cancel->load()) {
    fs::remove(corpus, ec);
    return Status(StatusCode::kUnavailable, "training stopped");
  }
  fs::remove(corpus, ec);
  ComputeIdf(docs, impl->idf, impl->unknown_idf);
  return std::unique_ptr<FastTextEmbedder>(new FastTextEmbedder(std::move(impl)));
}

Result<std::unique_ptr<FastTextEmbedder>> FastTextEmbedder::Load(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->model.loadModel(path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kFailedPrecondition, path + ": not a fastText model: " + e.what());
  }
  std::ifstream in(path + ".idf", std::ios::binary);
  if (!in) return Status(StatusCode::kFailedPrecondition, path + ".idf is missing");
  std::string line;
  if (!std::getline(in, line)) return Status(StatusCode::kFailedPrecondition, path + ".idf is empty");
  try {
    impl->unknown_idf = std::stof(line);
    while (std::getline(in, line)) {
      const std::size_t tab = line.find('\t');
      if (tab == std::string::npos) return Status(StatusCode::kFailedPrecondition, path + ".idf: bad line");
      impl->idf.emplace(line.substr(0, tab), std::stof(line.substr(tab + 1)));
    }
  } catch (const std::exception&) {
    return Status(StatusCode::kFailedPrecondition, path + ".idf: not a number where one belongs");
  }
  return std::unique_ptr<FastTextEmbedder>(new FastTextEmbedder(std::move(impl)));
}

Status FastTextEmbedder::Save(const std::string& path) const {
  try {
    impl_->model.saveModel(path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, "cannot save " + path + ": " + e.what());
  }
  std::ofstream out(path + ".idf", std::ios::binary | std::ios::trunc);
  out << impl_->unknown_idf << '\n';
  for (const auto& [term, w] : impl_->idf) out << term << '\t' << w << '\n';
  out.flush();
  if (!out) return Status(StatusCode::kInternal, "cannot write " + path + ".idf");
  return Status::Ok();
}

std::vector<float> FastTextEmbedder::Embed(std::string_view text) const {
  const int dim = dimension();
  std::vector<float> sum(static_cast<std::size_t>(dim), 0.0f);
  fasttext::Vector v(dim);
  for (const std::string& term : EmbeddingTerms(text)) {
    impl_->model.getWordVector(v, term);
    const float norm = v.norm();
    if (norm <= 0) continue;
    const auto it = impl_->idf.find(term);
    const float w = (it == impl_->idf.end() ? impl_->unknown_idf : it->second) / norm;
    for (int i = 0; i < dim; ++i) sum[static_cast<std::size_t>(i)] += w * v[i];
  }
  double len = 0;
  for (float x : sum) len += static_cast<double>(x) * x;
  if (len > 0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(len));
    for (float& x : sum) x *= inv;
  }
  return sum;
}

}  // namespace estimate::ai
