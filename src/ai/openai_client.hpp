#pragma once
// An OpenAI-compatible API — OpenAI itself, or a local llama.cpp, vLLM or Ollama server at
// OPENAI_BASE_URL: chat completions streamed as server-sent events (POST {base}/chat/completions
// with "stream": true; each event's choices[0].delta.content, the usage of the last, "[DONE]"),
// and embeddings (POST {base}/embeddings).
//
// Retries (http::RetryPolicy) connection failures, timeouts, 429 and 5xx — a chat only while no
// text has reached the caller. Errors name the provider's host and its own message; the key
// never appears in them (a provider that echoes it has it cut out). Thread-safe: no state but
// the settings.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ai/embedding.hpp"
#include "core/status.hpp"
#include "http/client.hpp"

namespace estimate::ai {

struct OpenAiSettings {
  std::string base_url = "https://api.openai.com/v1";  // OPENAI_BASE_URL
  std::string api_key;                                 // OPENAI_API_KEY
  std::string model = "gpt-4o-mini";                   // OPENAI_MODEL
  std::string embedding_model = "text-embedding-3-small";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{60000};  // a whole answer; a stream: each next piece
  http::RetryPolicy retry;
  std::string ca_file;  // a private server's certificate authority; empty: the system's
};

struct ChatMessage {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

struct ChatOutcome {
  std::string text;
  std::string finish_reason;  // "stop", "length", … ("" when the stream ended without one)
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  int attempts = 0;
};

// Server-sent events (the WHATWG event-stream format): bytes in, the data of each event out.
class SseReader {
 public:
  void Feed(std::string_view bytes, const std::function<void(std::string_view data)>& on_event);

 private:
  std::string pending_;  // an incomplete line
  std::string data_;     // the data lines of the event being read
  bool has_data_ = false;
};

class OpenAiClient {
 public:
  explicit OpenAiClient(OpenAiSettings settings);

  // Streams the answer: `on_text` gets each piece as it arrives; false stops the stream (the
  // outcome then holds what came).
  Result<ChatOutcome> Chat(const std::vector<ChatMessage>& messages,
                           const std::function<bool(std::string_view)>& on_text) const;

  // One vector per text, in the texts' order.
  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) const;

 private:
  http::ClientRequest Request(std::string_view path, std::string body) const;
  Status ProviderError(const http::ClientResponse& r) const;
  std::string WithoutKey(std::string text) const;

  OpenAiSettings settings_;
};

// Embeddings of an OpenAI-compatible /embeddings endpoint as the suggestion's meaning: unit
// vectors of `dimension` floats (the norms' were made by the same model). A text the provider
// fails to embed gets a zero vector, so that the suggestion ranks on the words alone; failures()
// counts them.
class OpenAiEmbedder : public TextEmbedder {
 public:
  OpenAiEmbedder(OpenAiSettings settings, int dimension) : client_(std::move(settings)), dimension_(dimension) {}
  int dimension() const override { return dimension_; }
  std::vector<float> Embed(std::string_view text) const override;
  std::int64_t failures() const { return failures_.load(); }

 private:
  OpenAiClient client_;
  int dimension_;
  mutable std::atomic<std::int64_t> failures_{0};
};

// Scales `v` to unit length (a zero vector stays zero).
void ToUnitLength(std::vector<float>& v);

}  // namespace estimate::ai
