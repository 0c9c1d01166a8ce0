#pragma once
// STORAGE_TYPE=s3 (file_store.hpp): objects of one bucket over the S3 REST API with libcurl,
// signed with AWS Signature Version 4 (service "s3", the region of the settings). With an
// endpoint (AWS_ENDPOINT: MinIO, Ceph, s3rver…) the bucket is addressed path-style
// (endpoint/bucket/key); without one, AWS's virtual-hosted https://bucket.s3.region.amazonaws.com.
// The payload's SHA-256 is sent as x-amz-content-sha256 and signed. Errors carry the server's
// <Code> and <Message>; secrets are never part of a message.
#include <memory>

#include "files/file_store.hpp"

namespace estimate::files {

Result<std::unique_ptr<FileStore>> MakeS3FileStore(const StorageSettings& settings);

}  // namespace estimate::files
