#pragma once
// A Chroma vector database (CHROMA_URL, Chroma 0.6 and 1.x: its HTTP API v2) for the assistant's
// vectors, in place of the local hnswlib index:
//   GET    {url}/api/v2/heartbeat                                  → {"nanosecond heartbeat": n}
//   POST   {url}/api/v2/tenants/{t}/databases/{d}/collections      {"name", "get_or_create": true,
//          "metadata": {"hnsw:space": "cosine"}}                    → the collection, its "id"
//   POST   …/collections/{id}/upsert   {"ids", "embeddings"}       (in batches of `batch`)
//   POST   …/collections/{id}/query    {"query_embeddings": [v], "n_results": k,
//          "include": ["distances"]}                                → {"ids": [[…]], "distances": [[…]]}
//   GET    …/collections/{id}/count                                 → a bare number
//   DELETE …/collections/{name}
// The token (CHROMA_TOKEN) goes in the x-chroma-token header.
//
// Retries (http::RetryPolicy) connection failures, timeouts, 429, 502, 503 and 504 — every call is
// idempotent (an upsert, a get-or-create). Errors name Chroma's URL, the step and Chroma's own
// message ({"error": "NotFoundError", "message": "…"}); the token never appears in them (a server
// that echoes it has it cut out). Thread-safe: no state but the settings.
#include <atomic>
#include <chrono>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "ai/vector_index.hpp"
#include "http/client.hpp"

namespace estimate::ai {

struct ChromaSettings {
  std::string url;  // CHROMA_URL: http://localhost:8000 (a trailing "/" or "/api/v2" is dropped)
  std::string tenant = "default_tenant";
  std::string database = "default_database";
  std::string token;  // CHROMA_TOKEN; empty: none sent
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // each whole exchange
  http::RetryPolicy retry;
  std::size_t batch = 1000;  // records per upsert request (Chroma refuses over its max_batch_size)
  std::string ca_file;       // a private server's certificate authority; empty: the system's
};

struct ChromaHit {
  std::string id;
  double distance = 0;  // cosine distance (1 − similarity) in a collection made by EnsureCollection
};

class ChromaClient {
 public:
  explicit ChromaClient(ChromaSettings settings);

  Status Heartbeat() const;

  // The id of the collection `name` (cosine space), created when absent.
  Result<std::string> EnsureCollection(const std::string& name) const;

  // ids[i] ↔ vectors[i]; all vectors of one dimension, finite. Sent in batches of settings.batch;
  // a failed batch stops the rest (the earlier ones stay: an upsert again is harmless).
  Status Upsert(const std::string& collection_id, const std::vector<std::string>& ids,
                const std::vector<std::vector<float>>& vectors) const;

  // The k nearest, nearest first (as Chroma orders them).
  Result<std::vector<ChromaHit>> Query(const std::string& collection_id, const std::vector<float>& vector,
                                       int k) const;

  Result<std::int64_t> Count(const std::string& collection_id) const;

  // NotFound when there is no such collection.
  Status DeleteCollection(const std::string& name) const;

 private:
  // Fetches with retries; the answer when 2xx, else a Status naming `step`.
  Result<http::ClientResponse> Call(std::string_view method, const std::string& path, std::string body,
                                    std::string_view step) const;
  std::string CollectionsPath() const;
  Status ChromaError(const http::ClientResponse& r, std::string_view step) const;
  Status Malformed(std::string_view step, std::string_view what) const;
  std::string WithoutToken(std::string text) const;

  ChromaSettings settings_;
};

// The norms' vectors of a suggester in a Chroma collection (CHROMA_URL) instead of the local
// hnswlib file: the collection `name` is filled (ids are the vectors' indexes; zero vectors left
// out) unless it already holds them all, and searched by Chroma. A search Chroma fails answers
// nothing (the suggestion falls back on the full text) and counts in failures().
class ChromaIndex : public VectorIndex {
 public:
  // `replace`: the vectors are sent even when the collection holds as many (a model made anew).
  static Result<std::unique_ptr<ChromaIndex>> Publish(const ChromaSettings& settings, const std::string& name,
                                                      const std::vector<float>& vectors, int dimension,
                                                      bool replace = false);
  std::vector<VectorHit> Search(const std::vector<float>& query, std::size_t k) const override;
  std::int64_t failures() const { return failures_.load(); }

 private:
  ChromaIndex(ChromaClient client, std::string collection_id)
      : client_(std::move(client)), collection_id_(std::move(collection_id)) {}
  ChromaClient client_;
  std::string collection_id_;
  mutable std::atomic<std::int64_t> failures_{0};
};

}  // namespace estimate::ai
