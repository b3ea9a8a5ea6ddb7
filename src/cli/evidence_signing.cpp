#include "cli/evidence_signing.hpp"

#include <fmt/format.h>

#include "evidence/record.hpp"

namespace en18031::cli {

CLI::Option* add_sign_key_option(CLI::App& command, KeySource& source, bool with_key_options) {
  CLI::Option* option =
      command.add_option("--sign-key", source.key,
                         "Sign the evidence record with this private key (PEM or pkcs11: URI): the record is "
                         "written as a DSSE envelope holding an in-toto Statement");
  if (with_key_options) {
    command.add_option("--passphrase-file", source.passphrase_file,
                       "File holding the passphrase of an encrypted PEM --sign-key (default "
                       "$EN18031_KEY_PASSPHRASE)");
    command.add_option("--pkcs11-module", source.pkcs11_module,
                       "PKCS#11 library for a pkcs11: --sign-key (default $EN18031_PKCS11_MODULE)");
    command.add_option("--pin", source.pin,
                       "PKCS#11 user PIN (default $EN18031_PKCS11_PIN, or pin-value in the URI)");
  }
  return option;
}

std::expected<std::optional<crypto::Key>, Error> load_evidence_signing_key(const KeySource& source) {
  if (source.key.empty())
    return std::optional<crypto::Key>();
  auto key = load_signing_key(source);
  if (!key)
    return std::unexpected(Error::message(fmt::format("--sign-key: {}", key.error().describe())));
  return std::optional<crypto::Key>(std::move(*key));
}

std::expected<std::string, Error> evidence_file_text(const nlohmann::json& record,
                                                     const std::optional<crypto::Key>& key) {
  if (!key)
    return record.dump(2) + "\n";
  const auto envelope = evidence::sign_record(record, *key);
  if (!envelope)
    return std::unexpected(Error::message(envelope.error().describe()));
  return envelope->dump(2) + "\n";
}

std::expected<std::string, Error> evidence_record_text(const evidence::RecordHead& head,
                                                       std::span<const evidence::Finding> findings,
                                                       std::span<const evidence::MeasuredInput> inputs,
                                                       const Catalogue& catalogue,
                                                       const std::optional<crypto::Key>& key) {
  const auto record = evidence::make_record(head, findings, inputs, catalogue);
  if (!record)
    return std::unexpected(record.error());
  return evidence_file_text(*record, key);
}

}  // namespace en18031::cli
