#include "cli/assessment_run.hpp"

#include <filesystem>
#include <ostream>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/output_files.hpp"
#include "crypto/dsse.hpp"
#include "io/atomic_write.hpp"
#include "load/evidence_loader.hpp"
#include "load/profile_loader.hpp"
#include "load/text_file.hpp"
#include "render/assessment_report.hpp"
#include "render/document.hpp"

namespace en18031::cli {
namespace {

void print_problems(Context& ctx, std::vector<Diagnostic> problems) {
  sort_diagnostics(problems);
  for (const auto& problem : problems)
    ctx.err << format_diagnostic(problem) << "\n";
}

// The public keys the profile trusts for evidence, read relative to the profile's folder. A key that cannot
// be read is a problem at the line that names it: records it signed would otherwise look untrusted.
std::vector<load::TrustedEvidenceKey> load_trusted_keys(const Profile& profile,
                                                        const std::filesystem::path& base,
                                                        std::vector<Diagnostic>& problems) {
  std::vector<load::TrustedEvidenceKey> trusted;
  for (const auto& key : profile.evidence_keys) {
    std::string why;
    const auto pem = load::read_text_file(base / key.public_key.text, why);
    if (!pem) {
      problems.push_back({key.public_key.where, key.name,
                          fmt::format("cannot read evidence key {}: {}", key.public_key.text, why)});
      continue;
    }
    auto loaded = crypto::load_public_key_pem(*pem);
    if (!loaded) {
      problems.push_back({key.public_key.where, key.name,
                          fmt::format("evidence key {} is not a usable public key: {}", key.public_key.text,
                                      loaded.error().describe())});
      continue;
    }
    const auto public_key = loaded->public_only();
    trusted.push_back({key.name, public_key, crypto::key_fingerprint(public_key)});
  }
  return trusted;
}

}  // namespace

std::optional<AssessedProduct> load_and_assess(Context& ctx, const std::string& profile_path) {
  std::string catalogue_sha256;
  auto catalogue = load_checked_catalogue(ctx, &catalogue_sha256);
  if (!catalogue)
    return std::nullopt;
  auto loaded = load::load_profile_file(profile_path);
  // Every problem in one run: the evidence and the engine's checks still run after a structural problem
  // when they can do so meaningfully (the loader says when), and everything is printed together.
  std::vector<Diagnostic> profile_problems = loaded.problems;
  std::vector<Diagnostic> evidence_problems;
  EvidenceSet evidence;
  if (loaded.ok() || loaded.checkable) {
    // Every evidence record the profile cites, relative to the profile's folder; a bad one stops the run.
    std::set<std::string> unusable;
    const auto base = std::filesystem::path(profile_path).parent_path();
    const auto trusted = load_trusted_keys(loaded.profile, base, evidence_problems);
    for (const auto& entry : loaded.profile.assessments) {
      for (const auto& group : entry.groups) {
        for (const auto& reference : group.evidence) {
          if (evidence.contains(reference.text) || unusable.contains(reference.text))
            continue;
          auto record = load::load_evidence_file(base / reference.text, reference.text, &*catalogue, trusted);
          if (!record.record) {
            evidence_problems.insert(evidence_problems.end(), record.problems.begin(), record.problems.end());
            evidence_problems.push_back(
                {reference.where, entry.requirement,
                 fmt::format("evidence {} cannot be used (see the problems listed under its file)",
                             reference.text)});
            unusable.insert(reference.text);
            continue;
          }
          evidence.emplace(reference.text, std::move(*record.record));
        }
      }
    }
    // The engine checks the rest of the profile; an unusable record is left out so that it is not reported
    // a second time as "not loaded".
    Profile checked = loaded.profile;
    for (auto& entry : checked.assessments) {
      for (auto& group : entry.groups) {
        std::erase_if(group.evidence,
                      [&](const LocatedText& reference) { return unusable.contains(reference.text); });
      }
    }
    auto result = assess(*catalogue, checked, evidence);
    if (!result) {
      profile_problems.insert(profile_problems.end(), result.error().diagnostics.begin(),
                              result.error().diagnostics.end());
    } else if (profile_problems.empty() && evidence_problems.empty()) {
      // Not an error (the record counts as unsigned), but most likely a key the maker forgot to list.
      for (const auto& [path, record] : evidence) {
        if (record.signature.status != EvidenceSignature::Status::untrusted)
          continue;
        ctx.err << fmt::format(
            "en18031: note: {} is signed by a key the profile does not trust (keyid {}); it counts as "
            "unsigned (list the key under evidence_keys to have its signature checked)\n",
            path, record.signature.fingerprint.empty() ? "none" : printable(record.signature.fingerprint));
      }
      return AssessedProduct{
          std::move(*catalogue), std::move(loaded.profile), std::move(evidence),        std::move(*result),
          profile_path,          std::move(loaded.sha256),  std::move(catalogue_sha256)};
    }
  }
  std::vector<Diagnostic> problems = profile_problems;
  problems.insert(problems.end(), evidence_problems.begin(), evidence_problems.end());
  print_problems(ctx, std::move(problems));
  if (!evidence_problems.empty())
    ctx.err << "en18031: refusing to assess with evidence that cannot be trusted\n";
  if (!profile_problems.empty()) {
    ctx.err << fmt::format("en18031: {} has {} problem(s); nothing was assessed\n", profile_path,
                           profile_problems.size());
  }
  return std::nullopt;
}

int write_outputs(Context& ctx, const AssessedProduct& product, const OutputOptions& options) {
  const render::ReportContext report{product.catalogue,      product.profile,         product.result,
                                     product.profile_path,   ctx.tool_version,        &product.evidence,
                                     product.profile_sha256, product.catalogue_sha256};
  const std::filesystem::path directory(options.directory);
  std::vector<std::pair<std::string, std::string>> files;  // name, content
  bool declaration_refused = false;
  for (const auto& format : options.formats) {
    if (format == "json") {
      files.emplace_back("results.json", render::results_json(report));
    } else if (format == "summary") {
      files.emplace_back("summary.md", render::summary_markdown(report));
    } else if (format == "md" || format == "html") {
      const auto document = render::technical_file(report);
      if (format == "md")
        files.emplace_back("technical-file.md", render::doc::to_markdown(document));
      if (format == "html")
        files.emplace_back("technical-file.html", render::doc::to_html(document));
    } else if (format == "sarif") {
      files.emplace_back("results.sarif", render::sarif_log(report));
    } else if (format == "cyclonedx") {
      files.emplace_back("bom.cdx.json", render::cyclonedx_bom(report));
    } else if (format == "doc") {
      const auto blockers = render::declaration_blockers(report);
      if (!blockers.empty() && !options.draft) {
        declaration_refused = true;
        ctx.err << fmt::format(
            "en18031: no Declaration of Conformity while {}; use --draft for a draft marked as "
            "such on every page\n",
            fmt::join(blockers, "; "));
        continue;
      }
      const auto document = render::declaration(report, options.draft);
      files.emplace_back("declaration.md", render::doc::to_markdown(document));
      files.emplace_back("declaration.html", render::doc::to_html(document));
    }
  }
  for (const auto& [name, content] : files) {
    const auto path = directory / name;
    if (const auto done = io::write_file_atomically(path, content); !done) {
      return cli::report(ctx, done.error());
    }
    ctx.out << "wrote " << path.string() << "\n";
  }
  if (declaration_refused) {
    // A declaration from an earlier run (a draft, or one issued before a requirement started failing) must
    // not stay beside outputs that refuse it.
    for (const std::string name : {"declaration.md", "declaration.html"}) {
      const auto path = directory / name;
      std::error_code error;
      const bool removed = std::filesystem::remove(path, error);
      if (error) {
        return cli::report(ctx, Error::message(fmt::format("cannot remove the older declaration {}: {}",
                                                           path.string(), error.message())));
      }
      if (removed)
        ctx.err << fmt::format("en18031: removed the older declaration {}, which no longer holds\n",
                               path.string());
    }
  }
  return declaration_refused ? exit_findings : exit_ok;
}

void print_result(Context& ctx, const AssessedProduct& product) {
  const auto& result = product.result;
  const auto& about = product.profile.product;
  // Names come from the profile: a terminal sees them as displayable text only.
  ctx.out << fmt::format("{} {} (firmware {}): parts {}\n", displayable(about.name), displayable(about.model),
                         displayable(about.firmware_version), fmt::join(result.applicable_parts(), ", "));
  ctx.out << fmt::format(
      "{} requirements: {} PASS, {} FAIL, {} NOT APPLICABLE, {} INCOMPLETE, {} CONTRADICTED\n",
      result.requirements.size(), result.count(Status::pass), result.count(Status::fail),
      result.count(Status::not_applicable), result.count(Status::incomplete),
      result.count(Status::contradicted));
  ctx.out << (result.module_a_possible
                  ? "Module A (self-assessment) is possible\n"
                  : fmt::format("Module A is not possible yet: {} reason(s), see the summary\n",
                                result.route_reasons.size()));
}

}  // namespace en18031::cli
