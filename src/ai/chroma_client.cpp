#include "ai/chroma_client.hpp"

#include <algorithm>
#include <cstdlib>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace estimate::ai {

namespace json = boost::json;

namespace {

constexpr std::string_view kApi = "/api/v2";

// A path segment percent-encoded (RFC 3986: all but the unreserved characters).
std::string Segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// The shortest text that reads back as the same float (Boost.JSON would write the double's
// digits: twice the bytes for the bulk of an upsert).
void AppendFloat(std::string& out, float x) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, ec == std::errc() ? end : buf);
}

void AppendVector(std::string& out, const std::vector<float>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    AppendFloat(out, v[i]);
  }
  out += ']';
}

bool AllFinite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

}  // namespace

ChromaClient::ChromaClient(ChromaSettings settings) : settings_(std::move(settings)) {
  std::string& url = settings_.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with(kApi)) url.resize(url.size() - kApi.size());
  while (!url.empty() && url.back() == '/') url.pop_back();
}

std::string ChromaClient::CollectionsPath() const {
  return std::string(kApi) + "/tenants/" + Segment(settings_.tenant) + "/databases/" + Segment(settings_.database) +
         "/collections";
}

std::string ChromaClient::WithoutToken(std::string text) const {
  if (settings_.token.size() >= 4) {
    for (std::size_t at; (at = text.find(settings_.token)) != std::string::npos;) {
      text.replace(at, settings_.token.size(), "[token]");
    }
  }
  if (text.size() > 500) text.resize(500);
  return text;
}

Status ChromaClient::Malformed(std::string_view step, std::string_view what) const {
  return Unavailable("Chroma (" + settings_.url + "), " + std::string(step) + ": " + std::string(what));
}

Status ChromaClient::ChromaError(const http::ClientResponse& r, std::string_view step) const {
  // Chroma's errors: {"error": "NotFoundError", "message": "Collection … does not exist"}; an
  // older server's 500: {"error": "…"} alone.
  std::string name;
  std::string message;
  boost::system::error_code ec;
  const json::value v = json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    const json::object& o = v.as_object();
    if (const json::value* e = o.if_contains("error"); e && e->is_string()) name = std::string(e->as_string());
    if (const json::value* m = o.if_contains("message"); m && m->is_string()) message = std::string(m->as_string());
    // FastAPI's own refusals (a body it cannot read): {"detail": …}.
    if (name.empty() && message.empty()) {
      if (const json::value* d = o.if_contains("detail")) {
        message = d->is_string() ? std::string(d->as_string()) : json::serialize(*d);
      }
    }
  }
  std::string text = !name.empty() && !message.empty() ? name + ": " + message : name + message;
  if (text.empty()) text = r.body.substr(0, 200);
  text = WithoutToken(std::move(text));
  const std::string where =
      "Chroma (" + settings_.url + "), " + std::string(step) + ": answered " + std::to_string(r.status);
  if (r.status == 401 || r.status == 403) {
    return Status(StatusCode::kPermissionDenied, where + ": the token is refused: " + text);
  }
  if (r.status == 404) return NotFound(where + ": " + text);
  if (r.status == 429 || r.status >= 500) return Unavailable(where + ": " + text);
  return FailedPrecondition(where + ": " + text);
}

