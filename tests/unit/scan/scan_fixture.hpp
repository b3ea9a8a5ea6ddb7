// For the walk's tests: an Analysis that records everything it is given, a scratch folder, and images
// built with Debian's own tools (mksquashfs, mkimage, tar, cpio, gzip...) from files the test writes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "scan/scan_types.hpp"

namespace en18031::scan::testing {

namespace fs = std::filesystem;

// Records what the walk reports, as sorted text, with the scratch folder cut from every chain.
class RecordingAnalysis final : public Analysis {
 public:
  explicit RecordingAnalysis(std::string folder, std::vector<Pattern> patterns = {})
      : folder_(std::move(folder) + "/"), patterns_(std::move(patterns)) {}

  std::span<const Pattern> patterns() const override { return patterns_; }

  void inspect(const ScannedObject& object, std::span<const PatternHit> hits) override {
    std::string line = chain(object.place);
    line += object.kind == ScannedObject::Kind::image    ? " [image "
            : object.kind == ScannedObject::Kind::carved ? " [carved "
                                                         : " [file ";
    line += std::to_string(object.bytes.size()) + "]";
    std::multiset<std::string> names;
    for (const PatternHit& hit : hits)
      names.insert(patterns_.at(hit.pattern).id);
    for (const auto& name : names)
      line += " " + name;
    std::lock_guard lock(mutex_);
    objects_.insert(line);
  }

  void entry(const FileSystemEntry& entry) override {
    static constexpr const char* types[] = {"file",   "dir",  "symlink", "hardlink",
                                            "device", "fifo", "socket",  "other"};
    std::string line = std::string(types[static_cast<int>(entry.type)]) + " " + chain(entry.place);
    if (!entry.link_target.empty())
      line += " -> " + entry.link_target;
    std::lock_guard lock(mutex_);
    entries_.insert(line);
  }

  void problem(const Problem& problem) override {
    std::lock_guard lock(mutex_);
    problems_.insert(chain(problem.place) + ": " + problem.reason);
  }

  std::vector<std::string> objects() const { return {objects_.begin(), objects_.end()}; }
  std::vector<std::string> entries() const { return {entries_.begin(), entries_.end()}; }
  std::vector<std::string> problems() const { return {problems_.begin(), problems_.end()}; }

  // Only the objects that are files of a file system or archive, by chain.
  std::vector<std::string> files() const {
    std::vector<std::string> files;
    for (const auto& line : objects_)
      if (line.find(" [file ") != std::string::npos)
        files.push_back(line);
    return files;
  }

 private:
  std::string chain(const Place& place) const {
    std::string text;
    for (std::string element : place.chain) {
      if (element.starts_with(folder_))
        element = element.substr(folder_.size());
      text += (text.empty() ? "" : " → ") + element;
    }
    return text;
  }

  std::string folder_;
  std::vector<Pattern> patterns_;
  std::mutex mutex_;
  std::multiset<std::string> objects_;
  std::set<std::string> entries_;
  std::multiset<std::string> problems_;
};

class ScanFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("en18031-scan-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string path(const std::string& name) const { return (folder_ / name).string(); }
  std::string folder() const { return folder_.string(); }

  void write(const std::string& name, const std::string& content) {
    fs::create_directories(fs::path(path(name)).parent_path());
    std::ofstream(path(name), std::ios::binary) << content;
  }

  // Deterministic pseudo-random bytes (the same every run).
  static std::string random_bytes(std::size_t size, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::string bytes(size, '\0');
    for (std::size_t index = 0; index < size; index += 8) {
      const std::uint64_t value = generator();
      for (std::size_t byte = 0; byte < 8 && index + byte < size; ++byte)
        bytes[index + byte] = static_cast<char>(value >> (8 * byte));
    }
    return bytes;
  }

  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  // Runs a shell command in the scratch folder; the test fails when it does.
  void shell(const std::string& command) {
    const std::string full = "cd '" + folder() + "' && (" + command + "\n) >/dev/null 2>" + path("shell.err");
    const int status = std::system(full.c_str());
    ASSERT_EQ(status, 0) << command << "\n" << read("shell.err");
    fs::remove(path("shell.err"));
  }

  // A small root file system: a shadow file, a passwd, an init script, a link.
  void write_rootfs(const std::string& root) {
    write(root + "/etc/shadow", "root:$1$abcdefgh$0123456789abcdefghijkl:19000:0:99999:7:::\n");
    write(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
    write(root + "/etc/init.d/rcS", "#!/bin/sh\ntelnetd -l /bin/sh\n");
    write(root + "/bin/busybox", "BusyBox v1.36.1 (2024-01-01) multi-call binary\n");
    fs::create_symlink("busybox", path(root + "/bin/sh"));
  }

  fs::path folder_;
};

}  // namespace en18031::scan::testing
