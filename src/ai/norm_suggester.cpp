#include "ai/norm_suggester.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <unordered_map>

#include <unistd.h>

#include "ai/quantities.hpp"
#include "ai/vector_index.hpp"
#include "normbase/russian_text.hpp"
#include "normbase/search_analyzer.hpp"

namespace estimate::ai {

namespace fs = std::filesystem;
using normbase::BaseRelease;
using normbase::Norm;

namespace {

constexpr std::string_view kModelVersion = "norm-suggester/8";
constexpr int kCandidates = 100;  // from each of the text and the vector search
// At most this much for a figure near the top of its range rather than far below it.
constexpr double kTightness = 0.02;


std::uint64_t Fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// "100 м2" → "м2", "1 система" → stem of "система", "шт." → "шт".
std::string BaseUnit(std::string_view unit) {
  std::vector<normbase::Token> tokens;
  normbase::Tokenize(unit, tokens);
  std::string out;
  for (const normbase::Token& t : tokens) {
    if (t.kind == normbase::TokenKind::kNumber || t.kind == normbase::TokenKind::kDecimal) continue;
    if (!out.empty()) out += ' ';
    out += t.kind == normbase::TokenKind::kWord ? normbase::StemRussian(t.text) : t.text;
  }
  return out;
}

constexpr const char* kModelFiles[] = {"model.bin", "model.bin.idf", "norms.hnsw", "norms.vec"};

// The `complete` marker: the model version, then each file with its size, so that a file cut
// short (a full disk, a copy) is never read — fastText does not survive a truncated model.
std::string CompleteMarker(const fs::path& folder) {
  std::string out(kModelVersion);
  out += '\n';
  std::error_code ec;
  for (const char* f : kModelFiles) {
    const auto size = fs::file_size(folder / f, ec);
    if (ec) return {};
    out += std::string(f) + ' ' + std::to_string(size) + '\n';
  }
  return out;
}

bool MarkerHolds(const fs::path& folder) {
  std::ifstream in(folder / "complete", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string expected = CompleteMarker(folder);
  return !expected.empty() && text == expected;
}

std::string FormatScore(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s(buf);
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

}  // namespace

std::string_view ConfidenceId(Confidence c) {
  switch (c) {
    case Confidence::kHigh: return "high";
    case Confidence::kMedium: return "medium";
    case Confidence::kLow: return "low";
  }
  return "low";
}

std::string ReleaseModelKey(const BaseRelease& release) {
  // What the model and its vector ids depend on: the model version, the norms in their order
  // (an id is a norm's index), what the embeddings are trained on, and the shorthand table the
  // terms go through.
  std::vector<std::string> hashes;
  for (const auto& s : release.info.sources) hashes.push_back(s.sha256);
  std::sort(hashes.begin(), hashes.end());
  std::uint64_t h = Fnv1a(kModelVersion);
  for (const auto& s : hashes) h = Fnv1a(s, h);
  h = Fnv1a(std::to_string(release.norms.size()), h);
  for (const Norm& n : release.norms) {
    h = Fnv1a(normbase::FamilyId(n.family), h);
    h = Fnv1a(n.code, h);
    h = Fnv1a(n.name, h);
    h = Fnv1a(n.unit, h);
  }
  h = Fnv1a(std::to_string(release.sections.size() + release.resources.size()), h);
  for (const normbase::Abbreviation& a : normbase::Abbreviations()) {
    h = Fnv1a(a.from, h);
    h = Fnv1a(a.to, h);
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

struct NormSuggester::Impl {
  std::shared_ptr<const BaseRelease> release;
  std::shared_ptr<const normbase::SearchIndex> search;
  std::unique_ptr<TextEmbedder> embedder;
  std::unique_ptr<VectorIndex> vectors;
  std::vector<std::vector<Range>> ranges;          // by norm
  std::vector<std::vector<std::string>> terms;     // by norm: its terms, sorted, unique
  std::vector<std::string> base_units;             // by norm
  std::vector<float> norm_vectors;                 // by norm: `dimension` floats each
  int dimension = 0;
  HybridWeights weights;
  bool loaded = false;
  std::string key;
  std::string vectors_name;  // names the embedder: the Chroma collection's suffix
  std::string warning;       // what did not work and was done without (Chroma, the embeddings API)

  double Similarity(const std::vector<float>& q, std::uint32_t norm) const {
    const float* v = norm_vectors.data() + static_cast<std::size_t>(norm) * dimension;
    double dot = 0;
    for (int d = 0; d < dimension && d < static_cast<int>(q.size()); ++d) dot += v[d] * q[d];
    return dot;
  }

  std::uint32_t IndexOf(const Norm* n) const {
    return static_cast<std::uint32_t>(n - release->norms.data());
  }
  // The norm's table and the levels above it, nearest first.
  std::vector<const normbase::NormSection*> Titles(const Norm& n) const {
    std::vector<const normbase::NormSection*> out;
    for (std::int32_t s = n.table; s >= 0 && out.size() < 8;
         s = release->sections[static_cast<std::size_t>(s)].parent) {
      out.push_back(&release->sections[static_cast<std::size_t>(s)]);
    }
    return out;
  }
  // What the vector of a norm is made of: its name twice (it weighs most), its titles and its
  // work composition.
  std::string NormText(const Norm& n) const {
    std::string text(n.name);
    text += ' ';
    text += n.name;
    for (const normbase::NormSection* s : Titles(n)) {
      text += ' ';
      text += s->name;
    }
    for (std::string_view item : n.content) {
      text += ' ';
      text += item;
    }
    return text;
  }
};

NormSuggester::NormSuggester(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NormSuggester::~NormSuggester() = default;
bool NormSuggester::loaded() const { return impl_->loaded; }
const std::string& NormSuggester::key() const { return impl_->key; }
const std::string& NormSuggester::warning() const { return impl_->warning; }

// The local graph stays in the cache folder, for when Chroma is not configured again or fails: a
// Chroma that cannot take the vectors leaves the suggestion on the local graph, with a warning.
void NormSuggester::UseChroma(Impl& impl, const SuggesterOptions& options) {
  if (!options.chroma) return;
  // The collection names the release's model and the embedder, and a model made now (not read
  // from the cache) replaces whatever a collection of that name held.
  auto index = ChromaIndex::Publish(*options.chroma, "estimate-norms-" + impl.key + impl.vectors_name,
                                    impl.norm_vectors, impl.dimension, /*replace=*/!impl.loaded);
  if (!index.ok()) {
    impl.warning += (impl.warning.empty() ? "" : "; ") + std::string("Chroma: ") + index.status().message() +
                    "; the local index answers";
    return;
  }
  impl.vectors = std::move(*index);
}

Status NormSuggester::MakeRemoteVectors(Impl& target, const SuggesterOptions& options) {
  Impl* impl = &target;
  const OpenAiSettings& settings = *options.embeddings;
  const BaseRelease& r = *impl->release;
  const std::size_t n = r.norms.size();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(Fnv1a(settings.base_url + "|" + settings.embedding_model)));
  const std::string dir =
      options.cache_dir.empty() ? std::string() : (fs::path(options.cache_dir) / (impl->key + "-oa-" + hex)).string();
  // Everything assigned at once, only when it worked: a failure leaves `target` as it was.
  const auto finish = [&](std::unique_ptr<HnswIndex> index, std::vector<float> vectors, int dimension,
                          bool loaded) -> Status {
    impl->vectors = std::move(index);
    impl->norm_vectors = std::move(vectors);
    impl->dimension = dimension;
    impl->loaded = loaded;
    impl->vectors_name = std::string("-oa-") + hex;
    impl->embedder = std::make_unique<OpenAiEmbedder>(settings, dimension);
    return Status::Ok();
  };
  std::error_code ec;
  // Made before: the vectors and the graph, whole (the marker holds their sizes).
  if (!dir.empty() && fs::exists(fs::path(dir) / "complete", ec) && n > 0) {
    std::ifstream marker(fs::path(dir) / "complete", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(marker)), std::istreambuf_iterator<char>());
    const auto vec_size = fs::file_size(fs::path(dir) / "norms.vec", ec);
    const auto graph_size = ec ? 0 : fs::file_size(fs::path(dir) / "norms.hnsw", ec);
    const std::string expected = std::string(kModelVersion) + "\nnorms.vec " + std::to_string(vec_size) +
                                 "\nnorms.hnsw " + std::to_string(graph_size) + "\n";
    const std::size_t floats = ec ? 0 : vec_size / sizeof(float);
    if (!ec && text == expected && floats > 0 && floats % n == 0 && floats / n <= 8192) {
      const int dimension = static_cast<int>(floats / n);
      std::vector<float> nv(floats);
      std::ifstream in(fs::path(dir) / "norms.vec", std::ios::binary);
      auto index = HnswIndex::Load((fs::path(dir) / "norms.hnsw").string(), dimension);
      if (in.read(reinterpret_cast<char*>(nv.data()), static_cast<std::streamsize>(vec_size)) && index.ok()) {
        return finish(std::move(*index), std::move(nv), dimension, true);
      }
    }
  }
  // Made now: the norms' texts in batches.
  const OpenAiClient client(settings);
  const std::atomic<bool>* cancel = options.train.cancel;
  std::vector<std::vector<float>> vectors;
  vectors.reserve(n);
  constexpr std::size_t kBatch = 128;
  for (std::size_t at = 0; at < n; at += kBatch) {
    if (cancel != nullptr && cancel->load()) return Status(StatusCode::kUnavailable, "training stopped");
    std::vector<std::string> texts;
    for (std::size_t i = at; i < std::min(n, at + kBatch); ++i) texts.push_back(impl->NormText(r.norms[i]));
    auto got = client.Embed(texts);
    if (!got.ok()) return Status(got.status().code(), "embeddings of the norms: " + got.status().message());
    for (auto& v : *got) {
      if (!vectors.empty() && v.size() != vectors.front().size()) {
        return Unavailable("embeddings of the norms: the model API answered vectors of different sizes");
      }
      ToUnitLength(v);
      vectors.push_back(std::move(v));
    }
  }
  const int dimension = vectors.empty() ? 0 : static_cast<int>(vectors.front().size());
  if (dimension <= 0) return Unavailable("embeddings of the norms: none answered");
  auto index = HnswIndex::Build(vectors, dimension);
  std::vector<float> flat;
  flat.reserve(n * static_cast<std::size_t>(dimension));
  for (const auto& v : vectors) flat.insert(flat.end(), v.begin(), v.end());
  if (!dir.empty()) {
    // Written aside and renamed into place when whole, as the fastText models are.
    const fs::path work = fs::path(options.cache_dir) /
                          (".embedding-" + impl->key + "-" + std::to_string(::getpid()) + "-" +
                           std::to_string(reinterpret_cast<std::uintptr_t>(impl)));
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    bool written = false;
    {
      std::ofstream out(work / "norms.vec", std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(flat.data()), static_cast<std::streamsize>(flat.size() * sizeof(float)));
      written = static_cast<bool>(out);
    }
    if (written && index->Save((work / "norms.hnsw").string()).ok()) {
      const std::string marker = std::string(kModelVersion) + "\nnorms.vec " +
                                 std::to_string(fs::file_size(work / "norms.vec", ec)) + "\nnorms.hnsw " +
                                 std::to_string(fs::file_size(work / "norms.hnsw", ec)) + "\n";
      std::ofstream done(work / "complete", std::ios::binary | std::ios::trunc);
      done << marker;
      done.flush();
      if (done) fs::rename(work, dir, ec);
    }
    fs::remove_all(work, ec);
  }
  return finish(std::move(index), std::move(flat), dimension, false);
}

Result<std::unique_ptr<NormSuggester>> NormSuggester::Build(
    std::shared_ptr<const BaseRelease> release,
    std::shared_ptr<const normbase::SearchIndex> search, const SuggesterOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->release = std::move(release);
  impl->search = std::move(search);
  const BaseRelease& r = *impl->release;
  impl->key = ReleaseModelKey(r);
  impl->weights = options.weights;

  // Ranges, with each table's «до X» series closed; terms and units.
  impl->ranges.resize(r.norms.size());
  impl->terms.resize(r.norms.size());
  impl->base_units.resize(r.norms.size());
  std::map<std::int32_t, std::vector<std::vector<Range>*>> tables;
  for (std::size_t i = 0; i < r.norms.size(); ++i) {
    const Norm& n = r.norms[i];
    impl->ranges[i] = RangesOf(n.name);
    tables[n.table].push_back(&impl->ranges[i]);
    // The words the reasons name: of the same text the norm's vector is made of.
    std::vector<std::string> t = EmbeddingTerms(impl->NormText(n));
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    impl->terms[i] = std::move(t);
    impl->base_units[i] = BaseUnit(n.unit);
  }
  for (auto& [table, series] : tables) CloseSeries(series);

  if (options.embeddings) {
    // The embeddings API; when it cannot make the norms' vectors, fastText trained here does.
    if (Status s = MakeRemoteVectors(*impl, options); s.ok()) {
      UseChroma(*impl, options);
      return std::unique_ptr<NormSuggester>(new NormSuggester(std::move(impl)));
    } else {
      impl->warning = "embeddings API: " + s.message() + "; fastText trained here instead";
    }
  }

  const std::string dir =
      options.cache_dir.empty() ? std::string() : (fs::path(options.cache_dir) / impl->key).string();
  const std::string model_path = dir.empty() ? "" : (fs::path(dir) / "model.bin").string();
  const std::string index_path = dir.empty() ? "" : (fs::path(dir) / "norms.hnsw").string();
  const std::string vectors_path = dir.empty() ? "" : (fs::path(dir) / "norms.vec").string();
  const std::string done_path = dir.empty() ? "" : (fs::path(dir) / "complete").string();
  std::error_code ec;
  if (!dir.empty() && fs::exists(done_path, ec)) {
    auto model = MarkerHolds(dir) ? FastTextEmbedder::Load(model_path)
                                  : Result<std::unique_ptr<FastTextEmbedder>>(
                                        Status(StatusCode::kFailedPrecondition, "damaged"));
    if (model.ok() && (*model)->dimension() > 0 && (*model)->dimension() <= 1024) {
      const int dim = (*model)->dimension();
      const std::size_t floats = r.norms.size() * static_cast<std::size_t>(dim);
      auto index = HnswIndex::Load(index_path, dim);
      std::vector<float> nv;
      bool read = fs::file_size(vectors_path, ec) == floats * sizeof(float) && !ec;
      if (read) {
        nv.resize(floats);
        std::ifstream in(vectors_path, std::ios::binary);
        read = static_cast<bool>(in.read(reinterpret_cast<char*>(nv.data()),
                                         static_cast<std::streamsize>(floats * sizeof(float))));
      }
      // The graph's ids are norm indexes: one past the norms is a model of another release.
      if (index.ok() && read && (*index)->size() <= r.norms.size() &&
          (*index)->max_id() < std::max<std::size_t>(r.norms.size(), 1)) {
        impl->embedder = std::move(*model);
        impl->vectors = std::move(*index);
        impl->norm_vectors = std::move(nv);
        impl->dimension = dim;
        impl->loaded = true;
        UseChroma(*impl, options);
        return std::unique_ptr<NormSuggester>(new NormSuggester(std::move(impl)));
      }
    }
    // A damaged model is moved aside (another process may be reading it) and trained again.
    const std::string aside = dir + ".damaged-" + std::to_string(::getpid()) + "-" +
                              std::to_string(reinterpret_cast<std::uintptr_t>(impl.get()));
    fs::rename(dir, aside, ec);
    if (!ec) fs::remove_all(aside, ec);
  }

  // The training texts: every norm with its titles, composition and resource names; every
  // resource of the price book.
  std::vector<std::string> documents;
  documents.reserve(r.norms.size() + r.resources.size());
  for (const Norm& n : r.norms) {
    std::string text = impl->NormText(n);
    for (const normbase::NormResource& res : n.resources) {
      if (res.name.empty()) continue;
      text += ' ';
      text += res.name;
    }
    documents.push_back(std::move(text));
  }
  for (const normbase::PriceBookEntry& e : r.resources) documents.emplace_back(e.name);
  // Written into a folder of this process's own and renamed into place when whole, so that
  // processes sharing the cache (instances of the service, test programs) never read a model
  // half-written; of two that train the same release, the first rename wins.
  const std::string work =
      (fs::path(dir.empty() ? fs::temp_directory_path().string() : options.cache_dir) /
       (".training-" + impl->key + "-" + std::to_string(::getpid()) + "-" +
        std::to_string(reinterpret_cast<std::uintptr_t>(impl.get()))))
          .string();
  fs::remove_all(work, ec);
  auto trained = FastTextEmbedder::Train(documents, work, options.train);
  if (!trained.ok()) {
    fs::remove_all(work, ec);
    return trained.status();
  }
  const std::atomic<bool>* cancel = options.train.cancel;
  auto cancelled = [&] { return cancel != nullptr && cancel->load(); };
  std::vector<std::vector<float>> vectors;
  vectors.reserve(r.norms.size());
  for (const Norm& n : r.norms) {
    if (cancelled()) {
      fs::remove_all(work, ec);
      return Status(StatusCode::kUnavailable, "training stopped");
    }
    vectors.push_back((*trained)->Embed(impl->NormText(n)));
  }
  auto index = HnswIndex::Build(vectors, (*trained)->dimension());
  impl->dimension = (*trained)->dimension();
  impl->norm_vectors.reserve(vectors.size() * static_cast<std::size_t>(impl->dimension));
  for (const std::vector<float>& v : vectors) {
    impl->norm_vectors.insert(impl->norm_vectors.end(), v.begin(), v.end());
  }
  if (!dir.empty()) {
    const fs::path w(work);
    bool written = false;
    {
      std::ofstream out(w / "norms.vec", std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(impl->norm_vectors.data()),
                static_cast<std::streamsize>(impl->norm_vectors.size() * sizeof(float)));
      written = static_cast<bool>(out);
    }
    // Read back before it is marked whole: neither library checks its writes.
    const bool saved = written && !cancelled() &&
                       (*trained)->Save((w / "model.bin").string()).ok() &&
                       index->Save((w / "norms.hnsw").string()).ok() &&
                       FastTextEmbedder::Load((w / "model.bin").string()).ok() &&
                       HnswIndex::Load((w / "norms.hnsw").string(), impl->dimension).ok();
    bool marked = false;
    if (saved) {
      const std::string marker = CompleteMarker(w);
      std::ofstream done(w / "complete", std::ios::binary | std::ios::trunc);
      done << marker;
      done.flush();
      marked = !marker.empty() && static_cast<bool>(done);
    }
    fs::remove(w / "corpus.txt", ec);
    // A directory is renamed only onto none or an empty one: when another process was first,
    // its model stays and this one is dropped.
    if (marked) fs::rename(work, dir, ec);
    if (!marked || ec) fs::remove_all(work, ec);
  } else {
    fs::remove_all(work, ec);
  }
  impl->embedder = std::move(*trained);
  impl->vectors = std::move(index);
  UseChroma(*impl, options);
  return std::unique_ptr<NormSuggester>(new NormSuggester(std::move(impl)));
}

namespace {

struct Candidate {
  std::uint32_t norm = 0;
  double text = 0;
  double vector = 0;
  bool vector_known = false;
  struct Number {
    const Figure* figure;
    const Range* range;
    bool held;  // the figure is inside the range
  };
  std::vector<Number> numbers;  // the norm's ranges that a figure of the description speaks of
  int unit = 0;  // +1 agrees, -1 differs, 0 unknown
  double score = 0;
};

}  // namespace

std::vector<NormSuggestion> NormSuggester::Suggest(const SuggestQuery& query,
                                                   SuggestMode mode) const {
  const Impl& m = *impl_;
  const BaseRelease& r = *m.release;
  const int limit = std::clamp(query.limit, 1, 50);
  std::unordered_map<std::uint32_t, Candidate> candidates;
  auto candidate = [&](std::uint32_t i) -> Candidate& {
    Candidate& c = candidates[i];
    c.norm = i;
    return c;
  };

  if (mode != SuggestMode::kVectors) {
    normbase::SearchQuery sq;
    sq.text = query.text;
    sq.family = query.family;
    sq.limit = mode == SuggestMode::kText ? limit : kCandidates;
    if (mode == SuggestMode::kHybrid) sq.min_match = 1;
    const auto found = m.search->SearchNorms(sq);
    float best = 1e-6f;  // the hits come by words matched first, so the best score is anywhere
    for (const auto& h : found.hits) best = std::max(best, h.score);
    if (mode == SuggestMode::kText) {
      std::vector<NormSuggestion> out;
      for (const auto& h : found.hits) {
        NormSuggestion s;
        s.norm = h.norm;
        s.text_score = s.score = h.score / best;
        out.push_back(std::move(s));
      }
      return out;
    }
    for (const auto& h : found.hits) {
      Candidate& c = candidate(m.IndexOf(h.norm));
      c.text = std::max(c.text, static_cast<double>(h.score / best));
    }
  }

  const std::vector<float> qv = m.embedder->Embed(query.text);
  // A description the embedder could not embed (the API failed): the words alone rank.
  const bool meaning = std::any_of(qv.begin(), qv.end(), [](float x) { return x != 0.0f; });
  if (meaning) {
    const std::size_t k = query.family ? kCandidates * 4 : kCandidates;
    for (const VectorHit& h : m.vectors->Search(qv, k)) {
      if (h.id >= r.norms.size()) continue;
      if (query.family && r.norms[h.id].family != *query.family) continue;
      Candidate& c = candidate(h.id);
      c.vector = h.similarity;
      c.vector_known = true;
    }
  }
  // Candidates the text search found but the graph did not return: their similarity directly.
  const std::vector<Figure> figures = FiguresOf(query.text);
  const std::string query_unit = query.unit.empty() ? std::string() : BaseUnit(query.unit);
  const HybridWeights& w = m.weights;
  for (auto& [i, c] : candidates) {
    if (!c.vector_known) {
      c.vector = meaning ? m.Similarity(qv, i) : 0.0;
      c.vector_known = true;
    }
    if (mode == SuggestMode::kVectors) {
      c.score = c.vector;
      continue;
    }
    // Each range of the norm with a figure of its quantity: held or missed.
    int held = 0;
    for (const Range& rg : m.ranges[i]) {
      const Figure* in = nullptr;
      const Figure* any = nullptr;
      for (const Figure& f : figures) {
        if (!SameQuantity(f, rg)) continue;
        any = any ? any : &f;
        if (!in && rg.Holds(f.value)) in = &f;
      }
      // A value of its own («группа грунтов 2», «мощностью 80 МВА») counts when met; one not
      // met says little (the series may hold no nearer value), so it does not count against.
      if (in || (any && !rg.exact)) c.numbers.push_back({in ? in : any, &rg, in != nullptr});
      held += in != nullptr;
    }
    double numbers = 0;
    if (!c.numbers.empty()) {
      const auto n = static_cast<double>(c.numbers.size());
      numbers = (w.in_range * held - w.out_of_range * (n - held)) / n;
      // Of ranges that hold the figure, the tighter one: 8 within «до 10» before «до 180».
      for (const Candidate::Number& x : c.numbers) {
        if (!x.held || !x.range->high || x.range->exact) continue;
        if (!x.range->high->ok() || !x.figure->value.ok() || x.range->high->IsZero() ||
            x.figure->value.IsNegative()) {
          continue;
        }
        const double share = std::stod(
            core::Decimal::Divide(x.figure->value, *x.range->high, 4).ToString());  // a score only
        numbers += kTightness * std::min(1.0, share) / n;
      }
    }
    if (!query_unit.empty() && !m.base_units[i].empty()) {
      c.unit = query_unit == m.base_units[i] ? 1 : -1;
    }
    c.score = w.text * c.text + w.meaning * std::max(0.0, c.vector) + numbers +
              (c.unit > 0 ? w.unit : c.unit < 0 ? -w.unit : 0.0);
  }
  std::vector<const Candidate*> ranked;
  ranked.reserve(candidates.size());
  for (const auto& [i, c] : candidates) {
    if (query.family && r.norms[i].family != *query.family) continue;
    ranked.push_back(&c);
  }
  std::sort(ranked.begin(), ranked.end(), [&](const Candidate* a, const Candidate* b) {
    if (a->score != b->score) return a->score > b->score;
    return r.norms[a->norm].code < r.norms[b->norm].code;
  });
  if (ranked.size() > static_cast<std::size_t>(limit)) ranked.resize(static_cast<std::size_t>(limit));

  // The description's words, to name those the norm shares.
  std::vector<normbase::Token> tokens;
  normbase::Tokenize(query.text, tokens);
  std::vector<NormSuggestion> out;
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    const Candidate& c = *ranked[k];
    const Norm& n = r.norms[c.norm];
    NormSuggestion s;
    s.norm = &n;
    s.score = std::clamp(c.score, 0.0, 1.0);
    s.text_score = c.text;
    s.vector_score = c.vector;
    const std::vector<std::string>& nt = m.terms[c.norm];
    for (const normbase::Token& t : tokens) {
      if (t.kind != normbase::TokenKind::kWord && t.kind != normbase::TokenKind::kJoined) continue;
      const std::vector<std::string> terms = EmbeddingTerms(t.text);
      const bool hit = std::any_of(terms.begin(), terms.end(), [&](const std::string& term) {
        return std::binary_search(nt.begin(), nt.end(), term);
      });
      const std::string word(query.text.substr(t.begin, t.end - t.begin));
      if (hit && std::find(s.matched_terms.begin(), s.matched_terms.end(), word) ==
                     s.matched_terms.end()) {
        s.matched_terms.push_back(word);
      }
    }
    if (mode == SuggestMode::kHybrid) {
      if (!s.matched_terms.empty()) {
        std::string text = "совпали слова: ";
        for (std::size_t w = 0; w < s.matched_terms.size(); ++w) {
          if (w > 0) text += ", ";
          text += s.matched_terms[w];
        }
        s.reasons.push_back({"terms", std::move(text), false});
      }
      for (const Candidate::Number& x : c.numbers) {
        const char* how = x.range->exact ? "как в норме: «"
                          : x.held       ? "в диапазоне нормы «"
                                         : "вне диапазона нормы «";
        s.reasons.push_back({"number", "«" + x.figure->text + "» " + how + x.range->text + "»",
                             !x.held});
      }
      if (c.unit != 0) {
        s.reasons.push_back({"unit",
                             c.unit > 0 ? "единица измерения совпадает: " + std::string(n.unit)
                                        : "единица нормы «" + std::string(n.unit) +
                                              "», в описании «" + query.unit + "»",
                             c.unit < 0});
      }
      const auto titles = m.Titles(n);
      if (!titles.empty()) {
        const normbase::NormSection* root = titles.back();
        s.reasons.push_back({"collection",
                             std::string(normbase::FamilyPrefix(n.family)) + ", сборник " +
                                 std::string(root->code) + " «" + std::string(root->name) + "»",
                             false});
      }
      s.reasons.push_back({"meaning", "близость по смыслу " + FormatScore(c.vector), false});
    }
    out.push_back(std::move(s));
  }
  // Confidence: how good the best is, and how far ahead of the next.
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double next = k + 1 < out.size() ? out[k + 1].score : 0.0;
    const double margin = k == 0 ? out[k].score - next : 0.0;
    if (mode != SuggestMode::kHybrid) {
      out[k].confidence = Confidence::kLow;
    } else if (k == 0 && out[k].score >= 0.70 && margin >= 0.05) {
      out[k].confidence = Confidence::kHigh;
    } else if (out[k].score >= 0.50) {
      out[k].confidence = Confidence::kMedium;
    } else {
      out[k].confidence = Confidence::kLow;
    }
  }
  return out;
}

}  // namespace estimate::ai
