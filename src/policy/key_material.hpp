// Key material in files judged by the crypto policy: certificates, chains, private and public keys and
// certificate requests, in PEM or DER, and PKCS#12 bundles opened with a password. `en18031 crypto check`
// and (to come) the firmware scanner read files through this. Edge code: OpenSSL parses, the judgement is
// policy/certificate.hpp's.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "policy/certificate.hpp"
#include "policy/policy.hpp"

namespace en18031::policy {

struct MaterialItem {
  std::string kind;  // "certificate", "private key", "public key", "certificate request"
  std::string name;  // the certificate's or request's subject; empty for keys
  std::vector<Verdict> verdicts;
};

struct MaterialFile {
  std::string path;
  std::vector<MaterialItem> items;
  std::vector<std::string> problems;  // what could not be read ("encrypted private key: no --password-file")
  // Certificates in the file, in order: each issued by the next (leaf first), and verified against the
  // anchors when some were given.
  std::optional<bool> chain_in_order;
  std::optional<bool> chain_trusted;
  std::string chain_detail;
  bool acceptable() const;
};

// Reads `bytes` (the content of `path`) and judges what it holds on `date`. `password` opens encrypted
// PEM keys and PKCS#12 bundles; `anchors` (PEM certificates) verify the chain. Never throws; a file that
// holds nothing recognisable gets a problem.
MaterialFile check_material(std::span<const std::uint8_t> bytes, const std::string& path,
                            const Policy& policy, std::string_view date,
                            const std::optional<std::string>& password,
                            std::span<const std::uint8_t> anchors);

}  // namespace en18031::policy
