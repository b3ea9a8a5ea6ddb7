// `--sign-key` of the commands that write evidence records (image tamper-test, fleet check): the record is
// then written as a DSSE envelope signed with that key (docs/evidence-format.md).
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/image_common.hpp"
#include "evidence/record.hpp"

namespace en18031::cli {

// Adds --sign-key. `with_key_options`: also --passphrase-file, --pkcs11-module and --pin, for a command
// that has no key of its own; otherwise the command's key options (add_key_options) serve both keys.
CLI::Option* add_sign_key_option(CLI::App& command, KeySource& source, bool with_key_options);

// The signing key, loaded before any work is done so that a wrong PIN or passphrase stops the run early;
// nullopt when --sign-key was not given. The error names the key (a PKCS#11 URI without its PIN).
std::expected<std::optional<crypto::Key>, Error> load_evidence_signing_key(const KeySource& source);

// The text of the record file: the record itself, or with a key its signed envelope.
std::expected<std::string, Error> evidence_file_text(const nlohmann::json& record,
                                                     const std::optional<crypto::Key>& key);

// make_record and evidence_file_text in one: the text of the record file for a command's findings.
std::expected<std::string, Error> evidence_record_text(const evidence::RecordHead& head,
                                                       std::span<const evidence::Finding> findings,
                                                       std::span<const evidence::MeasuredInput> inputs,
                                                       const Catalogue& catalogue,
                                                       const std::optional<crypto::Key>& key);

}  // namespace en18031::cli
