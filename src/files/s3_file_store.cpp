// STORAGE_TYPE=s3 (s3_file_store.hpp).
#include "files/s3_file_store.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <mutex>
#include <string>

namespace estimate::files {
namespace {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// The text of <tag>…</tag> in an S3 error document; "" when absent.
std::string Element(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const auto a = xml.find(open);
  if (a == std::string::npos) return {};
  const auto b = xml.find(close, a + open.size());
  if (b == std::string::npos) return {};
  return xml.substr(a + open.size(), std::min<std::size_t>(b - a - open.size(), 300));
}

struct Answer {
  long status = 0;
  std::string body;
};

class S3FileStore final : public FileStore {
 public:
  explicit S3FileStore(StorageSettings settings) : settings_(std::move(settings)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::string endpoint = settings_.s3_endpoint;
    while (endpoint.ends_with('/')) endpoint.pop_back();
    bucket_url_ = endpoint.empty() ? "https://" + settings_.s3_bucket + ".s3." +
                                         settings_.s3_region + ".amazonaws.com"
                                   : endpoint + "/" + settings_.s3_bucket;
    sigv4_ = "aws:amz:" + settings_.s3_region + ":s3";
  }

  Status Put(const std::string& key, std::string_view bytes) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    auto answer = Request("PUT", key, bytes);
    if (!answer.ok()) return answer.status();
    if (answer->status / 100 != 2) return Failure("PUT", key, *answer);
    return Status::Ok();
  }

  Result<std::string> Get(const std::string& key) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    auto answer = Request("GET", key, {});
    if (!answer.ok()) return answer.status();
    if (answer->status == 404 && Element(answer->body, "Code") != "NoSuchBucket") {
      return NotFound("files: " + key + " is not stored");
    }
    if (answer->status / 100 != 2) return Failure("GET", key, *answer);
    return std::move(answer->body);
  }

  Status Delete(const std::string& key) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    auto answer = Request("DELETE", key, {});
    if (!answer.ok()) return answer.status();
    const bool gone = answer->status == 404 && Element(answer->body, "Code") != "NoSuchBucket";
    if (answer->status / 100 != 2 && !gone) return Failure("DELETE", key, *answer);
    return Status::Ok();
  }

  // HEAD of the bucket (s3:ListBucket), within 5 s: readiness must not wait on a slow server.
  Status Check() override {
    auto answer = Request("HEAD", "", {}, 5);
    if (!answer.ok()) return answer.status();
    if (answer->status / 100 != 2) {
      return Unavailable("files: bucket " + settings_.s3_bucket + " answers HTTP " +
                         std::to_string(answer->status) +
                         (answer->status == 404 ? " (no such bucket)" : answer->status == 403 ? " (access denied)" : ""));
    }
    return Status::Ok();
  }

  std::string Describe() const override { return "s3 " + bucket_url_; }

 private:
  static std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }

  Status Failure(const char* method, const std::string& key, const Answer& a) const {
    const std::string code = Element(a.body, "Code"), message = Element(a.body, "Message");
    return Unavailable("files: S3 " + std::string(method) + " " + key + ": HTTP " +
                       std::to_string(a.status) + (code.empty() ? "" : " " + code) +
                       (message.empty() ? "" : ": " + message));
  }

  Result<Answer> Request(const std::string& method, const std::string& key, std::string_view body,
                         long timeout_seconds = 0) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Unavailable("files: cannot start an HTTP client");
    curl_slist* headers = nullptr;
    Answer answer;
    const std::string url = key.empty() ? bucket_url_ + "/" : bucket_url_ + "/" + key;
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + Sha256Hex(body)).c_str());
    // No "Expect:" here to suppress 100-continue: curl 7.88 would sign the empty header it then
    // does not send, and the server's signature would differ.
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout_seconds > 0 ? timeout_seconds : 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds > 0 ? timeout_seconds : settings_.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.s3_access_key.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.s3_secret_key.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &S3FileStore::Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
    if (method == "PUT") {
      // POSTFIELDS with a custom method: the body is sent as is, with its length.
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
      headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    } else if (method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return Unavailable("files: S3 " + method + " " + (key.empty() ? settings_.s3_bucket : key) +
                         ": " + curl_easy_strerror(rc));
    }
    return answer;
  }

  const StorageSettings settings_;
  std::string bucket_url_, sigv4_;
};

}  // namespace

Result<std::unique_ptr<FileStore>> MakeS3FileStore(const StorageSettings& settings) {
  for (auto [name, value] : {std::pair{"AWS_S3_BUCKET", &settings.s3_bucket},
                             std::pair{"AWS_REGION", &settings.s3_region},
                             std::pair{"AWS_ACCESS_KEY_ID", &settings.s3_access_key},
                             std::pair{"AWS_SECRET_ACCESS_KEY", &settings.s3_secret_key}}) {
    if (value->empty()) return InvalidArgument(std::string(name) + ": is required when STORAGE_TYPE=s3");
  }
  return std::unique_ptr<FileStore>(std::make_unique<S3FileStore>(settings));
}

}  // namespace estimate::files
