#include "ai/openai_client.hpp"

#include <boost/json.hpp>

#include <cmath>

#include <thread>
#include <utility>

namespace estimate::ai {

namespace json = boost::json;

void SseReader::Feed(std::string_view bytes,
                     const std::function<void(std::string_view data)>& on_event) {
  pending_.append(bytes);
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(pending_.data() + start, nl - start);
    start = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {  // the end of an event
      if (has_data_) on_event(data_);
      data_.clear();
      has_data_ = false;
      continue;
    }
    if (line.front() == ':') continue;  // a comment (keep-alive)
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (has_data_) data_ += '\n';
      data_ += value;
      has_data_ = true;
    }
  }
  pending_.erase(0, start);
}

OpenAiClient::OpenAiClient(OpenAiSettings settings) : settings_(std::move(settings)) {
  while (!settings_.base_url.empty() && settings_.base_url.back() == '/') settings_.base_url.pop_back();
}

http::ClientRequest OpenAiClient::Request(std::string_view path, std::string body) const {
  http::ClientRequest r;
  r.method = "POST";
  r.url = settings_.base_url + std::string(path);
  r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};
  if (!settings_.api_key.empty()) r.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
  r.body = std::move(body);
  r.connect_timeout = settings_.connect_timeout;
  r.timeout = settings_.timeout;
  r.ca_file = settings_.ca_file;
  return r;
}

std::string OpenAiClient::WithoutKey(std::string text) const {
  if (settings_.api_key.size() >= 8) {
    for (std::size_t at; (at = text.find(settings_.api_key)) != std::string::npos;) {
      text.replace(at, settings_.api_key.size(), "[key]");
    }
  }
  if (text.size() > 500) text.resize(500);
  return text;
}

Status OpenAiClient::ProviderError(const http::ClientResponse& r) const {
  std::string message;
  boost::system::error_code ec;
  const json::value v = json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    if (const json::value* e = v.as_object().if_contains("error")) {
      if (e->is_object()) {
        if (const json::value* m = e->as_object().if_contains("message"); m && m->is_string()) {
          message = std::string(m->as_string());
        }
      } else if (e->is_string()) {
        message = std::string(e->as_string());
      }
    }
  }
  if (message.empty()) message = r.body.substr(0, 200);
  message = WithoutKey(std::move(message));
  const std::string where = "the model API (" + settings_.base_url + ") answered " + std::to_string(r.status);
  if (r.status == 401 || r.status == 403) {
    return Status(StatusCode::kPermissionDenied, where + ": the key is refused: " + message);
  }
  if (r.status == 429 || r.status >= 500) return Unavailable(where + ": " + message);
  return Status(StatusCode::kFailedPrecondition, where + ": " + message);
}