Result<http::ClientResponse> ChromaClient::Call(std::string_view method, const std::string& path, std::string body,
                                                std::string_view step) const {
  http::ClientRequest r;
  r.method = std::string(method);
  r.url = settings_.url + path;
  r.headers = {{"Accept", "application/json"}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  if (!settings_.token.empty()) r.headers.emplace_back("x-chroma-token", settings_.token);
  r.body = std::move(body);
  r.connect_timeout = settings_.connect_timeout;
  r.timeout = settings_.timeout;
  r.ca_file = settings_.ca_file;
  auto got = http::FetchWithRetry(r, settings_.retry);
  if (!got.ok()) {
    return Unavailable("Chroma (" + settings_.url + "), " + std::string(step) + ": " +
                       WithoutToken(got.status().message()));
  }
  if (got->status < 200 || got->status >= 300) return ChromaError(*got, step);
  return got;
}

Status ChromaClient::Heartbeat() const {
  constexpr std::string_view step = "heartbeat";
  auto got = Call("GET", std::string(kApi) + "/heartbeat", {}, step);
  if (!got.ok()) return got.status();
  boost::system::error_code ec;
  const json::value v = json::parse(got->body, ec);
  if (ec) return Malformed(step, "the answer is not JSON");
  const json::value* beat = v.is_object() ? v.as_object().if_contains("nanosecond heartbeat") : nullptr;
  if (beat == nullptr || !beat->is_number()) return Malformed(step, "answered without \"nanosecond heartbeat\"");
  return Status::Ok();
}

Result<std::string> ChromaClient::EnsureCollection(const std::string& name) const {
  if (name.empty()) return InvalidArgument("a Chroma collection needs a name");
  const std::string step = "get or create of collection \"" + name + "\"";
  json::object body{{"name", name},
                    {"get_or_create", true},
                    {"metadata", json::object{{"hnsw:space", "cosine"}}}};
  auto got = Call("POST", CollectionsPath(), json::serialize(body), step);
  if (!got.ok()) return got.status();
  boost::system::error_code ec;
  const json::value v = json::parse(got->body, ec);
  if (ec) return Malformed(step, "the answer is not JSON");
  const json::value* id = v.is_object() ? v.as_object().if_contains("id") : nullptr;
  if (id == nullptr || !id->is_string() || id->as_string().empty()) {
    return Malformed(step, "answered a collection without its \"id\"");
  }
  return std::string(id->as_string());
}

Status ChromaClient::Upsert(const std::string& collection_id, const std::vector<std::string>& ids,
                            const std::vector<std::vector<float>>& vectors) const {
  if (collection_id.empty()) return InvalidArgument("an upsert into Chroma needs a collection id");
  if (ids.size() != vectors.size()) {
    return InvalidArgument("an upsert into Chroma: " + std::to_string(ids.size()) + " ids for " +
                           std::to_string(vectors.size()) + " vectors");
  }
  if (ids.empty()) return Status::Ok();
  const std::size_t dimension = vectors.front().size();
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    if (ids[i].empty()) return InvalidArgument("an upsert into Chroma: record " + std::to_string(i) + " has no id");
    if (vectors[i].empty() || vectors[i].size() != dimension) {
      return InvalidArgument("an upsert into Chroma: the vector of \"" + ids[i] + "\" has " +
                             std::to_string(vectors[i].size()) + " numbers, the first " + std::to_string(dimension));
    }
    if (!AllFinite(vectors[i])) {
      return InvalidArgument("an upsert into Chroma: the vector of \"" + ids[i] + "\" is not all finite numbers");
    }
  }
  const std::string path = CollectionsPath() + "/" + Segment(collection_id) + "/upsert";
  const std::size_t batch = settings_.batch == 0 ? ids.size() : settings_.batch;
  for (std::size_t from = 0; from < ids.size(); from += batch) {
    const std::size_t to = std::min(ids.size(), from + batch);
    json::array batch_ids;
    for (std::size_t i = from; i < to; ++i) batch_ids.emplace_back(ids[i]);
    std::string body = "{\"ids\":" + json::serialize(batch_ids) + ",\"embeddings\":[";
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) body += ',';
      AppendVector(body, vectors[i]);
    }
    body += "]}";
    const std::string step = "upsert into collection " + collection_id + " (records " + std::to_string(from + 1) +
                             "-" + std::to_string(to) + " of " + std::to_string(ids.size()) + ")";
    auto got = Call("POST", path, std::move(body), step);
    if (!got.ok()) return got.status();
  }
  return Status::Ok();
}

