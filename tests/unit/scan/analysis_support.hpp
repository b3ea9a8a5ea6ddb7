// Test support for the scan analysis: the shipped rules, a matcher that runs the rules' patterns with
// vectorscan directly (A's one-pass matcher is the real one; this is the same engine, block mode, all
// ends), objects built from bytes made at test time, and temporary folders for keys made with the
// openssl, ssh-keygen and dropbearkey commands.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hs/hs.h>

#include "scan/analysis.hpp"
#include "scan/rules.hpp"

namespace en18031::scan::testing {

inline const RuleSet& shipped_rules() {
  static const RuleSet rules = [] {
    auto loaded = load_rules_directory(EN18031_SOURCE_DIR "/catalogue/scan-rules");
    if (!loaded) {
      ADD_FAILURE() << loaded.error().describe();
      return RuleSet{};
    }
    return std::move(*loaded);
  }();
  return rules;
}

inline std::vector<PatternHit> match_all(std::span<const Pattern> patterns,
                                         std::span<const std::uint8_t> bytes) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    expressions.push_back(patterns[i].expression.c_str());
    flags.push_back((patterns[i].caseless ? HS_FLAG_CASELESS : 0U) |
                    (patterns[i].dot_all ? HS_FLAG_DOTALL : 0U) |
                    (patterns[i].multi_line ? HS_FLAG_MULTILINE : 0U));
    ids.push_back(static_cast<unsigned>(i));
  }
  std::vector<PatternHit> hits;
  if (patterns.empty())
    return hits;
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &database,
                       &error) != HS_SUCCESS) {
    ADD_FAILURE() << "vectorscan: " << (error != nullptr ? error->message : "?");
    hs_free_compile_error(error);
    return hits;
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(database, &scratch);
  const auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                           void* context) -> int {
    static_cast<std::vector<PatternHit>*>(context)->push_back({id, to});
    return 0;
  };
  hs_scan(database, reinterpret_cast<const char*>(bytes.data()), static_cast<unsigned>(bytes.size()), 0,
          scratch, on_match, &hits);
  hs_free_scratch(scratch);
  hs_free_database(database);
  return hits;
}

inline std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Hands `content` to the analysis as the regular file `path` of a file system inside "fw.bin".
inline void feed_file(RuleAnalysis& analysis, const std::string& path, const std::string& content,
                      std::vector<std::string> outer = {"fw.bin", "rootfs.squashfs@0x40"}) {
  ScannedObject object;
  object.kind = ScannedObject::Kind::file;
  object.place.chain = std::move(outer);
  object.place.chain.push_back(path);
  object.place.path = path;
  object.bytes = bytes_of(content);
  const auto hits = match_all(analysis.patterns(), object.bytes);
  analysis.inspect(object, hits);
  FileSystemEntry entry;
  entry.type = FileSystemEntry::Type::file;
  entry.place = object.place;
  entry.size = content.size();
  analysis.entry(entry);
}

// Hands `content` to the analysis as a raw block (a carved object nothing could unpack).
inline void feed_block(RuleAnalysis& analysis, const std::string& content,
                       const std::string& name = "fw.bin") {
  ScannedObject object;
  object.kind = ScannedObject::Kind::image;
  object.place.chain = {name};
  object.bytes = bytes_of(content);
  analysis.inspect(object, match_all(analysis.patterns(), object.bytes));
}

inline void feed_symlink(RuleAnalysis& analysis, const std::string& path, const std::string& target) {
  FileSystemEntry entry;
  entry.type = FileSystemEntry::Type::symlink;
  entry.place.chain = {"fw.bin", "rootfs.squashfs@0x40", path};
  entry.place.path = path;
  entry.link_target = target;
  analysis.entry(entry);
}

inline std::string read_whole(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream out;
  out << stream.rdbuf();
  return out.str();
}

// A fresh folder under the build tree, removed when the test ends.
class TempFolder {
 public:
  explicit TempFolder(const std::string& name)
      : path_(std::filesystem::path(EN18031_BINARY_DIR) / "scan-analysis-tests" / name) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command of the test's own (key generation); fails the test when it does not exit 0.
inline void run_command(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  ASSERT_EQ(status, 0) << command;
}

// 2026-12-03T00:00:00Z: certificates are judged at a fixed date so the tests do not age.
inline constexpr std::int64_t kJudgementTime = 1796256000;

inline AnalysisOptions test_options(bool show_secrets = false) {
  return {.show_secrets = show_secrets, .judgement_time = kJudgementTime};
}

}  // namespace en18031::scan::testing
