#include "cli/endpoint_outputs.hpp"

#include <fmt/format.h>

#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {

std::expected<void, Error> write_endpoint_outputs(Context& ctx, const std::filesystem::path& folder,
                                                  const EndpointOutputs& outputs,
                                                  std::span<const evidence::Finding> findings,
                                                  const Catalogue& catalogue,
                                                  const std::optional<crypto::Key>& key) {
  const auto policy_text = io::read_file_text(outputs.policy_file, limits::max_document_bytes);
  if (!policy_text)
    return std::unexpected(policy_text.error());
  const evidence::RecordHead head{.tool = std::string(outputs.tool),
                                  .tool_version = ctx.tool_version,
                                  .created = evidence_timestamp(ctx.now()),
                                  .subject = outputs.subject,
                                  .conditions = {}};
  const evidence::MeasuredInput inputs[] = {
      {path_from_record(outputs.policy_file, folder / "evidence.json"), crypto::sha256_hex(*policy_text)}};
  const auto record_text = evidence_record_text(head, findings, inputs, catalogue, key);
  if (!record_text)
    return std::unexpected(record_text.error());
  const OutputFile files[] = {{"results.json", outputs.results_json},
                              {"results.sarif", outputs.sarif},
                              {"summary.md", outputs.summary},
                              {"evidence.json", *record_text}};
  if (auto written = write_output_files(folder, files); !written)
    return std::unexpected(written.error());
  ctx.out << fmt::format("wrote results.json, results.sarif, evidence.json and summary.md to {}\n",
                         folder.string());
  return {};
}

int exit_for_failed_checks(Context& ctx, std::span<const evidence::Finding> findings) {
  std::size_t failed = 0;
  for (const auto& finding : findings)
    failed += finding.result == CheckResult::fail ? 1 : 0;
  if (failed == 0)
    return exit_ok;
  ctx.err << fmt::format("en18031: FAIL: {} check{} failed\n", failed, failed == 1 ? "" : "s");
  return exit_findings;
}

}  // namespace en18031::cli
