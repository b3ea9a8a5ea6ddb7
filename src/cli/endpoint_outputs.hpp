// What `probe tls` and `probe dtls` share once an endpoint has been judged by a crypto policy: the four
// output files and the exit code.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/app.hpp"
#include "core/diagnostic.hpp"
#include "crypto/keys.hpp"
#include "evidence/record.hpp"

namespace en18031::cli {

struct EndpointOutputs {
  std::string_view tool;  // the check file's tool, e.g. "en18031 probe tls"
  std::string subject;    // the record's subject
  std::filesystem::path policy_file;
  std::string results_json;
  std::string sarif;
  std::string summary;
};

// Writes results.json, results.sarif, summary.md and, last (a record never stands without the results it
// summarises), evidence.json, whose one input is the policy file by its SHA-256; signed when `key` is given.
// Says what it wrote on ctx.out.
std::expected<void, Error> write_endpoint_outputs(Context& ctx, const std::filesystem::path& folder,
                                                  const EndpointOutputs& outputs,
                                                  std::span<const evidence::Finding> findings,
                                                  const Catalogue& catalogue,
                                                  const std::optional<crypto::Key>& key);

// exit_findings with "FAIL: N checks failed" on ctx.err when a check failed; exit_ok otherwise.
int exit_for_failed_checks(Context& ctx, std::span<const evidence::Finding> findings);

}  // namespace en18031::cli
