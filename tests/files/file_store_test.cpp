// The file storage's keys and its local adapter (the S3 adapter is tested against a real S3
// server by tests/integration/test_attachments.py).
#include "files/file_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace estimate::files {
namespace {

namespace fs = std::filesystem;

TEST(FileKey, LettersDigitsAndSegmentsOnly) {
  EXPECT_TRUE(CheckKey("org-1/abc_DEF.9").ok());
  for (const char* bad : {"", "../x", "a/../b", "a//b", "/a", "a/", "a/./b", "a b", "a\\b",
                          "a\nb", "ä", "a?b"}) {
    Status s = CheckKey(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("file key"), std::string::npos) << bad;
  }
  EXPECT_FALSE(CheckKey(std::string(513, 'a')).ok());
}

class LocalStore : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("files-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    StorageSettings s;
    s.path = (root_ / "files").string();
    auto made = MakeFileStore(s);
    ASSERT_TRUE(made.ok()) << made.status().message();
    store_ = std::move(made).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  std::unique_ptr<FileStore> store_;
};

TEST_F(LocalStore, KeepsBytesExactlyAndReplacesThem) {
  const std::string bytes("a\0b\xff\r\n", 6);
  ASSERT_TRUE(store_->Put("org-1/x", bytes).ok());
  auto got = store_->Get("org-1/x");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, bytes);
  ASSERT_TRUE(store_->Put("org-1/x", "second").ok());
  EXPECT_EQ(*store_->Get("org-1/x"), "second");
  // No temporary is left beside it.
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root_ / "files")) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(LocalStore, MissingIsNotFoundAndDeleteIsIdempotent) {
  EXPECT_EQ(store_->Get("org-1/none").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->Put("org-1/y", "y").ok());
  EXPECT_TRUE(store_->Delete("org-1/y").ok());
  EXPECT_TRUE(store_->Delete("org-1/y").ok());
  EXPECT_EQ(store_->Get("org-1/y").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalStore, NoKeyLeavesTheFolder) {
  EXPECT_EQ(store_->Put("../escape", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(root_ / "escape"));
}

TEST_F(LocalStore, AFolderThatCannotBeMadeIsUnavailableWithTheReason) {
  ASSERT_TRUE(store_->Check().ok());
  fs::remove_all(root_ / "files");
  std::ofstream(root_ / "files") << "a file where the folder should be";
  Status s = store_->Put("org-1/z", "z");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("cannot"), std::string::npos) << s.message();
  EXPECT_EQ(store_->Check().code(), StatusCode::kUnavailable);
}

TEST(FileStoreKinds, AzureAndUnknownTypesAreRefusedByName) {
  StorageSettings s;
  s.type = "azure";
  auto azure = MakeFileStore(s);
  ASSERT_FALSE(azure.ok());
  EXPECT_NE(azure.status().message().find("azure is not supported yet"), std::string::npos);
  s.type = "ftp";
  EXPECT_NE(MakeFileStore(s).status().message().find("STORAGE_TYPE"), std::string::npos);
  s.type = "s3";
  s.s3_bucket = "b";
  auto s3 = MakeFileStore(s);
  ASSERT_FALSE(s3.ok());
  EXPECT_NE(s3.status().message().find("AWS_REGION"), std::string::npos);
}

}  // namespace
}  // namespace estimate::files
