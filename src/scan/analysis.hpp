// The rules-driven analysis of a firmware scan: the walk (src/scan/walk) calls it for every object, entry
// and problem; finish() correlates what needs the whole image (a key matching a certificate, a service a
// startup file names and the image holds) and returns the ScanReport.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "scan/report.hpp"
#include "scan/rules.hpp"
#include "scan/scan_types.hpp"

namespace en18031::scan {

struct AnalysisOptions {
  bool show_secrets = false;  // --show-secrets: a cracked default password is named in the message
  // The date certificates are judged at, seconds since the epoch (UTC); the scan's start by default.
  std::int64_t judgement_time = 0;
};

namespace detect {
struct Output;
}

class RuleAnalysis : public Analysis {
 public:
  RuleAnalysis(RuleSet rules, AnalysisOptions options);
  ~RuleAnalysis() override;

  std::span<const Pattern> patterns() const override { return patterns_; }
  void inspect(const ScannedObject& object, std::span<const PatternHit> hits) override;
  void entry(const FileSystemEntry& entry) override;
  void problem(const Problem& problem) override;

  // Call once, after the walk: correlates and returns everything found.
  ScanReport finish();

  const RuleSet& rules() const { return rules_; }

 private:
  RuleSet rules_;
  AnalysisOptions options_;
  std::vector<Pattern> patterns_;          // every rule's patterns, in rule order
  std::vector<std::size_t> pattern_rule_;  // pattern index -> rule index

  std::mutex mutex_;  // guards everything below: inspect() runs on several walk threads
  std::unique_ptr<detect::Output> collected_;
  std::vector<FileSystemEntry> entries_;
  std::vector<Problem> problems_;
  std::uint64_t objects_ = 0;
  std::uint64_t bytes_ = 0;
  std::set<std::string> program_names_;        // last path element of every file and link the walk saw
  std::atomic<std::uint64_t> crypt_calls_{0};  // across the scan, bounded by limits::max_crypt_calls_per_scan
};

}  // namespace en18031::scan