Result<ChatOutcome> OpenAiClient::Chat(const std::vector<ChatMessage>& messages,
                                       const std::function<bool(std::string_view)>& on_text) const {
  json::array list;
  for (const ChatMessage& m : messages) list.emplace_back(json::object{{"role", m.role}, {"content", m.content}});
  json::object body{{"model", settings_.model},
                    {"messages", std::move(list)},
                    {"stream", true},
                    {"stream_options", json::object{{"include_usage", true}}},
                    {"temperature", 0.2}};
  const http::ClientRequest request = Request("/chat/completions", json::serialize(body));

  ChatOutcome out;
  std::chrono::milliseconds delay = settings_.retry.first_delay;
  const int attempts = std::max(settings_.retry.attempts, 1);
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
    SseReader reader;
    std::string raw;  // the body as it came, for an error's message
    bool stopped = false;
    Status bad_event = Status::Ok();
    auto got = http::Fetch(request, [&](std::string_view piece) {
      if (raw.size() < 65536) raw.append(piece.substr(0, 65536 - raw.size()));
      reader.Feed(piece, [&](std::string_view data) {
        if (stopped || !bad_event.ok() || data == "[DONE]") return;
        boost::system::error_code ec;
        const json::value v = json::parse(data, ec);
        if (ec || !v.is_object()) {
          bad_event = Unavailable("the model API (" + settings_.base_url + ") sent an event that is not JSON");
          return;
        }
        const json::object& o = v.as_object();
        if (const json::value* u = o.if_contains("usage"); u && u->is_object()) {
          const json::object& uo = u->as_object();
          if (const json::value* p = uo.if_contains("prompt_tokens"); p && p->is_int64()) out.prompt_tokens = p->as_int64();
          if (const json::value* c = uo.if_contains("completion_tokens"); c && c->is_int64()) out.completion_tokens = c->as_int64();
        }
        const json::value* choices = o.if_contains("choices");
        if (choices == nullptr || !choices->is_array() || choices->as_array().empty()) return;
        const json::value& first = choices->as_array().front();
        if (!first.is_object()) return;
        if (const json::value* f = first.as_object().if_contains("finish_reason"); f && f->is_string()) {
          out.finish_reason = std::string(f->as_string());
        }
        const json::value* delta = first.as_object().if_contains("delta");
        if (delta == nullptr || !delta->is_object()) return;
        const json::value* content = delta->as_object().if_contains("content");
        if (content == nullptr || !content->is_string() || content->as_string().empty()) return;
        const std::string_view text = content->as_string();
        out.text.append(text);
        if (on_text && !on_text(text)) stopped = true;
      });
      return !stopped && bad_event.ok();
    });
    Status failure = Status::Ok();
    if (!got.ok()) {
      failure = Unavailable(WithoutKey(got.status().message()));
    } else if (got->status < 200 || got->status >= 300) {
      http::ClientResponse r = *got;
      r.body = raw;
      failure = ProviderError(r);
    } else if (!bad_event.ok()) {
      return bad_event;
    } else {
      return out;
    }
    // Again only while nothing has reached the caller, and only what may pass.
    const bool transient = failure.code() == StatusCode::kUnavailable && out.text.empty();
    if (!transient || attempt >= attempts) return failure;
    std::this_thread::sleep_for(std::min(delay, settings_.retry.max_delay));
    delay = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * settings_.retry.factor));
  }
}

Result<std::vector<std::vector<float>>> OpenAiClient::Embed(const std::vector<std::string>& texts) const {
  json::array input;
  for (const std::string& t : texts) input.emplace_back(t);
  json::object body{{"model", settings_.embedding_model}, {"input", std::move(input)}};
  auto got = http::FetchWithRetry(Request("/embeddings", json::serialize(body)), settings_.retry);
  if (!got.ok()) return Unavailable(WithoutKey(got.status().message()));
  if (got->status < 200 || got->status >= 300) return ProviderError(*got);
  boost::system::error_code ec;
  const json::value v = json::parse(got->body, ec);
  const json::value* data = !ec && v.is_object() ? v.as_object().if_contains("data") : nullptr;
  if (data == nullptr || !data->is_array()) {
    return Unavailable("the model API (" + settings_.base_url + ") answered embeddings without \"data\"");
  }
  std::vector<std::vector<float>> out(texts.size());
  for (const json::value& item : data->as_array()) {
    const json::object* o = item.if_object();
    const json::value* index = o ? o->if_contains("index") : nullptr;
    const json::value* emb = o ? o->if_contains("embedding") : nullptr;
    if (index == nullptr || !index->is_int64() || emb == nullptr || !emb->is_array() ||
        index->as_int64() < 0 || static_cast<std::size_t>(index->as_int64()) >= out.size()) {
      return Unavailable("the model API (" + settings_.base_url + ") answered a malformed embedding");
    }
    std::vector<float>& vec = out[static_cast<std::size_t>(index->as_int64())];
    for (const json::value& x : emb->as_array()) {
      if (!x.is_number()) return Unavailable("the model API answered an embedding that is not numbers");
      vec.push_back(static_cast<float>(x.to_number<double>()));
    }
  }
  for (const auto& vec : out) {
    if (vec.empty()) return Unavailable("the model API (" + settings_.base_url + ") left a text without its embedding");
  }
  return out;
}

void ToUnitLength(std::vector<float>& v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm <= 0) return;
  const double scale = 1.0 / std::sqrt(norm);
  for (float& x : v) x = static_cast<float>(x * scale);
}

std::vector<float> OpenAiEmbedder::Embed(std::string_view text) const {
  auto got = client_.Embed({std::string(text)});
  if (!got.ok() || got->size() != 1 || static_cast<int>((*got)[0].size()) != dimension_) {
    ++failures_;
    return std::vector<float>(static_cast<std::size_t>(dimension_), 0.0f);
  }
  std::vector<float> v = std::move((*got)[0]);
  ToUnitLength(v);
  return v;
}

}  // namespace estimate::ai
