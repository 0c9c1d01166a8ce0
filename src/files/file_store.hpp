#pragma once
// Where files are kept: uploaded originals of imports and the exported documents a user keeps
// with an estimate (services/attachment_service.hpp). Two adapters:
// - local: a folder (STORAGE_PATH, default data/files); a file is written beside its place,
//   flushed, then renamed into it, so a reader never sees half a file and a crash leaves at most
//   a stray temporary (removed by the next write of the same key).
// - s3: an S3-compatible bucket (AWS_S3_BUCKET in AWS_REGION; AWS_ENDPOINT for a non-AWS server,
//   addressed path-style), requests signed with AWS Signature Version 4.
// Keys are the caller's: letters, digits, '-', '_', '.' and '/' between non-empty segments
// that are not "." or ".."; anything else is InvalidArgument (no path leaves the folder).
// Errors: NotFound for a key that is not there, Unavailable when the storage cannot be reached or
// refuses (disk full, bucket missing, credentials), with the reason. Thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::files {

class FileStore {
 public:
  virtual ~FileStore() = default;
  // Writes `bytes` under `key`, replacing what was there.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Removes `key`; a key that is not there is no error.
  virtual Status Delete(const std::string& key) = 0;
  // Whether the storage can be written now (the folder exists and is writable; the bucket
  // answers): /health/ready.
  virtual Status Check() = 0;
  // "local data/files", "s3 bucket at endpoint": for logs and `config check`.
  virtual std::string Describe() const = 0;
};

struct StorageSettings {
  std::string type = "local";  // local | s3
  std::string path = "data/files";
  std::string s3_bucket, s3_region, s3_endpoint, s3_access_key, s3_secret_key;
  long timeout_seconds = 120;  // of one S3 request
};

// The adapter of `settings.type`; InvalidArgument for another type (azure is not built).
Result<std::unique_ptr<FileStore>> MakeFileStore(const StorageSettings& settings);

// Ok, or InvalidArgument naming what is wrong with `key` (rules above).
Status CheckKey(std::string_view key);

}  // namespace estimate::files
