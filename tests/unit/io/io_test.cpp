#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_write.hpp"
#include "io/mapped_file.hpp"
#include "io/read_file.hpp"

namespace en18031::io {
namespace {

namespace fs = std::filesystem;

class Io : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("en18031-io-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string path(const std::string& name) const { return (folder_ / name).string(); }
  fs::path folder_;
};

TEST_F(Io, MappedFileSlicesOnlyWithinTheFile) {
  std::ofstream(path("f.bin"), std::ios::binary) << "0123456789";
  const auto file = MappedFile::open(path("f.bin"), 100);
  ASSERT_TRUE(file) << file.error().describe();
  EXPECT_EQ(file->text(), "0123456789");
  EXPECT_EQ(file->size(), 10U);
  const auto middle = file->slice(2, 3);
  ASSERT_TRUE(middle);
  EXPECT_EQ(std::string(middle->begin(), middle->end()), "234");
  EXPECT_TRUE(file->slice(10, 0));
  EXPECT_FALSE(file->slice(8, 3));
  EXPECT_FALSE(file->slice(11, 0));
  EXPECT_FALSE(file->slice(1, SIZE_MAX));  // offset + length would wrap around
}

TEST_F(Io, MappedFileRefusesWhatItCannotMapWithinTheLimit) {
  std::ofstream(path("f.bin"), std::ios::binary) << "0123456789";
  EXPECT_EQ(MappedFile::open(path("f.bin"), 9).error().describe(),
            path("f.bin") + ": the file is 10 bytes long; the limit is 9");
  EXPECT_EQ(MappedFile::open(folder_.string(), 9).error().describe(),
            folder_.string() + ": not a regular file");
  EXPECT_EQ(MappedFile::open(path("gone"), 9).error().describe(),
            path("gone") + ": cannot open the file (No such file or directory)");
  std::ofstream(path("empty"));
  const auto empty = MappedFile::open(path("empty"), 9);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->bytes().empty());
}

TEST_F(Io, ReadersKeepTheirLimits) {
  std::ofstream(path("f.txt"), std::ios::binary) << "abc";
  EXPECT_EQ(*read_file_text(path("f.txt"), 3), "abc");
  EXPECT_EQ(read_file_text(path("f.txt"), 2).error().describe(), "file is 3 bytes; the limit is 2 bytes");
  EXPECT_EQ(read_file_bytes(path("f.txt"), 3)->size(), 3U);
  EXPECT_EQ(read_file_bytes(path("f.txt"), 2).error().describe(),
            path("f.txt") + ": the file is larger than the limit of 2 bytes");
  EXPECT_EQ(read_file_bytes(path("gone"), 2).error().describe(), path("gone") + ": cannot open the file");
}

TEST_F(Io, AtomicWriteReplacesWholeWithThePermissionsAskedFor) {
  ASSERT_TRUE(write_file_atomically(path("sub/key.pem"), "secret", 0600));
  struct stat status {};
  ASSERT_EQ(::stat(path("sub/key.pem").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);
  ASSERT_TRUE(write_file_atomically(path("sub/key.pem"), "new"));
  EXPECT_EQ(*read_file_text(path("sub/key.pem"), 100), "new");
  // Nothing else is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_ / "sub"), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace en18031::io
