// STORAGE_TYPE=local: files under a folder (file_store.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "files/file_store.hpp"
#include "files/s3_file_store.hpp"

namespace estimate::files {
namespace {

namespace fs = std::filesystem;

std::string Reason(int error) { return std::strerror(error); }

// Writes all of `bytes` to `fd` and flushes it to the disk; the errno of a failure, 0 on success.
int WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ::fsync(fd) == 0 ? 0 : errno;
}

class LocalFileStore final : public FileStore {
 public:
  explicit LocalFileStore(std::string root) : root_(std::move(root)) {}

  Status Put(const std::string& key, std::string_view bytes) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    const fs::path target = fs::path(root_) / key;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Unavailable("files: cannot create " + target.parent_path().string() + ": " + ec.message());
    const std::string temporary = target.string() + ".part";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return Unavailable("files: cannot write " + temporary + ": " + Reason(errno));
    const int error = WriteAll(fd, bytes);
    ::close(fd);
    if (error != 0) {
      ::unlink(temporary.c_str());
      return Unavailable("files: cannot write " + target.string() + ": " + Reason(error));
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
      const int e = errno;
      ::unlink(temporary.c_str());
      return Unavailable("files: cannot write " + target.string() + ": " + Reason(e));
    }
    // The rename is durable once the folder is flushed.
    if (const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
    return Status::Ok();
  }

  Result<std::string> Get(const std::string& key) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    const fs::path target = fs::path(root_) / key;
    const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return NotFound("files: " + key + " is not stored");
      return Unavailable("files: cannot read " + target.string() + ": " + Reason(errno));
    }
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        return Unavailable("files: cannot read " + target.string() + ": " + Reason(e));
      }
      if (n == 0) break;
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return bytes;
  }

  Status Delete(const std::string& key) override {
    if (Status s = CheckKey(key); !s.ok()) return s;
    const fs::path target = fs::path(root_) / key;
    if (::unlink(target.c_str()) != 0 && errno != ENOENT) {
      return Unavailable("files: cannot delete " + target.string() + ": " + Reason(errno));
    }
    return Status::Ok();
  }

  Status Check() override {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return Unavailable("files: cannot create " + root_ + ": " + ec.message());
    if (::access(root_.c_str(), W_OK | X_OK) != 0) {
      return Unavailable("files: " + root_ + " is not writable: " + Reason(errno));
    }
    return Status::Ok();
  }

  std::string Describe() const override { return "local " + root_; }

 private:
  const std::string root_;
};

}  // namespace

Status CheckKey(std::string_view key) {
  if (key.empty() || key.size() > 512) return InvalidArgument("file key: 1 to 512 characters");
  std::size_t segment_start = 0;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    if (i < key.size() && key[i] != '/') {
      const unsigned char c = static_cast<unsigned char>(key[i]);
      if (!(std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.')) {
        return InvalidArgument("file key: character " + std::to_string(i + 1) + " is not allowed");
      }
      continue;
    }
    const std::string_view segment = key.substr(segment_start, i - segment_start);
    if (segment.empty() || segment == "." || segment == "..") {
      return InvalidArgument("file key: an empty, \".\" or \"..\" segment");
    }
    segment_start = i + 1;
  }
  return Status::Ok();
}

Result<std::unique_ptr<FileStore>> MakeFileStore(const StorageSettings& settings) {
  if (settings.type == "local") {
    if (settings.path.empty()) return InvalidArgument("STORAGE_PATH: is required when STORAGE_TYPE=local");
    return std::unique_ptr<FileStore>(std::make_unique<LocalFileStore>(settings.path));
  }
  if (settings.type == "s3") return MakeS3FileStore(settings);
  if (settings.type == "azure") {
    return InvalidArgument("STORAGE_TYPE: azure is not supported yet; use local or s3 "
                           "(an S3-compatible server: AWS_ENDPOINT)");
  }
  return InvalidArgument("STORAGE_TYPE: " + settings.type + " is not one of local, s3");
}

}  // namespace estimate::files
