#include "scan/analysis.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"

namespace en18031::scan {
namespace {

std::string base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

RuleAnalysis::RuleAnalysis(RuleSet rules, AnalysisOptions options)
    : rules_(std::move(rules)), options_(options), collected_(std::make_unique<detect::Output>()) {
  for (std::size_t index = 0; index < rules_.rules.size(); ++index) {
    for (const auto& pattern : rules_.rules[index].patterns) {
      patterns_.push_back(pattern);
      pattern_rule_.push_back(index);
    }
  }
}

RuleAnalysis::~RuleAnalysis() = default;

void RuleAnalysis::inspect(const ScannedObject& object, std::span<const PatternHit> hits) {
  // Hit ends per rule, bounded, ascending (the walk reports them in order; sorted anyway).
  std::vector<std::vector<std::uint64_t>> ends(rules_.rules.size());
  for (const auto& hit : hits) {
    if (hit.pattern >= pattern_rule_.size())
      continue;
    auto& list = ends[pattern_rule_[hit.pattern]];
    if (list.size() < limits::max_hits_per_rule_per_object)
      list.push_back(hit.end);
  }
  detect::Output found;
  for (std::size_t index = 0; index < rules_.rules.size(); ++index) {
    const auto& rule = rules_.rules[index];
    auto& rule_ends = ends[index];
    bool triggered = !rule_ends.empty();
    if (!triggered && !object.place.path.empty())
      triggered = std::any_of(rule.paths.begin(), rule.paths.end(),
                              [&](const std::string& glob) { return path_matches(glob, object.place.path); });
    if (!triggered)
      continue;
    std::sort(rule_ends.begin(), rule_ends.end());
    rule_ends.erase(std::unique(rule_ends.begin(), rule_ends.end()), rule_ends.end());
    const detect::Input input{rule, object, rule_ends, options_, crypt_calls_};
    detect::run(rule.detector, input, found);
  }
  const std::lock_guard lock(mutex_);
  ++objects_;
  bytes_ += object.bytes.size();
  if (object.kind == ScannedObject::Kind::file && !object.place.path.empty())
    program_names_.insert(base_name(object.place.path));
  collected_->append(std::move(found));
}

void RuleAnalysis::entry(const FileSystemEntry& entry) {
  if (entry.type != FileSystemEntry::Type::file && entry.type != FileSystemEntry::Type::symlink &&
      entry.type != FileSystemEntry::Type::hard_link)
    return;
  const std::lock_guard lock(mutex_);
  program_names_.insert(base_name(entry.place.path));
}

void RuleAnalysis::problem(const Problem& problem) {
  const std::lock_guard lock(mutex_);
  problems_.push_back(problem);
}

ScanReport RuleAnalysis::finish() {
  const std::lock_guard lock(mutex_);
  ScanReport report;
  auto& found = *collected_;
  report.objects_inspected = objects_;
  report.bytes_inspected = bytes_;
  report.problems = problems_;
  report.check_problems = found.problems;
  report.certificates = found.certificates;
  report.detections = found.detections;

  // A startup file naming a daemon counts only when the image holds the daemon (a file or a link, e.g.
  // an applet link to busybox): a script that would start a program the image lacks starts nothing.
  for (auto& start : found.service_starts)
    if (program_names_.contains(start.daemon))
      report.detections.push_back(std::move(start.detection));

  // A private key whose public half is a certificate's in the image: one identity shared by every device.
  for (auto& detection : report.detections) {
    if (detection.category != Category::private_key)
      continue;
    const auto key = detection.properties.find("public_key_sha256");
    if (key == detection.properties.end())
      continue;
    const auto certificate =
        std::find_if(report.certificates.begin(), report.certificates.end(),
                     [&](const CertificateInfo& info) { return info.public_key_sha256 == key->second; });
    if (certificate == report.certificates.end())
      continue;
    detection.properties["certificate"] = certificate->subject;
    detection.properties["certificate_place"] = chain_text(certificate->place);
    detection.message += "; its certificate '" + certificate->subject + "' is in the image too (" +
                         chain_text(certificate->place) + "): one identity shared by every device";
  }

  std::sort(report.detections.begin(), report.detections.end(), [](const Detection& a, const Detection& b) {
    return std::tuple(a.place.chain, a.offset.value_or(0), a.rule, a.message) <
           std::tuple(b.place.chain, b.offset.value_or(0), b.rule, b.message);
  });
  if (report.detections.size() > limits::max_detections_per_scan) {
    report.detections_dropped = report.detections.size() - limits::max_detections_per_scan;
    report.detections.resize(limits::max_detections_per_scan);
  }

  // Components: one per name and version, with every place it was found.
  std::map<std::pair<std::string, std::string>, Component> components;
  for (auto& component : found.components) {
    auto [it, inserted] = components.try_emplace({component.name, component.version}, component);
    if (!inserted)
      it->second.found_in.insert(it->second.found_in.end(), component.found_in.begin(),
                                 component.found_in.end());
  }
  for (auto& [key, component] : components) {
    std::sort(component.found_in.begin(), component.found_in.end(),
              [](const ComponentPlace& a, const ComponentPlace& b) {
                return std::tie(a.place.chain, a.offset) < std::tie(b.place.chain, b.offset);
              });
    report.components.push_back(std::move(component));
  }

  for (const auto& rule : rules_.rules) {
    for (const auto& check : {rule.check, rule.parameter("end_of_life_check")})
      if (!check.empty() &&
          std::find(report.checks.begin(), report.checks.end(), check) == report.checks.end())
        report.checks.push_back(check);
  }
  return report;
}

}  // namespace en18031::scan