Result<std::vector<ChromaHit>> ChromaClient::Query(const std::string& collection_id, const std::vector<float>& vector,
                                                   int k) const {
  if (collection_id.empty()) return InvalidArgument("a Chroma query needs a collection id");
  if (k <= 0) return InvalidArgument("a Chroma query needs k > 0, not " + std::to_string(k));
  if (vector.empty() || !AllFinite(vector)) {
    return InvalidArgument("a Chroma query needs a vector of finite numbers");
  }
  const std::string step = "query of collection " + collection_id;
  std::string body = "{\"query_embeddings\":[";
  AppendVector(body, vector);
  body += "],\"n_results\":" + std::to_string(k) + ",\"include\":[\"distances\"]}";
  auto got = Call("POST", CollectionsPath() + "/" + Segment(collection_id) + "/query", std::move(body), step);
  if (!got.ok()) return got.status();

  boost::system::error_code ec;
  const json::value v = json::parse(got->body, ec);
  if (ec) return Malformed(step, "the answer is not JSON");
  if (!v.is_object()) return Malformed(step, "the answer is not an object");
  // One row per query vector: ids[0] and distances[0].
  const auto first_row = [](const json::object& o, std::string_view key) -> const json::array* {
    const json::value* rows = o.if_contains(key);
    if (rows == nullptr || !rows->is_array() || rows->as_array().empty()) return nullptr;
    return rows->as_array().front().if_array();
  };
  const json::array* ids = first_row(v.as_object(), "ids");
  if (ids == nullptr) return Malformed(step, "answered without \"ids\" as [[…]]");
  const json::array* distances = first_row(v.as_object(), "distances");
  if (distances == nullptr) return Malformed(step, "answered without \"distances\" as [[…]]");
  if (distances->size() != ids->size()) {
    return Malformed(step, "answered " + std::to_string(ids->size()) + " ids with " +
                               std::to_string(distances->size()) + " distances");
  }
  std::vector<ChromaHit> hits;
  hits.reserve(ids->size());
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const json::value& id = (*ids)[i];
    const json::value& d = (*distances)[i];
    if (!id.is_string()) return Malformed(step, "answered an id that is not a string");
    if (!d.is_number()) return Malformed(step, "answered a distance that is not a number");
    hits.push_back({std::string(id.as_string()), d.to_number<double>()});
  }
  return hits;
}

Result<std::int64_t> ChromaClient::Count(const std::string& collection_id) const {
  if (collection_id.empty()) return InvalidArgument("a Chroma count needs a collection id");
  const std::string step = "count of collection " + collection_id;
  auto got = Call("GET", CollectionsPath() + "/" + Segment(collection_id) + "/count", {}, step);
  if (!got.ok()) return got.status();
  boost::system::error_code ec;
  const json::value v = json::parse(got->body, ec);
  if (ec) return Malformed(step, "the answer is not JSON");
  if (v.is_int64() && v.as_int64() >= 0) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.as_uint64());
  }
  return Malformed(step, "answered no count (a number)");
}

Status ChromaClient::DeleteCollection(const std::string& name) const {
  if (name.empty()) return InvalidArgument("a Chroma collection to delete needs a name");
  auto got = Call("DELETE", CollectionsPath() + "/" + Segment(name), {}, "delete of collection \"" + name + "\"");
  return got.ok() ? Status::Ok() : got.status();
}

Result<std::unique_ptr<ChromaIndex>> ChromaIndex::Publish(const ChromaSettings& settings,
                                                         const std::string& name,
                                                         const std::vector<float>& vectors, int dimension,
                                                         bool replace) {
  if (dimension <= 0) return InvalidArgument("chroma: the vectors have no dimension");
  ChromaClient client(settings);
  auto collection = client.EnsureCollection(name);
  if (!collection.ok()) return collection.status();
  std::vector<std::string> ids;
  std::vector<std::vector<float>> rows;
  const std::size_t n = vectors.size() / static_cast<std::size_t>(dimension);
  for (std::size_t i = 0; i < n; ++i) {
    const float* v = vectors.data() + i * static_cast<std::size_t>(dimension);
    bool zero = true;
    for (int d = 0; d < dimension && zero; ++d) zero = v[d] == 0.0f;
    if (zero) continue;
    ids.push_back(std::to_string(i));
    rows.emplace_back(v, v + dimension);
  }
  // A collection filled before (this release, another instance) is used as it is.
  auto count = client.Count(*collection);
  if (!count.ok()) return count.status();
  if (replace || *count != static_cast<std::int64_t>(ids.size())) {
    if (Status s = client.Upsert(*collection, ids, rows); !s.ok()) return s;
  }
  return std::unique_ptr<ChromaIndex>(new ChromaIndex(std::move(client), std::move(*collection)));
}

std::vector<VectorHit> ChromaIndex::Search(const std::vector<float>& query, std::size_t k) const {
  std::vector<VectorHit> out;
  if (k == 0) return out;
  auto hits = client_.Query(collection_id_, query, static_cast<int>(std::min<std::size_t>(k, 1000)));
  if (!hits.ok()) {
    ++failures_;
    return out;
  }
  for (const ChromaHit& h : *hits) {
    char* end = nullptr;
    const unsigned long id = std::strtoul(h.id.c_str(), &end, 10);
    if (end == h.id.c_str() || *end != '\0') continue;
    out.push_back({static_cast<std::uint32_t>(id), static_cast<float>(1.0 - h.distance)});
  }
  return out;
}

}  // namespace estimate::ai
